import { type GeoPoint } from '../../contract';

/**
 * One AVL device's position at one instant, in contract units. The NMEA and TAIP assemblers
 * produce it; the adapter wraps it in a `position.fix` event (contract `PositionFix`).
 */
export interface DeviceFix {
  readonly deviceId: string;
  readonly point: GeoPoint;
  /** Course over ground, degrees true; null when the receiver did not report one. */
  readonly headingDegrees: number | null;
  readonly speedKph: number | null;
  /** When the receiver computed the fix (ISO 8601, UTC). */
  readonly fixAt: string;
  /** Above mean sea level (NMEA GGA). */
  readonly altitudeMeters?: number;
  /** NMEA GGA fix quality, 1–8. */
  readonly fixQuality?: number;
  /** Satellites in use (NMEA GGA). */
  readonly satellites?: number;
}

/** Kilometres per hour in one knot (exact: 1 nautical mile = 1852 m). */
export const KPH_PER_KNOT = 1.852;

/** Kilometres per hour in one mile per hour (exact: 1 international mile = 1609.344 m). */
export const KPH_PER_MPH = 1.609344;

export const MS_PER_DAY = 86_400_000;

import { normalizeDegrees } from '../geo/geodesy';
import { type GeoPoint } from '../contract';

/** `value` rounded to `decimals` places; keeps emitted JSON short and stable. */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** A point rounded to 6 decimal places (about 0.1 m), what GPS receivers report. */
export function roundPoint(point: GeoPoint): GeoPoint {
  return { lat: roundTo(point.lat, 6), lon: roundTo(point.lon, 6) };
}

/** A heading rounded to 0.1° and kept in [0, 360): 359.96 must become 0, not 360. */
export function roundHeading(degrees: number): number {
  return normalizeDegrees(roundTo(normalizeDegrees(degrees), 1));
}

import { type DeviceFix, KPH_PER_MPH, MS_PER_DAY } from '../nmea/deviceFix';
import { type RpvReport } from './parseTaipMessage';

/** Options of {@link createTaipFixAssembler}. */
export interface TaipFixAssemblerOptions {
  /** The receive clock: RPV carries only a time of day, so the date comes from here. */
  readonly now: () => Date;
  /**
   * How far ahead of `now()` a fix may be and still count as today (device clocks run a little
   * ahead of ours); anything later belongs to the previous day. Default 5 minutes.
   */
  readonly maxClockSkewMs?: number;
  /**
   * Seconds to subtract from the RPV time to get UTC. TAIP calls the field "GPS time of day";
   * receivers that report GPS time rather than UTC are ahead by the leap seconds (18 s since
   * 2017). Default 0 (the device reports UTC).
   */
  readonly gpsMinusUtcSeconds?: number;
}

export type TaipAssembly =
  | { readonly ok: true; readonly fix: DeviceFix }
  | { readonly ok: false; readonly reason: 'missing-id'; readonly detail: string };

export interface TaipFixAssembler {
  /**
   * Dates an RPV report against the receive clock. The device id is the report's `ID=` field,
   * else `fallbackDeviceId` (what the transport knows, e.g. the modem's address), else the
   * report is refused with `missing-id`.
   */
  accept(report: RpvReport, fallbackDeviceId?: string): TaipAssembly;
}

/** Creates a {@link TaipFixAssembler}; stateless apart from the injected clock. */
export function createTaipFixAssembler(options: TaipFixAssemblerOptions): TaipFixAssembler {
  const { now, maxClockSkewMs = 5 * 60_000, gpsMinusUtcSeconds = 0 } = options;
  if (!(maxClockSkewMs >= 0 && maxClockSkewMs < MS_PER_DAY / 2)) {
    throw new RangeError(`createTaipFixAssembler: maxClockSkewMs must be in [0, 12 h), got ${maxClockSkewMs}`);
  }

  return {
    accept(report, fallbackDeviceId) {
      const deviceId = report.vehicleId ?? fallbackDeviceId;
      if (deviceId === undefined || deviceId === '') {
        return { ok: false, reason: 'missing-id', detail: 'RPV has no ID field and the transport gave no device id' };
      }
      const timeOfDayMs = ((((report.timeOfDaySeconds - gpsMinusUtcSeconds) % 86_400) + 86_400) % 86_400) * 1000;
      const fixAtMs = latestInstantNotAfter(timeOfDayMs, now().getTime() + maxClockSkewMs);
      return {
        ok: true,
        fix: {
          deviceId,
          point: report.point,
          headingDegrees: report.headingDegrees,
          speedKph: report.speedMph * KPH_PER_MPH,
          fixAt: new Date(fixAtMs).toISOString(),
        },
      };
    },
  };
}

/**
 * The latest instant with this UTC time of day that is not after `limitMs`: fixes are in the
 * past, so a time of day ahead of the clock is yesterday's, and one just past midnight when our
 * clock has not reached midnight yet is tomorrow's (within the skew allowance).
 */
function latestInstantNotAfter(timeOfDayMs: number, limitMs: number): number {
  const dayStart = Math.floor(limitMs / MS_PER_DAY) * MS_PER_DAY;
  const today = dayStart + timeOfDayMs;
  return today <= limitMs ? today : today - MS_PER_DAY;
}

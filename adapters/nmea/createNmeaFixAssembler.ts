import { type DeviceFix, KPH_PER_KNOT, MS_PER_DAY } from './deviceFix';
import { type GgaSentence, type NmeaSentence, type RmcSentence } from './parseNmeaSentence';

/** Options of {@link createNmeaFixAssembler}. */
export interface NmeaFixAssemblerOptions {
  /**
   * A GGA with no RMC of its time borrows the date of the device's last RMC only if the two
   * are at most this far apart; otherwise it is dropped. Default 10 minutes.
   */
  readonly maxGgaDatingGapMs?: number;
}

/** What the assembler hands back: a fix, or a GGA it could not date. */
export type NmeaAssembly =
  | { readonly ok: true; readonly fix: DeviceFix }
  | { readonly ok: false; readonly reason: 'undated-gga'; readonly deviceId: string; readonly detail: string };

/**
 * Pairs each device's RMC with the GGA of the same time into one {@link DeviceFix}.
 *
 * An RMC waits for its GGA until the device sends a sentence of another time or the caller
 * flushes: transports call {@link NmeaFixAssembler.flush} at the end of each datagram (a modem
 * sends an epoch's sentences together), or on a timer, so RMC-only devices are not delayed.
 */
export interface NmeaFixAssembler {
  /** Takes one decoded sentence from `deviceId`; returns what it completes, possibly nothing. */
  accept(deviceId: string, sentence: NmeaSentence): readonly NmeaAssembly[];
  /** Completes whatever is waiting, for one device or for all. */
  flush(deviceId?: string): readonly NmeaAssembly[];
}

interface DeviceState {
  pendingRmc: RmcSentence | null;
  pendingGga: GgaSentence | null;
  /** Instant (epoch ms) of the latest RMC seen, the reference for dating a lone GGA. */
  lastRmcAtMs: number | null;
}

/** Creates a {@link NmeaFixAssembler}. Pure apart from its per-device state; no clock needed. */
export function createNmeaFixAssembler(options: NmeaFixAssemblerOptions = {}): NmeaFixAssembler {
  const { maxGgaDatingGapMs = 10 * 60_000 } = options;
  if (!(maxGgaDatingGapMs >= 0 && maxGgaDatingGapMs < MS_PER_DAY / 2)) {
    throw new RangeError(`createNmeaFixAssembler: maxGgaDatingGapMs must be in [0, 12 h), got ${maxGgaDatingGapMs}`);
  }
  const devices = new Map<string, DeviceState>();

  function stateOf(deviceId: string): DeviceState {
    let state = devices.get(deviceId);
    if (!state) {
      state = { pendingRmc: null, pendingGga: null, lastRmcAtMs: null };
      devices.set(deviceId, state);
    }
    return state;
  }

  function fromGgaAlone(deviceId: string, gga: GgaSentence, state: DeviceState): NmeaAssembly {
    const fixAtMs = state.lastRmcAtMs === null ? null : nearestInstant(gga.timeOfDayMs, state.lastRmcAtMs);
    if (fixAtMs === null || Math.abs(fixAtMs - (state.lastRmcAtMs ?? 0)) > maxGgaDatingGapMs) {
      return {
        ok: false,
        reason: 'undated-gga',
        deviceId,
        detail:
          state.lastRmcAtMs === null
            ? `GGA at ${formatTimeOfDay(gga.timeOfDayMs)} and no RMC yet to take a date from`
            : `GGA at ${formatTimeOfDay(gga.timeOfDayMs)} is more than ${maxGgaDatingGapMs} ms from the last RMC`,
      };
    }
    return {
      ok: true,
      fix: {
        deviceId,
        point: gga.point,
        headingDegrees: null,
        speedKph: null,
        fixAt: new Date(fixAtMs).toISOString(),
        ...ggaExtras(gga),
      },
    };
  }

  function drain(deviceId: string, state: DeviceState): NmeaAssembly[] {
    const out: NmeaAssembly[] = [];
    if (state.pendingRmc) out.push({ ok: true, fix: fromRmc(deviceId, state.pendingRmc, null) });
    if (state.pendingGga) out.push(fromGgaAlone(deviceId, state.pendingGga, state));
    state.pendingRmc = null;
    state.pendingGga = null;
    return out;
  }

  return {
    accept(deviceId, sentence) {
      const state = stateOf(deviceId);
      const { pendingRmc, pendingGga } = state;
      if (sentence.type === 'RMC') {
        // Modems repeat sentences; a repeat of the waiting one adds nothing.
        if (pendingRmc && rmcInstant(pendingRmc) === rmcInstant(sentence)) return [];
        state.lastRmcAtMs = rmcInstant(sentence);
        if (pendingGga && pendingGga.timeOfDayMs === sentence.timeOfDayMs) {
          state.pendingGga = null;
          return [...drain(deviceId, state), { ok: true, fix: fromRmc(deviceId, sentence, pendingGga) }];
        }
        const out = drain(deviceId, state);
        state.pendingRmc = sentence;
        return out;
      }
      if (pendingRmc && pendingRmc.timeOfDayMs === sentence.timeOfDayMs) {
        state.pendingRmc = null;
        return [...drain(deviceId, state), { ok: true, fix: fromRmc(deviceId, pendingRmc, sentence) }];
      }
      if (pendingGga && pendingGga.timeOfDayMs === sentence.timeOfDayMs) return [];
      const out = drain(deviceId, state);
      state.pendingGga = sentence;
      return out;
    },

    flush(deviceId) {
      if (deviceId !== undefined) {
        const state = devices.get(deviceId);
        return state ? drain(deviceId, state) : [];
      }
      return [...devices.entries()].flatMap(([id, state]) => drain(id, state));
    },
  };
}

function fromRmc(deviceId: string, rmc: RmcSentence, gga: GgaSentence | null): DeviceFix {
  return {
    deviceId,
    point: rmc.point,
    headingDegrees: rmc.courseDegrees,
    speedKph: rmc.speedKnots === null ? null : rmc.speedKnots * KPH_PER_KNOT,
    fixAt: new Date(rmcInstant(rmc)).toISOString(),
    ...(gga ? ggaExtras(gga) : {}),
  };
}

function ggaExtras(gga: GgaSentence): Pick<DeviceFix, 'altitudeMeters' | 'fixQuality' | 'satellites'> {
  return {
    ...(gga.altitudeMeters === null ? {} : { altitudeMeters: gga.altitudeMeters }),
    fixQuality: gga.fixQuality,
    ...(gga.satellites === null ? {} : { satellites: gga.satellites }),
  };
}

/** RMC date + time, both UTC, in epoch milliseconds: the instant the fix was computed. */
export function rmcInstant(rmc: RmcSentence): number {
  const { year, month, day } = rmc.date;
  return Date.UTC(year, month - 1, day) + rmc.timeOfDayMs;
}

/** The instant with this UTC time of day closest to `referenceMs` (yesterday, that day or tomorrow). */
function nearestInstant(timeOfDayMs: number, referenceMs: number): number {
  const dayStart = Math.floor(referenceMs / MS_PER_DAY) * MS_PER_DAY;
  const candidates = [dayStart - MS_PER_DAY, dayStart, dayStart + MS_PER_DAY].map((start) => start + timeOfDayMs);
  return candidates.reduce((best, candidate) =>
    Math.abs(candidate - referenceMs) < Math.abs(best - referenceMs) ? candidate : best,
  );
}

function formatTimeOfDay(timeOfDayMs: number): string {
  return new Date(timeOfDayMs).toISOString().slice(11, 23);
}

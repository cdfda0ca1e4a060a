import { type DomainEvent } from '../contract';
import { type CitySimulation } from './createCitySimulation';

/** Options of {@link advanceThroughHistory}. */
export interface HistoryOptions {
  /**
   * In the history, each unit's position at most this often (its last fix is always kept);
   * default 60 000 ms. Live, units report every couple of seconds: an hour of that is tens of
   * thousands of fixes, which would keep the hub from being ready for a minute, where a trail
   * of one a minute draws the same tracks on a map.
   */
  readonly positionEveryMs?: number;
}

/**
 * The city's past: advances `simulation` (created with its start in the past) to `until` and
 * returns what happened, in order, each event at its own simulated time, with unit positions
 * thinned to a trail (see {@link HistoryOptions.positionEveryMs}). Deterministic: the same
 * simulation and `until` give the same events.
 */
export function advanceThroughHistory(simulation: CitySimulation, until: Date, options: HistoryOptions = {}): DomainEvent[] {
  const { positionEveryMs = 60_000 } = options;
  if (!(positionEveryMs > 0)) throw new RangeError(`advanceThroughHistory: positionEveryMs must be > 0, got ${positionEveryMs}`);
  return thinPositionFixes(simulation.advance(until), positionEveryMs);
}

/** Keeps each unit's fixes at most one per `everyMs` of fix time, and always its last one. */
export function thinPositionFixes(events: readonly DomainEvent[], everyMs: number): DomainEvent[] {
  const lastIndexOf = new Map<string, number>();
  events.forEach((event, index) => {
    if (event.type === 'position.fix') lastIndexOf.set(positionKeyOf(event), index);
  });
  const keptAtMs = new Map<string, number>();
  return events.filter((event, index) => {
    if (event.type !== 'position.fix') return true;
    const key = positionKeyOf(event);
    const atMs = Date.parse(event.fixAt);
    const previous = keptAtMs.get(key);
    if (previous !== undefined && atMs - previous < everyMs && lastIndexOf.get(key) !== index) return false;
    keptAtMs.set(key, atMs);
    return true;
  });
}

function positionKeyOf(event: Extract<DomainEvent, { type: 'position.fix' }>): string {
  return event.unitId ?? event.deviceId ?? '';
}

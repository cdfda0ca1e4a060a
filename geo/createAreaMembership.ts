import { areaBounds, areaContains, boxContains, type Area } from './areaContains';
import { type LatLon } from './geodesy';

/**
 * What to do with one event for a subscriber watching an area:
 * `inside` — deliver it; `left` — deliver it once, so the client can remove what it shows
 * (it was shown and is now outside or has no location); `outside` — do not deliver it.
 */
export type AreaDecision = 'inside' | 'left' | 'outside';

/** Per-subscription record of which keys the client has been shown inside its area. */
export interface AreaMembership<K> {
  /** Decides on an event for `key` at `point`; `null` (no known location) counts as outside. */
  decide(key: K, point: LatLon | null): AreaDecision;
  /** Drops `key` without an event, e.g. when the thing itself is deleted or closed. */
  forget(key: K): void;
  /** How many keys are currently shown; memory grows with this and nothing else. */
  readonly size: number;
}

/**
 * Tracks which things a subscriber has been shown in `area`, so that it receives events inside
 * the area plus exactly one `left` event when something it was shown moves out (or loses its
 * location). Points are checked against {@link areaBounds} before the exact {@link areaContains}.
 */
export function createAreaMembership<K>(area: Area): AreaMembership<K> {
  const bounds = areaBounds(area);
  const shown = new Set<K>();

  return {
    decide(key, point) {
      if (point !== null && boxContains(bounds, point) && areaContains(area, point)) {
        shown.add(key);
        return 'inside';
      }
      return shown.delete(key) ? 'left' : 'outside';
    },
    forget(key) {
      shown.delete(key);
    },
    get size() {
      return shown.size;
    },
  };
}

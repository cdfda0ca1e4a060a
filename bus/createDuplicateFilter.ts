import type { DomainEvent } from '../contract';

/**
 * Remembers the last `capacity` events by source and vendor event id, so that an adapter that
 * sends an event twice changes nothing the second time and subscribers hear of it once.
 * The oldest key is forgotten through a ring of the keys in arrival order: taking the first
 * value of the Set instead costs time in proportion to the keys deleted before it (V8 keeps
 * them as holes until it rehashes), which made a full filter slow down every event.
 */
export function createDuplicateFilter(capacity = 50_000): (event: DomainEvent) => boolean {
  const seen = new Set<string>();
  const ring: (string | undefined)[] = new Array<string | undefined>(capacity);
  let next = 0;
  return (event) => {
    const key = `${event.source}\u0000${event.eventId}`;
    if (seen.has(key)) return false;
    const oldest = ring[next];
    if (oldest !== undefined) seen.delete(oldest);
    ring[next] = key;
    next = (next + 1) % capacity;
    seen.add(key);
    return true;
  };
}

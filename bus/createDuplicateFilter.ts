import type { DomainEvent } from '../adapters/contract';

/**
 * Remembers the last `capacity` events by source and vendor event id, so that an adapter that
 * sends an event twice changes nothing the second time and subscribers hear of it once.
 */
export function createDuplicateFilter(capacity = 50_000): (event: DomainEvent) => boolean {
  const seen = new Set<string>();
  return (event) => {
    const key = `${event.source}\u0000${event.eventId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    // A Set iterates in insertion order: the first key is the oldest.
    if (seen.size > capacity) seen.delete(seen.values().next().value as string);
    return true;
  };
}

import type { EventBus, EventHandler } from './eventBus';

/**
 * The embedded bus for one process: every subscriber sees every event, in publish order
 * (publishers await each publish). A failing subscriber does not keep the event from the others.
 */
export function createInProcessBus(): EventBus {
  const handlers = new Set<EventHandler>();
  return {
    async publish(event) {
      const results = await Promise.allSettled([...handlers].map((handler) => handler(event)));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      if (failures.length > 0) {
        throw new AggregateError(failures, `${failures.length} subscriber(s) failed to apply ${event.type} ${event.eventId}`);
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}

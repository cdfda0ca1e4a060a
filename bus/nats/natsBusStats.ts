import type { DeliveryOutcome } from './createOrderedDelivery';

/** Counters since the bus was created, summed over its subscriptions. */
export interface NatsBusStats {
  /** Publishes JetStream stored and acknowledged. */
  readonly published: number;
  /** Publishes JetStream acknowledged as a duplicate (same source and eventId within the window) and dropped. */
  readonly duplicatePublishes: number;
  /** Events handed to a handler (including those whose handler then threw). */
  readonly delivered: number;
  readonly handlerFailures: number;
  /** Messages on the stream that are not a valid domain event; skipped. */
  readonly decodeFailures: number;
  /** Messages JetStream delivered again after a consumer reset; skipped. */
  readonly redeliveriesSkipped: number;
}

/** The counters of one bus, bumped by its publishes and by its subscriptions' deliveries. */
export interface NatsBusCounters {
  /** Counts a publish JetStream acknowledged, as stored or as a dropped duplicate. */
  published(duplicate: boolean): void;
  delivered(outcome: DeliveryOutcome): void;
  stats(): NatsBusStats;
}

/** Counters all at zero. */
export function createNatsBusCounters(): NatsBusCounters {
  const counters: { -readonly [K in keyof NatsBusStats]: number } = {
    published: 0,
    duplicatePublishes: 0,
    delivered: 0,
    handlerFailures: 0,
    decodeFailures: 0,
    redeliveriesSkipped: 0,
  };
  return {
    published(duplicate) {
      if (duplicate) counters.duplicatePublishes += 1;
      else counters.published += 1;
    },
    delivered(outcome) {
      if (outcome === 'handled' || outcome === 'handler-failed') counters.delivered += 1;
      if (outcome === 'handler-failed') counters.handlerFailures += 1;
      if (outcome === 'undecodable') counters.decodeFailures += 1;
      if (outcome === 'redelivered') counters.redeliveriesSkipped += 1;
    },
    stats: () => ({ ...counters }),
  };
}

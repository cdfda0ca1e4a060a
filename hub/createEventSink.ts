import type { Logger } from 'pino';
import type { DomainEvent, EventSink, Rejection } from '../adapters/contract';
import { validateDomainEvent } from '../adapters/validateDomainEvent';
import type { EventBus } from '../bus/createInProcessBus';
import type { DeadLetterStore, RejectionStage } from '../subgraphs/ingest/createDeadLetterStore';

/** Counts of what one adapter delivered. */
export interface SourceStats {
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
}

/** Counts of what entered the hub, in all and per adapter. */
export interface IngestStats extends SourceStats {
  readonly bySource: Readonly<Record<string, SourceStats>>;
}

/** The hub's {@link EventSink}, which also counts what it accepted and rejected. */
export interface IngestSink extends EventSink {
  stats(): IngestStats;
}

interface Counter {
  accepted: number;
  rejectedByReason: Map<string, number>;
}

/**
 * The sink adapters deliver to: validates each event against the contract where it enters,
 * publishes the valid ones to the bus, and keeps every rejection — the adapter's own and the
 * contract's — as a dead letter with its raw payload, counted per adapter and reason.
 */
export function createEventSink(options: { bus: EventBus; deadLetters: DeadLetterStore; logger: Logger }): IngestSink {
  const { bus, deadLetters, logger } = options;
  const log = logger.child({ component: 'ingest' });
  const counters = new Map<string, Counter>();
  const counterOf = (source: string) => {
    let counter = counters.get(source);
    if (!counter) {
      counter = { accepted: 0, rejectedByReason: new Map() };
      counters.set(source, counter);
    }
    return counter;
  };
  const record = async (rejection: Rejection, stage: RejectionStage) => {
    const counts = counterOf(rejection.source).rejectedByReason;
    counts.set(rejection.reason, (counts.get(rejection.reason) ?? 0) + 1);
    log.warn({ source: rejection.source, stage, reason: rejection.reason, detail: rejection.detail }, 'rejected input');
    await deadLetters.add(rejection, stage);
  };
  const summarise = (counter: Counter): SourceStats => ({
    accepted: counter.accepted,
    rejected: [...counter.rejectedByReason.values()].reduce((sum, count) => sum + count, 0),
    rejectedByReason: Object.fromEntries(counter.rejectedByReason),
  });

  return {
    stats() {
      const total: Counter = { accepted: 0, rejectedByReason: new Map() };
      for (const counter of counters.values()) {
        total.accepted += counter.accepted;
        for (const [reason, count] of counter.rejectedByReason) {
          total.rejectedByReason.set(reason, (total.rejectedByReason.get(reason) ?? 0) + count);
        }
      }
      return {
        ...summarise(total),
        bySource: Object.fromEntries([...counters].map(([source, counter]) => [source, summarise(counter)])),
      };
    },
    async emit(event: DomainEvent) {
      const verdict = validateDomainEvent(event);
      const source = typeof event?.source === 'string' ? event.source : 'unknown';
      if (!verdict.ok) {
        await record(
          { source, reason: verdict.reason, detail: verdict.detail, raw: JSON.stringify(event), receivedAt: new Date().toISOString() },
          'CONTRACT',
        );
        return;
      }
      await bus.publish(verdict.event);
      counterOf(source).accepted += 1;
    },
    reject: (rejection) => record(rejection, 'ADAPTER'),
  };
}

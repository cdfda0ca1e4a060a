import type { Logger } from 'pino';
import type { DomainEvent, EventSink, Rejection } from '../adapters/contract';
import { validateDomainEvent } from '../adapters/validateDomainEvent';
import type { EventBus } from '../bus/createInProcessBus';

/** Counts of what entered the hub. */
export interface IngestStats {
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
}

/** The hub's {@link EventSink}, which also counts what it accepted and rejected. */
export interface IngestSink extends EventSink {
  stats(): IngestStats;
}

/**
 * The sink adapters deliver to: validates each event against the contract where it enters,
 * publishes the valid ones to the bus, and logs rejections with their reason.
 */
export function createEventSink({ bus, logger }: { bus: EventBus; logger: Logger }): IngestSink {
  const log = logger.child({ component: 'ingest' });
  let accepted = 0;
  const rejectedByReason = new Map<string, number>();
  const reject = async (rejection: Rejection) => {
    rejectedByReason.set(rejection.reason, (rejectedByReason.get(rejection.reason) ?? 0) + 1);
    log.warn({ source: rejection.source, reason: rejection.reason, detail: rejection.detail }, 'rejected input');
  };
  return {
    stats: () => ({
      accepted,
      rejected: [...rejectedByReason.values()].reduce((sum, count) => sum + count, 0),
      rejectedByReason: Object.fromEntries(rejectedByReason),
    }),
    async emit(event: DomainEvent) {
      const verdict = validateDomainEvent(event);
      if (!verdict.ok) {
        await reject({
          source: typeof event?.source === 'string' ? event.source : 'unknown',
          reason: verdict.reason,
          detail: verdict.detail,
          raw: JSON.stringify(event),
          receivedAt: new Date().toISOString(),
        });
        return;
      }
      await bus.publish(verdict.event);
      accepted += 1;
    },
    reject,
  };
}

import type { Logger } from 'pino';
import type { DomainEvent, EventSink, Rejection } from '../adapters/contract';
import { validateDomainEvent } from '../adapters/validateDomainEvent';
import type { EventBus } from '../bus/createInProcessBus';

/**
 * The sink adapters deliver to: validates each event against the contract where it enters,
 * publishes the valid ones to the bus, and logs rejections with their reason.
 */
export function createEventSink({ bus, logger }: { bus: EventBus; logger: Logger }): EventSink {
  const log = logger.child({ component: 'ingest' });
  const reject = async (rejection: Rejection) => {
    log.warn({ source: rejection.source, reason: rejection.reason, detail: rejection.detail }, 'rejected input');
  };
  return {
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
    },
    reject,
  };
}

import type { Logger } from 'pino';
import type { EventHandler } from '../eventBus';
import { decodeEvent } from './eventCodec';

/** A message as read from the stream. */
export interface StreamMessage {
  /** Stream sequence: increases with every message the stream stores. */
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
}

/** What became of one message handed to an {@link OrderedDelivery}. */
export type DeliveryOutcome = 'handled' | 'handler-failed' | 'undecodable' | 'redelivered';

/** One subscription's queue from stream messages to its handler. */
export interface OrderedDelivery {
  /** Hands the message to the handler unless it was seen already; calls queue, one handler call at a time. */
  deliver(message: StreamMessage): Promise<DeliveryOutcome>;
  /** Stream sequence of the last message taken (handled, failed or skipped); 0 before the first. */
  lastSeq(): number;
}

/**
 * One subscription's delivery, free of NATS: strictly one handler call at a time, in call order,
 * and never twice for a stream sequence at or below the last one taken (a consumer that JetStream
 * recreates may deliver again). Never rejects: failures are logged and reported as an outcome.
 */
export function createOrderedDelivery({ handler, logger }: { handler: EventHandler; logger: Logger }): OrderedDelivery {
  let last = 0;
  let tail: Promise<unknown> = Promise.resolve();

  const step = async (message: StreamMessage): Promise<DeliveryOutcome> => {
    if (message.seq <= last) return 'redelivered';
    // Taken before the handler runs: a failed event is logged, not retried.
    last = message.seq;
    const decoded = decodeEvent(message.data);
    if (!decoded.ok) {
      logger.warn(
        { seq: message.seq, subject: message.subject, detail: decoded.detail },
        'skipped a message that is not a domain event',
      );
      return 'undecodable';
    }
    const { event } = decoded;
    try {
      await handler(event);
      return 'handled';
    } catch (error) {
      logger.error(
        { err: error, seq: message.seq, type: event.type, source: event.source, eventId: event.eventId },
        'event handler failed; continuing with the next event',
      );
      return 'handler-failed';
    }
  };

  return {
    deliver(message) {
      const outcome = tail.then(() => step(message));
      tail = outcome;
      return outcome;
    },
    lastSeq: () => last,
  };
}

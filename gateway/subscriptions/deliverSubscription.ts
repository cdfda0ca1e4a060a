import type { ExecutionResult } from 'graphql';
import { HubError } from '../../errors/hubErrors';
import type { Logger } from 'pino';
import { AUDIT_UNAVAILABLE_ERROR } from '../audit/createAuditPlugin';
import type { OutboxChannel } from './createConnectionOutbox';

/** One subscription's road to its client, from the shared stream's events to the outbox. */
export interface SubscriptionDelivery {
  /**
   * Queues an event's bytes once `recorded` (its audit record, if it needs one) is stored and
   * everything held before it went: a position never overtakes the restricted event before it.
   * A record that could not be stored ends the subscription instead (no record, no delivery).
   */
  deliver(bytes: Buffer, coalesceKey: string | undefined, recorded: Promise<unknown> | null): void;
  /** Ends the stream once everything queued before has been written: with errors as a last `next`, or plainly. */
  end(last: ExecutionResult | 'done'): void;
  /**
   * The iterator graphql-ws drives. Events never pass through it (they go to the outbox as
   * bytes); it yields only the ending. Its `return` (the client completed the subscription or
   * hung up) calls `stopped` if the stream had not ended, then `leave`, and forgets what waits.
   */
  toStream(hooks: { readonly leave: () => void; readonly stopped: () => void }): AsyncIterableIterator<ExecutionResult>;
}

/**
 * The last phase: delivery of one subscription's events through its channel of the client's
 * outbox (see createConnectionOutbox), in order, each only after its audit record.
 */
export function createSubscriptionDelivery(channel: OutboxChannel<Buffer>, logger: Logger): SubscriptionDelivery {
  let ending: ExecutionResult | 'done' | null = null;
  let wake: (() => void) | null = null;
  // Events that wait for their audit record, and those behind them, in order.
  let held: Promise<boolean> | null = null;
  const afterHeld = (then: () => void) => {
    if (held) void held.then(then);
    else then();
  };
  const end = (last: ExecutionResult | 'done') =>
    afterHeld(() =>
      channel.after(() => {
        ending ??= last;
        wake?.();
      }),
    );
  const auditFailed = () => {
    logger.error('audit record of a subscription event could not be written; the event is not delivered and the subscription ends');
    end({ errors: [new HubError('AUDIT_UNAVAILABLE', AUDIT_UNAVAILABLE_ERROR.message)] });
  };

  return {
    end,
    deliver(bytes, coalesceKey, recorded) {
      if (!recorded && !held) {
        channel.push(bytes, coalesceKey);
        return;
      }
      const before = held ?? Promise.resolve(true);
      const mine: Promise<boolean> = before.then(async (ok) => {
        if (!ok) return false;
        if (recorded) {
          try {
            await recorded;
          } catch {
            auditFailed();
            return false;
          }
        }
        if (ending === null) channel.push(bytes, coalesceKey);
        return true;
      });
      held = mine;
      void mine.then(() => {
        if (held === mine) held = null;
      });
    },
    toStream({ leave, stopped }) {
      const stream: AsyncIterableIterator<ExecutionResult> = {
        async next() {
          while (ending === null) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
          }
          const last = ending;
          ending = 'done';
          return last === 'done' ? { value: undefined, done: true } : { value: last, done: false };
        },
        async return() {
          if (ending === null) stopped();
          leave();
          channel.drop();
          ending = 'done';
          wake?.();
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return stream;
        },
      };
      return stream;
    },
  };
}

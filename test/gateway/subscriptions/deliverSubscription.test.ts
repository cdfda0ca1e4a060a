import type { ExecutionResult } from 'graphql';
import { createConnectionOutbox } from '../../../gateway/subscriptions/createConnectionOutbox';
import { createFlushScheduler } from '../../../gateway/subscriptions/createFlushScheduler';
import { createSubscriptionDelivery } from '../../../gateway/subscriptions/deliverSubscription';
import { silentLogger } from './subscriptionFixtures';

/** A delivery over a real outbox flushed every event-loop turn; `written` holds the bodies written, in order. */
function deliveryUnderTest() {
  const scheduler = createFlushScheduler(0);
  const written: string[] = [];
  const outbox = createConnectionOutbox<Buffer, Buffer>({
    limit: 100,
    scheduler,
    isCongested: () => false,
    write: (messages) => written.push(...messages.map(({ body }) => String(body))),
    onOverflow: () => undefined,
  });
  const delivery = createSubscriptionDelivery(outbox.channel(Buffer.from('head')), silentLogger);
  const hooks = { left: 0, stops: 0 };
  const stream = delivery.toStream({ leave: () => (hooks.left += 1), stopped: () => (hooks.stops += 1) });
  return { delivery, stream, written, hooks, close: () => scheduler.close() };
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  const handles: { resolve?: () => void; reject?: (error: Error) => void } = {};
  const promise = new Promise<void>((resolve, reject) => Object.assign(handles, { resolve, reject }));
  return { promise, resolve: () => handles.resolve?.(), reject: (error) => handles.reject?.(error) };
}

async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('createSubscriptionDelivery', () => {
  it('queues events in order; one that waits for its audit record holds those behind it', async () => {
    const under = deliveryUnderTest();
    try {
      under.delivery.deliver(Buffer.from('1'), undefined, null);
      const record = deferred();
      under.delivery.deliver(Buffer.from('2-restricted'), undefined, record.promise);
      under.delivery.deliver(Buffer.from('3'), undefined, null);
      await settle();
      expect(under.written).toEqual(['1']);
      record.resolve();
      await settle();
      expect(under.written).toEqual(['1', '2-restricted', '3']);
    } finally {
      under.close();
    }
  });

  it('delivers no event whose record failed, nor any after it, and ends the stream with AUDIT_UNAVAILABLE', async () => {
    const under = deliveryUnderTest();
    try {
      const record = deferred();
      under.delivery.deliver(Buffer.from('restricted'), undefined, record.promise);
      under.delivery.deliver(Buffer.from('after'), undefined, null);
      const ending = under.stream.next();
      record.reject(new Error('audit store down'));
      const last = await ending;
      expect(last.done).toBe(false);
      expect(JSON.parse(JSON.stringify((last.value as ExecutionResult).errors))).toEqual([
        { message: 'The audit trail is unavailable; the operation cannot be answered', extensions: { code: 'AUDIT_UNAVAILABLE' } },
      ]);
      expect(await under.stream.next()).toEqual({ value: undefined, done: true });
      await settle();
      expect(under.written).toEqual([]);
    } finally {
      under.close();
    }
  });

  it('ends only once what was queued before the end has been written', async () => {
    const under = deliveryUnderTest();
    try {
      under.delivery.deliver(Buffer.from('last event'), undefined, null);
      under.delivery.end('done');
      expect(await under.stream.next()).toEqual({ value: undefined, done: true });
      expect(under.written).toEqual(['last event']);
      // Ended by upstream: the client's later return is no stop of a running subscription.
      await under.stream.return?.();
      expect(under.hooks).toEqual({ left: 1, stops: 0 });
    } finally {
      under.close();
    }
  });

  it('stops when the client completes: leaves the stream, forgets what waits, and is told it stopped', async () => {
    const under = deliveryUnderTest();
    try {
      const waiting = under.stream.next();
      under.delivery.deliver(Buffer.from('never written'), undefined, null);
      await under.stream.return?.();
      expect(await waiting).toEqual({ value: undefined, done: true });
      await settle();
      expect(under.written).toEqual([]);
      expect(under.hooks).toEqual({ left: 1, stops: 1 });
    } finally {
      under.close();
    }
  });
});

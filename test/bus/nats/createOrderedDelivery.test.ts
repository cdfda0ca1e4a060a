import pino from 'pino';
import { type StreamMessage, createOrderedDelivery } from '../../../bus/nats/createOrderedDelivery';
import { encodeEvent } from '../../../bus/nats/eventCodec';
import { unitEvent } from './unitEvent';

const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

const message = (seq: number, data: Uint8Array | string): StreamMessage => ({
  seq,
  subject: 'rtcc.events.unit.statusChanged',
  data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
});

describe('createOrderedDelivery', () => {
  it('delivers one at a time, in order, never twice for a sequence, past failures and garbage', async () => {
    const seen: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const delivery = createOrderedDelivery({
      logger: silent,
      handler: async (event) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(event.eventId);
        running -= 1;
        if (event.eventId === 'e3') throw new Error('handler broke');
      },
    });
    const body = (id: string) => encodeEvent(unitEvent('test', id));
    // Not awaited one by one: the delivery must queue them itself.
    const outcomes = await Promise.all([
      delivery.deliver(message(1, body('e1'))),
      delivery.deliver(message(2, body('e2'))),
      delivery.deliver(message(2, body('e2'))),
      delivery.deliver(message(1, body('e1'))),
      delivery.deliver(message(3, body('e3'))),
      delivery.deliver(message(4, 'not json')),
      delivery.deliver(message(6, body('e6'))),
    ]);
    expect(outcomes).toEqual([
      'handled',
      'handled',
      'redelivered',
      'redelivered',
      'handler-failed',
      'undecodable',
      'handled',
    ]);
    expect(seen).toEqual(['e1', 'e2', 'e3', 'e6']);
    expect(maxRunning).toBe(1);
    expect(delivery.lastSeq()).toBe(6);
  });
});

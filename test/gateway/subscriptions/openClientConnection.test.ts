import { SLOW_CLIENT_CLOSE_CODE } from '../../../gateway/subscriptions/attachSubscriptionServer';
import { connectOneClient } from './subscriptionFixtures';

describe('openClientConnection', () => {
  it("writes each channel's messages as its head, the event's bytes and the end of a `next` message", async () => {
    const client = await connectOneClient({ queueLimit: 10, flushIntervalMs: 0 });
    try {
      const first = client.connection.outbox.channel(Buffer.from('{"id":"a","type":"next","payload":'));
      const second = client.connection.outbox.channel(Buffer.from('{"id":"b","type":"next","payload":'));
      const event = Buffer.from('{"data":{"n":1}}');
      first.push(event);
      second.push(event);
      while (client.messages.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(client.messages.map((message) => JSON.parse(message))).toEqual([
        { id: 'a', type: 'next', payload: { data: { n: 1 } } },
        { id: 'b', type: 'next', payload: { data: { n: 1 } } },
      ]);
      expect(client.slowClients()).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('closes a client whose queue overflows with SLOW_CLIENT_CLOSE_CODE, and counts it', async () => {
    // A long flush interval: nothing is written before the queue overflows.
    const client = await connectOneClient({ queueLimit: 2, flushIntervalMs: 60_000 });
    try {
      const channel = client.connection.outbox.channel(Buffer.from('{"id":"a","type":"next","payload":'));
      for (let index = 0; index < 3; index += 1) channel.push(Buffer.from(`{"data":{"n":${index}}}`));
      expect(await client.closed).toEqual({ code: SLOW_CLIENT_CLOSE_CODE, reason: 'Subscriber too slow: more than 2 events waiting' });
      expect(client.slowClients()).toBe(1);
      expect(client.messages).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

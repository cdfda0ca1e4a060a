import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { SLOW_CLIENT_CLOSE_CODE } from '../../../gateway/subscriptions/attachSubscriptionServer';
import { bindWebSocketServer } from '../../../gateway/subscriptions/bindWebSocketServer';
import { createFlushScheduler } from '../../../gateway/subscriptions/createFlushScheduler';
import { type ClientConnection, openClientConnection } from '../../../gateway/subscriptions/openClientConnection';
import { silentLogger } from './subscriptionFixtures';

/** One real client socket and its connection on the server side, with the given queue limit and flush interval. */
async function connect(queueLimit: number, flushIntervalMs: number) {
  const server = createServer();
  const scheduler = createFlushScheduler(flushIntervalMs);
  const connections: ClientConnection[] = [];
  let slowClients = 0;
  const binding = bindWebSocketServer({
    server,
    path: '/graphql',
    keepAliveMs: 60_000,
    logger: silentLogger,
    accept: (socket) => {
      const connection = openClientConnection(socket, { queueLimit, scheduler, logger: silentLogger, onSlowClient: () => (slowClients += 1) });
      connections.push(connection);
      return () => connection.outbox.close();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, 'graphql-transport-ws');
  const messages: string[] = [];
  client.on('message', (data) => messages.push(String(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => client.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise((resolve) => client.once('open', resolve));
  while (connections.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  return {
    connection: connections[0] as ClientConnection,
    messages,
    closed,
    slowClients: () => slowClients,
    async close() {
      client.terminate();
      scheduler.close();
      await binding.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('openClientConnection', () => {
  it("writes each channel's messages as its head, the event's bytes and the end of a `next` message", async () => {
    const client = await connect(10, 0);
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
    const client = await connect(2, 60_000);
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

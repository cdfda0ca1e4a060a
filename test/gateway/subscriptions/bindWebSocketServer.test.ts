import { type Server, createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import WebSocket from 'ws';
import { type ClientSocket, type WebSocketBinding, bindWebSocketServer } from '../../../gateway/subscriptions/bindWebSocketServer';
import { silentLogger, until } from './subscriptionFixtures';

interface Accepted {
  readonly socket: ClientSocket;
  readonly received: string[];
  closed: { code: number; reason: string } | null;
}

/** A binding on a real HTTP server on port 0; each accepted socket echoes nothing and records what it got. */
async function startBinding(options: { keepAliveMs?: number; maxMessageBytes?: number; failOn?: string } = {}) {
  const server: Server = createServer();
  const accepted: Accepted[] = [];
  const binding: WebSocketBinding = bindWebSocketServer({
    server,
    path: '/graphql',
    keepAliveMs: options.keepAliveMs ?? 60_000,
    ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}),
    logger: silentLogger,
    accept: (socket) => {
      const entry: Accepted = { socket, received: [], closed: null };
      accepted.push(entry);
      socket.onMessage(async (data) => {
        if (data === options.failOn) throw new Error('handler failed');
        entry.received.push(data);
      });
      return (code, reason) => {
        entry.closed = { code, reason };
      };
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    accepted,
    binding,
    url,
    async close() {
      await binding.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function open(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const socket = new WebSocket(url, 'graphql-transport-ws', options);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** Sends `request` as raw bytes and resolves with the whole answer once the server closes the connection. */
function rawExchange(url: string, request: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.once('close', () => resolve(answer));
    socket.once('error', reject);
  });
}

describe('bindWebSocketServer', () => {
  it('refuses, with a reason and without throwing, an upgrade whose target is no URL or which asks for another protocol', async () => {
    const bound = await startBinding();
    try {
      const upgrade = (target: string, protocol: string) =>
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: ${protocol}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
      const noUrl = await rawExchange(bound.url, upgrade('http://[::1', 'websocket'));
      expect(noUrl).toMatch(/^HTTP\/1\.1 400 /);
      expect(noUrl).toContain('not a URL');
      const h2c = await rawExchange(bound.url, upgrade('/graphql', 'h2c'));
      expect(h2c).toMatch(/^HTTP\/1\.1 400 /);
      expect(h2c).toContain('only Upgrade: websocket');
      // The server is still there and still takes a WebSocket.
      const client = await open(`${bound.url}/graphql`);
      client.close();
    } finally {
      await bound.close();
    }
  });

  it('answers upgrades on other paths 404 and negotiates graphql-transport-ws on its path', async () => {
    const bound = await startBinding();
    try {
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`${bound.url}/elsewhere`, 'graphql-transport-ws');
        socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.once('error', () => undefined);
      });
      expect(status).toBe(404);
      const client = await open(`${bound.url}/graphql?x=1`);
      expect(client.protocol).toBe('graphql-transport-ws');
      await until(() => bound.binding.clientCount() === 1, 'one client');
      expect(bound.accepted[0]?.socket.protocol).toBe('graphql-transport-ws');
      client.close(1000, 'bye');
      await until(() => bound.accepted[0]?.closed !== null, 'close reported');
      expect(bound.accepted[0]?.closed).toEqual({ code: 1000, reason: 'bye' });
      expect(bound.binding.clientCount()).toBe(0);
    } finally {
      await bound.close();
    }
  });

  it('hands text messages to the protocol and writes both of its roads: send, and text frames written whole', async () => {
    const bound = await startBinding();
    try {
      const client = await open(`${bound.url}/graphql`);
      const got: string[] = [];
      client.on('message', (data, isBinary) => got.push(`${isBinary ? 'binary' : 'text'}:${String(data)}`));
      client.send('{"type":"connection_init"}');
      await until(() => bound.accepted[0]?.received.length === 1, 'message received');
      expect(bound.accepted[0]?.received).toEqual(['{"type":"connection_init"}']);
      const server = bound.accepted[0]?.socket as ClientSocket;
      server.send('{"type":"connection_ack"}');
      server.writeTextFrames(
        [
          { head: Buffer.from('{"id":"1","payload":'), body: Buffer.from('"é"') },
          { head: Buffer.from('{"id":"2","payload":'), body: Buffer.from('x'.repeat(70_000)) },
        ],
        Buffer.from('}'),
      );
      await until(() => got.length === 3, 'three messages');
      expect(got.slice(0, 2)).toEqual(['text:{"type":"connection_ack"}', 'text:{"id":"1","payload":"é"}']);
      expect(got[2]).toBe(`text:{"id":"2","payload":${'x'.repeat(70_000)}}`);
      expect(server.isCongested()).toBe(false);
      client.close();
    } finally {
      await bound.close();
    }
  });

  it('closes a socket whose message is too large (1009) and one whose message handler failed (4500)', async () => {
    const bound = await startBinding({ maxMessageBytes: 1000, failOn: 'boom' });
    try {
      const large = await open(`${bound.url}/graphql`);
      const largeClosed = closeOf(large);
      large.send('y'.repeat(1001));
      expect((await largeClosed).code).toBe(1009);
      const failing = await open(`${bound.url}/graphql`);
      const failingClosed = closeOf(failing);
      failing.send('boom');
      expect(await failingClosed).toEqual({ code: 4500, reason: 'Internal server error' });
    } finally {
      await bound.close();
    }
  });

  it('drops a client that does not answer a ping by the next one, and keeps one that does', async () => {
    const bound = await startBinding({ keepAliveMs: 20 });
    try {
      const answering = await open(`${bound.url}/graphql`);
      let pings = 0;
      answering.on('ping', () => (pings += 1));
      const silent = await open(`${bound.url}/graphql`, { autoPong: false });
      const silentClosed = closeOf(silent);
      // Terminated, not closed: no close frame (1006 on the client's side).
      expect((await silentClosed).code).toBe(1006);
      await until(() => pings >= 3, 'three pings answered');
      expect(answering.readyState).toBe(WebSocket.OPEN);
      answering.close();
    } finally {
      await bound.close();
    }
  });

  it('drops every client when closed', async () => {
    const bound = await startBinding();
    const clients = await Promise.all([open(`${bound.url}/graphql`), open(`${bound.url}/graphql`)]);
    const closed = Promise.all(clients.map(closeOf));
    await until(() => bound.binding.clientCount() === 2, 'two clients');
    await bound.close();
    expect((await closed).map(({ code }) => code)).toEqual([1006, 1006]);
    expect(bound.binding.clientCount()).toBe(0);
  });
});

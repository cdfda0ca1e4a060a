import { type AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { type ProtocolFailureReporter } from './protocolFailure';

export interface CallFeedServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Messages kept while no client is connected; the oldest go first beyond it. Default 10 000. */
  readonly bufferLimit?: number;
}

export interface CallFeedServer {
  listen(): Promise<void>;
  /** `ws://host:port/`, once listening. */
  url(): string;
  /** Sends one text message to every connected client, or buffers it until one connects. */
  push(message: string): void;
  close(): Promise<void>;
  counts(): {
    /** Messages handed to at least one client. */
    readonly sent: number;
    readonly failed: number;
    readonly buffered: number;
    readonly dropped: number;
    readonly clients: number;
  };
}

/**
 * The vendor side of a Live911-style feed: a WebSocket server that pushes each call message to
 * every connected client. With no client connected, messages wait (up to `bufferLimit`) and the
 * first client to connect receives them in order, then live ones.
 */
export function createCallFeedServer(options: CallFeedServerOptions, report: ProtocolFailureReporter): CallFeedServer {
  const { port, host = '127.0.0.1', bufferLimit = 10_000 } = options;
  let server: WebSocketServer | null = null;
  let address = '';
  let buffer: string[] = [];
  let sent = 0;
  let failed = 0;
  let dropped = 0;

  const openClients = (): WebSocket[] =>
    server ? [...server.clients].filter((client) => client.readyState === WebSocket.OPEN) : [];

  const deliver = (client: WebSocket, message: string) =>
    client.send(message, (error) => {
      if (!error) return;
      failed += 1;
      report({ protocol: 'callFeed', reason: 'send-failed', detail: `call feed ${address}: ${error.message}` });
    });

  return {
    async listen() {
      if (server) return;
      const wss = new WebSocketServer({ port, host });
      await new Promise<void>((resolve, reject) => {
        wss.once('listening', resolve);
        wss.once('error', reject);
      });
      wss.on('error', (error) => report({ protocol: 'callFeed', reason: 'send-failed', detail: error.message }));
      wss.on('connection', (client) => {
        client.on('error', () => undefined); // a client that vanishes is the client's problem
        const waiting = buffer;
        buffer = [];
        for (const message of waiting) deliver(client, message);
        sent += waiting.length;
      });
      server = wss;
      const bound = wss.address() as AddressInfo;
      address = `ws://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}/`;
    },
    url: () => address,
    push(message) {
      const clients = openClients();
      if (clients.length === 0) {
        buffer.push(message);
        if (buffer.length > bufferLimit) {
          const excess = buffer.length - bufferLimit;
          buffer.splice(0, excess);
          dropped += excess;
          report({ protocol: 'callFeed', reason: 'buffer-overflow', detail: `no client on ${address}: dropped ${excess} oldest` });
        }
        return;
      }
      for (const client of clients) deliver(client, message);
      sent += 1;
    },
    async close() {
      const wss = server;
      server = null;
      if (!wss) return;
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    counts: () => ({ sent, failed, buffered: buffer.length, dropped, clients: openClients().length }),
  };
}

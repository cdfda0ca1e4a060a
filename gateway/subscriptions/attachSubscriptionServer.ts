import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ExecutionArgs, type ExecutionResult, GraphQLError, type GraphQLSchema, print } from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { type ConnectionOutbox, createConnectionOutbox } from './createConnectionOutbox';
import { createFlushScheduler } from './createFlushScheduler';
import type { SharedSubscriptions } from './createSharedSubscriptions';
import { encodeTextFrames } from './encodeTextFrames';

/** WebSocket close code sent to a client that fell too far behind (application range 4000–4999). */
export const SLOW_CLIENT_CLOSE_CODE = 4008;

/** Largest WebSocket message a client may send (a subscribe message carries the document). */
const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

/** Closes every `next` message: `{"id":…,"type":"next","payload":` + event + this. */
const NEXT_MESSAGE_END = Buffer.from('}');

export interface SubscriptionServerOptions {
  /** The gateway's HTTP server; WebSocket upgrades on `path` are served here. */
  readonly server: Server;
  readonly path: string;
  readonly schema: GraphQLSchema;
  readonly shared: SharedSubscriptions;
  /** Runs queries and mutations sent over the socket through the gateway. */
  readonly executeOperation: (request: { query: string; variables: Record<string, unknown>; operationName?: string }) => Promise<ExecutionResult>;
  /** Messages that may wait for one client connection before the client is disconnected. */
  readonly queueLimit: number;
  /** Least time between two writes of subscription events to one client (0: every event-loop turn). */
  readonly flushIntervalMs: number;
  /** Ping period; a client that has not answered the previous ping by the next one is dropped. */
  readonly keepAliveMs: number;
  readonly logger: Logger;
}

export interface SubscriptionServer {
  /** Connected WebSocket clients. */
  clientCount(): number;
  /** Clients disconnected so far because their queue overflowed. */
  slowClientsDisconnected(): number;
  close(): Promise<void>;
}

/** One client's WebSocket, with the queue of what waits to be written to it. */
interface ClientConnection {
  readonly socket: WebSocket;
  readonly outbox: ConnectionOutbox<Buffer, Buffer>;
}

interface ConnectionExtra {
  readonly connection: ClientConnection;
  readonly request: IncomingMessage;
}

/** What graphql-ws hands the subscribe and execute functions as `contextValue`. */
interface OperationContext {
  readonly connection: ClientConnection;
  /** The client's id of this subscription (graphql-transport-ws `subscribe` message). */
  readonly id: string;
}

/**
 * Serves GraphQL over WebSocket (graphql-transport-ws, the graphql-ws protocol) beside HTTP on
 * the gateway's path. graphql-ws runs the protocol. The `next` messages of subscriptions, which
 * are the bulk of the traffic (500 consoles × 500 position fixes/s is 250,000 messages/s), take
 * a faster road: each event is serialised to bytes once per shared stream
 * (createSharedSubscriptions); each client's message is those bytes between its subscription's
 * own prefix and `}`, queued in the client's outbox, which writes everything due as WebSocket
 * frames in one socket write per flush pass, and holds (and coalesces) while the client's socket
 * is congested. Those frames go to the socket beside ws's own writes, which is sound because
 * ws writes each frame whole and at once (no compression is negotiated). Queries and mutations
 * over the socket go through the gateway's ordinary execution.
 */
export function attachSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { server, path, schema, shared, executeOperation, queueLimit, flushIntervalMs, keepAliveMs, logger } = options;
  // perMessageDeflate off (ws's default, stated because the frame writer relies on it).
  const wss = new WebSocketServer({ noServer: true, handleProtocols, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });
  const scheduler = createFlushScheduler(flushIntervalMs);
  const connections = new Set<ClientConnection>();
  let slowClients = 0;

  const protocol = makeServer<Record<string, unknown> | undefined, ConnectionExtra>({
    schema,
    context: (ctx, id): OperationContext => ({ connection: ctx.extra.connection, id }),
    execute: (args) =>
      executeOperation({
        query: print(args.document),
        variables: (args.variableValues ?? {}) as Record<string, unknown>,
        ...(args.operationName ? { operationName: args.operationName } : {}),
      }),
    subscribe: (args) => subscribeClient(args),
  });

  const subscribeClient = (args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> | ExecutionResult => {
    const { connection, id } = args.contextValue as OperationContext;
    const channel = connection.outbox.channel(Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`));
    // How the stream ends, once everything before the end has been written: with errors to
    // deliver as a last `next` (graphql-ws then sends `complete`), or plainly.
    let ending: ExecutionResult | 'done' | null = null;
    let wake: (() => void) | null = null;
    const endAfterQueued = (last: ExecutionResult | 'done') =>
      channel.after(() => {
        ending ??= last;
        wake?.();
      });
    let leave: () => void;
    try {
      leave = shared.subscribe(
        {
          document: args.document,
          operationName: args.operationName ?? null,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
        },
        {
          next: (event) => channel.push(event.bytes, event.coalesceKey),
          error: (errors) => endAfterQueued({ errors: [...errors] }),
          complete: () => endAfterQueued('done'),
        },
      );
    } catch (error) {
      logger.warn({ err: error }, 'subscription could not be planned');
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError('Subscription could not be planned')] };
    }
    const clientStream: AsyncIterableIterator<ExecutionResult> = {
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
      // The client completed the subscription or hung up.
      async return() {
        leave();
        channel.drop();
        ending = 'done';
        wake?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return clientStream;
      },
    };
    return clientStream;
  };

  const accept = (socket: WebSocket, raw: Duplex, request: IncomingMessage) => {
    const connection: ClientConnection = {
      socket,
      outbox: createConnectionOutbox<Buffer, Buffer>({
        limit: queueLimit,
        scheduler,
        isCongested: () => raw.writableNeedDrain,
        write: (messages) => {
          if (socket.readyState === WebSocket.OPEN) raw.write(encodeTextFrames(messages, NEXT_MESSAGE_END));
        },
        onOverflow: (limit) => {
          slowClients += 1;
          logger.warn({ limit }, 'subscriber too slow; disconnecting');
          socket.close(SLOW_CLIENT_CLOSE_CODE, `Subscriber too slow: more than ${limit} events waiting`);
        },
      }),
    };
    connections.add(connection);
    raw.on('drain', () => scheduler.request(connection.outbox));

    let answeredPing = true;
    const pinger = setInterval(() => {
      if (!answeredPing) {
        socket.terminate();
        return;
      }
      answeredPing = false;
      socket.ping();
    }, keepAliveMs);
    pinger.unref();
    socket.on('pong', () => {
      answeredPing = true;
    });

    socket.once('error', (error) => {
      logger.warn({ err: error }, 'client WebSocket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    const closed = protocol.opened(
      {
        protocol: socket.protocol,
        // Not awaited per message: ws buffers, and the outbox watches the socket's congestion.
        send: (data) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(data);
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(String(data)).catch((error: unknown) => {
              logger.error({ err: error }, 'handling a client message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { connection, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(pinger);
      connection.outbox.close();
      connections.delete(connection);
      closed(code, reason.toString()).catch((error: unknown) => logger.error({ err: error }, 'closing a client subscription failed'));
    });
  };

  const onUpgrade = (request: IncomingMessage, raw: Duplex, head: Buffer) => {
    const pathname = new URL(request.url ?? '/', 'http://gateway.invalid').pathname;
    if (pathname !== path) {
      raw.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, raw, head, (socket) => accept(socket, raw, request));
  };
  server.on('upgrade', onUpgrade);

  return {
    clientCount: () => connections.size,
    slowClientsDisconnected: () => slowClients,
    async close() {
      server.off('upgrade', onUpgrade);
      scheduler.close();
      for (const { socket } of connections) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

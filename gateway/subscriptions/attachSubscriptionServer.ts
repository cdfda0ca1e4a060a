import type { Server } from 'node:http';
import { type ExecutionArgs, type ExecutionResult, GraphQLError, type GraphQLSchema, print } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { createClientQueue } from './createClientQueue';
import type { SharedSubscriptions } from './createSharedSubscriptions';

/** WebSocket close code sent to a client that fell too far behind (application range 4000–4999). */
export const SLOW_CLIENT_CLOSE_CODE = 4008;

export interface SubscriptionServerOptions {
  /** The gateway's HTTP server; WebSocket upgrades on `path` are served here. */
  readonly server: Server;
  readonly path: string;
  readonly schema: GraphQLSchema;
  readonly shared: SharedSubscriptions;
  /** Runs queries and mutations sent over the socket through the gateway. */
  readonly executeOperation: (request: { query: string; variables: Record<string, unknown>; operationName?: string }) => Promise<ExecutionResult>;
  /** Events that may wait for one client subscription before the client is disconnected. */
  readonly queueLimit: number;
  readonly logger: Logger;
}

export interface SubscriptionServer {
  /** Connected WebSocket clients. */
  clientCount(): number;
  /** Clients disconnected so far because their queue overflowed. */
  slowClientsDisconnected(): number;
  close(): Promise<void>;
}

interface SocketContext {
  readonly socket: WebSocket;
}

/**
 * Serves GraphQL over WebSocket (graphql-transport-ws, the graphql-ws protocol) beside HTTP on
 * the gateway's path. Subscriptions join a shared upstream stream through a bounded queue per
 * client; queries and mutations go through the gateway's ordinary execution.
 */
export function attachSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { server, path, schema, shared, executeOperation, queueLimit, logger } = options;
  const wss = new WebSocketServer({ server, path });
  let slowClients = 0;
  const disposable = useServer<Record<string, unknown>, Record<PropertyKey, never>>(
    {
      schema,
      context: (ctx): SocketContext => ({ socket: ctx.extra.socket }),
      execute: (args) =>
        executeOperation({
          query: print(args.document),
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
          ...(args.operationName ? { operationName: args.operationName } : {}),
        }),
      subscribe: (args) => subscribeClient(args),
    },
    wss,
  );

  const subscribeClient = (args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> | ExecutionResult => {
    const { socket } = args.contextValue as SocketContext;
    const queue = createClientQueue({
      limit: queueLimit,
      onOverflow: (limit) => {
        slowClients += 1;
        logger.warn({ limit }, 'subscriber too slow; disconnecting');
        socket.close(SLOW_CLIENT_CLOSE_CODE, `Subscriber too slow: more than ${limit} events waiting`);
      },
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
          next: (result, coalesceKey) => queue.push(result, coalesceKey),
          error: (errors) => {
            queue.push({ errors: [...errors] });
            queue.end();
          },
          complete: () => queue.end(),
        },
      );
    } catch (error) {
      logger.warn({ err: error }, 'subscription could not be planned');
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError('Subscription could not be planned')] };
    }
    const { iterator } = queue;
    const clientStream: AsyncIterableIterator<ExecutionResult> = {
      next: () => iterator.next(),
      return: async () => {
        leave();
        return iterator.return ? iterator.return() : { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return clientStream;
      },
    };
    return clientStream;
  };

  return {
    clientCount: () => wss.clients.size,
    slowClientsDisconnected: () => slowClients,
    async close() {
      for (const client of wss.clients) client.terminate();
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

import type { IncomingMessage } from 'node:http';
import { type Context, context as otelContext } from '@opentelemetry/api';
import { type ExecutionResult, GraphQLError, type GraphQLFormattedError, type GraphQLSchema, print } from 'graphql';
import { type Server, makeServer } from 'graphql-ws';
import type { GatewayContext } from '../gatewayContext';
import type { SubscriptionAdmission } from './admitSubscription';
import type { ConnectionAuthentication } from './authenticateConnection';
import { readClientTrace } from './readClientTrace';
import type { ClientConnection } from './openClientConnection';
import type { SubscriptionStarter } from './startSubscription';

/** What the socket binding hands the protocol with each connection. */
export interface ConnectionExtra {
  readonly connection: ClientConnection;
  readonly request: IncomingMessage;
  /** The caller, once connection_init was authenticated. */
  caller?: GatewayContext;
}

/** What graphql-ws hands `subscribe` and `execute` as `contextValue`. */
interface OperationContext {
  readonly connection: ClientConnection;
  /** The client's id of this operation (graphql-transport-ws `subscribe` message). */
  readonly id: string;
  readonly caller: GatewayContext;
  /** The client's trace context for this operation (see readClientTrace). */
  readonly trace: Context;
}

export interface SubscriptionProtocolOptions {
  /** The client-facing (API) schema. */
  readonly schema: GraphQLSchema;
  readonly authenticate: ConnectionAuthentication;
  readonly admit: SubscriptionAdmission;
  readonly start: SubscriptionStarter;
  /** Runs queries and mutations sent over the socket through the gateway, as the connection's caller. */
  readonly executeOperation: (
    request: { query: string; variables: Record<string, unknown>; operationName?: string },
    contextValue: GatewayContext,
  ) => Promise<ExecutionResult>;
}

/**
 * The graphql-transport-ws protocol (graphql-ws's `makeServer`) with the gateway's phases in its
 * hooks: connection_init → authenticate; subscribe → admit; a subscription then starts through
 * its own phases (startSubscription), a query or mutation runs through the gateway's ordinary
 * execution. Written against graphql-ws's socket interface, free of the transport.
 */
export function createSubscriptionProtocol(options: SubscriptionProtocolOptions): Server<ConnectionExtra> {
  const { schema, authenticate, admit, start, executeOperation } = options;
  return makeServer<Record<string, unknown> | undefined, ConnectionExtra>({
    schema,
    onConnect: async (ctx) => {
      const verdict = await authenticate(ctx.connectionParams ?? {}, ctx.extra.request);
      if (verdict.accepted) {
        ctx.extra.caller = verdict.caller;
        return true;
      }
      ctx.extra.connection.socket.close(verdict.closeCode, verdict.reason);
      return false;
    },
    onSubscribe: (ctx, _id, payload) => admit(ctx.extra.caller as GatewayContext, payload),
    // graphql-ws calls `toJSON()` on each error it forwards; errors from Apollo Server and the
    // subgraphs arrive formatted (plain objects), so they are forwarded as they are.
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(formattedError) } : undefined),
    onError: (_ctx, _id, _payload, errors) => errors.map(formattedError),
    context: (ctx, id, payload): OperationContext => ({
      connection: ctx.extra.connection,
      id,
      caller: ctx.extra.caller as GatewayContext,
      trace: readClientTrace({ extensions: payload.extensions, connectionParams: ctx.connectionParams, headers: ctx.extra.request.headers }),
    }),
    // Active while it runs, so that the operation's span continues the client's trace.
    execute: (args) =>
      otelContext.with((args.contextValue as OperationContext).trace, () =>
        executeOperation(
          {
            query: print(args.document),
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            ...(args.operationName ? { operationName: args.operationName } : {}),
          },
          { ...(args.contextValue as OperationContext).caller },
        ),
      ),
    subscribe: (args) => {
      const { connection, id, caller, trace } = args.contextValue as OperationContext;
      return start({
        connection,
        id,
        caller,
        document: args.document,
        operationName: args.operationName,
        variables: args.variableValues as Record<string, unknown> | null | undefined,
        trace,
      });
    },
  });
}

/** An error as sent to the client: a GraphQLError's JSON, or an already formatted error as it is. */
function formattedError(error: GraphQLError | GraphQLFormattedError): GraphQLFormattedError {
  if (error instanceof GraphQLError) return error.toJSON();
  const { message, locations, path, extensions } = error as Partial<GraphQLFormattedError>;
  return {
    message: typeof message === 'string' ? message : 'Error',
    ...(locations ? { locations } : {}),
    ...(path ? { path } : {}),
    ...(extensions ? { extensions } : {}),
  };
}

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  Kind,
  getOperationAST,
  print,
  validate,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { Authenticator } from '../../auth/createAuthenticator';
import { type AccessControl, PURPOSE_HEADER, readPurpose } from '../authorization/createAccessControl';
import type { GatewayContext } from '../gatewayContext';
import { AUDIT_UNAVAILABLE_ERROR, type AuditSink } from '../audit/createAuditPlugin';
import type { RefusalAudit } from '../audit/createRefusalAudit';
import { describeOperationForAudit } from '../audit/describeOperationForAudit';
import { operationOfText } from '../audit/operationOfText';
import { type OperationLimits, callerKeyOf, checkOperationLimits } from '../limits';
import { SCOPES } from '../../auth/roles';
import type { CheckedOperation } from '../authorization/createAccessControl';
import { confineToGeofence } from '../authorization/confineToGeofence';
import { type ConnectionOutbox, createConnectionOutbox } from './createConnectionOutbox';
import { createFlushScheduler } from './createFlushScheduler';
import type { EventView, SharedSubscriptions } from './createSharedSubscriptions';
import { type Deliveries, type DeliveryRecipient, createDeliveryAudit } from '../audit/createDeliveryAudit';
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
  /** Runs queries and mutations sent over the socket through the gateway, as the connection's caller. */
  readonly executeOperation: (
    request: { query: string; variables: Record<string, unknown>; operationName?: string },
    contextValue: GatewayContext,
  ) => Promise<ExecutionResult>;
  /** Verifies the bearer token of each connection (connection_init `Authorization`, or the upgrade header). */
  readonly authenticator: Authenticator;
  /** Decides and applies what each subscriber may see, at subscribe time and on every event. */
  readonly access: AccessControl;
  /** Subscription starts and stops, refusals, and each event that carried restricted data. */
  readonly audit: AuditSink;
  /** Refused subscribes, counted and summarised beyond a per-minute cap (see createRefusalAudit). */
  readonly refusals: RefusalAudit;
  /** Validation errors without "Did you mean …?" (introspection is off). */
  readonly hideSuggestions?: boolean;
  /** Size, depth, cost, introspection, allow-list and rate limits for subscriptions (queries and mutations meet them in Apollo Server). */
  readonly limits: OperationLimits;
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
  /** The caller, once connection_init was authenticated. */
  caller?: GatewayContext;
}

/** What graphql-ws hands the subscribe and execute functions as `contextValue`. */
interface OperationContext {
  readonly connection: ClientConnection;
  /** The client's id of this subscription (graphql-transport-ws `subscribe` message). */
  readonly id: string;
  readonly caller: GatewayContext;
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
  const { server, path, schema, shared, executeOperation, queueLimit, flushIntervalMs, keepAliveMs, logger, authenticator, access, audit, limits, refusals } = options;
  const writeAudit = (record: Parameters<AuditSink['append']>[0]) =>
    audit.append(record).catch((error: unknown) => logger.error({ err: error, kind: record.kind }, 'audit record could not be written'));
  // perMessageDeflate off (ws's default, stated because the frame writer relies on it).
  const wss = new WebSocketServer({ noServer: true, handleProtocols, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });
  const scheduler = createFlushScheduler(flushIntervalMs);
  // An event's record is written before the event is delivered (no record, no delivery).
  const deliveryAudit = createDeliveryAudit<EventView>((record) => audit.append(record));
  const connections = new Set<ClientConnection>();
  let slowClients = 0;

  const protocol = makeServer<Record<string, unknown> | undefined, ConnectionExtra>({
    schema,
    onConnect: async (ctx) => {
      const { socket } = ctx.extra.connection;
      const params = ctx.connectionParams ?? {};
      const headers = ctx.extra.request.headers;
      const clientAddress = ctx.extra.request.socket.remoteAddress ?? 'unknown';
      let identity: GatewayContext['identity'] = null;
      try {
        const authorization = params.Authorization ?? params.authorization ?? headers.authorization;
        identity = await authenticator.authenticate(typeof authorization === 'string' ? authorization : null, clientAddress);
        // After authentication, so that a refused purpose is recorded against who stated it.
        const purpose = readPurpose(params['X-Purpose'] ?? params[PURPOSE_HEADER] ?? params.purpose ?? headers[PURPOSE_HEADER]);
        await access.confirmPurpose(purpose);
        ctx.extra.caller = { identity, purpose, clientAddress };
        return true;
      } catch (error) {
        // Authentication audits its own refusals; a purpose refused after it is recorded here.
        // Either way the refusal counts against the address's rate.
        if (isPurposeRefusal(error)) {
          const reason = error instanceof GraphQLError ? String(error.extensions.code) : 'PURPOSE_INVALID';
          refusals.refused(callerKeyOf({ identity, clientAddress }), {
            kind: 'request-refused',
            subject: identity?.subject ?? null,
            roles: identity?.roles ?? [],
            clientId: identity?.clientId ?? null,
            outcome: 'denied',
            reason,
            // The refused purpose itself is hostile input: its code says what was wrong with it.
            details: { transport: 'graphql-ws', clientAddress },
          });
        }
        limits.refused(clientAddress);
        const code = error instanceof GraphQLError && error.extensions.code === 'LOCKED_OUT' ? 4429 : isPurposeRefusal(error) ? CloseCode.Forbidden : CloseCode.Unauthorized;
        socket.close(code, closeReason(error instanceof Error ? error.message : 'Unauthorized'));
        return false;
      }
    },
    // Subscriptions meet the limits here; queries and mutations over the socket meet them in
    // Apollo Server (executeOperation), so that no operation spends two rate tokens.
    // Every answer here is an execution argument or GraphQLErrors, never a throw: graphql-ws
    // closes the whole socket (4500) on anything else, ending the client's other operations.
    onSubscribe: (ctx, _id, payload) => {
      const caller = ctx.extra.caller as GatewayContext;
      const verdict = checkOperationLimits(limits, {
        query: payload.query,
        operationName: payload.operationName,
        variables: payload.variables,
        extensions: payload.extensions,
        caller: { identity: caller.identity, clientAddress: caller.clientAddress },
        schema,
      });
      if (!verdict.allowed) {
        refuseSubscribe(caller, payload, verdict.error);
        return [verdict.error];
      }
      const execution = { schema, document: verdict.document, operationName: payload.operationName ?? null, variableValues: payload.variables ?? null };
      // Queries and mutations are validated, limited and audited by Apollo Server (executeOperation).
      if (!isSubscriptionDocument(verdict.document, payload.operationName)) return execution;
      const errors = validate(schema, verdict.document, undefined, { hideSuggestions: options.hideSuggestions ?? true });
      if (errors.length > 0) {
        refuseSubscribe(caller, payload, errors[0] as GraphQLError, { code: 'GRAPHQL_VALIDATION_FAILED' });
        return errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }));
      }
      return execution;
    },
    // graphql-ws calls `toJSON()` on each error it forwards; errors from Apollo Server and the
    // subgraphs arrive formatted (plain objects), so they are forwarded as they are.
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(formattedError) } : undefined),
    onError: (_ctx, _id, _payload, errors) => errors.map(formattedError),
    context: (ctx, id): OperationContext => ({ connection: ctx.extra.connection, id, caller: ctx.extra.caller as GatewayContext }),
    execute: (args) =>
      executeOperation(
        {
          query: print(args.document),
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
          ...(args.operationName ? { operationName: args.operationName } : {}),
        },
        { ...(args.contextValue as OperationContext).caller },
      ),
    subscribe: (args) => subscribeClient(args),
  });

  /** A refused subscribe (or operation refused before Apollo Server saw it) leaves a record; floods are summarised. */
  const refuseSubscribe = (
    caller: GatewayContext,
    payload: { query?: string | null; operationName?: string | null; variables?: Record<string, unknown> | null },
    error: GraphQLError,
    extensions: Record<string, unknown> = {},
  ) => {
    const code = String(extensions.code ?? error.extensions.code ?? 'ERROR');
    const operationName = typeof payload.operationName === 'string' ? payload.operationName : null;
    // Unparseable text counts as a subscription: that is what a subscribe message asks for.
    const operation = operationOfText(payload.query, operationName);
    const record = describeOperationForAudit({
      kind: !operation || operation.operation === 'subscription' ? 'subscription-start' : operation.operation,
      context: caller,
      source: typeof payload.query === 'string' ? payload.query : null,
      operationName: operation?.name?.value ?? operationName,
      variables: isPlainObject(payload.variables) ? payload.variables : null,
      checked: undefined,
      result: { data: null, errors: [{ message: error.message, extensions: { code } }] },
      restrictedReturned: [],
    });
    const key = callerKeyOf({ identity: caller.identity, clientAddress: caller.clientAddress });
    refusals.refused(key, { ...record, outcome: 'denied' }, code === 'RATE_LIMITED');
  };

  const subscribeClient = async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const { connection, id, caller } = args.contextValue as OperationContext;
    const source = print(args.document);
    // As Apollo Server records queries: the operation's own name when the client sent none.
    const operationName = getOperationAST(args.document, args.operationName ?? undefined)?.name?.value ?? args.operationName ?? null;
    const auditOf = (
      kind: 'subscription-start' | 'subscription-stop' | 'subscription-event',
      result: ExecutionResult | null,
      restrictedReturned: readonly string[] = [],
      deliveries?: Deliveries,
    ) =>
      describeOperationForAudit({
        kind,
        context: caller,
        source,
        operationName,
        variables: (args.variableValues ?? null) as Record<string, unknown> | null,
        checked,
        result,
        restrictedReturned,
        ...(deliveries ? { deliveries } : {}),
      });
    let checked: CheckedOperation | undefined;
    let document = args.document;
    try {
      checked = access.check(args.document, args.operationName, caller);
      document = confineSubscription(args, caller);
    } catch (error) {
      const refusal = error instanceof GraphQLError ? error : new GraphQLError('Subscription could not be checked', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      if (!(error instanceof GraphQLError)) logger.error({ err: error }, 'subscription could not be checked');
      refusals.refused(callerKeyOf({ identity: caller.identity, clientAddress: caller.clientAddress }), auditOf('subscription-start', { errors: [refusal] }));
      return { errors: [refusal] };
    }
    // No record, no subscription: it starts only once its start record is stored.
    try {
      await audit.append(auditOf('subscription-start', { data: {} }));
    } catch (error) {
      logger.error({ err: error }, 'audit record of a subscription start could not be written; the subscription does not start');
      return { errors: [new GraphQLError(AUDIT_UNAVAILABLE_ERROR.message, { extensions: { ...AUDIT_UNAVAILABLE_ERROR.extensions } })] };
    }
    const allowed = checked;
    const expiresAt = caller.identity?.expiresAt ?? 0;
    const filter = (result: ExecutionResult) => access.apply(result, allowed);
    const auditsEvents = allowed.decision.needToKnow.length > 0;
    // Subscriptions of the same caller, purpose and stream share each event's record.
    const identity = caller.identity;
    const recipient: DeliveryRecipient<EventView> = {
      key: [allowed.shareKey, identity?.subject, identity?.clientId, identity?.department, identity?.roles.join(' '), caller.purpose, source].join('\n'),
      clientAddress: caller.clientAddress,
      describe: (view, deliveries) => auditOf('subscription-event', view.result, view.restrictedReturned, deliveries),
    };
    const channel = connection.outbox.channel(Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`));
    // How the stream ends, once everything before the end has been written: with errors to
    // deliver as a last `next` (graphql-ws then sends `complete`), or plainly.
    let ending: ExecutionResult | 'done' | null = null;
    let wake: (() => void) | null = null;
    // Events that wait for their audit record, and those behind them, in order: a position
    // never overtakes the restricted event before it.
    let held: Promise<boolean> | null = null;
    const afterHeld = (then: () => void) => {
      if (held) void held.then(then);
      else then();
    };
    const endAfterQueued = (last: ExecutionResult | 'done') =>
      afterHeld(() =>
        channel.after(() => {
          ending ??= last;
          wake?.();
        }),
      );
    const auditFailed = () => {
      logger.error('audit record of a subscription event could not be written; the event is not delivered and the subscription ends');
      endAfterQueued({ errors: [new GraphQLError(AUDIT_UNAVAILABLE_ERROR.message, { extensions: { ...AUDIT_UNAVAILABLE_ERROR.extensions } })] });
    };
    /** Pushes the event once `recorded` (its audit record, if it needs one) is stored and everything held before it went. */
    const deliver = (bytes: Buffer, coalesceKey: string | undefined, recorded: Promise<unknown> | null) => {
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
    };
    let leave: () => void;
    try {
      leave = shared.subscribe(
        {
          document,
          operationName: args.operationName ?? null,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
        },
        {
          next: (event) => {
            // Checked on every event: a subscription lives no longer than the token it was opened with.
            if (event.at >= expiresAt) {
              connection.socket.close(CloseCode.Unauthorized, 'Token expired; reconnect with a fresh token');
              return;
            }
            const view = event.viewFor(allowed.shareKey, filter);
            const recorded = auditsEvents && view.restrictedReturned.length > 0 ? deliveryAudit.delivered(event, recipient, view) : null;
            deliver(view.bytes, event.coalesceKey, recorded);
          },
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
        if (ending === null) void writeAudit(auditOf('subscription-stop', { data: {} }));
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

  /**
   * Row-level rules the subgraphs cannot apply to shared subscriptions (they carry no caller):
   * a field officer's calls and incidents are confined to the geofence; a caller restricted to
   * their own cameras (community camera owners) may not watch every camera's status.
   */
  const confineSubscription = (args: ExecutionArgs, caller: GatewayContext): DocumentNode => {
    const identity = caller.identity;
    if (!identity) return args.document;
    const operation = getOperationAST(args.document, args.operationName ?? undefined);
    const fields = operation?.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.name.value] : [])) ?? [];
    if (fields.includes('cameraStatusChanged') && !identity.scopes.has(SCOPES.camerasRead)) {
      throw new GraphQLError('Not authorized to subscribe to cameraStatusChanged: it reports every camera; camera owners query their own cameras', {
        path: ['cameraStatusChanged'],
        extensions: { code: 'FORBIDDEN', coordinate: 'Subscription.cameraStatusChanged', http: { status: 403 } },
      });
    }
    if (!identity.geofence) return args.document;
    return confineToGeofence(schema, args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>, {
      area: identity.geofence,
      input: identity.geofenceInput,
    });
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

/** A WebSocket close reason fits in 123 bytes. */
function closeReason(message: string): string {
  return Buffer.byteLength(message) <= 123 ? message : `${Buffer.from(message).subarray(0, 120).toString('utf8')}...`;
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSubscriptionDocument(document: DocumentNode, operationName: string | null | undefined): boolean {
  return getOperationAST(document, operationName ?? undefined)?.operation === 'subscription';
}

/** A connection refused for its stated purpose (closed 4403), not for its token. */
function isPurposeRefusal(error: unknown): boolean {
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return code === 'PURPOSE_INVALID' || code === 'PURPOSE_UNKNOWN_INCIDENT' || code === 'SUBGRAPH_UNAVAILABLE';
}

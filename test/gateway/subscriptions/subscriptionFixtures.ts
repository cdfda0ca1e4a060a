import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import pino from 'pino';
import WebSocket from 'ws';
import type { AuditRecordInput } from '../../../audit/auditRecord';
import type { Identity } from '../../../auth/identity';
import { scopesOf } from '../../../auth/roles';
import type { AuditSink } from '../../../gateway/audit/createAuditPlugin';
import { stripSecurityPurpose } from '../../../gateway/authorization/stripSecurityPurpose';
import type { GatewayContext } from '../../../gateway/gatewayContext';
import { bindWebSocketServer } from '../../../gateway/subscriptions/bindWebSocketServer';
import { createFlushScheduler } from '../../../gateway/subscriptions/createFlushScheduler';
import type { UpstreamSink, UpstreamSubscriber } from '../../../gateway/subscriptions/createUpstreamSubscriber';
import { type ClientConnection, openClientConnection } from '../../../gateway/subscriptions/openClientConnection';
import { parseArea } from '../../../geo/area';

/** The committed supergraph, as the gateway reads it. */
export const SUPERGRAPH_SDL = readFileSync(join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');

let apiSchema: GraphQLSchema | undefined;

/** The client-facing schema, built from the supergraph as the gateway builds it. */
export function readApiSchema(): GraphQLSchema {
  apiSchema ??= Supergraph.build(stripSecurityPurpose(SUPERGRAPH_SDL)).apiSchema().toGraphQLJSSchema();
  return apiSchema;
}

export const silentLogger = pino({ level: 'silent' });

/** A caller with the scopes of `roles` (and a geofence, when given as an AreaInput). */
export function callerWith(roles: readonly string[], options: { geofence?: unknown; subject?: string; expiresAt?: number } = {}): GatewayContext {
  const identity: Identity = {
    subject: options.subject ?? `caller-${roles.join('-')}`,
    clientId: null,
    roles,
    scopes: scopesOf(roles),
    geofence: options.geofence === undefined ? null : parseArea(options.geofence, 'geofence'),
    geofenceInput: options.geofence,
    cameraOwner: null,
    department: null,
    tokenId: `token-${roles.join('-')}`,
    expiresAt: options.expiresAt ?? Date.now() + 3_600_000,
  };
  return { identity, purpose: 'TEST-0001', clientAddress: '10.0.0.7' };
}

/** An audit sink that keeps what it is given (or refuses everything, when `failing`). */
export function recordingAuditSink(failing = false): AuditSink & { readonly records: AuditRecordInput[] } {
  const records: AuditRecordInput[] = [];
  return {
    records,
    append: async (record) => {
      if (failing) throw new Error('audit store down');
      records.push(record);
    },
  };
}

/** A real client socket, as it reached the server side through the binding and got its connection. */
export interface ConnectedClient {
  readonly connection: ClientConnection;
  /** Text messages the client received, in order. */
  readonly messages: string[];
  /** Resolves with how the client's socket closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  slowClients(): number;
  close(): Promise<void>;
}

/** Connects one ws client to a binding on a real HTTP server (port 0), with an outbox of `queueLimit` flushed every `flushIntervalMs`. */
export async function connectOneClient(options: { queueLimit?: number; flushIntervalMs?: number } = {}): Promise<ConnectedClient> {
  const server = createServer();
  const scheduler = createFlushScheduler(options.flushIntervalMs ?? 0);
  const connections: ClientConnection[] = [];
  let slowClients = 0;
  const binding = bindWebSocketServer({
    server,
    path: '/graphql',
    keepAliveMs: 60_000,
    logger: silentLogger,
    accept: (socket) => {
      const connection = openClientConnection(socket, { queueLimit: options.queueLimit ?? 100, scheduler, logger: silentLogger, onSlowClient: () => (slowClients += 1) });
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

/** Resolves once `condition` holds (rejects after 5 s, naming `what`). */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The subgraphs' side of upstream subscriptions, driven by the test: what the gateway subscribed to, and a way to send events. */
export function subgraphsStandIn() {
  const subscriptions: { service: string; operation: string; variables: Record<string, unknown>; sink: UpstreamSink; stopped: boolean }[] = [];
  const upstream: UpstreamSubscriber = {
    subscribe(service, operation, variables, sink) {
      const entry = { service, operation, variables, sink, stopped: false };
      subscriptions.push(entry);
      return () => {
        entry.stopped = true;
      };
    },
    openConnections: () => 0,
    close: async () => undefined,
  };
  return { upstream, subscriptions };
}

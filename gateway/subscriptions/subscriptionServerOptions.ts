import type { Server } from 'node:http';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Authenticator } from '../../auth/createAuthenticator';
import type { AuditSink } from '../audit/createAuditPlugin';
import type { RefusalAudit } from '../audit/createRefusalAudit';
import type { AccessControl } from '../authorization/createAccessControl';
import type { GatewayContext } from '../gatewayContext';
import type { OperationLimits } from '../limits';
import type { SharedSubscriptions } from './createSharedSubscriptions';
import type { SubscriptionTraits } from './readSubscriptionTraits';

export interface SubscriptionServerOptions {
  /** The gateway's HTTP server; WebSocket upgrades on `path` are served here. */
  readonly server: Server;
  readonly path: string;
  /** The client-facing (API) schema. */
  readonly schema: GraphQLSchema;
  readonly shared: SharedSubscriptions;
  /** What the subgraphs declared about each subscription field (the planner's `traits`). */
  readonly traits: SubscriptionTraits;
  /** Runs queries and mutations sent over the socket through the gateway, as the connection's caller. */
  readonly executeOperation: (request: { query: string; variables: Record<string, unknown>; operationName?: string }, contextValue: GatewayContext) => Promise<ExecutionResult>;
  readonly authenticator: Authenticator;
  readonly access: AccessControl;
  /** Subscription starts and stops, and each event that carried restricted data. */
  readonly audit: AuditSink;
  /** Refused connections and subscribes, summarised beyond a per-minute cap. */
  readonly refusals: RefusalAudit;
  /** Validation errors without "Did you mean …?" (introspection is off). */
  readonly hideSuggestions?: boolean;
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
  clientCount(): number;
  /** Clients disconnected so far because their queue overflowed. */
  slowClientsDisconnected(): number;
  /** `next` messages written to clients so far. */
  eventsDelivered(): number;
  /** Messages waiting in the clients' outboxes now, summed. */
  queuedMessages(): number;
  close(): Promise<void>;
}

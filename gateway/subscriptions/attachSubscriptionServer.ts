import { createDeliveryAudit } from '../audit/createDeliveryAudit';
import { createSubscriptionAdmission } from './admitSubscription';
import { createConnectionAuthentication } from './authenticateConnection';
import { createSubscriptionAuthorization } from './authorizeSubscription';
import { bindWebSocketServer } from './bindWebSocketServer';
import { createSubscriptionConfinement } from './confineSubscription';
import { createFlushScheduler } from './createFlushScheduler';
import type { EventView } from './createSharedSubscriptions';
import { createSubscriptionProtocol } from './createSubscriptionProtocol';
import { openClientConnection } from './openClientConnection';
import { createSubscriptionStarter } from './startSubscription';
import type { SubscriptionServer, SubscriptionServerOptions } from './subscriptionServerOptions';

export { SLOW_CLIENT_CLOSE_CODE } from './openClientConnection';
export type { SubscriptionServer, SubscriptionServerOptions } from './subscriptionServerOptions';

/**
 * Serves GraphQL over WebSocket (graphql-transport-ws) beside HTTP on the gateway's path, as
 * phases: accept socket (bindWebSocketServer) → authenticate connection → admit (limits) →
 * authorize → confine (row rules) → join shared stream → deliver (outbox, batching, audit).
 * `next` messages are the bulk of the traffic (500 consoles × 500 fixes/s is 250,000 a second),
 * so each event is serialised once per shared stream and access decision, and a client's `next`
 * messages are those bytes framed between its subscription's prefix and `}`.
 */
export function attachSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { schema, traits, access, audit, refusals, limits, logger } = options;
  const scheduler = createFlushScheduler(options.flushIntervalMs);
  let slowClients = 0;
  let delivered = 0;
  const outboxes = new Set<{ readonly size: number }>();
  const protocol = createSubscriptionProtocol({
    schema,
    executeOperation: options.executeOperation,
    authenticate: createConnectionAuthentication({ authenticator: options.authenticator, access, refusals, limits }),
    admit: createSubscriptionAdmission({ schema, limits, refusals, hideSuggestions: options.hideSuggestions ?? true }),
    start: createSubscriptionStarter({
      authorize: createSubscriptionAuthorization({ access, schema, traits }),
      confine: createSubscriptionConfinement(schema, traits),
      shared: options.shared,
      access,
      audit,
      refusals,
      // An event's record is written before the event is delivered (no record, no delivery).
      deliveryAudit: createDeliveryAudit<EventView>((record) => audit.append(record)),
      logger,
    }),
  });
  const binding = bindWebSocketServer({
    server: options.server,
    path: options.path,
    keepAliveMs: options.keepAliveMs,
    logger,
    accept: (socket, request) => {
      const connection = openClientConnection(socket, {
        queueLimit: options.queueLimit,
        scheduler,
        logger,
        onSlowClient: () => (slowClients += 1),
        onWritten: (messages) => (delivered += messages),
      });
      outboxes.add(connection.outbox);
      const closed = protocol.opened(socket, { connection, request });
      return (code, reason) => {
        outboxes.delete(connection.outbox);
        connection.outbox.close();
        closed(code, reason).catch((error: unknown) => logger.error({ err: error }, 'closing a client subscription failed'));
      };
    },
  });
  return {
    clientCount: () => binding.clientCount(),
    slowClientsDisconnected: () => slowClients,
    eventsDelivered: () => delivered,
    queuedMessages: () => {
      let queued = 0;
      for (const outbox of outboxes) queued += outbox.size;
      return queued;
    },
    async close() {
      scheduler.close();
      await binding.close();
    },
  };
}

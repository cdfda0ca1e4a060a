import type { Logger } from 'pino';
import type { HubConfig } from '../config/hubConfig';
import type { GatewayRoutes } from '../gateway/createGateway';
import type { HubMetrics } from '../observability/createHubMetrics';
import { createMetricsRoute } from '../observability/createMetricsRoute';
import { type ReadinessCheck, createReadyRoute, subgraphReadinessCheck } from '../observability/createReadiness';
import { serveConsole } from '../console/serveConsole';
import type { AuditSink } from '../gateway/audit/createAuditPlugin';
import { type DevIssuerForGateway, createHubDevTokenRoutes, offersDevSignIn } from './createHubDevTokenRoutes';
import { serveExplorer } from '../explorer/serveExplorer';
import { createPrefixRelay } from '../http/createPrefixRelay';

/** What the hub's extra HTTP routes may need; built in whichever thread runs the gateway. */
export interface HubRoutesContext {
  readonly config: HubConfig;
  readonly logger: Logger;
  /** The development issuer (AUTH_ISSUER unset): its sign-in endpoint hands out tokens. */
  readonly devIssuer: DevIssuerForGateway | undefined;
  /** The audit log (or the channel to it from the gateway's thread). */
  readonly audit: AuditSink;
  /** The registry `/metrics` serves. */
  readonly metrics: HubMetrics;
  /** Where each subgraph listens: `/ready` asks each one's `/health`. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** What else `/ready` checks (the databases and the bus, where the gateway shares their thread). */
  readonly readinessChecks: readonly ReadinessCheck[];
}

/**
 * The routes the hub adds to its gateway's HTTP server beside `/graphql` and `/health`, in the
 * order they are registered. Each room that serves pages or endpoints (the console, the
 * explorer, metrics) contributes one entry here.
 */
export function createHubRoutes(context: HubRoutesContext): GatewayRoutes[] {
  return [
    createHubDevTokenRoutes(context),
    serveExplorer({ devSignIn: offersDevSignIn(context.config, context.devIssuer) }),
    serveConsole({ config: context.config }),
    createMetricsRoute({ registry: context.metrics.registry, token: context.config.metricsToken, isPublic: context.config.metricsPublic }),
    // Community Connect's public routes (signed links, the alarm webhook, clip upload and download,
    // the development outbox) are served by its subgraph, reached here on the hub's one public port.
    createPrefixRelay({
      prefix: '/community/',
      target: () => (context.subgraphUrls.community ? new URL(context.subgraphUrls.community).origin : null),
      logger: context.logger.child({ component: 'community-relay' }),
    }),
    createReadyRoute(
      () => [...context.readinessChecks, ...Object.entries(context.subgraphUrls).map(([name, url]) => subgraphReadinessCheck(name, url))],
      context.config.readyCheckTimeoutMs,
    ),
  ];
}

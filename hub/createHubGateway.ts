import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AuditSink } from '../gateway/audit/createAuditPlugin';
import { type Gateway, createGateway } from '../gateway/createGateway';
import { createHubRoutes } from './createHubRoutes';
import { createConfiguredLimits } from './createConfiguredLimits';
import { auditRecordOfAuthentication, createHubAuthenticator } from './createHubAuth';
import type { DevIssuerForGateway } from './createHubDevTokenRoutes';
import type { HubConfig } from '../config/hubConfig';
import { type HubMetrics, createHubMetrics } from '../observability/createHubMetrics';
import type { ReadinessCheck } from '../observability/createReadiness';

/** What the gateway needs from the rest of the hub, wherever it runs. */
export interface HubGatewayOptions {
  readonly config: HubConfig;
  readonly logger: Logger;
  /** The audit log (or a channel to it): operations, subscriptions and logons are recorded there. */
  readonly audit: AuditSink;
  /** Where each subgraph listens. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  readonly subgraphSigningSecret: string;
  /**
   * The development issuer, when AUTH_ISSUER is unset: its public keys, and in the hub's own
   * thread its signing key too (for the development sign-in endpoint).
   */
  readonly devIssuer: DevIssuerForGateway | undefined;
  /**
   * The hub's metrics registry, in the main thread; the gateway's own thread makes its own and
   * merges this one's families into each scrape through the thread protocol.
   */
  readonly metrics?: HubMetrics;
  /** What `/ready` checks beside the subgraphs (the databases and the bus, in the main thread). */
  readonly readinessChecks?: readonly ReadinessCheck[];
}

/**
 * The hub's gateway as configured: authentication (logons audited), limits, the supergraph,
 * signed calls to the subgraphs, and the subscription settings. The same in the hub's main
 * thread and in its own thread (GATEWAY_THREAD).
 */
export async function createHubGateway(options: HubGatewayOptions): Promise<Gateway> {
  const { config, logger, audit, devIssuer } = options;
  const metrics = options.metrics ?? createHubMetrics();
  const authenticator = await createHubAuthenticator(config, logger, {
    devIssuer,
    onEvent: (event) => {
      audit.append(auditRecordOfAuthentication(event)).catch((error: unknown) => logger.error({ err: error }, 'audit record of a logon could not be written'));
    },
  });
  const gateway = await createGateway({
    authenticator,
    devIssuer,
    audit,
    limits: await createConfiguredLimits(config),
    purposeRules: { pattern: config.purposePattern, incidentPattern: config.purposeIncidentPattern, cacheMs: config.purposeIncidentCacheMs },
    refusalRecordsPerWindow: config.gatewayRefusalRecordsPerWindow,
    refusalWindowMs: config.gatewayRefusalWindowMs,
    introspectionEnabled: config.introspectionEnabled,
    supergraphSdl: readFileSync(join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8'),
    subgraphSigningSecret: options.subgraphSigningSecret,
    subgraphUrls: options.subgraphUrls,
    logger,
    host: config.host,
    port: config.gatewayPort,
    requestTimeoutMs: config.httpRequestTimeoutMs,
    subscriptionQueueLimit: config.subscriptionQueueLimit,
    subscriptionFlushIntervalMs: config.subscriptionFlushIntervalMs,
    subscriptionKeepAliveMs: config.subscriptionKeepAliveMs,
    resubscribeDelayMs: config.resubscribeDelayMs,
    resubscribeMaxDelayMs: config.resubscribeMaxDelayMs,
    metrics,
    routes: createHubRoutes({ config, logger, devIssuer, audit, metrics, subgraphUrls: options.subgraphUrls, readinessChecks: options.readinessChecks ?? [] }),
  });
  metrics.readSubscriptions(() => gateway.subscriptionStats());
  // Refusals still being counted are written as their summaries before the audit log closes.
  return { ...gateway, close: () => gateway.close().finally(() => authenticator.close()) };
}

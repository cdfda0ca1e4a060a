import type { Logger } from 'pino';
import type { HubConfig } from '../config/hubConfig';
import type { GatewayRoutes } from '../gateway/createGateway';
import { serveConsole } from '../console/serveConsole';
import type { AuditSink } from '../gateway/audit/createAuditPlugin';
import { type DevIssuerForGateway, createHubDevTokenRoutes, offersDevSignIn } from './createHubDevTokenRoutes';
import { serveExplorer } from '../explorer/serveExplorer';

/** What the hub's extra HTTP routes may need; built in whichever thread runs the gateway. */
export interface HubRoutesContext {
  readonly config: HubConfig;
  readonly logger: Logger;
  /** The development issuer (AUTH_ISSUER unset): its sign-in endpoint hands out tokens. */
  readonly devIssuer: DevIssuerForGateway | undefined;
  /** The audit log (or the channel to it from the gateway's thread). */
  readonly audit: AuditSink;
}

/**
 * The routes the hub adds to its gateway's HTTP server beside `/graphql` and `/health`, in the
 * order they are registered. Each room that serves pages or endpoints (the console, the
 * explorer, metrics) contributes one entry here.
 */
export function createHubRoutes(context: HubRoutesContext): GatewayRoutes[] {
  return [
    createHubDevTokenRoutes(context),
    serveConsole({ config: context.config }),
    serveExplorer({ devSignIn: offersDevSignIn(context.config, context.devIssuer) }),
  ];
}

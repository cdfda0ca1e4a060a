import type { Logger } from 'pino';
import type { HubConfig } from '../config/hubConfig';
import type { GatewayRoutes } from '../gateway/createGateway';

/** What the hub's extra HTTP routes may need; built in whichever thread runs the gateway. */
export interface HubRoutesContext {
  readonly config: HubConfig;
  readonly logger: Logger;
}

/**
 * The routes the hub adds to its gateway's HTTP server beside `/graphql` and `/health`, in the
 * order they are registered. Each room that serves pages or endpoints (the console, the
 * explorer, metrics) contributes one entry here.
 */
export function createHubRoutes(_context: HubRoutesContext): GatewayRoutes[] {
  return [];
}

import type { Logger } from 'pino';
import type { DevIssuer } from '../auth/createDevIssuer';
import { type DevTokenIssued, createDevTokenRoutes } from '../auth/createDevTokenRoutes';
import type { AuditRecordInput } from '../audit/auditRecord';
import type { AuditSink } from '../gateway/audit/createAuditPlugin';
import type { GatewayRoutes } from '../gateway/createGateway';
import type { HubConfig } from '../config/hubConfig';
import type { DevIssuerKeys } from './createHubAuth';

/**
 * The development issuer as the gateway gets it: its public keys, and a way to sign (in the
 * gateway's own thread, a message to the hub's thread, which keeps the key).
 */
export type DevIssuerForGateway = DevIssuerKeys & Partial<Pick<DevIssuer, 'sign'>>;

/**
 * The development sign-in endpoints (`POST /auth/dev/token`, `GET /auth/dev/roles`) when the hub
 * is its own issuer and AUTH_DEV_TOKEN_ENDPOINT is not `off`; none otherwise. In the gateway's own
 * thread (GATEWAY_THREAD=worker) tokens are signed in the hub's thread, so AUTH_DEV_KEY_FILE=memory
 * works there too.
 */
export function createHubDevTokenRoutes(options: {
  readonly config: HubConfig;
  readonly logger: Logger;
  readonly devIssuer: DevIssuerForGateway | undefined;
  readonly audit: AuditSink;
}): GatewayRoutes {
  const { config, logger, devIssuer, audit } = options;
  return async (app) => {
    const access = config.authDevTokenEndpoint;
    if (!devIssuer || !offersDevSignIn(config, devIssuer) || access === 'off') return;
    const { sign } = devIssuer;
    if (!sign) {
      logger.warn('development sign-in endpoint off: this gateway was given the issuer\'s public keys only');
      return;
    }
    await createDevTokenRoutes({
      issuer: { sign },
      access,
      record: async (issued) => {
        await audit.append(auditRecordOfDevToken(issued));
      },
    })(app);
  };
}

/** Whether the hub hands out development tokens over HTTP: it is its own issuer, and AUTH_DEV_TOKEN_ENDPOINT is not `off`. */
export function offersDevSignIn(config: HubConfig, devIssuer: DevIssuerKeys | undefined): boolean {
  return devIssuer !== undefined && !config.authIssuer && config.authDevTokenEndpoint !== 'off';
}

/** The audit record of a development token handed out over HTTP: the issuer's logon of its subject. */
export function auditRecordOfDevToken(issued: DevTokenIssued): AuditRecordInput {
  return {
    kind: 'logon',
    subject: issued.subject,
    roles: issued.roles,
    clientId: null,
    outcome: 'ok',
    details: { issuedBy: 'POST /auth/dev/token', clientAddress: issued.clientAddress, tokenId: issued.tokenId, expiresAt: issued.expiresAt.toISOString() },
  };
}

import type { Logger } from 'pino';
import { type DevIssuer, DEV_ISSUER, createDevIssuer } from '../auth/createDevIssuer';
import { type DevTokenIssued, createDevTokenRoutes } from '../auth/createDevTokenRoutes';
import type { AuditRecordInput } from '../audit/auditRecord';
import type { AuditSink } from '../gateway/audit/createAuditPlugin';
import type { GatewayRoutes } from '../gateway/createGateway';
import type { HubConfig } from '../config/hubConfig';
import type { DevIssuerKeys } from './createHubAuth';

/** The development issuer as the gateway gets it: with its signing key in the hub's thread, keys only in the gateway's own. */
export type DevIssuerForGateway = DevIssuerKeys & Partial<Pick<DevIssuer, 'sign'>>;

/**
 * The development sign-in endpoints (`POST /auth/dev/token`, `GET /auth/dev/roles`) when the hub
 * is its own issuer and AUTH_DEV_TOKEN_ENDPOINT is not `off`; none otherwise. In the gateway's own
 * thread the issuer's key is read again from AUTH_DEV_KEY_FILE (the thread gets public keys
 * only), and used only if it is the key the gateway verifies with.
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
    const signer = await signerOf(devIssuer, config, logger);
    if (!signer) return;
    await createDevTokenRoutes({
      issuer: signer,
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

async function signerOf(devIssuer: DevIssuerForGateway, config: HubConfig, logger: Logger): Promise<Pick<DevIssuer, 'sign'> | undefined> {
  const { sign } = devIssuer;
  if (sign) return { sign };
  if (config.authDevKeyFile === 'memory') {
    logger.warn('development sign-in endpoint off: the gateway runs in its own thread and AUTH_DEV_KEY_FILE=memory keeps the key in the hub\'s thread');
    return undefined;
  }
  const reopened = await createDevIssuer({ issuer: DEV_ISSUER, audience: config.authAudience, keyFile: config.authDevKeyFile });
  if (JSON.stringify(reopened.jwks) !== JSON.stringify(devIssuer.jwks)) {
    logger.warn({ keyFile: config.authDevKeyFile }, 'development sign-in endpoint off: AUTH_DEV_KEY_FILE no longer holds the key the gateway verifies with');
    return undefined;
  }
  return reopened;
}

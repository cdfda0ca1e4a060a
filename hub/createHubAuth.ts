import type { Logger } from 'pino';
import { type AuthenticationEvent, type Authenticator, createAuthenticator } from '../auth/createAuthenticator';
import { DEV_ISSUER, type DevIssuer, createDevIssuer } from '../auth/createDevIssuer';
import { createFailureTracker } from '../auth/createFailureTracker';
import { createTokenVerifier } from '../auth/createTokenVerifier';
import type { AuditRecordInput } from '../audit/auditRecord';
import type { HubConfig } from '../config/hubConfig';

/** What verifying the development issuer's tokens takes: its id and public keys. */
export type DevIssuerKeys = Pick<DevIssuer, 'issuer' | 'jwks'>;

/**
 * The development issuer (with its signing key) when AUTH_ISSUER is unset; undefined when the
 * hub trusts a real issuer. Its key is kept in AUTH_DEV_KEY_FILE.
 */
export async function openDevIssuer(config: HubConfig): Promise<DevIssuer | undefined> {
  if (config.authIssuer) return undefined;
  return createDevIssuer({ issuer: DEV_ISSUER, audience: config.authAudience, keyFile: config.authDevKeyFile });
}

/**
 * An authenticator as configured: tokens from AUTH_ISSUER verified against its JWKS
 * (AUTH_JWKS_URL, or discovered from the issuer's openid-configuration), or, with AUTH_ISSUER
 * unset, the development issuer's tokens (`npm run token`), checked against `devIssuer`'s keys.
 */
export async function createHubAuthenticator(
  config: HubConfig,
  logger: Logger,
  options: { readonly devIssuer?: DevIssuerKeys | undefined; readonly onEvent?: (event: AuthenticationEvent) => void } = {},
): Promise<Authenticator> {
  const { devIssuer, onEvent } = options;
  let verifier;
  if (!config.authIssuer) {
    if (!devIssuer) throw new Error('AUTH_ISSUER is unset, so the development issuer\'s keys are needed to verify tokens');
    verifier = createTokenVerifier({ issuer: devIssuer.issuer, audience: config.authAudience, jwks: devIssuer.jwks, rolesClaim: config.authRolesClaim });
    logger.warn('authentication: development issuer (AUTH_ISSUER unset); tokens from `npm run token`. Set AUTH_ISSUER in production.');
  } else {
    const jwksUrl = config.authJwksUrl ?? (await discoverJwksUrl(config.authIssuer));
    verifier = createTokenVerifier({ issuer: config.authIssuer, audience: config.authAudience, jwks: new URL(jwksUrl), rolesClaim: config.authRolesClaim });
    logger.info({ issuer: config.authIssuer, jwksUrl }, 'authentication: OIDC issuer');
  }
  const tracker = (maxFailures: number) => createFailureTracker({ maxFailures, windowMs: config.authFailureWindowMs, lockoutMs: config.authLockoutMs });
  return createAuthenticator({
    verifier,
    identityFailures: tracker(config.authMaxFailures),
    addressFailures: tracker(config.authMaxFailuresPerAddress),
    logger: logger.child({ component: 'auth' }),
    refusalReports: { recordsPerWindow: config.authRefusalRecordsPerWindow, windowMs: config.authRefusalWindowMs },
    ...(onEvent ? { onEvent } : {}),
  });
}

async function discoverJwksUrl(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => {
    throw new Error(`AUTH_ISSUER: could not fetch ${url}: ${(error as Error).message}`);
  });
  if (!response.ok) throw new Error(`AUTH_ISSUER: ${url} answered HTTP ${response.status}`);
  const body = (await response.json()) as { jwks_uri?: unknown };
  if (typeof body.jwks_uri !== 'string') throw new Error(`AUTH_ISSUER: ${url} has no jwks_uri`);
  return body.jwks_uri;
}

/** The audit record of a logon or failed logon (CJIS 5.4.1.1). */
export function auditRecordOfAuthentication(event: AuthenticationEvent): AuditRecordInput {
  if (event.kind === 'logon') {
    const { identity } = event;
    return {
      kind: 'logon',
      subject: identity.subject,
      roles: identity.roles,
      clientId: identity.clientId,
      outcome: 'ok',
      details: { clientAddress: event.clientAddress, tokenId: identity.tokenId, expiresAt: new Date(identity.expiresAt).toISOString() },
    };
  }
  if (event.kind === 'permission-change') {
    const { identity } = event;
    return {
      kind: 'permission-change',
      subject: identity.subject,
      roles: identity.roles,
      clientId: identity.clientId,
      outcome: 'ok',
      details: { clientAddress: event.clientAddress, previousRoles: [...event.previousRoles], roles: [...identity.roles] },
    };
  }
  if (event.kind === 'request-refused') {
    return { kind: 'request-refused', outcome: 'denied', reason: event.reason, details: { clientAddress: event.clientAddress } };
  }
  if (event.kind === 'refusals-repeated') {
    return {
      kind: event.of,
      outcome: 'denied',
      reason: `${event.count} more refused from this address (counted, not recorded one by one)`,
      details: {
        clientAddress: event.clientAddress,
        repeated: event.count,
        reasons: { ...event.reasons },
        claimedSubjects: [...event.claimedSubjects],
        from: new Date(event.from).toISOString(),
        to: new Date(event.to).toISOString(),
      },
    };
  }
  // A subject is the record's user only when the issuer signed the token; a forged one's is a claim.
  return {
    kind: 'logon-failed',
    subject: event.signedByIssuer ? event.claimedSubject : null,
    outcome: 'denied',
    reason: event.reason,
    details: {
      clientAddress: event.clientAddress,
      ...(!event.signedByIssuer && event.claimedSubject !== null ? { claimedSubject: event.claimedSubject } : {}),
      ...(event.lockedUntil ? { lockedUntil: new Date(event.lockedUntil).toISOString() } : {}),
    },
  };
}

import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { FailureTracker } from './createFailureTracker';
import { AuthenticationError, type TokenVerifier } from './createTokenVerifier';
import type { Identity } from './identity';

/** Authentication events, for the audit trail (CJIS 5.4.1.1: logons and failed logons). */
export type AuthenticationEvent =
  | { readonly kind: 'logon'; readonly identity: Identity; readonly clientAddress: string }
  | { readonly kind: 'permission-change'; readonly identity: Identity; readonly previousRoles: readonly string[]; readonly clientAddress: string }
  | { readonly kind: 'logon-failed'; readonly claimedSubject: string | null; readonly clientAddress: string; readonly reason: string; readonly lockedUntil: number | null };

export interface AuthenticatorOptions {
  readonly verifier: TokenVerifier;
  /** Failures per claimed identity. */
  readonly identityFailures: FailureTracker;
  /** Failures per client address (tokens without a readable subject, or many subjects from one place). */
  readonly addressFailures: FailureTracker;
  readonly logger: Logger;
  readonly onEvent?: (event: AuthenticationEvent) => void;
  readonly now?: () => number;
}

export interface Authenticator {
  /**
   * The caller of a request from its `Authorization` header value (or a WebSocket connection
   * parameter): a verified identity, or a GraphQLError with code UNAUTHENTICATED (HTTP 401)
   * when there is no token or it is refused, or LOCKED_OUT (HTTP 429) while locked.
   */
  authenticate(authorization: string | undefined | null, clientAddress: string): Promise<Identity>;
}

/** How long a token counts as one logon for the audit trail after it was first seen. */
const SEEN_TOKENS_MAX = 50_000;

/**
 * Bearer-token authentication with lock-out. Nothing is public: a request without a token is
 * refused. Every refusal is logged and reported (`logon-failed`); five failures for one claimed
 * identity (or one client address) within the window lock it out for the lock-out time, during
 * which even a valid token for it is refused — CJIS 5.5.3 asks for lock-out after at most five
 * invalid attempts. The first use of each token is reported as a `logon`.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { verifier, identityFailures, addressFailures, logger, onEvent, now = Date.now } = options;
  const seenTokens = new Map<string, number>();
  // Roles are granted at the issuer; the hub sees a change when a subject logs on with other roles.
  const lastRoles = new Map<string, string>();

  const refuse = (reason: string, claimedSubject: string | null, clientAddress: string): GraphQLError => {
    const lockedUntil = Math.max(
      (claimedSubject ? identityFailures.recordFailure(claimedSubject) : null) ?? 0,
      addressFailures.recordFailure(clientAddress) ?? 0,
    ) || null;
    logger.warn({ claimedSubject, clientAddress, reason, lockedUntil: lockedUntil ? new Date(lockedUntil).toISOString() : undefined }, 'authentication failed');
    onEvent?.({ kind: 'logon-failed', claimedSubject, clientAddress, reason, lockedUntil });
    return unauthenticated(reason);
  };

  const lockedOut = (until: number, clientAddress: string, claimedSubject: string | null): GraphQLError => {
    const retryAfterSeconds = Math.max(1, Math.ceil((until - now()) / 1000));
    logger.warn({ claimedSubject, clientAddress }, 'authentication refused: locked out');
    onEvent?.({ kind: 'logon-failed', claimedSubject, clientAddress, reason: 'locked out', lockedUntil: until });
    return new GraphQLError(`Too many failed authentications; try again in ${retryAfterSeconds} s`, {
      extensions: { code: 'LOCKED_OUT', retryAfterSeconds, http: { status: 429 } },
    });
  };

  return {
    async authenticate(authorization, clientAddress) {
      const addressLock = addressFailures.lockedUntil(clientAddress);
      if (addressLock) throw lockedOut(addressLock, clientAddress, null);
      if (!authorization) throw unauthenticated('a bearer token is required (Authorization: Bearer <token>)');
      const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization);
      if (!match?.[1]) throw refuse('the Authorization header must be "Bearer <token>"', null, clientAddress);
      let identity: Identity;
      try {
        identity = await verifier.verify(match[1]);
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        const lock = error.claimedSubject ? identityFailures.lockedUntil(error.claimedSubject) : null;
        if (lock) throw lockedOut(lock, clientAddress, error.claimedSubject);
        throw refuse(error.message, error.claimedSubject, clientAddress);
      }
      const lock = identityFailures.lockedUntil(identity.subject);
      if (lock) throw lockedOut(lock, clientAddress, identity.subject);
      identityFailures.recordSuccess(identity.subject);
      if (!seenTokens.has(identity.tokenId)) {
        if (seenTokens.size >= SEEN_TOKENS_MAX) {
          for (const [tokenId, expiresAt] of seenTokens) if (expiresAt < now()) seenTokens.delete(tokenId);
          if (seenTokens.size >= SEEN_TOKENS_MAX) seenTokens.clear();
        }
        seenTokens.set(identity.tokenId, identity.expiresAt);
        logger.info({ subject: identity.subject, roles: identity.roles, clientAddress }, 'logon');
        onEvent?.({ kind: 'logon', identity, clientAddress });
        const roles = [...identity.roles].sort().join(' ');
        const before = lastRoles.get(identity.subject);
        if (before !== undefined && before !== roles) {
          logger.info({ subject: identity.subject, before, after: roles }, 'roles changed');
          onEvent?.({ kind: 'permission-change', identity, previousRoles: before.split(' ').filter(Boolean), clientAddress });
        }
        if (lastRoles.size >= SEEN_TOKENS_MAX && !lastRoles.has(identity.subject)) lastRoles.clear();
        lastRoles.set(identity.subject, roles);
      }
      return identity;
    },
  };
}

function unauthenticated(reason: string): GraphQLError {
  return new GraphQLError(`Not authenticated: ${reason}`, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

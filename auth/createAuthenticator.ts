import type { GraphQLError } from 'graphql';
import { HubError } from '../errors/hubErrors';
import type { Logger } from 'pino';
import type { FailureTracker } from './createFailureTracker';
import { AuthenticationError, type TokenVerifier } from './createTokenVerifier';
import type { Identity } from './identity';
import { type RepeatedRefusals, createRefusalReports } from './createRefusalReports';

/** Authentication events, for the audit trail (CJIS 5.4.1.1: logons and failed logons). */
export type AuthenticationEvent =
  | { readonly kind: 'logon'; readonly identity: Identity; readonly clientAddress: string }
  | { readonly kind: 'permission-change'; readonly identity: Identity; readonly previousRoles: readonly string[]; readonly clientAddress: string }
  | {
      readonly kind: 'logon-failed';
      /** The subject the token named: verified by the issuer's signature when `signedByIssuer`, else only claimed. */
      readonly claimedSubject: string | null;
      readonly signedByIssuer: boolean;
      readonly clientAddress: string;
      readonly reason: string;
      readonly lockedUntil: number | null;
    }
  /** A request with no token at all: refused, not a logon attempt. */
  | { readonly kind: 'request-refused'; readonly clientAddress: string; readonly reason: string }
  | RepeatedRefusals;

export interface AuthenticatorOptions {
  readonly verifier: TokenVerifier;
  /** Failures per identity: only tokens the issuer really signed (expired, wrong audience…) count here. */
  readonly identityFailures: FailureTracker;
  /** Failures per client address: every refused token counts here, forged ones included. */
  readonly addressFailures: FailureTracker;
  readonly logger: Logger;
  readonly onEvent?: (event: AuthenticationEvent) => void;
  /**
   * Refusals of one client address reported (and logged) one by one per window; the rest are
   * counted into one `refusals-repeated` event per window, so that a flood is no flood of records.
   */
  readonly refusalReports?: { readonly recordsPerWindow: number; readonly windowMs: number };
  readonly now?: () => number;
}

export interface Authenticator {
  /**
   * The caller of a request from its `Authorization` header value (or a WebSocket connection
   * parameter): a verified identity, or a GraphQLError with code UNAUTHENTICATED (HTTP 401)
   * when there is no token or it is refused, or LOCKED_OUT (HTTP 429) while locked.
   */
  authenticate(authorization: string | undefined | null, clientAddress: string): Promise<Identity>;
  /** Reports the refusals still counted (their summaries) and stops timers. */
  close(): void;
}

/** How long a token counts as one logon for the audit trail after it was first seen. */
const SEEN_TOKENS_MAX = 50_000;

/**
 * Bearer-token authentication with lock-out. Nothing is public: a request without a token is
 * refused. Every refusal is reported (`logon-failed`, or `request-refused` without a token) and
 * logged, a flood from one address as one summary per window (`refusalReports`). Five failures
 * of one identity within the window lock it out for the lock-out time, during which even a
 * valid token for it is refused — CJIS 5.5.3 asks for lock-out after at most five invalid
 * attempts; but only a token the issuer really signed is an attempt of its subject: a forged
 * token (bad signature, unknown key, malformed) counts against the client address alone, so
 * that nobody can lock a user out by naming them. The first use of each token is a `logon`.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { verifier, identityFailures, addressFailures, logger, onEvent, now = Date.now } = options;
  const seenTokens = new Map<string, number>();
  // Roles are granted at the issuer; the hub sees a change when a subject logs on with other roles.
  const lastRoles = new Map<string, string>();
  const reports = createRefusalReports({
    recordsPerWindow: options.refusalReports?.recordsPerWindow ?? 5,
    windowMs: options.refusalReports?.windowMs ?? 60_000,
    now,
    onRepeated: (summary) => {
      logger.warn({ clientAddress: summary.clientAddress, of: summary.of, count: summary.count, reasons: summary.reasons }, 'authentication refusals repeated');
      onEvent?.(summary);
    },
  });

  const failed = (event: Extract<AuthenticationEvent, { kind: 'logon-failed' }>) => {
    const admitted = reports.admit({
      of: 'logon-failed',
      clientAddress: event.clientAddress,
      reason: event.reason,
      claimedSubject: event.claimedSubject,
      always: event.lockedUntil !== null && event.reason !== LOCKED_OUT_REASON,
    });
    if (!admitted) return;
    const { claimedSubject, signedByIssuer, clientAddress, reason, lockedUntil } = event;
    logger.warn({ claimedSubject, signedByIssuer, clientAddress, reason, lockedUntil: lockedUntil ? new Date(lockedUntil).toISOString() : undefined }, 'authentication failed');
    onEvent?.(event);
  };

  const refuse = (reason: string, claimedSubject: string | null, signedByIssuer: boolean, clientAddress: string): GraphQLError => {
    const lockedUntil = Math.max(
      (claimedSubject && signedByIssuer ? identityFailures.recordFailure(claimedSubject) : null) ?? 0,
      addressFailures.recordFailure(clientAddress) ?? 0,
    ) || null;
    failed({ kind: 'logon-failed', claimedSubject, signedByIssuer, clientAddress, reason, lockedUntil });
    return unauthenticated(reason);
  };

  const lockedOut = (until: number, clientAddress: string, claimedSubject: string | null, signedByIssuer: boolean): GraphQLError => {
    const retryAfterSeconds = Math.max(1, Math.ceil((until - now()) / 1000));
    failed({ kind: 'logon-failed', claimedSubject, signedByIssuer, clientAddress, reason: LOCKED_OUT_REASON, lockedUntil: until });
    return new HubError('LOCKED_OUT', `Too many failed authentications; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
      http: { status: 429 },
    });
  };

  return {
    async authenticate(authorization, clientAddress) {
      const addressLock = addressFailures.lockedUntil(clientAddress);
      if (addressLock) throw lockedOut(addressLock, clientAddress, null, false);
      if (!authorization) {
        const reason = 'a bearer token is required (Authorization: Bearer <token>)';
        // No token is no logon attempt (a console before sign-in): audited, not counted.
        if (reports.admit({ of: 'request-refused', clientAddress, reason: 'no bearer token', claimedSubject: null })) {
          logger.info({ clientAddress }, 'request without a token refused');
          onEvent?.({ kind: 'request-refused', clientAddress, reason: 'no bearer token' });
        }
        throw unauthenticated(reason);
      }
      const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization);
      if (!match?.[1]) throw refuse('the Authorization header must be "Bearer <token>"', null, false, clientAddress);
      let identity: Identity;
      try {
        identity = await verifier.verify(match[1]);
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        const { claimedSubject, signedByIssuer } = error;
        const lock = claimedSubject && signedByIssuer ? identityFailures.lockedUntil(claimedSubject) : null;
        if (lock) throw lockedOut(lock, clientAddress, claimedSubject, true);
        throw refuse(error.message, claimedSubject, signedByIssuer, clientAddress);
      }
      const lock = identityFailures.lockedUntil(identity.subject);
      if (lock) throw lockedOut(lock, clientAddress, identity.subject, true);
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
    close: () => reports.close(),
  };
}

/** The reason of a refusal while the identity or address is locked out. */
const LOCKED_OUT_REASON = 'locked out';

function unauthenticated(reason: string): GraphQLError {
  return new HubError('UNAUTHENTICATED', `Not authenticated: ${reason}`, { http: { status: 401 } });
}

import { createHash } from 'node:crypto';
import { type JWTPayload, type JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify } from 'jose';
import type { JWK } from 'jose';
import { parseArea } from '../geo/area';
import type { Identity } from './identity';
import { scopesOf } from './roles';

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** The issuer's JWKS URL, or its keys (the development issuer's, in process). */
  readonly jwks: URL | { keys: JWK[] };
  /** Claim holding the caller's roles (a list, or a space-separated string). */
  readonly rolesClaim: string;
  readonly clockToleranceSeconds?: number;
}

/** Why a token was refused: shown to the caller and written to the log and the audit trail. */
export class AuthenticationError extends Error {
  constructor(
    message: string,
    /** The subject the token claimed (unverified when `signedByIssuer` is false); null when unreadable. */
    readonly claimedSubject: string | null,
    /**
     * Whether the issuer's key really signed the token (it was refused for a claim: expired, not
     * yet valid, another audience or issuer, a bad geofence). Only then is the refusal a failed
     * logon of `claimedSubject`; a token whose signature fails says nothing about its subject.
     */
    readonly signedByIssuer = false,
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export interface TokenVerifier {
  /** Verifies signature, issuer, audience and expiry, and reads the caller's identity. */
  verify(token: string): Promise<Identity>;
}

const ALGORITHMS = ['ES256', 'ES384', 'RS256', 'RS384', 'RS512', 'PS256', 'EdDSA'];

/** Verified tokens remembered (until they expire), so that a console's every request is not a signature check. */
const VERIFIED_CACHE_SIZE = 10_000;

/** Verifies OAuth 2 / OIDC bearer JWTs against the issuer's JWKS (jose). */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { issuer, audience, rolesClaim, clockToleranceSeconds = 30 } = options;
  const keys: JWTVerifyGetKey = options.jwks instanceof URL ? createRemoteJWKSet(options.jwks) : createLocalJWKSet(options.jwks);

  const verified = new Map<string, Identity>();
  const remember = (token: string, identity: Identity) => {
    if (verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    verified.set(token, identity);
  };

  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt > Date.now() - clockToleranceSeconds * 1000) return known;
        verified.delete(token);
      }
      const identity = await verifyAfresh(token);
      remember(token, identity);
      return identity;
    },
  };

  async function verifyAfresh(token: string): Promise<Identity> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer, audience, algorithms: ALGORITHMS, clockTolerance: clockToleranceSeconds }));
    } catch (error) {
      // jose checks the claims only after the signature held (jwtVerify), so a claim error means
      // the issuer signed this token.
      const signed = error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed;
      throw new AuthenticationError(describe(error), claimedSubjectOf(token), signed);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new AuthenticationError('token has no subject', null, true);
    const roles = listClaim(payload[rolesClaim]);
    const scopes = scopesOf(roles, listClaim(payload.scope));
    let geofence = null;
    if (payload.geofence !== undefined) {
      try {
        geofence = parseArea(payload.geofence, 'geofence');
      } catch (error) {
        throw new AuthenticationError(`token geofence is invalid: ${(error as Error).message}`, payload.sub, true);
      }
    }
    return {
      subject: payload.sub,
      clientId: stringClaim(payload.azp) ?? stringClaim(payload.client_id),
      roles,
      scopes,
      geofence,
      geofenceInput: payload.geofence ?? null,
      // A resident identity provider knows nothing of the program's owner ids: without the claim, a camera owner is their subject.
      cameraOwner: stringClaim(payload.camera_owner) ?? (roles.includes('camera-owner') ? (payload.sub ?? null) : null),
      department: stringClaim(payload.department),
      tokenId: stringClaim(payload.jti) ?? createHash('sha256').update(token).digest('hex').slice(0, 32),
      expiresAt: (payload.exp ?? 0) * 1000,
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim "${error.claim}" is not acceptable`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'token was not signed by a key of the issuer';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not allowed';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'token is malformed';
  if (error instanceof errors.JWKSTimeout) return 'the issuer\'s keys could not be fetched in time';
  return 'token could not be verified';
}

function claimedSubjectOf(token: string): string | null {
  try {
    const sub = decodeJwt(token).sub;
    return typeof sub === 'string' && sub.length <= 256 ? sub : null;
  } catch {
    return null;
  }
}

function listClaim(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function stringClaim(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type JWK, type KeyLike, SignJWT, exportJWK, generateKeyPair, importJWK } from 'jose';

/** The issuer id of the development issuer (AUTH_ISSUER unset). */
export const DEV_ISSUER = 'urn:rtcc-hub:dev-issuer';

/** What the development issuer puts in a token beyond the registered claims. */
export interface DevTokenClaims {
  readonly subject: string;
  readonly roles: readonly string[];
  /** Seconds until expiry. */
  readonly ttlSeconds?: number;
  readonly clientId?: string;
  /** Field officers' geofence, an AreaInput (e.g. `{ circle: { center, radiusMeters } }`). */
  readonly geofence?: unknown;
  readonly cameraOwner?: string;
  readonly department?: string;
}

/** A development OIDC issuer: signs tokens with a local key and publishes its JWKS. */
export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The public keys, as served at `jwksPath`. */
  readonly jwks: { keys: JWK[] };
  sign(claims: DevTokenClaims): Promise<string>;
}

const ALGORITHM = 'ES256';
const KEY_ID = 'rtcc-dev-1';

/**
 * Loads the development issuer's signing key from `keyFile`, creating it (mode 0600) on first
 * use, so that `npm run token` and a running hub agree without talking to each other. For a
 * single machine only: a real deployment points AUTH_ISSUER at the agency's OIDC provider and
 * has no dev issuer.
 */
export async function createDevIssuer(options: { issuer: string; audience: string; keyFile: string }): Promise<DevIssuer> {
  const { issuer, audience, keyFile } = options;
  const privateJwk = await loadOrCreateKey(keyFile);
  const privateKey = (await importJWK(privateJwk, ALGORITHM)) as KeyLike;
  const { d: _private, ...publicJwk } = privateJwk;
  return {
    issuer,
    audience,
    jwks: { keys: [{ ...publicJwk, kid: KEY_ID, alg: ALGORITHM, use: 'sig' }] },
    async sign(claims) {
      const jwt = new SignJWT({
        roles: [...claims.roles],
        ...(claims.clientId ? { azp: claims.clientId } : {}),
        ...(claims.geofence ? { geofence: claims.geofence } : {}),
        ...(claims.cameraOwner ? { camera_owner: claims.cameraOwner } : {}),
        ...(claims.department ? { department: claims.department } : {}),
      })
        .setProtectedHeader({ alg: ALGORITHM, kid: KEY_ID, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(claims.subject)
        .setIssuedAt()
        .setJti(crypto.randomUUID())
        .setExpirationTime(`${claims.ttlSeconds ?? 3600}s`);
      return jwt.sign(privateKey);
    },
  };
}

async function loadOrCreateKey(keyFile: string): Promise<JWK> {
  if (keyFile === 'memory') return exportJWK((await generateKeyPair(ALGORITHM, { extractable: true })).privateKey);
  if (existsSync(keyFile)) return JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  mkdirSync(dirname(keyFile), { recursive: true });
  // `wx`: if another process created it meanwhile, use theirs.
  try {
    writeFileSync(keyFile, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
  } catch {
    return JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  }
  return jwk;
}

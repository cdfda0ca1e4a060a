import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What the hub's authenticator says of a bearer token. */
export type BearerVerdict =
  | { readonly ok: true; readonly subject: string; readonly roles: readonly string[] }
  | { readonly ok: false; readonly status: 401 | 429; readonly reason: string; readonly claimedSubject?: string | null };

/** Verifies an `Authorization: Bearer …` header value, as the hub's authenticator does for GraphQL. */
export type VerifyBearer = (authorization: string, clientAddress: string) => Promise<BearerVerdict>;

/** How senders prove who they are. Either way may be left out; with neither, nobody is let in. */
export interface EidoAuthentication {
  /** Bearer tokens, verified by the hub's authenticator; the token must carry `requiredRole`. */
  readonly verifyBearer?: VerifyBearer | null;
  /** Per-source shared secrets by source name, sent as `Authorization: Basic base64(name:secret)` (RFC 7617). */
  readonly sourceSecrets?: ReadonlyMap<string, string>;
  /** Role a bearer token must carry. Default `adapter`. */
  readonly requiredRole?: string;
}

export type SenderVerdict =
  | { readonly ok: true; readonly sender: string }
  | { readonly ok: false; readonly status: 401 | 403 | 429; readonly reason: string; readonly claimedSender: string | null };

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks the `Authorization` header of an ingest request. Secrets are compared as SHA-256
 * digests with `timingSafeEqual`, and an unknown source name is compared against a random
 * digest, so that the time taken tells nothing about names or secrets.
 */
export function createSenderCheck(authentication: EidoAuthentication): (authorization: string | undefined, clientAddress: string) => Promise<SenderVerdict> {
  const { verifyBearer = null, sourceSecrets = new Map<string, string>(), requiredRole = 'adapter' } = authentication;
  const secretDigests = new Map([...sourceSecrets].map(([name, secret]) => [name, digest(secret)]));
  const decoy = digest(randomBytes(32).toString('hex'));
  const refuse = (status: 401 | 403 | 429, reason: string, claimedSender: string | null = null): SenderVerdict => ({ ok: false, status, reason, claimedSender });

  return async (authorization, clientAddress) => {
    if (!authorization) return refuse(401, 'no credentials: send Authorization: Bearer <token of role adapter> or Basic <source:secret>');
    const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return refuse(401, 'Basic credentials must be source:secret');
      const name = decoded.slice(0, colon);
      const expected = secretDigests.get(name);
      const matches = timingSafeEqual(expected ?? decoy, digest(decoded.slice(colon + 1)));
      const claimed = name.slice(0, 100);
      return expected && matches ? { ok: true, sender: name } : refuse(401, 'unknown source or wrong secret', claimed);
    }
    if (/^bearer$/i.test(scheme)) {
      if (!verifyBearer) return refuse(401, 'bearer tokens are not accepted here; use a source secret');
      const verdict = await verifyBearer(authorization, clientAddress);
      if (!verdict.ok) return refuse(verdict.status, verdict.reason, verdict.claimedSubject ?? null);
      if (!verdict.roles.includes(requiredRole)) return refuse(403, `the token's roles (${verdict.roles.join(', ') || 'none'}) do not include ${requiredRole}`, verdict.subject);
      return { ok: true, sender: verdict.subject };
    }
    return refuse(401, `unsupported authorization scheme ${JSON.stringify(scheme.slice(0, 20))}`);
  };
}

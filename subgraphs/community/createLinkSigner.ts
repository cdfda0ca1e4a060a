import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { LinkKind, LinkSigner } from './communityPorts';

/** The path each kind of link lives under, on the hub's public origin. */
const LINK_PATHS: Readonly<Record<LinkKind, string>> = {
  media: '/community/media/',
  upload: '/community/upload/',
  download: '/community/download/',
};

/** Longest token accepted: claims are a few ids, so anything longer is not ours. */
export const MAX_TOKEN_LENGTH = 2048;
/** Most claims a token may carry, and the longest claim value. */
const MAX_CLAIMS = 16;
const MAX_CLAIM_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface LinkSignerOptions {
  /** COMMUNITY_LINK_SECRET; null or absent: random per process. */
  readonly secret?: string | Uint8Array | null;
  /** HUB_PUBLIC_URL without a trailing slash; null: links are root-relative paths. */
  readonly publicUrl?: string | null;
  readonly now: () => Date;
}

/**
 * Signs and checks the hub's capability links: `<path><base64url(JSON claims)>.<base64url(HMAC-SHA256)>`.
 * The signed JSON holds the kind (`k`), the expiry in ms (`e`) and the claims (`c`); the MAC is
 * compared in constant time, before the JSON is parsed, so that no unsigned input reaches the parser.
 */
export function createLinkSigner({ secret, publicUrl = null, now }: LinkSignerOptions): LinkSigner {
  const key = secret ?? randomBytes(32);
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    sign(kind, claims, ttlMs) {
      const expiresAt = new Date(now().getTime() + ttlMs);
      const payload = Buffer.from(JSON.stringify({ k: kind, e: expiresAt.getTime(), c: claims }), 'utf8').toString('base64url');
      const token = `${payload}.${mac(payload).toString('base64url')}`;
      return { url: `${publicUrl ?? ''}${LINK_PATHS[kind]}${token}`, expiresAt };
    },
    verify(kind, token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return refused('malformed');
      const parts = token.split('.');
      const [payload, signature] = parts;
      if (parts.length !== 2 || !payload || !signature || !BASE64URL.test(payload) || !BASE64URL.test(signature)) return refused('malformed');
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refused('bad-signature');
      const body = parseBody(Buffer.from(payload, 'base64url').toString('utf8'));
      if (!body) return refused('malformed');
      if (body.k !== kind) return refused('wrong-kind');
      if (body.e <= now().getTime()) return refused('expired');
      return { ok: true, claims: body.c };
    },
  };
}

function refused(reason: 'malformed' | 'bad-signature' | 'wrong-kind' | 'expired') {
  return { ok: false as const, reason };
}

interface TokenBody {
  readonly k: string;
  readonly e: number;
  readonly c: Readonly<Record<string, string>>;
}

/** The signed body, checked field by field (we signed it, but a leaked key must not crash the route). */
function parseBody(json: string): TokenBody | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { k, e, c } = value as Record<string, unknown>;
  if (typeof k !== 'string' || typeof e !== 'number' || !Number.isFinite(e)) return null;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return null;
  const entries = Object.entries(c);
  if (entries.length > MAX_CLAIMS) return null;
  const claims: Record<string, string> = {};
  for (const [name, claim] of entries) {
    if (typeof claim !== 'string' || claim.length > MAX_CLAIM_LENGTH || name === '__proto__') return null;
    claims[name] = claim;
  }
  return { k, e, c: claims };
}

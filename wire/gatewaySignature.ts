import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createMemoryReplayCache } from './createMemoryReplayCache';

/**
 * How the gateway proves to a subgraph that a request comes from it: an HMAC-SHA256, under a
 * secret only the gateway and the subgraphs hold, over the request's time, method, path, body
 * and forwarded caller, and a nonce that makes every signature unique. Subgraphs refuse
 * anything without a valid, fresh one, and any signature they have seen before (a replay).
 *
 * HTTP requests carry it in {@link GATEWAY_SIGNATURE_HEADER} as `t=<unix ms>,n=<nonce>,v1=<hex>`;
 * graphql-ws connections carry it in the `connection_init` payload under
 * {@link GATEWAY_SIGNATURE_PARAM}, signed over `graphql-ws:<path>` (the upgrade request is
 * signed as an HTTP GET as well).
 */

/** Header of every gateway → subgraph HTTP request (and WebSocket upgrade). */
export const GATEWAY_SIGNATURE_HEADER = 'x-rtcc-gateway-signature';

/** The `connection_init` payload key that carries a WebSocket connection's signature. */
export const GATEWAY_SIGNATURE_PARAM = 'gatewaySignature';

/** Default largest distance, in ms, between a signature's time and the verifier's clock. */
export const DEFAULT_MAX_SKEW_MS = 60_000;

/** Fewest bytes a signing secret may have (the HMAC-SHA256 block of security, RFC 2104 §3). */
export const MIN_SECRET_BYTES = 32;

/** SHA-256 of an empty body, hex: what a GET or a WebSocket upgrade signs as its body. */
export const EMPTY_BODY_SHA256 = sha256Hex('');

/** What a request signature covers. */
export interface SignedRequest {
  /** HTTP method, e.g. `POST`. */
  readonly method: string;
  /** Path and query as on the request line, e.g. `/graphql`. */
  readonly path: string;
  /** SHA-256 of the body bytes, lower-case hex ({@link sha256Hex}). */
  readonly bodySha256: string;
  /** The forwarded-caller header's value exactly as sent, or null when there is none. */
  readonly caller: string | null;
}

/** The outcome of a verification: valid, or why not (for the 401 answer and the log). */
export type SignatureCheck =
  | { readonly valid: true }
  | {
      readonly valid: false;
      readonly reason: string;
      /** A valid signature seen before: the request was replayed (SIGNATURE_REPLAYED). */
      readonly replayed?: true;
    };

export interface GatewaySignerOptions {
  /** The shared secret, at least {@link MIN_SECRET_BYTES} bytes. */
  readonly secret: string | Uint8Array;
  /** The wall clock, in ms since the epoch; injected for tests. */
  readonly now?: () => number;
}

export interface GatewayVerifierOptions extends GatewaySignerOptions {
  /** Largest accepted distance between a signature's time and `now()`, either way. */
  readonly maxSkewMs?: number;
  /**
   * The signatures already used, shared by every verifier that must refuse the same replays
   * (a process's subgraphs; replicas through the database). Default: this verifier's own,
   * in memory.
   */
  readonly replays?: SignatureReplayCache;
}

/**
 * Remembers the signatures subgraphs accepted, for as long as their time is within the skew, so
 * that each is accepted once. Bounded: implementations refuse rather than forget.
 */
export interface SignatureReplayCache {
  /**
   * Marks the signature with MAC `mac`, dated `signedAt`, as used: true the first time; false
   * when it was used before, or when the cache can no longer tell (it refuses then). Rejects
   * when it cannot check at all (the request is refused then too).
   */
  claim(mac: string, signedAt: number): boolean | Promise<boolean>;
}

/** Signs what the gateway sends to subgraphs. */
export interface GatewaySigner {
  /** The {@link GATEWAY_SIGNATURE_HEADER} value for `request`, dated now. */
  signRequest(request: SignedRequest): string;
  /** The {@link GATEWAY_SIGNATURE_PARAM} value for a graphql-ws connection to `path`, dated now. */
  signConnection(path: string): string;
}

/** Checks, on a subgraph, that a request or connection was signed by the gateway lately, and only once. */
export interface GatewayVerifier {
  verifyRequest(signature: string | readonly string[] | undefined, request: SignedRequest): Promise<SignatureCheck>;
  verifyConnection(signature: unknown, path: string): Promise<SignatureCheck>;
}

const SIGNATURE_PATTERN = /^t=(\d{1,15}),n=([A-Za-z0-9_-]{1,64}),v1=([0-9a-f]{64})$/;

/** SHA-256 of `body` (a string is taken as UTF-8), lower-case hex. */
export function sha256Hex(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * The {@link GATEWAY_SIGNATURE_HEADER} value for an HTTP request to `url` (only its path and
 * query count) with `body`, forwarding the caller header value `caller`.
 */
export function signHttpRequest(
  signer: GatewaySigner,
  request: { readonly method: string; readonly url: string; readonly body?: string | Uint8Array; readonly caller?: string | null },
): string {
  const { pathname, search } = new URL(request.url);
  return signer.signRequest({
    method: request.method,
    path: `${pathname}${search}`,
    bodySha256: sha256Hex(request.body ?? ''),
    caller: request.caller ?? null,
  });
}

export function createGatewaySigner(options: GatewaySignerOptions): GatewaySigner {
  const { now = Date.now } = options;
  const key = keyOf(options.secret);
  // Nonces: this signer's random prefix and a counter, unique without a random draw per
  // request, so that two identical requests signed in the same millisecond differ.
  const prefix = randomBytes(9).toString('base64url');
  let counter = 0;
  const sign = (canonical: (signed: Signed) => string) => {
    counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
    const signed = { timestamp: Math.floor(now()), nonce: `${prefix}${counter.toString(36)}` };
    return `t=${signed.timestamp},n=${signed.nonce},v1=${hmacHex(key, canonical(signed))}`;
  };
  return {
    signRequest: (request) => sign((signed) => canonicalRequest(signed, request)),
    signConnection: (path) => sign((signed) => canonicalConnection(signed, path)),
  };
}

export function createGatewayVerifier(options: GatewayVerifierOptions): GatewayVerifier {
  const { now = Date.now, maxSkewMs = DEFAULT_MAX_SKEW_MS } = options;
  const replays = options.replays ?? createMemoryReplayCache({ maxSkewMs, now });
  const key = keyOf(options.secret);

  const verify = async (signature: unknown, what: string, canonical: (signed: Signed) => string): Promise<SignatureCheck> => {
    if (signature === undefined || signature === null || signature === '') return refuse(`missing ${what}`);
    if (typeof signature !== 'string') return refuse(`malformed ${what}: expected a single t=<unix ms>,n=<nonce>,v1=<hex HMAC-SHA256>`);
    const match = SIGNATURE_PATTERN.exec(signature);
    if (!match) return refuse(`malformed ${what}: expected t=<unix ms>,n=<nonce>,v1=<hex HMAC-SHA256>`);
    const timestamp = Number(match[1]);
    const age = now() - timestamp;
    if (age > maxSkewMs) return refuse(`expired ${what}: signed ${age} ms ago, more than ${maxSkewMs} ms allowed`);
    if (-age > maxSkewMs) return refuse(`${what} dated ${-age} ms in the future, more than ${maxSkewMs} ms allowed`);
    const expected = createHmac('sha256', key).update(canonical({ timestamp, nonce: match[2] ?? '' })).digest();
    const mac = match[3] ?? '';
    // The pattern guarantees 64 hex digits: 32 bytes, the length timingSafeEqual needs.
    if (!timingSafeEqual(expected, Buffer.from(mac, 'hex'))) return refuse(`${what} does not match the request`);
    // Only the gateway can make a valid MAC, so only the gateway's signatures reach the cache.
    let fresh: boolean;
    try {
      fresh = await replays.claim(mac, timestamp);
    } catch (error) {
      return refuse(`${what} could not be checked for replay: ${(error as Error).message}`);
    }
    if (!fresh) return refuse(`${what} was used before, or is older than what the replay check remembers (a replayed request)`, true);
    return { valid: true };
  };

  return {
    verifyRequest: (signature, request) =>
      verify(signature, `${GATEWAY_SIGNATURE_HEADER} header`, (signed) => canonicalRequest(signed, request)),
    verifyConnection: (signature, path) =>
      verify(signature, `${GATEWAY_SIGNATURE_PARAM} connection parameter`, (signed) => canonicalConnection(signed, path)),
  };
}

/** What every signature covers besides its request: its time and nonce. */
interface Signed {
  readonly timestamp: number;
  readonly nonce: string;
}

/**
 * The signed text of an HTTP request: one field a line. A method or request-line path cannot
 * hold a line break, and the nonce and the caller header are base64url, so no two requests
 * share a text.
 */
function canonicalRequest({ timestamp, nonce }: Signed, { method, path, bodySha256, caller }: SignedRequest): string {
  return ['rtcc-gateway-v1', String(timestamp), nonce, method.toUpperCase(), path, bodySha256, caller ?? ''].join('\n');
}

/** The signed text of a graphql-ws connection: four lines, so never an HTTP request's seven. */
function canonicalConnection({ timestamp, nonce }: Signed, path: string): string {
  return ['rtcc-gateway-v1', String(timestamp), nonce, `graphql-ws:${path}`].join('\n');
}

function hmacHex(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

function keyOf(secret: string | Uint8Array): Buffer {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (key.length < MIN_SECRET_BYTES) throw new Error(`the gateway signing secret must have at least ${MIN_SECRET_BYTES} bytes`);
  return key;
}

function refuse(reason: string, replayed = false): SignatureCheck {
  return replayed ? { valid: false, reason, replayed } : { valid: false, reason };
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How the gateway proves to a subgraph that a request comes from it: an HMAC-SHA256, under a
 * secret only the gateway and the subgraphs hold, over the request's time, method, path, body
 * and forwarded caller. Subgraphs refuse anything without a valid, fresh one.
 *
 * HTTP requests carry it in {@link GATEWAY_SIGNATURE_HEADER} as `t=<unix ms>,v1=<hex>`;
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
export type SignatureCheck = { readonly valid: true } | { readonly valid: false; readonly reason: string };

export interface GatewaySignerOptions {
  /** The shared secret, at least {@link MIN_SECRET_BYTES} bytes. */
  readonly secret: string | Uint8Array;
  /** The wall clock, in ms since the epoch; injected for tests. */
  readonly now?: () => number;
}

export interface GatewayVerifierOptions extends GatewaySignerOptions {
  /** Largest accepted distance between a signature's time and `now()`, either way. */
  readonly maxSkewMs?: number;
}

/** Signs what the gateway sends to subgraphs. */
export interface GatewaySigner {
  /** The {@link GATEWAY_SIGNATURE_HEADER} value for `request`, dated now. */
  signRequest(request: SignedRequest): string;
  /** The {@link GATEWAY_SIGNATURE_PARAM} value for a graphql-ws connection to `path`, dated now. */
  signConnection(path: string): string;
}

/** Checks, on a subgraph, that a request or connection was signed by the gateway lately. */
export interface GatewayVerifier {
  verifyRequest(signature: string | readonly string[] | undefined, request: SignedRequest): SignatureCheck;
  verifyConnection(signature: unknown, path: string): SignatureCheck;
}

const SIGNATURE_PATTERN = /^t=(\d{1,15}),v1=([0-9a-f]{64})$/;

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
  const sign = (canonical: (timestamp: number) => string) => {
    const timestamp = Math.floor(now());
    return `t=${timestamp},v1=${hmacHex(key, canonical(timestamp))}`;
  };
  return {
    signRequest: (request) => sign((timestamp) => canonicalRequest(timestamp, request)),
    signConnection: (path) => sign((timestamp) => canonicalConnection(timestamp, path)),
  };
}

export function createGatewayVerifier(options: GatewayVerifierOptions): GatewayVerifier {
  const { now = Date.now, maxSkewMs = DEFAULT_MAX_SKEW_MS } = options;
  const key = keyOf(options.secret);

  const verify = (signature: unknown, what: string, canonical: (timestamp: number) => string): SignatureCheck => {
    if (signature === undefined || signature === null || signature === '') return refuse(`missing ${what}`);
    if (typeof signature !== 'string') return refuse(`malformed ${what}: expected a single t=<unix ms>,v1=<hex HMAC-SHA256>`);
    const match = SIGNATURE_PATTERN.exec(signature);
    if (!match) return refuse(`malformed ${what}: expected t=<unix ms>,v1=<hex HMAC-SHA256>`);
    const timestamp = Number(match[1]);
    const age = now() - timestamp;
    if (age > maxSkewMs) return refuse(`expired ${what}: signed ${age} ms ago, more than ${maxSkewMs} ms allowed`);
    if (-age > maxSkewMs) return refuse(`${what} dated ${-age} ms in the future, more than ${maxSkewMs} ms allowed`);
    const expected = createHmac('sha256', key).update(canonical(timestamp)).digest();
    // The pattern guarantees 64 hex digits: 32 bytes, the length timingSafeEqual needs.
    if (!timingSafeEqual(expected, Buffer.from(match[2] ?? '', 'hex'))) return refuse(`${what} does not match the request`);
    return { valid: true };
  };

  return {
    verifyRequest: (signature, request) =>
      verify(signature, `${GATEWAY_SIGNATURE_HEADER} header`, (timestamp) =>
        canonicalRequest(timestamp, request),
      ),
    verifyConnection: (signature, path) =>
      verify(signature, `${GATEWAY_SIGNATURE_PARAM} connection parameter`, (timestamp) => canonicalConnection(timestamp, path)),
  };
}

/**
 * The signed text of an HTTP request: one field a line. A method or request-line path cannot
 * hold a line break, and the caller header is base64url, so no two requests share a text.
 */
function canonicalRequest(timestamp: number, { method, path, bodySha256, caller }: SignedRequest): string {
  return ['rtcc-gateway-v1', String(timestamp), method.toUpperCase(), path, bodySha256, caller ?? ''].join('\n');
}

/** The signed text of a graphql-ws connection: three lines, so never an HTTP request's six. */
function canonicalConnection(timestamp: number, path: string): string {
  return ['rtcc-gateway-v1', String(timestamp), `graphql-ws:${path}`].join('\n');
}

function hmacHex(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

function keyOf(secret: string | Uint8Array): Buffer {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (key.length < MIN_SECRET_BYTES) throw new Error(`the gateway signing secret must have at least ${MIN_SECRET_BYTES} bytes`);
  return key;
}

function refuse(reason: string): SignatureCheck {
  return { valid: false, reason };
}

/**
 * The HTTP edge: POST one SOAP 1.2 envelope (SOAP 1.2 Part 2 §7, HTTP binding) and read the
 * answer as text, bounded in time and size. Knows nothing of ONVIF beyond the envelope.
 */
import { type SoapRequest } from '../onvif';

export interface PostSoapOptions {
  /** Abort the exchange (connect, headers and body) after this long. */
  readonly timeoutMs: number;
  /** Aborts every exchange when the adapter stops. */
  readonly signal: AbortSignal;
  /** Longest body read; the XML reader refuses more than 4 MiB anyway. */
  readonly maxResponseBytes: number;
}

export type SoapPostOutcome =
  | { readonly ok: true; readonly httpStatus: number; readonly body: string }
  | { readonly ok: false; readonly kind: 'timeout' | 'network' | 'stopped'; readonly detail: string }
  | { readonly ok: false; readonly kind: 'too-large'; readonly detail: string; readonly httpStatus: number; readonly body: string };

/**
 * Never throws: every way the exchange can fail is an outcome.
 *
 * A pooled keep-alive connection that the device closed just as the request went out fails
 * before any answer (undici `UND_ERR_SOCKET`, `ECONNRESET`); that one case is retried once.
 * It is safe because every operation the adapter sends is idempotent: reads, AbsoluteMove,
 * GotoPreset and Stop.
 */
export async function postSoapRequest(url: string, request: SoapRequest, options: PostSoapOptions): Promise<SoapPostOutcome> {
  const first = await postOnce(url, request, options);
  return !first.ok && 'dropped' in first && first.dropped ? postOnce(url, request, options) : first;
}

type Attempt = SoapPostOutcome | { readonly ok: false; readonly kind: 'network'; readonly detail: string; readonly dropped: boolean };

const DROPPED_CONNECTION = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);

async function postOnce(url: string, request: SoapRequest, { timeoutMs, signal, maxResponseBytes }: PostSoapOptions): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  try {
    const response = await fetch(url, {
      method: 'POST',
      // SOAP 1.2 over HTTP carries the action in the media type (RFC 3902), not in a SOAPAction header.
      headers: { 'content-type': request.contentType },
      body: request.envelope,
      signal: combined,
      redirect: 'error',
    });
    const read = await readCapped(response, maxResponseBytes);
    if (read.truncated) {
      return { ok: false, kind: 'too-large', detail: `the answer exceeds ${maxResponseBytes} bytes`, httpStatus: response.status, body: read.text };
    }
    return { ok: true, httpStatus: response.status, body: read.text };
  } catch (error) {
    if (signal.aborted) return { ok: false, kind: 'stopped', detail: 'the adapter stopped' };
    if (timeout.aborted) return { ok: false, kind: 'timeout', detail: `no answer within ${timeoutMs} ms` };
    const code = fieldOf(fieldOf(error, 'cause'), 'code');
    return { ok: false, kind: 'network', detail: networkDetail(error), dropped: typeof code === 'string' && DROPPED_CONNECTION.has(code) };
  }
}

/** The body as UTF-8 text, stopping at `maxBytes` so that a hostile device cannot exhaust memory. */
async function readCapped(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), truncated: false };
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { text: text + decoder.decode(value.subarray(0, Math.max(0, value.byteLength - (bytes - maxBytes)))), truncated: true };
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * undici reports `fetch failed` with the socket error as `cause` (ECONNREFUSED, ECONNRESET …).
 * Duck-typed: errors from another realm (a test VM, a worker) fail `instanceof Error`.
 */
function networkDetail(error: unknown): string {
  const cause = fieldOf(error, 'cause');
  const code = fieldOf(cause, 'code');
  const message = fieldOf(cause, 'message') ?? fieldOf(error, 'message') ?? String(error);
  return code === undefined ? `connection failed: ${String(message)}` : `connection failed: ${String(code)} (${String(message)})`;
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined;
}

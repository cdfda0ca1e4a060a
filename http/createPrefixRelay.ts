import { type IncomingHttpHeaders, type IncomingMessage, request as httpRequest } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { formattedHubError } from '../errors/hubErrors';

/** The header a relayed request carries with the address of the client the relay served (always set by the relay, never passed on). */
export const RELAYED_CLIENT_ADDRESS_HEADER = 'x-rtcc-client-address';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1): never passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/** How long the relay waits for the upstream to answer with its status line and headers. */
const DEFAULT_RESPONSE_TIMEOUT_MS = 10_000;

export interface PrefixRelayOptions {
  /** Paths starting with this (e.g. `/community/`) are relayed, path and query unchanged. */
  readonly prefix: string;
  /** Where to: the upstream's origin (`http://127.0.0.1:4007`), or null while it is unknown. */
  readonly target: () => string | null;
  readonly logger: Logger;
  /**
   * Overrides {@link DEFAULT_RESPONSE_TIMEOUT_MS}, counted from the moment the whole request is
   * upstream (an upload may take long to send); once headers came, a long body (a live stream) is not cut.
   */
  readonly responseTimeoutMs?: number;
}

/**
 * A fastify plugin that relays every request under `prefix` to another server of the hub, as
 * it came: the body streamed through unparsed (a webhook's signature is over its bytes, an
 * upload may be large), the answer streamed back with its status and headers (hop-by-hop ones
 * dropped). The client's address travels in {@link RELAYED_CLIENT_ADDRESS_HEADER}. A client that
 * goes away cancels the upstream request; an upstream that cannot be reached is a 502 with a
 * reason, one that does not answer in time after the request was sent whole a 504. How long a
 * request may take to arrive is the server's HTTP_REQUEST_TIMEOUT_MS, for uploads too.
 */
export function createPrefixRelay(options: PrefixRelayOptions): (app: FastifyInstance) => Promise<void> {
  const { prefix, target, logger, responseTimeoutMs = DEFAULT_RESPONSE_TIMEOUT_MS } = options;
  return async (app) => {
    await app.register(async (scoped) => {
      // The body is not this server's to read: hand the stream on as it arrives.
      scoped.removeAllContentTypeParsers();
      scoped.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      scoped.route({
        method: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
        url: `${prefix}*`,
        handler: (request, reply) => relay(request, reply),
      });
    });
  };

  function relay(request: FastifyRequest, reply: FastifyReply): void {
    const origin = target();
    if (origin === null) {
      void reply.code(503).header('content-type', 'application/json').send(unavailableBody(503, 'this part of the hub is not running'));
      return;
    }
    reply.hijack();
    const response = reply.raw;
    const upstream = httpRequest(new URL(request.url, origin), { method: request.method, headers: forwardedHeaders(request) });
    let answered = false;
    const fail = (status: 502 | 504, reason: string) => {
      if (answered || response.headersSent) {
        response.destroy();
        return;
      }
      answered = true;
      const body = unavailableBody(status, reason);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    };
    // The wait for an answer starts once the whole body is upstream: an upload may take long to arrive.
    let timer: NodeJS.Timeout | undefined;
    upstream.on('finish', () => {
      timer = setTimeout(() => {
        fail(504, `no answer from the upstream within ${responseTimeoutMs} ms of the request`);
        upstream.destroy();
      }, responseTimeoutMs);
      timer.unref();
    });
    upstream.on('response', (answer: IncomingMessage) => {
      clearTimeout(timer);
      if (answered) {
        answer.destroy();
        return;
      }
      answered = true;
      response.writeHead(answer.statusCode ?? 502, passedBackHeaders(answer.headers));
      answer.pipe(response);
      answer.on('error', () => response.destroy());
    });
    upstream.on('error', (error) => {
      clearTimeout(timer);
      logger.debug({ err: error, path: request.url }, 'relay: upstream failed');
      fail(502, 'the upstream could not be reached');
    });
    // The client went away (a viewer closed the tile): the upstream stream ends too.
    response.on('close', () => {
      clearTimeout(timer);
      upstream.destroy();
    });
    const body = request.body as Readable | undefined;
    if (body && typeof body.pipe === 'function') body.pipe(upstream);
    else upstream.end();
  }
}

function unavailableBody(status: number, reason: string): string {
  return JSON.stringify({ errors: [formattedHubError('SUBGRAPH_UNAVAILABLE', reason, { status })] });
}

function forwardedHeaders(request: FastifyRequest): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === RELAYED_CLIENT_ADDRESS_HEADER) continue;
    headers[name] = value;
  }
  headers[RELAYED_CLIENT_ADDRESS_HEADER] = request.ip;
  return headers;
}

function passedBackHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const passed: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    passed[name] = value;
  }
  return passed;
}

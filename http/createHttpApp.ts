import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { formattedHubError } from '../errors/hubErrors';

/**
 * Longest a client may take to send one whole request, headers and body, in milliseconds; then
 * it is answered 408 and its connection closed. Fastify's default is no limit, so a body that
 * stops halfway held its connection and its buffered bytes for as long as the client liked.
 * Generous for a field terminal on a cellular link: the gateway's documents are kilobytes.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/** How often Node looks for requests past their time (its own default, 30 s, would double the wait). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * Fields a request may carry once (RFC 9110 defines them as single values, not lists). Node keeps
 * the first of two and drops the other, while a proxy in front may have read the other: a request
 * with two is ambiguous, so it is refused rather than guessed at.
 */
const SINGLE_VALUE_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'content-type', 'content-length', 'host']);

export interface HttpAppOptions {
  /** Overrides {@link REQUEST_TIMEOUT_MS}. */
  readonly requestTimeoutMs?: number;
}

/**
 * A fastify app logging through `logger`, without a log line per request, that refuses what is
 * not a well-formed HTTP request with a reason: a request not received in full within
 * {@link REQUEST_TIMEOUT_MS} (408), headers over Node's 16 KiB (431), a malformed request line or
 * header (400, from Node's parser), a repeated single-value header (400), CONNECT (400) and an
 * expectation other than 100-continue (417).
 */
export function createHttpApp(logger: Logger, options: HttpAppOptions = {}): FastifyInstance {
  const { requestTimeoutMs = REQUEST_TIMEOUT_MS } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: requestTimeoutMs,
    // Node checks headersTimeout ≤ requestTimeout when it creates the server; fastify sets requestTimeout after.
    http: { headersTimeout: requestTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, requestTimeoutMs) },
    clientErrorHandler: (error, socket) => answerClientError(error, socket, requestTimeoutMs, logger),
  });
  app.addHook('onRequest', refuseRepeatedHeaders);
  // Without a listener Node drops a CONNECT request's connection unanswered.
  app.server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    // Node takes its own error listener off a CONNECT socket: a reset must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    writeRefusal(socket, 400, 'CONNECT is not served: this server is no proxy');
  });
  // Node answers any other expectation 417 with no body; this says why.
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const body = httpRefusalBody(417, 'the only expectation served is Expect: 100-continue');
    response.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
    request.resume();
  });
  return app;
}

/** Starts listening and returns the GraphQL endpoint URL, `http://host:port/graphql`. */
export async function listenForGraphQL(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/graphql`;
}

/** The body of a refusal written by the HTTP edge: the shape of every other refusal of the hub (`/graphql`, `/metrics`). */
export function httpRefusalBody(status: number, reason: string): string {
  return JSON.stringify({ errors: [formattedHubError('BAD_REQUEST', reason, { status })] });
}

async function refuseRepeatedHeaders(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { rawHeaders } = request.raw;
  const seen = new Set<string>();
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] ?? '').toLowerCase();
    if (!SINGLE_VALUE_HEADERS.has(name)) continue;
    if (seen.has(name)) {
      // Closed after the answer: where the framing headers are in doubt, so is the next request's start.
      await reply
        .code(400)
        .header('connection', 'close')
        .type('application/json')
        .send(httpRefusalBody(400, `the request carries the ${name} header more than once; send it once`));
      return;
    }
    seen.add(name);
  }
}

/** What Node's HTTP parser (llhttp) and its timers report, as the reason a client is told. */
const CLIENT_ERROR_REASONS: Readonly<Record<string, string>> = {
  HPE_INVALID_METHOD: 'the request method is not one HTTP defines',
  HPE_INVALID_URL: 'the request target is not a path (it must start with / and hold no spaces or control characters)',
  HPE_INVALID_VERSION: 'the HTTP version is not HTTP/1.0 or HTTP/1.1',
  HPE_INVALID_HEADER_TOKEN: 'a header name or value holds a character HTTP does not allow (a control character or NUL)',
  HPE_INVALID_CONTENT_LENGTH: 'Content-Length is not a single decimal number',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Content-Length is repeated, or sent with Transfer-Encoding',
  HPE_INVALID_TRANSFER_ENCODING: 'Transfer-Encoding must end with chunked',
  HPE_INVALID_CHUNK_SIZE: 'a chunk size of the chunked body is not a hexadecimal number',
  HPE_CR_EXPECTED: 'a line of the request does not end with CR LF',
  HPE_LF_EXPECTED: 'a line of the request does not end with CR LF',
  HPE_INVALID_CONSTANT: 'the request line is not METHOD /path HTTP/1.1',
};

/**
 * Answers a request Node's parser or timers gave up on, with the reason, then closes the
 * connection (the rest of its bytes cannot be trusted to start a next request). Nothing is
 * written when a response has already begun or the peer is gone.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket, requestTimeoutMs: number, logger: Logger): void {
  const { code = '' } = error;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (code === 'ECONNRESET' || socket.destroyed || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const [status, reason] =
    code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, `the request was not received in full within ${requestTimeoutMs / 1000} s`]
      : code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request line and headers are larger than 16 KiB']
        : [400, `${CLIENT_ERROR_REASONS[code] ?? 'the request is not well-formed HTTP/1.1'} (${code || 'parse error'})`];
  logger.debug({ err: error, remoteAddress: socket.remoteAddress }, 'malformed HTTP request refused');
  writeRefusal(socket, status, reason);
}

/** Writes a whole refusal on a connection no HTTP response object owns, then closes it. */
function writeRefusal(socket: Duplex, status: number, reason: string): void {
  const body = httpRefusalBody(status, reason);
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  // Whatever the client still sends is not read; the socket goes once the answer is out.
  socket.once('finish', () => socket.destroy());
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

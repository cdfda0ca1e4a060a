import { type Socket, connect } from 'node:net';

/**
 * HTTP/1.1 written byte by byte over a real socket, for the requests `fetch` refuses to send:
 * odd methods, control characters, repeated headers, truncated bodies, absolute targets.
 */

/** One response as read off the socket. */
export interface RawAnswer {
  /** 0 when the server closed the connection without answering. */
  readonly status: number;
  /** Lower-case names; the last value of a repeated one. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The server closed the connection after (or instead of) answering. */
  readonly closed: boolean;
}

/** The origin's port, for a socket of its own. */
export const portOf = (origin: string): number => Number(new URL(origin).port);

/**
 * Sends `text` as it is and reads one response: it ends at its Content-Length (or chunked end),
 * or when the server closes. Rejects when nothing has ended it after `giveUpMs` (a hang).
 */
export function sendRaw(origin: string, text: string | Buffer, giveUpMs = 30_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(portOf(origin), new URL(origin).hostname);
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      const answer = parseAnswer(received, closed);
      if (!answer) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(new Error(`no answer within ${giveUpMs} ms to ${JSON.stringify(String(text).slice(0, 80))}`));
    }, giveUpMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      finish(false);
    });
    socket.on('close', () => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(parseAnswer(received, true) ?? { status: 0, headers: {}, body: received, closed: true });
      }
    });
    socket.on('error', () => socket.destroy());
    socket.write(text);
  });
}

/** A request line and headers (CRLF-joined), then `body`; `Content-Length` added when a body is given and none is named. */
export function rawRequest(requestLine: string, headers: readonly string[] = [], body?: string | Buffer): Buffer {
  const hasLength = headers.some((header) => /^content-length:/i.test(header) || /^transfer-encoding:/i.test(header));
  const lines = [requestLine, 'Host: 127.0.0.1', ...headers, ...(body !== undefined && !hasLength ? [`Content-Length: ${Buffer.byteLength(body)}`] : [])];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body ?? '')]);
}

/** The reason a refusal gives, whichever of the hub's shapes it has (`{ errors: [{ message }] }`, `{ error }`, fastify's `{ message }`). */
export function reasonOf(answer: Pick<RawAnswer, 'body'>): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return answer.body.toString('utf8').trim();
  }
  const fields = (parsed ?? {}) as { errors?: { message?: unknown }[]; message?: unknown; error?: unknown };
  const reason = fields.errors?.[0]?.message ?? fields.message ?? fields.error;
  return typeof reason === 'string' ? reason : '';
}

/** Reasons that only repeat the status: they do not say what was wrong. */
const NO_REASON = /^\s*(client error|bad request|error)\s*$/i;

/**
 * The answer is a client error (not a 5xx, not silence) that says why in words, not only the
 * status's name; of `status` when given.
 */
export function expectRefusedWithReason(label: string, answer: Pick<RawAnswer, 'status' | 'body'>, status?: number): void {
  const clientError = answer.status >= 400 && answer.status < 500;
  const reason = reasonOf(answer);
  expect({ label, status: answer.status, clientError, reason, saysWhy: !NO_REASON.test(reason) }).toEqual({
    label,
    status: status ?? answer.status,
    clientError: true,
    reason: expect.stringMatching(/[a-z]{3}.*[a-z]{3}/i),
    saysWhy: true,
  });
}

/**
 * Opens `count` sockets that each send `request` and then stop reading after their first bytes,
 * as slow or stalled downloaders do; resolves once every one has its first bytes, with a way to
 * read every answer to its end.
 */
export async function openStalledDownloads(origin: string, request: Buffer, count: number): Promise<{ drain(): Promise<number[]> }> {
  const sockets: { socket: Socket; bytes: number; ended: Promise<void> }[] = [];
  const firstBytes: Promise<void>[] = [];
  for (let index = 0; index < count; index += 1) {
    const socket = connect(portOf(origin), new URL(origin).hostname);
    const entry = { socket, bytes: 0, ended: Promise.resolve() };
    entry.ended = new Promise((resolve) => socket.on('close', () => resolve()));
    firstBytes.push(
      new Promise((resolve, reject) => {
        socket.once('data', () => {
          socket.pause();
          resolve();
        });
        socket.once('error', reject);
      }),
    );
    socket.on('data', (chunk: Buffer) => {
      entry.bytes += chunk.length;
    });
    socket.write(request);
    sockets.push(entry);
  }
  await Promise.all(firstBytes);
  return {
    async drain() {
      for (const { socket } of sockets) socket.resume();
      await Promise.all(sockets.map((entry) => entry.ended));
      return sockets.map((entry) => entry.bytes);
    },
  };
}

function parseAnswer(received: Buffer, closed: boolean): RawAnswer | null {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return closed ? { status: 0, headers: {}, body: received, closed } : null;
  const [statusLine = '', ...headerLines] = received.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  // An interim answer (100 Continue) precedes the real one.
  if (status >= 100 && status < 200) return parseAnswer(received.subarray(end + 4), closed);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = received.subarray(end + 4);
  const length = headers['content-length'];
  if (length !== undefined) {
    if (rest.length < Number(length)) return closed ? { status, headers, body: rest, closed } : null;
    return { status, headers, body: rest.subarray(0, Number(length)), closed };
  }
  if (headers['transfer-encoding'] === 'chunked') {
    const body = dechunk(rest);
    return body ? { status, headers, body, closed } : closed ? { status, headers, body: rest, closed } : null;
  }
  return closed ? { status, headers, body: rest, closed } : null;
}

/** A whole chunked body, or null while its last chunk has not arrived. */
function dechunk(data: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return null;
    if (size === 0) return Buffer.concat(parts);
    if (data.length < lineEnd + 2 + size + 2) return null;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import Fastify from 'fastify';
import { type AuditRecordInput, type RefusalAuditor, createRefusalAuditor } from '../../audit';
import type { ErrorCode } from '../../errors/hubErrors';
import type { Adapter, AdapterStatus, EventSink, Listening, Replayable, ReplayOrigin } from '../../contract';
import { type EidoRejection, type IncidentCodeTable, translateEido } from '../eido';
import { type EidoAuthentication, createSenderCheck } from './createSenderCheck';
import { readEidoPayload } from './readEidoPayload';

export interface EidoHttpAdapterOptions {
  /** Adapter name; also the `source` of its events. Default `eido-http`. */
  readonly name?: string;
  readonly codeTable: IncidentCodeTable;
  readonly now: () => Date;
  readonly host?: string;
  /** Port CADs POST EIDO documents to, at `/eido` (0 picks a free one). */
  readonly port?: number;
  /** For CADs that cannot push: a URL answering GET with one EIDO document or an array of them. */
  readonly pollUrl?: string | null;
  readonly pollIntervalMs?: number;
  /** Headers sent with every poll, e.g. `authorization` towards the CAD. */
  readonly pollHeaders?: Readonly<Record<string, string>>;
  /** Largest request body (or poll answer) accepted, bytes. Default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /** Documents read from one POST or poll answer; the rest are one dead letter. Default 100. */
  readonly maxDocumentsPerRequest?: number;
  /** Deepest nesting of objects and arrays read in one document. Default 64. */
  readonly maxJsonDepth?: number;
  /**
   * Who may POST: a bearer token of role `adapter` or a source secret. Required, so that an
   * open endpoint is always a choice written down: null lets anyone POST, for an adapter
   * embedded in a test or a bench only (the hub always sets it).
   */
  readonly authentication: EidoAuthentication | null;
  /** The audit trail, for refused POSTs (`ingest-refused`, one record per address per minute with a count). */
  readonly audit?: { append(record: AuditRecordInput): Promise<unknown> } | null;
  /** Told of failures inside the adapter, whose answer to the CAD stays generic (no internal text). */
  readonly onError?: (error: unknown, context: { readonly during: string }) => void;
}

export interface EidoHttpAdapter extends Adapter, Replayable, Listening {
  /** `http://host:port/eido`, once started. */
  url(): string;
  /** `[url()]` while started, else none. */
  endpoints(): readonly string[];
  /** Takes a raw payload (one document or an array) as if it had just arrived (dead-letter replay), from its sender. */
  replay(raw: string, origin?: ReplayOrigin): Promise<void>;
}

interface PayloadOutcome {
  documents: number;
  events: number;
  rejections: { readonly reason: string; readonly detail: string; readonly path: string }[];
  /** Rejections beyond those listed (the answer lists at most {@link MAX_LISTED_REJECTIONS}). */
  rejectionsNotListed?: number;
}

/** The JSON body of an answer that is not an outcome: a registered code and a sentence. */
interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

const MAX_LISTED_REJECTIONS = 100;
/** Characters of an oversized payload kept in its dead letter. */
const OVERSIZED_PREFIX_LENGTH = 4096;

const CODE_OF_STATUS: Readonly<Record<401 | 403 | 429, ErrorCode>> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 429: 'LOCKED_OUT' };

/**
 * CAD over NENA-STA-021 EIDO (JSON): documents pushed by POST to `/eido` (one or a batch) or
 * fetched from a CAD that cannot push. Senders authenticate before their body is read; the
 * payload is framed within depth and count limits (see {@link readEidoPayload}) before any of
 * it is parsed; translation is {@link translateEido}. Each document's rejected parts become
 * dead letters (one per reason) holding the document as received, and the good parts go on.
 */
export function createEidoHttpAdapter(options: EidoHttpAdapterOptions): EidoHttpAdapter {
  const { name = 'eido-http', codeTable, now, host = '127.0.0.1', port = 0, pollUrl = null, pollIntervalMs = 5000, pollHeaders = {} } = options;
  const { bodyLimitBytes = 1024 * 1024, maxDocumentsPerRequest = 100, maxJsonDepth = 64, authentication, audit = null } = options;
  const onError = options.onError ?? (() => undefined);
  const checkSender = authentication ? createSenderCheck(authentication) : null;
  const senders = new WeakMap<FastifyRequest, string>();
  let auditor: RefusalAuditor | null = null;
  let sink: EventSink | null = null;
  let app: FastifyInstance | null = null;
  let address = '';
  let poller: NodeJS.Timeout | null = null;
  let pollHealthy = pollUrl === null;
  let lastEtag: string | null = null;
  let accepted = 0;
  let rejected = 0;
  let lastMessageAt: string | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const rejectRaw = async (target: EventSink, reason: string, detail: string, raw: string, sender: string | null) => {
    rejected += 1;
    await target.reject({ source: name, reason, detail, raw, receivedAt: now().toISOString(), ...(sender ? { sender } : {}) });
  };

  /** One dead letter per reason of a document's rejected parts, so that a document with many bad parts is not copied many times. */
  const rejectParts = async (target: EventSink, parts: readonly EidoRejection[], raw: string, sender: string | null) => {
    const byReason = new Map<string, EidoRejection[]>();
    for (const part of parts) byReason.set(part.reason, [...(byReason.get(part.reason) ?? []), part]);
    for (const [reason, group] of byReason) {
      const shown = group.slice(0, 20).map((part) => `${part.path}: ${part.detail}`);
      const detail = group.length > shown.length ? `${shown.join('; ')}; and ${group.length - shown.length} more` : shown.join('; ');
      await rejectRaw(target, reason, detail, raw, sender);
    }
  };

  /** Handles one payload; payloads are handled one after another, in arrival order. */
  const handle = (raw: string, sender: string | null): Promise<PayloadOutcome> => {
    lastMessageAt = now().toISOString();
    const target = sink;
    const run = queue.then(async (): Promise<PayloadOutcome> => {
      const outcome: PayloadOutcome = { documents: 0, events: 0, rejections: [] };
      if (!target) return outcome;
      const listRejection = (rejection: { reason: string; detail: string; path: string }) => {
        if (outcome.rejections.length < MAX_LISTED_REJECTIONS) outcome.rejections.push(rejection);
        else outcome.rejectionsNotListed = (outcome.rejectionsNotListed ?? 0) + 1;
      };
      const payload = readEidoPayload(raw, { maxDepth: maxJsonDepth, maxDocuments: maxDocumentsPerRequest });
      for (const problem of payload.problems) {
        await rejectRaw(target, problem.reason, problem.detail, problem.raw, sender);
        listRejection({ reason: problem.reason, detail: problem.detail, path: problem.path });
      }
      for (const document of payload.documents) {
        const translation = translateEido(document.value, { source: name, codeTable, receivedAt: now().toISOString() });
        for (const event of translation.events) {
          await target.emit(event);
          accepted += 1;
        }
        await rejectParts(target, translation.rejections, document.raw, sender);
        for (const rejection of translation.rejections) listRejection(rejection);
        outcome.documents += 1;
        outcome.events += translation.events.length;
      }
      return outcome;
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const poll = async () => {
    if (!pollUrl || !sink) return;
    const target = sink;
    let response: Response;
    try {
      response = await fetch(pollUrl, { headers: { ...pollHeaders, ...(lastEtag ? { 'if-none-match': lastEtag } : {}) } });
    } catch {
      // The CAD is unreachable: report it disconnected and keep polling at the same pace.
      pollHealthy = false;
      return;
    }
    pollHealthy = response.ok || response.status === 304;
    if (response.status === 304 || !response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    try {
      const body = await readLimitedText(response, bodyLimitBytes);
      if (body.tooLarge) {
        const detail = `the poll answer of ${pollUrl} is larger than ${bodyLimitBytes} bytes (EIDO_BODY_LIMIT_BYTES); its first ${OVERSIZED_PREFIX_LENGTH} characters are kept`;
        await rejectRaw(target, 'body-too-large', detail, body.text.slice(0, OVERSIZED_PREFIX_LENGTH), null);
        return;
      }
      lastEtag = response.headers.get('etag');
      await handle(body.text, null);
    } catch (error) {
      onError(error, { during: `poll of ${pollUrl}` });
    }
  };

  const errorBody = (code: ErrorBody['error']['code'], message: string): ErrorBody => ({ error: { code, message } });

  return {
    name,
    async start(target) {
      if (sink) throw new Error(`adapter ${name} is already started`);
      sink = target;
      auditor = audit
        ? createRefusalAuditor({
            append: (record) => audit.append(record),
            kind: 'ingest-refused',
            details: { adapter: name },
            now,
            onError: (error) => onError(error, { during: 'audit of a refused POST' }),
          })
        : null;
      app = Fastify({ bodyLimit: bodyLimitBytes });
      // Take the body as text: a malformed document must still be kept whole as a dead letter.
      app.removeAllContentTypeParsers();
      app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      app.setErrorHandler(async (error: FastifyError, request, reply) => {
        if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
          const length = request.headers['content-length'] ?? 'unknown';
          const detail = `request body larger than ${bodyLimitBytes} bytes (EIDO_BODY_LIMIT_BYTES; content-length ${length}); not read`;
          if (sink) await rejectRaw(sink, 'body-too-large', detail, '', senders.get(request) ?? null).catch((cause: unknown) => onError(cause, { during: 'dead letter of an oversized POST' }));
          return reply.code(413).send(errorBody('INGEST_PAYLOAD_TOO_LARGE', detail));
        }
        if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
          return reply.code(error.statusCode).send(errorBody('BAD_USER_INPUT', 'the request could not be read as an EIDO POST'));
        }
        // Internal text stays in the log: the CAD learns only that the hub failed.
        onError(error, { during: 'POST /eido' });
        return reply.code(500).send(errorBody('INTERNAL_SERVER_ERROR', 'The payload could not be processed; the hub log has the details. Send it again later.'));
      });
      app.post(
        '/eido',
        {
          // Senders are checked before their body is read: an unauthenticated flood costs no parsing.
          onRequest: async (request, reply) => {
            if (!checkSender) return;
            const verdict = await checkSender(request.headers.authorization, request.ip);
            if (verdict.ok) {
              senders.set(request, verdict.sender);
              return;
            }
            const claimed: Record<string, string> = verdict.claimedSender ? { claimedSender: verdict.claimedSender } : {};
            await auditor?.refused({ clientAddress: request.ip, status: verdict.status, reason: verdict.reason, details: claimed });
            await reply.code(verdict.status).send(errorBody(CODE_OF_STATUS[verdict.status], `EIDO POST refused: ${verdict.reason}`));
            return reply;
          },
        },
        async (request, reply) => {
          const raw = typeof request.body === 'string' ? request.body : '';
          const outcome = await handle(raw, senders.get(request) ?? null);
          return reply.code(outcome.events > 0 || outcome.rejections.length === 0 ? 202 : 422).send(outcome);
        },
      );
      await app.listen({ host, port });
      const bound = app.server.address();
      address = typeof bound === 'object' && bound ? `http://${host}:${bound.port}/eido` : '';
      if (pollUrl) {
        await poll();
        poller = setInterval(() => void poll(), pollIntervalMs);
      }
    },
    async stop() {
      sink = null;
      if (poller) clearInterval(poller);
      poller = null;
      await app?.close();
      app = null;
      await queue;
      await auditor?.close();
      auditor = null;
    },
    status: (): AdapterStatus => ({ name, connected: sink !== null && app !== null && pollHealthy, lastMessageAt, accepted, rejected }),
    url: () => address,
    endpoints: () => (app !== null && address ? [address] : []),
    replay: async (raw, origin) => {
      await handle(raw, origin?.sender ?? null);
    },
  };
}

/** The response body as text, reading no more than `limit` bytes of it. */
async function readLimitedText(response: Response, limit: number): Promise<{ text: string; tooLarge: boolean }> {
  const reader = response.body?.getReader();
  if (!reader) return { text: '', tooLarge: false };
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), tooLarge: false };
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (bytes > limit) {
      await reader.cancel().catch(() => undefined);
      return { text, tooLarge: true };
    }
  }
}

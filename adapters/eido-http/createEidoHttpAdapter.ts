import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import type { Adapter, AdapterStatus, EventSink } from '../contract';
import { type IncidentCodeTable, translateEido } from '../eido';

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
  /** Largest request body accepted, bytes. */
  readonly bodyLimitBytes?: number;
}

export interface EidoHttpAdapter extends Adapter {
  /** `http://host:port/eido`, once started. */
  url(): string;
  /** Takes a raw payload (one document or an array) as if it had just arrived (dead-letter replay). */
  replay(raw: string): Promise<void>;
}

interface PayloadOutcome {
  readonly documents: number;
  readonly events: number;
  readonly rejections: { readonly reason: string; readonly detail: string; readonly path: string }[];
}

/**
 * CAD over NENA-STA-021 EIDO (JSON): documents pushed by POST to `/eido` (one or a batch) or
 * fetched from a CAD that cannot push. Translation is {@link translateEido}; each rejected part
 * of a document becomes a dead letter holding the whole document, and the good parts go on.
 */
export function createEidoHttpAdapter(options: EidoHttpAdapterOptions): EidoHttpAdapter {
  const { name = 'eido-http', codeTable, now, host = '127.0.0.1', port = 0, pollUrl = null, pollIntervalMs = 5000 } = options;
  const { bodyLimitBytes = 5 * 1024 * 1024 } = options;
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

  const rejectRaw = async (target: EventSink, reason: string, detail: string, raw: string) => {
    rejected += 1;
    await target.reject({ source: name, reason, detail, raw, receivedAt: now().toISOString() });
  };

  /** Handles one payload; payloads are handled one after another, in arrival order. */
  const handle = (raw: string): Promise<PayloadOutcome> => {
    lastMessageAt = now().toISOString();
    const target = sink;
    const run = queue.then(async (): Promise<PayloadOutcome> => {
      const outcome: PayloadOutcome = { documents: 0, events: 0, rejections: [] };
      if (!target) return outcome;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (error) {
        await rejectRaw(target, 'malformed-json', (error as Error).message, raw);
        return { ...outcome, rejections: [{ reason: 'malformed-json', detail: (error as Error).message, path: '$' }] };
      }
      const documents = Array.isArray(parsed) ? parsed : [parsed];
      for (const document of documents) {
        const translation = translateEido(document, { source: name, codeTable, receivedAt: now().toISOString() });
        for (const event of translation.events) {
          await target.emit(event);
          accepted += 1;
        }
        // One dead letter per rejected part, each with the whole document so that a replay has context.
        const documentRaw = JSON.stringify(document);
        for (const rejection of translation.rejections) {
          await rejectRaw(target, rejection.reason, `${rejection.path}: ${rejection.detail}`, documentRaw);
        }
        outcome.rejections.push(...translation.rejections);
        (outcome as { documents: number }).documents += 1;
        (outcome as { events: number }).events += translation.events.length;
      }
      return outcome;
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const poll = async () => {
    if (!pollUrl || !sink) return;
    try {
      const response = await fetch(pollUrl, { headers: lastEtag ? { 'if-none-match': lastEtag } : {} });
      pollHealthy = response.ok || response.status === 304;
      if (response.status === 304 || !response.ok) return;
      lastEtag = response.headers.get('etag');
      await handle(await response.text());
    } catch {
      // The CAD is unreachable: report it disconnected and keep polling at the same pace.
      pollHealthy = false;
    }
  };

  return {
    name,
    async start(target) {
      if (sink) throw new Error(`adapter ${name} is already started`);
      sink = target;
      app = Fastify({ bodyLimit: bodyLimitBytes });
      // Take the body as text: a malformed document must still be kept whole as a dead letter.
      app.removeAllContentTypeParsers();
      app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      app.post('/eido', async (request, reply) => {
        const outcome = await handle(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
        return reply.code(outcome.events > 0 || outcome.rejections.length === 0 ? 202 : 422).send(outcome);
      });
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
    },
    status: (): AdapterStatus => ({ name, connected: sink !== null && app !== null && pollHealthy, lastMessageAt, accepted, rejected }),
    url: () => address,
    replay: async (raw) => {
      await handle(raw);
    },
  };
}

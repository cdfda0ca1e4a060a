import { type EidoDocument } from './encodeEido';
import { createExclusiveRunner } from './createExclusiveRunner';
import { type ProtocolFailureReporter } from './protocolFailure';

export interface EidoPostChannelOptions {
  readonly url: string;
  /** The HTTP client; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Documents per POST (the EIDO endpoint takes an array). Default 50. */
  readonly maxDocumentsPerPost?: number;
  /** Give up on a POST after this long and retry on the next tick. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** `authorization` header of every POST: the endpoint's credentials. Default none. */
  readonly authorization?: string | null;
}

export interface EidoPostChannel {
  /** Queues documents and starts posting. */
  post(documents: readonly EidoDocument[]): void;
  /** Posts what is still queued (after a failure, the next tick calls this). */
  retry(): void;
  idle(): Promise<void>;
  counts(): {
    /** Documents the endpoint accepted (2xx). */
    readonly sent: number;
    /** POST requests made, successful or not. */
    readonly posts: number;
    /** POSTs that failed and will be retried. */
    readonly failed: number;
    /** Documents dropped because the endpoint refused them (4xx). */
    readonly refused: number;
    /** Parts of accepted documents the endpoint reported as rejected (its dead letters). */
    readonly rejectedParts: number;
    readonly queued: number;
  };
}

/** Statuses worth retrying: the request may succeed later unchanged. */
const RETRYABLE = new Set([408, 429]);

/**
 * POSTs EIDO documents, as JSON arrays in queue order, to a CAD-facing EIDO endpoint. A
 * document leaves the queue only when the endpoint answered; when it could not be reached (or
 * answered 5xx) the queue is kept and retried on the next tick, so that order is never broken.
 */
export function createEidoPostChannel(options: EidoPostChannelOptions, report: ProtocolFailureReporter): EidoPostChannel {
  const { url, fetch: httpFetch = fetch, maxDocumentsPerPost = 50, timeoutMs = 10_000, authorization = null } = options;
  const queue: EidoDocument[] = [];
  let sent = 0;
  let posts = 0;
  let failed = 0;
  let refused = 0;
  let rejectedParts = 0;

  /** Posts the head of the queue; true when it left the queue. */
  async function postBatch(): Promise<boolean> {
    const batch = queue.slice(0, maxDocumentsPerPost);
    posts += 1;
    let response: Response;
    try {
      response = await httpFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      failed += 1;
      const detail = `POST ${url}: ${error instanceof Error ? error.message : String(error)}; ${queue.length} documents kept`;
      report({ protocol: 'eido', reason: 'http-unreachable', detail });
      return false;
    }
    const body = await response.text().catch(() => '');
    if (response.status >= 500 || RETRYABLE.has(response.status)) {
      failed += 1;
      const detail = `POST ${url} answered ${response.status} ${clip(body)}; ${queue.length} documents kept`;
      report({ protocol: 'eido', reason: 'http-server-error', detail });
      return false;
    }
    queue.splice(0, batch.length);
    if (response.ok) {
      sent += batch.length;
      rejectedParts += rejectionsIn(body);
    } else {
      refused += batch.length;
      report({ protocol: 'eido', reason: 'http-refused', detail: `POST ${url} answered ${response.status} ${clip(body)}` });
    }
    return true;
  }

  const runner = createExclusiveRunner(async () => {
    while (queue.length > 0) {
      if (!(await postBatch())) return false;
    }
    return true;
  });

  return {
    post(documents) {
      if (documents.length === 0) return;
      queue.push(...documents);
      runner.request();
    },
    retry() {
      if (queue.length > 0) runner.request();
    },
    idle: () => runner.idle(),
    counts: () => ({ sent, posts, failed, refused, rejectedParts, queued: queue.length }),
  };
}

/** The EIDO HTTP adapter answers `{ documents, events, rejections: [...] }`. */
function rejectionsIn(body: string): number {
  try {
    const parsed: unknown = JSON.parse(body);
    const rejections = typeof parsed === 'object' && parsed !== null ? (parsed as { rejections?: unknown }).rejections : undefined;
    return Array.isArray(rejections) ? rejections.length : 0;
  } catch {
    return 0;
  }
}

const clip = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

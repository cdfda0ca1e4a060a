import type { Logger } from 'pino';
import type { DomainEvent, EventSink, Rejection } from '../contract';
import { validateDomainEvent } from '../contract/validateDomainEvent';
import type { EventBus } from '../bus/eventBus';
import { type DeadLetterStore, type RejectionStage, SUPPRESSED_SUMMARY_REASON } from './createDeadLetterStore';

/** Counts of what one adapter delivered. */
export interface SourceStats {
  readonly accepted: number;
  /** Every rejection, those beyond the dead-letter cap included. */
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  /** Rejections counted but not kept one by one: beyond DEAD_LETTERS_PER_SOURCE_PER_MINUTE (summarised, sampled). */
  readonly deadLettersSuppressed: number;
}

/** Counts of what entered the hub, in all and per adapter. */
export interface IngestStats extends SourceStats {
  readonly bySource: Readonly<Record<string, SourceStats>>;
}

/** The hub's {@link EventSink}, which also counts what it accepted and rejected. */
export interface IngestSink extends EventSink {
  stats(): IngestStats;
  /** Writes the summaries of rejections still held back and stops the summary timer. */
  close(): Promise<void>;
}

export interface EventSinkOptions {
  readonly bus: EventBus;
  readonly deadLetters: DeadLetterStore;
  readonly logger: Logger;
  readonly now?: () => Date;
  /**
   * Dead letters kept one by one per source per minute; beyond, rejections are counted per
   * reason and sampled, and one summary dead letter per source and minute says what was held
   * back. 0: no cap. Default 600.
   */
  readonly deadLettersPerSourcePerMinute?: number;
  /** Rejection log lines per source per minute; beyond, one line per minute gives the count left out. Default 20. */
  readonly logLinesPerSourcePerMinute?: number;
  /** Suppressed rejections kept as samples in a summary. Default 5. */
  readonly samplesPerSummary?: number;
  /** Characters of each sample's raw payload kept in a summary. Default 2000. */
  readonly sampleRawLength?: number;
}

const WINDOW_MS = 60_000;

interface Counter {
  accepted: number;
  rejectedByReason: Map<string, number>;
  deadLettersSuppressed: number;
}

/** What one source sent in the current minute. */
interface Window {
  startedAt: number;
  kept: number;
  suppressedByReason: Map<string, number>;
  samples: { stage: RejectionStage; rejection: Rejection }[];
  logged: number;
  logsSuppressed: number;
}

/**
 * The sink adapters deliver to: validates each event against the contract where it enters,
 * publishes the valid ones to the bus, and keeps every rejection — the adapter's own, the
 * contract's, and a valid event the bus or a store refused — as a dead letter with its raw
 * payload, counted per adapter and reason. A flood from one source cannot become a flood of
 * rows or log lines: beyond the per-minute caps it is counted, sampled and summarised.
 */
export function createEventSink(options: EventSinkOptions): IngestSink {
  const { bus, deadLetters, logger, now = () => new Date() } = options;
  const { deadLettersPerSourcePerMinute = 600, logLinesPerSourcePerMinute = 20, samplesPerSummary = 5, sampleRawLength = 2000 } = options;
  const log = logger.child({ component: 'ingest' });
  const counters = new Map<string, Counter>();
  const windows = new Map<string, Window>();

  const counterOf = (source: string) => {
    let counter = counters.get(source);
    if (!counter) {
      counter = { accepted: 0, rejectedByReason: new Map(), deadLettersSuppressed: 0 };
      counters.set(source, counter);
    }
    return counter;
  };
  const freshWindow = (startedAt: number): Window => ({ startedAt, kept: 0, suppressedByReason: new Map(), samples: [], logged: 0, logsSuppressed: 0 });

  /** Writes what a finished window held back: one summary dead letter and one log line. */
  const closeWindow = async (source: string, window: Window) => {
    if (window.logsSuppressed > 0) {
      log.warn({ source, suppressedLines: window.logsSuppressed }, 'rejected-input log lines suppressed in the last minute');
    }
    const suppressed = [...window.suppressedByReason.values()].reduce((sum, count) => sum + count, 0);
    if (suppressed === 0) return;
    const byReason = Object.fromEntries(window.suppressedByReason);
    const raw = JSON.stringify({
      suppressed,
      byReason,
      from: new Date(window.startedAt).toISOString(),
      samples: window.samples.map(({ stage, rejection }) => ({
        stage,
        reason: rejection.reason,
        detail: rejection.detail.slice(0, sampleRawLength),
        raw: rejection.raw.slice(0, sampleRawLength),
        receivedAt: rejection.receivedAt,
        ...(rejection.sender ? { sender: rejection.sender } : {}),
      })),
    });
    const detail = `${suppressed} rejections beyond ${deadLettersPerSourcePerMinute} a minute were counted, not kept one by one: ${Object.entries(byReason)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ')}; ${window.samples.length} samples in raw`;
    await deadLetters.add({ source, reason: SUPPRESSED_SUMMARY_REASON, detail, raw, receivedAt: now().toISOString() }, 'ADAPTER');
  };

  /** The source's window for this minute, closing (and summarising) the one before. */
  const windowOf = async (source: string): Promise<Window> => {
    const at = now().getTime();
    const current = windows.get(source);
    if (current && at - current.startedAt < WINDOW_MS && at >= current.startedAt) return current;
    const fresh = freshWindow(at);
    windows.set(source, fresh);
    if (current) await closeWindow(source, current);
    return fresh;
  };

  const record = async (rejection: Rejection, stage: RejectionStage) => {
    const { source, reason } = rejection;
    const counter = counterOf(source);
    counter.rejectedByReason.set(reason, (counter.rejectedByReason.get(reason) ?? 0) + 1);
    const window = await windowOf(source);
    if (window.logged < logLinesPerSourcePerMinute) {
      window.logged += 1;
      log.warn({ source, stage, reason, detail: rejection.detail.slice(0, 500) }, 'rejected input');
    } else {
      window.logsSuppressed += 1;
    }
    if (deadLettersPerSourcePerMinute > 0 && window.kept >= deadLettersPerSourcePerMinute) {
      counter.deadLettersSuppressed += 1;
      window.suppressedByReason.set(reason, (window.suppressedByReason.get(reason) ?? 0) + 1);
      if (window.samples.length < samplesPerSummary) window.samples.push({ stage, rejection });
      return;
    }
    window.kept += 1;
    await deadLetters.add(rejection, stage);
  };

  // Summaries of a flood that has stopped are written within a minute, not only when the source next sends.
  const flushEnded = async () => {
    const at = now().getTime();
    for (const [source, window] of windows) {
      if (at - window.startedAt < WINDOW_MS) continue;
      windows.delete(source);
      await closeWindow(source, window).catch((error: unknown) => log.error({ err: error, source }, 'summary of suppressed dead letters not written'));
    }
  };
  const timer = setInterval(() => void flushEnded(), WINDOW_MS);
  timer.unref();

  const summarise = (counter: Counter): SourceStats => ({
    accepted: counter.accepted,
    rejected: [...counter.rejectedByReason.values()].reduce((sum, count) => sum + count, 0),
    rejectedByReason: Object.fromEntries(counter.rejectedByReason),
    deadLettersSuppressed: counter.deadLettersSuppressed,
  });

  return {
    stats() {
      const total: Counter = { accepted: 0, rejectedByReason: new Map(), deadLettersSuppressed: 0 };
      for (const counter of counters.values()) {
        total.accepted += counter.accepted;
        total.deadLettersSuppressed += counter.deadLettersSuppressed;
        for (const [reason, count] of counter.rejectedByReason) {
          total.rejectedByReason.set(reason, (total.rejectedByReason.get(reason) ?? 0) + count);
        }
      }
      return {
        ...summarise(total),
        bySource: Object.fromEntries([...counters].map(([source, counter]) => [source, summarise(counter)])),
      };
    },
    async emit(event: DomainEvent) {
      const verdict = validateDomainEvent(event);
      const source = typeof event?.source === 'string' && event.source.length > 0 ? event.source : 'unknown';
      if (!verdict.ok) {
        await record({ source, reason: verdict.reason, detail: verdict.detail, raw: rawOf(event), receivedAt: now().toISOString() }, 'CONTRACT');
        return;
      }
      try {
        await bus.publish(verdict.event);
      } catch (error) {
        // A valid event the bus or a subgraph's store refused is kept, not thrown away: it can be replayed.
        const detail = `publishing ${verdict.event.type} ${verdict.event.eventId} failed: ${describeError(error)}`;
        await record({ source, reason: 'store-failed', detail, raw: rawOf(verdict.event), receivedAt: now().toISOString() }, 'STORE');
        return;
      }
      counterOf(source).accepted += 1;
    },
    reject: (rejection) => record(rejection, 'ADAPTER'),
    async close() {
      clearInterval(timer);
      for (const [source, window] of [...windows]) {
        windows.delete(source);
        await closeWindow(source, window).catch((error: unknown) => log.error({ err: error, source }, 'summary of suppressed dead letters not written'));
      }
    },
  };
}

/** The event as JSON; a value that cannot be serialised (a cycle, a BigInt, too deep) is described instead. */
function rawOf(event: unknown): string {
  try {
    return JSON.stringify(event) ?? String(event);
  } catch (error) {
    return `(not serialisable: ${describeError(error)})`;
  }
}

/** An error's message and, for an AggregateError (the in-process bus), its causes'. */
function describeError(error: unknown): string {
  if (error instanceof AggregateError) return `${error.message}: ${error.errors.map(describeError).join('; ')}`;
  return error instanceof Error ? error.message : String(error);
}

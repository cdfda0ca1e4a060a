import { type RecordableHistogram, createHistogram } from 'node:perf_hooks';
import type { DomainEvent, EventSink } from '../../contract';
import type { PublishedLog } from './clientProtocol';
import type { BenchEvents } from './createBenchEvents';

/** Options of {@link createLoadPublisher}. */
export interface LoadPublisherOptions {
  readonly sink: EventSink;
  readonly events: BenchEvents;
  readonly fixesPerSecond: number;
  readonly callsPerSecond: number;
  readonly tickMs: number;
  readonly maxInFlight: number;
  /** The wall clock, ms since epoch; publish stamps come from it. */
  readonly now?: () => number;
}

/** One paced run: publish from `startMs` to `toMs`, measuring from `fromMs`. */
export interface PublishSchedule {
  readonly startMs: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** Called on a tick inside the measured window, at most every `everyMs` (memory sampling). */
  readonly sample?: { readonly everyMs: number; run(): void };
  /** Give up waiting for emits still in flight at the end after this long. */
  readonly settleTimeoutMs: number;
}

/** What one run published, counting only events stamped inside the measured window. */
export interface PublishResult {
  readonly log: PublishedLog;
  readonly windowSeconds: number;
  readonly fixesAccepted: number;
  readonly callsAccepted: number;
  readonly achievedFixesPerSecond: number;
  readonly achievedCallsPerSecond: number;
  /** Events the schedule owed but that were not published because `maxInFlight` emits were pending. */
  readonly skippedBehind: number;
  /** Emits that rejected (whole run). */
  readonly failed: number;
  readonly failureSamples: readonly string[];
  /** Emits that had not resolved when the run gave up waiting. */
  readonly unsettled: number;
  readonly maxInFlight: number;
  /** Largest gap between consecutive ticks beyond the period: the hub's event loop stalling the timer (events owed are then published in one burst). */
  readonly maxTickLagMs: number;
  /** Time from `emit` to its resolution (validated, stored, handed to the subgraphs' feeds), in ms. */
  readonly emitMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

export interface LoadPublisher {
  run(schedule: PublishSchedule): Promise<PublishResult>;
}

/**
 * An open-loop publisher: a timer every `tickMs` emits, in one batch, the fixes and calls the
 * schedule owes by now, without waiting for earlier emits (a real feed does not wait for the
 * hub either). Emits run concurrently up to `maxInFlight`; what the schedule owes beyond that
 * is skipped and counted, so that a hub that cannot keep up shows as a lower achieved rate.
 */
export function createLoadPublisher(options: LoadPublisherOptions): LoadPublisher {
  const { sink, events, fixesPerSecond, callsPerSecond, tickMs, maxInFlight, now = Date.now } = options;

  return {
    run(schedule) {
      const { startMs, fromMs, toMs, sample, settleTimeoutMs } = schedule;
      const fixes = new Map<string, number[]>();
      const callIds: string[] = [];
      const pending = new Set<Promise<void>>();
      const emitHistogram: RecordableHistogram = createHistogram();
      const failureSamples: string[] = [];
      let fixesOwed = 0;
      let callsOwed = 0;
      let skippedBehind = 0;
      let failed = 0;
      let peakInFlight = 0;
      let maxTickLagMs = 0;
      let lastTickAt = now();
      let lastSampleAt = 0;

      const publish = (event: DomainEvent, stampMs: number) => {
        if (pending.size >= maxInFlight) {
          if (stampMs >= fromMs) skippedBehind += 1;
          return;
        }
        const measured = stampMs >= fromMs && stampMs < toMs;
        const began = process.hrtime.bigint();
        const emitted: Promise<void> = sink.emit(event).then(
          () => {
            if (!measured) return;
            emitHistogram.record(Math.max(1, Number(process.hrtime.bigint() - began)));
            if (event.type === 'position.fix' && event.unitId) {
              const times = fixes.get(event.unitId) ?? [];
              times.push(Date.parse(event.fixAt));
              fixes.set(event.unitId, times);
            } else if (event.type === 'call.received') {
              callIds.push(event.callId);
            }
          },
          (error: unknown) => {
            failed += 1;
            if (failureSamples.length < 3) failureSamples.push(error instanceof Error ? error.message : String(error));
          },
        );
        pending.add(emitted);
        peakInFlight = Math.max(peakInFlight, pending.size);
        void emitted.finally(() => pending.delete(emitted));
      };

      const tick = (at: number) => {
        if (at < startMs) return;
        const elapsedSeconds = (Math.min(at, toMs) - startMs) / 1000;
        const fixesDue = Math.floor(elapsedSeconds * fixesPerSecond) - fixesOwed;
        const callsDue = Math.floor(elapsedSeconds * callsPerSecond) - callsOwed;
        fixesOwed += fixesDue;
        callsOwed += callsDue;
        for (let i = 0; i < fixesDue; i += 1) {
          const event = events.nextFix(at);
          publish(event, Date.parse(event.fixAt));
        }
        for (let i = 0; i < callsDue; i += 1) publish(events.nextCall(at), at);
        if (sample && at >= fromMs && at - lastSampleAt >= sample.everyMs) {
          lastSampleAt = at;
          sample.run();
        }
      };

      return new Promise<PublishResult>((resolve) => {
        const timer = setInterval(() => {
          const at = now();
          maxTickLagMs = Math.max(maxTickLagMs, at - lastTickAt - tickMs);
          lastTickAt = at;
          if (at >= toMs) {
            clearInterval(timer);
            void settle().then(resolve);
            return;
          }
          tick(at);
        }, tickMs);
      });

      async function settle(): Promise<PublishResult> {
        let timeout: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...pending]),
          new Promise((resolve) => {
            timeout = setTimeout(resolve, settleTimeoutMs);
          }),
        ]);
        clearTimeout(timeout);
        const windowSeconds = (toMs - fromMs) / 1000;
        const fixesAccepted = [...fixes.values()].reduce((sum, times) => sum + times.length, 0);
        for (const times of fixes.values()) times.sort((a, b) => a - b);
        const ms = (nanoseconds: number) => (emitHistogram.count === 0 ? 0 : nanoseconds / 1e6);
        return {
          log: { fixes: Object.fromEntries(fixes), callIds },
          windowSeconds,
          fixesAccepted,
          callsAccepted: callIds.length,
          achievedFixesPerSecond: fixesAccepted / windowSeconds,
          achievedCallsPerSecond: callIds.length / windowSeconds,
          skippedBehind,
          failed,
          failureSamples,
          unsettled: pending.size,
          maxInFlight: peakInFlight,
          maxTickLagMs,
          emitMs: {
            p50: ms(emitHistogram.percentile(50)),
            p99: ms(emitHistogram.percentile(99)),
            max: ms(emitHistogram.max),
          },
        };
      }
    },
  };
}

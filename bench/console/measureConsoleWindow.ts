import { writeFile } from 'node:fs/promises';
import type { ProcessLoad } from '../subscriptions/clientProtocol';
import { startLoadMeasurement } from '../subscriptions/measureProcess';
import type { SubscriptionStats } from '../../gateway/createGateway';
import type { FleetFeed, FleetFeedCounts } from './createFleetFeed';
import type { ConsolePage } from './openConsolePage';
import type { PageProbeReading } from './pageProbeScript';
import { type ChromiumProcesses, chromiumLoadBetween, readChromiumProcesses } from './readChromiumProcesses';
import { mb } from '../reportTable';

/** The page's DevTools Performance metrics the report uses, at one moment. */
export interface PageMetrics {
  /** Seconds since the window opened. */
  readonly atSeconds: number;
  /** The main thread's V8 heap in use (workers' heaps are not in it; the renderer's RSS covers them). */
  readonly jsHeapUsedBytes: number;
  readonly domNodes: number;
  readonly jsEventListeners: number;
  /** Main-thread time spent in tasks, and in script, since the page opened, s. */
  readonly taskSeconds: number;
  readonly scriptSeconds: number;
  /** Resident memory of the renderer processes (main thread, MapLibre's workers, everything of the page). */
  readonly rendererRssBytes: number;
}

/** Everything measured over one window. */
export interface ConsoleWindow {
  readonly label: string;
  readonly seconds: number;
  /** Whether the benchmark's fleet was sending during the window. */
  readonly feedOn: boolean;
  readonly probe: PageProbeReading;
  /** After a full collection (HeapProfiler.collectGarbage) just before the window opened and just after it closed. */
  readonly settled: { readonly start: PageMetrics; readonly end: PageMetrics };
  /** At the window's start, every `sampleSeconds` and at its end, without forcing a collection (a collection is itself a long frame). */
  readonly samples: readonly PageMetrics[];
  /** This process: the hub, the fleet feed and Playwright's side of the browser. */
  readonly hubLoad: ProcessLoad;
  readonly chromium: Record<string, { cores: number; rssBytes: number; processes: number }>;
  readonly feed: FleetFeedCounts;
  readonly requests: Record<string, number>;
  /** Subscription messages the gateway wrote in the window (every client: the console is the only one). */
  readonly gatewayEventsDelivered: number;
  readonly gatewayAtEnd: SubscriptionStats;
}

/** Options of {@link measureConsoleWindow}. */
export interface ConsoleWindowOptions {
  readonly label: string;
  readonly console: ConsolePage;
  readonly feed: FleetFeed | null;
  readonly feedOn: boolean;
  readonly seconds: number;
  readonly sampleSeconds: number;
  readonly subscriptionStats: () => Promise<SubscriptionStats>;
  readonly log: (line: string) => void;
  /** Where to write a CPU profile of the page's main thread over the window (`.cpuprofile`, for DevTools); none when unset. */
  readonly profileFile?: string;
}

/**
 * One measured window, as phases: collect the page's garbage and read its settled metrics →
 * reset the page probe and start the counters → sample the page's metrics every
 * `sampleSeconds` → read the probe and the counters → collect and read the settled metrics
 * again.
 */
export async function measureConsoleWindow(options: ConsoleWindowOptions): Promise<ConsoleWindow> {
  const { label, console: consolePage, feed, feedOn, seconds, sampleSeconds, subscriptionStats, log, profileFile } = options;
  const { page } = consolePage;
  const start = await settledMetrics(consolePage, () => 0);
  // The collection's own pause stays out of the window.
  await sleep(500);
  await page.evaluate(() => (window as unknown as { __benchProbe: { reset(): void } }).__benchProbe.reset());
  const openedAt = performance.now();
  const elapsed = () => (performance.now() - openedAt) / 1000;
  const hub = startLoadMeasurement();
  const chromiumBefore: ChromiumProcesses = readChromiumProcesses();
  const feedBefore = feed?.counts();
  feed?.resetPeaks();
  const requestsBefore = consolePage.requests();
  const deliveredBefore = (await subscriptionStats()).eventsDelivered;
  if (profileFile) {
    await consolePage.cdp.send('Profiler.enable');
    await consolePage.cdp.send('Profiler.start');
  }

  const samples: PageMetrics[] = [await readMetrics(consolePage, elapsed)];
  const closesAt = openedAt + seconds * 1000;
  let nextSampleAt = openedAt + sampleSeconds * 1000;
  let nextLogAt = openedAt + 60_000;
  while (performance.now() < closesAt) {
    await sleep(Math.max(0, Math.min(nextSampleAt, closesAt) - performance.now()));
    if (performance.now() >= nextSampleAt) {
      samples.push(await readMetrics(consolePage, elapsed));
      nextSampleAt += sampleSeconds * 1000;
    }
    if (performance.now() >= nextLogAt) {
      const latest = samples.at(-1);
      log(`${label}: ${elapsed().toFixed(0)} s of ${seconds} s${latest ? `, heap ${mb(latest.jsHeapUsedBytes)}, ${latest.domNodes} DOM nodes` : ''}`);
      nextLogAt += 60_000;
    }
  }

  const probe = await page.evaluate(() => (window as unknown as { __benchProbe: { read(): PageProbeReading } }).__benchProbe.read());
  const windowSeconds = elapsed();
  const hubLoad = hub.stop();
  const chromium = chromiumLoadBetween(chromiumBefore, readChromiumProcesses(), windowSeconds);
  const feedAfter = feed?.counts();
  const requestsAfter = consolePage.requests();
  const gatewayAtEnd = await subscriptionStats();
  samples.push(await readMetrics(consolePage, elapsed));
  if (profileFile) {
    const { profile } = await consolePage.cdp.send('Profiler.stop');
    await writeFile(profileFile, JSON.stringify(profile));
    log(`${label}: the page's CPU profile is in ${profileFile}`);
  }
  const end = await settledMetrics(consolePage, elapsed);
  return {
    label,
    seconds: windowSeconds,
    feedOn,
    probe,
    settled: { start, end },
    samples,
    hubLoad,
    chromium,
    feed: diffCounts(feedBefore, feedAfter),
    requests: Object.fromEntries(Object.entries(requestsAfter).map(([kind, count]) => [kind, count - (requestsBefore[kind] ?? 0)])),
    gatewayEventsDelivered: gatewayAtEnd.eventsDelivered - deliveredBefore,
    gatewayAtEnd,
  };
}

async function settledMetrics(consolePage: ConsolePage, elapsed: () => number): Promise<PageMetrics> {
  await consolePage.cdp.send('HeapProfiler.collectGarbage');
  return readMetrics(consolePage, elapsed);
}

async function readMetrics(consolePage: ConsolePage, elapsed: () => number): Promise<PageMetrics> {
  const { metrics } = await consolePage.cdp.send('Performance.getMetrics');
  const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? 0;
  return {
    atSeconds: elapsed(),
    jsHeapUsedBytes: value('JSHeapUsedSize'),
    domNodes: value('Nodes'),
    jsEventListeners: value('JSEventListeners'),
    taskSeconds: value('TaskDuration'),
    scriptSeconds: value('ScriptDuration'),
    rendererRssBytes: readChromiumProcesses().renderer?.rssBytes ?? 0,
  };
}

function diffCounts(before: FleetFeedCounts | undefined, after: FleetFeedCounts | undefined): FleetFeedCounts {
  if (!before || !after) return { sent: 0, accepted: 0, failed: 0, skippedBehind: 0, peakInFlight: 0, maxTickLagMs: 0, failureSamples: [] };
  return {
    sent: after.sent - before.sent,
    accepted: after.accepted - before.accepted,
    failed: after.failed - before.failed,
    skippedBehind: after.skippedBehind - before.skippedBehind,
    peakInFlight: after.peakInFlight,
    maxTickLagMs: after.maxTickLagMs,
    failureSamples: after.failureSamples,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `npm run bench:subscriptions`: N console clients, in a child process, each hold the
 * `unitPositions` and enriched `callReceived` subscriptions through the gateway while this
 * process publishes position fixes and 911 calls at a fixed rate through `hub.sink.emit`; then
 * the same consoles subscribe straight to the avl and calls subgraphs as the baseline.
 * Settings: BENCH_CLIENTS, BENCH_FIXES_PER_SECOND, BENCH_CALLS_PER_SECOND, BENCH_SECONDS,
 * BENCH_WARMUP_SECONDS, BENCH_PATHS, BENCH_CONSOLE_READER (see bench/subscriptions/readSubscriptionBenchSettings.ts).
 */
import { randomBytes } from 'node:crypto';
import { createRandom } from '../simulator/createRandom';
import { createBenchEvents } from './subscriptions/createBenchEvents';
import { createLoadPublisher } from './subscriptions/createLoadPublisher';
import { formatSubscriptionReport } from './subscriptions/formatSubscriptionReport';
import { readSubscriptionBenchSettings } from './subscriptions/readSubscriptionBenchSettings';
import { type PathResult, runPath } from './subscriptions/runPath';
import { type ClientProcess, startClientProcess } from './subscriptions/startClientProcess';
import { type SubscriptionHub, startSubscriptionHub } from './subscriptions/startSubscriptionHub';
import { runBenchmark } from './runBenchmark';

const began = Date.now();
const log = (line: string) => console.log(`[bench +${((Date.now() - began) / 1000).toFixed(1)}s] ${line}`);

async function main(): Promise<void> {
  const settings = readSubscriptionBenchSettings(process.env);
  // Hard stop: every phase has its own timeout, this catches whatever they miss.
  const limitSeconds = 60 + settings.paths.length * (settings.warmupSeconds + settings.seconds + 150);
  const watchdog = setTimeout(() => {
    console.error(`[bench] watchdog: still running after ${limitSeconds} s; exiting`);
    process.exit(2);
  }, limitSeconds * 1000);
  watchdog.unref();

  log(`setup: starting the hub (${process.env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : 'embedded PGlite'}, 127.0.0.1) and loading ${settings.cameraCount} cameras and ${settings.unitCount} units`);
  let bench: SubscriptionHub | undefined;
  let clients: ClientProcess | undefined;
  try {
    bench = await startSubscriptionHub(settings);
    log(`setup: hub ready on ${bench.storage}, ${bench.loadedEvents} events loaded (${bench.units.length} units, ${bench.cameras.length} cameras); forking the client process`);
    clients = await startClientProcess();
    const publisher = createLoadPublisher({
      sink: bench.hub.sink,
      events: createBenchEvents({
        units: bench.units,
        cameras: bench.cameras,
        random: createRandom(settings.seed, 7),
        runTag: `bench-${randomBytes(3).toString('hex')}`,
      }),
      fixesPerSecond: settings.fixesPerSecond,
      callsPerSecond: settings.callsPerSecond,
      tickMs: settings.tickMs,
      maxInFlight: settings.maxInFlight,
    });
    const results: PathResult[] = [];
    for (const path of settings.paths) results.push(await runPath(path, { bench, clients, publisher, settings, log }));
    log('report');
    console.log(`\n${formatSubscriptionReport(settings, results)}\n`);
  } finally {
    log('closing the client process and the hub');
    await clients?.close();
    await bench?.close();
    clearTimeout(watchdog);
  }
}

runBenchmark(main);

/**
 * `npm run bench:console`: the operator console in Debian's headless Chromium, signed in as an
 * operator through its own dialogs, against the whole hub as `npm start` runs it with 2,000
 * cameras and 200 units, while the benchmark's fleet sends 10 fixes/s per unit; measures the
 * page's frame intervals, long tasks, heap (settled and sampled), DOM nodes, what it received,
 * and the CPU of the hub and of Chromium, over BENCH_SECONDS after BENCH_WARMUP_SECONDS. The
 * baseline (BENCH_BASELINE) is the same page with the fleet stopped (`idle`, default), the
 * default city under the same fleet (`small`), or none.
 * Settings: see bench/console/readConsoleBenchSettings.ts.
 */
import { buildConsole } from '../console/buildConsole';
import { hasChromium } from '../console/launchHeadlessChromium';
import { formatConsoleReport } from './console/formatConsoleReport';
import { type ConsoleBenchSettings, SMALL_CITY, readConsoleBenchSettings } from './console/readConsoleBenchSettings';
import { type ScenarioPlan, type ScenarioResult, runConsoleScenario } from './console/runConsoleScenario';
import { runBenchmark } from './runBenchmark';

const began = Date.now();
const log = (line: string) => console.log(`[bench +${((Date.now() - began) / 1000).toFixed(1)}s] ${line}`);

/** Seconds the page settles after it is ready before the idle baseline (the first state's drawing, MapLibre's tiles). */
const SETTLE_SECONDS = 10;

/** The cities and windows BENCH_BASELINE asks for, the measured city last. */
function planOf(settings: ConsoleBenchSettings): ScenarioPlan[] {
  const measured = { label: 'load', feedOn: true, warmupSeconds: settings.warmupSeconds, seconds: settings.seconds };
  const city = { cameraCount: settings.cameraCount, unitCount: settings.unitCount };
  switch (settings.baseline) {
    case 'idle':
      return [{ ...city, windows: [{ label: 'idle', feedOn: false, warmupSeconds: SETTLE_SECONDS, seconds: settings.baselineSeconds }, measured] }];
    case 'small':
      return [
        { ...SMALL_CITY, windows: [{ label: 'small city', feedOn: true, warmupSeconds: settings.warmupSeconds, seconds: settings.baselineSeconds }] },
        { ...city, windows: [measured] },
      ];
    case 'none':
      return [{ ...city, windows: [measured] }];
  }
}

async function main(): Promise<void> {
  const settings = readConsoleBenchSettings(process.env);
  if (!hasChromium()) throw new Error('bench:console needs Debian\'s Chromium at /usr/bin/chromium (apt-get install -y chromium)');
  const plans = planOf(settings);
  // Hard stop: every phase has its own timeout, this catches whatever they miss.
  const limitSeconds = plans.reduce((sum, plan) => sum + 300 + plan.windows.reduce((windows, window) => windows + window.warmupSeconds + window.seconds + 60, 0), 0);
  const watchdog = setTimeout(() => {
    console.error(`[bench] watchdog: still running after ${limitSeconds} s; exiting`);
    process.exit(2);
  }, limitSeconds * 1000);
  watchdog.unref();

  log('setup: building the console (esbuild), as npm start does first');
  await buildConsole();
  const results: ScenarioResult[] = [];
  for (const plan of plans) results.push(await runConsoleScenario(plan, { settings, log }));
  log('report');
  console.log(`\n${formatConsoleReport(settings, results, new Date())}\n`);
  clearTimeout(watchdog);
}

runBenchmark(main);

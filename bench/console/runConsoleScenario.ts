import { randomBytes } from 'node:crypto';
import { createRandom } from '../../simulator/createRandom';
import { type FleetFeed, createFleetFeed } from './createFleetFeed';
import { type ConsoleWindow, measureConsoleWindow } from './measureConsoleWindow';
import { type ConsolePage, openConsolePage } from './openConsolePage';
import type { ConsoleBenchSettings } from './readConsoleBenchSettings';
import { type ConsoleHub, startConsoleHub } from './startConsoleHub';

/** One window to measure: with the fleet sending or not, after a warm-up. */
export interface WindowPlan {
  readonly label: string;
  readonly feedOn: boolean;
  readonly warmupSeconds: number;
  readonly seconds: number;
}

/** A city to run the console against, and the windows to measure on it. */
export interface ScenarioPlan {
  readonly cameraCount: number;
  readonly unitCount: number;
  readonly windows: readonly WindowPlan[];
}

/** What the console drew, from its probe (`window.__console.layerCounts()`). */
export type LayerCounts = Record<'calls' | 'incidents' | 'units' | 'cameras', number>;

/** One scenario's figures. */
export interface ScenarioResult {
  readonly plan: ScenarioPlan;
  /** Start of the hub until it was ready (createConfiguredHub resolved, units read), s. */
  readonly hubStartSeconds: number;
  /** Opening the page until the console was ready (sign-in, the first state, every camera page), s. */
  readonly consoleReadySeconds: number;
  readonly drawnAtReady: LayerCounts;
  readonly drawnAtEnd: LayerCounts | null;
  readonly windows: readonly ConsoleWindow[];
  /** The hub's gateway settings, null when the hub did not start. */
  readonly gateway: ConsoleHub['gateway'] | null;
  readonly notes: readonly string[];
}

export interface ScenarioContext {
  readonly settings: ConsoleBenchSettings;
  readonly log: (line: string) => void;
}

/** The purpose stated at sign-in (a case number, as the console asks for one). */
const PURPOSE = 'BENCH-0001';

/**
 * One city, as phases: start the hub → open the console and sign in → for each window, the
 * fleet on or off, warm up, measure → read what the console drew → close the browser and the
 * hub. A failing window ends the scenario with the windows measured so far, noted.
 */
export async function runConsoleScenario(plan: ScenarioPlan, { settings, log }: ScenarioContext): Promise<ScenarioResult> {
  const notes: string[] = [];
  const windows: ConsoleWindow[] = [];
  const city = `${plan.cameraCount} cameras, ${plan.unitCount} units`;
  let hub: ConsoleHub | undefined;
  let consolePage: ConsolePage | undefined;
  let feed: FleetFeed | undefined;
  let hubStartSeconds = 0;
  let consoleReadySeconds = 0;
  let drawnAtReady: LayerCounts = { calls: 0, incidents: 0, units: 0, cameras: 0 };
  try {
    log(`${city}: starting the hub as npm start does (simulated city in protocol mode, ${settings.historyMinutes} min of history, embedded PGlite in memory)`);
    const hubStartedAt = performance.now();
    hub = await startConsoleHub({ cameraCount: plan.cameraCount, unitCount: plan.unitCount, historyMinutes: settings.historyMinutes, seed: settings.seed });
    hubStartSeconds = (performance.now() - hubStartedAt) / 1000;
    log(`${city}: hub ready in ${hubStartSeconds.toFixed(1)} s at ${hub.origin}; opening the console in headless Chromium and signing in as an operator`);
    const pageStartedAt = performance.now();
    consolePage = await openConsolePage({ origin: hub.origin, purpose: PURPOSE });
    consoleReadySeconds = (performance.now() - pageStartedAt) / 1000;
    drawnAtReady = await layerCounts(consolePage);
    log(`${city}: console ready in ${consoleReadySeconds.toFixed(1)} s, drawing ${describeCounts(drawnAtReady)}`);
    if (drawnAtReady.cameras !== plan.cameraCount) notes.push(`the console drew ${drawnAtReady.cameras} of the city's ${plan.cameraCount} cameras at ready`);

    feed = createFleetFeed({
      sink: hub.running.hub.sink,
      units: hub.units,
      bounds: hub.bounds,
      fixesPerUnitPerSecond: settings.fixesPerUnitPerSecond,
      random: createRandom(settings.seed, 11),
      runTag: `bench-console-${randomBytes(3).toString('hex')}`,
      // One second of fixes: beyond that the hub is behind, and what is owed is skipped and counted.
      maxInFlight: Math.max(1, plan.unitCount * settings.fixesPerUnitPerSecond),
    });
    const gateway = hub.running.hub.gateway;
    for (const planned of plan.windows) {
      if (planned.feedOn) feed.start();
      else await feed.stop();
      log(`${city}: ${planned.label}: warm-up ${planned.warmupSeconds} s (fleet ${planned.feedOn ? `on, ${plan.unitCount * settings.fixesPerUnitPerSecond} fixes/s` : 'off'})`);
      await new Promise((resolve) => setTimeout(resolve, planned.warmupSeconds * 1000));
      log(`${city}: ${planned.label}: measuring ${planned.seconds} s`);
      windows.push(
        await measureConsoleWindow({
          label: planned.label,
          console: consolePage,
          feed,
          feedOn: planned.feedOn,
          seconds: planned.seconds,
          sampleSeconds: settings.sampleSeconds,
          subscriptionStats: () => gateway.subscriptionStats(),
          log: (line) => log(`${city}: ${line}`),
          profileFile: planned.feedOn && plan.cameraCount === settings.cameraCount ? settings.pageProfileFile : undefined,
        }),
      );
      if (!planned.feedOn) continue;
      const counts = windows.at(-1)!.feed;
      if (counts.failed > 0) notes.push(`${planned.label}: ${counts.failed} fixes failed, e.g. ${counts.failureSamples.join(' | ')}`);
      if (counts.skippedBehind > 0) notes.push(`${planned.label}: ${counts.skippedBehind} fixes skipped: the hub was behind`);
    }
    const drawnAtEnd = await layerCounts(consolePage).catch(() => null);
    return { plan, hubStartSeconds, consoleReadySeconds, drawnAtReady, drawnAtEnd, windows, gateway: hub.gateway, notes };
  } catch (error) {
    notes.push(`stopped early: ${error instanceof Error ? error.message : String(error)}`);
    return { plan, hubStartSeconds, consoleReadySeconds, drawnAtReady, drawnAtEnd: null, windows, gateway: hub?.gateway ?? null, notes };
  } finally {
    log(`${city}: closing the feed, the browser and the hub`);
    await feed?.stop();
    await consolePage?.close();
    await hub?.close();
  }
}

function layerCounts(consolePage: ConsolePage): Promise<LayerCounts> {
  return consolePage.page.evaluate(() => (window as unknown as { __console: { layerCounts(): LayerCounts } }).__console.layerCounts());
}

const describeCounts = (counts: LayerCounts) => `${counts.calls} calls, ${counts.incidents} incidents, ${counts.units} units, ${counts.cameras} cameras`;

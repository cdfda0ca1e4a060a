import pino from 'pino';
import { HUB_SETTINGS, readHubConfig } from '../../config/hubConfig';
import { consoleSettingsOf } from '../../console/serveConsole';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import type { FleetUnit } from './createFleetFeed';

/** Options of {@link startConsoleHub}. */
export interface ConsoleHubOptions {
  readonly cameraCount: number;
  readonly unitCount: number;
  readonly historyMinutes: number;
  readonly seed: number;
}

/** The hub as `npm start` runs it, on free ports of 127.0.0.1, and what the benchmark's feed needs from it. */
export interface ConsoleHub {
  readonly running: ConfiguredHub;
  /** `http://127.0.0.1:<port>`: the console is at `/`. */
  readonly origin: string;
  /** The console's watched area [west, south, east, north]. */
  readonly bounds: readonly [number, number, number, number];
  /** Every unit of the city, where the hub has it (or the middle of the city when it has no fix yet). */
  readonly units: readonly FleetUnit[];
  /** Where the gateway runs (GATEWAY_THREAD) and its least time between writes to a client (SUBSCRIPTION_FLUSH_INTERVAL_MS). */
  readonly gateway: { readonly thread: 'main' | 'worker'; readonly flushIntervalMs: number };
  close(): Promise<void>;
}

/**
 * The simulated city's own fixes: one an hour per unit, so that the benchmark's 10 Hz feed is
 * the fleet's AVL. The city still sends every unit's first position, its statuses, dispatches,
 * calls, incidents and camera health as `npm start` does.
 */
const CITY_POSITION_INTERVAL_MS = 3_600_000;

/**
 * Starts the whole hub in this process as `npm start` does (createConfiguredHub over
 * readHubConfig: the simulated city in protocol mode, every adapter, the console served at `/`)
 * with the given city, embedded PGlite in memory and the development issuer's key in memory;
 * waits until the hub holds every camera, then reads every unit's position through the public API.
 */
export async function startConsoleHub(options: ConsoleHubOptions): Promise<ConsoleHub> {
  const { cameraCount, unitCount, historyMinutes, seed } = options;
  // @apollo/gateway otherwise probes cloud metadata addresses when built and reports usage
  // when stopped: the benchmark talks to 127.0.0.1 only.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const config = readHubConfig({
    ...freePorts(),
    HOST: '127.0.0.1',
    PGLITE_DATA_DIR: 'memory',
    AUTH_DEV_KEY_FILE: 'memory',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    SIM_SEED: String(seed),
    SIM_CAMERAS: String(cameraCount),
    SIM_UNITS: String(unitCount),
    SIM_HISTORY_MINUTES: String(historyMinutes),
    SIM_POSITION_INTERVAL_MS: String(CITY_POSITION_INTERVAL_MS),
    // Where the gateway runs and how often it writes to a client may be tried out (README: GATEWAY_THREAD, SUBSCRIPTION_FLUSH_INTERVAL_MS).
    ...(process.env.GATEWAY_THREAD ? { GATEWAY_THREAD: process.env.GATEWAY_THREAD } : {}),
    ...(process.env.SUBSCRIPTION_FLUSH_INTERVAL_MS ? { SUBSCRIPTION_FLUSH_INTERVAL_MS: process.env.SUBSCRIPTION_FLUSH_INTERVAL_MS } : {}),
  });
  const running = await createConfiguredHub({ config, logger: pino({ level: config.logLevel }) });
  try {
    const origin = new URL(running.hub.gatewayUrl).origin;
    const { bounds } = consoleSettingsOf(config);
    await waitForCameras(running, cameraCount);
    const units = await readUnits(running, bounds);
    const gateway = { thread: config.gatewayThread, flushIntervalMs: config.subscriptionFlushIntervalMs };
    return { running, origin, bounds, units, gateway, close: () => running.close() };
  } catch (error) {
    await running.close();
    throw error;
  }
}

/**
 * The camera-csv adapter imports the simulated VMS's inventory file after the hub reports
 * ready; the console's first state should hold every camera, so wait for the last of them.
 */
async function waitForCameras(running: ConfiguredHub, cameraCount: number, timeoutMs = 180_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  let held = 0;
  while (Date.now() < giveUpAt) {
    const row = (await running.hub.subgraphs.cameras.db.table('cameras').count({ count: '*' }).first()) as { count: number | string } | undefined;
    held = Number(row?.count ?? 0);
    if (held >= cameraCount) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`bench: the hub held ${held} of the city's ${cameraCount} cameras after ${timeoutMs / 1000} s`);
}

type UnitPage = {
  units: { edges: { node: { id: string; position: { point: { lat: number; lon: number }; headingDegrees: number | null } | null } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};

/** Every unit, page by page (at most 100 a page), as a supervisor. */
async function readUnits(running: ConfiguredHub, bounds: readonly [number, number, number, number]): Promise<FleetUnit[]> {
  const { hub } = running;
  if (!hub.issueToken) throw new Error('bench: the hub has no development issuer');
  const token = await hub.issueToken({ subject: 'bench-console', roles: ['supervisor'] });
  const middle = { lat: (bounds[1] + bounds[3]) / 2, lon: (bounds[0] + bounds[2]) / 2 };
  const units: FleetUnit[] = [];
  let after: string | null = null;
  do {
    const response = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'query ($after: String) { units(first: 100, after: $after) { edges { node { id position { point { lat lon } headingDegrees } } } pageInfo { hasNextPage endCursor } } }',
        variables: { after },
      }),
    });
    const body = (await response.json()) as { data?: UnitPage; errors?: { message: string }[] };
    if (!body.data) throw new Error(`bench: units query failed: ${body.errors?.[0]?.message ?? response.status}`);
    for (const { node } of body.data.units.edges) {
      units.push({ unitId: node.id, point: node.position?.point ?? middle, headingDegrees: node.position?.headingDegrees ?? 0 });
    }
    after = body.data.units.pageInfo.hasNextPage ? body.data.units.pageInfo.endCursor : null;
  } while (after);
  return units;
}

/** Every port setting (the gateway's, each subgraph's, each adapter's listener) set to 0: free ports. */
function freePorts(): Record<string, string> {
  const names = Object.values(HUB_SETTINGS)
    .map((setting) => setting.name)
    .filter((name) => name === 'PORT' || name.endsWith('_PORT'));
  return Object.fromEntries(names.map((name) => [name, '0']));
}

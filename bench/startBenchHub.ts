import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createCitySimulation, createSimulatorAdapter } from '../simulator';
import { type Hub, createHub } from '../hub/createHub';
import { HUB_SETTINGS, readHubConfig } from '../config/hubConfig';
import { dropSchemas } from '../storage/dropSchemas';

/** Options of {@link startBenchHub}. */
export interface BenchHubOptions {
  /** PostgreSQL connection string; undefined runs on embedded PGlite. */
  readonly databaseUrl: string | undefined;
  readonly seed?: number;
  readonly unitCount?: number;
  readonly cameraCount?: number;
  /** Simulated time to play before measuring, in 1 s ticks. */
  readonly simulatedMinutes?: number;
  /** Simulated start; fixed so that a seed gives the same city every run. */
  readonly startAt?: Date;
}

/** A running hub holding a simulated city frozen at the end of its warm-up. */
export interface BenchHub {
  readonly hub: Hub;
  readonly storage: 'pglite' | 'postgres';
  readonly schemaPrefix: string;
  /** The secret subgraphs check gateway signatures with, for the direct path. */
  readonly subgraphSigningSecret: string;
  /** Events the simulator delivered. */
  readonly eventsDelivered: number;
  /** Stops the hub and, on PostgreSQL, drops the benchmark's schemas. */
  close(): Promise<void>;
}

const TICK_MS = 1000;

/**
 * Starts the whole hub on free ports with the simulated city driven by a fake clock: the
 * initial events on start, then one manual tick per simulated second, each awaited, so that the
 * data is deterministic and complete before any measurement. The clock then stays put, so no
 * write competes with the load and `stale` does not change while measuring.
 */
export async function startBenchHub(options: BenchHubOptions): Promise<BenchHub> {
  const {
    databaseUrl,
    seed = 1,
    unitCount = 40,
    cameraCount = 300,
    simulatedMinutes = 20,
    startAt = new Date('2026-11-23T18:00:00.000Z'),
  } = options;
  let clock = startAt;
  const now = () => clock;
  const ticker: { tick: (() => void) | null } = { tick: null };
  const adapterErrors: unknown[] = [];
  const simulation = createCitySimulation({ seed, startAt, unitCount, cameraCount });
  const adapter = createSimulatorAdapter({
    simulation,
    now,
    tickMs: TICK_MS,
    // Manual ticks: the benchmark calls the captured function itself.
    schedule: (_everyMs, fn) => {
      ticker.tick = fn;
      return () => {
        ticker.tick = null;
      };
    },
    onError: (error) => adapterErrors.push(error),
  });

  // @apollo/gateway otherwise probes cloud metadata addresses (169.254.169.254) when it is built
  // and exports usage metrics to Apollo when it stops: the benchmark talks to 127.0.0.1 only.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const schemaPrefix = `bench_${randomBytes(4).toString('hex')}_`;
  const subgraphSigningSecret = randomBytes(32).toString('hex');
  const config = readHubConfig({
    ...freePorts(),
    SIM_ENABLED: 'false',
    SUBGRAPH_SIGNING_SECRET: subgraphSigningSecret,
    AUTH_DEV_KEY_FILE: 'memory',
    PGLITE_DATA_DIR: 'memory',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'silent',
    DATABASE_SCHEMA_PREFIX: schemaPrefix,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  let hub: Hub | undefined;
  const close = async () => {
    await hub?.close();
    await dropSchemas(databaseUrl, schemaPrefix);
  };

  try {
    hub = await createHub({ config, logger: pino({ level: config.logLevel }), now, adapters: [adapter] });
    for (let second = 0; second < simulatedMinutes * 60; second += 1) {
      clock = new Date(clock.getTime() + TICK_MS);
      if (!ticker.tick) throw new Error('bench: the simulator adapter did not schedule its tick');
      ticker.tick();
      await adapter.idle();
    }
    await adapter.stop();
    const status = adapter.status();
    if (adapterErrors.length > 0 || status.emitFailures > 0 || status.skippedTicks > 0 || status.failedTicks > 0) {
      throw new Error(
        `bench: the simulated city did not play cleanly (${JSON.stringify(status)}): ${String(adapterErrors[0] ?? '')}`,
      );
    }
    return { hub, storage: databaseUrl ? 'postgres' : 'pglite', schemaPrefix, subgraphSigningSecret, eventsDelivered: status.accepted, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Every port setting (the gateway's and each subgraph's, whichever exist) set to 0: free ports. */
function freePorts(): Record<string, string> {
  const names = Object.values(HUB_SETTINGS)
    .map((setting) => setting.name)
    .filter((name) => name === 'PORT' || name.endsWith('_PORT'));
  return Object.fromEntries(names.map((name) => [name, '0']));
}

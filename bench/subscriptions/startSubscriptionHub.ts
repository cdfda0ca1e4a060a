import { randomBytes } from 'node:crypto';
import { dropSchemas } from '../../storage/dropSchemas';
import pino from 'pino';
import type { CameraDiscovered, DomainEvent, GeoPoint } from '../../contract';
import { createCitySimulation } from '../../simulator';
import { type Hub, createHub } from '../../hub/createHub';
import { readHubConfig } from '../../config/hubConfig';

/** Options of {@link startSubscriptionHub}. */
export interface SubscriptionHubOptions {
  readonly seed: number;
  readonly unitCount: number;
  readonly cameraCount: number;
  /** The simulated city's start; fixed so that a seed gives the same city every run. */
  readonly startAt?: Date;
}

/** A unit of the simulated city and where it was first seen. */
export interface CityUnit {
  readonly unitId: string;
  readonly point: GeoPoint;
}

/** A camera of the simulated city, as far as placing calls in its view needs. */
export interface CityCamera {
  readonly point: GeoPoint;
  readonly headingDegrees: number | null;
  readonly rangeMeters: number | null;
}

/** The hub on free ports of 127.0.0.1, holding the simulated city's cameras and units. */
export interface SubscriptionHub {
  readonly hub: Hub;
  /** The secret subgraphs check gateway signatures with, for the direct path. */
  readonly subgraphSigningSecret: string;
  readonly units: readonly CityUnit[];
  readonly cameras: readonly CityCamera[];
  /** Events loaded before the benchmark. */
  readonly loadedEvents: number;
  /** Where the hub stores: embedded PGlite, or PostgreSQL (DATABASE_URL). */
  readonly storage: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/**
 * Starts the whole hub in this process on embedded PGlite, without the simulator adapter, and
 * loads the simulated city's initial events (every camera, every unit's status and first fix).
 * The hub's clock is the system clock: the benchmark stamps fixes and calls with the time it
 * publishes them, so that receivers can measure latency without talking to this process.
 */
export async function startSubscriptionHub(options: SubscriptionHubOptions): Promise<SubscriptionHub> {
  const { seed, unitCount, cameraCount, startAt = new Date(Date.now() - 60_000) } = options;
  // @apollo/gateway otherwise probes cloud metadata addresses when built and reports usage
  // when stopped: the benchmark talks to 127.0.0.1 only.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const subgraphSigningSecret = randomBytes(32).toString('hex');
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const schemaPrefix = `bench_${randomBytes(4).toString('hex')}_`;
  const config = readHubConfig({
    // PostgreSQL when DATABASE_URL is set (in its own schemas, dropped at the end), else embedded PGlite.
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA_PREFIX: schemaPrefix } : {}),
    // The gateway's flush interval may be tried out (README: SUBSCRIPTION_FLUSH_INTERVAL_MS).
    ...(process.env.SUBSCRIPTION_FLUSH_INTERVAL_MS ? { SUBSCRIPTION_FLUSH_INTERVAL_MS: process.env.SUBSCRIPTION_FLUSH_INTERVAL_MS } : {}),
    // And where the gateway runs (README: GATEWAY_THREAD).
    ...(process.env.GATEWAY_THREAD ? { GATEWAY_THREAD: process.env.GATEWAY_THREAD } : {}),
    SUBGRAPH_SIGNING_SECRET: subgraphSigningSecret,
    AUTH_DEV_KEY_FILE: 'memory',
    PGLITE_DATA_DIR: 'memory',
    RATE_LIMIT_PER_MINUTE: '0',
    HOST: '127.0.0.1',
    PORT: '0',
    CALLS_PORT: '0',
    CAD_PORT: '0',
    AVL_PORT: '0',
    CAMERAS_PORT: '0',
    INGEST_PORT: '0',
    AUDIT_PORT: '0',
    COMMUNITY_PORT: '0',
    SIM_ENABLED: 'false',
    LOG_LEVEL: 'silent',
  });
  const hub = await createHub({ config, logger: pino({ level: config.logLevel }) });
  try {
    const initial = createCitySimulation({ seed, startAt, unitCount, cameraCount }).initialEvents();
    await loadEvents(hub, initial);
    const rejected = hub.sink.stats().rejected;
    if (rejected > 0) throw new Error(`bench: the hub rejected ${rejected} of the city's initial events`);
    return {
      hub,
      subgraphSigningSecret,
      units: initial.flatMap((event) => (event.type === 'position.fix' && event.unitId ? [{ unitId: event.unitId, point: event.point }] : [])),
      cameras: initial.filter((event): event is CameraDiscovered => event.type === 'camera.discovered').map(cameraOf),
      loadedEvents: initial.length,
      storage: databaseUrl ? 'postgres' : 'pglite',
      close: async () => {
        await hub.close();
        await dropSchemas(databaseUrl, schemaPrefix);
      },
    };
  } catch (error) {
    await hub.close();
    await dropSchemas(databaseUrl, schemaPrefix);
    throw error;
  }
}

/** One at a time, in the simulator's order (a unit's status before its first fix). */
async function loadEvents(hub: Hub, events: readonly DomainEvent[]): Promise<void> {
  for (const event of events) await hub.sink.emit(event);
}

function cameraOf(event: CameraDiscovered): CityCamera {
  return { point: event.location.point, headingDegrees: event.headingDegrees, rangeMeters: event.rangeMeters };
}

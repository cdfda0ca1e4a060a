import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SuppliedVendors } from '../adapters/adapterFactoryContext';
import { fileStemOf } from '../adapters/camera-csv';
import { type Adapter, type DomainEvent, isListening } from '../contract';
import type { OnvifDeviceConfig } from '../adapters/onvif-device';
import { type CitySimulation, advanceThroughHistory, createCitySimulation, createSimulatorAdapter } from '../simulator';
import { type SimulatedOnvifDevices, type SnapshotScene, type SnapshotServer, createProtocolSimulator, createSnapshotServer } from '../simulator/devices';
import {
  type CommunityProgramPlan,
  type EnrolmentReport,
  type ProgramActor,
  type SimulatedProgram,
  createSimulatedProgram,
  isCommunityCamera,
  planCommunityProgram,
  withoutCameras,
} from '../simulator/community';
import type { Hub } from './createHub';
import type { HubConfig } from '../config/hubConfig';

/** The simulated city, ready to be joined to a hub; the vendors it simulates are supplied to the configured adapters. */
export interface SimulatedCity extends SuppliedVendors {
  /** The call feed the live911 adapter should connect to (protocol mode). */
  readonly callFeedUrl: string | undefined;
  /** The simulated CAD's EIDO source secret, for the EIDO adapter to accept (protocol mode; else none). */
  readonly eidoSourceSecrets: ReadonlyMap<string, string>;
  /** The simulated ONVIF devices the onvif adapter should poll (protocol mode; else none). */
  readonly onvifDevices: readonly OnvifDeviceConfig[];
  /** The simulated VMS's camera CSV file, for the camera-csv adapter to watch (protocol mode; else none). */
  readonly cameraCsvFiles: readonly string[];
  /** Those devices' state and power switch, for demonstrations and tests; null when there are none. */
  readonly onvif: SimulatedOnvifDevices | null;
  /** The city's Community Connect program (SIM_COMMUNITY): its plan, and once started its owners and staff; null when off. */
  readonly community: SimulatedCommunity | null;
  /** Adapters the city needs besides the configured ones (direct mode: its own), given those (to find their endpoints). */
  adapters(configured: readonly Adapter[]): Adapter[];
  /**
   * Once the hub serves: registers the simulated fleet, sends the city's last SIM_HISTORY_MINUTES
   * (resolving once the hub has taken them), then follows the clock. On a hub that kept its data,
   * only the time since its latest call, incident or fix is lived again: the rest it holds.
   */
  start(hub: Hub): Promise<CityHistory>;
  stop(): Promise<void>;
}

/**
 * The simulated city's Community Connect program. `start` enrols it once the city is live and
 * resolves after, so that a hub that reports ready holds the program's cameras (as it holds the
 * VMS's): about 2–6 s for the default 300 cameras' 180 community ones (README).
 */
export interface SimulatedCommunity {
  readonly plan: CommunityProgramPlan;
  /** The owners and staff acting through the hub's API; null until `start` (and when the hub cannot sign their tokens). */
  readonly program: SimulatedProgram | null;
  /** What the enrolment did; null before it ended, or when it failed (the failure is logged; the city goes on without it). */
  readonly enrolment: EnrolmentReport | null;
  /** Resolves once the enrolment `start` ran has ended (with its report, or null when it failed or there was none); never rejects. */
  readonly enrolled: Promise<EnrolmentReport | null>;
}

/** The past a city brought when it started. */
export interface CityHistory {
  /** Where its history began: SIM_HISTORY_MINUTES ago, or where the hub's kept data ends when that is later. */
  readonly from: Date;
  /** The events it played (none when the city started live). */
  readonly events: number;
}

/** The wall clock and timers the city follows; tests pass their own. */
export interface SimulatedCityClock {
  /** Default the system clock. */
  readonly now?: () => Date;
  /** Calls `fn` every `everyMs` until the returned function is called; default `setInterval`. */
  readonly schedule?: (everyMs: number, fn: () => void) => () => void;
}

/** The source name the simulated CAD's EIDO POSTs authenticate as. */
const SIMULATED_CAD_SOURCE = 'sim-cad';

/** Once the city is live, its first new 911 call rings within this long, whatever the draw. */
export const FIRST_LIVE_CALL_WITHIN_MS = 20_000;

/** The history reaches back at most as far as this many calls (at SIM_CALLS_PER_MINUTE), so that a busy city is ready as soon as a quiet one. */
export const HISTORY_CALL_BUDGET = 500;
/** Position fixes the history's trails hold at most, all units together (one a minute each while they fit). */
export const HISTORY_FIX_BUDGET = 5_000;

/** How far back the history reaches, and how often it keeps a unit's position, within the budgets above. */
export function historyOf(config: Pick<HubConfig, 'simHistoryMinutes' | 'simCallsPerMinute' | 'simUnits'>): { minutes: number; positionEveryMs: number } {
  const minutes = Math.min(config.simHistoryMinutes, Math.floor(HISTORY_CALL_BUDGET / config.simCallsPerMinute));
  const positionEveryMs = Math.max(60_000, Math.ceil((minutes * 60_000 * config.simUnits) / HISTORY_FIX_BUDGET));
  return { minutes, positionEveryMs };
}

/** Events of the history sent at a time (see `goLive`). */
const HISTORY_SLICE = 250;

const everyMs = (ms: number, fn: () => void) => {
  const timer = setInterval(fn, ms);
  return () => clearInterval(timer);
};

/**
 * The simulated Mesa for `npm start`. In `protocols` mode it speaks each vendor protocol to
 * the hub's adapters over real sockets (NMEA datagrams to the AVL adapter, EIDO documents to
 * the CAD adapter, a Live911-style WebSocket feed, a camera CSV file, and SIM_ONVIF_CAMERAS PTZ
 * cameras as ONVIF devices that the onvif adapter polls and aims); in `direct` mode it hands
 * contract events straight to the hub.
 *
 * In protocol mode every camera id carries the CSV file's stem (`sim-cameras:cam-0011`), the
 * ONVIF cameras' too, so that a camera has the same id whichever protocol carries it.
 *
 * With SIM_HISTORY_MINUTES, the city starts that long ago: `start` plays its past through the
 * same road as live events (the adapter's sink, or the vendor protocols), each event at its own
 * time, before the hub reports ready; until then the simulation's clock is held where it is, so
 * that no tick runs ahead of the history. On a hub that kept its data, the past begins where that
 * data ends when that is later (`CitySimulation.beginLater`): a restart lives only the gap.
 */
export async function createSimulatedCity(config: HubConfig, logger: Logger, clock: SimulatedCityClock = {}): Promise<SimulatedCity> {
  const { now = () => new Date(), schedule = everyMs } = clock;
  const { minutes: historyMinutes, positionEveryMs } = historyOf(config);
  const historyMs = historyMinutes * 60_000;
  let live = historyMs === 0;
  // The simulated VMS's and Community Connect's stills, on this machine, so that a console's
  // tiles show a picture with no internet; it must listen before the cameras get their URLs.
  const scenes = new Map<string, Omit<SnapshotScene, 'at'>>();
  const log = logger.child({ component: 'simulator' });
  const snapshots = await listenForSnapshots(config, (cameraId) => scenes.get(cameraId) ?? null, now, log);
  const everything = createCitySimulation({
    snapshotUrlOf: ({ cameraId }) => snapshots.urlOf(cameraId),
    seed: config.simSeed,
    startAt: new Date(now().getTime() - historyMs),
    unitCount: config.simUnits,
    cameraCount: config.simCameras,
    callsPerMinute: config.simCallsPerMinute,
    positionIntervalMs: config.simPositionIntervalMs,
  });
  for (const event of everything.initialEvents()) {
    if (event.type !== 'camera.discovered') continue;
    const { cameraId, name, headingDegrees, fieldOfViewDegrees, ptz } = event;
    scenes.set(cameraId, { cameraId, name, headingDegrees, fieldOfViewDegrees, ptz });
  }
  // Community cameras enter the camera directory only through the program (its owners register
  // them, staff approve them): the city's own roads carry city cameras alone.
  const plan = config.simCommunity ? planCommunityProgram({ seed: config.simSeed, initialEvents: everything.initialEvents() }) : null;
  const communityCameraIds = new Set(everything.initialEvents().flatMap((event) => (isCommunityCamera(event) ? [event.cameraId] : [])));
  const simulation = withoutCameras(everything, communityCameraIds);
  const community = createCommunityRole(plan, { snapshots, sceneOf: (cameraId) => scenes.get(cameraId) ?? null, now, schedule: clock.schedule, log });
  /** The clock the simulation follows: held at its own time until the history is played. */
  const simulationNow = () => (live ? now() : simulation.now());
  /** Plays the past (when there is one), then lets the clock run and brings the first live call near. */
  const goLive = async (play: (events: DomainEvent[]) => Promise<void>): Promise<CityHistory> => {
    const from = simulation.now();
    let played = 0;
    if (!live) {
      const startedMs = performance.now();
      const history = advanceThroughHistory(simulation, now(), { positionEveryMs });
      // In slices, each taken before the next is sent: a whole hour at once would have every
      // adapter of this one process racing for the event loop, and HTTP sends time out.
      for (let start = 0; start < history.length; start += HISTORY_SLICE) await play(history.slice(start, start + HISTORY_SLICE));
      const minutes = Math.round((simulation.now().getTime() - from.getTime()) / 6_000) / 10;
      log.info({ events: history.length, minutes, ms: Math.round(performance.now() - startedMs) }, 'simulated city history played');
      played = history.length;
      live = true;
    }
    simulation.callNoLaterThan(new Date(simulation.now().getTime() + FIRST_LIVE_CALL_WITHIN_MS));
    return { from, events: played };
  };
  /** On a hub that kept its data, the city begins where that data ends (within its history), not an hour back again. */
  const beginAfterKeptData = async (hub: Hub) => {
    if (live) return;
    const keptUntil = await keptUntilOf(hub);
    if (keptUntil === null || keptUntil <= simulation.now().getTime()) return;
    const begin = new Date(Math.min(keptUntil, now().getTime()));
    log.info({ keptUntil: new Date(keptUntil).toISOString() }, 'simulated city goes on after the data the hub kept');
    simulation.beginLater(begin);
  };

  if (config.simMode === 'direct') {
    const adapter = createSimulatorAdapter({
      simulation,
      now: simulationNow,
      schedule,
      tickMs: config.simTickMs,
      onError: (error, event) => log.warn({ err: error, eventId: event?.eventId }, 'simulator event not applied'),
    });
    return {
      callFeedUrl: undefined,
      eidoSourceSecrets: new Map(),
      onvifDevices: [],
      cameraCsvFiles: [],
      onvif: null,
      get community() {
        return community.state();
      },
      adapters: () => [adapter],
      async start(hub) {
        await beginAfterKeptData(hub);
        await continueIncidentNumbers(simulation, hub);
        // The adapter's own road: it was started with the hub's sink.
        const history = await goLive(async (events) => {
          for (const event of events) {
            await hub.sink.emit(event).catch((error: unknown) => log.warn({ err: error, eventId: event.eventId }, 'simulator event not applied'));
          }
        });
        await community.begin(hub);
        return history;
      },
      async stop() {
        await community.stop();
        await snapshots.close();
      },
    };
  }

  const cameraCsvPath = join(mkdtempSync(join(tmpdir(), 'rtcc-hub-sim-')), 'sim-cameras.csv');
  // The simulated CAD authenticates as any CAD must: with a source secret, new in every process.
  const eidoSecret = randomBytes(24).toString('base64url');
  let configured: readonly Adapter[] = [];
  /** The configured adapter's listener of this transport (`udp`, `http`), as its simulated vendor sends to it. */
  const endpointOf = (name: string, scheme: string): URL => {
    const adapter = configured.find((candidate) => candidate.name === name);
    const endpoint = adapter && isListening(adapter) ? adapter.endpoints().find((url) => url.startsWith(`${scheme}://`)) : undefined;
    if (endpoint === undefined) throw new Error(`SIM_MODE=protocols needs the ${name} adapter listening on ${scheme}; enable it or use SIM_MODE=direct`);
    return new URL(endpoint);
  };
  const city = createProtocolSimulator({
    simulation,
    now: simulationNow,
    schedule,
    tickMs: config.simTickMs,
    avlUdp: () => ({ host: '127.0.0.1', port: Number(endpointOf('avl', 'udp').port) }),
    eidoUrl: () => endpointOf('eido-http', 'http').href,
    eidoAuthorization: `Basic ${Buffer.from(`${SIMULATED_CAD_SOURCE}:${eidoSecret}`).toString('base64')}`,
    callFeed: { port: 0 },
    cameraCsvPath,
    onvif: config.simOnvifCameras > 0 ? { cameras: config.simOnvifCameras, cameraIdOf: (cameraId) => `${fileStemOf(cameraCsvPath)}:${cameraId}` } : null,
    onError: (failure) => log.warn(failure, 'simulated vendor could not send'),
  });
  await city.listen();
  const onvif = city.onvif();
  return {
    callFeedUrl: city.callFeedUrl(),
    eidoSourceSecrets: new Map([[SIMULATED_CAD_SOURCE, eidoSecret]]),
    onvifDevices: onvif?.configs() ?? [],
    cameraCsvFiles: [cameraCsvPath],
    onvif,
    get community() {
      return community.state();
    },
    adapters: (adapters) => {
      configured = adapters;
      return [];
    },
    async start(hub) {
      await beginAfterKeptData(hub);
      await continueIncidentNumbers(simulation, hub);
      for (const assignment of city.deviceAssignments()) await hub.devices.assign(assignment.deviceId, assignment.unitId, now());
      // EIDO carries units only while they work an incident; the roster comes from the simulated CAD directly.
      for (const event of simulation.initialEvents()) {
        if (event.type === 'unit.statusChanged') await hub.sink.emit(event);
      }
      await city.start();
      const history = await goLive((events) => city.play(events));
      await community.begin(hub);
      return history;
    },
    async stop() {
      await community.stop();
      await city.stop();
      await snapshots.close();
    },
  };
}

/**
 * Where the data a hub kept ends, in ms: its latest 911 call, incident report or unit fix; null
 * when it holds none (a new data directory).
 */
async function keptUntilOf(hub: Hub): Promise<number | null> {
  const { calls, cad, avl } = hub.subgraphs;
  const latest = await Promise.all([
    calls.db.table('calls').max('received_at', { as: 'at' }).first(),
    cad.db.table('incidents').max('reported_at', { as: 'at' }).first(),
    avl.db.table('unit_positions').max('fix_at', { as: 'at' }).first(),
  ]);
  const times = latest.map((row) => (row?.at ? new Date(row.at as string | Date).getTime() : NaN)).filter((ms) => Number.isFinite(ms));
  return times.length === 0 ? null : Math.max(...times);
}

/**
 * On a hub that kept its data (the default data directory), the simulated CAD goes on from the
 * incident numbers it issued before, instead of issuing today's numbers again from 0001.
 */
async function continueIncidentNumbers(simulation: CitySimulation, hub: Hub): Promise<void> {
  const since = new Date(simulation.now().getTime() - 2 * 86_400_000);
  const numbers = (await hub.subgraphs.cad.db.table('incidents').where('reported_at', '>=', since).pluck('number')) as string[];
  simulation.continueIncidentNumbers(numbers);
}

/**
 * The stills' server on SIM_SNAPSHOT_PORT, or on a free port when that one is taken (another hub
 * or test on this machine): community owners registered these addresses, so a restarted city
 * should serve them where it did.
 */
async function listenForSnapshots(
  config: HubConfig,
  sceneOf: (cameraId: string) => Omit<SnapshotScene, 'at'> | null,
  now: () => Date,
  log: Logger,
): Promise<SnapshotServer> {
  const preferred = createSnapshotServer({ sceneOf, now, port: config.simSnapshotPort });
  try {
    await preferred.listen();
    return preferred;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || config.simSnapshotPort === 0) throw error;
    log.warn({ port: config.simSnapshotPort }, 'SIM_SNAPSHOT_PORT is taken: the simulated cameras serve on a free port (community cameras kept from an earlier run show no picture)');
    const fallback = createSnapshotServer({ sceneOf, now, port: 0 });
    await fallback.listen();
    return fallback;
  }
}

/** How often the simulated owners look at their footage requests. */
const OWNER_DESK_EVERY_MS = 5_000;

/** A development token per actor, signed again well before it expires. */
const PROGRAM_TOKEN_TTL_SECONDS = 3600;

/**
 * The city's part in Community Connect: enrol its owners through the hub's API at start, then
 * let the owners answer and the alarm go off. A program that cannot enrol (no development issuer
 * to sign its owners' tokens, an API that refuses) is logged and left out: the rest of the city
 * runs as before.
 */
function createCommunityRole(
  plan: CommunityProgramPlan | null,
  context: {
    snapshots: SnapshotServer;
    sceneOf: (cameraId: string) => Omit<SnapshotScene, 'at'> | null;
    now: () => Date;
    /** The city's timers (tests hold them still), else unref'd intervals: the program never keeps the process alive. */
    schedule: ((everyMs: number, fn: () => void) => () => void) | undefined;
    log: Logger;
  },
) {
  const { snapshots, sceneOf, now, log } = context;
  const schedule =
    context.schedule ??
    ((everyMs: number, fn: () => void) => {
      const timer = setInterval(fn, everyMs);
      timer.unref();
      return () => clearInterval(timer);
    });
  let program: SimulatedProgram | null = null;
  let enrolment: EnrolmentReport | null = null;
  let enrolled: Promise<EnrolmentReport | null> | null = null;
  let stopping = false;
  const run = async (hub: Hub): Promise<EnrolmentReport | null> => {
    const { issueToken } = hub;
    if (!plan) return null;
    if (!issueToken) {
      log.warn('the simulated community program needs the hub\'s development issuer (AUTH_ISSUER is set elsewhere): no community cameras');
      return null;
    }
    const tokens = new Map<string, { token: string; renewAtMs: number }>();
    const tokenFor = async (actor: ProgramActor) => {
      const key = actor === 'staff' ? 'staff' : `owner:${actor.ownerId}`;
      const cached = tokens.get(key);
      // Renewed by the wall clock: the gateway checks a token's expiry against it, not the city's clock.
      if (cached && cached.renewAtMs > Date.now()) return cached.token;
      const token = await issueToken(
        actor === 'staff'
          ? { subject: 'sim-program-staff', roles: ['supervisor'], ttlSeconds: PROGRAM_TOKEN_TTL_SECONDS }
          : { subject: `sim-${actor.ownerId}`, roles: ['camera-owner'], cameraOwner: actor.ownerId, ttlSeconds: PROGRAM_TOKEN_TTL_SECONDS },
      );
      tokens.set(key, { token, renewAtMs: Date.now() + (PROGRAM_TOKEN_TTL_SECONDS * 1000) / 2 });
      return token;
    };
    program = createSimulatedProgram({
      plan,
      gatewayUrl: hub.gatewayUrl,
      tokenFor,
      streamUrlOf: (cameraId) => snapshots.streamUrlOf(cameraId),
      snapshotUrlOf: (cameraId) => snapshots.urlOf(cameraId),
      sceneOf,
      now,
      schedule,
      deskEveryMs: OWNER_DESK_EVERY_MS,
      log,
    });
    try {
      enrolment = await program.enrol();
    } catch (error) {
      if (!stopping) log.warn({ err: error }, 'the simulated community program could not enrol its owners: no community cameras');
      return null;
    }
    // The owners' desk and the alarm follow the clock from now on.
    if (!stopping) program.start();
    return enrolment;
  };
  return {
    state: (): SimulatedCommunity | null => (plan ? { plan, program, enrolment, enrolled: enrolled ?? Promise.resolve(null) } : null),
    /** Enrols (once), resolving when done: a hub that reports ready holds the program's cameras. */
    begin(hub: Hub): Promise<EnrolmentReport | null> {
      return (enrolled ??= run(hub).catch((error: unknown) => {
        log.warn({ err: error }, 'the simulated community program failed');
        return null;
      }));
    },
    async stop() {
      stopping = true;
      await program?.stop();
      await enrolled;
    },
  };
}

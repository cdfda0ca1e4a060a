import { type CameraSource, type DomainEvent } from '../contract';
import { type CameraSite, createCameras } from './createCameras';
import { createRandom } from './createRandom';
import { createStreetGrid, type StreetGrid } from './createStreetGrid';
import { createUnits } from './createUnits';
import {
  type EventBody,
  type SimulationRandom,
  type SimulationSettings,
  type SimulationState,
  type SimulationWorld,
} from './simulationWorld';
import { nextOutageGapMs, outageEndMs, stepCameraHealth } from './stepCameraHealth';
import { stepCallTaking } from './stepCallTaking';
import { stepDispatch } from './stepDispatch';
import { positionFixOf, stepUnits } from './stepUnits';

/** Options of {@link createCitySimulation}. */
export interface CitySimulationOptions {
  /** Same seed and same `advance` calls give byte-identical events. */
  readonly seed: number;
  /** Simulated time of the initial events. */
  readonly startAt: Date;
  /** Patrol units; default 40. */
  readonly unitCount?: number;
  /** Cameras, city and community; default 300. */
  readonly cameraCount?: number;
  /** Mean rate of 911 calls (Poisson); default 4. */
  readonly callsPerMinute?: number;
  /** How often each unit reports its position; default 2000 ms. */
  readonly positionIntervalMs?: number;
  /** The fixed step the simulated clock advances by; default 1000 ms. */
  readonly stepMs?: number;
  /** Agency prefix of CAD incident numbers; default `MPD`. */
  readonly agencyPrefix?: string;
  /** The envelope `source` of every event; default `simulator`. */
  readonly source?: string;
  /**
   * Where a camera that offers stills serves them (e.g. a simulated VMS on this machine, see
   * `createSnapshotServer`); default the city's own addresses under `.sim.invalid`, which no
   * one serves. Cameras without stills (registered-only community cameras) keep none.
   */
  readonly snapshotUrlOf?: (camera: { readonly cameraId: string; readonly cameraSource: CameraSource }) => string;
}

/** A deterministic simulated city: no timers, no wall clock, no global randomness. */
export interface CitySimulation {
  readonly grid: StreetGrid;
  /** The simulated clock: `startAt`, then the last step `advance` reached. */
  now(): Date;
  /** What exists at `startAt`: every camera, every unit's status and first position. */
  initialEvents(): DomainEvent[];
  /**
   * Advances the clock in fixed steps up to `toTime` (a remainder shorter than a step waits
   * for the next call) and returns the events produced, in order. Earlier times return none.
   */
  advance(toTime: Date): DomainEvent[];
  /**
   * Incident numbers already issued (by an earlier run on the same data, say): each day's
   * sequence continues after the highest of that day, so that a restart never issues a number
   * twice. Numbers of another agency prefix or form are ignored.
   */
  continueIncidentNumbers(issued: Iterable<string>): void;
  /**
   * The next 911 call rings no later than `time` (when calls are on at all): a city that has
   * just come up should not leave its first call to the luck of the Poisson draw. It draws no
   * random number, so events stay a function of the seed and the calls made.
   */
  callNoLaterThan(time: Date): void;
  /**
   * Starts the city later, at `time`, before it has advanced at all: the same city (seed, units,
   * cameras, what `initialEvents` describes), begun then instead, as a simulation created with
   * that `startAt` would be. For a hub that kept its data: the past it already holds need not be
   * lived again. Incident numbers given to `continueIncidentNumbers` stay issued. Throws once the
   * city has advanced, or for a time before its start.
   */
  beginLater(time: Date): void;
}

/** Creates the simulated city around Mesa, Arizona; see {@link CitySimulationOptions}. */
export function createCitySimulation(options: CitySimulationOptions): CitySimulation {
  let city = beginCity(options);
  let begunAtMs = options.startAt.getTime();
  let advanced = false;
  return {
    grid: city.grid,
    now: () => city.now(),
    initialEvents: () => city.initialEvents(),
    advance(toTime) {
      const events = city.advance(toTime);
      advanced ||= city.now().getTime() !== begunAtMs;
      return events;
    },
    continueIncidentNumbers: (issued) => city.continueIncidentNumbers(issued),
    callNoLaterThan: (time) => city.callNoLaterThan(time),
    beginLater(time) {
      const timeMs = time.getTime();
      if (Number.isNaN(timeMs)) throw new RangeError('beginLater: time is an invalid Date');
      if (advanced) throw new Error('beginLater: the city has already advanced');
      if (timeMs < city.now().getTime()) throw new RangeError(`beginLater: ${time.toISOString()} is before the city's start, ${city.now().toISOString()}`);
      const issued = city.issuedIncidentNumbers();
      city = beginCity({ ...options, startAt: time });
      begunAtMs = timeMs;
      city.continueIncidentNumbers(issued);
    },
  };
}

/** The city begun at `options.startAt`, and the incident numbers it has been told of or issued. */
function beginCity(options: CitySimulationOptions): Omit<CitySimulation, 'beginLater'> & { issuedIncidentNumbers(): string[] } {
  const settings = resolveSettings(options);
  const grid = createStreetGrid();
  const random: SimulationRandom = {
    calls: createRandom(settings.seed, 1),
    units: createRandom(settings.seed, 2),
    cameras: createRandom(settings.seed, 3),
  };
  const { snapshotUrlOf } = options;
  const cameraSites = createCameras(grid, createRandom(settings.seed, 0), settings.cameraCount).map((site) =>
    snapshotUrlOf && site.snapshotUrl !== null ? { ...site, snapshotUrl: snapshotUrlOf(site) } : site,
  );
  const state: SimulationState = {
    nowMs: settings.startMs,
    units: createUnits(grid, random.units, {
      count: settings.unitCount,
      startMs: settings.startMs,
      positionIntervalMs: settings.positionIntervalMs,
    }),
    cameras: cameraSites.map(({ cameraId, status }) => ({ cameraId, status, backOnlineAtMs: null })),
    calls: new Map(),
    incidents: new Map(),
    nextCallAtMs: Infinity,
    nextOutageAtMs: Infinity,
    callSequence: 0,
    incidentSequence: 0,
    incidentNumberDay: '',
    incidentNumberSequence: 0,
    issuedIncidentNumbers: new Map(),
  };

  let sequence = 0;
  let outbox: DomainEvent[] = [];
  const world: SimulationWorld = {
    settings,
    grid,
    random,
    state,
    emit(body: EventBody) {
      sequence += 1;
      const envelope = {
        eventId: `sim-${settings.runTag}-${sequence}`,
        source: settings.source,
        occurredAt: new Date(state.nowMs).toISOString(),
      };
      outbox.push({ ...envelope, ...body });
    },
  };

  startCity(world, cameraSites);
  const initial = drain();
  return {
    grid,
    now: () => new Date(state.nowMs),
    initialEvents: () => [...initial],
    advance(toTime) {
      const targetMs = toTime.getTime();
      if (Number.isNaN(targetMs)) throw new RangeError('advance: toTime is an invalid Date');
      while (state.nowMs + settings.stepMs <= targetMs) {
        state.nowMs += settings.stepMs;
        step(world);
      }
      return drain();
    },
    continueIncidentNumbers(issued) {
      const form = new RegExp(`^${settings.agencyPrefix}(\\d{6})(\\d{4,})$`);
      for (const number of issued) {
        const match = form.exec(number);
        if (!match) continue;
        const [, day = '', sequenceText = ''] = match;
        const highest = Math.max(state.issuedIncidentNumbers.get(day) ?? 0, Number(sequenceText));
        state.issuedIncidentNumbers.set(day, highest);
        if (day === state.incidentNumberDay) state.incidentNumberSequence = Math.max(state.incidentNumberSequence, highest);
      }
    },
    callNoLaterThan(time) {
      const timeMs = time.getTime();
      if (Number.isNaN(timeMs)) throw new RangeError('callNoLaterThan: time is an invalid Date');
      if (settings.callsPerMinute > 0) state.nextCallAtMs = Math.min(state.nextCallAtMs, timeMs);
    },
    issuedIncidentNumbers: () =>
      [...state.issuedIncidentNumbers].map(([day, highest]) => `${settings.agencyPrefix}${day}${String(highest).padStart(4, '0')}`),
  };

  function drain(): DomainEvent[] {
    const events = outbox;
    outbox = [];
    return events;
  }
}

/** Emits what exists at the start and schedules the first call and camera outage. */
function startCity(world: SimulationWorld, sites: readonly CameraSite[]): void {
  const { state, settings, random } = world;
  sites.forEach((site) => world.emit(site));
  for (const camera of state.cameras) {
    if (camera.status === 'OFFLINE') camera.backOnlineAtMs = outageEndMs(world);
  }
  for (const unit of state.units) {
    const { unitId, callSign, status } = unit;
    world.emit({ type: 'unit.statusChanged', unitId, callSign, status, incidentId: null });
    world.emit(positionFixOf(world, unit));
  }
  if (settings.callsPerMinute > 0) {
    state.nextCallAtMs = settings.startMs + Math.round(random.calls.exponential(60_000 / settings.callsPerMinute));
  }
  state.nextOutageAtMs = settings.startMs + nextOutageGapMs(world);
}

/** One simulated step, as named phases in the order a dispatch floor works. */
function step(world: SimulationWorld): void {
  stepCallTaking(world);
  stepDispatch(world);
  stepUnits(world);
  stepCameraHealth(world);
}

function resolveSettings(options: CitySimulationOptions): SimulationSettings {
  const {
    seed,
    startAt,
    unitCount = 40,
    cameraCount = 300,
    callsPerMinute = 4,
    positionIntervalMs = 2000,
    stepMs = 1000,
    agencyPrefix = 'MPD',
    source = 'simulator',
  } = options;
  const startMs = startAt.getTime();
  const problems = [
    !Number.isFinite(seed) && 'seed must be a finite number',
    Number.isNaN(startMs) && 'startAt must be a valid Date',
    !isCount(unitCount, 999) && 'unitCount must be an integer from 0 to 999',
    !isCount(cameraCount, 9999) && 'cameraCount must be an integer from 0 to 9999',
    !(Number.isFinite(callsPerMinute) && callsPerMinute >= 0) && 'callsPerMinute must be a finite number >= 0',
    !(Number.isFinite(positionIntervalMs) && positionIntervalMs > 0) && 'positionIntervalMs must be > 0',
    !(Number.isInteger(stepMs) && stepMs > 0) && 'stepMs must be a positive integer',
    source.length === 0 && 'source must not be empty',
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length > 0) throw new RangeError(`createCitySimulation: ${problems.join('; ')}`);
  return {
    seed,
    startMs,
    unitCount,
    cameraCount,
    callsPerMinute,
    positionIntervalMs,
    stepMs,
    agencyPrefix,
    source,
    runTag: `${Math.trunc(seed).toString(36)}-${Math.floor(startMs / 1000).toString(36)}`,
  };
}

function isCount(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

import { assertNever } from '../../errors/assertNever';
import { type DomainEvent, type DomainEventType } from '../../contract';
import { type CitySimulation } from '../createCitySimulation';
import { type AvlDatagramChannel, type UdpTarget, createAvlDatagramChannel } from './createAvlDatagramChannel';
import { type CallFeedServer, type CallFeedServerOptions, createCallFeedServer } from './createCallFeedServer';
import { type CameraCsvChannel, createCameraCsvChannel } from './createCameraCsvChannel';
import { type EidoIncidentTracker, createEidoIncidentTracker } from './createEidoIncidentTracker';
import { type EidoPostChannel, createEidoPostChannel } from './createEidoPostChannel';
import { encodeCallFeedMessage } from './encodeCallFeedMessage';
import { type CameraRow } from './encodeCameraCsv';
import { type EidoDocument } from './encodeEido';
import { type OnvifDeviceFleet, type SimulatedOnvifDevices, createOnvifDeviceFleet } from './createOnvifDeviceFleet';
import { type DeviceAssignment, deviceAssignmentsOf, deviceIdForUnit, encodeNmeaFix } from './encodeNmeaFix';
import { type ProtocolFailure, type SimulatedProtocol } from './protocolFailure';

/** A value, or a function giving it when `start()` runs (e.g. a port only known once an adapter listens). */
export type Deferred<T> = T | (() => T);

/** Options of {@link createProtocolSimulator}; a protocol whose option is absent or null is off. */
export interface ProtocolSimulatorOptions {
  readonly simulation: CitySimulation;
  /** The clock the simulation follows; tests pass a fake one. */
  readonly now: () => Date;
  /** Calls `fn` every `everyMs` until the returned function is called (e.g. over `setInterval`). */
  readonly schedule: (everyMs: number, fn: () => void) => () => void;
  /** How often the simulation catches up with `now()`; default 1000 ms. */
  readonly tickMs?: number;
  /** AVL receiver: NMEA 0183 datagrams, one per fix. */
  readonly avlUdp?: Deferred<UdpTarget> | null;
  /** EIDO endpoint, e.g. the EIDO HTTP adapter's `http://host:port/eido`. */
  readonly eidoUrl?: Deferred<string> | null;
  /** `authorization` header of every EIDO POST (the endpoint's credentials, e.g. `Basic …`). */
  readonly eidoAuthorization?: string | null;
  /** The 911 call feed server to listen on; clients connect to {@link ProtocolSimulator.callFeedUrl}. */
  readonly callFeed?: CallFeedServerOptions | null;
  /** The camera inventory CSV file to keep current. */
  readonly cameraCsvPath?: string | null;
  /** Cameras that are ONVIF devices (the others stay in the CSV file). */
  readonly onvif?: OnvifFleetOptions | null;
  /** The CAD agency id in EIDO prologues. Default `cad.sim.invalid`. */
  readonly eidoAgencyId?: string;
  /** HTTP client for EIDO; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Told about every failure; the simulator carries on either way. */
  readonly onError?: (failure: ProtocolFailure | SimulationFailure) => void;
}

/** Which simulated cameras are ONVIF devices, and how the hub names them. */
export interface OnvifFleetOptions {
  /** How many: the first PTZ city cameras with an RTSP stream, in id order (fewer if the city has fewer). 0: none. */
  readonly cameras: number;
  /** Where the devices listen; default 127.0.0.1. */
  readonly host?: string;
  /** The hub's id for a simulated camera, given to the ONVIF adapter; default the simulation's own. */
  readonly cameraIdOf?: (cameraId: string) => string;
}

/** Advancing the simulation itself threw. */
export interface SimulationFailure {
  readonly protocol: 'simulation';
  readonly reason: 'advance-failed';
  readonly detail: string;
}

export interface ProtocolSimulatorStatus {
  readonly running: boolean;
  readonly ticks: number;
  readonly failedTicks: number;
  /** Null when the protocol is off. */
  readonly avl: ReturnType<AvlDatagramChannel['counts']> | null;
  readonly eido: (ReturnType<EidoPostChannel['counts']> & { readonly openIncidents: number }) | null;
  readonly callFeed: ReturnType<CallFeedServer['counts']> | null;
  readonly cameraCsv: ReturnType<CameraCsvChannel['counts']> | null;
  readonly onvif: ReturnType<OnvifDeviceFleet['counts']> | null;
  /**
   * Events no enabled protocol carries, by type: e.g. each unit's first status (EIDO speaks of
   * units only on an incident), or every event of a protocol that is off.
   */
  readonly notCarried: Readonly<Partial<Record<DomainEventType, number>>>;
  /** Events an encoder refused (also reported to `onError` as `unencodable`). */
  readonly unencodable: number;
}

export interface ProtocolSimulator {
  /**
   * Opens the call feed server and the ONVIF devices (if any), so that their URLs are known before
   * the hub starts, and writes the first camera inventory file. Idempotent.
   */
  listen(): Promise<void>;
  /** `ws://host:port/` of the call feed; throws before `listen` or when the feed is off. */
  callFeedUrl(): string;
  /** The simulated ONVIF devices (their adapter configurations, state and power), or null when the option is off. */
  onvif(): SimulatedOnvifDevices | null;
  /** The AVL device table the hub must hold before fixes arrive: one modem per unit. */
  deviceAssignments(): readonly DeviceAssignment[];
  /** Listens, sends the initial state (cameras file, first fixes), then follows the clock. */
  start(): Promise<void>;
  /**
   * Sends events the caller advanced the simulation for itself (its past, say: see
   * `advanceThroughHistory`) as a tick would, and resolves once they are sent. Only while running.
   */
  play(events: readonly DomainEvent[]): Promise<void>;
  /** Stops ticking, waits for sends in progress, closes sockets. Cannot be started again. */
  stop(): Promise<void>;
  /** Resolves once no send is in progress. */
  idle(): Promise<void>;
  status(): ProtocolSimulatorStatus;
}

/**
 * Plays a {@link CitySimulation} through the vendors' own protocols, so that the hub's real
 * adapters receive it: unit positions as NMEA 0183 over UDP, incidents and units as EIDO
 * POSTs, 911 calls over a Live911-style WebSocket feed, cameras as a CSV inventory file, and a
 * few PTZ cameras as ONVIF devices (SOAP over HTTP) that go off the network during outages.
 * Each tick advances the simulation to `now()`, encodes its events in order, and hands each
 * protocol its share; each protocol keeps its own order. A failed send never stops the
 * simulation: it is counted, reported, and for EIDO retried on the next tick.
 */
export function createProtocolSimulator(options: ProtocolSimulatorOptions): ProtocolSimulator {
  const { simulation, now, schedule, tickMs = 1000, onError } = options;
  if (!(tickMs > 0)) throw new RangeError(`createProtocolSimulator: tickMs must be > 0, got ${tickMs}`);
  const report = (failure: ProtocolFailure | SimulationFailure) => onError?.(failure);

  const callFeed = options.callFeed ? createCallFeedServer(options.callFeed, report) : null;
  const cameraCsv = options.cameraCsvPath ? createCameraCsvChannel(options.cameraCsvPath, report) : null;
  const onvif = options.onvif ? createOnvifDeviceFleet({ ...options.onvif, cameras: onvifCamerasOf(simulation.initialEvents(), options.onvif.cameras), now }, report) : null;
  const tracker: EidoIncidentTracker = createEidoIncidentTracker({ agencyId: options.eidoAgencyId });
  const cameras = new Map<string, CameraRow>();
  let avl: AvlDatagramChannel | null = null;
  let eido: EidoPostChannel | null = null;
  let assignments: readonly DeviceAssignment[] | null = null;
  let cancel: (() => void) | null = null;
  let phase: 'idle' | 'running' | 'stopped' = 'idle';
  let ticks = 0;
  let failedTicks = 0;
  let unencodable = 0;
  const notCarried: Partial<Record<DomainEventType, number>> = {};

  const skip = (event: DomainEvent) => {
    notCarried[event.type] = (notCarried[event.type] ?? 0) + 1;
  };

  /** Runs an encoder; an event it refuses is counted, reported and skipped. */
  function encode<T>(protocol: SimulatedProtocol, event: DomainEvent, encoder: () => T): T | null {
    try {
      return encoder();
    } catch (error) {
      unencodable += 1;
      skip(event);
      const detail = `${event.type} ${event.eventId}: ${error instanceof Error ? error.message : String(error)}`;
      report({ protocol, reason: 'unencodable', detail });
      return null;
    }
  }

  /** Encodes a batch of events in order and gives each protocol its share. */
  function route(events: readonly DomainEvent[]): void {
    const datagrams: string[] = [];
    const documents: EidoDocument[] = [];
    let camerasChanged = false;
    for (const event of events) {
      switch (event.type) {
        case 'position.fix': {
          const { unitId } = event;
          if (!avl || unitId === undefined) skip(event);
          else {
            const payload = encode('avl', event, () => encodeNmeaFix(event, deviceIdForUnit(unitId)));
            if (payload !== null) datagrams.push(payload);
          }
          break;
        }
        case 'call.received':
        case 'call.updated': {
          if (eido) tracker.accept(event); // call start times date the calls an incident lists
          if (!callFeed) skip(event);
          else {
            const message = encode('callFeed', event, () => JSON.stringify(encodeCallFeedMessage(event)));
            if (message !== null) callFeed.push(message);
          }
          break;
        }
        case 'incident.created':
        case 'incident.updated':
        case 'unit.statusChanged': {
          const document = eido ? encode('eido', event, () => tracker.accept(event)) : null;
          if (document) documents.push(document);
          else skip(event);
          break;
        }
        case 'camera.discovered': {
          const { eventId: _id, source: _source, occurredAt: _at, type: _type, ...row } = event;
          if (onvif?.carries(event.cameraId)) {
            onvif.describe(row);
            break;
          }
          cameras.set(event.cameraId, row);
          camerasChanged = true;
          if (!cameraCsv) skip(event);
          break;
        }
        case 'camera.statusChanged': {
          if (onvif?.carries(event.cameraId)) {
            onvif.setOnline(event.cameraId, event.status === 'ONLINE');
            break;
          }
          const camera = cameras.get(event.cameraId);
          if (camera) {
            cameras.set(event.cameraId, { ...camera, status: event.status });
            camerasChanged = true;
          }
          if (!cameraCsv || !camera) skip(event);
          break;
        }
        case 'camera.withdrawn':
          // Community Connect's, never a simulated device's: no protocol carries it.
          skip(event);
          break;
        default:
          assertNever(event);
      }
    }
    avl?.send(datagrams);
    if (documents.length > 0) eido?.post(documents);
    else eido?.retry();
    if (camerasChanged) cameraCsv?.write(() => [...cameras.values()]);
    else cameraCsv?.retry();
    onvif?.retry();
  }

  function tick(): void {
    if (phase !== 'running') return;
    ticks += 1;
    let events: DomainEvent[];
    try {
      events = simulation.advance(now());
    } catch (error) {
      failedTicks += 1;
      report({ protocol: 'simulation', reason: 'advance-failed', detail: error instanceof Error ? error.message : String(error) });
      return;
    }
    route(events);
  }

  const resolve = <T>(value: Deferred<T>): T => (typeof value === 'function' ? (value as () => T)() : value);

  async function idle(): Promise<void> {
    await Promise.all([avl?.idle(), eido?.idle(), cameraCsv?.idle(), onvif?.idle()]);
  }

  return {
    listen: async () => {
      await callFeed?.listen();
      await onvif?.listen();
      // The VMS's export is on disk before the hub starts, as a real one would be, so that the
      // camera-csv adapter imports the cameras when it starts: a hub that reports ready has them.
      if (cameraCsv && cameras.size === 0) {
        for (const event of simulation.initialEvents()) {
          if (event.type !== 'camera.discovered' || onvif?.carries(event.cameraId)) continue;
          const { eventId: _id, source: _source, occurredAt: _at, type: _type, ...row } = event;
          cameras.set(event.cameraId, row);
        }
        if (cameras.size > 0) cameraCsv.write(() => [...cameras.values()]);
        await cameraCsv.idle();
      }
    },
    callFeedUrl() {
      const url = callFeed?.url() ?? '';
      if (url === '') throw new Error(callFeed ? 'protocol simulator: call feed is not listening yet' : 'protocol simulator: no callFeed option');
      return url;
    },
    onvif: () => onvif,
    deviceAssignments() {
      assignments ??= deviceAssignmentsOf(simulation.initialEvents());
      return assignments;
    },
    async start() {
      if (phase !== 'idle') throw new Error(`protocol simulator: cannot start when ${phase}`);
      await callFeed?.listen();
      await onvif?.listen();
      if (options.avlUdp) avl = createAvlDatagramChannel(resolve(options.avlUdp), report);
      if (options.eidoUrl) {
        eido = createEidoPostChannel({ url: resolve(options.eidoUrl), fetch: options.fetch, authorization: options.eidoAuthorization ?? null }, report);
      }
      phase = 'running';
      route(simulation.initialEvents());
      cancel = schedule(tickMs, tick);
    },
    async play(events) {
      if (phase !== 'running') throw new Error(`protocol simulator: cannot play events when ${phase}`);
      route(events);
      await idle();
    },
    async stop() {
      const wasRunning = phase === 'running';
      phase = 'stopped';
      cancel?.();
      cancel = null;
      if (wasRunning) await idle();
      await Promise.all([avl?.close(), callFeed?.close(), onvif?.close()]);
    },
    idle,
    status: () => ({
      running: phase === 'running',
      ticks,
      failedTicks,
      avl: avl?.counts() ?? null,
      eido: eido ? { ...eido.counts(), openIncidents: tracker.openIncidents() } : null,
      callFeed: callFeed?.counts() ?? null,
      cameraCsv: cameraCsv?.counts() ?? null,
      onvif: onvif?.counts() ?? null,
      notCarried: { ...notCarried },
      unencodable,
    }),
  };
}

/** The first `count` PTZ city cameras that stream over RTSP, in the order the city placed them. */
function onvifCamerasOf(initial: readonly DomainEvent[], count: number): CameraRow[] {
  const chosen: CameraRow[] = [];
  for (const event of initial) {
    if (chosen.length >= count) break;
    if (event.type !== 'camera.discovered' || !event.ptz || event.cameraSource !== 'CITY_VMS') continue;
    if (!event.streams.some((stream) => stream.protocol === 'RTSP' && stream.profile)) continue;
    const { eventId: _id, source: _source, occurredAt: _at, type: _type, ...row } = event;
    chosen.push(row);
  }
  return chosen;
}

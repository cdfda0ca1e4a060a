import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AvlAdapter } from '../adapters/avl';
import { createCameraCsvAdapter } from '../adapters/camera-csv';
import type { Adapter } from '../adapters/contract';
import type { EidoHttpAdapter } from '../adapters/eido-http';
import { createCitySimulation, createSimulatorAdapter } from '../adapters/simulator';
import { createProtocolSimulator } from '../adapters/simulator/protocols';
import type { Hub } from './createHub';
import type { HubConfig } from './hubConfig';

/** The simulated city, ready to be joined to a hub. */
export interface SimulatedCity {
  /** The call feed the live911 adapter should connect to (protocol mode). */
  readonly callFeedUrl: string | undefined;
  /** Adapters the city needs besides the configured ones, given those (to find their ports). */
  adapters(configured: readonly Adapter[]): Adapter[];
  /** Once the hub serves: registers the simulated fleet and starts sending. */
  start(hub: Hub): Promise<void>;
  stop(): Promise<void>;
}

const everyMs = (ms: number, fn: () => void) => {
  const timer = setInterval(fn, ms);
  return () => clearInterval(timer);
};

/**
 * The simulated Mesa for `npm start`. In `protocols` mode it speaks each vendor protocol to
 * the hub's adapters over real sockets (NMEA datagrams to the AVL adapter, EIDO documents to
 * the CAD adapter, a Live911-style WebSocket feed, a camera CSV file); in `direct` mode it
 * hands contract events straight to the hub.
 */
export async function createSimulatedCity(config: HubConfig, logger: Logger): Promise<SimulatedCity> {
  const now = () => new Date();
  const simulation = createCitySimulation({
    seed: config.simSeed,
    startAt: now(),
    unitCount: config.simUnits,
    cameraCount: config.simCameras,
    callsPerMinute: config.simCallsPerMinute,
    positionIntervalMs: config.simPositionIntervalMs,
  });
  const log = logger.child({ component: 'simulator' });

  if (config.simMode === 'direct') {
    const adapter = createSimulatorAdapter({
      simulation,
      now,
      schedule: everyMs,
      tickMs: config.simTickMs,
      onError: (error, event) => log.warn({ err: error, eventId: event?.eventId }, 'simulator event not applied'),
    });
    return { callFeedUrl: undefined, adapters: () => [adapter], start: async () => undefined, stop: async () => undefined };
  }

  const cameraCsvPath = join(mkdtempSync(join(tmpdir(), 'rtcc-hub-sim-')), 'sim-cameras.csv');
  let configured: readonly Adapter[] = [];
  const find = <T extends Adapter>(name: string) => {
    const adapter = configured.find((candidate) => candidate.name === name);
    if (!adapter) throw new Error(`SIM_MODE=protocols needs the ${name} adapter; enable it or use SIM_MODE=direct`);
    return adapter as T;
  };
  const city = createProtocolSimulator({
    simulation,
    now,
    schedule: everyMs,
    tickMs: config.simTickMs,
    avlUdp: () => ({ host: '127.0.0.1', port: find<AvlAdapter>('avl').addresses().udpPort ?? 0 }),
    eidoUrl: () => find<EidoHttpAdapter>('eido-http').url(),
    callFeed: { port: 0 },
    cameraCsvPath,
    onError: (failure) => log.warn(failure, 'simulated vendor could not send'),
  });
  await city.listen();
  return {
    callFeedUrl: city.callFeedUrl(),
    adapters: (adapters) => {
      configured = adapters;
      return [createCameraCsvAdapter({ name: 'camera-csv', files: [cameraCsvPath], now })];
    },
    async start(hub) {
      for (const assignment of city.deviceAssignments()) await hub.devices.assign(assignment.deviceId, assignment.unitId, now());
      // EIDO carries units only while they work an incident; the roster comes from the simulated CAD directly.
      for (const event of simulation.initialEvents()) {
        if (event.type === 'unit.statusChanged') await hub.sink.emit(event);
      }
      await city.start();
    },
    stop: () => city.stop(),
  };
}

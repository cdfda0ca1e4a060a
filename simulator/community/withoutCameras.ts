import { type DomainEvent } from '../../contract';
import { type CitySimulation } from '../createCitySimulation';

/**
 * The same simulation without the events of some cameras (their discovery and status changes):
 * the community cameras, which enter the camera directory only through the Community Connect
 * program, so that the city's direct road (the simulator adapter, the VMS's CSV file) must not
 * bring them too. Everything else passes unchanged and in order; the simulation itself draws the
 * same numbers, so the city stays what its seed makes it.
 */
export function withoutCameras(simulation: CitySimulation, cameraIds: ReadonlySet<string>): CitySimulation {
  if (cameraIds.size === 0) return simulation;
  const keep = (event: DomainEvent) => !((event.type === 'camera.discovered' || event.type === 'camera.statusChanged') && cameraIds.has(event.cameraId));
  return {
    get grid() {
      return simulation.grid;
    },
    now: () => simulation.now(),
    initialEvents: () => simulation.initialEvents().filter(keep),
    advance: (toTime) => simulation.advance(toTime).filter(keep),
    continueIncidentNumbers: (issued) => simulation.continueIncidentNumbers(issued),
    callNoLaterThan: (time) => simulation.callNoLaterThan(time),
    beginLater: (time) => simulation.beginLater(time),
  };
}

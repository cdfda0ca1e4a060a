import { type SimIncident, type SimUnit, type SimulationWorld } from './simulationWorld';

/** Seconds between a unit being dispatched and it starting to drive. */
const ACKNOWLEDGE_SECONDS: readonly [number, number] = [5, 30];
/** Minutes on scene before the incident is closed, by priority (index 0 is priority 1). */
const ON_SCENE_MINUTES: readonly (readonly [number, number])[] = [
  [12, 25],
  [8, 18],
  [4, 12],
  [3, 10],
  [2, 6],
];

/**
 * One step of the simulated CAD: dispatched units go en route, units that reached their
 * incident go on scene, incidents whose work is done close, and pending incidents get the
 * nearest available units, most urgent first.
 */
export function stepDispatch(world: SimulationWorld): void {
  startDriving(world);
  arriveOnScene(world);
  closeFinishedIncidents(world);
  assignPendingIncidents(world);
}

function startDriving(world: SimulationWorld): void {
  const { state, grid, random } = world;
  for (const unit of state.units) {
    if (unit.status !== 'DISPATCHED' || state.nowMs < unit.waitUntilMs) continue;
    const incident = incidentOf(world, unit);
    unit.route = grid.route(unit.position, incident.point);
    // Lights and siren for the urgent ones.
    unit.cruiseKph = incident.type.priority <= 2 ? random.units.between(70, 95) : random.units.between(55, 75);
    setUnitStatus(world, unit, 'ENROUTE');
    if (incident.status === 'DISPATCHED') setIncidentStatus(world, incident, 'ENROUTE');
  }
}

function arriveOnScene(world: SimulationWorld): void {
  const { state, random } = world;
  for (const unit of state.units) {
    if (unit.status !== 'ENROUTE' || unit.route.length > 0) continue;
    const incident = incidentOf(world, unit);
    setUnitStatus(world, unit, 'ON_SCENE');
    if (incident.status !== 'ON_SCENE') {
      const [min, max] = ON_SCENE_MINUTES[incident.type.priority - 1] ?? [5, 10];
      incident.closeAtMs = state.nowMs + random.units.int(min * 60, max * 60) * 1000;
      setIncidentStatus(world, incident, 'ON_SCENE');
    }
  }
}

function closeFinishedIncidents(world: SimulationWorld): void {
  const { state } = world;
  for (const incident of [...state.incidents.values()]) {
    if (incident.closeAtMs === null || state.nowMs < incident.closeAtMs) continue;
    setIncidentStatus(world, incident, 'CLOSED');
    for (const unitId of incident.unitIds) {
      const unit = state.units.find((candidate) => candidate.unitId === unitId);
      if (!unit || unit.incidentId !== incident.incidentId) continue;
      unit.incidentId = null;
      unit.route = [];
      unit.waitUntilMs = state.nowMs;
      setUnitStatus(world, unit, 'AVAILABLE');
    }
    state.incidents.delete(incident.incidentId);
  }
}

function assignPendingIncidents(world: SimulationWorld): void {
  const { state, grid, random } = world;
  const pending = [...state.incidents.values()]
    .filter((incident) => incident.status === 'PENDING')
    // Map order is creation order, and sort is stable: equal priorities stay first come, first served.
    .sort((a, b) => a.type.priority - b.type.priority);
  for (const incident of pending) {
    const available = state.units.filter((unit) => unit.status === 'AVAILABLE');
    if (available.length === 0) return;
    const distanceTo = (unit: SimUnit): number =>
      grid.routeLengthMeters(grid.route(unit.position, incident.point));
    const nearest = available
      .map((unit) => ({ unit, distance: distanceTo(unit) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, incident.type.priority <= 2 ? 2 : 1);
    for (const { unit } of nearest) {
      unit.incidentId = incident.incidentId;
      unit.waitUntilMs = state.nowMs + random.units.int(...ACKNOWLEDGE_SECONDS) * 1000;
      incident.unitIds.push(unit.unitId);
      setUnitStatus(world, unit, 'DISPATCHED');
    }
    setIncidentStatus(world, incident, 'DISPATCHED');
  }
}

function incidentOf(world: SimulationWorld, unit: SimUnit): SimIncident {
  const incident = unit.incidentId === null ? undefined : world.state.incidents.get(unit.incidentId);
  if (!incident) throw new Error(`simulator: ${unit.unitId} is ${unit.status} without an open incident`);
  return incident;
}

function setUnitStatus(world: SimulationWorld, unit: SimUnit, status: SimUnit['status']): void {
  unit.status = status;
  world.emit({
    type: 'unit.statusChanged',
    unitId: unit.unitId,
    callSign: unit.callSign,
    status,
    incidentId: unit.incidentId,
  });
}

function setIncidentStatus(world: SimulationWorld, incident: SimIncident, status: SimIncident['status']): void {
  incident.status = status;
  world.emit({ type: 'incident.updated', incidentId: incident.incidentId, status });
}

import { initialBearingDegrees } from '../geo/geodesy';
import { followRoute } from './followRoute';
import { type GridPoint } from './createStreetGrid';
import { roundHeading, roundPoint, roundTo } from './rounding';
import { type EventBody, type SimUnit, type SimulationWorld } from './simulationWorld';

/** Patrol speeds, km/h: residential and arterial streets. */
const PATROL_KPH: readonly [number, number] = [40, 60];
/** Time a patrol unit stays parked between legs, seconds. */
const PATROL_PAUSE_SECONDS: readonly [number, number] = [0, 300];

/**
 * One step of driving: available units patrol their district, en-route units drive to their
 * incident, units on scene stand still; then every unit whose fix is due reports its position.
 */
export function stepUnits(world: SimulationWorld): void {
  for (const unit of world.state.units) {
    planPatrol(world, unit);
    drive(world, unit);
    reportPosition(world, unit);
  }
}

function planPatrol(world: SimulationWorld, unit: SimUnit): void {
  const { random, grid, state } = world;
  if (unit.status !== 'AVAILABLE' || unit.route.length > 0 || state.nowMs < unit.waitUntilMs) return;
  const destination = grid.randomStreetPoint(random.units, unit.district);
  unit.route = grid.route(unit.position, destination);
  unit.cruiseKph = random.units.between(...PATROL_KPH);
}

function drive(world: SimulationWorld, unit: SimUnit): void {
  // Dispatched units keep rolling on their patrol route until they acknowledge and go en route.
  const moving = unit.route.length > 0 && unit.status !== 'ON_SCENE';
  if (!moving) {
    unit.speedKph = 0;
    return;
  }
  const meters = (unit.cruiseKph / 3.6) * (world.settings.stepMs / 1000);
  const progress = followRoute(unit.position, unit.route, meters);
  unit.headingDegrees = headingOf(world, progress.position, progress.route, unit.headingDegrees);
  unit.position = progress.position;
  unit.route = progress.route;
  unit.speedKph = unit.cruiseKph;
  if (progress.route.length === 0 && unit.status === 'AVAILABLE') {
    unit.waitUntilMs = world.state.nowMs + world.random.units.int(...PATROL_PAUSE_SECONDS) * 1000;
  }
}

function headingOf(world: SimulationWorld, position: GridPoint, route: readonly GridPoint[], previous: number): number {
  const next = route.find((point) => point.x !== position.x || point.y !== position.y);
  if (!next) return previous;
  return initialBearingDegrees(world.grid.toLatLon(position), world.grid.toLatLon(next));
}

function reportPosition(world: SimulationWorld, unit: SimUnit): void {
  const { state, settings } = world;
  if (state.nowMs < unit.nextFixAtMs) return;
  world.emit(positionFixOf(world, unit));
  unit.nextFixAtMs += settings.positionIntervalMs;
  // A modem reporting faster than the step still sends one fix per step, not a burst.
  if (unit.nextFixAtMs <= state.nowMs) unit.nextFixAtMs = state.nowMs + settings.positionIntervalMs;
}

/** The unit's position as an AVL fix taken now. */
export function positionFixOf(world: SimulationWorld, unit: SimUnit): EventBody {
  return {
    type: 'position.fix',
    unitId: unit.unitId,
    point: roundPoint(world.grid.toLatLon(unit.position)),
    headingDegrees: roundHeading(unit.headingDegrees),
    speedKph: roundTo(unit.speedKph, 1),
    fixAt: new Date(world.state.nowMs).toISOString(),
  };
}

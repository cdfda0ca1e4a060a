import { type SimCamera, type SimulationWorld } from './simulationWorld';

/** Mean time between outages of one camera. */
const CAMERA_MEAN_HOURS_BETWEEN_OUTAGES = 12;
/** How long an outage lasts, seconds. */
const OUTAGE_SECONDS: readonly [number, number] = [120, 1200];

/**
 * One step of camera health: cameras whose outage is over come back online, and outages
 * strike random online cameras as a Poisson process over the whole fleet.
 */
export function stepCameraHealth(world: SimulationWorld): void {
  const { state, random } = world;
  for (const camera of state.cameras) {
    if (camera.backOnlineAtMs !== null && camera.backOnlineAtMs <= state.nowMs) {
      camera.backOnlineAtMs = null;
      setCameraStatus(world, camera, 'ONLINE');
    }
  }
  if (state.cameras.length === 0) return;
  while (state.nextOutageAtMs <= state.nowMs) {
    const camera = random.cameras.pick(state.cameras);
    if (camera.status === 'ONLINE') {
      camera.backOnlineAtMs = outageEndMs(world);
      setCameraStatus(world, camera, 'OFFLINE');
    }
    state.nextOutageAtMs += nextOutageGapMs(world);
  }
}

/** When an outage starting now ends. */
export function outageEndMs(world: SimulationWorld): number {
  return world.state.nowMs + world.random.cameras.int(...OUTAGE_SECONDS) * 1000;
}

/** Gap to the next outage anywhere in the fleet. */
export function nextOutageGapMs(world: SimulationWorld): number {
  const meanGapMs = (CAMERA_MEAN_HOURS_BETWEEN_OUTAGES * 3600_000) / Math.max(1, world.state.cameras.length);
  return Math.max(1, Math.round(world.random.cameras.exponential(meanGapMs)));
}

function setCameraStatus(world: SimulationWorld, camera: SimCamera, status: SimCamera['status']): void {
  camera.status = status;
  world.emit({ type: 'camera.statusChanged', cameraId: camera.cameraId, status });
}

import { type GridPoint } from './createStreetGrid';

/** Where a vehicle is after driving part of its route. */
export interface RouteProgress {
  readonly position: GridPoint;
  /** Waypoints still ahead; empty once the destination is reached. */
  readonly route: GridPoint[];
}

/** Moves `distanceMeters` from `position` through the `route` waypoints, in order. */
export function followRoute(position: GridPoint, route: readonly GridPoint[], distanceMeters: number): RouteProgress {
  let current = position;
  let remaining = distanceMeters;
  let next = 0;
  while (next < route.length && remaining > 0) {
    const target = route[next] as GridPoint;
    const dx = target.x - current.x;
    const dy = target.y - current.y;
    const length = Math.hypot(dx, dy);
    if (length <= remaining) {
      // Land exactly on the waypoint so that positions stay on the street lines.
      current = target;
      remaining -= length;
      next += 1;
    } else {
      const fraction = remaining / length;
      current = { x: current.x + dx * fraction, y: current.y + dy * fraction };
      remaining = 0;
    }
  }
  return { position: current, route: route.slice(next) };
}

import { badUserInput } from '../errors/hubErrors';
import { isValidLatLon, type LatLon } from '../geo/geodesy';

/** Largest radius a nearby search accepts: a city and its surroundings. */
export const MAX_NEARBY_RADIUS_METERS = 100_000;
/** Most results a nearby search returns. */
export const MAX_NEARBY_LIMIT = 100;

export interface NearbyArguments {
  radiusMeters?: number | null;
  limit?: number | null;
}

/** Applies defaults to `radiusMeters` and `limit` and rejects values out of range. */
export function resolveNearbyArguments(
  args: NearbyArguments,
  defaults: { radiusMeters: number; limit: number },
): { radiusMeters: number; limit: number } {
  const radiusMeters = args.radiusMeters ?? defaults.radiusMeters;
  const limit = args.limit ?? defaults.limit;
  if (!(radiusMeters > 0 && radiusMeters <= MAX_NEARBY_RADIUS_METERS)) {
    throw badUserInput('radiusMeters', `must be more than 0 and at most ${MAX_NEARBY_RADIUS_METERS}, got ${radiusMeters}`);
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_NEARBY_LIMIT) {
    throw badUserInput('limit', `must be an integer from 1 to ${MAX_NEARBY_LIMIT}, got ${limit}`);
  }
  return { radiusMeters, limit };
}

/** Rejects a point argument outside WGS 84 ranges. */
export function requireValidPoint(point: { lat: number; lon: number }, argument = 'point'): LatLon {
  if (!isValidLatLon(point)) {
    throw badUserInput(argument, `must have lat in [-90, 90] and lon in [-180, 180], got (${point.lat}, ${point.lon})`);
  }
  return point;
}

/** Polygons drawn on the map in metres around a point (a spherical Earth is close enough to draw). */

const EARTH_RADIUS_METERS = 6_371_008.8;
const toRadians = (degrees: number) => (degrees * Math.PI) / 180;
const toDegrees = (radians: number) => (radians * 180) / Math.PI;

/** The point `distance` metres from (lat, lon) along `bearing` degrees clockwise from north, as [lon, lat]. */
export function offsetPoint(lat: number, lon: number, bearingDegrees: number, distanceMeters: number): [number, number] {
  const angular = distanceMeters / EARTH_RADIUS_METERS;
  const bearing = toRadians(bearingDegrees);
  const phi1 = toRadians(lat);
  const phi2 = Math.asin(Math.sin(phi1) * Math.cos(angular) + Math.cos(phi1) * Math.sin(angular) * Math.cos(bearing));
  const lambda2 = toRadians(lon) + Math.atan2(Math.sin(bearing) * Math.sin(angular) * Math.cos(phi1), Math.cos(angular) - Math.sin(phi1) * Math.sin(phi2));
  return [toDegrees(lambda2), toDegrees(phi2)];
}

/** A closed ring approximating the circle of `radius` metres around (lat, lon): location uncertainty. */
export function circleRing(lat: number, lon: number, radiusMeters: number, steps = 32): [number, number][] {
  const ring: [number, number][] = [];
  for (let step = 0; step <= steps; step += 1) ring.push(offsetPoint(lat, lon, (360 * step) / steps, radiusMeters));
  return ring;
}

/** A closed ring of a camera's view cone: heading ± fieldOfView/2 out to its range. */
export function coneRing(lat: number, lon: number, headingDegrees: number, fieldOfViewDegrees: number, rangeMeters: number, steps = 12): [number, number][] {
  const ring: [number, number][] = [[lon, lat]];
  const start = headingDegrees - fieldOfViewDegrees / 2;
  for (let step = 0; step <= steps; step += 1) ring.push(offsetPoint(lat, lon, start + (fieldOfViewDegrees * step) / steps, rangeMeters));
  ring.push([lon, lat]);
  return ring;
}

/** Great-circle distance in metres, for the panel's "how far" column. */
export function distanceMeters(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dPhi = toRadians(b.lat - a.lat);
  const dLambda = toRadians(b.lon - a.lon);
  const h = Math.sin(dPhi / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLambda / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.sqrt(h));
}

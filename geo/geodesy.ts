/** A WGS 84 position in decimal degrees. */
export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** Mean Earth radius in metres (IUGG), the sphere haversine distances are measured on. */
export const EARTH_RADIUS_METERS = 6_371_008.8;

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;
const toDegrees = (radians: number): number => (radians * 180) / Math.PI;

/** Great-circle distance in metres (haversine); within 0.5% of the ellipsoid at city scale. */
export function haversineMeters(a: LatLon, b: LatLon): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLon = toRadians(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from `from` to `to`, degrees clockwise from true north in [0, 360). */
export function initialBearingDegrees(from: LatLon, to: LatLon): number {
  const φ1 = toRadians(from.lat);
  const φ2 = toRadians(to.lat);
  const Δλ = toRadians(to.lon - from.lon);
  const y = Math.sin(Δλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ);
  return normalizeDegrees(toDegrees(Math.atan2(y, x)));
}

/** The point reached by travelling `distanceMeters` from `from` on `bearingDegrees`. */
export function destinationPoint(from: LatLon, bearingDegrees: number, distanceMeters: number): LatLon {
  const δ = distanceMeters / EARTH_RADIUS_METERS;
  const θ = toRadians(bearingDegrees);
  const φ1 = toRadians(from.lat);
  const λ1 = toRadians(from.lon);
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(θ));
  const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
  return { lat: toDegrees(φ2), lon: normalizeLongitude(toDegrees(λ2)) };
}

/** Degrees folded into [0, 360). */
export function normalizeDegrees(degrees: number): number {
  const folded = degrees % 360;
  return folded < 0 ? folded + 360 : folded;
}

/** Smallest absolute angle between two bearings, in [0, 180]. */
export function angularDifferenceDegrees(a: number, b: number): number {
  const d = Math.abs(normalizeDegrees(a) - normalizeDegrees(b));
  return d > 180 ? 360 - d : d;
}

function normalizeLongitude(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/** True when lat/lon are finite numbers inside WGS 84 ranges. */
export function isValidLatLon(point: { lat: unknown; lon: unknown }): boolean {
  return (
    typeof point.lat === 'number' &&
    typeof point.lon === 'number' &&
    Number.isFinite(point.lat) &&
    Number.isFinite(point.lon) &&
    Math.abs(point.lat) <= 90 &&
    Math.abs(point.lon) <= 180
  );
}

import { assertNever } from '../errors/assertNever';
import { EARTH_RADIUS_METERS, haversineMeters, type LatLon } from './geodesy';

/**
 * A latitude/longitude box, edges included. When `west > east` the box crosses the
 * antimeridian: it holds longitudes from `west` to 180 and from -180 to `east`.
 */
export interface LatLonBox {
  readonly south: number;
  readonly west: number;
  readonly north: number;
  readonly east: number;
}

/** Points within `radiusMeters` (great-circle, {@link haversineMeters}) of `center`. */
export interface CircleArea {
  readonly kind: 'circle';
  readonly center: LatLon;
  readonly radiusMeters: number;
}

/** A {@link LatLonBox}, possibly crossing the antimeridian. */
export interface BoundingBoxArea extends LatLonBox {
  readonly kind: 'boundingBox';
}

/**
 * A GeoJSON Polygon: inside `outer` and not inside any of `holes`. Rings are closed (last
 * position repeats the first); edges are straight lines in lon/lat, as RFC 7946 §3.1.1 says, so
 * a polygon never crosses the antimeridian (§3.1.9 asks for such shapes to be split).
 */
export interface PolygonArea {
  readonly kind: 'polygon';
  readonly outer: readonly LatLon[];
  readonly holes: readonly (readonly LatLon[])[];
}

/** A validated area to watch; build one with `parseArea`. */
export type Area = CircleArea | BoundingBoxArea | PolygonArea;

/**
 * How close to a polygon edge, in degrees (about 0.1 mm), a point counts as on it. Without a
 * tolerance, whether a point on an edge is inside depends on floating-point rounding.
 */
const EDGE_TOLERANCE_DEGREES = 1e-9;

/**
 * Whether `point` lies in `area`. Edges count as inside for every kind: a circle includes its
 * radius, a box its sides, a polygon its outer ring and the rings of its holes (within about
 * 0.1 mm). Longitudes 180 and -180 are the same meridian.
 */
export function areaContains(area: Area, point: LatLon): boolean {
  switch (area.kind) {
    case 'circle':
      return haversineMeters(area.center, point) <= area.radiusMeters;
    case 'boundingBox':
      return boxContains(area, point);
    case 'polygon':
      return polygonContains(area, point);
    default:
      return assertNever(area);
  }
}

/**
 * A box holding every point of `area`, for a cheap prefilter before {@link areaContains}.
 * A circle's box is exact on the sphere (padded by about 0.1 mm) and spans all longitudes
 * when the circle reaches a pole; it may cross the antimeridian.
 */
export function areaBounds(area: Area): LatLonBox {
  switch (area.kind) {
    case 'circle':
      return circleBounds(area);
    case 'boundingBox':
      return { south: area.south, west: area.west, north: area.north, east: area.east };
    case 'polygon':
      return ringBounds(area.outer);
    default:
      return assertNever(area);
  }
}

/** Whether `point` lies in `box`, edges included. */
export function boxContains(box: LatLonBox, point: LatLon): boolean {
  if (!(point.lat >= box.south && point.lat <= box.north)) return false;
  return inLongitudeRange(box, point.lon) || (Math.abs(point.lon) === 180 && inLongitudeRange(box, -point.lon));
}

function inLongitudeRange({ west, east }: LatLonBox, lon: number): boolean {
  return west <= east ? lon >= west && lon <= east : lon >= west || lon <= east;
}

function polygonContains({ outer, holes }: PolygonArea, point: LatLon): boolean {
  // A hole's ring is an edge of the polygon too, so only a point strictly inside a hole is out.
  return ringLocation(outer, point) !== 'outside' && holes.every((hole) => ringLocation(hole, point) !== 'inside');
}

type RingLocation = 'inside' | 'edge' | 'outside';

/** Ray casting (even–odd rule) with an explicit on-edge test, in planar lon/lat. */
function ringLocation(ring: readonly LatLon[], { lat: y, lon: x }: LatLon): RingLocation {
  let inside = false;
  for (let i = 1; i < ring.length; i += 1) {
    const a = ring[i - 1] as LatLon;
    const b = ring[i] as LatLon;
    if (isOnEdge(a, b, x, y)) return 'edge';
    // The half-open test (a.lat > y) !== (b.lat > y) counts a vertex on the ray once, not twice.
    if (a.lat > y !== b.lat > y && x < a.lon + ((y - a.lat) * (b.lon - a.lon)) / (b.lat - a.lat)) inside = !inside;
  }
  return inside ? 'inside' : 'outside';
}

function isOnEdge(a: LatLon, b: LatLon, x: number, y: number): boolean {
  const t = EDGE_TOLERANCE_DEGREES;
  if (x < Math.min(a.lon, b.lon) - t || x > Math.max(a.lon, b.lon) + t) return false;
  if (y < Math.min(a.lat, b.lat) - t || y > Math.max(a.lat, b.lat) + t) return false;
  const dx = b.lon - a.lon;
  const dy = b.lat - a.lat;
  // |cross| / |ab| is the distance from the point to the line through a and b.
  return Math.abs(dx * (y - a.lat) - dy * (x - a.lon)) <= t * Math.hypot(dx, dy);
}

function ringBounds(ring: readonly LatLon[]): LatLonBox {
  let south = Infinity;
  let west = Infinity;
  let north = -Infinity;
  let east = -Infinity;
  for (const { lat, lon } of ring) {
    south = Math.min(south, lat);
    north = Math.max(north, lat);
    west = Math.min(west, lon);
    east = Math.max(east, lon);
  }
  return { south, west, north, east };
}

/**
 * Latitudes ± the angular radius; longitudes ± asin(sin r / cos lat), the meridians tangent to
 * the spherical cap (J. P. Matuschek, "Finding Points Within a Distance of a Latitude/Longitude
 * Using Bounding Coordinates").
 */
function circleBounds({ center, radiusMeters }: CircleArea): LatLonBox {
  const radiusRadians = radiusMeters / EARTH_RADIUS_METERS;
  const dLat = (radiusRadians * 180) / Math.PI + EDGE_TOLERANCE_DEGREES;
  const south = center.lat - dLat;
  const north = center.lat + dLat;
  if (south <= -90 || north >= 90) {
    return { south: Math.max(south, -90), west: -180, north: Math.min(north, 90), east: 180 };
  }
  const latRadians = (center.lat * Math.PI) / 180;
  const dLon =
    (Math.asin(Math.min(1, Math.sin(radiusRadians) / Math.cos(latRadians))) * 180) / Math.PI + EDGE_TOLERANCE_DEGREES;
  if (dLon >= 180) return { south, west: -180, north, east: 180 };
  return { south, west: wrapLongitude(center.lon - dLon), north, east: wrapLongitude(center.lon + dLon) };
}

function wrapLongitude(lon: number): number {
  if (lon < -180) return lon + 360;
  if (lon > 180) return lon - 360;
  return lon;
}

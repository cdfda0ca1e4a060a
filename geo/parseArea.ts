import { assertNever } from '../errors/assertNever';
import { badUserInput } from '../errors/hubErrors';
import { type Area, type BoundingBoxArea, type CircleArea, type PolygonArea } from './areaContains';
import { isValidLatLon, type LatLon } from './geodesy';

/** The largest circle a subscription may watch, in metres. */
export const MAX_RADIUS_METERS = 100_000;

/** The most positions a polygon may have, over all its rings. */
export const MAX_POLYGON_POSITIONS = 10_000;

const AREA_KINDS = ['circle', 'boundingBox', 'polygon'] as const;

type Fields = Readonly<Record<string, unknown>>;

/**
 * Validates an `AreaInput` (exactly one of `circle`, `boundingBox`, `polygon`) into an
 * {@link Area}. Polygon positions are GeoJSON `[lon, lat]` or `[lon, lat, altitude]`; the
 * altitude is dropped. A box whose west edge is east of its east edge crosses the antimeridian.
 *
 * @param argument - the argument's name, used as the root of the path in error messages
 * @throws HubError BAD_USER_INPUT naming the offending field path and what was wrong with it
 */
export function parseArea(input: unknown, argument = 'area'): Area {
  const fields = requireObject(input, argument);
  const given = AREA_KINDS.filter((kind) => fields[kind] !== undefined && fields[kind] !== null);
  const [kind] = given;
  if (kind === undefined || given.length > 1) {
    const got = given.length === 0 ? 'none' : given.join(' and ');
    throw badUserInput(argument, `must set exactly one of circle, boundingBox or polygon; got ${got}`);
  }
  const path = `${argument}.${kind}`;
  switch (kind) {
    case 'circle':
      return parseCircle(fields.circle, path);
    case 'boundingBox':
      return parseBoundingBox(fields.boundingBox, path);
    case 'polygon':
      return parsePolygon(fields.polygon, path);
    default:
      return assertNever(kind);
  }
}

function parseCircle(input: unknown, path: string): CircleArea {
  const fields = requireObject(input, path);
  const center = parseGeoPoint(fields.center, `${path}.center`);
  const radiusMeters = requireNumber(fields.radiusMeters, `${path}.radiusMeters`);
  if (!(radiusMeters > 0 && radiusMeters <= MAX_RADIUS_METERS)) {
    throw badUserInput(
      `${path}.radiusMeters`,
      `must be greater than 0 and at most ${MAX_RADIUS_METERS} metres; got ${radiusMeters}`,
    );
  }
  return { kind: 'circle', center, radiusMeters };
}

function parseBoundingBox(input: unknown, path: string): BoundingBoxArea {
  const fields = requireObject(input, path);
  const southWest = parseGeoPoint(fields.southWest, `${path}.southWest`);
  const northEast = parseGeoPoint(fields.northEast, `${path}.northEast`);
  if (southWest.lat > northEast.lat) {
    throw badUserInput(
      path,
      `must have southWest.lat <= northEast.lat; got ${southWest.lat} > ${northEast.lat} ` +
        '(a box may cross the antimeridian, west > east, but not a pole)',
    );
  }
  return { kind: 'boundingBox', south: southWest.lat, west: southWest.lon, north: northEast.lat, east: northEast.lon };
}

/** RFC 7946 §3.1.6 Polygon; linear rings per §3.1.6 (closed, at least four positions). */
function parsePolygon(input: unknown, path: string): PolygonArea {
  const fields = requireObject(input, path);
  if (fields.type !== 'Polygon') {
    throw badUserInput(`${path}.type`, `must be "Polygon"; got ${describe(fields.type)}`);
  }
  const rings = requireRingLists(fields.coordinates, `${path}.coordinates`);
  const [outer, ...holes] = rings.map((ring, r) => parseRing(ring, `${path}.coordinates[${r}]`));
  return { kind: 'polygon', outer: outer as LatLon[], holes };
}

/** Checks the nesting and the size limit before any position is read, so the work is bounded. */
function requireRingLists(input: unknown, path: string): readonly (readonly unknown[])[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw badUserInput(path, `must be a non-empty list of rings, the outer ring first; got ${describe(input)}`);
  }
  let positions = 0;
  input.forEach((ring: unknown, r) => {
    if (!Array.isArray(ring)) throw badUserInput(`${path}[${r}]`, `must be a list of positions; got ${describe(ring)}`);
    positions += ring.length;
  });
  if (positions > MAX_POLYGON_POSITIONS) {
    throw badUserInput(path, `must have at most ${MAX_POLYGON_POSITIONS} positions in all; got ${positions}`);
  }
  return input as unknown[][];
}

function parseRing(ring: readonly unknown[], path: string): LatLon[] {
  if (ring.length < 4) {
    throw badUserInput(path, `must have at least 4 positions (3 corners and the first repeated); got ${ring.length}`);
  }
  const positions = ring.map((position, p) => parsePosition(position, `${path}[${p}]`));
  const first = positions[0] as readonly number[];
  const last = positions[positions.length - 1] as readonly number[];
  if (first.length !== last.length || first.some((value, i) => value !== last[i])) {
    throw badUserInput(
      path,
      `must be closed: its last position must repeat its first; got [${first.join(', ')}] and [${last.join(', ')}]`,
    );
  }
  return positions.map(([lon, lat]) => ({ lat: lat as number, lon: lon as number }));
}

function parsePosition(input: unknown, path: string): readonly number[] {
  const isNumbers =
    Array.isArray(input) &&
    (input.length === 2 || input.length === 3) &&
    input.every((value) => typeof value === 'number' && Number.isFinite(value));
  if (!isNumbers) {
    throw badUserInput(path, `must be a position [lon, lat] or [lon, lat, altitude]; got ${describe(input)}`);
  }
  const [lon, lat] = input as number[];
  if (!isValidLatLon({ lat, lon })) {
    throw badUserInput(
      path,
      `must be [lon, lat] with lon in -180..180 and lat in -90..90; got [${input.join(', ')}]` +
        (isValidLatLon({ lat: lon, lon: lat }) ? ' (is it [lat, lon]?)' : ''),
    );
  }
  return input as number[];
}

function parseGeoPoint(input: unknown, path: string): LatLon {
  const fields = requireObject(input, path);
  const lat = requireNumber(fields.lat, `${path}.lat`);
  const lon = requireNumber(fields.lon, `${path}.lon`);
  if (isValidLatLon({ lat, lon })) return { lat, lon };
  if (Math.abs(lat) > 90) throw badUserInput(`${path}.lat`, `must be between -90 and 90; got ${lat}`);
  throw badUserInput(`${path}.lon`, `must be between -180 and 180; got ${lon}`);
}

function requireObject(input: unknown, path: string): Fields {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw badUserInput(path, `must be an object; got ${describe(input)}`);
  }
  return input as Fields;
}

function requireNumber(input: unknown, path: string): number {
  if (typeof input !== 'number' || !Number.isFinite(input)) {
    throw badUserInput(path, `must be a finite number; got ${describe(input)}`);
  }
  return input;
}

/** A short rendering of a rejected value; never echoes a large input back. */
function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : 'a long string';
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) {
    const short = value.length <= 4 && value.every((item) => typeof item === 'number');
    return short ? `[${value.join(', ')}]` : `a list of ${value.length}`;
  }
  return typeof value === 'object' ? 'an object' : typeof value;
}

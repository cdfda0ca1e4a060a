import { haversineMeters, type LatLon } from '../geo/geodesy';
import { type Random } from './createRandom';

/** A position in the simulated city: metres east (`x`) and north (`y`) of the centre. */
export interface GridPoint {
  readonly x: number;
  readonly y: number;
}

/** An axis-aligned area of the grid, in metres from the centre. */
export interface GridArea {
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
}

/** A rectangle in WGS 84 degrees. */
export interface GeoBounds {
  readonly south: number;
  readonly west: number;
  readonly north: number;
  readonly east: number;
}

export interface Street {
  readonly name: string;
  /** Arterials (and Main St and Center St) carry city cameras. */
  readonly major: boolean;
  /** Offset of the street from the centre in metres (x for north–south streets, y for east–west). */
  readonly offsetMeters: number;
}

export interface Intersection {
  readonly point: GridPoint;
  readonly northSouth: Street;
  readonly eastWest: Street;
  /** E.g. `Main St & Mesa Dr`. */
  readonly name: string;
}

/** The simulated street grid and conversions between grid metres and WGS 84. */
export interface StreetGrid {
  readonly centre: LatLon;
  readonly area: GridArea;
  readonly bounds: GeoBounds;
  readonly northSouthStreets: readonly Street[];
  readonly eastWestStreets: readonly Street[];
  readonly intersections: readonly Intersection[];
  toLatLon(point: GridPoint): LatLon;
  /** A uniformly random point on some street inside `area` (the whole grid by default). */
  randomStreetPoint(random: Random, area?: GridArea): GridPoint;
  /** Waypoints from `from` to `to` along streets; both must lie on streets. Includes both ends. */
  route(from: GridPoint, to: GridPoint): GridPoint[];
  /** Length of a route in metres. */
  routeLengthMeters(route: readonly GridPoint[]): number;
  /** A Mesa-style block address for a point on a street, e.g. `1240 E Main St`. */
  addressOf(point: GridPoint): string;
}

/** Mesa's address grid and street grid both start at Center St & Main St. */
export const MESA_CENTRE: LatLon = { lat: 33.4152, lon: -111.8315 };

const MILE_METERS = 1609.344;
/** Mesa's arterials are a mile apart with collector streets at the half mile. */
const SPACING_METERS = MILE_METERS / 2;
/** Points closer than this to a street line are on it; guards against float drift. */
const ON_STREET_TOLERANCE_METERS = 0.01;

// West to east, one every half mile; the centre one is Center St. Arterials at the odd half miles.
const NORTH_SOUTH_NAMES = [
  'Sycamore',
  'Dobson Rd',
  'Longmore',
  'Alma School Rd',
  'Westwood',
  'Country Club Dr',
  'Center St',
  'Mesa Dr',
  'Horne',
  'Stapley Dr',
  'Harris Dr',
  'Gilbert Rd',
  'Greenfield Way',
] as const;

// South to north; the centre one is Main St.
const EAST_WEST_NAMES = [
  'Baseline Rd',
  'Hampton Ave',
  'Southern Ave',
  '8th Ave',
  'Broadway Rd',
  'Main St',
  'University Dr',
  '8th St',
  'Brown Rd',
  'Adobe St',
  'McKellips Rd',
] as const;

/** Creates the Mesa street grid: about 9.7 km east–west by 8 km north–south around the centre. */
export function createStreetGrid(centre: LatLon = MESA_CENTRE): StreetGrid {
  const northSouthStreets = streetsFrom(NORTH_SOUTH_NAMES);
  const eastWestStreets = streetsFrom(EAST_WEST_NAMES);
  const area = areaOf(northSouthStreets, eastWestStreets);
  const intersections = northSouthStreets.flatMap((northSouth) =>
    eastWestStreets.map((eastWest) => ({
      point: { x: northSouth.offsetMeters, y: eastWest.offsetMeters },
      northSouth,
      eastWest,
      name: `${eastWest.name} & ${northSouth.name}`,
    })),
  );

  // A local equirectangular projection, scaled by haversine: exact enough over 10 km.
  const metersPerDegreeLat = haversineMeters(centre, { lat: centre.lat + 0.01, lon: centre.lon }) / 0.01;
  const metersPerDegreeLon = haversineMeters(centre, { lat: centre.lat, lon: centre.lon + 0.01 }) / 0.01;
  const toLatLon = (point: GridPoint): LatLon => ({
    lat: centre.lat + point.y / metersPerDegreeLat,
    lon: centre.lon + point.x / metersPerDegreeLon,
  });
  const southWest = toLatLon({ x: area.minX, y: area.minY });
  const northEast = toLatLon({ x: area.maxX, y: area.maxY });

  return {
    centre,
    area,
    // Rounded outwards to the 6 decimals events carry, so that every emitted position is inside.
    bounds: {
      south: Math.floor(southWest.lat * 1e6) / 1e6,
      west: Math.floor(southWest.lon * 1e6) / 1e6,
      north: Math.ceil(northEast.lat * 1e6) / 1e6,
      east: Math.ceil(northEast.lon * 1e6) / 1e6,
    },
    northSouthStreets,
    eastWestStreets,
    intersections,
    toLatLon,
    randomStreetPoint: (random, within = area) => randomStreetPoint(random, within, northSouthStreets, eastWestStreets),
    route,
    routeLengthMeters,
    addressOf: (point) => addressOf(point, northSouthStreets, eastWestStreets),
  };
}

function streetsFrom(names: readonly string[]): Street[] {
  const middle = (names.length - 1) / 2;
  return names.map((name, index) => {
    const halfMiles = index - middle;
    return { name, major: halfMiles === 0 || Math.abs(halfMiles) % 2 === 1, offsetMeters: halfMiles * SPACING_METERS };
  });
}

function areaOf(northSouth: readonly Street[], eastWest: readonly Street[]): GridArea {
  const xs = northSouth.map((street) => street.offsetMeters);
  const ys = eastWest.map((street) => street.offsetMeters);
  return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
}

const snap = (offset: number): number => Math.round(offset / SPACING_METERS) * SPACING_METERS;
const isOnLine = (offset: number): boolean => Math.abs(offset - snap(offset)) < ON_STREET_TOLERANCE_METERS;
const samePoint = (a: GridPoint, b: GridPoint): boolean => a.x === b.x && a.y === b.y;

function randomStreetPoint(
  random: Random,
  area: GridArea,
  northSouthStreets: readonly Street[],
  eastWestStreets: readonly Street[],
): GridPoint {
  const width = area.maxX - area.minX;
  const height = area.maxY - area.minY;
  const verticals = northSouthStreets.filter((s) => s.offsetMeters >= area.minX && s.offsetMeters <= area.maxX);
  const horizontals = eastWestStreets.filter((s) => s.offsetMeters >= area.minY && s.offsetMeters <= area.maxY);
  // Choose a street with probability proportional to its length inside the area.
  const verticalLength = verticals.length * height;
  const horizontalLength = horizontals.length * width;
  if (random.float() * (verticalLength + horizontalLength) < verticalLength) {
    return { x: random.pick(verticals).offsetMeters, y: area.minY + random.float() * height };
  }
  return { x: area.minX + random.float() * width, y: random.pick(horizontals).offsetMeters };
}

/**
 * A street route: along the start's street to a crossing street, then at most two turns.
 * Not the shortest path in every case, but always on streets, which is all AVL needs.
 */
function route(from: GridPoint, to: GridPoint): GridPoint[] {
  const fromNorthSouth = isOnLine(from.x);
  const toNorthSouth = isOnLine(to.x);
  const waypoints: GridPoint[] = [from];
  if (fromNorthSouth && toNorthSouth) {
    if (from.x !== to.x) {
      const crossing = snap(from.y);
      waypoints.push({ x: from.x, y: crossing }, { x: to.x, y: crossing });
    }
  } else if (!fromNorthSouth && !toNorthSouth) {
    if (from.y !== to.y) {
      const crossing = snap(from.x);
      waypoints.push({ x: crossing, y: from.y }, { x: crossing, y: to.y });
    }
  } else if (fromNorthSouth) {
    waypoints.push({ x: from.x, y: to.y });
  } else {
    waypoints.push({ x: to.x, y: from.y });
  }
  waypoints.push(to);
  return waypoints.filter((point, index) => index === 0 || !samePoint(point, waypoints[index - 1] as GridPoint));
}

function routeLengthMeters(points: readonly GridPoint[]): number {
  let length = 0;
  for (let i = 1; i < points.length; i += 1) {
    const a = points[i - 1] as GridPoint;
    const b = points[i] as GridPoint;
    length += Math.abs(b.x - a.x) + Math.abs(b.y - a.y);
  }
  return length;
}

function addressOf(point: GridPoint, northSouthStreets: readonly Street[], eastWestStreets: readonly Street[]): string {
  // Block numbers grow 1000 a mile from the centre, the usual US address grid.
  const house = (offset: number): number => Math.max(1, Math.round((Math.abs(offset) / MILE_METERS) * 1000));
  const nearest = (streets: readonly Street[], offset: number): Street =>
    streets.reduce((best, street) =>
      Math.abs(street.offsetMeters - offset) < Math.abs(best.offsetMeters - offset) ? street : best,
    );
  if (isOnLine(point.x) && !isOnLine(point.y)) {
    return `${house(point.y)} ${point.y >= 0 ? 'N' : 'S'} ${nearest(northSouthStreets, point.x).name}`;
  }
  return `${house(point.x)} ${point.x >= 0 ? 'E' : 'W'} ${nearest(eastWestStreets, point.y).name}`;
}

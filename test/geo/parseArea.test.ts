import { GraphQLError } from 'graphql';
import { MAX_POLYGON_POSITIONS, parseArea } from '../../geo/area';

const MESA = { lat: 33.4152, lon: -111.8315 };
const circle = { center: MESA, radiusMeters: 1000 };
const box = { southWest: { lat: 33.4, lon: -111.85 }, northEast: { lat: 33.43, lon: -111.81 } };
const square = [
  [-111.86, 33.39],
  [-111.8, 33.39],
  [-111.8, 33.44],
  [-111.86, 33.44],
  [-111.86, 33.39],
];
const at = (lat: number, lon: number) => ({ lat, lon });
const withCircle = (patch: Record<string, unknown>) => ({ circle: { ...circle, ...patch } });
const polygon = (coordinates: unknown, type: unknown = 'Polygon') => ({ polygon: { type, coordinates } });
const withSecondPosition = (position: unknown) => polygon([[square[0], position, ...square.slice(2)]]);

/** A closed ring of `count` positions on a small circle around Mesa. */
function ringOf(count: number): number[][] {
  const ring = Array.from({ length: count - 1 }, (_, i) => {
    const angle = (2 * Math.PI * i) / (count - 1);
    return [MESA.lon + 0.01 * Math.cos(angle), MESA.lat + 0.01 * Math.sin(angle)];
  });
  return [...ring, ring[0]!];
}

function errorOf(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected parseArea to throw');
}

describe('parseArea', () => {
  it.each<[string, unknown, string]>([
    ['not an object', null, 'Argument "area" must be an object; got nothing'],
    ['a list', [circle], 'Argument "area" must be an object; got a list of 1'],
    ['no shape', {}, 'must set exactly one of circle, boundingBox or polygon; got none'],
    ['only nulls', { circle: null, polygon: null }, 'got none'],
    ['two shapes', { circle, ...polygon([square]) }, 'got circle and polygon'],
    ['three shapes', { circle, boundingBox: box, ...polygon([square]) }, 'got circle and boundingBox and polygon'],
    ['circle without a centre', { circle: { radiusMeters: 5 } }, '"area.circle.center" must be an object; got nothing'],
    [
      'zero radius',
      withCircle({ radiusMeters: 0 }),
      '"area.circle.radiusMeters" must be greater than 0 and at most 100000 metres; got 0',
    ],
    ['negative radius', withCircle({ radiusMeters: -5 }), 'got -5'],
    ['radius over 100 km', withCircle({ radiusMeters: 100_001 }), 'at most 100000 metres; got 100001'],
    [
      'radius as a string',
      withCircle({ radiusMeters: '500' }),
      '"area.circle.radiusMeters" must be a finite number; got "500"',
    ],
    ['radius NaN', withCircle({ radiusMeters: Number.NaN }), 'must be a finite number; got NaN'],
    [
      'centre latitude 91',
      withCircle({ center: at(91, 0) }),
      '"area.circle.center.lat" must be between -90 and 90; got 91',
    ],
    [
      'centre longitude -181',
      withCircle({ center: at(0, -181) }),
      '"area.circle.center.lon" must be between -180 and 180',
    ],
    [
      'centre latitude infinite',
      withCircle({ center: at(Infinity, 0) }),
      '"area.circle.center.lat" must be a finite number',
    ],
    [
      'box without a corner',
      { boundingBox: { southWest: box.southWest } },
      '"area.boundingBox.northEast" must be an object',
    ],
    [
      'box south of its north',
      { boundingBox: { southWest: at(34, -112), northEast: at(33, -111) } },
      '"area.boundingBox" must have southWest.lat <= northEast.lat; got 34 > 33',
    ],
    [
      'box corner out of range',
      { boundingBox: { ...box, northEast: at(33, 200) } },
      '"area.boundingBox.northEast.lon" must be between -180 and 180; got 200',
    ],
    [
      'polygon of another type',
      polygon([square], 'MultiPolygon'),
      '"area.polygon.type" must be "Polygon"; got "MultiPolygon"',
    ],
    ['polygon type in lower case', polygon([square], 'polygon'), 'must be "Polygon"; got "polygon"'],
    [
      'polygon without rings',
      polygon([]),
      '"area.polygon.coordinates" must be a non-empty list of rings, the outer ring first',
    ],
    [
      'coordinates not a list',
      polygon('POLYGON((0 0))'),
      '"area.polygon.coordinates" must be a non-empty list of rings',
    ],
    ['ring not a list', polygon([square, 7]), '"area.polygon.coordinates[1]" must be a list of positions; got 7'],
    [
      'ring of three positions',
      polygon([square.slice(2)]),
      '"area.polygon.coordinates[0]" must have at least 4 positions (3 corners and the first repeated); got 3',
    ],
    [
      'outer ring not closed',
      polygon([square.slice(0, 4)]),
      '"area.polygon.coordinates[0]" must be closed: its last position must repeat its first',
    ],
    ['ring closed only in longitude', polygon([[...square.slice(0, 4), [-111.86, 33.391]]]), 'must be closed'],
    ['ring closed but for altitude', polygon([[[-111.86, 33.39, 400], ...square.slice(1)]]), 'must be closed'],
    ['hole not closed', polygon([square, ringOf(8).slice(0, 7)]), '"area.polygon.coordinates[1]" must be closed'],
    [
      'position of one number',
      withSecondPosition([-111.8]),
      '"area.polygon.coordinates[0][1]" must be a position [lon, lat] or [lon, lat, altitude]; got [-111.8]',
    ],
    ['position of four numbers', withSecondPosition([-111.8, 33.39, 0, 1]), 'got [-111.8, 33.39, 0, 1]'],
    ['position as an object', withSecondPosition(MESA), '"area.polygon.coordinates[0][1]" must be a position'],
    [
      'latitude out of range',
      withSecondPosition([0, 95]),
      '"area.polygon.coordinates[0][1]" must be [lon, lat] with lon in -180..180 and lat in -90..90; got [0, 95]',
    ],
    [
      'positions as [lat, lon]',
      polygon([square.map(([lon, lat]) => [lat, lon])]),
      'got [33.39, -111.86] (is it [lat, lon]?)',
    ],
    [
      'more than 10,000 positions',
      polygon([ringOf(6000), ringOf(4001)]),
      '"area.polygon.coordinates" must have at most 10000 positions in all; got 10001',
    ],
  ])('rejects %s', (_label, input, fragment) => {
    const error = errorOf(() => parseArea(input));
    expect(error.message).toContain(fragment);
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('names the argument it was given', () => {
    const error = errorOf(() => parseArea({ circle: { ...circle, radiusMeters: 0 } }, 'near'));
    expect(error.message).toMatch(/^Argument "near\.circle\.radiusMeters" /);
    expect(error.extensions.argument).toBe('near.circle.radiusMeters');
  });

  it('parses a circle, ignoring the shapes given as null', () => {
    expect(parseArea({ circle, boundingBox: null, polygon: undefined })).toEqual({
      kind: 'circle',
      center: MESA,
      radiusMeters: 1000,
    });
  });

  it('parses a bounding box into its edges, keeping west > east for one that crosses the antimeridian', () => {
    expect(parseArea({ boundingBox: box })).toEqual({
      kind: 'boundingBox',
      south: 33.4,
      west: -111.85,
      north: 33.43,
      east: -111.81,
    });
    const fiji = { southWest: at(-20, 170), northEast: at(-10, -170) };
    expect(parseArea({ boundingBox: fiji })).toMatchObject({ west: 170, east: -170 });
  });

  it('parses a polygon into an outer ring and holes of lat/lon points, dropping altitudes', () => {
    const hole = [
      [-111.84, 33.41, 380],
      [-111.82, 33.41, 380],
      [-111.82, 33.42, 380],
      [-111.84, 33.42, 380],
      [-111.84, 33.41, 380],
    ];
    const area = parseArea(polygon([square, hole]));
    expect(area).toEqual({
      kind: 'polygon',
      outer: square.map(([lon, lat]) => ({ lat, lon })),
      holes: [hole.map(([lon, lat]) => ({ lat, lon }))],
    });
  });

  it(`accepts exactly ${MAX_POLYGON_POSITIONS} positions`, () => {
    const area = parseArea(polygon([ringOf(6000), ringOf(4000)]));
    expect(area.kind === 'polygon' && area.outer.length + area.holes[0]!.length).toBe(MAX_POLYGON_POSITIONS);
  });
});

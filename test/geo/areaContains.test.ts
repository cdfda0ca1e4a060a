import { createRandom } from '../../simulator/createRandom';
import { areaBounds, areaContains, boxContains, parseArea, type Area, type LatLonBox } from '../../geo/area';
import { destinationPoint, haversineMeters, type LatLon } from '../../geo/geodesy';

const MESA: LatLon = { lat: 33.4152, lon: -111.8315 };
const at = (lat: number, lon: number): LatLon => ({ lat, lon });
const ring = (...corners: [lon: number, lat: number][]) => [...corners, corners[0]!];

describe('areaContains: circle', () => {
  // 1° of latitude is 111,194.9 m on the haversine sphere; 1° of longitude at 33.4152° N is
  // 111,194.9 × cos 33.4152° = 92,811 m.
  const circle = parseArea({ circle: { center: MESA, radiusMeters: 1000 } });

  it.each([
    ['the centre', MESA, true],
    ['0.0089° north (989.6 m)', at(MESA.lat + 0.0089, MESA.lon), true],
    ['0.0091° north (1011.9 m)', at(MESA.lat + 0.0091, MESA.lon), false],
    ['0.0107° east (993.1 m)', at(MESA.lat, MESA.lon + 0.0107), true],
    ['0.0109° east (1011.7 m)', at(MESA.lat, MESA.lon + 0.0109), false],
    ['0.0089° south', at(MESA.lat - 0.0089, MESA.lon), true],
    ['0.0109° west', at(MESA.lat, MESA.lon - 0.0109), false],
    ['north-east, 994 m', at(33.4215, -111.8239), true],
    ['north-east, 1015 m', at(33.4216, -111.8237), false],
  ])('%s: %s', (_label, point, inside) => {
    expect(areaContains(circle, point)).toBe(inside);
  });

  it('includes a point exactly on the radius', () => {
    const onEdge = destinationPoint(MESA, 45, 1000);
    const exact: Area = { kind: 'circle', center: MESA, radiusMeters: haversineMeters(MESA, onEdge) };
    expect(areaContains(exact, onEdge)).toBe(true);
    expect(areaContains({ ...exact, radiusMeters: exact.radiusMeters - 1e-6 }, onEdge)).toBe(false);
  });
});

describe('areaContains: bounding box', () => {
  const downtown = parseArea({ boundingBox: { southWest: at(33.4, -111.85), northEast: at(33.43, -111.81) } });

  it.each([
    ['Mesa', MESA, true],
    ['the south-west corner itself', at(33.4, -111.85), true],
    ['the north-east corner itself', at(33.43, -111.81), true],
    ['on the east edge', at(33.415, -111.81), true],
    ['just south', at(33.3999, -111.83), false],
    ['just east', at(33.42, -111.8099), false],
    ['just north', at(33.4301, -111.83), false],
    ['the same latitude on the far side of the world', at(33.415, 68.17), false],
  ])('%s: %s', (_label, point, inside) => {
    expect(areaContains(downtown, point)).toBe(inside);
  });

  // Fiji straddles 180°: west 170° E, east 170° W.
  const fiji = parseArea({ boundingBox: { southWest: at(-20, 170), northEast: at(-10, -170) } });

  it.each([
    ['east of the west edge', at(-18, 178), true],
    ['west of the east edge', at(-18, -179), true],
    ['on 180°', at(-18, 180), true],
    ['on -180°, the same meridian', at(-18, -180), true],
    ['on the west edge', at(-18, 170), true],
    ['on the east edge', at(-18, -170), true],
    ['the prime meridian, which a non-wrapping box would hold', at(-18, 0), false],
    ['just west of the west edge', at(-18, 169.9), false],
    ['just east of the east edge', at(-18, -169.9), false],
    ['north of the box', at(-9.9, 175), false],
  ])('across the antimeridian, %s: %s', (_label, point, inside) => {
    expect(areaContains(fiji, point)).toBe(inside);
  });

  it('reads a box ending at -180° as ending at 180°', () => {
    const box: LatLonBox = { south: 0, west: 170, north: 10, east: -180 };
    expect(boxContains(box, at(5, 180))).toBe(true);
    expect(boxContains(box, at(5, 175))).toBe(true);
    expect(boxContains(box, at(5, -179))).toBe(false);
  });
});

describe('areaContains: polygon', () => {
  // A 0.06° × 0.05° square around Mesa with a 0.02° × 0.01° hole that holds Mesa itself.
  const withHole = parseArea({
    polygon: {
      type: 'Polygon',
      coordinates: [
        ring([-111.86, 33.39], [-111.8, 33.39], [-111.8, 33.44], [-111.86, 33.44]),
        ring([-111.84, 33.41], [-111.82, 33.41], [-111.82, 33.42], [-111.84, 33.42]),
      ],
    },
  });

  it.each([
    ['Mesa, inside the hole', MESA, false],
    ['north-west, between outer ring and hole', at(33.43, -111.85), true],
    ['due west of the hole', at(33.4152, -111.845), true],
    ['due east of the hole', at(33.4152, -111.81), true],
    ['south of the hole', at(33.4, -111.83), true],
    ['north of the square', at(33.45, -111.83), false],
    ['west of the square', at(33.4152, -111.87), false],
    ['on the outer south edge', at(33.39, -111.83), true],
    ['on an outer corner', at(33.44, -111.8), true],
    ['on the hole south edge', at(33.41, -111.83), true],
    ['on a hole corner', at(33.42, -111.84), true],
    ['just inside the hole edge', at(33.4101, -111.83), false],
  ])('with a hole, %s: %s', (_label, point, inside) => {
    expect(areaContains(withHole, point)).toBe(inside);
  });

  // Horizontal rays from these points pass exactly through the diamond's east and west corners.
  const diamond = parseArea({
    polygon: {
      type: 'Polygon',
      coordinates: [ring([-111.83, 33.4], [-111.81, 33.415], [-111.83, 33.43], [-111.85, 33.415])],
    },
  });

  it.each([
    ['the centre, its ray through the east corner', at(33.415, -111.83), true],
    ['west of it, its ray through both corners', at(33.415, -111.86), false],
    ['east of it, on the corners’ latitude', at(33.415, -111.8), false],
    ['inside near the south corner', at(33.402, -111.83), true],
    ['outside beside the south corner', at(33.402, -111.835), false],
  ])('a diamond, %s: %s', (_label, point, inside) => {
    expect(areaContains(diamond, point)).toBe(inside);
  });

  it('gives the same answers for a ring wound clockwise', () => {
    const outer = ring([-111.86, 33.39], [-111.86, 33.44], [-111.8, 33.44], [-111.8, 33.39]);
    const clockwise = parseArea({ polygon: { type: 'Polygon', coordinates: [outer] } });
    expect(areaContains(clockwise, MESA)).toBe(true);
    expect(areaContains(clockwise, at(33.45, -111.83))).toBe(false);
  });

  it.each([1, 2, 3])(
    'matches a half-plane test for a convex polygon on 1,000 random points (seed %i)',
    (seed) => {
      // Counter-clockwise convex heptagon around Mesa; a point is inside when it is left of
      // (or on) every edge.
      const corners: [number, number][] = [
        [-111.8, 33.405],
        [-111.79, 33.42],
        [-111.81, 33.44],
        [-111.835, 33.445],
        [-111.865, 33.43],
        [-111.87, 33.405],
        [-111.84, 33.385],
      ];
      const convex = parseArea({ polygon: { type: 'Polygon', coordinates: [ring(...corners)] } });
      const leftOfEveryEdge = ({ lat, lon }: LatLon): boolean =>
        corners.every(([ax, ay], i) => {
          const [bx, by] = corners[(i + 1) % corners.length]!;
          return (bx - ax) * (lat - ay) - (by - ay) * (lon - ax) >= 0;
        });
      const random = createRandom(seed);
      let insideCount = 0;
      for (let i = 0; i < 1000; i += 1) {
        const point = at(random.between(33.375, 33.455), random.between(-111.88, -111.78));
        const expected = leftOfEveryEdge(point);
        expect([point, areaContains(convex, point)]).toEqual([point, expected]);
        if (expected) insideCount += 1;
      }
      // Both answers are exercised: the heptagon covers roughly 60% of the sampled box.
      expect(insideCount).toBeGreaterThan(300);
      expect(insideCount).toBeLessThan(900);
    },
  );
});

describe('areaBounds', () => {
  it('returns a box as it is and a polygon’s outer ring extent', () => {
    expect(areaBounds({ kind: 'boundingBox', south: -20, west: 170, north: -10, east: -170 })).toEqual({
      south: -20,
      west: 170,
      north: -10,
      east: -170,
    });
    const triangle = ring([-111.86, 33.39], [-111.8, 33.39], [-111.83, 33.44]);
    const polygon = parseArea({ polygon: { type: 'Polygon', coordinates: [triangle] } });
    expect(areaBounds(polygon)).toEqual({ south: 33.39, west: -111.86, north: 33.44, east: -111.8 });
  });

  it('bounds a 1 km circle around Mesa by about ±0.009° of latitude and ±0.0108° of longitude', () => {
    const bounds = areaBounds({ kind: 'circle', center: MESA, radiusMeters: 1000 });
    expect(bounds.north - MESA.lat).toBeCloseTo(1000 / 111_194.9, 6);
    expect(bounds.east - MESA.lon).toBeCloseTo(1000 / 92_811, 5);
    expect(MESA.lat - bounds.south).toBeCloseTo(bounds.north - MESA.lat, 9);
  });

  it('wraps a circle on the antimeridian and spans every longitude for one over a pole', () => {
    const onDateLine = areaBounds({ kind: 'circle', center: at(-18, 179.99), radiusMeters: 5000 });
    expect(onDateLine.west).toBeGreaterThan(onDateLine.east);
    const overPole = areaBounds({ kind: 'circle', center: at(89.5, 10), radiusMeters: 100_000 });
    expect(overPole).toEqual({ south: expect.closeTo(88.6, 1), west: -180, north: 90, east: 180 });
  });

  it.each<[string, LatLon, number]>([
    ['Mesa', MESA, 20_000],
    ['the antimeridian', at(-18, 179.95), 100_000],
    ['near the north pole', at(89.5, 45), 100_000],
  ])('holds every random point inside a circle around %s', (_label, center, radiusMeters) => {
    const area: Area = { kind: 'circle', center, radiusMeters };
    const bounds = areaBounds(area);
    const random = createRandom(7);
    let inside = 0;
    for (let i = 0; i < 2000; i += 1) {
      const point = destinationPoint(center, random.between(0, 360), radiusMeters * Math.sqrt(random.float()) * 1.2);
      if (!areaContains(area, point)) continue;
      inside += 1;
      expect([point, boxContains(bounds, point)]).toEqual([point, true]);
    }
    expect(inside).toBeGreaterThan(1000);
  });
});

import { createPointIndex } from '../../geo/createPointIndex';
import { destinationPoint, haversineMeters, type LatLon } from '../../geo/geodesy';

/** Small seeded generator so that a failure can be reproduced from the seed in its name. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MESA: LatLon = { lat: 33.4152, lon: -111.8315 };

function randomPointNear(random: () => number, centre: LatLon, maxMeters: number): LatLon {
  return destinationPoint(centre, random() * 360, Math.sqrt(random()) * maxMeters);
}

function bruteForce(points: Map<string, LatLon>, query: LatLon, radiusMeters: number, limit: number) {
  return [...points]
    .map(([key, point]) => ({ key, distanceMeters: haversineMeters(query, point) }))
    .filter((hit) => hit.distanceMeters <= radiusMeters)
    .sort((a, b) => a.distanceMeters - b.distanceMeters)
    .slice(0, limit);
}

describe('createPointIndex', () => {
  it.each([1, 2, 3])('matches a brute-force haversine search over 5,000 random points (seed %i)', (seed) => {
    const random = seeded(seed);
    const index = createPointIndex<string>();
    const points = new Map<string, LatLon>();
    for (let i = 0; i < 5000; i += 1) {
      const point = randomPointNear(random, MESA, 15_000);
      points.set(`p${i}`, point);
      index.upsert(`p${i}`, point, `p${i}`);
    }
    for (let q = 0; q < 200; q += 1) {
      const query = randomPointNear(random, MESA, 18_000);
      const radiusMeters = 50 + random() * 4000;
      const limit = 1 + Math.floor(random() * 40);
      const expected = bruteForce(points, query, radiusMeters, limit);
      const actual = index.nearest({ point: query, radiusMeters, limit });
      expect(actual.map((hit) => hit.item)).toEqual(expected.map((hit) => hit.key));
      actual.forEach((hit, i) => expect(hit.distanceMeters).toBeCloseTo(expected[i]!.distanceMeters, 6));
    }
  });

  it('reflects moves and removals in later searches', () => {
    const random = seeded(7);
    const index = createPointIndex<string>();
    const points = new Map<string, LatLon>();
    for (let i = 0; i < 500; i += 1) {
      const point = randomPointNear(random, MESA, 5000);
      points.set(`u${i}`, point);
      index.upsert(`u${i}`, point, `u${i}`);
    }
    for (let round = 0; round < 50; round += 1) {
      for (let m = 0; m < 20; m += 1) {
        const key = `u${Math.floor(random() * 500)}`;
        if (random() < 0.2) {
          points.delete(key);
          index.remove(key);
        } else {
          const point = randomPointNear(random, MESA, 5000);
          points.set(key, point);
          index.upsert(key, point, key);
        }
      }
      const query = randomPointNear(random, MESA, 5000);
      const expected = bruteForce(points, query, 2000, 10).map((hit) => hit.key);
      expect(index.nearest({ point: query, radiusMeters: 2000, limit: 10 }).map((hit) => hit.item)).toEqual(expected);
    }
    expect(index.size).toBe(points.size);
  });

  it('counts only accepted items towards the limit', () => {
    const index = createPointIndex<{ id: string; even: boolean }>();
    for (let i = 0; i < 20; i += 1) {
      const point = destinationPoint(MESA, 90, i * 10);
      index.upsert(`k${i}`, point, { id: `k${i}`, even: i % 2 === 0 });
    }
    const hits = index.nearest({ point: MESA, radiusMeters: 1000, limit: 3, accept: (item) => !item.even });
    expect(hits.map((hit) => hit.item.id)).toEqual(['k1', 'k3', 'k5']);
  });

  it('returns nothing for an empty index, a zero limit, or nothing in range', () => {
    const index = createPointIndex<string>();
    expect(index.nearest({ point: MESA, radiusMeters: 1000, limit: 5 })).toEqual([]);
    index.upsert('far', destinationPoint(MESA, 0, 5000), 'far');
    expect(index.nearest({ point: MESA, radiusMeters: 1000, limit: 5 })).toEqual([]);
    expect(index.nearest({ point: MESA, radiusMeters: 10_000, limit: 0 })).toEqual([]);
  });
});

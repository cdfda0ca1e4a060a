import { createAreaMembership, parseArea, type AreaDecision } from '../../geo/area';
import { type LatLon } from '../../geo/geodesy';

const MESA: LatLon = { lat: 33.4152, lon: -111.8315 };
const at = (lat: number, lon: number): LatLon => ({ lat, lon });
// 1 km around Mesa: 0.0089° of latitude is 990 m, 0.0091° is 1012 m.
const area = parseArea({ circle: { center: MESA, radiusMeters: 1000 } });
const inside = at(MESA.lat + 0.005, MESA.lon);
const alsoInside = at(MESA.lat - 0.0089, MESA.lon);
const outside = at(MESA.lat + 0.0091, MESA.lon);
const farAway = at(33.5, -112);

describe('createAreaMembership', () => {
  it('delivers entering and moving inside, then one "left", then silence until it re-enters', () => {
    const membership = createAreaMembership<string>(area);
    const steps: [LatLon | null, AreaDecision, number][] = [
      [inside, 'inside', 1],
      [alsoInside, 'inside', 1],
      [MESA, 'inside', 1],
      [outside, 'left', 0],
      [farAway, 'outside', 0],
      [outside, 'outside', 0],
      [inside, 'inside', 1],
    ];
    for (const [point, decision, size] of steps) {
      expect([point, membership.decide('E12', point)]).toEqual([point, decision]);
      expect(membership.size).toBe(size);
    }
  });

  it('keeps silent about something first seen outside', () => {
    const membership = createAreaMembership<string>(area);
    expect(membership.decide('M7', farAway)).toBe('outside');
    expect(membership.decide('M7', outside)).toBe('outside');
    expect(membership.size).toBe(0);
  });

  it('treats losing the location as leaving, and no location as outside', () => {
    const membership = createAreaMembership<string>(area);
    expect(membership.decide('call-1', null)).toBe('outside');
    expect(membership.decide('call-1', inside)).toBe('inside');
    expect(membership.decide('call-1', null)).toBe('left');
    expect(membership.decide('call-1', null)).toBe('outside');
  });

  it('tracks keys independently', () => {
    const membership = createAreaMembership<number>(area);
    expect(membership.decide(1, inside)).toBe('inside');
    expect(membership.decide(2, inside)).toBe('inside');
    expect(membership.decide(3, farAway)).toBe('outside');
    expect(membership.size).toBe(2);
    expect(membership.decide(1, farAway)).toBe('left');
    expect(membership.decide(2, alsoInside)).toBe('inside');
    expect(membership.size).toBe(1);
  });

  it('forgets a key without a "left" event', () => {
    const membership = createAreaMembership<string>(area);
    membership.decide('E12', inside);
    membership.forget('E12');
    membership.forget('never-seen');
    expect(membership.size).toBe(0);
    expect(membership.decide('E12', farAway)).toBe('outside');
  });

  it('holds memory only for what is shown, however many keys pass by', () => {
    const membership = createAreaMembership<number>(area);
    for (let key = 0; key < 10_000; key += 1) membership.decide(key, key % 100 === 0 ? inside : farAway);
    expect(membership.size).toBe(100);
    for (let key = 0; key < 10_000; key += 100) expect(membership.decide(key, farAway)).toBe('left');
    expect(membership.size).toBe(0);
  });

  it('works for a box across the antimeridian and a polygon with a hole', () => {
    const fijiBox = parseArea({ boundingBox: { southWest: at(-20, 170), northEast: at(-10, -170) } });
    const fiji = createAreaMembership<string>(fijiBox);
    expect(fiji.decide('ship', at(-18, 179.5))).toBe('inside');
    expect(fiji.decide('ship', at(-18, -179.5))).toBe('inside');
    expect(fiji.decide('ship', at(-18, -169))).toBe('left');

    const square = [[-111.86, 33.39], [-111.8, 33.39], [-111.8, 33.44], [-111.86, 33.44], [-111.86, 33.39]];
    const hole = [[-111.84, 33.41], [-111.82, 33.41], [-111.82, 33.42], [-111.84, 33.42], [-111.84, 33.41]];
    const ring = createAreaMembership<string>(parseArea({ polygon: { type: 'Polygon', coordinates: [square, hole] } }));
    expect(ring.decide('unit', at(33.43, -111.85))).toBe('inside');
    expect(ring.decide('unit', MESA)).toBe('left');
    expect(ring.decide('unit', at(33.4152, -111.845))).toBe('inside');
  });
});

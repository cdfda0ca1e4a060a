import fc from 'fast-check';
import { OnvifError, aimCamera, type AimCameraInput } from '../../../adapters/onvif';
import { destinationPoint, type LatLon } from '../../../geo/geodesy';

const MAST: LatLon = { lat: 33.4152, lon: -111.8315 };
const camera = (overrides: Partial<AimCameraInput['camera']> = {}): AimCameraInput['camera'] => ({
  point: MAST,
  mountHeightMeters: 10,
  headingDegrees: 0,
  ...overrides,
});
const degrees = (radians: number): number => (radians * 180) / Math.PI;

describe('aimCamera', () => {
  it.each([
    // label, heading of pan 0, bearing to target, distance, expected pan degrees, expected generic pan
    ['north, camera facing north', 0, 0, 100, 0, 0],
    ['east, camera facing north', 0, 90, 100, 90, 0.5],
    ['west, camera facing north', 0, 270, 100, -90, -0.5],
    ['north-east, camera facing east', 90, 45, 250, -45, -0.25],
    ['north, camera facing east', 90, 0, 100, -90, -0.5],
    ['south, camera facing west', 270, 180, 100, -90, -0.5],
    ['east, camera facing 350°: the pan wraps across north', 350, 90, 100, 100, 100 / 180],
  ])('%s', (_label, heading, bearing, distance, panDegrees, pan) => {
    const aim = aimCamera({ camera: camera({ headingDegrees: heading }), target: destinationPoint(MAST, bearing, distance) });
    expect(aim.panDegrees).toBeCloseTo(panDegrees, 6);
    expect(aim.pan).toBeCloseTo(pan, 6);
    expect(aim.distanceMeters).toBeCloseTo(distance, 3);
    expect(aim.tiltDegrees).toBeCloseTo(-degrees(Math.atan(10 / distance)), 6);
    expect(aim.tilt).toBeCloseTo(aim.tiltDegrees / 90, 9);
    expect(aim.clamped).toBe(false);
  });

  it('a target due south of a north-facing camera is at the end of the pan range (±180° → ±1)', () => {
    const aim = aimCamera({ camera: camera(), target: destinationPoint(MAST, 180, 100) });
    expect(Math.abs(aim.panDegrees)).toBeCloseTo(180, 6);
    expect(Math.abs(aim.pan)).toBeCloseTo(1, 6);
  });

  it('pan is folded into (-180, 180]: exactly behind is +180', () => {
    const behind = { lat: MAST.lat - 0.001, lon: MAST.lon };
    expect(aimCamera({ camera: camera(), target: behind })).toMatchObject({ panDegrees: 180, pan: 1 });
  });

  it('a target directly below looks straight down, pan held at 0', () => {
    expect(aimCamera({ camera: camera({ headingDegrees: 123 }), target: MAST })).toEqual({
      panDegrees: 0,
      tiltDegrees: -90,
      distanceMeters: 0,
      pan: 0,
      tilt: -1,
      clamped: false,
    });
  });

  it('a far target sits just below the horizon', () => {
    const aim = aimCamera({ camera: camera({ mountHeightMeters: 12 }), target: destinationPoint(MAST, 45, 50_000) });
    expect(aim.tiltDegrees).toBeLessThan(0);
    expect(aim.tiltDegrees).toBeGreaterThan(-0.02);
    expect(aim.tilt).toBeCloseTo(0, 3);
    expect(aim.pan).toBeCloseTo(0.25, 6);
  });

  it('45° down when the target is as far as the camera is high', () => {
    const aim = aimCamera({ camera: camera({ mountHeightMeters: 20 }), target: destinationPoint(MAST, 0, 20) });
    expect(aim.tiltDegrees).toBeCloseTo(-45, 4);
    expect(aim.tilt).toBeCloseTo(-0.5, 4);
  });

  it('a camera at ground level looks at the horizon (tilt 0, not -0)', () => {
    const aim = aimCamera({ camera: camera({ mountHeightMeters: 0 }), target: destinationPoint(MAST, 10, 30) });
    expect(Object.is(aim.tilt, 0)).toBe(true);
    expect(Object.is(aim.tiltDegrees, 0)).toBe(true);
  });

  it('maps over a narrower pan range and clamps beyond it', () => {
    const narrow = camera({ panRangeDegrees: { min: -170, max: 170 } });
    expect(aimCamera({ camera: narrow, target: destinationPoint(MAST, 85, 100) }).pan).toBeCloseTo(0.5, 6);
    const beyond = aimCamera({ camera: narrow, target: destinationPoint(MAST, 175, 100) });
    expect(beyond).toMatchObject({ pan: 1, clamped: true });
    expect(beyond.panDegrees).toBeCloseTo(175, 6);
  });

  it('maps over a tilt range of -90..0 (down → -1, horizon → +1) when a device says so', () => {
    const downOnly = camera({ tiltRangeDegrees: { min: -90, max: 0 } });
    expect(aimCamera({ camera: downOnly, target: MAST }).tilt).toBe(-1);
    expect(aimCamera({ camera: { ...downOnly, mountHeightMeters: 20 }, target: destinationPoint(MAST, 0, 20) }).tilt).toBeCloseTo(0, 4);
  });

  it('reverses the axis for a head whose pan grows counter-clockwise', () => {
    const reversed = camera({ panRangeDegrees: { min: 180, max: -180 } });
    expect(aimCamera({ camera: reversed, target: destinationPoint(MAST, 90, 100) }).pan).toBeCloseTo(-0.5, 6);
  });

  it.each<[string, AimCameraInput]>([
    ['a latitude beyond 90', { camera: camera({ point: { lat: 91, lon: 0 } }), target: MAST }],
    ['a NaN target', { camera: camera(), target: { lat: NaN, lon: 0 } }],
    ['a missing target', { camera: camera(), target: undefined as unknown as LatLon }],
    ['a negative mount height', { camera: camera({ mountHeightMeters: -1 }), target: MAST }],
    ['an infinite mount height', { camera: camera({ mountHeightMeters: Infinity }), target: MAST }],
    ['a heading that is not a number', { camera: camera({ headingDegrees: '90' as unknown as number }), target: MAST }],
    ['an empty pan range', { camera: camera({ panRangeDegrees: { min: 10, max: 10 } }), target: MAST }],
    ['a pan range beyond ±180', { camera: camera({ panRangeDegrees: { min: -200, max: 200 } }), target: MAST }],
    ['a tilt range beyond ±90', { camera: camera({ tiltRangeDegrees: { min: -120, max: 0 } }), target: MAST }],
  ])('refuses %s with OnvifError bad-input', (_label, input) => {
    expect(() => aimCamera(input)).toThrow(OnvifError);
    expect(() => aimCamera(input)).toThrow(/bad-input/);
  });
});

describe('aimCamera properties', () => {
  const point = fc.record({ lat: fc.double({ min: -80, max: 80, noNaN: true }), lon: fc.double({ min: -179, max: 179, noNaN: true }) });
  const input = fc.record({
    point,
    mountHeightMeters: fc.double({ min: 0, max: 200, noNaN: true }),
    headingDegrees: fc.double({ min: -720, max: 720, noNaN: true }),
    bearing: fc.double({ min: 0, max: 360, noNaN: true, maxExcluded: true }),
    distance: fc.double({ min: 0, max: 20_000, noNaN: true }),
  });

  it('pan and tilt are in [-1, 1]; a ground target is never above the horizon', () => {
    fc.assert(
      fc.property(input, ({ point: at, mountHeightMeters, headingDegrees, bearing, distance }) => {
        const aim = aimCamera({ camera: { point: at, mountHeightMeters, headingDegrees }, target: destinationPoint(at, bearing, distance) });
        expect(aim.pan).toBeGreaterThanOrEqual(-1);
        expect(aim.pan).toBeLessThanOrEqual(1);
        expect(aim.tilt).toBeGreaterThanOrEqual(-1);
        expect(aim.tilt).toBeLessThanOrEqual(0);
        expect(aim.tiltDegrees).toBeLessThanOrEqual(0);
        expect(aim.panDegrees).toBeGreaterThan(-180);
        expect(aim.panDegrees).toBeLessThanOrEqual(180);
        expect(aim.clamped).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('with the default ranges, generic pan × 180 is the bearing relative to the heading', () => {
    fc.assert(
      fc.property(input, ({ point: at, mountHeightMeters, headingDegrees, bearing, distance }) => {
        fc.pre(distance > 1);
        const aim = aimCamera({ camera: { point: at, mountHeightMeters, headingDegrees }, target: destinationPoint(at, bearing, distance) });
        const expected = (((bearing - headingDegrees) % 360) + 540) % 360 - 180;
        // Compare as angles: ±180 are the same direction.
        const difference = Math.abs(((aim.pan * 180 - expected + 540) % 360) - 180);
        expect(difference).toBeLessThan(1e-3);
      }),
      { numRuns: 1000 },
    );
  });

  it('a higher camera looks further down at the same target', () => {
    fc.assert(
      fc.property(input, fc.double({ min: 0.5, max: 50, noNaN: true }), ({ point: at, mountHeightMeters, bearing, distance }, extra) => {
        fc.pre(distance > 1);
        const target = destinationPoint(at, bearing, distance);
        const low = aimCamera({ camera: { point: at, mountHeightMeters, headingDegrees: 0 }, target });
        const high = aimCamera({ camera: { point: at, mountHeightMeters: mountHeightMeters + extra, headingDegrees: 0 }, target });
        expect(high.tilt).toBeLessThan(low.tilt);
      }),
    );
  });
});

import { sightOf, type CameraOptics } from '../../geo/cameraView';
import { destinationPoint, type LatLon } from '../../geo/geodesy';

const CAMERA_AT: LatLon = { lat: 33.4152, lon: -111.8315 };
const fixed: CameraOptics = { point: CAMERA_AT, headingDegrees: 90, fieldOfViewDegrees: 60, rangeMeters: 150, ptz: false };

describe('sightOf', () => {
  it.each([
    ['straight ahead, in range', 90, 100, true],
    ['at the edge of the cone', 119.5, 100, true],
    ['just outside the cone', 121, 100, false],
    ['behind the camera', 270, 50, false],
    ['ahead but beyond range', 90, 200, false],
  ])('a fixed camera facing east: %s', (_label, bearing, distance, inView) => {
    const target = destinationPoint(CAMERA_AT, bearing, distance);
    const sight = sightOf(fixed, target, 100);
    expect(sight.inView).toBe(inView);
    expect(sight.distanceMeters).toBeCloseTo(distance, 3);
    expect(sight.bearingDegrees).toBeCloseTo(bearing % 360, 3);
  });

  it('wraps the cone across north', () => {
    const northFacing = { ...fixed, headingDegrees: 350, fieldOfViewDegrees: 40 };
    expect(sightOf(northFacing, destinationPoint(CAMERA_AT, 5, 50), 100).inView).toBe(true);
    expect(sightOf(northFacing, destinationPoint(CAMERA_AT, 15, 50), 100).inView).toBe(false);
  });

  it('lets a PTZ camera see any bearing within range', () => {
    const ptz = { ...fixed, ptz: true };
    expect(sightOf(ptz, destinationPoint(CAMERA_AT, 270, 120), 100).inView).toBe(true);
    expect(sightOf(ptz, destinationPoint(CAMERA_AT, 270, 160), 100).inView).toBe(false);
  });

  it('never counts a fixed camera with unknown heading as in view, and uses the default range when its own is unknown', () => {
    expect(sightOf({ ...fixed, headingDegrees: null }, destinationPoint(CAMERA_AT, 90, 10), 100).inView).toBe(false);
    const noRange = { ...fixed, rangeMeters: null };
    expect(sightOf(noRange, destinationPoint(CAMERA_AT, 90, 90), 100).inView).toBe(true);
    expect(sightOf(noRange, destinationPoint(CAMERA_AT, 90, 110), 100).inView).toBe(false);
  });
});

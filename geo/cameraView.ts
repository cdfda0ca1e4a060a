import { angularDifferenceDegrees, haversineMeters, initialBearingDegrees, type LatLon } from './geodesy';

/** What a camera can see: where it is, which way it looks, how wide and how far. */
export interface CameraOptics {
  readonly point: LatLon;
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly rangeMeters: number | null;
  readonly ptz: boolean;
}

/** How a camera relates to a target point. */
export interface CameraSight {
  readonly distanceMeters: number;
  /** Bearing from the camera to the target, degrees clockwise from north: where to point it. */
  readonly bearingDegrees: number;
  readonly inView: boolean;
}

/**
 * Whether `target` lies in the camera's view cone: within range, and for a fixed camera within
 * heading ± fieldOfView/2. A PTZ camera can be turned to any bearing, so range alone decides.
 * A fixed camera with no known heading or field of view is never counted as in view.
 * `defaultRangeMeters` stands in when the camera's own range is unknown.
 */
export function sightOf(camera: CameraOptics, target: LatLon, defaultRangeMeters: number): CameraSight {
  const distanceMeters = haversineMeters(camera.point, target);
  const bearingDegrees = initialBearingDegrees(camera.point, target);
  const range = camera.rangeMeters ?? defaultRangeMeters;
  let inView = distanceMeters <= range;
  if (inView && !camera.ptz) {
    if (camera.headingDegrees === null || camera.fieldOfViewDegrees === null) inView = false;
    else if (distanceMeters > 0) {
      inView = angularDifferenceDegrees(bearingDegrees, camera.headingDegrees) <= camera.fieldOfViewDegrees / 2;
    }
  }
  return { distanceMeters, bearingDegrees, inView };
}

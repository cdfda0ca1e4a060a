/**
 * Slew-to-cue: the PTZ AbsoluteMove position that points a mounted camera at a ground target.
 */
import { haversineMeters, initialBearingDegrees, isValidLatLon, normalizeDegrees, type LatLon } from '../../geo/geodesy';
import { OnvifError } from './onvifErrors';

/** The angles in degrees at generic -1 (`min`) and +1 (`max`); `min > max` reverses the axis. */
export interface AngleRange {
  readonly min: number;
  readonly max: number;
}

export interface AimCameraInput {
  readonly camera: {
    readonly point: LatLon;
    /** Lens height above the target's ground level, metres. */
    readonly mountHeightMeters: number;
    /** Compass bearing (degrees clockwise from true north) the camera faces at pan 0. */
    readonly headingDegrees: number;
    /** Pan angles (relative to `headingDegrees`, clockwise positive) at generic pan -1 and +1. Default {-180, 180}. */
    readonly panRangeDegrees?: AngleRange;
    /** Tilt angles (above the horizon positive) at generic tilt -1 and +1. Default {-90, 90}. */
    readonly tiltRangeDegrees?: AngleRange;
  };
  readonly target: LatLon;
}

export interface CameraAim {
  /** Bearing to the target relative to the camera's zero heading, in (-180, 180]; clockwise positive. */
  readonly panDegrees: number;
  /** Elevation of the target seen from the lens, in [-90, 0] for ground targets; down is negative. */
  readonly tiltDegrees: number;
  /** Ground (great-circle) distance from the camera to the target. */
  readonly distanceMeters: number;
  /** Generic pan position in [-1, 1] (PTZ spec, "Generic Pan/Tilt Position Space"). */
  readonly pan: number;
  /** Generic tilt position in [-1, 1]. */
  readonly tilt: number;
  /** True when a target angle lay outside the camera's range and was clamped to its end. */
  readonly clamped: boolean;
}

const DEFAULT_PAN_RANGE: AngleRange = { min: -180, max: 180 };
const DEFAULT_TILT_RANGE: AngleRange = { min: -90, max: 90 };
/** Below this ground distance the target is under the camera and has no bearing. */
const DIRECTLY_BELOW_METERS = 0.01;

/**
 * Where to point the camera. Pan is the bearing to the target minus the camera's heading,
 * folded into (-180, 180] and mapped linearly from `panRangeDegrees` onto [-1, 1]; tilt is
 * -atan(mountHeight / groundDistance), mapped from `tiltRangeDegrees` onto [-1, 1]. With the
 * defaults, generic pan = degrees / 180 and generic tilt = degrees / 90: straight down is -1,
 * the horizon 0. This assumes the common calibration (pan grows clockwise seen from above, tilt
 * grows upward); for a head calibrated the other way, give the range reversed (`min > max`).
 * Angles beyond the range are clamped to its end. A target directly below gets pan 0.
 * Distances are on the sphere and ignore Earth curvature in the tilt, which is fine at city scale.
 *
 * Throws {@link OnvifError} `bad-input` when a coordinate, height, heading or range is invalid.
 */
export function aimCamera({ camera, target }: AimCameraInput): CameraAim {
  const panRange = checkRange(camera.panRangeDegrees ?? DEFAULT_PAN_RANGE, -180, 180, 'camera.panRangeDegrees');
  const tiltRange = checkRange(camera.tiltRangeDegrees ?? DEFAULT_TILT_RANGE, -90, 90, 'camera.tiltRangeDegrees');
  if (!isLatLon(camera.point)) throw badInput('camera.point', 'must be a WGS 84 {lat, lon}');
  if (!isLatLon(target)) throw badInput('target', 'must be a WGS 84 {lat, lon}');
  if (typeof camera.mountHeightMeters !== 'number' || !Number.isFinite(camera.mountHeightMeters) || camera.mountHeightMeters < 0) {
    throw badInput('camera.mountHeightMeters', `must be a finite number ≥ 0, got ${String(camera.mountHeightMeters)}`);
  }
  if (typeof camera.headingDegrees !== 'number' || !Number.isFinite(camera.headingDegrees)) {
    throw badInput('camera.headingDegrees', `must be a finite number, got ${String(camera.headingDegrees)}`);
  }

  const distanceMeters = haversineMeters(camera.point, target);
  const panDegrees = distanceMeters < DIRECTLY_BELOW_METERS ? 0 : toHalfOpenSigned(initialBearingDegrees(camera.point, target) - camera.headingDegrees);
  // `|| 0`: a camera at ground level looking at the horizon tilts 0, not -0.
  const tiltDegrees = -toDegrees(Math.atan2(camera.mountHeightMeters, distanceMeters)) || 0;

  const pan = toGeneric(panDegrees, panRange);
  const tilt = toGeneric(tiltDegrees, tiltRange);
  return { panDegrees, tiltDegrees, distanceMeters, pan: pan.value, tilt: tilt.value, clamped: pan.clamped || tilt.clamped };
}

/** Degrees folded into (-180, 180]. */
function toHalfOpenSigned(degrees: number): number {
  const folded = normalizeDegrees(degrees);
  return folded > 180 ? folded - 360 : folded;
}

function toGeneric(degrees: number, range: AngleRange): { value: number; clamped: boolean } {
  const inside = Math.min(Math.max(range.min, range.max), Math.max(Math.min(range.min, range.max), degrees));
  const value = -1 + (2 * (inside - range.min)) / (range.max - range.min);
  // Keep the result inside [-1, 1] against rounding, and never -0.
  return { value: Math.min(1, Math.max(-1, value)) || 0, clamped: inside !== degrees };
}

function checkRange(range: AngleRange, lowest: number, highest: number, name: string): AngleRange {
  const valid =
    typeof range === 'object' &&
    range !== null &&
    Number.isFinite(range.min) &&
    Number.isFinite(range.max) &&
    range.min !== range.max &&
    Math.min(range.min, range.max) >= lowest &&
    Math.max(range.min, range.max) <= highest;
  if (!valid) throw badInput(name, `must be {min, max}, distinct, within [${lowest}, ${highest}]`);
  return range;
}

function isLatLon(point: unknown): point is LatLon {
  return typeof point === 'object' && point !== null && isValidLatLon(point as { lat: unknown; lon: unknown });
}

const toDegrees = (radians: number): number => (radians * 180) / Math.PI;

function badInput(argument: string, problem: string): OnvifError {
  return new OnvifError('bad-input', `${argument} ${problem}`);
}

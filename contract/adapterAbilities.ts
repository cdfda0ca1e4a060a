/**
 * Optional abilities of an adapter, beyond the {@link Adapter} contract every adapter meets. An
 * adapter that has one declares it in its type (`interface AvlAdapter extends Adapter, Replayable`)
 * so that the compiler holds it to the ability's signature; the hub asks for an ability only
 * through its `is*` guard, never by guessing at an object's shape.
 */
import type { Adapter } from './adapter';
import type { GeoPoint } from './domainEvents';

/** Where a dead letter came from, as the ingest subgraph hands it back on replay. */
export interface ReplayOrigin {
  /** The sender the adapter named when it rejected the payload (`Rejection.sender`). */
  readonly sender?: string | null;
}

/** Takes a dead letter's raw payload again, as if it had just arrived from its sender (`replayDeadLetter`). */
export interface Replayable {
  replay(raw: string, origin?: ReplayOrigin): Promise<void>;
}

/** Where a PTZ camera was pointed: bearing and elevation from the lens, and the ground distance. */
export interface CameraAimResult {
  readonly panDegrees: number;
  readonly tiltDegrees: number;
  readonly distanceMeters: number;
}

/** Commands cameras (`pointCamera`): says which cameras it controls and aims them at a ground target. */
export interface CameraController {
  /** Whether this adapter commands the camera with this id. */
  controls(cameraId: string): boolean;
  aim(cameraId: string, target: GeoPoint): Promise<CameraAimResult>;
}

/** Listens where vendors reach it, for the start-up banner and for simulated vendors to find it. */
export interface Listening {
  /**
   * Once started, the URL of each listener, e.g. `udp://127.0.0.1:5500`,
   * `http://127.0.0.1:5600/eido`; the scheme names the transport.
   */
  endpoints(): readonly string[];
}

const hasMethods = (adapter: Adapter, methods: readonly string[]) =>
  methods.every((method) => typeof (adapter as unknown as Record<string, unknown>)[method] === 'function');

/** Whether the adapter can replay a dead letter ({@link Replayable}). */
export function isReplayable<T extends Adapter>(adapter: T): adapter is T & Replayable {
  return hasMethods(adapter, ['replay']);
}

/** Whether the adapter commands cameras ({@link CameraController}). */
export function isCameraController<T extends Adapter>(adapter: T): adapter is T & CameraController {
  return hasMethods(adapter, ['controls', 'aim']);
}

/** Whether the adapter listens for vendors and can say where ({@link Listening}). */
export function isListening<T extends Adapter>(adapter: T): adapter is T & Listening {
  return hasMethods(adapter, ['endpoints']);
}

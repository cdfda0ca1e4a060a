/**
 * The contract's `camera.discovered` for a device: its configured placement plus what a
 * discovery pass found, with an event id derived from the device and a hash of the content.
 */
import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import { type CameraDiscovered, type CameraSource, type GeoPoint } from '../../contract';
import { type AngleRange } from '../onvif';
import { type OnvifDiscovery } from './discoverOnvifCamera';

/** One ONVIF device as configured: how to reach it and where it hangs. */
export interface OnvifDeviceConfig {
  /** The hub's id for the camera; also names the device in rejections and errors. */
  readonly cameraId: string;
  readonly name: string;
  /** The device service XAddr, e.g. `http://10.0.0.5/onvif/device_service`. */
  readonly deviceServiceUrl: string;
  readonly username: string;
  readonly password: string;
  readonly location: GeoPoint;
  /** Compass bearing the camera faces (at pan 0 for a PTZ head), degrees in [0, 360). */
  readonly headingDegrees?: number | null;
  readonly fieldOfViewDegrees?: number | null;
  readonly rangeMeters?: number | null;
  /** Lens height above ground; needed with `headingDegrees` to aim. */
  readonly mountHeightMeters?: number | null;
  /** Default `CITY_VMS`. */
  readonly cameraSource?: CameraSource;
  /** Pan angles at generic -1 and +1, relative to the heading; default {-180, 180} (see `aimCamera`). */
  readonly panRangeDegrees?: AngleRange;
  /** Tilt angles at generic -1 and +1; default {-90, 90}. */
  readonly tiltRangeDegrees?: AngleRange;
}

export interface CameraDiscoveredInput {
  readonly device: OnvifDeviceConfig;
  /** Null for a configuration check before any device has answered. */
  readonly discovery: OnvifDiscovery | null;
  readonly source: string;
  readonly occurredAt: string;
  /** The id of the last `camera.discovered` emitted for this camera, if any. */
  readonly previousEventId: string | null;
}

/**
 * The event and the hash of its content (everything but the envelope). The event id hashes the
 * content together with the previous event id: a pass that finds nothing new yields the same
 * hash (nothing to emit), and a camera that changes back (A → B → A) gets a new id for the
 * second A, which a duplicate filter would otherwise drop as a resend of the first.
 */
export function cameraDiscoveredFrom({ device, discovery, source, occurredAt, previousEventId }: CameraDiscoveredInput): {
  readonly event: CameraDiscovered;
  readonly contentHash: string;
} {
  const content = {
    cameraId: device.cameraId,
    name: device.name,
    cameraSource: device.cameraSource ?? 'CITY_VMS',
    location: { point: { lat: device.location.lat, lon: device.location.lon } },
    headingDegrees: device.headingDegrees ?? null,
    fieldOfViewDegrees: device.fieldOfViewDegrees ?? null,
    rangeMeters: device.rangeMeters ?? null,
    mountHeightMeters: device.mountHeightMeters ?? null,
    ptz: discovery !== null && discovery.ptzProfileToken !== null,
    // Only a device that has just answered is discovered.
    status: 'ONLINE' as const,
    streams: discovery === null ? [] : discovery.streams.map(({ protocol, url, profile }) => ({ protocol, url, profile: profile ?? null })),
    snapshotUrl: discovery?.snapshotUrl ?? null,
  };
  const contentHash = sha256(stableStringify(content));
  const eventId = `${device.cameraId}/discovered/${sha256(`${previousEventId ?? ''}\u0000${contentHash}`).slice(0, 32)}`;
  return { event: { type: 'camera.discovered', eventId, source, occurredAt, ...content }, contentHash };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

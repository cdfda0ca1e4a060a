/**
 * One simulated ONVIF camera: the protocol logic of a Profile S/T device (device, media and PTZ
 * services) over request texts, without sockets; createOnvifDeviceFleet puts it on HTTP.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { normalizeDegrees } from '../../geo/geodesy';
import { type CameraRow } from './encodeCameraCsv';
import {
  GENERIC_PAN_TILT_SPACE,
  GENERIC_ZOOM_SPACE,
  type OnvifPresetSheet,
  type OnvifProfileSheet,
  type PtzPosition,
  type ServiceAddresses,
  type SoapFaultSheet,
  encodeCapabilities,
  encodeDeviceInformation,
  encodeEmptyPtzResponse,
  encodeMediaUri,
  encodePresets,
  encodeProfiles,
  encodePtzStatus,
  encodeServices,
  encodeSoapFault,
  encodeSystemDateAndTime,
} from './encodeOnvifResponse';
import { SNAPSHOT_CONTENT_TYPE, renderCameraSnapshot } from './renderCameraSnapshot';
import { type OnvifDeviceRequest, type RequestedPosition, type UsernameTokenFields, readOnvifRequest } from './readOnvifRequest';

/** What a device is: everything it answers with, derived from a simulated camera. */
export interface OnvifDeviceSheet {
  readonly cameraId: string;
  readonly serialNumber: string;
  readonly profiles: readonly OnvifProfileSheet[];
  /** Null: the device offers no stills. Else the camera's; the device serves its own at {@link SNAPSHOT_PATH}. */
  readonly snapshotUrl: string | null;
  /** What the lens sees at pan 0, for the stills it draws. */
  readonly view: { readonly name: string; readonly headingDegrees: number | null; readonly fieldOfViewDegrees: number | null };
  /** The device has a PTZ service (and its first profile a PTZConfiguration). */
  readonly ptz: boolean;
  readonly presets: readonly OnvifPresetSheet[];
}

/**
 * The device a simulated camera would be: a media profile per RTSP stream that names one (the
 * first the main stream, 1920×1080, the others 640×360), the camera's snapshot URL, and for a
 * PTZ camera four presets looking north, east, south and west, 10° down. Pure.
 */
export function onvifDeviceSheetOf(camera: CameraRow): OnvifDeviceSheet {
  const rtsp = camera.streams.filter((stream) => stream.protocol === 'RTSP' && stream.profile);
  const profiles = rtsp.map((stream, index) => ({
    token: stream.profile!,
    name: index === 0 ? 'MainStream' : `SubStream${index}`,
    width: index === 0 ? 1920 : 640,
    height: index === 0 ? 1080 : 360,
    frameRateLimit: index === 0 ? 30 : 15,
    streamUri: stream.url,
    ptz: index === 0 && camera.ptz,
  }));
  const heading = camera.headingDegrees;
  const presets =
    camera.ptz && heading !== null
      ? (['North', 'East', 'South', 'West'] as const).map((name, index) => ({
          token: `Preset_${index + 1}`,
          name,
          ...genericPosition(normalizeDegrees(index * 90 - heading), -10),
        }))
      : [];
  return {
    cameraId: camera.cameraId,
    serialNumber: `SIM${createHash('sha256').update(camera.cameraId).digest('hex').slice(0, 10).toUpperCase()}`,
    profiles,
    snapshotUrl: camera.snapshotUrl,
    view: { name: camera.name, headingDegrees: camera.headingDegrees, fieldOfViewDegrees: camera.fieldOfViewDegrees },
    ptz: camera.ptz && profiles.length > 0,
    presets,
  };
}

/** Generic pan/tilt of a head whose pan 0 faces the camera's heading: pan ±1 is ±180°, tilt ±1 is ±90° (the adapter's default calibration). */
function genericPosition(panDegrees: number, tiltDegrees: number): PtzPosition {
  const folded = panDegrees > 180 ? panDegrees - 360 : panDegrees;
  return { pan: round6(folded / 180), tilt: round6(tiltDegrees / 90), zoom: 0 };
}

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/** One request as it reached the device. */
export interface OnvifExchange {
  /** The request path, e.g. `/onvif/media_service`. */
  readonly path: string;
  readonly contentType: string | null;
  readonly body: string;
  /** `http://host:port` the device is reached at, for the service addresses it gives. */
  readonly origin: string;
}

export interface OnvifAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** A PTZ command the device carried out, and where the head was after it. */
export interface PtzCommandRecord {
  readonly operation: 'AbsoluteMove' | 'GotoPreset' | 'Stop';
  readonly profileToken: string;
  readonly presetToken: string | null;
  readonly position: PtzPosition;
  /** Device time. */
  readonly at: string;
}

export interface SimulatedOnvifDeviceOptions {
  readonly sheet: OnvifDeviceSheet;
  readonly username: string;
  readonly password: string;
  /** The device clock (the simulation's). */
  readonly now: () => Date;
}

export interface SimulatedOnvifDevice {
  answer(exchange: OnvifExchange): OnvifAnswer;
  /**
   * GET {@link SNAPSHOT_PATH}: the still GetSnapshotUri points at, drawn for the device clock and
   * where the head points now; 404 when the device offers no stills. Unauthenticated, as many
   * cameras serve stills, so that a console's `<img>` can show it.
   */
  snapshot(): OnvifAnswer;
  /** The simulation changed the camera. */
  describe(sheet: OnvifDeviceSheet): void;
  /** Where the head points. */
  position(): PtzPosition;
  /** The last PTZ commands carried out, oldest first (at most {@link KEPT_COMMANDS}). */
  commands(): readonly PtzCommandRecord[];
  counts(): { readonly requests: number; readonly refused: number; readonly faults: number; readonly commands: number };
}

export const KEPT_COMMANDS = 100;
/** Where a device serves its still (GetSnapshotUri answers this path on its own origin). */
export const SNAPSHOT_PATH = '/onvif/snapshot.svg';
/** How far a token's `Created` may be from the device clock, either way. */
export const ALLOWED_CLOCK_SKEW_MS = 60_000;
/** US Mountain Standard Time all year: Arizona keeps no daylight saving (POSIX TZ). */
const DEVICE_TIME_ZONE = 'MST7';

const SERVICE_PATHS = {
  '/onvif/device_service': 'device',
  '/onvif/media_service': 'media',
  '/onvif/ptz_service': 'ptz',
} as const;

type Service = (typeof SERVICE_PATHS)[keyof typeof SERVICE_PATHS];

const OPERATIONS: Readonly<Record<Service, readonly string[]>> = {
  device: ['GetSystemDateAndTime', 'GetDeviceInformation', 'GetCapabilities', 'GetServices'],
  media: ['GetProfiles', 'GetStreamUri', 'GetSnapshotUri'],
  ptz: ['AbsoluteMove', 'GotoPreset', 'Stop', 'GetStatus', 'GetPresets'],
};

const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';

/**
 * A device that answers the ONVIF operations the hub's adapter uses, and a few more
 * (GetDeviceInformation, GetServices, GetStatus, GetPresets), each on its own service path.
 *
 * Security (Core spec, "User-based access control"): every request but GetSystemDateAndTime must
 * carry a WS-Security UsernameToken with a PasswordDigest (UsernameToken Profile 1.0 §3.1,
 * computed here on its own), for this device's user, `Created` within
 * {@link ALLOWED_CLOCK_SKEW_MS} of the device clock and a nonce not seen in that window;
 * otherwise the answer is a `ter:NotAuthorized` fault. Other faults follow the Core spec's error
 * table: `ter:WellFormed`, `ter:ActionNotSupported`, `ter:NoProfile`, `ter:NoToken`,
 * `ter:InvalidPosition`, `ter:SpaceNotSupported`, `ter:NoPTZProfile`.
 */
export function createSimulatedOnvifDevice(options: SimulatedOnvifDeviceOptions): SimulatedOnvifDevice {
  const { username, password, now } = options;
  let sheet = options.sheet;
  let head: PtzPosition = { pan: 0, tilt: 0, zoom: 0 };
  const log: PtzCommandRecord[] = [];
  /** Nonce → device time it was first seen, for replay detection within the clock window. */
  const nonces = new Map<string, number>();
  let requests = 0;
  let refused = 0;
  let faults = 0;
  let commands = 0;

  const fault = (status: 400 | 500, sheetOfFault: SoapFaultSheet): OnvifAnswer => {
    faults += 1;
    return { status, contentType: SOAP_CONTENT_TYPE, body: encodeSoapFault(sheetOfFault) };
  };
  const sender = (subcodes: readonly string[], reason: string) => fault(400, { code: 'env:Sender', subcodes, reason });
  const ok = (body: string): OnvifAnswer => ({ status: 200, contentType: SOAP_CONTENT_TYPE, body });

  /** UsernameToken Profile 1.0 §3.1: Base64(SHA-1(nonce + created + password)); null when accepted. */
  const refusal = (token: UsernameTokenFields | null, nowMs: number): string | null => {
    if (token === null) return 'no WS-Security UsernameToken';
    if (token.passwordType !== PASSWORD_DIGEST) return 'the password must be a PasswordDigest';
    if (token.username !== username) return 'unknown user';
    const createdMs = Date.parse(token.created);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(token.created) || !Number.isFinite(createdMs)) return 'Created is not a UTC date and time';
    if (Math.abs(createdMs - nowMs) > ALLOWED_CLOCK_SKEW_MS) return 'Created is outside the device clock window';
    const nonce = Buffer.from(token.nonce, 'base64');
    if (nonce.length === 0) return 'no nonce';
    const expected = createHash('sha1').update(nonce).update(token.created, 'utf8').update(password, 'utf8').digest();
    const given = Buffer.from(token.password, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'wrong password digest';
    forgetOldNonces(nowMs);
    if (nonces.has(token.nonce)) return 'nonce already used';
    nonces.set(token.nonce, nowMs);
    return null;
  };

  const forgetOldNonces = (nowMs: number) => {
    for (const [nonce, seenMs] of nonces) {
      if (Math.abs(nowMs - seenMs) > 2 * ALLOWED_CLOCK_SKEW_MS) nonces.delete(nonce);
    }
  };

  const record = (operation: PtzCommandRecord['operation'], profileToken: string, presetToken: string | null, at: Date) => {
    commands += 1;
    log.push({ operation, profileToken, presetToken, position: head, at: at.toISOString() });
    if (log.length > KEPT_COMMANDS) log.splice(0, log.length - KEPT_COMMANDS);
  };

  const services = (origin: string): ServiceAddresses => ({
    device: `${origin}/onvif/device_service`,
    media: `${origin}/onvif/media_service`,
    ptz: sheet.ptz ? `${origin}/onvif/ptz_service` : null,
  });

  const profileFor = (request: OnvifDeviceRequest): OnvifProfileSheet | OnvifAnswer => {
    const profile = sheet.profiles.find((candidate) => candidate.token === request.profileToken);
    return profile ?? sender(['ter:InvalidArgVal', 'ter:NoProfile'], `No profile ${request.profileToken ?? '(none given)'}`);
  };

  const ptzProfileFor = (request: OnvifDeviceRequest): OnvifProfileSheet | OnvifAnswer => {
    const profile = profileFor(request);
    if (!('token' in profile)) return profile;
    return profile.ptz ? profile : sender(['ter:InvalidArgVal', 'ter:NoPTZProfile'], `Profile ${profile.token} has no PTZ configuration`);
  };

  const dispatch = (request: OnvifDeviceRequest, origin: string, at: Date): OnvifAnswer => {
    switch (request.operation) {
      case 'GetSystemDateAndTime':
        return ok(encodeSystemDateAndTime(at, DEVICE_TIME_ZONE));
      case 'GetDeviceInformation':
        return ok(
          encodeDeviceInformation({
            manufacturer: 'RTCC Hub simulator',
            model: sheet.ptz ? 'SIM-PTZ-1080' : 'SIM-FIXED-1080',
            firmwareVersion: '1.0.0',
            serialNumber: sheet.serialNumber,
            hardwareId: sheet.cameraId,
          }),
        );
      case 'GetCapabilities': {
        const category = request.category ?? 'All';
        if (category !== 'All' && category !== 'Device' && category !== 'Media' && category !== 'PTZ') {
          return fault(500, { code: 'env:Receiver', subcodes: ['ter:ActionNotSupported', 'ter:NoSuchService'], reason: `No ${category} service` });
        }
        if (category === 'PTZ' && !sheet.ptz) return fault(500, { code: 'env:Receiver', subcodes: ['ter:ActionNotSupported', 'ter:NoSuchService'], reason: 'No PTZ service' });
        return ok(encodeCapabilities(services(origin), category));
      }
      case 'GetServices':
        return ok(encodeServices(services(origin)));
      case 'GetProfiles':
        return ok(encodeProfiles(sheet.profiles));
      case 'GetStreamUri': {
        const profile = profileFor(request);
        return 'token' in profile ? ok(encodeMediaUri('GetStreamUri', profile.streamUri)) : profile;
      }
      case 'GetSnapshotUri': {
        const profile = profileFor(request);
        if (!('token' in profile)) return profile;
        if (sheet.snapshotUrl === null) return fault(500, { code: 'env:Receiver', subcodes: ['ter:ActionNotSupported'], reason: 'No snapshots' });
        return ok(encodeMediaUri('GetSnapshotUri', `${origin}${SNAPSHOT_PATH}`));
      }
      case 'AbsoluteMove': {
        const profile = ptzProfileFor(request);
        if (!('token' in profile)) return profile;
        const target = positionOf(request.position, head);
        if (typeof target === 'string') return target.startsWith('space') ? sender(['ter:InvalidArgVal', 'ter:SpaceNotSupported'], target) : sender(['ter:InvalidArgVal', 'ter:InvalidPosition'], target);
        head = target;
        record('AbsoluteMove', profile.token, null, at);
        return ok(encodeEmptyPtzResponse('AbsoluteMove'));
      }
      case 'GotoPreset': {
        const profile = ptzProfileFor(request);
        if (!('token' in profile)) return profile;
        const preset = sheet.presets.find((candidate) => candidate.token === request.presetToken);
        if (preset === undefined) return sender(['ter:InvalidArgVal', 'ter:NoToken'], `No preset ${request.presetToken ?? '(none given)'}`);
        head = { pan: preset.pan, tilt: preset.tilt, zoom: preset.zoom };
        record('GotoPreset', profile.token, preset.token, at);
        return ok(encodeEmptyPtzResponse('GotoPreset'));
      }
      case 'Stop': {
        const profile = ptzProfileFor(request);
        if (!('token' in profile)) return profile;
        record('Stop', profile.token, null, at);
        return ok(encodeEmptyPtzResponse('Stop'));
      }
      case 'GetStatus': {
        const profile = ptzProfileFor(request);
        return 'token' in profile ? ok(encodePtzStatus(head, at)) : profile;
      }
      case 'GetPresets': {
        const profile = ptzProfileFor(request);
        return 'token' in profile ? ok(encodePresets(sheet.presets)) : profile;
      }
      default:
        return fault(500, { code: 'env:Receiver', subcodes: ['ter:ActionNotSupported'], reason: `${request.operation} is not supported` });
    }
  };

  return {
    answer({ path, contentType, body, origin }) {
      requests += 1;
      const service = SERVICE_PATHS[path as keyof typeof SERVICE_PATHS] as Service | undefined;
      if (service === undefined || (service === 'ptz' && !sheet.ptz)) return { status: 404, contentType: 'text/plain; charset=utf-8', body: `No service at ${path}\n` };
      const read = readOnvifRequest(body);
      if (!read.ok) return sender(['ter:WellFormed'], read.detail);
      const { request } = read;
      // SOAP 1.2 over HTTP (RFC 3902): the action parameter, when sent, names the operation.
      const action = /action="([^"]*)"/.exec(contentType ?? '')?.[1];
      if (action !== undefined && !action.endsWith(`/${request.operation}`)) return sender(['ter:InvalidArgVal'], `Action ${action} does not match ${request.operation}`);
      if (!OPERATIONS[service].includes(request.operation)) {
        return fault(500, { code: 'env:Receiver', subcodes: ['ter:ActionNotSupported'], reason: `${request.operation} is not an operation of the ${service} service` });
      }
      const at = now();
      // Core spec: GetSystemDateAndTime is answered to anyone, so that clients can learn the device clock.
      if (request.operation !== 'GetSystemDateAndTime') {
        const why = refusal(request.usernameToken, at.getTime());
        if (why !== null) {
          refused += 1;
          return sender(['ter:NotAuthorized'], `Sender not Authorized: ${why}`);
        }
      }
      return dispatch(request, origin, at);
    },
    snapshot() {
      if (sheet.snapshotUrl === null) return { status: 404, contentType: 'text/plain; charset=utf-8', body: 'No snapshots\n' };
      const { name, headingDegrees, fieldOfViewDegrees } = sheet.view;
      // Generic pan ±1 is ±180° from the heading (see genericPosition).
      const bearing = headingDegrees === null ? null : normalizeDegrees(headingDegrees + head.pan * 180);
      const body = renderCameraSnapshot({ cameraId: sheet.cameraId, name, headingDegrees: bearing, fieldOfViewDegrees, ptz: sheet.ptz, at: now() });
      return { status: 200, contentType: SNAPSHOT_CONTENT_TYPE, body };
    },
    describe(next) {
      sheet = next;
    },
    position: () => head,
    commands: () => [...log],
    counts: () => ({ requests, refused, faults, commands }),
  };
}

/** PTZ spec, "AbsoluteMove": generic spaces only; an axis left out keeps its position. A string says what is wrong. */
function positionOf(requested: RequestedPosition | null, current: PtzPosition): PtzPosition | string {
  if (requested === null) return 'position missing';
  const { panTilt, zoom } = requested;
  if (panTilt !== null && panTilt.space !== null && panTilt.space !== GENERIC_PAN_TILT_SPACE) return `space ${panTilt.space} is not supported`;
  if (zoom !== null && zoom.space !== null && zoom.space !== GENERIC_ZOOM_SPACE) return `space ${zoom.space} is not supported`;
  const coordinate = (text: string | null, fallback: number, min: number, max: number): number | null => {
    if (text === null) return fallback;
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return null;
    const value = Number(text);
    return value >= min && value <= max ? value : null;
  };
  const pan = coordinate(panTilt?.x ?? null, current.pan, -1, 1);
  const tilt = coordinate(panTilt?.y ?? null, current.tilt, -1, 1);
  const zoomX = coordinate(zoom?.x ?? null, current.zoom, 0, 1);
  if (pan === null || tilt === null || zoomX === null) return 'position outside the generic space';
  return { pan, tilt, zoom: zoomX };
}

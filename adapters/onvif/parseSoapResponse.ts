/**
 * Typed results from ONVIF device responses. Pure: XML text in, `{ ok, value }` or
 * `{ ok: false, reason, detail }` out; never throws on device input.
 */
import { type CameraStream } from '../../contract';
import { readPullMessagesResponse, type PullMessagesResult } from './filterEventNotifications';
import { type OnvifResult } from './onvifErrors';
import { attributeOf, childNamed, childrenNamed, type XmlElement } from './parseXmlDocument';
import {
  FieldProblem,
  oneOf,
  optionalText,
  readFields,
  requireAttribute,
  requireChild,
  requireText,
  toBoolean,
  toDateTime,
  toFloat,
  toInteger,
  toToken,
  toUri,
} from './readFieldValues';
import { readSoapBody } from './readSoapBody';

/** Core spec, Device management, "Capabilities" (GetCapabilities): where each service lives. */
export interface DeviceCapabilities {
  readonly device: { readonly xaddr: string };
  readonly media: {
    readonly xaddr: string;
    readonly rtpMulticast: boolean | null;
    readonly rtpTcp: boolean | null;
    readonly rtpRtspTcp: boolean | null;
  } | null;
  readonly ptz: { readonly xaddr: string } | null;
  readonly events: { readonly xaddr: string; readonly wsPullPointSupport: boolean | null } | null;
  readonly imaging: { readonly xaddr: string } | null;
}

/** Core spec, Device management, "Get device information". */
export interface DeviceInformation {
  readonly manufacturer: string;
  readonly model: string;
  readonly firmwareVersion: string;
  readonly serialNumber: string;
  readonly hardwareId: string;
}

/** Core spec, Device management, "Get system date and time". */
export interface SystemDateAndTime {
  /** `Manual` or `NTP`. */
  readonly dateTimeType: string;
  readonly daylightSavings: boolean;
  /** POSIX TZ string, e.g. `MoroccoStandardTime0`; null when not sent. */
  readonly timeZone: string | null;
  /** The device's UTC clock, ISO 8601. */
  readonly utc: string;
}

/** Media spec, "Media profile" (GetProfiles): what a profile streams and whether it can move. */
export interface MediaProfile {
  readonly token: string;
  readonly name: string;
  readonly fixed: boolean;
  readonly videoSource: { readonly token: string; readonly sourceToken: string | null } | null;
  readonly videoEncoder: {
    readonly token: string;
    readonly encoding: string;
    readonly width: number;
    readonly height: number;
    readonly frameRateLimit: number | null;
  } | null;
  /** Present when the profile has a PTZConfiguration, i.e. PTZ commands on this profile move a head. */
  readonly ptz: { readonly token: string; readonly nodeToken: string | null } | null;
}

/** Media spec, "Request stream URI" / "Request snapshot URI": tt:MediaUri. */
export interface MediaUri {
  /** As sent, with XML entities decoded (`&amp;` → `&`). */
  readonly uri: string;
  readonly invalidAfterConnect: boolean;
  readonly invalidAfterReboot: boolean;
  /** xs:duration, e.g. `PT0S` (valid until reboot or reconfiguration). */
  readonly timeout: string;
}

export type PtzMoveState = 'IDLE' | 'MOVING' | 'UNKNOWN';

/** tt:PTZVector: coordinates in the spaces the device names (generic spaces are [-1, 1] and [0, 1]). */
export interface PtzVector {
  readonly pan: number | null;
  readonly tilt: number | null;
  readonly zoom: number | null;
  readonly panTiltSpace: string | null;
  readonly zoomSpace: string | null;
}

/** PTZ spec, "GetStatus": where the head points and whether it is moving. */
export interface PtzStatus {
  readonly position: PtzVector;
  readonly moveStatus: { readonly panTilt: PtzMoveState | null; readonly zoom: PtzMoveState | null };
  readonly error: string | null;
  readonly utcTime: string | null;
}

/** PTZ spec, "GetPresets". */
export interface PtzPreset {
  readonly token: string;
  readonly name: string | null;
  readonly position: PtzVector | null;
}

/** Core spec, Event handling, "Create pull point subscription". */
export interface PullPointSubscription {
  /** Where PullMessages is sent (wsa:Address of the SubscriptionReference). */
  readonly address: string;
  readonly currentTime: string | null;
  readonly terminationTime: string | null;
}

/** What each operation's response reads as. Moves and Stop answer with an empty element: `null`. */
export interface OnvifResponses {
  readonly GetCapabilities: DeviceCapabilities;
  readonly GetDeviceInformation: DeviceInformation;
  readonly GetSystemDateAndTime: SystemDateAndTime;
  readonly GetProfiles: readonly MediaProfile[];
  readonly GetStreamUri: MediaUri;
  readonly GetSnapshotUri: MediaUri;
  readonly GetStatus: PtzStatus;
  readonly GetPresets: readonly PtzPreset[];
  readonly AbsoluteMove: null;
  readonly ContinuousMove: null;
  readonly GotoPreset: null;
  readonly Stop: null;
  readonly CreatePullPointSubscription: PullPointSubscription;
  /** Notifications already filtered: biometric and unlisted topics never reach the caller. */
  readonly PullMessages: PullMessagesResult;
}

export type OnvifResponseOperation = keyof OnvifResponses;

type Reader<T> = (response: XmlElement) => T;

const READERS: { readonly [O in OnvifResponseOperation]: Reader<OnvifResponses[O]> } = {
  GetCapabilities: readCapabilities,
  GetDeviceInformation: (response) => ({
    manufacturer: requireText(response, 'Manufacturer'),
    model: requireText(response, 'Model'),
    firmwareVersion: requireText(response, 'FirmwareVersion'),
    serialNumber: requireText(response, 'SerialNumber'),
    hardwareId: requireText(response, 'HardwareId'),
  }),
  GetSystemDateAndTime: readSystemDateAndTime,
  GetProfiles: (response) => childrenNamed(response, 'Profiles').map(readProfile),
  GetStreamUri: (response) => readMediaUri(response, ['rtsp', 'rtsps']),
  GetSnapshotUri: (response) => readMediaUri(response, ['http', 'https']),
  GetStatus: readPtzStatus,
  GetPresets: (response) =>
    childrenNamed(response, 'Preset').map((preset) => ({
      token: requireAttribute(preset, 'token'),
      name: optionalText(preset, 'Name'),
      position: readPtzVector(preset, 'PTZPosition'),
    })),
  AbsoluteMove: () => null,
  ContinuousMove: () => null,
  GotoPreset: () => null,
  Stop: () => null,
  CreatePullPointSubscription: (response) => ({
    address: toUri(requireText(response, 'SubscriptionReference', 'Address'), 'SubscriptionReference/Address', ['http', 'https']),
    currentTime: optionalDateTime(response, 'CurrentTime'),
    terminationTime: optionalDateTime(response, 'TerminationTime'),
  }),
  PullMessages: readPullMessagesResponse,
};

/**
 * Read the response to `operation` (e.g. `GetStreamUri`) from the device's XML.
 *
 * Failures: `malformed-xml`, `too-large`, `not-soap`, `soap-fault` (with `fault`),
 * `unexpected-response`, `missing-field`, `bad-value`.
 */
export function parseSoapResponse<O extends OnvifResponseOperation>(operation: O, xml: unknown): OnvifResult<OnvifResponses[O]> {
  const read: Reader<OnvifResponses[O]> = READERS[operation];
  const response = readSoapBody(xml, `${operation}Response`);
  if (!response.ok) return response;
  return readFields(() => read(response.value));
}

/**
 * Device clock minus local clock, in milliseconds, to stamp WS-Security `Created` in device time.
 * `receivedAt` is when the GetSystemDateAndTime answer arrived (the device reports whole seconds).
 */
export function clockOffsetMs(systemDateAndTime: SystemDateAndTime, receivedAt: Date): number {
  return Date.parse(systemDateAndTime.utc) - receivedAt.getTime();
}

/** The contract's {@link CameraStream} for a profile's stream URI (Streaming spec, RTP over RTSP). */
export function cameraStreamFrom(profile: MediaProfile, streamUri: MediaUri): CameraStream {
  return { protocol: 'RTSP', url: streamUri.uri, profile: profile.token };
}

// ---- readers ------------------------------------------------------------------------------

function readCapabilities(response: XmlElement): DeviceCapabilities {
  const capabilities = requireChild(response, 'Capabilities');
  const xaddr = (service: XmlElement): string =>
    toUri(requireText(service, 'XAddr'), `Capabilities/${service.localName}/XAddr`, ['http', 'https']);
  const device = childNamed(capabilities, 'Device');
  if (device === undefined) throw new FieldProblem('missing-field', 'GetCapabilitiesResponse/Capabilities/Device is missing');
  const media = childNamed(capabilities, 'Media');
  const ptz = childNamed(capabilities, 'PTZ');
  const events = childNamed(capabilities, 'Events');
  const imaging = childNamed(capabilities, 'Imaging');
  return {
    device: { xaddr: xaddr(device) },
    media:
      media === undefined
        ? null
        : {
            xaddr: xaddr(media),
            rtpMulticast: optionalBoolean(media, 'StreamingCapabilities', 'RTPMulticast'),
            rtpTcp: optionalBoolean(media, 'StreamingCapabilities', 'RTP_TCP'),
            rtpRtspTcp: optionalBoolean(media, 'StreamingCapabilities', 'RTP_RTSP_TCP'),
          },
    ptz: ptz === undefined ? null : { xaddr: xaddr(ptz) },
    events: events === undefined ? null : { xaddr: xaddr(events), wsPullPointSupport: optionalBoolean(events, 'WSPullPointSupport') },
    imaging: imaging === undefined ? null : { xaddr: xaddr(imaging) },
  };
}

function readSystemDateAndTime(response: XmlElement): SystemDateAndTime {
  const system = requireChild(response, 'SystemDateAndTime');
  const utc = requireChild(system, 'UTCDateTime');
  const field = (path: readonly string[], min: number, max: number): number =>
    toInteger(requireText(utc, ...path), `UTCDateTime/${path.join('/')}`, min, max);
  const year = field(['Date', 'Year'], 1970, 9999);
  const month = field(['Date', 'Month'], 1, 12);
  const day = field(['Date', 'Day'], 1, 31);
  const hour = field(['Time', 'Hour'], 0, 23);
  const minute = field(['Time', 'Minute'], 0, 59);
  const second = field(['Time', 'Second'], 0, 60);
  const instant = new Date(Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)));
  // Date.UTC rolls 31 February over into March; a device clock that says so is wrong, not March.
  if (instant.getUTCDate() !== day) throw new FieldProblem('bad-value', `UTCDateTime/Date: ${year}-${month}-${day} is not a calendar date`);
  return {
    dateTimeType: requireText(system, 'DateTimeType'),
    daylightSavings: toBoolean(requireText(system, 'DaylightSavings'), 'SystemDateAndTime/DaylightSavings'),
    timeZone: optionalText(system, 'TimeZone', 'TZ'),
    utc: instant.toISOString(),
  };
}

function readProfile(profile: XmlElement): MediaProfile {
  const token = toToken(requireAttribute(profile, 'token'), 'Profiles@token');
  const source = childNamed(profile, 'VideoSourceConfiguration');
  const encoder = childNamed(profile, 'VideoEncoderConfiguration');
  const ptz = childNamed(profile, 'PTZConfiguration');
  const fixed = attributeOf(profile, 'fixed');
  return {
    token,
    name: requireText(profile, 'Name'),
    fixed: fixed === undefined ? false : toBoolean(fixed.trim(), `Profiles[${token}]@fixed`),
    videoSource: source === undefined ? null : { token: requireAttribute(source, 'token'), sourceToken: optionalText(source, 'SourceToken') },
    videoEncoder:
      encoder === undefined
        ? null
        : {
            token: requireAttribute(encoder, 'token'),
            encoding: requireText(encoder, 'Encoding'),
            width: toInteger(requireText(encoder, 'Resolution', 'Width'), `Profiles[${token}]/Resolution/Width`, 1, 65535),
            height: toInteger(requireText(encoder, 'Resolution', 'Height'), `Profiles[${token}]/Resolution/Height`, 1, 65535),
            frameRateLimit: optionalNumber(encoder, 'RateControl', 'FrameRateLimit'),
          },
    ptz: ptz === undefined ? null : { token: requireAttribute(ptz, 'token'), nodeToken: optionalText(ptz, 'NodeToken') },
  };
}

function readMediaUri(response: XmlElement, schemes: readonly string[]): MediaUri {
  const mediaUri = requireChild(response, 'MediaUri');
  return {
    uri: toUri(requireText(mediaUri, 'Uri'), 'MediaUri/Uri', schemes),
    invalidAfterConnect: toBoolean(requireText(mediaUri, 'InvalidAfterConnect'), 'MediaUri/InvalidAfterConnect'),
    invalidAfterReboot: toBoolean(requireText(mediaUri, 'InvalidAfterReboot'), 'MediaUri/InvalidAfterReboot'),
    timeout: requireText(mediaUri, 'Timeout'),
  };
}

const GENERIC_PAN_TILT_POSITION = 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace';
const GENERIC_ZOOM_POSITION = 'http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace';

function readPtzStatus(response: XmlElement): PtzStatus {
  const status = requireChild(response, 'PTZStatus');
  const vector = readPtzVector(status, 'Position');
  const moveStatus = childNamed(status, 'MoveStatus');
  const state = (name: string): PtzMoveState | null => {
    const text = moveStatus === undefined ? null : optionalText(moveStatus, name);
    return text === null ? null : oneOf(text, ['IDLE', 'MOVING', 'UNKNOWN'] as const, `PTZStatus/MoveStatus/${name}`);
  };
  return {
    position: vector ?? { pan: null, tilt: null, zoom: null, panTiltSpace: null, zoomSpace: null },
    moveStatus: { panTilt: state('PanTilt'), zoom: state('Zoom') },
    error: optionalText(status, 'Error'),
    utcTime: optionalDateTime(status, 'UtcTime'),
  };
}

/** tt:PTZVector: PanTilt@x,y and Zoom@x, range-checked in the generic spaces (PTZ spec, "Generic spaces"). */
function readPtzVector(parent: XmlElement, name: string): PtzVector | null {
  const vector = childNamed(parent, name);
  if (vector === undefined) return null;
  const panTilt = childNamed(vector, 'PanTilt');
  const zoom = childNamed(vector, 'Zoom');
  const coordinate = (element: XmlElement | undefined, axis: 'x' | 'y', min: number, max: number, generic: boolean): number | null => {
    if (element === undefined) return null;
    const raw = attributeOf(element, axis);
    if (raw === undefined) throw new FieldProblem('missing-field', `${name}/${element.localName}@${axis} is missing`);
    const value = toFloat(raw.trim(), `${name}/${element.localName}@${axis}`);
    if (generic && (value < min || value > max)) {
      throw new FieldProblem('bad-value', `${name}/${element.localName}@${axis}: ${value} is outside the generic space [${min}, ${max}]`);
    }
    return value;
  };
  const space = (element: XmlElement | undefined): string | null => (element === undefined ? null : attributeOf(element, 'space')?.trim() ?? null);
  const panTiltSpace = space(panTilt);
  const zoomSpace = space(zoom);
  return {
    pan: coordinate(panTilt, 'x', -1, 1, panTiltSpace === GENERIC_PAN_TILT_POSITION),
    tilt: coordinate(panTilt, 'y', -1, 1, panTiltSpace === GENERIC_PAN_TILT_POSITION),
    zoom: coordinate(zoom, 'x', 0, 1, zoomSpace === GENERIC_ZOOM_POSITION),
    panTiltSpace,
    zoomSpace,
  };
}

function optionalBoolean(element: XmlElement, ...path: readonly string[]): boolean | null {
  const text = optionalText(element, ...path);
  return text === null ? null : toBoolean(text, path.join('/'));
}

function optionalNumber(element: XmlElement, ...path: readonly string[]): number | null {
  const text = optionalText(element, ...path);
  return text === null ? null : toFloat(text, path.join('/'));
}

function optionalDateTime(element: XmlElement, ...path: readonly string[]): string | null {
  const text = optionalText(element, ...path);
  return text === null ? null : toDateTime(text, path.join('/'));
}

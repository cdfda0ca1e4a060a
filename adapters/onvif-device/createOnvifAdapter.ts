import {
  type Adapter,
  type AdapterStatus,
  type CameraController,
  type CameraStatus,
  type CameraStatusChanged,
  type DomainEvent,
  type EventSink,
  type GeoPoint,
  type Rejection,
  type Replayable,
} from '../../contract';
import { OnvifError, aimCamera, randomNonce, rejectionFrom, type CameraAim, type OnvifRequest } from '../onvif';
import { validateDomainEvent } from '../../contract/validateDomainEvent';
import { cameraDiscoveredFrom, type OnvifDeviceConfig } from './cameraDiscoveredFrom';
import { createOnvifDeviceClient, type DeviceCallFailure, type OnvifDeviceClient } from './createOnvifDeviceClient';
import { discoverOnvifCamera, type OnvifDiscovery } from './discoverOnvifCamera';
import { nextPollDelayMs } from './nextPollDelayMs';
import { OnvifDeviceError } from './onvifDeviceErrors';

export interface OnvifAdapterOptions {
  /** Adapter name; also the `source` of its events. Default `onvif`. */
  readonly name?: string;
  readonly devices: readonly OnvifDeviceConfig[];
  /** The local clock: event times, and WS-Security `Created` (shifted into device time). */
  readonly now: () => Date;
  /** Time between two polls of a device that answers. Default 30 s. */
  readonly pollIntervalMs?: number;
  /** Per request: connect, headers and body. Default 5 s. */
  readonly requestTimeoutMs?: number;
  /** WS-Security nonce source. Default 16 random bytes per request. */
  readonly nonce?: () => Uint8Array;
  /**
   * Longest device answer read. Default 512 KiB: real answers are a few KiB (the reference
   * GetProfiles: 6 KiB), and reading 4 MiB of XML (the XML reader's own limit) holds the event
   * loop for over a second.
   */
  readonly maxResponseBytes?: number;
  /** Told of a failure inside the adapter itself (a bug, or a sink that throws); polling goes on. */
  readonly onError?: (error: unknown, context: { readonly cameraId: string }) => void;
}

/** What a PTZ command sent and what the device answered. */
export interface PtzCommandResult {
  readonly cameraId: string;
  /** The media profile the command addressed (the first with a PTZConfiguration, main stream first). */
  readonly profileToken: string;
  readonly operation: 'AbsoluteMove' | 'GotoPreset' | 'Stop';
  readonly httpStatus: number;
  /** The device's answer as received (an empty `…Response` element on success). */
  readonly answer: string;
}

/** {@link PtzCommandResult} of the AbsoluteMove, with the aim it carried (degrees and generic pan/tilt). */
export interface AimResult extends PtzCommandResult, CameraAim {
  readonly operation: 'AbsoluteMove';
}

export interface OnvifAdapter extends Adapter, CameraController, Replayable {
  /** Whether a configured device has this camera id (started or not). */
  controls(cameraId: string): boolean;
  /**
   * Slew to cue: point a PTZ camera at a ground target with PTZ AbsoluteMove, pan and tilt in
   * the generic position space (computed by `aimCamera` from the camera's configured location,
   * heading and mount height; zoom is left as it is).
   * Throws {@link OnvifDeviceError}: `unknown-camera`, `not-ptz`, `not-calibrated`, `bad-input`,
   * `device-unreachable`, `device-fault`, `not-started`.
   */
  aim(cameraId: string, target: GeoPoint): Promise<AimResult>;
  /** PTZ GotoPreset. Preset tokens are the device's (PTZ GetPresets). Throws like {@link aim}. */
  gotoPreset(cameraId: string, presetToken: string): Promise<PtzCommandResult>;
  /** PTZ Stop, pan/tilt and zoom. Throws like {@link aim}. */
  stopMotion(cameraId: string): Promise<PtzCommandResult>;
  /**
   * Always rejects with `not-replayable`: a dead letter holds a device's answer to a request of
   * this adapter's, and is only evidence. Fix the device; the next poll asks again.
   */
  replay(raw: string): Promise<void>;
}

interface DeviceState {
  readonly device: OnvifDeviceConfig;
  readonly client: OnvifDeviceClient;
  /** What the adapter last told the sink; UNKNOWN until then. */
  status: CameraStatus;
  discovery: OnvifDiscovery | null;
  lastContentHash: string | null;
  lastDiscoveredEventId: string | null;
  consecutiveFailures: number;
  /** The failure last rejected, so that a device failing the same way every poll leaves one dead letter. */
  lastRejectionKey: string | null;
  timer: NodeJS.Timeout | null;
  polling: Promise<void> | null;
}

/** One start…stop: its own sink, abort signal and device states. */
interface Run {
  readonly sink: EventSink;
  readonly controller: AbortController;
  readonly states: ReadonlyMap<string, DeviceState>;
}

export const DEFAULT_ONVIF_MAX_RESPONSE_BYTES = 512 * 1024;

/**
 * VMS over ONVIF Profile S/T: polls a list of devices and emits `camera.discovered` and
 * `camera.statusChanged`; moves PTZ heads on command.
 *
 * Every `pollIntervalMs`, each device on its own timer (so a slow device delays no other):
 * GetSystemDateAndTime → GetCapabilities → GetProfiles → GetStreamUri and GetSnapshotUri per
 * profile (see {@link discoverOnvifCamera}). Then:
 * - `camera.discovered` when the camera is first seen in this run or what was found changed;
 * - `camera.statusChanged` whenever the status it last reported changes, including the first
 *   time (the adapter cannot know what the hub last heard): ONLINE when a pass succeeds; OFFLINE
 *   when the device does not answer (timeout, refused connection, HTTP 5xx) or refuses the
 *   credentials (`ter:NotAuthorized`);
 * - a rejection (via `rejectionFrom`, holding the device's answer and naming the operation) for a
 *   SOAP Fault or an unreadable answer, once per distinct failure in a row. A device that answers
 *   with something else than a NotAuthorized fault is reachable: its status is left as it was.
 * Failed passes back off exponentially per device (see {@link nextPollDelayMs}).
 *
 * Not done: event subscriptions (CreatePullPointSubscription / PullMessages). The contract has
 * no event for motion or tampering to carry them.
 */
export function createOnvifAdapter(options: OnvifAdapterOptions): OnvifAdapter {
  const { name = 'onvif', devices, now, pollIntervalMs = 30_000, requestTimeoutMs = 5_000, nonce = randomNonce } = options;
  const { maxResponseBytes = DEFAULT_ONVIF_MAX_RESPONSE_BYTES, onError = () => undefined } = options;
  checkOptions(name, devices, { pollIntervalMs, requestTimeoutMs, maxResponseBytes });
  const configuredCameraIds = new Set(devices.map((device) => device.cameraId));
  let run: Run | null = null;
  let accepted = 0;
  let rejected = 0;
  let lastMessageAt: string | null = null;

  const newRun = (sink: EventSink): Run => {
    const controller = new AbortController();
    const states = new Map<string, DeviceState>();
    for (const device of devices) {
      const { username, password } = device;
      const client = createOnvifDeviceClient({ username, password, now, nonce, requestTimeoutMs, maxResponseBytes, signal: controller.signal });
      states.set(device.cameraId, {
        device,
        client,
        status: 'UNKNOWN',
        discovery: null,
        lastContentHash: null,
        lastDiscoveredEventId: null,
        consecutiveFailures: 0,
        lastRejectionKey: null,
        timer: null,
        polling: null,
      });
    }
    return { sink, controller, states };
  };

  // ---- output ----------------------------------------------------------------------------

  /** True once the sink took the event; false after stop or when the sink failed (the next pass retries). */
  const emit = async (current: Run, state: DeviceState, event: DomainEvent): Promise<boolean> => {
    if (current.controller.signal.aborted) return false;
    try {
      await current.sink.emit(event);
      accepted += 1;
      return true;
    } catch (error) {
      onError(error, { cameraId: state.device.cameraId });
      return false;
    }
  };

  const reject = async (current: Run, state: DeviceState, rejection: Rejection): Promise<void> => {
    if (current.controller.signal.aborted) return;
    try {
      await current.sink.reject(rejection);
      rejected += 1;
    } catch (error) {
      onError(error, { cameraId: state.device.cameraId });
    }
  };

  const reportStatus = async (current: Run, state: DeviceState, status: CameraStatus): Promise<void> => {
    if (state.status === status) return;
    const occurredAt = now().toISOString();
    const event: CameraStatusChanged = {
      type: 'camera.statusChanged',
      // Each transition is a new fact: the time keeps ONLINE → OFFLINE → ONLINE → OFFLINE apart.
      eventId: `${state.device.cameraId}/status/${status}/${occurredAt}`,
      source: name,
      occurredAt,
      cameraId: state.device.cameraId,
      status,
    };
    if (await emit(current, state, event)) state.status = status;
  };

  // ---- polling -----------------------------------------------------------------------------

  const answered = async (current: Run, state: DeviceState, discovery: OnvifDiscovery): Promise<void> => {
    state.consecutiveFailures = 0;
    state.lastRejectionKey = null;
    state.discovery = discovery;
    const { event, contentHash } = cameraDiscoveredFrom({
      device: state.device,
      discovery,
      source: name,
      occurredAt: now().toISOString(),
      previousEventId: state.lastDiscoveredEventId,
    });
    if (contentHash !== state.lastContentHash && (await emit(current, state, event))) {
      state.lastContentHash = contentHash;
      state.lastDiscoveredEventId = event.eventId;
    }
    await reportStatus(current, state, 'ONLINE');
  };

  const failed = async (current: Run, state: DeviceState, failure: DeviceCallFailure): Promise<void> => {
    if (failure.kind === 'stopped') return;
    state.consecutiveFailures += 1;
    if (failure.kind === 'refused' || failure.kind === 'bad-answer') {
      const { operation, failure: why, raw } = failure;
      const key = `${operation}\u0000${why.reason}\u0000${why.detail}`;
      if (key !== state.lastRejectionKey) {
        state.lastRejectionKey = key;
        const detail = `camera ${state.device.cameraId}, ${operation}: ${why.detail}`;
        await reject(current, state, rejectionFrom({ ...why, detail }, { source: name, raw, receivedAt: now().toISOString() }));
      }
    } else if (failure.kind === 'bad-request') {
      // Only a bug can get here: discovery builds its requests from checked configuration and device answers.
      onError(new Error(`camera ${state.device.cameraId}, ${failure.operation}: ${failure.detail}`), { cameraId: state.device.cameraId });
    }
    if (failure.kind === 'unreachable' || failure.kind === 'refused') await reportStatus(current, state, 'OFFLINE');
  };

  const poll = async (current: Run, state: DeviceState): Promise<void> => {
    try {
      const outcome = await discoverOnvifCamera({ client: state.client, deviceServiceUrl: state.device.deviceServiceUrl, now });
      if (current.controller.signal.aborted) return;
      if (outcome.ok) {
        lastMessageAt = now().toISOString();
        await answered(current, state, outcome.discovery);
        return;
      }
      if (outcome.failure.kind === 'refused' || outcome.failure.kind === 'bad-answer') lastMessageAt = now().toISOString();
      await failed(current, state, outcome.failure);
    } catch (error) {
      state.consecutiveFailures += 1;
      onError(error, { cameraId: state.device.cameraId });
    }
  };

  /** One pass, then the device's next pass is scheduled after its own delay. */
  const cycle = async (current: Run, state: DeviceState): Promise<void> => {
    state.timer = null;
    state.polling = poll(current, state);
    await state.polling;
    state.polling = null;
    if (current.controller.signal.aborted) return;
    state.timer = setTimeout(() => void cycle(current, state), nextPollDelayMs(pollIntervalMs, state.consecutiveFailures));
  };

  // ---- PTZ ---------------------------------------------------------------------------------

  const ptzTarget = (cameraId: string): { state: DeviceState; url: string; profileToken: string } => {
    if (run === null) throw new OnvifDeviceError('not-started', `adapter ${name} is not started`, { cameraId });
    const state = run.states.get(cameraId);
    if (state === undefined) throw new OnvifDeviceError('unknown-camera', `no ONVIF device has camera id "${cameraId}"`, { cameraId });
    const { discovery } = state;
    if (discovery === null) throw new OnvifDeviceError('device-unreachable', `camera ${cameraId} has not answered a poll yet`, { cameraId });
    if (discovery.ptzProfileToken === null || discovery.services.ptz === null) {
      throw new OnvifDeviceError('not-ptz', `camera ${cameraId} has no PTZ configuration or PTZ service`, { cameraId });
    }
    return { state, url: discovery.services.ptz, profileToken: discovery.ptzProfileToken };
  };

  const command = async (
    cameraId: string,
    request: (profileToken: string) => Extract<OnvifRequest, { readonly operation: PtzCommandResult['operation'] }>,
  ): Promise<PtzCommandResult> => {
    const { state, url, profileToken } = ptzTarget(cameraId);
    const sent = request(profileToken);
    const answer = await state.client.call(url, sent);
    if (answer.ok) return { cameraId, profileToken, operation: sent.operation, httpStatus: answer.httpStatus, answer: answer.raw };
    throw commandError(cameraId, answer.failure);
  };

  return {
    name,
    /** Resolves once every device has had its first pass; a device that does not answer costs one request timeout. */
    async start(sink) {
      if (run !== null) throw new Error(`adapter ${name} is already started`);
      const current = newRun(sink);
      run = current;
      // The first pass of every device, concurrently; each then keeps its own pace.
      await Promise.all([...current.states.values()].map((state) => cycle(current, state)));
    },
    async stop() {
      const current = run;
      if (current === null) return;
      run = null;
      current.controller.abort();
      for (const state of current.states.values()) {
        if (state.timer !== null) clearTimeout(state.timer);
        state.timer = null;
      }
      await Promise.all([...current.states.values()].map((state) => state.polling));
    },
    status: (): AdapterStatus => ({
      name,
      connected: run !== null && (run.states.size === 0 || [...run.states.values()].some((state) => state.status === 'ONLINE')),
      lastMessageAt,
      accepted,
      rejected,
    }),
    async aim(cameraId, target) {
      const { state } = ptzTarget(cameraId);
      const { location, headingDegrees, mountHeightMeters, panRangeDegrees, tiltRangeDegrees } = state.device;
      if (headingDegrees == null || mountHeightMeters == null) {
        throw new OnvifDeviceError('not-calibrated', `camera ${cameraId} needs headingDegrees and mountHeightMeters configured to aim`, { cameraId });
      }
      let aimed: CameraAim;
      try {
        aimed = aimCamera({ camera: { point: location, headingDegrees, mountHeightMeters, panRangeDegrees, tiltRangeDegrees }, target });
      } catch (error) {
        if (error instanceof OnvifError) throw new OnvifDeviceError('bad-input', `camera ${cameraId}: ${error.detail}`, { cameraId });
        throw error;
      }
      const result = await command(cameraId, (profileToken) => ({ operation: 'AbsoluteMove', profileToken, position: { pan: aimed.pan, tilt: aimed.tilt } }));
      return { ...result, ...aimed, operation: 'AbsoluteMove' };
    },
    controls: (cameraId) => configuredCameraIds.has(cameraId),
    gotoPreset: (cameraId, presetToken) => command(cameraId, (profileToken) => ({ operation: 'GotoPreset', profileToken, presetToken })),
    stopMotion: (cameraId) => command(cameraId, (profileToken) => ({ operation: 'Stop', profileToken, panTilt: true, zoom: true })),
    replay: async () => {
      throw new OnvifDeviceError(
        'not-replayable',
        `adapter ${name} cannot replay: its dead letters are device answers to its own requests; fix the device and the next poll asks again`,
      );
    },
  };
}

/** A failed PTZ exchange as the caller's typed error; names the camera and what the device answered. */
function commandError(cameraId: string, failure: DeviceCallFailure): OnvifDeviceError {
  switch (failure.kind) {
    case 'unreachable':
      return new OnvifDeviceError('device-unreachable', `camera ${cameraId} did not answer ${failure.operation}: ${failure.detail}`, { cameraId });
    case 'refused':
    case 'bad-answer':
      return new OnvifDeviceError('device-fault', `camera ${cameraId} answered ${failure.operation}: ${failure.failure.detail}`, {
        cameraId,
        fault: failure.failure.fault ?? null,
        raw: failure.raw,
      });
    case 'bad-request':
      return new OnvifDeviceError('bad-input', `camera ${cameraId}, ${failure.operation}: ${failure.detail}`, { cameraId });
    case 'stopped':
      return new OnvifDeviceError('not-started', `camera ${cameraId}, ${failure.operation}: the adapter stopped`, { cameraId });
  }
}

/** Configuration is checked where it enters: each device must make a contract-valid event. */
function checkOptions(
  name: string,
  devices: readonly OnvifDeviceConfig[],
  numbers: { readonly pollIntervalMs: number; readonly requestTimeoutMs: number; readonly maxResponseBytes: number },
): void {
  const bad = (problem: string, cameraId: string | null = null) => new OnvifDeviceError('bad-input', `adapter ${name}: ${problem}`, { cameraId });
  if (typeof name !== 'string' || name === '') throw bad('name must be a non-empty string');
  for (const [key, value] of Object.entries(numbers)) {
    if (!Number.isFinite(value) || value <= 0) throw bad(`${key} must be a positive number, got ${String(value)}`);
  }
  if (!Array.isArray(devices)) throw bad('devices must be an array');
  const seen = new Set<string>();
  for (const device of devices) {
    if (typeof device !== 'object' || device === null) throw bad('each device must be an object');
    const id = String(device.cameraId);
    if (seen.has(id)) throw bad(`camera id "${id}" is configured twice`, id);
    seen.add(id);
    if (!isHttpUrl(device.deviceServiceUrl)) throw bad(`camera ${id}: deviceServiceUrl must be an http(s) URL`, id);
    // eslint-disable-next-line no-control-regex
    if (typeof device.username !== 'string' || device.username === '' || /[\u0000-\u001f\u007f]/.test(device.username)) {
      throw bad(`camera ${id}: username must be non-empty text`, id);
    }
    if (typeof device.password !== 'string') throw bad(`camera ${id}: password must be a string`, id);
    if (typeof device.location !== 'object' || device.location === null) throw bad(`camera ${id}: location must be {lat, lon}`, id);
    const probe = cameraDiscoveredFrom({ device, discovery: null, source: name, occurredAt: '2000-01-01T00:00:00Z', previousEventId: null });
    const verdict = validateDomainEvent(probe.event);
    if (!verdict.ok) throw bad(`camera ${id}: ${verdict.detail}`, id);
  }
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

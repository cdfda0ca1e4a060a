/**
 * Typed errors of the ONVIF device adapter's commands (PTZ, replay). Polling never throws:
 * its failures become rejections and status changes.
 */
import { type SoapFault } from '../onvif';

/** Every code an {@link OnvifDeviceError} carries, with what it means for the caller. */
export const ONVIF_DEVICE_ERROR_CODES = {
  'bad-input': 'An argument or a device setting is missing, malformed or out of range.',
  'not-started': 'The adapter is not running; start it before sending commands.',
  'unknown-camera': 'No configured device has this camera id.',
  'not-ptz': 'The camera has no PTZ configuration, or the device offers no PTZ service: it cannot move.',
  'not-calibrated': "Aiming needs the camera's heading and mount height, and they are not configured.",
  'device-unreachable': 'The device did not answer (timeout, refused connection, HTTP 5xx), or has not answered a poll yet.',
  'device-fault': 'The device answered with a SOAP Fault (NotAuthorized included) or with an answer that could not be read.',
  'not-replayable': 'ONVIF answers are replies to requests this adapter made; they cannot be replayed from a dead letter.',
} as const;

export type OnvifDeviceErrorCode = keyof typeof ONVIF_DEVICE_ERROR_CODES;

export class OnvifDeviceError extends Error {
  readonly code: OnvifDeviceErrorCode;
  readonly cameraId: string | null;
  /** The SOAP Fault, when the device answered one. */
  readonly fault: SoapFault | null;
  /** The device's answer as received, when there was one. */
  readonly raw: string | null;

  constructor(
    code: OnvifDeviceErrorCode,
    message: string,
    details: { readonly cameraId?: string | null; readonly fault?: SoapFault | null; readonly raw?: string | null } = {},
  ) {
    super(message);
    this.name = 'OnvifDeviceError';
    this.code = code;
    this.cameraId = details.cameraId ?? null;
    this.fault = details.fault ?? null;
    this.raw = details.raw ?? null;
  }
}

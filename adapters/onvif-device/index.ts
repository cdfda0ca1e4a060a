/** VMS adapter: ONVIF Profile S/T devices polled over SOAP (discovery, online status) and PTZ commands. */
export {
  type AimResult,
  type OnvifAdapter,
  type OnvifAdapterOptions,
  type PtzCommandResult,
  DEFAULT_ONVIF_MAX_RESPONSE_BYTES,
  createOnvifAdapter,
} from './createOnvifAdapter';
export { type OnvifDeviceConfig } from './cameraDiscoveredFrom';
export { MAX_BACKOFF_FACTOR, nextPollDelayMs } from './nextPollDelayMs';
export { ONVIF_DEVICE_ERROR_CODES, OnvifDeviceError, type OnvifDeviceErrorCode } from './onvifDeviceErrors';

/**
 * The ONVIF protocol core (Profile S/T over SOAP 1.2): request envelopes, response parsing,
 * event filtering and PTZ aiming. Pure functions; the HTTP transport and the adapter build on them.
 */
export {
  buildSoapRequest,
  createUsernameToken,
  passwordDigest,
  randomNonce,
  type BuildSoapRequestOptions,
  type CapabilityCategory,
  type OnvifOperation,
  type OnvifRequest,
  type OnvifService,
  type PtzSpeed,
  type SoapRequest,
  type UsernameToken,
  type UsernameTokenOptions,
} from './buildSoapRequest';
export {
  cameraStreamFrom,
  clockOffsetMs,
  parseSoapResponse,
  type DeviceCapabilities,
  type DeviceInformation,
  type MediaProfile,
  type MediaUri,
  type OnvifResponseOperation,
  type OnvifResponses,
  type PtzMoveState,
  type PtzPreset,
  type PtzStatus,
  type PtzVector,
  type PullPointSubscription,
  type SystemDateAndTime,
} from './parseSoapResponse';
export {
  KEPT_TOPICS,
  ONVIF_TOPIC_NAMESPACE,
  classifyNotification,
  filterEventNotifications,
  mentionsPeople,
  parsePullMessagesResponse,
  type DropReason,
  type DroppedNotification,
  type EventNotification,
  type FilteredNotifications,
  type NotificationCandidate,
  type NotificationKind,
  type PullMessagesResult,
  type SimpleItem,
} from './filterEventNotifications';
export { aimCamera, type AimCameraInput, type AngleRange, type CameraAim } from './aimCamera';
export { describeFault, faultHasSubcode } from './readSoapBody';
export {
  ONVIF_REASONS,
  OnvifError,
  onvifErrorFrom,
  rejectionFrom,
  type OnvifFailure,
  type OnvifReason,
  type OnvifResult,
  type SoapFault,
} from './onvifErrors';

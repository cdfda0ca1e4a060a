/** The simulated city in the vendors' own protocols: pure encoders, and the simulator that sends them. */
export {
  createProtocolSimulator,
  type Deferred,
  type OnvifFleetOptions,
  type ProtocolSimulator,
  type ProtocolSimulatorOptions,
  type ProtocolSimulatorStatus,
  type SimulationFailure,
} from './createProtocolSimulator';
export { type UdpTarget } from './createAvlDatagramChannel';
export { type CallFeedServerOptions } from './createCallFeedServer';
export { type DeviceAssignment, deviceAssignmentsOf, deviceIdForUnit, encodeNmeaFix, nmeaChecksum } from './encodeNmeaFix';
export { type CallFeedMessage, type CallFeedType, encodeCallFeedMessage } from './encodeCallFeedMessage';
export {
  type EidoCallState,
  type EidoDocument,
  type EidoEncodingOptions,
  type EidoIncidentState,
  type EidoResourceState,
  encodeEido,
} from './encodeEido';
export { type EidoIncidentTracker, createEidoIncidentTracker } from './createEidoIncidentTracker';
export { CAMERA_CSV_HEADER, type CameraRow, encodeCameraCsv } from './encodeCameraCsv';
export {
  type OnvifDeviceFleet,
  type OnvifDeviceFleetOptions,
  type SimulatedOnvifDevices,
  type SimulatedOnvifEndpoint,
  type SimulatedOnvifDeviceState,
  createOnvifDeviceFleet,
} from './createOnvifDeviceFleet';
export {
  ALLOWED_CLOCK_SKEW_MS,
  SNAPSHOT_PATH,
  type OnvifDeviceSheet,
  type OnvifExchange,
  type PtzCommandRecord,
  type SimulatedOnvifDevice,
  createSimulatedOnvifDevice,
  onvifDeviceSheetOf,
} from './createSimulatedOnvifDevice';
export { type OnvifDeviceRequest, readOnvifRequest } from './readOnvifRequest';
export { SNAPSHOT_CONTENT_TYPE, type SnapshotScene, renderCameraSnapshot } from './renderCameraSnapshot';
export { type SnapshotServer, type SnapshotServerOptions, createSnapshotServer } from './createSnapshotServer';
export { type PtzPosition } from './encodeOnvifResponse';
export { encodeCivicAddress, encodePidfLocation, type PidfLocationOptions } from './encodePidfLocation';
export {
  PROTOCOL_FAILURE_REASONS,
  type ProtocolFailure,
  type ProtocolFailureReason,
  type SimulatedProtocol,
} from './protocolFailure';

/**
 * Every GraphQL document the console and the owner pages send, by operation name. The build writes them as an
 * Apollo persisted query manifest (`.rtcc/console/persisted-operations.json`), which the hub
 * takes as its allow-list with PERSISTED_OPERATIONS_FILE: a production client ships its
 * documents this way, and the gateway then runs nothing else.
 */

import { ACCESS_FIELDS, COMMUNITY_CONSOLE_OPERATIONS, CONNECT_OPERATIONS } from './communityOperations';

const CALL_FIELDS = `id state receivedAt classOfService location { point { lat lon } address uncertaintyMeters }`;
const INCIDENT_FIELDS = `id number typeCode typeText priority status reportedAt location { point { lat lon } address uncertaintyMeters }`;
const UNIT_FIELDS = `id callSign status position { point { lat lon } headingDegrees stale fixAt }`;
/** A camera as the directory lists it and its own subscription reports it (the directory's fields only). */
const CAMERA_DIRECTORY_FIELDS = `id name source ptz status headingDegrees fieldOfViewDegrees rangeMeters location { point { lat lon } }`;
/** A community camera as the console asks for it: also its level and what may be done with it now (Community Connect). */
const CAMERA_FIELDS = `${CAMERA_DIRECTORY_FIELDS} access { ${ACCESS_FIELDS} }`;
/**
 * A docked camera: a city camera's own links, and for a community camera the hub's signed links
 * (`access.snapshotUrl`, `access.streams`), which expire and are asked for again.
 */
const DOCKED_CAMERA = `camera { id name ptz status source snapshotUrl streams { protocol url }
      access { ${ACCESS_FIELDS} snapshotUrl streams { protocol url expiresAt } } } distanceMeters inView bearingDegrees`;

export const CONSOLE_OPERATIONS = {
  /** The current state for a role that sees everything live: one query, then subscriptions. */
  ConsoleState: `query ConsoleState {
  calls(filter: { state: [RINGING, ACTIVE, ON_HOLD] }, first: 100) { edges { node { ${CALL_FIELDS} } } }
  incidents(filter: { status: [PENDING, DISPATCHED, ENROUTE, ON_SCENE] }, first: 100) { edges { node { ${INCIDENT_FIELDS} } } }
  units(first: 100) { edges { node { ${UNIT_FIELDS} } } pageInfo { hasNextPage endCursor } }
  cameras(first: 100) { edges { node { ${CAMERA_DIRECTORY_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`,
  /** Further pages of the fleet (a city may have more units than a page holds). */
  UnitPage: `query UnitPage($after: String) {
  units(first: 100, after: $after) { edges { node { ${UNIT_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`,
  /** Further pages of the camera directory (a city has thousands). */
  CameraPage: `query CameraPage($after: String) {
  cameras(first: 100, after: $after) { edges { node { ${CAMERA_DIRECTORY_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`,
  /**
   * The community cameras with what may be done with them now (Community Connect), page by page
   * after the state: a city camera's access is always CITY, and asking it of every camera in
   * ConsoleState would take that query past LIMIT_MAX_COST.
   */
  CommunityCameras: `query CommunityCameras($after: String) {
  cameras(filter: { source: [COMMUNITY_LIVE, COMMUNITY_REGISTERED] }, first: 100, after: $after) { edges { node { ${CAMERA_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`,
  /** The current state for a city partner: minimised incidents only. */
  PartnerState: `query PartnerState {
  incidents(filter: { status: [PENDING, DISPATCHED, ENROUTE, ON_SCENE] }, first: 100) { edges { node { ${INCIDENT_FIELDS} } } }
}`,
  /** A selected call: its details, caller identity (restricted), nearest units and docked cameras. */
  CallDetails: `query CallDetails($id: ID!, $cameras: Int!, $radius: Float!) {
  call(id: $id) {
    ${CALL_FIELDS} callbackNumber callerName
    incident { id number typeText priority status }
    nearbyUnits(limit: 5) { unit { id callSign status } distanceMeters }
    nearbyCameras(limit: $cameras, radiusMeters: $radius, orderBy: VIEW_FIRST) { ${DOCKED_CAMERA} }
  }
}`,
  /** A selected incident: details, nearest units and docked cameras. */
  IncidentDetails: `query IncidentDetails($id: ID!, $cameras: Int!, $radius: Float!) {
  incident(id: $id) {
    ${INCIDENT_FIELDS}
    nearbyUnits(limit: 5) { unit { id callSign status } distanceMeters }
    nearbyCameras(limit: $cameras, radiusMeters: $radius, orderBy: VIEW_FIRST) { ${DOCKED_CAMERA} }
  }
}`,
  /** A partner's selected incident: what the partner view allows. */
  PartnerIncidentDetails: `query PartnerIncidentDetails($id: ID!) {
  incident(id: $id) { ${INCIDENT_FIELDS} }
}`,
  /** Aims a PTZ camera at a call or incident (ONVIF AbsoluteMove on the device). */
  PointCamera: `mutation PointCamera($cameraId: ID!, $target: GeoPointInput!) {
  pointCamera(cameraId: $cameraId, target: $target) { camera { id } panDegrees tiltDegrees distanceMeters }
}`,
  CallReceived: `subscription CallReceived($area: AreaInput) { callReceived(area: $area) { ${CALL_FIELDS} } }`,
  CallUpdated: `subscription CallUpdated($area: AreaInput) { callUpdated(area: $area) { ${CALL_FIELDS} } }`,
  IncidentChanged: `subscription IncidentChanged($area: AreaInput) { incidentChanged(area: $area) { ${INCIDENT_FIELDS} } }`,
  UnitPositions: `subscription UnitPositions($area: AreaInput) { unitPositions(area: $area) { ${UNIT_FIELDS} } }`,
  UnitStatusChanged: `subscription UnitStatusChanged($area: AreaInput) { unitStatusChanged(area: $area) { ${UNIT_FIELDS} } }`,
  CameraStatusChanged: `subscription CameraStatusChanged($area: AreaInput) { cameraStatusChanged(area: $area) { ${CAMERA_DIRECTORY_FIELDS} } }`,
  /** A camera's current state, asked when a community camera's access changed (approved, level changed). */
  CameraDetails: `query CameraDetails($id: ID!) { camera(id: $id) { ${CAMERA_FIELDS} } }`,
  ...COMMUNITY_CONSOLE_OPERATIONS,
  ...CONNECT_OPERATIONS,
} as const;

export type ConsoleOperationName = keyof typeof CONSOLE_OPERATIONS;

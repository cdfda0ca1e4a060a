/**
 * Community Connect's documents (#13): the owner pages' (`/connect/`) and the console's
 * additions for operators and staff. They join CONSOLE_OPERATIONS, so that the one persisted
 * operation manifest the build writes holds every document either page sends.
 */

/** What a camera may be used for now, as the map and the docked tiles show it (no links). */
export const ACCESS_FIELDS = `level liveNow liveUntil liveFrom canRequestFootage`;
const TERMS_FIELDS = `mode schedule { day from to } alarmMinutes timeZone`;
const REGISTRATION_FIELDS = `id name level status registeredAt decidedAt decisionNote headingDegrees fieldOfViewDegrees rangeMeters
    location { point { lat lon } address }
    terms { ${TERMS_FIELDS} }
    camera { id access { ${ACCESS_FIELDS} } }`;
const OWNER_FIELDS = `id displayName joinedAt contact { name phone email notifyBy } alarmWebhook { url configured activeUntil }`;
const OWNER_REQUEST_FIELDS = `id camera { id } from to message status requestedAt expiresAt answeredAt answerNote
    clips { sha256 sizeBytes contentType uploadedBy uploadedAt }`;
const AGENCY_REQUEST_FIELDS = `id camera { id name } from to message caseNumber requestedBy status requestedAt expiresAt answeredAt answerNote
    clips { sha256 sizeBytes contentType uploadedBy uploadedAt download { url expiresAt } }`;

/** The owner pages' documents: an owner's own profile, cameras and requests, nothing else. */
export const CONNECT_OPERATIONS = {
  /** The signed-in owner: profile, alarm webhook and cameras (null before the first profile is saved). */
  OwnerMe: `query OwnerMe {
  me { ${OWNER_FIELDS} registrations { ${REGISTRATION_FIELDS} } }
}`,
  SaveOwnerProfile: `mutation SaveOwnerProfile($input: OwnerProfileInput!) {
  saveOwnerProfile(input: $input) { ${OWNER_FIELDS} }
}`,
  RegisterCamera: `mutation RegisterCamera($input: RegisterCameraInput!) {
  registerCamera(input: $input) { ${REGISTRATION_FIELDS} }
}`,
  SetSharingTerms: `mutation SetSharingTerms($cameraId: ID!, $terms: SharingTermsInput!) {
  setSharingTerms(cameraId: $cameraId, terms: $terms) { ${REGISTRATION_FIELDS} }
}`,
  WithdrawCamera: `mutation WithdrawCamera($cameraId: ID!, $erase: Boolean!) {
  withdrawCamera(cameraId: $cameraId, erase: $erase) { cameraId erased linksRevoked registration { id status } }
}`,
  RotateAlarmSecret: `mutation RotateAlarmSecret {
  rotateAlarmSecret { url secret configured activeUntil }
}`,
  /** Footage requests for the owner's cameras (the hub lists only theirs). */
  OwnerFootageRequests: `query OwnerFootageRequests($after: String) {
  footageRequests(first: 50, after: $after) { edges { node { ${OWNER_REQUEST_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`,
  AnswerFootageRequest: `mutation AnswerFootageRequest($id: ID!, $approve: Boolean!, $note: String) {
  answerFootageRequest(id: $id, approve: $approve, note: $note) { ${OWNER_REQUEST_FIELDS} }
}`,
  FootageUploadLink: `mutation FootageUploadLink($requestId: ID!) {
  footageUploadLink(requestId: $requestId) { url expiresAt }
}`,
  /** The owner's own cameras' access as it changes (the hub sends an owner only theirs). */
  OwnerAccessChanged: `subscription OwnerAccessChanged { cameraAccessChanged { cameraId reason at access { ${ACCESS_FIELDS} } } }`,
} as const;

/** The console's Community Connect documents: footage requests, live links, staff review, the program view. */
export const COMMUNITY_CONSOLE_OPERATIONS = {
  /** Fresh signed links of a docked community camera, asked again before the last ones expire. */
  DockedCameraLinks: `query DockedCameraLinks($id: ID!) {
  camera(id: $id) { id access { ${ACCESS_FIELDS} snapshotUrl streams { protocol url expiresAt } } }
}`,
  /** Every change of a community camera's access: the map's marker and the docked tiles follow it. */
  CameraAccessChanged: `subscription CameraAccessChanged { cameraAccessChanged { cameraId reason at access { ${ACCESS_FIELDS} } } }`,
  RequestFootage: `mutation RequestFootage($input: RequestFootageInput!) {
  requestFootage(input: $input) { id camera { id } from to status expiresAt }
}`,
  /** The agency's footage requests, newest first, with the clips' download links. */
  FootageRequests: `query FootageRequests($after: String) {
  footageRequests(first: 25, after: $after) { edges { node { ${AGENCY_REQUEST_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`,
  FootageRequestChanged: `subscription FootageRequestChanged { footageRequestChanged { id status answeredAt } }`,
  /** Registrations waiting for staff, with what staff verify them by (a page of 25: LIMIT_MAX_COST bounds what one query may ask). */
  PendingRegistrations: `query PendingRegistrations {
  registrations(filter: { status: [PENDING] }, first: 25) {
    edges { node { id name level status registeredAt headingDegrees fieldOfViewDegrees rangeMeters
      location { point { lat lon } address }
      terms { ${TERMS_FIELDS} }
      owner { id displayName contact { name phone email } } } }
  }
}`,
  ApproveRegistration: `mutation ApproveRegistration($id: ID!, $approve: Boolean!, $note: String) {
  approveRegistration(id: $id, approve: $approve, note: $note) { id status decidedAt decisionNote }
}`,
  CommunityProgram: `query CommunityProgram {
  communityProgram {
    camerasByLevel { level count }
    camerasByArea { area level count }
    pendingRegistrations
    requestsByStatus { status count }
    medianAnswerSeconds
    p90AnswerSeconds
  }
}`,
} as const;

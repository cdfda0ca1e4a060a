/**
 * Scopes: what a caller may do, as the schema's `@requiresScopes` directives name it. A role is
 * a set of scopes; tokens carry roles (the `roles` claim, see AUTH_ROLES_CLAIM) and may carry
 * extra scopes in the standard `scope` claim.
 */
export const SCOPES = {
  /** 911 calls: state, times, location, class of service. */
  callsRead: 'calls:read',
  /** The caller's identity: callback number, name and address; call audio. */
  callerIdentity: 'calls:caller',
  /** CAD incidents and units: type, priority, status, times, location, assignments. */
  incidentsRead: 'incidents:read',
  /** The incident narrative (free text written by call takers and officers). */
  incidentNarrative: 'incidents:narrative',
  /** Unit positions (AVL) and nearby-unit searches. */
  unitsRead: 'units:read',
  /** Camera directory: where cameras are, what they see, whether they are online. */
  camerasRead: 'cameras:read',
  /** Live video: stream and snapshot URLs. */
  cameraVideo: 'cameras:video',
  /** Moving PTZ cameras. */
  cameraControl: 'cameras:control',
  /** Community camera owners' contact details. */
  ownerContacts: 'cameras:owner-contacts',
  /** A community camera owner's own cameras (rows limited to the owner's). */
  ownCameras: 'cameras:own',
  /** Incidents as city partners see them: generalised location, no identities, no narrative. */
  partnerIncidents: 'incidents:partner',
  /** Adapter status and dead letters. */
  ingestRead: 'ingest:read',
  /** Replaying dead letters. */
  ingestReplay: 'ingest:replay',
  /** Device (modem) to unit assignments. */
  devicesAdmin: 'devices:admin',
  /** The audit log. */
  auditRead: 'audit:read',
  /** Community Connect, as an owner: their profile, registrations, terms and the footage requests for their cameras (rows limited to the owner's). */
  communityOwn: 'community:own',
  /** Community Connect, as police staff: verifying and approving registrations, the program view. */
  communityReview: 'community:review',
  /** Asking community camera owners for footage, and downloading the clips they upload. */
  footageRequest: 'footage:request',
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

/** RTCC operator: everything live, incl. caller identity, narrative, video and PTZ. */
const OPERATOR_SCOPES: readonly Scope[] = [
  SCOPES.callsRead,
  SCOPES.callerIdentity,
  SCOPES.incidentsRead,
  SCOPES.incidentNarrative,
  SCOPES.unitsRead,
  SCOPES.camerasRead,
  SCOPES.cameraVideo,
  SCOPES.cameraControl,
  SCOPES.ingestRead,
  SCOPES.footageRequest,
];

/** The roles of the hub and their scopes (README "Who may see what"). */
export const ROLE_SCOPES: Readonly<Record<string, readonly Scope[]>> = {
  operator: OPERATOR_SCOPES,
  /** Field officer: calls and incidents within the token's geofence, video, no PTZ. */
  officer: [
    SCOPES.callsRead,
    SCOPES.callerIdentity,
    SCOPES.incidentsRead,
    SCOPES.incidentNarrative,
    SCOPES.unitsRead,
    SCOPES.camerasRead,
    SCOPES.cameraVideo,
    SCOPES.footageRequest,
  ],
  /** Supervisor: an operator who also manages devices, dead letters, community contacts and the Community Connect program. */
  supervisor: [...OPERATOR_SCOPES, SCOPES.ownerContacts, SCOPES.ingestReplay, SCOPES.devicesAdmin, SCOPES.communityReview],
  /** Auditor: the audit log only. */
  auditor: [SCOPES.auditRead],
  /** City partner (other departments): minimised incidents only. */
  partner: [SCOPES.partnerIncidents],
  /** Community camera owner: their own cameras (and their video), registrations and footage requests only. */
  'camera-owner': [SCOPES.ownCameras, SCOPES.cameraVideo, SCOPES.communityOwn],
  /** Adapter service account: ingest only. */
  adapter: [SCOPES.ingestRead],
};

export const ROLES = Object.keys(ROLE_SCOPES);

/** Union of the scopes of `roles` (unknown roles give none) and `extraScopes`. */
export function scopesOf(roles: readonly string[], extraScopes: readonly string[] = []): ReadonlySet<string> {
  const scopes = new Set<string>(extraScopes);
  for (const role of roles) for (const scope of ROLE_SCOPES[role] ?? []) scopes.add(scope);
  return scopes;
}

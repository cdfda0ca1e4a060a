/**
 * The domain events: what every vendor adapter (CAD, 911, AVL, VMS, simulator) emits.
 *
 * Adapters translate a vendor protocol into these events and hand them to an `EventSink`
 * (./adapter.ts). They hold no business rules: the subgraph that owns the data decides what an
 * event changes. This module has no implementation and imports nothing.
 */

/** WGS 84 position, decimal degrees. */
export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

/** A location as a vendor reports it: a point, how sure it is, and a civic address if known. */
export interface EventLocation {
  readonly point: GeoPoint;
  /** Radius of the uncertainty circle in metres (PIDF-LO circle radius, or an ellipse's semi-major axis). */
  readonly uncertaintyMeters?: number | null;
  readonly address?: string | null;
}

export type CallState = 'RINGING' | 'ACTIVE' | 'ON_HOLD' | 'ENDED' | 'ABANDONED';
export type IncidentStatus = 'PENDING' | 'DISPATCHED' | 'ENROUTE' | 'ON_SCENE' | 'CLOSED';
export type UnitStatus = 'AVAILABLE' | 'DISPATCHED' | 'ENROUTE' | 'ON_SCENE' | 'TRANSPORTING' | 'OUT_OF_SERVICE';
export type CameraSource = 'CITY_VMS' | 'COMMUNITY_LIVE' | 'COMMUNITY_REGISTERED';
export type CameraStatus = 'ONLINE' | 'OFFLINE' | 'UNKNOWN';

/** Fields every event carries. */
export interface EventEnvelope {
  /**
   * The vendor's identifier for this event (or a stable hash of it). Two events with the same
   * `source` and `eventId` are the same event: delivering it twice changes nothing.
   */
  readonly eventId: string;
  /** Name of the adapter that produced the event, e.g. `eido-http` or `simulator`. */
  readonly source: string;
  /** When the vendor system says it happened (ISO 8601). */
  readonly occurredAt: string;
}

/** A 911 call reached the PSAP. */
export interface CallReceived extends EventEnvelope {
  readonly type: 'call.received';
  readonly callId: string;
  readonly state: CallState;
  readonly location: EventLocation | null;
  /** NENA class of service, e.g. WPH1, WPH2, VOIP, RESD, BUSN. */
  readonly classOfService: string | null;
  /** ANI / callback number. Restricted data. */
  readonly callbackNumber: string | null;
  /** The subscriber's name (CNAM, ALI, or as the call taker recorded it). Restricted data. Absent: not known. */
  readonly callerName?: string | null;
  /** The subscriber's civic address, one line (ALI, or the line's registered address). Restricted data. Absent: not known. */
  readonly callerAddress?: string | null;
  /** Where the call's audio can be played: a recorder stream or recording URL (http(s), rtsp(s), wss, sip). Restricted data. */
  readonly audioUrl?: string | null;
}

/** A 911 call changed: answered, held, ended, or its caller location was refined. */
export interface CallUpdated extends EventEnvelope {
  readonly type: 'call.updated';
  readonly callId: string;
  readonly state?: CallState;
  readonly location?: EventLocation;
  readonly classOfService?: string | null;
  /** Absent: unchanged; null: no longer known. Restricted data, as on {@link CallReceived}. */
  readonly callerName?: string | null;
  readonly callerAddress?: string | null;
  readonly audioUrl?: string | null;
}

/** Incident fields a CAD reports; on update, absent fields are unchanged. */
export interface IncidentFields {
  readonly number: string;
  readonly typeCode: string;
  readonly typeText: string;
  /** 1 is most urgent. */
  readonly priority: number;
  readonly status: IncidentStatus;
  readonly location: EventLocation;
  readonly reportedAt: string;
  /** Free-text narrative. Restricted data. */
  readonly narrative: string | null;
  /** 911 calls this incident was created from or linked to. */
  readonly callIds: readonly string[];
}

export interface IncidentCreated extends EventEnvelope, IncidentFields {
  readonly type: 'incident.created';
  readonly incidentId: string;
}

export interface IncidentUpdated extends EventEnvelope, Partial<IncidentFields> {
  readonly type: 'incident.updated';
  readonly incidentId: string;
}

/** A unit's status or assignment changed (or the unit was first seen). */
export interface UnitStatusChanged extends EventEnvelope {
  readonly type: 'unit.statusChanged';
  readonly unitId: string;
  readonly callSign: string;
  readonly status: UnitStatus;
  /** The incident the unit is assigned to, or null when it is free. */
  readonly incidentId: string | null;
}

/**
 * A vehicle location fix. AVL modems identify themselves by device id; the AVL subgraph maps
 * a device to a unit. An adapter that already knows the unit sets `unitId`.
 */
export interface PositionFix extends EventEnvelope {
  readonly type: 'position.fix';
  readonly unitId?: string;
  readonly deviceId?: string;
  readonly point: GeoPoint;
  readonly headingDegrees: number | null;
  readonly speedKph: number | null;
  /** When the receiver computed the fix (ISO 8601); older fixes never overwrite newer ones. */
  readonly fixAt: string;
}

export interface CameraStream {
  /** RTSP, HLS, WEBRTC, MJPEG … */
  readonly protocol: string;
  readonly url: string;
  /** Vendor profile name or token (ONVIF profile token). */
  readonly profile?: string | null;
}

/**
 * Who owns a community camera (Community Connect): the owner's id is what a camera owner's token
 * names (`camera_owner`), so that they see their own cameras only. Contact details are
 * restricted data.
 */
export interface CameraOwner {
  /** The program's identifier of the owner (a person or business); never namespaced by the adapter. */
  readonly ownerId: string;
  /** The owner's display name, e.g. the business. */
  readonly name?: string | null;
  readonly contactName?: string | null;
  /** A telephone number as the program records it, e.g. `480-555-0142` or `+14805550142`. */
  readonly contactPhone?: string | null;
  readonly contactEmail?: string | null;
}

/** A camera was found in a VMS, a device scan, an import or a community registration. */
export interface CameraDiscovered extends EventEnvelope {
  readonly type: 'camera.discovered';
  readonly cameraId: string;
  readonly name: string;
  /**
   * Which program the camera belongs to. Not `source`: that envelope field names the adapter,
   * and narrowing it here would stop camera events from carrying it (and break deduplication).
   */
  readonly cameraSource: CameraSource;
  readonly location: EventLocation;
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly rangeMeters: number | null;
  /** Mounting height above ground, metres; used to aim PTZ cameras. */
  readonly mountHeightMeters: number | null;
  readonly ptz: boolean;
  readonly status: CameraStatus;
  readonly streams: readonly CameraStream[];
  readonly snapshotUrl: string | null;
  /** The community camera's owner. Absent: unchanged (or none, for a new camera); null: no owner (a city camera). */
  readonly owner?: CameraOwner | null;
}

export interface CameraStatusChanged extends EventEnvelope {
  readonly type: 'camera.statusChanged';
  readonly cameraId: string;
  readonly status: CameraStatus;
}

/**
 * A community camera left the program (Community Connect): its owner withdrew it. `erased`: the
 * owner also erased the registration, so the camera directory deletes the camera; otherwise it
 * stays, registered only (footage may still be requested, no live video).
 */
export interface CameraWithdrawn extends EventEnvelope {
  readonly type: 'camera.withdrawn';
  readonly cameraId: string;
  readonly erased: boolean;
}

/** Every event an adapter may emit. */
export type DomainEvent =
  | CallReceived
  | CallUpdated
  | IncidentCreated
  | IncidentUpdated
  | UnitStatusChanged
  | PositionFix
  | CameraDiscovered
  | CameraStatusChanged
  | CameraWithdrawn;

export type DomainEventType = DomainEvent['type'];

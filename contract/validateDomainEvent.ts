import { isValidLatLon } from '../geo/geodesy';
import {
  MAX_ADDRESS_LENGTH,
  MAX_NAME_LENGTH,
  isAudioUrl,
  isEmailAddress,
  isPhoneNumber,
  isPrintableText,
} from './contactFormats';
import {
  type CallState,
  type CameraSource,
  type CameraStatus,
  type DomainEvent,
  type DomainEventType,
  type IncidentStatus,
  type UnitStatus,
} from './domainEvents';

/** Why an input is not a valid {@link DomainEvent}. */
export type ValidationReason =
  | 'unknown-type'
  | 'missing-field'
  | 'bad-type'
  | 'bad-enum'
  | 'out-of-range'
  | 'bad-timestamp'
  | 'bad-format'
  /** A control character (C0 incl. NUL, DEL, C1) or a lone UTF-16 surrogate, which no store or console can take. */
  | 'bad-character';

export type DomainEventValidation =
  | { readonly ok: true; readonly event: DomainEvent }
  | { readonly ok: false; readonly reason: ValidationReason; readonly detail: string };

interface Failure {
  readonly reason: ValidationReason;
  readonly detail: string;
}

/** A check passes with the value it accepts (objects copied with their known fields only), or fails. */
type Checked = { readonly value: unknown } | Failure;
type Check = (value: unknown, path: string) => Checked;

interface Field {
  readonly check: Check;
  readonly required: boolean;
}
type Shape = Readonly<Record<string, Field>>;

const fail = (reason: ValidationReason, path: string, expected: string, value: unknown): Failure => ({
  reason,
  detail: `${path}: expected ${expected}, got ${describe(value)}`,
});

function describe(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'object') {
    return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const isFailure = (checked: Checked): checked is Failure => 'reason' in checked;

// ---- leaf checks --------------------------------------------------------------------------

// Identifiers, codes and one-line fields take no control character at all; free text (a
// narrative, a name) may hold TAB, LF and CR, as call takers type them. Lone surrogates are never
// text: PostgreSQL refuses NUL, and UTF-8 cannot encode a lone surrogate (it would turn into U+FFFD).
const FORBIDDEN_IN_ID = /[\p{Cc}\p{Cs}]/u;
const FORBIDDEN_IN_TEXT = /(?![\t\n\r])\p{Cc}|\p{Cs}/u;

/** The `bad-character` failure of `value` if `forbidden` matches in it, naming the code point and where it is. */
function characterFailure(value: string, path: string, forbidden: RegExp): Failure | null {
  const match = forbidden.exec(value);
  if (!match) return null;
  const code = match[0].codePointAt(0) ?? 0;
  const kind = code >= 0xd800 && code <= 0xdfff ? 'a lone surrogate' : 'a control character';
  const codePoint = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return { reason: 'bad-character', detail: `${path}: contains ${kind} (${codePoint}) at index ${match.index}` };
}

/** Free text: any string without controls other than TAB, LF and CR. */
const string: Check = (value, path) => {
  if (typeof value !== 'string') return fail('bad-type', path, 'a string', value);
  return characterFailure(value, path, FORBIDDEN_IN_TEXT) ?? { value };
};

/** A string on one line (possibly empty): labels, addresses, URLs, numbers as vendors write them. */
const line: Check = (value, path) => {
  if (typeof value !== 'string') return fail('bad-type', path, 'a string', value);
  return characterFailure(value, path, FORBIDDEN_IN_ID) ?? { value };
};

/** A non-empty string without control characters: identifiers and codes. */
const id: Check = (value, path) => {
  if (typeof value !== 'string') return fail('bad-type', path, 'a string', value);
  if (value.length === 0) return fail('missing-field', path, 'a non-empty string', value);
  return characterFailure(value, path, FORBIDDEN_IN_ID) ?? { value };
};

/** A string without control characters that `accepts`, else `bad-format` naming what was expected. */
function formatted(accepts: (value: string) => boolean, expected: string): Check {
  return (value, path) => {
    if (typeof value !== 'string') return fail('bad-type', path, 'a string', value);
    if (!accepts(value)) return fail('bad-format', path, expected, value);
    // The formats refuse control characters already; lone surrogates pass them.
    return characterFailure(value, path, FORBIDDEN_IN_ID) ?? { value };
  };
}

const oneLine = (maxLength: number) =>
  formatted((value) => isPrintableText(value, maxLength), `one line of at most ${maxLength} characters`);
const nameText = oneLine(MAX_NAME_LENGTH);
const addressText = oneLine(MAX_ADDRESS_LENGTH);
const audioUrl = formatted(isAudioUrl, 'an http(s), rtsp(s), ws(s) or sip(s) URL');
const phoneNumber = formatted(isPhoneNumber, 'a telephone number of 7 to 15 digits');
const emailAddress = formatted(isEmailAddress, 'an email address');

const boolean: Check = (value, path) =>
  typeof value === 'boolean' ? { value } : fail('bad-type', path, 'a boolean', value);

// ISO 8601 date-time with an explicit offset: a time without a zone is ambiguous.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

const timestamp: Check = (value, path) => {
  if (typeof value !== 'string') return fail('bad-type', path, 'an ISO 8601 string', value);
  return ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))
    ? { value }
    : fail('bad-timestamp', path, 'an ISO 8601 date-time with offset', value);
};

interface NumberRange {
  readonly min?: number;
  /** Exclusive upper bound. */
  readonly below?: number;
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
  readonly integer?: boolean;
}

function number(range: NumberRange = {}): Check {
  const { min = -Infinity, max = Infinity, below = Infinity, above = -Infinity, integer = false } = range;
  const expected = [
    integer ? 'an integer' : 'a number',
    min > -Infinity && `>= ${min}`,
    above > -Infinity && `> ${above}`,
    max < Infinity && `<= ${max}`,
    below < Infinity && `< ${below}`,
  ]
    .filter(Boolean)
    .join(' ');
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail('bad-type', path, expected, value);
    if (integer && !Number.isInteger(value)) return fail('bad-type', path, expected, value);
    const inRange = value >= min && value <= max && value < below && value > above;
    return inRange ? { value } : fail('out-of-range', path, expected, value);
  };
}

/** An enum given as a record, so that the compiler proves every member is listed. */
function oneOf<T extends string>(members: Readonly<Record<T, true>>): Check {
  const allowed = Object.keys(members);
  return (value, path) => {
    if (typeof value !== 'string') return fail('bad-type', path, 'a string', value);
    return Object.hasOwn(members, value) ? { value } : fail('bad-enum', path, `one of ${allowed.join(', ')}`, value);
  };
}

// ---- combinators --------------------------------------------------------------------------

const nullable =
  (check: Check): Check =>
  (value, path) =>
    value === null ? { value } : check(value, path);

const arrayOf =
  (check: Check): Check =>
  (value, path) => {
    if (!Array.isArray(value)) return fail('bad-type', path, 'an array', value);
    const items: unknown[] = [];
    for (const [index, item] of value.entries()) {
      const checked = check(item, `${path}[${index}]`);
      if (isFailure(checked)) return checked;
      items.push(checked.value);
    }
    return { value: items };
  };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the fields of `shape` and copies only them: unknown vendor fields never pass through. */
const object =
  (shape: Shape): Check =>
  (value, path) => {
    if (!isRecord(value)) return fail('bad-type', path, 'an object', value);
    const copy: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(shape)) {
      const fieldPath = path ? `${path}.${name}` : name;
      const fieldValue = value[name];
      if (fieldValue === undefined) {
        if (field.required) return { reason: 'missing-field', detail: `${fieldPath} is required` };
        continue;
      }
      const checked = field.check(fieldValue, fieldPath);
      if (isFailure(checked)) return checked;
      copy[name] = checked.value;
    }
    return { value: copy };
  };

const required = (check: Check): Field => ({ check, required: true });
const optional = (check: Check): Field => ({ check, required: false });
const allOptional = (shape: Shape): Shape =>
  Object.fromEntries(Object.entries(shape).map(([name, field]) => [name, optional(field.check)]));

// ---- the contract -------------------------------------------------------------------------

const CALL_STATES: Record<CallState, true> = {
  RINGING: true,
  ACTIVE: true,
  ON_HOLD: true,
  ENDED: true,
  ABANDONED: true,
};
const INCIDENT_STATUSES: Record<IncidentStatus, true> = {
  PENDING: true,
  DISPATCHED: true,
  ENROUTE: true,
  ON_SCENE: true,
  CLOSED: true,
};
const UNIT_STATUSES: Record<UnitStatus, true> = {
  AVAILABLE: true,
  DISPATCHED: true,
  ENROUTE: true,
  ON_SCENE: true,
  TRANSPORTING: true,
  OUT_OF_SERVICE: true,
};
const CAMERA_SOURCES: Record<CameraSource, true> = { CITY_VMS: true, COMMUNITY_LIVE: true, COMMUNITY_REGISTERED: true };
const CAMERA_STATUSES: Record<CameraStatus, true> = { ONLINE: true, OFFLINE: true, UNKNOWN: true };

const pointShape = object({ lat: required(number()), lon: required(number()) });
const geoPoint: Check = (value, path) => {
  const checked = pointShape(value, path);
  if (isFailure(checked)) return checked;
  const point = checked.value as { lat: number; lon: number };
  if (isValidLatLon(point)) return checked;
  return Math.abs(point.lat) > 90
    ? fail('out-of-range', `${path}.lat`, 'a latitude in [-90, 90]', point.lat)
    : fail('out-of-range', `${path}.lon`, 'a longitude in [-180, 180]', point.lon);
};

const location = object({
  point: required(geoPoint),
  uncertaintyMeters: optional(nullable(number({ min: 0 }))),
  address: optional(nullable(line)),
});
const heading = number({ min: 0, below: 360 });
const nonNegative = number({ min: 0 });

/** Restricted identity fields of a 911 call; optional so that adapters written before them stay valid. */
const callerIdentity: Shape = {
  callerName: optional(nullable(nameText)),
  callerAddress: optional(nullable(addressText)),
  audioUrl: optional(nullable(audioUrl)),
};

const cameraOwner = object({
  ownerId: required(nameText),
  name: optional(nullable(nameText)),
  contactName: optional(nullable(nameText)),
  contactPhone: optional(nullable(phoneNumber)),
  contactEmail: optional(nullable(emailAddress)),
});

const envelope: Shape = {
  eventId: required(id),
  source: required(id),
  occurredAt: required(timestamp),
};

const incidentFields: Shape = {
  number: required(id),
  typeCode: required(id),
  typeText: required(line),
  priority: required(number({ min: 1, max: 9, integer: true })),
  status: required(oneOf(INCIDENT_STATUSES)),
  location: required(location),
  reportedAt: required(timestamp),
  narrative: required(nullable(string)),
  callIds: required(arrayOf(id)),
};

/** The fields of each event type; the record type makes the compiler demand every type. */
const SHAPES: Readonly<Record<DomainEventType, Shape>> = {
  'call.received': {
    callId: required(id),
    state: required(oneOf(CALL_STATES)),
    location: required(nullable(location)),
    classOfService: required(nullable(id)),
    callbackNumber: required(nullable(line)),
    ...callerIdentity,
  },
  'call.updated': {
    callId: required(id),
    state: optional(oneOf(CALL_STATES)),
    location: optional(location),
    classOfService: optional(nullable(id)),
    ...callerIdentity,
  },
  'incident.created': { incidentId: required(id), ...incidentFields },
  'incident.updated': { incidentId: required(id), ...allOptional(incidentFields) },
  'unit.statusChanged': {
    unitId: required(id),
    callSign: required(id),
    status: required(oneOf(UNIT_STATUSES)),
    incidentId: required(nullable(id)),
  },
  'position.fix': {
    unitId: optional(id),
    deviceId: optional(id),
    point: required(geoPoint),
    headingDegrees: required(nullable(heading)),
    speedKph: required(nullable(nonNegative)),
    fixAt: required(timestamp),
  },
  'camera.discovered': {
    cameraId: required(id),
    name: required(line),
    cameraSource: required(oneOf(CAMERA_SOURCES)),
    location: required(location),
    headingDegrees: required(nullable(heading)),
    fieldOfViewDegrees: required(nullable(number({ above: 0, max: 360 }))),
    rangeMeters: required(nullable(nonNegative)),
    mountHeightMeters: required(nullable(nonNegative)),
    ptz: required(boolean),
    status: required(oneOf(CAMERA_STATUSES)),
    streams: required(
      arrayOf(object({ protocol: required(id), url: required(id), profile: optional(nullable(line)) })),
    ),
    snapshotUrl: required(nullable(line)),
    owner: optional(nullable(cameraOwner)),
  },
  'camera.statusChanged': {
    cameraId: required(id),
    status: required(oneOf(CAMERA_STATUSES)),
  },
  'camera.withdrawn': {
    cameraId: required(id),
    erased: required(boolean),
  },
};

/** Rules that span fields, one case per event type. */
function crossFieldFailure(event: DomainEvent): Failure | null {
  switch (event.type) {
    case 'position.fix':
      // The AVL subgraph needs one of the two to know whose position this is.
      return event.unitId === undefined && event.deviceId === undefined
        ? { reason: 'missing-field', detail: 'position.fix needs unitId or deviceId' }
        : null;
    case 'call.received':
    case 'call.updated':
    case 'incident.created':
    case 'incident.updated':
    case 'unit.statusChanged':
    case 'camera.discovered':
    case 'camera.statusChanged':
    case 'camera.withdrawn':
      return null;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

const isEventType = (type: string): type is DomainEventType => Object.hasOwn(SHAPES, type);

/**
 * Checks untrusted input against the adapter contract. On success `event` is a copy holding
 * only the contract's fields (anything else a vendor sent, e.g. analytics, is dropped).
 */
export function validateDomainEvent(input: unknown): DomainEventValidation {
  if (!isRecord(input)) return { ok: false, ...fail('bad-type', 'event', 'an object', input) };
  const { type } = input;
  if (type === undefined) return { ok: false, reason: 'missing-field', detail: 'type is required' };
  if (typeof type !== 'string') return { ok: false, ...fail('bad-type', 'type', 'a string', type) };
  if (!isEventType(type)) return { ok: false, ...fail('unknown-type', 'type', 'a domain event type', type) };
  const checked = object({ ...envelope, ...SHAPES[type] })(input, '');
  if (isFailure(checked)) return { ok: false, ...checked };
  // Every field of the type's shape has been checked above.
  const event = { type, ...(checked.value as object) } as DomainEvent;
  const failure = crossFieldFailure(event);
  return failure ? { ok: false, ...failure } : { ok: true, event };
}

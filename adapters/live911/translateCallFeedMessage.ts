import type { CallReceived, CallState, CallUpdated, EventLocation } from '../../contract';
import { MAX_ADDRESS_LENGTH, MAX_NAME_LENGTH, isAudioUrl, isPrintableText } from '../../contract/contactFormats';
import { type PidfFailureReason, parsePidfLocation } from '../pidf';
import { validateDomainEvent } from '../../contract/validateDomainEvent';
import { identifierProblem, lineProblem, printableDetail } from '../textProblems';
import { jsonNestingDepth } from './jsonNestingDepth';

/** Longest call or event identifier accepted, in characters. */
export const MAX_FEED_ID_LENGTH = 128;

/**
 * The 911 call feed format: the contract between the hub and a Live911-style feed.
 *
 * One JSON object per WebSocket text message:
 *
 * ```json
 * { "eventId": "f-123", "type": "ringing", "callId": "psap-1-20261123-0042",
 *   "at": "2026-11-23T19:20:00.000Z", "ani": "4805550123", "classOfService": "WPH2",
 *   "location": { "pidfLo": "<presence …>" } }
 * ```
 *
 * - `eventId` (required, non-empty string): unique per feed event; a resent event keeps it.
 * - `type` (required): one of {@link CALL_FEED_MESSAGE_TYPES}.
 * - `callId` (required, non-empty string): the PSAP's call identifier.
 *
 *   Identifiers are at most 128 characters, with no control, format (zero-width, BOM, bidi) or
 *   noncharacter code points and no unpaired surrogate.
 * - `at` (required): ISO 8601 date-time with an offset (`Z` or `±hh:mm`); given the receive
 *   time, no further ahead of it than `maxFutureMs` and no older than `maxAgeMs`.
 * - `ani` (optional, string or null): callback number; used by `ringing` only.
 * - `classOfService` (optional, NENA code such as WPH1, WPH2, VOIP; string or null; `""` = null).
 *
 *   Like every other text field, one line of printable text: no control characters, unpaired
 *   surrogates, bidirectional overrides or noncharacters.
 * - `callerName`, `callerAddress` (optional, string or null; `""` = null): the subscriber's name
 *   (CNAM or ALI) and civic address, one line each (at most 200 and 500 characters).
 * - `audioUrl` (optional, string or null; `""` = null): where the call's audio plays, an
 *   http(s), rtsp(s), ws(s) or sip(s) URL (a recorder stream or recording).
 *
 *   On `ringing` these three start the call's values; on any other type a present field
 *   replaces the value (null clears it) and an absent one leaves it unchanged.
 * - `location` (optional, or null): either `{ "pidfLo": "<PIDF-LO by value>" }` (RFC 4119 /
 *   RFC 5491), or `{ "lat", "lon", "uncertaintyMeters"?, "address"? }` in WGS 84 degrees and
 *   metres — never both. A civic-only PIDF-LO has an address and no point: the call then has
 *   no location yet. A `location` message must carry a point.
 *
 * Unknown fields are ignored, so a feed may add fields without breaking the hub.
 */
export const CALL_FEED_MESSAGE_TYPES = ['ringing', 'answered', 'location', 'held', 'ended', 'abandoned'] as const;

export type CallFeedMessageType = (typeof CALL_FEED_MESSAGE_TYPES)[number];

/** Longest message accepted, in characters; PIDF-LO is capped lower by {@link parsePidfLocation}. */
export const MAX_CALL_FEED_MESSAGE_LENGTH = 512 * 1024;

/** Deepest nesting of arrays and objects accepted in a message (the format itself needs 2). */
export const MAX_CALL_FEED_DEPTH = 32;

/** Longest callback number and class of service accepted, in characters. */
const MAX_ANI_LENGTH = 32;
const MAX_CLASS_OF_SERVICE_LENGTH = 16;

/** Bounds of a message's `at` around the time it was received. */
export interface CallFeedTimeBounds {
  /** When the hub received the message. */
  readonly receivedAt: Date;
  /** How far ahead of `receivedAt` a time may be (clock skew). Default 5 minutes. */
  readonly maxFutureMs?: number;
  /** How far behind `receivedAt` a time may be (a feed's backlog after an outage). Default: no bound. */
  readonly maxAgeMs?: number;
}

export interface CallFeedTranslateOptions {
  readonly source: string;
  /** Without them, any calendar time is accepted (translating a stored message, tests). */
  readonly timeBounds?: CallFeedTimeBounds;
}

export type CallFeedFailureReason =
  | 'too-large'
  | 'too-deep'
  | 'malformed-json'
  | 'not-an-object'
  | 'missing-field'
  | 'bad-field'
  | 'bad-id'
  | 'bad-caller-name'
  | 'bad-caller-address'
  | 'bad-audio-url'
  | 'unknown-type'
  | 'bad-timestamp'
  | 'bad-location'
  | 'out-of-range'
  | 'no-usable-location'
  | 'invalid-event'
  | PidfFailureReason;

export type CallFeedTranslation =
  | { readonly ok: true; readonly event: CallReceived | CallUpdated }
  | { readonly ok: false; readonly reason: CallFeedFailureReason; readonly detail: string };

type Failure = Extract<CallFeedTranslation, { ok: false }>;

/** The call state each message type moves the call to; `location` leaves it unchanged. */
const STATE_BY_TYPE: Readonly<Record<CallFeedMessageType, CallState | null>> = {
  ringing: 'RINGING',
  answered: 'ACTIVE',
  location: null,
  held: 'ON_HOLD',
  ended: 'ENDED',
  abandoned: 'ABANDONED',
};

// The contract's form of ISO 8601: a date-time with an explicit offset.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

const failure = (reason: CallFeedFailureReason, detail: string): Failure => ({ ok: false, reason, detail });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isMessageType = (value: string): value is CallFeedMessageType => Object.hasOwn(STATE_BY_TYPE, value);

/** A short, printable rendering of an offending value for rejection details. */
function show(value: unknown): string {
  if (value === null || typeof value === 'object') return Array.isArray(value) ? 'an array' : value === null ? 'null' : 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Translates one feed message into a `call.received` (ringing) or `call.updated` (every other
 * type) event stamped with `source`; the event id is the feed's `eventId` and `occurredAt` its
 * `at`. Anything else is a failure with a short reason. Pure; never throws.
 */
export function translateCallFeedMessage(raw: string, options: CallFeedTranslateOptions): CallFeedTranslation {
  const parsed = parseCallFeedJson(raw);
  if (!parsed.ok) return parsed;
  return translateCallFeedValue(parsed.value, options);
}

/**
 * Reads a message's (or a batch frame's) JSON text, bounded in length and nesting before it is
 * parsed. Control characters in the parser's message are escaped: details end up in logs and
 * in PostgreSQL, which refuses NUL.
 */
export function parseCallFeedJson(raw: string): { readonly ok: true; readonly value: unknown } | Failure {
  if (typeof raw !== 'string') return failure('malformed-json', 'message is not text');
  if (raw.length > MAX_CALL_FEED_MESSAGE_LENGTH) {
    return failure('too-large', `message is ${raw.length} characters, over ${MAX_CALL_FEED_MESSAGE_LENGTH}`);
  }
  if (jsonNestingDepth(raw, MAX_CALL_FEED_DEPTH) > MAX_CALL_FEED_DEPTH) {
    return failure('too-deep', `arrays and objects nest deeper than ${MAX_CALL_FEED_DEPTH} levels`);
  }
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (error) {
    return failure('malformed-json', printableDetail(error instanceof Error ? error.message : 'not JSON'));
  }
}

/** Translates one message already parsed (an element of a batch frame). */
export function translateCallFeedValue(parsed: unknown, options: CallFeedTranslateOptions): CallFeedTranslation {
  if (!isRecord(parsed)) return failure('not-an-object', `message is ${show(parsed)}, not a JSON object`);
  return translateRecord(parsed, options);
}

function translateRecord(message: Record<string, unknown>, { source, timeBounds }: CallFeedTranslateOptions): CallFeedTranslation {
  const eventId = requiredId(message, 'eventId');
  if (typeof eventId !== 'string') return eventId;
  const type = requiredId(message, 'type');
  if (typeof type !== 'string') return type;
  if (!isMessageType(type)) {
    return failure('unknown-type', `type ${show(type)} is not one of ${CALL_FEED_MESSAGE_TYPES.join(', ')}`);
  }
  const callId = requiredId(message, 'callId');
  if (typeof callId !== 'string') return callId;
  const at = readTimestamp(message.at, timeBounds);
  if (typeof at !== 'string') return at;
  const ani = optionalText(message, 'ani', MAX_ANI_LENGTH);
  if (ani !== null && typeof ani !== 'string') return ani;
  const classOfService = optionalText(message, 'classOfService', MAX_CLASS_OF_SERVICE_LENGTH);
  if (classOfService !== null && typeof classOfService !== 'string') return classOfService;
  const identity = readCallerIdentity(message);
  if (!isCallerIdentity(identity)) return identity;
  const location = readLocation(message.location);
  if (!location.ok) return location;

  const envelope = { eventId, source, occurredAt: at, callId };
  const state = STATE_BY_TYPE[type];
  let draft: CallReceived | CallUpdated;
  if (type === 'ringing') {
    draft = {
      ...envelope,
      type: 'call.received',
      state: 'RINGING',
      location: location.value,
      classOfService,
      callbackNumber: ani,
      ...identity,
    };
  } else {
    if (type === 'location' && location.value === null) {
      return failure('no-usable-location', `a location message needs a point: ${location.note}`);
    }
    draft = {
      ...envelope,
      type: 'call.updated',
      ...(state !== null && { state }),
      ...(location.value !== null && { location: location.value }),
      // A rebid may upgrade the class of service (WPH1 → WPH2); absent means unchanged.
      ...(classOfService !== null && { classOfService }),
      ...identity,
    };
  }
  // Belt and braces: only contract-valid events leave the translator.
  const checked = validateDomainEvent(draft);
  if (!checked.ok) return failure('invalid-event', `${checked.reason}: ${checked.detail}`);
  return { ok: true, event: checked.event as CallReceived | CallUpdated };
}

/** A required identifier: printable text with something other than whitespace in it (see {@link identifierProblem}). */
function requiredId(message: Record<string, unknown>, field: string): string | Failure {
  const value = message[field];
  if (value === undefined || value === null) return failure('missing-field', `${field} is required`);
  if (typeof value !== 'string') return failure('bad-field', `${field}: expected a string, got ${show(value)}`);
  if (value.trim() === '') return failure('missing-field', `${field} is empty`);
  const problem = identifierProblem(value, MAX_FEED_ID_LENGTH);
  return problem === null ? value : failure('bad-id', `${field} ${show(value)} ${problem}`);
}

/** An optional line of text; absent, null and blank all mean "not known". */
function optionalText(message: Record<string, unknown>, field: string, maxLength: number): string | null | Failure {
  const value = message[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return failure('bad-field', `${field}: expected a string or null, got ${show(value)}`);
  if (value.trim() === '') return null;
  const problem = lineProblem(value, maxLength);
  return problem === null ? value : failure('bad-field', `${field} ${show(value)} ${problem}`);
}

type CallerIdentity = Partial<Record<'callerName' | 'callerAddress' | 'audioUrl', string | null>>;

const isCallerIdentity = (value: CallerIdentity | Failure): value is CallerIdentity => !('ok' in value);

/**
 * The restricted caller fields the message carries: a field absent from the message is absent
 * from the result (unchanged), a null or blank one is null.
 */
function readCallerIdentity(message: Record<string, unknown>): CallerIdentity | Failure {
  const oneLine = (maxLength: number) =>
    [(text: string) => isPrintableText(text, maxLength) && lineProblem(text, maxLength) === null, `one line of at most ${maxLength} printable characters`] as const;
  const fields = [
    ['callerName', 'bad-caller-name', ...oneLine(MAX_NAME_LENGTH)],
    ['callerAddress', 'bad-caller-address', ...oneLine(MAX_ADDRESS_LENGTH)],
    ['audioUrl', 'bad-audio-url', isAudioUrl, 'an http(s), rtsp(s), ws(s) or sip(s) URL'],
  ] as const;
  const identity: CallerIdentity = {};
  for (const [field, reason, accepts, expected] of fields) {
    if (!Object.hasOwn(message, field) || message[field] === undefined) continue;
    const value = message[field];
    if (value === null || (typeof value === 'string' && value.trim() === '')) {
      identity[field] = null;
      continue;
    }
    if (typeof value !== 'string') return failure('bad-field', `${field}: expected a string or null, got ${show(value)}`);
    if (!accepts(value)) return failure(reason, `${field}: expected ${expected}, got ${show(value)}`);
    identity[field] = value;
  }
  return identity;
}

function readTimestamp(value: unknown, bounds: CallFeedTimeBounds | undefined): string | Failure {
  if (value === undefined || value === null) return failure('missing-field', 'at is required');
  const valid = typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) && isCalendarDate(value);
  if (!valid) return failure('bad-timestamp', `at: expected an ISO 8601 date-time with offset, got ${show(value)}`);
  if (bounds === undefined) return value;
  // The calls store keeps the newest state by time: one message dated 2079 would freeze its call for good.
  const { receivedAt, maxFutureMs = 5 * 60_000, maxAgeMs = Infinity } = bounds;
  const aheadMs = Date.parse(value) - receivedAt.getTime();
  if (aheadMs > maxFutureMs) {
    return failure('bad-timestamp', `at ${show(value)} is ${aheadMs} ms ahead of the time it was received (at most ${maxFutureMs})`);
  }
  if (-aheadMs > maxAgeMs) {
    return failure('bad-timestamp', `at ${show(value)} is ${-aheadMs} ms before the time it was received (at most ${maxAgeMs})`);
  }
  return value;
}

/** `Date.parse` rolls 31 February over into March; a feed that sends it is wrong, not early. */
function isCalendarDate(isoDateTime: string): boolean {
  const [year = NaN, month = NaN, day = NaN] = isoDateTime.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

type LocationReading =
  | { readonly ok: true; readonly value: EventLocation; readonly note?: undefined }
  | { readonly ok: true; readonly value: null; readonly note: string };

function readLocation(value: unknown): LocationReading | Failure {
  if (value === undefined || value === null) return { ok: true, value: null, note: 'the message has no location' };
  if (!isRecord(value)) return failure('bad-location', `location: expected an object, got ${show(value)}`);
  const hasCoordinates = value.lat !== undefined || value.lon !== undefined;
  if (value.pidfLo !== undefined) {
    if (hasCoordinates) return failure('bad-location', 'location has both pidfLo and lat/lon');
    return readPidfLo(value.pidfLo);
  }
  if (!hasCoordinates) return failure('bad-location', 'location needs pidfLo, or lat and lon');
  return readCoordinates(value);
}

function readPidfLo(value: unknown): LocationReading | Failure {
  if (typeof value !== 'string') return failure('bad-location', `location.pidfLo: expected XML text, got ${show(value)}`);
  const parsed = parsePidfLocation(value);
  if (!parsed.ok) return failure(parsed.reason, `location.pidfLo: ${parsed.detail}`);
  const { point, uncertaintyMeters, address } = parsed.location;
  // A civic-only PIDF-LO (RFC 5139 address, no geometry): the call has no location yet.
  if (point === null) return { ok: true, value: null, note: `the PIDF-LO is civic-only (${address ?? 'no address'})` };
  return { ok: true, value: { point, uncertaintyMeters, address } };
}

function readCoordinates(value: Record<string, unknown>): LocationReading | Failure {
  const lat = readCoordinate(value.lat, 'lat', 90);
  if (typeof lat !== 'number') return lat;
  const lon = readCoordinate(value.lon, 'lon', 180);
  if (typeof lon !== 'number') return lon;
  const { uncertaintyMeters = null, address = null } = value;
  if (uncertaintyMeters !== null && (typeof uncertaintyMeters !== 'number' || !Number.isFinite(uncertaintyMeters))) {
    return failure('bad-location', `location.uncertaintyMeters: expected a number or null, got ${show(uncertaintyMeters)}`);
  }
  if (uncertaintyMeters !== null && uncertaintyMeters < 0) {
    return failure('out-of-range', `location.uncertaintyMeters ${uncertaintyMeters} is negative`);
  }
  if (address !== null && typeof address !== 'string') {
    return failure('bad-location', `location.address: expected a string or null, got ${show(address)}`);
  }
  const addressProblem = address === null ? null : lineProblem(address, MAX_ADDRESS_LENGTH);
  if (addressProblem !== null) return failure('bad-location', `location.address ${show(address)} ${addressProblem}`);
  const knownAddress = address === null || address.trim() === '' ? null : address;
  return { ok: true, value: { point: { lat, lon }, uncertaintyMeters, address: knownAddress } };
}

function readCoordinate(value: unknown, field: 'lat' | 'lon', limit: number): number | Failure {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return failure('bad-location', `location.${field}: expected a number, got ${show(value)}`);
  }
  return Math.abs(value) <= limit ? value : failure('out-of-range', `location.${field} ${value} is outside [-${limit}, ${limit}]`);
}

/*
 * Trimble TAIP (Trimble ASCII Interface Protocol), as described in Trimble's TAIP reference
 * (Lassen / Placer / SVeeSix receiver manuals, "TAIP" appendix). Source of truth for the frame
 * and checksum is that document's worked example, which the tests reproduce:
 *
 *   >RPV15714+3739438-1220384601512612;ID=1234;*7F<
 *
 * where 0x7F is the XOR of every character from `>` through `*` inclusive.
 * Frame: `>` qualifier(1) message id(2) data [;ID=vehicle id] [;other fields] [;*hh] `<`.
 * The checksum and ID fields are optional in TAIP (CS_FLAG / ID_FLAG); see `requireChecksum`.
 */
import { type GeoPoint } from '../../contract';
import { hex2, quote, signed, trimLineEnds, xorOf } from '../nmea/sentenceText';

/** Longest message accepted, without CR/LF. An RPV with a long ID and a few extra fields is about 70. */
export const MAX_TAIP_MESSAGE_LENGTH = 200;

/** Every reason {@link parseTaipMessage} rejects a message for, with what it means. */
export const TAIP_REJECT_REASONS = {
  'no-start': 'The message does not begin with `>`.',
  'too-long': `The message is longer than ${MAX_TAIP_MESSAGE_LENGTH} characters.`,
  'missing-checksum': 'The message has no `;*hh` checksum and checksums are required.',
  'bad-checksum': 'The checksum is not two hex digits, or is not the XOR of the characters from `>` through `*`.',
  truncated: 'The message stops early: no `<` end delimiter, a short checksum, or a short data field.',
  'bad-field': 'A field or character is not in the form TAIP defines.',
  'out-of-range': 'A field is well formed but impossible (latitude over 90°, time of day 86400 s …).',
  'no-fix': 'The device says it has no position (RPV age of data 0, "not available").',
} as const;

export type TaipRejectReason = keyof typeof TAIP_REJECT_REASONS;

/** RPV source of data: 0 2D GPS, 1 3D GPS, 2 2D DGPS, 3 3D DGPS, 6 dead reckoning, 8 degraded DR, 9 unknown. */
export type TaipSource = 0 | 1 | 2 | 3 | 6 | 8 | 9;

/** A decoded `>RPV` (report, position/velocity) message with a position. */
export interface RpvReport {
  readonly type: 'RPV';
  /** Seconds since midnight as the device reports it ("GPS time of day"); 0–86399. */
  readonly timeOfDaySeconds: number;
  readonly point: GeoPoint;
  readonly speedMph: number;
  /** Degrees true, 0–359. */
  readonly headingDegrees: number;
  readonly source: TaipSource;
  /** Age of data: 2 fresh (under 10 s), 1 old (over 10 s). 0, not available, is rejected. */
  readonly ageOfData: 1 | 2;
  /** The `ID=` field, or null when the device sends none. */
  readonly vehicleId: string | null;
  /** Other `;` fields as sent, e.g. `#LOG:DECB`. */
  readonly extraFields: readonly string[];
}

export type TaipParseResult =
  | { readonly ok: true; readonly message: RpvReport }
  /** A well-formed message of another kind: qualifier + id, e.g. `RLN`, `RID`, `QPV`. */
  | { readonly ok: true; readonly ignored: string }
  | { readonly ok: false; readonly reason: TaipRejectReason; readonly detail: string };

/** Options of {@link parseTaipMessage}. */
export interface TaipParseOptions {
  /** Reject messages without `;*hh` (devices with CS_FLAG=F send none). Default true. */
  readonly requireChecksum?: boolean;
}

interface Failure {
  readonly ok: false;
  readonly reason: TaipRejectReason;
  readonly detail: string;
}

const reject = (reason: TaipRejectReason, detail: string): Failure => ({ ok: false, reason, detail });

/**
 * RPV data, 30 characters: time of day (5), latitude (8: sign, 2 degree digits, 5 decimals),
 * longitude (9: sign, 3 degree digits, 5 decimals), speed mph (3), heading (3), source (1), age (1).
 */
const RPV_DATA_LENGTH = 30;
const RPV_DATA = /^(\d{5})([+-])(\d{7})([+-])(\d{8})(\d{3})(\d{3})(\d)(\d)$/;
const SOURCES: ReadonlySet<number> = new Set<TaipSource>([0, 1, 2, 3, 6, 8, 9]);
/** Vehicle ids: TAIP defines four characters; modems in the field send longer ones (IMEIs). */
const VEHICLE_ID = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * Validates one TAIP message (frame, checksum, fields) and decodes `>RPV`. Other messages,
 * including `>RLN` (its layout varies with the satellite count and is not needed for AVL), are
 * reported as ignored. Never throws. Transports should decode bytes as latin-1.
 */
export function parseTaipMessage(message: string, options: TaipParseOptions = {}): TaipParseResult {
  const { requireChecksum = true } = options;
  if (typeof message !== 'string') return reject('no-start', `not a string but ${typeof message}`);
  const text = trimLineEnds(message);
  if (!text.startsWith('>')) {
    return reject('no-start', text === '' ? 'empty message' : `starts with ${quote(text.slice(0, 12))}`);
  }
  if (text.length > MAX_TAIP_MESSAGE_LENGTH) return reject('too-long', `${text.length} characters`);
  if (!text.endsWith('<')) return reject('truncated', 'no "<" end delimiter');
  const inner = text.slice(1, -1);

  const fields = inner.split(';');
  const last = fields[fields.length - 1] ?? '';
  if (last.startsWith('*')) {
    const given = last.slice(1);
    if (/^[0-9A-Fa-f]?$/.test(given)) {
      return reject('truncated', `checksum field ${quote(last)} has fewer than 2 digits`);
    }
    if (!/^[0-9A-Fa-f]{2}$/.test(given)) {
      return reject('bad-checksum', `checksum field ${quote(last)} is not 2 hex digits`);
    }
    // XOR from the `>` through the `*`, inclusive (TAIP "checksum" field definition).
    const computed = xorOf(text.slice(0, text.length - 3));
    if (computed !== Number.parseInt(given, 16)) {
      return reject('bad-checksum', `checksum *${given} does not match computed ${hex2(computed)}`);
    }
    fields.pop();
  } else if (inner.includes('*')) {
    return reject('bad-checksum', 'the checksum must be its own ";*hh" field');
  } else if (requireChecksum) {
    return reject('missing-checksum', 'no ";*hh" before "<"');
  }

  if (!/^[\x20-\x7e]*$/.test(inner) || /[<>]/.test(inner)) {
    return reject('bad-field', 'non-printable or delimiter character inside the message');
  }

  const [head = '', ...rest] = fields;
  const kind = /^[A-Z]{3}/.exec(head)?.[0];
  if (kind === undefined) {
    return reject('bad-field', `message ${quote(head.slice(0, 8))} does not start with a qualifier and a 2-letter id`);
  }
  let vehicleId: string | null = null;
  const extraFields: string[] = [];
  for (const field of rest) {
    if (field.startsWith('ID=')) {
      const id = field.slice(3);
      if (vehicleId !== null) return reject('bad-field', 'more than one ID field');
      if (!VEHICLE_ID.test(id)) {
        return reject('bad-field', `vehicle id ${quote(id)} is empty or has invalid characters`);
      }
      vehicleId = id;
    } else if (field === '') {
      return reject('bad-field', 'empty ";" field');
    } else {
      extraFields.push(field);
    }
  }
  if (kind !== 'RPV') return { ok: true, ignored: kind };

  const report = decodeRpv(head.slice(3), vehicleId, extraFields);
  return 'reason' in report ? report : { ok: true, message: report };
}

function decodeRpv(data: string, vehicleId: string | null, extraFields: readonly string[]): RpvReport | Failure {
  if (data.length < RPV_DATA_LENGTH) {
    return reject('truncated', `RPV data has ${data.length} characters, needs ${RPV_DATA_LENGTH}`);
  }
  const match = RPV_DATA.exec(data);
  if (!match) return reject('bad-field', `RPV data ${quote(data)} is not AAAAA±BBCCCCC±DDDEEEEEFFFGGGHI`);
  const [, time = '', latSign = '', latDigits = '', lonSign = '', lonDigits = ''] = match;
  const [speed = '', heading = '', source = '', age = ''] = match.slice(6);

  const timeOfDaySeconds = Number(time);
  if (timeOfDaySeconds >= 86_400) {
    return reject('out-of-range', `RPV time of day ${timeOfDaySeconds} s is past midnight`);
  }
  // Degrees with 5 implied decimals: an integer count of 1e-5°, so one division is the only rounding.
  const lat = Number(latDigits) / 1e5;
  const lon = Number(lonDigits) / 1e5;
  if (lat > 90) return reject('out-of-range', `RPV latitude ${latSign}${lat} is over 90°`);
  if (lon > 180) return reject('out-of-range', `RPV longitude ${lonSign}${lon} is over 180°`);
  const headingDegrees = Number(heading);
  if (headingDegrees > 359) return reject('out-of-range', `RPV heading ${headingDegrees} is over 359°`);
  const sourceCode = Number(source);
  if (!SOURCES.has(sourceCode)) return reject('out-of-range', `RPV source of data ${sourceCode} is undefined`);
  const ageCode = Number(age);
  if (ageCode > 2) return reject('out-of-range', `RPV age of data ${ageCode} is undefined`);
  if (ageCode === 0) return reject('no-fix', 'RPV age of data 0 (not available)');

  return {
    type: 'RPV',
    timeOfDaySeconds,
    point: { lat: signed(lat, latSign === '-'), lon: signed(lon, lonSign === '-') },
    speedMph: Number(speed),
    headingDegrees,
    source: sourceCode as TaipSource,
    ageOfData: ageCode as 1 | 2,
    vehicleId,
    extraFields,
  };
}

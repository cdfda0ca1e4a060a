import { type GeoPoint } from '../../contract';
import { hex2, quote, signed, trimLineEnds, xorOf } from './sentenceText';

/**
 * Longest line accepted, without its CR/LF. NMEA 0183 caps a sentence at 82 characters
 * including `$` and CR LF; real receivers (high-precision RMC, NMEA 4.x fields) overrun it.
 */
export const MAX_NMEA_LINE_LENGTH = 120;

/** Every reason {@link parseNmeaSentence} rejects a line for, with what it means. */
export const NMEA_REJECT_REASONS = {
  'no-start': 'The line does not begin with `$`: empty, a comment, or another protocol.',
  'too-long': `The line is longer than ${MAX_NMEA_LINE_LENGTH} characters (NMEA 0183 allows 82).`,
  'missing-checksum': 'The line has no `*hh` checksum.',
  'bad-checksum': 'The checksum is not two hex digits, or is not the XOR of the characters between `$` and `*`.',
  truncated: 'The sentence stops early: a checksum of fewer than two digits, or fewer fields than its type needs.',
  'bad-field': 'A field, the address or a character is not in the form NMEA 0183 defines.',
  'out-of-range': 'A field is well formed but impossible (latitude over 90°, minute 60, 31 February …).',
  'no-fix': 'The receiver says it has no valid position (RMC status V or mode N, GGA quality 0).',
} as const;

export type NmeaRejectReason = keyof typeof NMEA_REJECT_REASONS;

/** UTC calendar date from an RMC `ddmmyy` field. */
export interface NmeaDate {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
}

/**
 * RMC mode indicator (NMEA 0183 2.3+): Autonomous, Differential, Estimated (dead reckoning),
 * Float RTK, Manual, Not valid, Precise, RTK, Simulator.
 */
export type RmcMode = 'A' | 'D' | 'E' | 'F' | 'M' | 'N' | 'P' | 'R' | 'S';

/** A decoded RMC (recommended minimum specific GNSS data) sentence with a valid fix. */
export interface RmcSentence {
  readonly type: 'RMC';
  /** Talker id, e.g. `GP`, `GN`, `GL`. */
  readonly talker: string;
  /** UTC time of the fix, milliseconds since midnight (fraction beyond ms is dropped). */
  readonly timeOfDayMs: number;
  readonly date: NmeaDate;
  readonly point: GeoPoint;
  /** Speed over ground in knots; null when the field is empty. */
  readonly speedKnots: number | null;
  /** Course over ground, degrees true; null when the field is empty (receivers leave it empty when slow). */
  readonly courseDegrees: number | null;
  /** Magnetic variation, degrees, east positive; null when absent. */
  readonly magneticVariationDegrees: number | null;
  /** Null before NMEA 0183 2.3, which added the field. */
  readonly mode: RmcMode | null;
}

/**
 * GGA fix quality: 1 GPS, 2 DGPS, 3 PPS, 4 RTK fixed, 5 RTK float, 6 estimated (dead reckoning),
 * 7 manual, 8 simulation. 0, no fix, is rejected.
 */
export type GgaFixQuality = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** A decoded GGA (global positioning system fix data) sentence with a valid fix. It carries no date. */
export interface GgaSentence {
  readonly type: 'GGA';
  readonly talker: string;
  /** UTC time of the fix, milliseconds since midnight. */
  readonly timeOfDayMs: number;
  readonly point: GeoPoint;
  readonly fixQuality: GgaFixQuality;
  /** Satellites in use; null when empty. */
  readonly satellites: number | null;
  readonly hdop: number | null;
  /** Antenna altitude above mean sea level, metres; null when empty. */
  readonly altitudeMeters: number | null;
  /** Geoid height above the WGS 84 ellipsoid, metres; null when empty. */
  readonly geoidSeparationMeters: number | null;
}

export type NmeaSentence = RmcSentence | GgaSentence;

export type NmeaParseResult =
  | { readonly ok: true; readonly sentence: NmeaSentence }
  /** A well-formed sentence of a type not decoded here: its formatter (`GSV`) or proprietary address (`PGRME`). */
  | { readonly ok: true; readonly ignored: string }
  | { readonly ok: false; readonly reason: NmeaRejectReason; readonly detail: string };

interface Failure {
  readonly ok: false;
  readonly reason: NmeaRejectReason;
  readonly detail: string;
}

const reject = (reason: NmeaRejectReason, detail: string): Failure => ({ ok: false, reason, detail });
const isFailure = (value: unknown): value is Failure =>
  typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;

/** Printable ASCII only: NMEA 0183 sentences are 0x20–0x7E. */
const PRINTABLE = /^[\x20-\x7e]*$/;
/** `$`, `*` and `!` are reserved delimiters (NMEA 0183 reserved characters) and cannot appear in fields. */
const RESERVED = /[$*!]/;

/**
 * Validates one NMEA 0183 line (frame, checksum, address) and decodes RMC and GGA from any
 * talker. Never throws: every outcome is a result. Transports should decode bytes as latin-1,
 * so that each byte is one character and the checksum is computed over the bytes received.
 */
export function parseNmeaSentence(line: string): NmeaParseResult {
  if (typeof line !== 'string') return reject('no-start', `not a string but ${typeof line}`);
  const text = trimLineEnds(line);
  if (!text.startsWith('$')) {
    return reject('no-start', text === '' ? 'empty line' : `starts with ${quote(text.slice(0, 12))}`);
  }
  if (text.length > MAX_NMEA_LINE_LENGTH) return reject('too-long', `${text.length} characters`);

  // The checksum field is `*` + two hex digits at the very end (NMEA 0183 "checksum field").
  const star = text.lastIndexOf('*');
  if (star < 0) return reject('missing-checksum', `no "*hh" in ${quote(text.slice(0, 12))}`);
  const given = text.slice(star + 1);
  if (/^[0-9A-Fa-f]?$/.test(given)) {
    return reject('truncated', `checksum field ${quote(`*${given}`)} has fewer than 2 digits`);
  }
  if (!/^[0-9A-Fa-f]{2}$/.test(given)) {
    return reject('bad-checksum', `checksum field ${quote(`*${given.slice(0, 12)}`)} is not 2 hex digits`);
  }
  const body = text.slice(1, star);
  // XOR of every character between `$` and `*`, exclusive (NMEA 0183 checksum definition).
  const computed = xorOf(body);
  if (computed !== Number.parseInt(given, 16)) {
    return reject('bad-checksum', `checksum *${given} does not match computed ${hex2(computed)}`);
  }
  if (!PRINTABLE.test(body) || RESERVED.test(body)) {
    return reject('bad-field', 'non-printable or reserved character in the sentence');
  }

  const fields = body.split(',');
  const address = fields[0] ?? '';
  // Proprietary sentences: `P` + a three-character manufacturer mnemonic + the maker's own type.
  if (/^P[A-Z0-9]{3}[A-Z0-9]*$/.test(address)) return { ok: true, ignored: address };
  // Approved sentences: two-character talker id + three-character sentence formatter.
  if (!/^[A-Z]{2}[A-Z]{3}$/.test(address)) {
    return reject('bad-field', `address field ${quote(address)} is not talker + formatter`);
  }
  const talker = address.slice(0, 2);
  const type = address.slice(2);
  const data = fields.slice(1);
  switch (type) {
    case 'RMC':
      return settle(decodeRmc(talker, data));
    case 'GGA':
      return settle(decodeGga(talker, data));
    default:
      return { ok: true, ignored: type };
  }
}

function settle(decoded: NmeaSentence | Failure): NmeaParseResult {
  return isFailure(decoded) ? decoded : { ok: true, sentence: decoded };
}

// ---- sentences ----------------------------------------------------------------------------

const RMC_MODES: ReadonlySet<string> = new Set<RmcMode>(['A', 'D', 'E', 'F', 'M', 'N', 'P', 'R', 'S']);

/**
 * RMC: time, status, lat, N/S, lon, E/W, speed (kn), course (°T), date, magnetic variation,
 * E/W, mode (2.3+), navigational status (4.1+). The fields through the date are required.
 */
function decodeRmc(talker: string, f: readonly string[]): RmcSentence | Failure {
  if (f.length < 9) return reject('truncated', `RMC has ${f.length} fields, needs at least 9`);
  const [time = '', status = '', lat = '', ns = '', lon = '', ew = '', speed = '', course = '', date = ''] = f;
  const [magnetic = '', magneticSide = '', modeText = ''] = f.slice(9);

  if (status !== 'A' && status !== 'V') return reject('bad-field', `RMC status ${quote(status)} is not A or V`);
  if (modeText !== '' && !RMC_MODES.has(modeText)) return reject('bad-field', `RMC mode ${quote(modeText)} is unknown`);
  const mode = modeText === '' ? null : (modeText as RmcMode);
  if (status === 'V' || mode === 'N') return reject('no-fix', `RMC status ${status}${mode ? `, mode ${mode}` : ''}`);

  const timeOfDayMs = parseTimeOfDay(time, 'RMC time');
  if (isFailure(timeOfDayMs)) return timeOfDayMs;
  const point = parsePoint(lat, ns, lon, ew, 'RMC');
  if (isFailure(point)) return point;
  const speedKnots = parseOptionalDecimal(speed, 'RMC speed', { signed: false });
  if (isFailure(speedKnots)) return speedKnots;
  const courseDegrees = parseOptionalDecimal(course, 'RMC course', { signed: false, max: 360 });
  if (isFailure(courseDegrees)) return courseDegrees;
  const parsedDate = parseDate(date);
  if (isFailure(parsedDate)) return parsedDate;
  const magneticVariationDegrees = parseMagneticVariation(magnetic, magneticSide);
  if (isFailure(magneticVariationDegrees)) return magneticVariationDegrees;

  return {
    type: 'RMC',
    talker,
    timeOfDayMs,
    date: parsedDate,
    point,
    speedKnots,
    courseDegrees,
    magneticVariationDegrees,
    mode,
  };
}

/**
 * GGA: time, lat, N/S, lon, E/W, quality, satellites, HDOP, altitude, M, geoid separation, M,
 * DGPS age, DGPS station. The fields through the altitude unit are required.
 */
function decodeGga(talker: string, f: readonly string[]): GgaSentence | Failure {
  if (f.length < 10) return reject('truncated', `GGA has ${f.length} fields, needs at least 10`);
  const [time = '', lat = '', ns = '', lon = '', ew = '', quality = '', sats = '', hdopText = ''] = f;
  const [altitude = '', altitudeUnit = ''] = f.slice(8);
  const [separation = '', separationUnit = ''] = f.slice(10);

  if (!/^\d$/.test(quality)) return reject('bad-field', `GGA fix quality ${quote(quality)} is not a digit`);
  const fixQuality = Number(quality);
  if (fixQuality > 8) return reject('out-of-range', `GGA fix quality ${fixQuality} is over 8`);
  if (fixQuality === 0) return reject('no-fix', 'GGA fix quality 0');

  const timeOfDayMs = parseTimeOfDay(time, 'GGA time');
  if (isFailure(timeOfDayMs)) return timeOfDayMs;
  const point = parsePoint(lat, ns, lon, ew, 'GGA');
  if (isFailure(point)) return point;
  if (sats !== '' && !/^\d{1,3}$/.test(sats)) {
    return reject('bad-field', `GGA satellites ${quote(sats)} is not a count`);
  }
  const hdop = parseOptionalDecimal(hdopText, 'GGA HDOP', { signed: false });
  if (isFailure(hdop)) return hdop;
  const altitudeMeters = parseMeters(altitude, altitudeUnit, 'GGA altitude');
  if (isFailure(altitudeMeters)) return altitudeMeters;
  const geoidSeparationMeters = parseMeters(separation, separationUnit, 'GGA geoid separation');
  if (isFailure(geoidSeparationMeters)) return geoidSeparationMeters;

  return {
    type: 'GGA',
    talker,
    timeOfDayMs,
    point,
    fixQuality: fixQuality as GgaFixQuality,
    satellites: sats === '' ? null : Number(sats),
    hdop,
    altitudeMeters,
    geoidSeparationMeters,
  };
}

// ---- fields -------------------------------------------------------------------------------

/** `hhmmss` or `hhmmss.s…` (UTC). Leap second 60 is rejected: a Date cannot hold it. */
function parseTimeOfDay(text: string, name: string): number | Failure {
  const match = /^(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?$/.exec(text);
  if (!match) return reject('bad-field', `${name} ${quote(text)} is not hhmmss[.sss]`);
  const [, hh = '', mm = '', ss = '', fraction = ''] = match;
  const [h, m, s] = [Number(hh), Number(mm), Number(ss)];
  if (h > 23 || m > 59 || s > 59) return reject('out-of-range', `${name} ${text} is not a time of day`);
  const millis = Number(`${fraction}000`.slice(0, 3));
  return ((h * 60 + m) * 60 + s) * 1000 + millis;
}

/** RMC `ddmmyy`; two-digit years pivot to 1980–2079 (GPS time starts in 1980). */
function parseDate(text: string): NmeaDate | Failure {
  const match = /^(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!match) return reject('bad-field', `RMC date ${quote(text)} is not ddmmyy`);
  const [day, month, yy] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const year = yy < 80 ? 2000 + yy : 1900 + yy;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || day < 1 || probe.getUTCMonth() !== month - 1) {
    return reject('out-of-range', `RMC date ${text} is not a calendar date`);
  }
  return { year, month, day };
}

/** Latitude `ddmm.mmmm` + N/S and longitude `dddmm.mmmm` + E/W (degrees and minutes have fixed widths). */
function parsePoint(lat: string, ns: string, lon: string, ew: string, name: string): GeoPoint | Failure {
  const latitude = parseAngle(lat, 2, 90, `${name} latitude`);
  if (isFailure(latitude)) return latitude;
  if (ns !== 'N' && ns !== 'S') return reject('bad-field', `${name} latitude hemisphere ${quote(ns)} is not N or S`);
  const longitude = parseAngle(lon, 3, 180, `${name} longitude`);
  if (isFailure(longitude)) return longitude;
  if (ew !== 'E' && ew !== 'W') return reject('bad-field', `${name} longitude hemisphere ${quote(ew)} is not E or W`);
  return { lat: signed(latitude, ns === 'S'), lon: signed(longitude, ew === 'W') };
}

/**
 * Degrees and decimal minutes to decimal degrees. The minutes are read as an integer count of
 * their last digit, so the only rounding is one division and one addition (error ≈ 1e-14°).
 */
function parseAngle(text: string, degreeDigits: 2 | 3, max: number, name: string): number | Failure {
  const pattern = degreeDigits === 2 ? /^(\d{2})(\d{2})(?:\.(\d{1,10}))?$/ : /^(\d{3})(\d{2})(?:\.(\d{1,10}))?$/;
  const match = pattern.exec(text);
  if (!match) {
    return reject('bad-field', `${name} ${quote(text)} is not ${degreeDigits === 2 ? 'ddmm.mmmm' : 'dddmm.mmmm'}`);
  }
  const [, degreesText = '', wholeMinutes = '', fraction = ''] = match;
  const degrees = Number(degreesText);
  const minuteUnits = Number(wholeMinutes + fraction);
  const unitsPerMinute = 10 ** fraction.length;
  if (minuteUnits >= 60 * unitsPerMinute) return reject('out-of-range', `${name} ${text} has 60 or more minutes`);
  const value = degrees + minuteUnits / (60 * unitsPerMinute);
  if (value > max) return reject('out-of-range', `${name} ${text} is over ${max}°`);
  return value;
}

function parseOptionalDecimal(
  text: string,
  name: string,
  { signed: allowSign, max }: { readonly signed: boolean; readonly max?: number },
): number | null | Failure {
  if (text === '') return null;
  const pattern = allowSign ? /^[-+]?\d+(?:\.\d+)?$|^[-+]?\.\d+$/ : /^\d+(?:\.\d+)?$|^\.\d+$/;
  if (!pattern.test(text)) {
    return reject('bad-field', `${name} ${quote(text)} is not a ${allowSign ? '' : 'non-negative '}number`);
  }
  const value = Number(text);
  if (max !== undefined && value > max) return reject('out-of-range', `${name} ${text} is over ${max}`);
  return value === 0 ? 0 : value;
}

/** A value followed by its unit field, which must be `M` when the value is present. */
function parseMeters(text: string, unit: string, name: string): number | null | Failure {
  const value = parseOptionalDecimal(text, name, { signed: true });
  if (value === null || isFailure(value)) return value;
  if (unit !== 'M') return reject('bad-field', `${name} unit ${quote(unit)} is not M`);
  return value;
}

function parseMagneticVariation(text: string, side: string): number | null | Failure {
  const value = parseOptionalDecimal(text, 'RMC magnetic variation', { signed: false, max: 180 });
  if (value === null || isFailure(value)) return value;
  if (side !== 'E' && side !== 'W') {
    return reject('bad-field', `RMC magnetic variation side ${quote(side)} is not E or W`);
  }
  return signed(value, side === 'W');
}

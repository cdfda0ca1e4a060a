import type { CameraSource, CameraStatus, CameraStream } from '../../contract';
import { normalizeDegrees } from '../../geo/geodesy';
import { MAX_NAME_LENGTH, MAX_URL_LENGTH, isEmailAddress, isPhoneNumber, isPrintableText } from '../../contract/contactFormats';
import { lineProblem } from '../textProblems';

/** A cell's value, or why it cannot be used. Empty cells never reach these readers. */
export type CellReading<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

const ok = <T>(value: T): CellReading<T> => ({ ok: true, value });
const bad = (what: string, text: string): CellReading<never> => ({ ok: false, detail: `${what}, got ${preview(text)}` });

export function preview(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** A plain decimal number (`53.464515`, `-2.2880219999999998`, `1e2`); no units, no thousands separators. */
export function readDecimal(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Degrees of the 16-point compass rose, N = 0, clockwise. */
const COMPASS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];
const COMPASS_WORDS: Readonly<Record<string, string>> = {
  NORTH: 'N',
  NORTHEAST: 'NE',
  EAST: 'E',
  SOUTHEAST: 'SE',
  SOUTH: 'S',
  SOUTHWEST: 'SW',
  WEST: 'W',
  NORTHWEST: 'NW',
};

/** Degrees clockwise from north in [0, 360): a number in [-360, 360] (a trailing ° allowed) or a compass point. */
export function readHeading(text: string): CellReading<number> {
  const word = text.toUpperCase().replace(/[\s-]/g, '');
  const point = COMPASS.indexOf(COMPASS_WORDS[word] ?? word);
  if (point >= 0) return ok(point * 22.5);
  const degrees = readDecimal(text.replace(/\s*(?:°|deg|degrees)$/i, ''));
  if (degrees === null || Math.abs(degrees) > 360) return bad('expected degrees in [-360, 360] or a compass point', text);
  // Some exports use -180..180; 360 is north again. (Folding without adding 360 first keeps 262.2 exact.)
  return ok(normalizeDegrees(degrees));
}

/** A field of view in (0, 360] degrees. */
export function readFieldOfView(text: string): CellReading<number> {
  const degrees = readDecimal(text.replace(/\s*(?:°|deg|degrees)$/i, ''));
  return degrees !== null && degrees > 0 && degrees <= 360 ? ok(degrees) : bad('expected degrees in (0, 360]', text);
}

/** A distance in metres, at least 0 (a trailing `m` allowed). */
export function readMetres(text: string): CellReading<number> {
  const metres = readDecimal(text.replace(/\s*(?:m|metres|meters)$/i, ''));
  return metres !== null && metres >= 0 ? ok(metres) : bad('expected metres >= 0', text);
}

const TRUE_WORDS = new Set(['TRUE', 'YES', 'Y', '1', 'PTZ', 'T']);
const FALSE_WORDS = new Set(['FALSE', 'NO', 'N', '0', 'FIXED', 'F']);

export function readPtz(text: string): CellReading<boolean> {
  const word = text.toUpperCase();
  if (TRUE_WORDS.has(word)) return ok(true);
  if (FALSE_WORDS.has(word)) return ok(false);
  return bad('expected yes/no, true/false, 1/0 or ptz/fixed', text);
}

/** What a status cell says: a camera status, or where the camera is in its life. */
type StatusWord = CameraStatus | 'IN_SERVICE' | 'PLANNED' | 'RETIRED';

/** Keys are upper case with runs of other characters as one `_` (`No communication` → NO_COMMUNICATION). */
const STATUS_WORDS: Readonly<Record<string, StatusWord>> = {
  ONLINE: 'ONLINE',
  UP: 'ONLINE',
  OK: 'ONLINE',
  CONNECTED: 'ONLINE',
  OFFLINE: 'OFFLINE',
  DOWN: 'OFFLINE',
  DISCONNECTED: 'OFFLINE',
  NO_COMMUNICATION: 'OFFLINE',
  FAILED: 'OFFLINE',
  FAULT: 'OFFLINE',
  UNKNOWN: 'UNKNOWN',
  // Lifecycle states (Austin's Camera Status).
  TURNED_ON: 'IN_SERVICE',
  ACTIVE: 'IN_SERVICE',
  INSTALLED: 'IN_SERVICE',
  IN_SERVICE: 'IN_SERVICE',
  OPERATIONAL: 'IN_SERVICE',
  DESIRED: 'PLANNED',
  PLANNED: 'PLANNED',
  PROPOSED: 'PLANNED',
  REMOVED: 'RETIRED',
  VOID: 'RETIRED',
  RETIRED: 'RETIRED',
  DECOMMISSIONED: 'RETIRED',
  OUT_OF_SERVICE: 'RETIRED',
  TURNED_OFF: 'RETIRED',
};

const statusWordOf = (text: string): StatusWord | undefined =>
  STATUS_WORDS[text.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '')];

/**
 * The camera's status from its status cell and, where the export has one, its connectivity cell:
 *
 * - retired (REMOVED, VOID, DECOMMISSIONED …) → OFFLINE. The contract has no removal event, and
 *   OFFLINE is what takes a camera imported earlier out of use when a later export retires it;
 *   a dead letter would be wrong, since the row is not faulty;
 * - planned (DESIRED, PLANNED, PROPOSED) → UNKNOWN: it is on the list but has never streamed;
 * - an explicit ONLINE/OFFLINE/UNKNOWN in the status cell, else the connectivity cell's;
 * - in service (TURNED_ON, ACTIVE …) with no connectivity → ONLINE;
 * - anything else, or nothing → `fallback`. An unknown status word never costs the camera.
 */
export function readCameraStatus(status: string, connectivity: string, fallback: CameraStatus): CameraStatus {
  const life = statusWordOf(status);
  const link = statusWordOf(connectivity);
  switch (life) {
    case 'RETIRED':
      return 'OFFLINE';
    case 'PLANNED':
      return 'UNKNOWN';
    case 'ONLINE':
    case 'OFFLINE':
    case 'UNKNOWN':
      return life;
    case 'IN_SERVICE':
    case undefined:
      if (link === 'ONLINE' || link === 'OFFLINE' || link === 'UNKNOWN') return link;
      return life === 'IN_SERVICE' ? 'ONLINE' : fallback;
    default: {
      const unreachable: never = life;
      return unreachable;
    }
  }
}

const SOURCE_WORDS: Readonly<Record<string, CameraSource>> = {
  CITY_VMS: 'CITY_VMS',
  CITY: 'CITY_VMS',
  VMS: 'CITY_VMS',
  MUNICIPAL: 'CITY_VMS',
  COMMUNITY_LIVE: 'COMMUNITY_LIVE',
  LIVE: 'COMMUNITY_LIVE',
  COMMUNITY_REGISTERED: 'COMMUNITY_REGISTERED',
  REGISTERED: 'COMMUNITY_REGISTERED',
  // A community camera is only registered unless the list says its video is shared live.
  COMMUNITY: 'COMMUNITY_REGISTERED',
};

/**
 * The program a camera belongs to. An unknown word is refused rather than defaulted: who owns
 * a camera decides whether the RTCC may open its video.
 */
export function readCameraSource(text: string): CellReading<CameraSource> {
  const source = SOURCE_WORDS[text.toUpperCase().replace(/[^A-Z]+/g, '_')];
  return source ? ok(source) : bad(`expected one of ${Object.keys(SOURCE_WORDS).join(', ')}`, text);
}

const STREAM_SCHEMES = new Set(['rtsp:', 'rtsps:', 'rtmp:', 'rtmps:', 'srt:', 'http:', 'https:', 'ws:', 'wss:', 'webrtc:']);

/** The stream URLs of one cell (separated by spaces, `;` or `|`), each with a protocol read from the URL. */
export function readStreams(text: string): CellReading<CameraStream[]> {
  const streams: CameraStream[] = [];
  for (const candidate of text.split(/[\s;|]+/).filter(Boolean)) {
    const url = parseUrl(candidate);
    if (!url || !STREAM_SCHEMES.has(url.protocol)) {
      return bad(`expected stream URLs (${[...STREAM_SCHEMES].join(' ')})`, candidate);
    }
    const problem = urlProblem(candidate, url);
    if (problem !== null) return bad(`expected a stream URL that ${problem}`, candidate);
    streams.push({ protocol: streamProtocolOf(url), url: candidate, profile: null });
  }
  return ok(streams);
}

function streamProtocolOf(url: URL): string {
  const path = url.pathname.toLowerCase();
  if (url.protocol.startsWith('rtsp')) return 'RTSP';
  if (url.protocol.startsWith('rtmp')) return 'RTMP';
  if (url.protocol === 'srt:') return 'SRT';
  if (url.protocol === 'webrtc:' || url.protocol.startsWith('ws') || /whep|webrtc/.test(path)) return 'WEBRTC';
  if (path.endsWith('.m3u8')) return 'HLS';
  if (path.endsWith('.mpd')) return 'DASH';
  if (/mjpe?g/.test(path)) return 'MJPEG';
  return 'HTTP';
}

/** An http(s) URL of a still image. */
export function readSnapshotUrl(text: string): CellReading<string> {
  const url = parseUrl(text);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return bad('expected an http(s) URL', text);
  const problem = urlProblem(text, url);
  return problem === null ? ok(text) : bad(`expected an http(s) URL that ${problem}`, text);
}

/**
 * What makes a URL unfit to hand to operators' consoles: credentials (the hub would give every
 * viewer the camera's password; a VMS export should carry URLs without them, the player
 * authenticates), a length no player takes, or characters that are not one printable line.
 */
function urlProblem(text: string, url: URL): string | null {
  if (url.username !== '' || url.password !== '') return 'carries no credentials (user:password@)';
  if (text.length > MAX_URL_LENGTH) return `is at most ${MAX_URL_LENGTH} characters`;
  if (lineProblem(text, MAX_URL_LENGTH) !== null) return 'is printable text';
  return null;
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** A name (owner, contact): one line of at most {@link MAX_NAME_LENGTH} printable characters. */
export function readName(text: string): CellReading<string> {
  if (isPrintableText(text, MAX_NAME_LENGTH) && lineProblem(text, MAX_NAME_LENGTH) === null) return ok(text);
  return bad(`expected at most ${MAX_NAME_LENGTH} printable characters`, text);
}

/** A telephone number of 7 to 15 digits, with `+`, spaces, dashes, dots or parentheses. */
export function readPhone(text: string): CellReading<string> {
  return isPhoneNumber(text) ? ok(text) : bad('expected a telephone number of 7 to 15 digits', text);
}

/** An email address (`local@domain.tld`); a `mailto:` prefix is dropped. */
export function readEmail(text: string): CellReading<string> {
  const address = text.replace(/^mailto:/i, '');
  return isEmailAddress(address) ? ok(address) : bad('expected an email address', text);
}

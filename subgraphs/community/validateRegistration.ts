import { badUserInput } from '../../errors/hubErrors';
import {
  type ProgramLevel,
  type SharingMode,
  type SharingTerms,
  type WeeklyWindow,
  WEEKDAYS,
  parseHhMm,
} from './evaluateSharingTerms';

/**
 * Checks of what owners and staff send the program desk, where it enters: every text bounded and
 * free of control and invisible direction characters, numbers finite and in range, URLs http(s)
 * only. Each failure is BAD_USER_INPUT naming the argument.
 */

export const LIMITS = {
  name: 120,
  address: 200,
  displayName: 120,
  contactName: 120,
  phone: 32,
  email: 254,
  note: 500,
  url: 2048,
  windows: 28,
  maxRangeMeters: 5000,
} as const;

/** C0 and C1 controls (TAB and newlines included: these are one-line fields), and bidi/zero-width controls. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
/** A note may hold line breaks. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_NOTE = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
const SAFE_MODES: readonly SharingMode[] = ['ALWAYS', 'SCHEDULE', 'ALARM', 'NEVER'];
const SAFE_LEVELS: readonly ProgramLevel[] = ['REGISTERED', 'INTEGRATED'];

export interface RegisterCameraInput {
  readonly name: string;
  readonly point: { readonly lat: number; readonly lon: number };
  readonly address?: string | null;
  readonly headingDegrees?: number | null;
  readonly fieldOfViewDegrees?: number | null;
  readonly rangeMeters?: number | null;
  readonly level: string;
  readonly streamUrl?: string | null;
  readonly snapshotUrl?: string | null;
  readonly terms?: SharingTermsInput | null;
}

export interface SharingTermsInput {
  readonly mode: string;
  readonly schedule?: readonly { readonly day: string; readonly from: string; readonly to: string }[] | null;
  readonly alarmMinutes?: number | null;
  readonly level?: string | null;
}

export interface OwnerProfileInput {
  readonly displayName: string;
  readonly contactName?: string | null;
  readonly phone?: string | null;
  readonly email?: string | null;
  readonly notifyBy?: string | null;
}

/** A registration as it will be stored. */
export interface ValidRegistration {
  readonly name: string;
  readonly point: { readonly lat: number; readonly lon: number };
  readonly address: string | null;
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly rangeMeters: number | null;
  readonly level: ProgramLevel;
  readonly streamUrl: string | null;
  readonly snapshotUrl: string | null;
  readonly terms: SharingTerms;
}

export interface ValidProfile {
  readonly displayName: string;
  readonly contactName: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly notifyBy: 'EMAIL' | 'SMS' | 'NONE';
}

export function validateRegistration(input: RegisterCameraInput, defaultAlarmMinutes: number): ValidRegistration {
  const level = levelOf(input.level, 'input.level');
  const streamUrl = optionalUrl(input.streamUrl, 'input.streamUrl');
  const snapshotUrl = optionalUrl(input.snapshotUrl, 'input.snapshotUrl');
  if (level === 'INTEGRATED' && streamUrl === null && snapshotUrl === null) {
    throw badUserInput('input.streamUrl', 'is required for an INTEGRATED camera (or give snapshotUrl): the hub relays it through signed links');
  }
  const terms = input.terms
    ? validateTerms(input.terms, defaultAlarmMinutes, 'input.terms')
    : { mode: level === 'INTEGRATED' ? 'ALWAYS' as const : 'NEVER' as const, schedule: [], alarmMinutes: defaultAlarmMinutes };
  return {
    name: requiredLine(input.name, 'input.name', LIMITS.name),
    point: validPoint(input.point, 'input.point'),
    address: optionalLine(input.address, 'input.address', LIMITS.address),
    headingDegrees: optionalNumber(input.headingDegrees, 'input.headingDegrees', { min: 0, max: 360 }),
    fieldOfViewDegrees: optionalNumber(input.fieldOfViewDegrees, 'input.fieldOfViewDegrees', { min: 1, max: 360 }),
    rangeMeters: optionalNumber(input.rangeMeters, 'input.rangeMeters', { above: 0, max: LIMITS.maxRangeMeters }),
    level,
    streamUrl,
    snapshotUrl,
    terms,
  };
}

/** Terms as set (`setSharingTerms`), with the level they may change. */
export function validateTerms(input: SharingTermsInput, defaultAlarmMinutes: number, path = 'terms'): SharingTerms {
  if (!SAFE_MODES.includes(input.mode as SharingMode)) throw badUserInput(`${path}.mode`, `must be one of ${SAFE_MODES.join(', ')}`);
  const mode = input.mode as SharingMode;
  const windows = input.schedule ?? [];
  if (windows.length > LIMITS.windows) throw badUserInput(`${path}.schedule`, `holds ${windows.length} windows; at most ${LIMITS.windows}`);
  if (mode === 'SCHEDULE' && windows.length === 0) throw badUserInput(`${path}.schedule`, 'needs at least one window for mode SCHEDULE');
  const seen = new Set<string>();
  const schedule: WeeklyWindow[] = windows.map((window, index) => {
    const at = `${path}.schedule[${index}]`;
    if (!WEEKDAYS.includes(window.day as WeeklyWindow['day'])) throw badUserInput(`${at}.day`, 'is not a weekday');
    if (typeof window.from !== 'string' || parseHhMm(window.from) === null) throw badUserInput(`${at}.from`, 'must be HH:MM, 00:00 to 23:59');
    if (typeof window.to !== 'string' || parseHhMm(window.to) === null) throw badUserInput(`${at}.to`, 'must be HH:MM, 00:00 to 23:59');
    const key = `${window.day} ${window.from} ${window.to}`;
    if (seen.has(key)) throw badUserInput(at, 'repeats an earlier window');
    seen.add(key);
    return { day: window.day as WeeklyWindow['day'], from: window.from, to: window.to };
  });
  const alarmMinutes = input.alarmMinutes ?? defaultAlarmMinutes;
  if (!Number.isInteger(alarmMinutes) || alarmMinutes < 1 || alarmMinutes > 1440) {
    throw badUserInput(`${path}.alarmMinutes`, 'must be a whole number of minutes from 1 to 1440');
  }
  return { mode, schedule, alarmMinutes };
}

/** The level a terms change asks for, or null to keep it. CITY is never a program level. */
export function optionalLevel(value: string | null | undefined, path: string): ProgramLevel | null {
  return value === null || value === undefined ? null : levelOf(value, path);
}

export function validateProfile(input: OwnerProfileInput): ValidProfile {
  const email = optionalLine(input.email, 'input.email', LIMITS.email);
  if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw badUserInput('input.email', 'is not an email address');
  const phone = optionalLine(input.phone, 'input.phone', LIMITS.phone);
  if (phone !== null) {
    const digits = phone.replace(/\D/g, '').length;
    if (!/^\+?[0-9 ().-]+$/.test(phone) || digits < 7 || digits > 15) throw badUserInput('input.phone', 'is not a telephone number (7 to 15 digits, E.164 or local form)');
  }
  const notifyBy = input.notifyBy ?? (email ? 'EMAIL' : phone ? 'SMS' : 'NONE');
  if (notifyBy !== 'EMAIL' && notifyBy !== 'SMS' && notifyBy !== 'NONE') throw badUserInput('input.notifyBy', 'must be EMAIL, SMS or NONE');
  if (notifyBy === 'EMAIL' && email === null) throw badUserInput('input.notifyBy', 'is EMAIL but no email was given');
  if (notifyBy === 'SMS' && phone === null) throw badUserInput('input.notifyBy', 'is SMS but no phone was given');
  return {
    displayName: requiredLine(input.displayName, 'input.displayName', LIMITS.displayName),
    contactName: optionalLine(input.contactName, 'input.contactName', LIMITS.contactName),
    phone,
    email,
    notifyBy,
  };
}

/** Staff's decision note: optional, bounded, line breaks allowed. */
export function validateNote(value: string | null | undefined, path = 'note'): string | null {
  if (value === null || value === undefined) return null;
  if (FORBIDDEN_IN_NOTE.test(value)) throw badUserInput(path, 'contains a control or invisible formatting character');
  const text = value.trim();
  if (text.length > LIMITS.note) throw badUserInput(path, `is longer than ${LIMITS.note} characters`);
  return text === '' ? null : text;
}

function levelOf(value: string, path: string): ProgramLevel {
  if (!SAFE_LEVELS.includes(value as ProgramLevel)) throw badUserInput(path, 'must be REGISTERED or INTEGRATED (CITY cameras are not registered here)');
  return value as ProgramLevel;
}

function requiredLine(value: string, path: string, max: number): string {
  const text = optionalLine(value, path, max);
  if (text === null) throw badUserInput(path, 'must not be empty');
  return text;
}

function optionalLine(value: string | null | undefined, path: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw badUserInput(path, 'must be text');
  // Checked before trimming: trim() would quietly drop a leading or trailing control character.
  if (FORBIDDEN_IN_LINE.test(value)) throw badUserInput(path, 'contains a control or invisible formatting character');
  const text = value.trim();
  if (text.length > max) throw badUserInput(path, `is longer than ${max} characters`);
  return text === '' ? null : text;
}

function validPoint(point: { lat: number; lon: number } | null | undefined, path: string) {
  if (!point || !Number.isFinite(point.lat) || point.lat < -90 || point.lat > 90) throw badUserInput(`${path}.lat`, 'must be a latitude from -90 to 90');
  if (!Number.isFinite(point.lon) || point.lon < -180 || point.lon > 180) throw badUserInput(`${path}.lon`, 'must be a longitude from -180 to 180');
  return { lat: point.lat, lon: point.lon };
}

function optionalNumber(value: number | null | undefined, path: string, range: { min?: number; above?: number; max: number }): number | null {
  if (value === null || value === undefined) return null;
  const low = range.min !== undefined ? value >= range.min : value > (range.above ?? -Infinity);
  if (!Number.isFinite(value) || !low || value > range.max) {
    const from = range.min !== undefined ? `from ${range.min}` : `above ${range.above}`;
    throw badUserInput(path, `must be a number ${from} up to ${range.max}`);
  }
  return value;
}

function optionalUrl(value: string | null | undefined, path: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw badUserInput(path, 'must be text');
  if (value.length > LIMITS.url) throw badUserInput(path, `is longer than ${LIMITS.url} characters`);
  if (FORBIDDEN_IN_LINE.test(value) || /\s/.test(value)) throw badUserInput(path, 'contains whitespace or a control character');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badUserInput(path, 'is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badUserInput(path, 'must be an http or https URL');
  if (url.hostname === '') throw badUserInput(path, 'names no host');
  return url.href;
}

/** The transport the hub reports for a camera's stream URL (SignedStream.protocol). */
export function streamProtocolOf(url: string): 'HLS' | 'MJPEG' | 'HTTP' {
  const path = new URL(url).pathname.toLowerCase();
  if (path.endsWith('.m3u8')) return 'HLS';
  if (/mjpe?g/.test(path) || /mjpe?g/.test(new URL(url).search.toLowerCase())) return 'MJPEG';
  return 'HTTP';
}

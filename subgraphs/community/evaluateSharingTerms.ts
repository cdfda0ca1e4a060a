/**
 * Whether an integrated community camera may be viewed live now, under its owner's terms, and
 * until when. Pure: the clock, the agency's time zone and the owner's alarm are arguments.
 */

export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type SharingMode = 'ALWAYS' | 'SCHEDULE' | 'ALARM' | 'NEVER';
export type ProgramLevel = 'REGISTERED' | 'INTEGRATED';
export type RegistrationStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';

/** One weekly window, wall-clock HH:MM in the agency's time zone; `to` at or before `from` ends the next day. */
export interface WeeklyWindow {
  readonly day: Weekday;
  readonly from: string;
  readonly to: string;
}

export interface SharingTerms {
  readonly mode: SharingMode;
  readonly schedule: readonly WeeklyWindow[];
  readonly alarmMinutes: number;
}

export interface TermsSituation {
  readonly level: ProgramLevel;
  readonly status: RegistrationStatus;
  readonly terms: SharingTerms;
  readonly now: Date;
  /** IANA time zone the schedule is read in (AGENCY_TIME_ZONE). */
  readonly timeZone: string;
  /** When the owner's alarm last opened sharing; null when none is active (or it was closed). */
  readonly alarmRaisedAt: Date | null;
}

export interface LiveAccess {
  readonly liveNow: boolean;
  /** When live access ends; null while it lasts indefinitely or is not open. */
  readonly liveUntil: Date | null;
  /** When a schedule next opens live access (after the current window, if one is open); null when not scheduled. */
  readonly liveFrom: Date | null;
}

const CLOSED: LiveAccess = { liveNow: false, liveUntil: null, liveFrom: null };
const DAY_MS = 86_400_000;
/** Days either side of today a schedule is laid out over: a week ahead finds the next opening. */
const HORIZON_DAYS = 8;

/** Evaluates the terms at `now`. Only an approved, integrated camera is ever live. */
export function evaluateSharingTerms(situation: TermsSituation): LiveAccess {
  const { level, status, terms, now } = situation;
  if (level !== 'INTEGRATED' || status !== 'APPROVED') return CLOSED;
  switch (terms.mode) {
    case 'ALWAYS':
      return { liveNow: true, liveUntil: null, liveFrom: null };
    case 'NEVER':
      return CLOSED;
    case 'ALARM': {
      if (situation.alarmRaisedAt === null) return CLOSED;
      const until = new Date(situation.alarmRaisedAt.getTime() + terms.alarmMinutes * 60_000);
      const open = situation.alarmRaisedAt.getTime() <= now.getTime() && now.getTime() < until.getTime();
      return open ? { liveNow: true, liveUntil: until, liveFrom: null } : CLOSED;
    }
    case 'SCHEDULE':
      return evaluateSchedule(terms.schedule, now, situation.timeZone);
    default: {
      const unreachable: never = terms.mode;
      return unreachable;
    }
  }
}

/** The schedule's windows laid out as instants around `now`, merged where they touch, then read at `now`. */
function evaluateSchedule(schedule: readonly WeeklyWindow[], now: Date, timeZone: string): LiveAccess {
  if (schedule.length === 0) return CLOSED;
  const t = now.getTime();
  const today = wallClockOf(t, timeZone);
  const todayUtc = Date.UTC(today.year, today.month - 1, today.day);
  const intervals: [number, number][] = [];
  for (let offset = -HORIZON_DAYS; offset <= HORIZON_DAYS; offset += 1) {
    const date = new Date(todayUtc + offset * DAY_MS);
    // getUTCDay: 0 is Sunday; WEEKDAYS starts on Monday.
    const weekday = WEEKDAYS[(date.getUTCDay() + 6) % 7];
    for (const window of schedule) {
      if (window.day !== weekday) continue;
      const from = parseHhMm(window.from);
      const to = parseHhMm(window.to);
      if (from === null || to === null) continue;
      const y = date.getUTCFullYear();
      const m = date.getUTCMonth() + 1;
      const d = date.getUTCDate();
      const start = instantOf({ year: y, month: m, day: d, minutes: from }, timeZone);
      const endDate = to <= from ? new Date(date.getTime() + DAY_MS) : date;
      const end = instantOf({ year: endDate.getUTCFullYear(), month: endDate.getUTCMonth() + 1, day: endDate.getUTCDate(), minutes: to }, timeZone);
      if (end > start) intervals.push([start, end]);
    }
  }
  const merged = mergeIntervals(intervals);
  // Beyond this instant the layout may miss windows of later days: an interval reaching it has no known end.
  const trustedUntil = instantOf(wallDate(todayUtc + HORIZON_DAYS * DAY_MS), timeZone);
  const current = merged.find(([start, end]) => start <= t && t < end);
  const next = merged.find(([start]) => start > t);
  const liveFrom = next ? new Date(next[0]) : null;
  if (!current) return { liveNow: false, liveUntil: null, liveFrom };
  const liveUntil = current[1] >= trustedUntil ? null : new Date(current[1]);
  return { liveNow: true, liveUntil, liveFrom: liveUntil === null ? null : liveFrom };
}

function wallDate(utcMidnight: number): WallTime {
  const date = new Date(utcMidnight);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), minutes: 0 };
}

function mergeIntervals(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Minutes after midnight of a valid `HH:MM` (00:00–23:59), else null. */
export function parseHhMm(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** A wall-clock time: a local date and minutes after its midnight. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at instant `t` (ms). */
export function wallClockOf(t: number, timeZone: string): WallTime & { readonly second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(t))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    minutes: (parts.hour ?? 0) * 60 + (parts.minute ?? 0),
    second: parts.second ?? 0,
  };
}

/** The zone's offset from UTC at instant `t`, in ms (wall clock minus UTC). */
function offsetAt(t: number, timeZone: string): number {
  const wall = wallClockOf(t, timeZone);
  const wallMs = Date.UTC(wall.year, wall.month - 1, wall.day) + wall.minutes * 60_000 + wall.second * 1000;
  // Intl reports whole seconds; the instant's own milliseconds are not part of the offset.
  return wallMs - (t - (((t % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time names in `timeZone`, resolved as Temporal's `compatible`
 * disambiguation does: a time the clocks pass twice (autumn) is the earlier; a time they skip
 * (spring) is moved forward by the length of the skip (02:30 on a spring-forward night in
 * America/Chicago is 03:30 CDT).
 */
export function instantOf(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day) + wall.minutes * 60_000;
  // Offsets a day either side: a zone changes offset at most once in between.
  const before = offsetAt(asUtc - DAY_MS, timeZone);
  const after = offsetAt(asUtc + DAY_MS, timeZone);
  const matches = [before, after]
    .map((offset) => asUtc - offset)
    .filter((t) => offsetAt(t, timeZone) === asUtc - t)
    .sort((a, b) => a - b);
  const first = matches[0];
  if (first !== undefined) return first;
  // In a skipped hour: read with the offset in force before the skip, which lands after it.
  return asUtc - before;
}

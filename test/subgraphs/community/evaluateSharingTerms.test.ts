import fc from 'fast-check';
import {
  type SharingTerms,
  type TermsSituation,
  type WeeklyWindow,
  WEEKDAYS,
  evaluateSharingTerms,
  instantOf,
  parseHhMm,
  wallClockOf,
} from '../../../subgraphs/community/evaluateSharingTerms';

const ZONE = 'America/Chicago';
const SEED = 20261206;

const situation = (terms: Partial<SharingTerms>, now: string, extra: Partial<TermsSituation> = {}): TermsSituation => ({
  level: 'INTEGRATED',
  status: 'APPROVED',
  terms: { mode: 'SCHEDULE', schedule: [], alarmMinutes: 30, ...terms },
  now: new Date(now),
  timeZone: ZONE,
  alarmRaisedAt: null,
  ...extra,
});
const iso = (date: Date | null) => date?.toISOString() ?? null;

describe('evaluateSharingTerms', () => {
  test('ALWAYS is live without end; NEVER is not; neither a registered nor an unapproved camera ever is', () => {
    expect(evaluateSharingTerms(situation({ mode: 'ALWAYS' }, '2026-11-23T18:00:00Z'))).toEqual({ liveNow: true, liveUntil: null, liveFrom: null });
    expect(evaluateSharingTerms(situation({ mode: 'NEVER' }, '2026-11-23T18:00:00Z')).liveNow).toBe(false);
    expect(evaluateSharingTerms(situation({ mode: 'ALWAYS' }, '2026-11-23T18:00:00Z', { level: 'REGISTERED' })).liveNow).toBe(false);
    for (const status of ['PENDING', 'REJECTED', 'WITHDRAWN'] as const) {
      expect(evaluateSharingTerms(situation({ mode: 'ALWAYS' }, '2026-11-23T18:00:00Z', { status })).liveNow).toBe(false);
    }
  });

  test('ALARM is live for alarmMinutes after the alarm, then not', () => {
    const raised = { alarmRaisedAt: new Date('2026-11-23T18:00:00Z') };
    expect(evaluateSharingTerms(situation({ mode: 'ALARM', alarmMinutes: 15 }, '2026-11-23T18:14:59.999Z', raised))).toEqual({
      liveNow: true,
      liveUntil: new Date('2026-11-23T18:15:00Z'),
      liveFrom: null,
    });
    expect(evaluateSharingTerms(situation({ mode: 'ALARM', alarmMinutes: 15 }, '2026-11-23T18:15:00Z', raised)).liveNow).toBe(false);
    expect(evaluateSharingTerms(situation({ mode: 'ALARM', alarmMinutes: 15 }, '2026-11-23T17:59:00Z', raised)).liveNow).toBe(false);
    expect(evaluateSharingTerms(situation({ mode: 'ALARM' }, '2026-11-23T18:01:00Z')).liveNow).toBe(false);
  });

  test('a weekly window is read in the agency\'s zone: Monday 09:00–17:00 in Chicago is 15:00–23:00 UTC in November', () => {
    const schedule: WeeklyWindow[] = [{ day: 'MONDAY', from: '09:00', to: '17:00' }];
    // 2026-11-23 is a Monday; CST is UTC-6.
    const inside = evaluateSharingTerms(situation({ schedule }, '2026-11-23T18:00:00Z'));
    expect(iso(inside.liveUntil)).toBe('2026-11-23T23:00:00.000Z');
    expect(inside.liveNow).toBe(true);
    expect(iso(inside.liveFrom)).toBe('2026-11-30T15:00:00.000Z');
    const before = evaluateSharingTerms(situation({ schedule }, '2026-11-23T14:59:00Z'));
    expect(before).toEqual({ liveNow: false, liveUntil: null, liveFrom: new Date('2026-11-23T15:00:00Z') });
    expect(evaluateSharingTerms(situation({ schedule }, '2026-11-23T23:00:00Z')).liveNow).toBe(false);
  });

  test('a window ending at or before its start runs past midnight into the next day', () => {
    const schedule: WeeklyWindow[] = [{ day: 'FRIDAY', from: '22:00', to: '02:00' }];
    // Saturday 2026-11-28 01:30 CST = 07:30 UTC: inside Friday's window.
    const late = evaluateSharingTerms(situation({ schedule }, '2026-11-28T07:30:00Z'));
    expect(late.liveNow).toBe(true);
    expect(iso(late.liveUntil)).toBe('2026-11-28T08:00:00.000Z');
    // Friday 01:30 is not inside (Thursday has no window).
    expect(evaluateSharingTerms(situation({ schedule }, '2026-11-27T07:30:00Z')).liveNow).toBe(false);
    // from = to: a whole day.
    const day = evaluateSharingTerms(situation({ schedule: [{ day: 'TUESDAY', from: '06:00', to: '06:00' }] }, '2026-11-25T11:00:00Z'));
    expect(day.liveNow).toBe(true);
    expect(iso(day.liveUntil)).toBe('2026-11-25T12:00:00.000Z');
  });

  test('touching windows merge: liveUntil is the end of the run, not of the first window', () => {
    const schedule: WeeklyWindow[] = [
      { day: 'MONDAY', from: '20:00', to: '00:00' },
      { day: 'TUESDAY', from: '00:00', to: '06:00' },
    ];
    const result = evaluateSharingTerms(situation({ schedule }, '2026-11-24T03:00:00Z'));
    expect(result.liveNow).toBe(true);
    expect(iso(result.liveUntil)).toBe('2026-11-24T12:00:00.000Z');
  });

  test('a schedule that covers the whole week is live without end', () => {
    const schedule = WEEKDAYS.map((day) => ({ day, from: '00:00', to: '00:00' }));
    expect(evaluateSharingTerms(situation({ schedule }, '2026-11-24T03:00:00Z'))).toEqual({ liveNow: true, liveUntil: null, liveFrom: null });
  });

  test('spring forward (Chicago, Sunday 2026-03-08): a window over the skipped hour lasts one hour less', () => {
    const schedule: WeeklyWindow[] = [{ day: 'SUNDAY', from: '01:00', to: '04:00' }];
    // 01:00 CST = 07:00Z; 04:00 CDT = 09:00Z.
    const result = evaluateSharingTerms(situation({ schedule }, '2026-03-08T08:30:00Z'));
    expect(result.liveNow).toBe(true);
    expect(iso(result.liveUntil)).toBe('2026-03-08T09:00:00.000Z');
    expect(evaluateSharingTerms(situation({ schedule }, '2026-03-08T06:59:59Z')).liveNow).toBe(false);
    // A start in the skipped hour moves forward by the skip (02:30 → 03:30 CDT = 08:30Z).
    const skipped = evaluateSharingTerms(situation({ schedule: [{ day: 'SUNDAY', from: '02:30', to: '05:00' }] }, '2026-03-08T08:00:00Z'));
    expect(skipped).toMatchObject({ liveNow: false, liveFrom: new Date('2026-03-08T08:30:00Z') });
  });

  test('fall back (Chicago, Sunday 2026-11-01): a window over the repeated hour lasts one hour more', () => {
    const schedule: WeeklyWindow[] = [{ day: 'SUNDAY', from: '00:30', to: '03:00' }];
    // 00:30 CDT = 05:30Z; 03:00 CST = 09:00Z: three and a half hours.
    const result = evaluateSharingTerms(situation({ schedule }, '2026-11-01T07:30:00Z'));
    expect(result.liveNow).toBe(true);
    expect(iso(result.liveUntil)).toBe('2026-11-01T09:00:00.000Z');
    // A time the clocks pass twice is the earlier: 01:30 → 01:30 CDT = 06:30Z.
    const twice = evaluateSharingTerms(situation({ schedule: [{ day: 'SUNDAY', from: '01:30', to: '05:00' }] }, '2026-11-01T06:00:00Z'));
    expect(twice.liveFrom).toEqual(new Date('2026-11-01T06:30:00Z'));
  });

  test('property: outside DST change days, liveNow is what the wall clock says, liveUntil ends it, liveFrom opens it', () => {
    const window = fc.record({
      day: fc.constantFrom(...WEEKDAYS),
      from: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(hhmm),
      to: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(hhmm),
    });
    const start = Date.parse('2026-01-05T00:00:00Z');
    const moment = fc.integer({ min: 0, max: 360 * 24 * 60 }).map((minutes) => start + minutes * 60_000);
    fc.assert(
      fc.property(fc.uniqueArray(window, { minLength: 1, maxLength: 6, selector: (w) => `${w.day}${w.from}${w.to}` }), moment, (schedule, t) => {
        const wall = wallClockOf(t, ZONE);
        fc.pre(!nearDstChange(wall));
        const result = evaluateSharingTerms(situation({ schedule }, new Date(t).toISOString()));
        expect(result.liveNow).toBe(wallClockSays(schedule, t));
        if (result.liveNow && result.liveUntil) {
          expect(evaluateSharingTerms(situation({ schedule }, new Date(result.liveUntil.getTime() - 1).toISOString())).liveNow).toBe(true);
          expect(evaluateSharingTerms(situation({ schedule }, result.liveUntil.toISOString())).liveNow).toBe(false);
        }
        if (!result.liveNow && result.liveFrom) {
          expect(evaluateSharingTerms(situation({ schedule }, result.liveFrom.toISOString())).liveNow).toBe(true);
          expect(evaluateSharingTerms(situation({ schedule }, new Date(result.liveFrom.getTime() - 1).toISOString())).liveNow).toBe(false);
        }
        // A schedule with a window is never closed for more than a week.
        if (!result.liveNow) expect(result.liveFrom).not.toBeNull();
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('instantOf and wallClockOf', () => {
  test.each(['America/Chicago', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns'])(
    'property (%s): every instant reads back as itself, or the earlier of a repeated time',
    (zone) => {
      const origin = Date.parse('2025-06-01T00:00:00Z');
      const anyMinute = fc.integer({ min: 0, max: 2 * 366 * 24 * 60 }).map((minutes) => origin + minutes * 60_000);
      const changes = offsetChanges(zone, origin, origin + 2 * 366 * 86_400_000);
      // Most minutes are far from a clock change; half the samples are within three hours of one.
      const nearChange = changes.length === 0 ? anyMinute : fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -180, max: 180 })).map(([change, minutes]) => change + minutes * 60_000);
      fc.assert(
        fc.property(fc.oneof(anyMinute, nearChange), (t) => {
          const wall = wallClockOf(t, zone);
          const back = instantOf(wall, zone);
          // Lord Howe repeats half an hour, the others an hour.
          expect([t, t - 3_600_000, t - 1_800_000]).toContain(back);
          expect(wallClockOf(back, zone)).toEqual(wall);
        }),
        { seed: SEED, numRuns: 500 },
      );
    },
  );
});

describe('parseHhMm', () => {
  test.each(['00:00', '09:30', '23:59'])('reads %s', (text) => {
    expect(parseHhMm(text)).not.toBeNull();
  });
  test.each(['24:00', '9:30', '09:60', '', '09:30:00', '0930', ' 09:30', '٠٩:٣٠', '09:3\u0000'])('refuses %j', (text) => {
    expect(parseHhMm(text)).toBeNull();
  });
});

/** Whole hours at which `zone`'s offset from UTC changes between `from` and `to`. */
function offsetChanges(zone: string, from: number, to: number): number[] {
  const offset = (t: number) => {
    const wall = wallClockOf(t, zone);
    return Date.UTC(wall.year, wall.month - 1, wall.day) + wall.minutes * 60_000 - t;
  };
  const changes: number[] = [];
  let before = offset(from);
  for (let t = from + 1_800_000; t < to; t += 1_800_000) {
    const now = offset(t);
    if (now !== before) changes.push(t);
    before = now;
  }
  return changes;
}

function hhmm([hours, minutes]: [number, number]): string {
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** The local dates on which Chicago's clocks change in 2026, and the days after (a window may run into them). */
function nearDstChange(wall: { year: number; month: number; day: number }): boolean {
  return (wall.month === 3 && (wall.day === 8 || wall.day === 9)) || (wall.month === 11 && (wall.day === 1 || wall.day === 2));
}

/** Brute force: whether a window covers the local weekday and minute of `t`. */
function wallClockSays(schedule: readonly WeeklyWindow[], t: number): boolean {
  const wall = wallClockOf(t, ZONE);
  const weekday = WEEKDAYS[(new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay() + 6) % 7];
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(weekday as (typeof WEEKDAYS)[number]) + 6) % 7];
  return schedule.some((window) => {
    const from = parseHhMm(window.from) as number;
    const to = parseHhMm(window.to) as number;
    if (from < to) return window.day === weekday && wall.minutes >= from && wall.minutes < to;
    return (window.day === weekday && wall.minutes >= from) || (window.day === yesterday && wall.minutes < to);
  });
}

import { createNmeaFixAssembler, type NmeaAssembly } from '../../../adapters/nmea/createNmeaFixAssembler';
import {
  parseNmeaSentence,
  type GgaSentence,
  type NmeaParseResult,
  type RmcSentence,
} from '../../../adapters/nmea/parseNmeaSentence';
import { readReferenceLines } from '../avl/avlFixtures';

function tally(results: readonly NmeaParseResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const key = !result.ok
      ? `rejected:${result.reason}`
      : 'sentence' in result
        ? result.sentence.type
        : `ignored:${result.ignored}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const sentencesOf = <T extends 'RMC' | 'GGA'>(results: readonly NmeaParseResult[], type: T) =>
  results.flatMap((r) => (r.ok && 'sentence' in r && r.sentence.type === type ? [r.sentence] : [])) as Array<
    T extends 'RMC' ? RmcSentence : GgaSentence
  >;

const fixesOf = (assemblies: readonly NmeaAssembly[]) => assemblies.flatMap((a) => (a.ok ? [a.fix] : []));

describe('NMEA reference file test.nmea (dashcam track, 2016-04-11)', () => {
  const lines = readReferenceLines('test.nmea');
  const results = lines.map(parseNmeaSentence);

  it('accepts 360 RMC and 360 GGA, ignores VTG/GSV/GSA, rejects the 360 $GSENSORD lines as missing-checksum', () => {
    expect(lines).toHaveLength(3201);
    expect(tally(results)).toEqual({
      RMC: 360,
      GGA: 360,
      'ignored:VTG': 357, // missing from 3 epochs
      'ignored:GSA': 324, // missing from 36 epochs
      'ignored:GSV': 1440,
      'rejected:missing-checksum': 360,
    });
    lines.forEach((line, i) => {
      if (line.startsWith('$GSENSORD')) expect(results[i]).toMatchObject({ ok: false, reason: 'missing-checksum' });
    });
  });

  it('has 360 one-second epochs from 14:19:17 to 14:25:16 UTC, 22 without a course, speeds 0.02–23.2 kn, mode A', () => {
    const rmc = sentencesOf(results, 'RMC');
    const seconds = rmc.map((s) => s.timeOfDayMs / 1000);
    expect(seconds[0]).toBe(14 * 3600 + 19 * 60 + 17);
    expect(seconds[359]).toBe(14 * 3600 + 25 * 60 + 16);
    expect(new Set(seconds).size).toBe(360);
    expect(rmc.every((s) => s.date.year === 2016 && s.date.month === 4 && s.date.day === 11 && s.mode === 'A')).toBe(true);
    expect(rmc.filter((s) => s.courseDegrees === null)).toHaveLength(22);
    const speeds = rmc.map((s) => s.speedKnots ?? Number.NaN);
    // The README rounds these to 0.02 and 23.2.
    expect(Math.min(...speeds)).toBe(0.016);
    expect(Math.max(...speeds)).toBe(23.213);
  });

  it('decodes the first epoch as computed by hand', () => {
    // $GPRMC,141917.00,A,6001.31475,N,03013.95043,E,18.692,149.70,110416,,,A*50
    const [rmc] = sentencesOf(results, 'RMC');
    expect(rmc).toEqual({
      type: 'RMC',
      talker: 'GP',
      timeOfDayMs: (14 * 3600 + 19 * 60 + 17) * 1000,
      date: { year: 2016, month: 4, day: 11 },
      point: { lat: expect.any(Number), lon: expect.any(Number) },
      speedKnots: 18.692,
      courseDegrees: 149.7,
      magneticVariationDegrees: null,
      mode: 'A',
    });
    expect(Math.abs(rmc!.point.lat - 60.0219125)).toBeLessThan(1e-12); // 60 + 1.31475/60
    expect(Math.abs(rmc!.point.lon - 30.2325071666667)).toBeLessThan(1e-12); // 30 + 13.95043/60
    // $GPGGA,141917.00,6001.31475,N,03013.95043,E,1,08,1.06,1.5,M,15.9,M,,*58
    const [gga] = sentencesOf(results, 'GGA');
    expect(gga).toMatchObject({
      fixQuality: 1,
      satellites: 8,
      hdop: 1.06,
      altitudeMeters: 1.5,
      geoidSeparationMeters: 15.9,
    });
    expect(gga!.point).toEqual(rmc!.point);
  });

  it('assembles 360 fixes, one per second, each RMC paired with its GGA', () => {
    const assembler = createNmeaFixAssembler();
    const out = results.flatMap((r) => (r.ok && 'sentence' in r ? assembler.accept('dashcam', r.sentence) : []));
    const fixes = fixesOf([...out, ...assembler.flush()]);
    expect(fixes).toHaveLength(360);
    expect(out.every((a) => a.ok)).toBe(true);
    expect(fixes[0]).toEqual({
      deviceId: 'dashcam',
      point: { lat: expect.closeTo(60.0219125, 12), lon: expect.closeTo(30.2325071666667, 12) },
      headingDegrees: 149.7,
      speedKph: expect.closeTo(18.692 * 1.852, 12),
      fixAt: '2016-04-11T14:19:17.000Z',
      altitudeMeters: 1.5,
      fixQuality: 1,
      satellites: 8,
    });
    expect(fixes[359]?.fixAt).toBe('2016-04-11T14:25:16.000Z');
    expect(fixes.every((f) => f.altitudeMeters !== undefined && f.satellites !== undefined)).toBe(true);
    const times = fixes.map((f) => Date.parse(f.fixAt));
    expect(times.slice(1).every((t, i) => t - times[i]! === 1000)).toBe(true);
  });
});

describe('NMEA reference file garmin48.log (Garmin 48, 2001-06-06)', () => {
  const lines = readReferenceLines('garmin48.log');
  const results = lines.map(parseNmeaSentence);

  it('rejects the 14 comment lines as no-start and the one truncated GPGSV, accepts its repeat', () => {
    expect(lines).toHaveLength(106);
    expect(tally(results)).toEqual({
      'rejected:no-start': 14,
      'rejected:truncated': 1,
      RMC: 7,
      GGA: 7,
      'ignored:RMB': 7,
      'ignored:GSA': 7,
      'ignored:GSV': 21,
      'ignored:GLL': 7,
      'ignored:BOD': 7,
      'ignored:RTE': 7,
      'ignored:PGRME': 7,
      'ignored:PGRMZ': 7,
      'ignored:PGRMM': 7,
    });
    const truncated = lines.findIndex((l) => l.endsWith('*7\r'));
    expect(truncated).toBe(83); // line 84
    expect(results[truncated]).toMatchObject({ ok: false, reason: 'truncated' });
    expect(lines[truncated + 1]).toBe(`${lines[truncated]!.slice(0, -1)}0\r`);
    expect(results[truncated + 1]).toEqual({ ok: true, ignored: 'GSV' });
  });

  it('decodes 4527.458 S 16709.165 E exactly, with 3-decimal minutes and no time fraction', () => {
    const [rmc] = sentencesOf(results, 'RMC');
    // -(45 + 27.458/60) and 167 + 9.165/60
    expect(Math.abs(rmc!.point.lat - -45.4576333333333)).toBeLessThan(1e-12);
    expect(Math.abs(rmc!.point.lon - 167.15275)).toBeLessThan(1e-12);
    expect(rmc).toMatchObject({
      timeOfDayMs: (22 * 3600 + 53 * 60 + 8) * 1000,
      date: { year: 2001, month: 6, day: 6 },
      speedKnots: 0,
      courseDegrees: 94.5,
      magneticVariationDegrees: 24.1,
      mode: null,
    });
    const [gga] = sentencesOf(results, 'GGA');
    expect(gga).toMatchObject({ fixQuality: 1, satellites: 5, hdop: 2.1, altitudeMeters: 14.7, geoidSeparationMeters: 1.1 });
  });

  it('assembles 7 stationary fixes, with the gap after 22:53:18', () => {
    const assembler = createNmeaFixAssembler();
    const out = results.flatMap((r) => (r.ok && 'sentence' in r ? assembler.accept('garmin', r.sentence) : []));
    const fixes = fixesOf([...out, ...assembler.flush()]);
    // RMC times jump 22:53:18 → 22:53:34 (the README's 15-second gap is counted on GLL, 1 s ahead).
    expect(fixes.map((f) => f.fixAt.slice(11, 19))).toEqual([
      '22:53:08',
      '22:53:10',
      '22:53:12',
      '22:53:14',
      '22:53:16',
      '22:53:18',
      '22:53:34',
    ]);
    expect(fixes).toHaveLength(7);
    expect(fixes.every((f) => f.speedKph === 0 && f.fixQuality === 1 && f.fixAt.startsWith('2001-06-06T'))).toBe(true);
  });
});

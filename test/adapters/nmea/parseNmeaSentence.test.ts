import fc from 'fast-check';
import {
  MAX_NMEA_LINE_LENGTH,
  NMEA_REJECT_REASONS,
  parseNmeaSentence,
  type NmeaParseResult,
  type NmeaRejectReason,
} from '../../../adapters/nmea/parseNmeaSentence';
import { nmea, readReferenceLines, xorHex } from '../avl/avlFixtures';

/** Fixed seed: property runs are reproducible (STYLE 12). */
const SEED = 20_261_123;
const REASONS = Object.keys(NMEA_REJECT_REASONS);

const RMC_BODY = 'GPRMC,225308,A,4527.458,S,16709.165,E,000.0,094.5,060601,024.1,E';
const GGA_BODY = 'GPGGA,225308,4527.458,S,16709.165,E,1,05,2.1,14.7,M,1.1,M,,';
/** Replaces data field `index` (1-based after the address) of a comma-separated body. */
const withField = (body: string, index: number, value: string): string =>
  body
    .split(',')
    .map((field, i) => (i === index ? value : field))
    .join(',');

function expectRejected(result: NmeaParseResult, reason: NmeaRejectReason): void {
  expect(result).toEqual({ ok: false, reason, detail: expect.any(String) });
}

/** The invariant every result must satisfy: no throw (the caller got here), and a known reason. */
function isWellFormed(result: NmeaParseResult): boolean {
  if (!result.ok) return REASONS.includes(result.reason) && typeof result.detail === 'string' && result.detail !== '';
  return 'sentence' in result ? ['RMC', 'GGA'].includes(result.sentence.type) : /^[A-Z0-9]+$/.test(result.ignored);
}

describe('parseNmeaSentence: accepted', () => {
  it('decodes RMC from any talker and accepts a lowercase checksum', () => {
    for (const talker of ['GP', 'GN', 'GL', 'GA', 'BD', 'GB']) {
      const body = RMC_BODY.replace('GPRMC', `${talker}RMC`);
      const lower = `$${body}*${xorHex(body).toLowerCase()}`;
      const result = parseNmeaSentence(lower);
      expect(result).toMatchObject({ ok: true, sentence: { type: 'RMC', talker } });
    }
  });

  it('decodes time fractions to whole milliseconds, and two-digit years in 1980–2079', () => {
    const at = (time: string, date = '060601') =>
      parseNmeaSentence(nmea(withField(withField(RMC_BODY, 1, time), 9, date)));
    expect(at('225308.5')).toMatchObject({ sentence: { timeOfDayMs: 82_388_500 } });
    expect(at('225308.123456')).toMatchObject({ sentence: { timeOfDayMs: 82_388_123 } });
    expect(at('000000.00')).toMatchObject({ sentence: { timeOfDayMs: 0 } });
    expect(at('235959.999')).toMatchObject({ sentence: { timeOfDayMs: 86_399_999 } });
    expect(at('225308', '010180')).toMatchObject({ sentence: { date: { year: 1980, month: 1, day: 1 } } });
    expect(at('225308', '311279')).toMatchObject({ sentence: { date: { year: 2079, month: 12, day: 31 } } });
    expect(at('225308', '290220')).toMatchObject({ sentence: { date: { year: 2020, month: 2, day: 29 } } });
  });

  it('converts ddmm.mmmm exactly, including the poles, the antimeridian and high-precision minutes', () => {
    const point = (lat: string, ns: string, lon: string, ew: string) => {
      const result = parseNmeaSentence(nmea(`GNRMC,120000,A,${lat},${ns},${lon},${ew},0.0,,010124,,,A`));
      if (!result.ok || !('sentence' in result)) throw new Error(`not decoded: ${JSON.stringify(result)}`);
      return result.sentence.point;
    };
    expect(point('9000.0000', 'N', '18000.0000', 'W')).toEqual({ lat: 90, lon: -180 });
    expect(point('0000.0000', 'S', '00000.0000', 'W')).toEqual({ lat: 0, lon: 0 }); // no -0
    expect(point('3330.00', 'N', '11150', 'W')).toEqual({ lat: 33.5, lon: -111.83333333333333 }); // -(111 + 50/60)
    const fine = point('4527.4580123', 'S', '16709.1650999', 'E');
    expect(Math.abs(fine.lat - -(45 + 27.4580123 / 60))).toBeLessThan(1e-12);
    expect(Math.abs(fine.lon - (167 + 9.1650999 / 60))).toBeLessThan(1e-12);
  });

  it('takes empty speed and course as null, and NMEA 2.3 / 4.1 trailing fields', () => {
    expect(parseNmeaSentence(nmea('GPRMC,141917.00,A,6001.31475,N,03013.95043,E,,,110416,,,A'))).toMatchObject({
      sentence: { speedKnots: null, courseDegrees: null, mode: 'A', magneticVariationDegrees: null },
    });
    expect(parseNmeaSentence(nmea('GNRMC,141917.00,A,6001.31475,N,03013.95043,E,1.5,10.0,110416,3.5,W,D,S'))).toMatchObject({
      sentence: { mode: 'D', magneticVariationDegrees: -3.5 },
    });
    // NMEA 2.0 and earlier receivers may stop after the date.
    expect(parseNmeaSentence(nmea('GPRMC,141917,A,6001.31475,N,03013.95043,E,1.5,10.0,110416'))).toMatchObject({
      sentence: { mode: null },
    });
  });

  it('decodes GGA with empty optional fields', () => {
    expect(parseNmeaSentence(nmea('GNGGA,001043.00,4404.14036,N,12118.85961,W,4,12,0.98,-12.3,M,,,1.0,0000'))).toEqual({
      ok: true,
      sentence: {
        type: 'GGA',
        talker: 'GN',
        timeOfDayMs: 643_000,
        point: { lat: 44 + 4.14036 / 60, lon: -(121 + 18.85961 / 60) },
        fixQuality: 4,
        satellites: 12,
        hdop: 0.98,
        altitudeMeters: -12.3,
        geoidSeparationMeters: null,
      },
    });
    expect(parseNmeaSentence(nmea('GPGGA,120000,3330.000,N,11150.000,W,6,,,,'))).toMatchObject({
      sentence: { fixQuality: 6, satellites: null, hdop: null, altitudeMeters: null },
    });
  });

  it('ignores well-formed sentences of other types, naming the formatter or the proprietary address', () => {
    const gsv = '$GPGSV,3,3,11,25,20,108,00,27,08,281,00,28,17,339,39,,,,*4C\r\n';
    expect(parseNmeaSentence(gsv)).toEqual({ ok: true, ignored: 'GSV' });
    expect(parseNmeaSentence('$PGRMM,WGS 84*06')).toEqual({ ok: true, ignored: 'PGRMM' });
    expect(parseNmeaSentence(nmea('PUBX,00,081350.00,4717.113210,N'))).toEqual({ ok: true, ignored: 'PUBX' });
    expect(parseNmeaSentence(nmea('GPVTG,149.70,T,,M,18.692,N,34.618,K,A'))).toEqual({ ok: true, ignored: 'VTG' });
  });

  it(`accepts up to ${MAX_NMEA_LINE_LENGTH} characters and trims CR/LF at both ends only`, () => {
    const body = `PXXX,${'9'.repeat(MAX_NMEA_LINE_LENGTH - 9)}`;
    expect(nmea(body)).toHaveLength(MAX_NMEA_LINE_LENGTH);
    expect(parseNmeaSentence(`\r\n${nmea(body)}\r\n`)).toEqual({ ok: true, ignored: 'PXXX' });
    expectRejected(parseNmeaSentence(nmea(`${body}9`)), 'too-long');
  });
});

describe('parseNmeaSentence: rejected', () => {
  it.each<[string, string, NmeaRejectReason]>([
    ['an empty line', '', 'no-start'],
    ['CR LF only', '\r\n', 'no-start'],
    ['a comment', '# Name: Garmin 48', 'no-start'],
    ['a TAIP message', '>RPV15714+3739438-1220384601512612;ID=1234;*7F<', 'no-start'],
    ['leading spaces', `  ${nmea(RMC_BODY)}`, 'no-start'],
    ['only $', '$', 'missing-checksum'],
    ['$GSENSORD without checksum', '$GSENSORD,-0.120,-0.060,0.060\r\n', 'missing-checksum'],
    ['a cut-off sentence', '$GPRMC,225308,A,4527.4', 'missing-checksum'],
    ['only $*', '$*', 'truncated'],
    ['a one-digit checksum', nmea(RMC_BODY).slice(0, -1), 'truncated'],
    ['a wrong checksum', `$${RMC_BODY}*00`, 'bad-checksum'],
    ['a non-hex checksum', `$${RMC_BODY}*6G`, 'bad-checksum'],
    ['a three-digit checksum', `${nmea(RMC_BODY)}0`, 'bad-checksum'],
    ['text after the checksum', `${nmea(RMC_BODY)} junk`, 'bad-checksum'],
    ['a 2000-character line', `$${'A'.repeat(2000)}`, 'too-long'],
    ['$*00 (empty address)', '$*00', 'bad-field'],
    ['a lowercase address', nmea('gprmc,225308,A'), 'bad-field'],
    ['an over-long address', nmea('GSENSORD,-0.120,-0.060,0.060'), 'bad-field'],
    ['a non-ASCII character with a matching checksum', nmea(`${RMC_BODY},é`), 'bad-field'],
    ['a control character with a matching checksum', nmea(`${RMC_BODY}\t`), 'bad-field'],
    ['a reserved ! inside', nmea(`${RMC_BODY}!`), 'bad-field'],
    ['RMC with 8 fields', nmea('GPRMC,225308,A,4527.458,S,16709.165,E,000.0,094.5'), 'truncated'],
    ['GGA with 9 fields', nmea('GPGGA,225308,4527.458,S,16709.165,E,1,05,2.1,14.7'), 'truncated'],
    ['RMC status V (empty fields)', nmea('GPRMC,,V,,,,,,,,,,N'), 'no-fix'],
    ['RMC status V with a stale position', nmea(withField(RMC_BODY, 2, 'V')), 'no-fix'],
    ['RMC status A but mode N', nmea(`${RMC_BODY},N`), 'no-fix'],
    ['GGA quality 0', nmea('GPGGA,225308,,,,,0,00,,,M,,M,,'), 'no-fix'],
    ['RMC status X', nmea(withField(RMC_BODY, 2, 'X')), 'bad-field'],
    ['RMC mode Z', nmea(`${RMC_BODY},Z`), 'bad-field'],
    ['an empty RMC time', nmea(withField(RMC_BODY, 1, '')), 'bad-field'],
    ['a short time', nmea(withField(RMC_BODY, 1, '2253')), 'bad-field'],
    ['latitude without leading zero', nmea(withField(RMC_BODY, 3, '527.458')), 'bad-field'],
    ['latitude with a letter', nmea(withField(RMC_BODY, 3, '45a7.458')), 'bad-field'],
    ['longitude with 2 degree digits', nmea(withField(RMC_BODY, 5, '6709.165')), 'bad-field'],
    ['hemisphere X', nmea(withField(RMC_BODY, 4, 'X')), 'bad-field'],
    ['an empty hemisphere', nmea(withField(RMC_BODY, 6, '')), 'bad-field'],
    ['a negative speed', nmea(withField(RMC_BODY, 7, '-1.0')), 'bad-field'],
    ['a course 1e2', nmea(withField(RMC_BODY, 8, '1e2')), 'bad-field'],
    ['an empty date', nmea(withField(RMC_BODY, 9, '')), 'bad-field'],
    ['a four-digit year', nmea(withField(RMC_BODY, 9, '06062001')), 'bad-field'],
    ['magnetic variation without side', nmea(withField(RMC_BODY, 11, '')), 'bad-field'],
    ['GGA quality X', nmea(withField(GGA_BODY, 6, 'X')), 'bad-field'],
    ['GGA altitude in feet', nmea(withField(GGA_BODY, 10, 'F')), 'bad-field'],
    ['GGA satellites "5a"', nmea(withField(GGA_BODY, 7, '5a')), 'bad-field'],
    ['latitude 91°', nmea(withField(RMC_BODY, 3, '9100.000')), 'out-of-range'],
    ['latitude 90° 00.001′', nmea(withField(RMC_BODY, 3, '9000.001')), 'out-of-range'],
    ['longitude 180° 00.001′', nmea(withField(RMC_BODY, 5, '18000.001')), 'out-of-range'],
    ['longitude 999°', nmea(withField(RMC_BODY, 5, '99909.165')), 'out-of-range'],
    ['60 minutes', nmea(withField(RMC_BODY, 3, '4560.000')), 'out-of-range'],
    ['hour 24', nmea(withField(RMC_BODY, 1, '240000')), 'out-of-range'],
    ['minute 60', nmea(withField(RMC_BODY, 1, '226000')), 'out-of-range'],
    ['leap second 60', nmea(withField(RMC_BODY, 1, '235960')), 'out-of-range'],
    ['31 April', nmea(withField(RMC_BODY, 9, '310401')), 'out-of-range'],
    ['29 February 2019', nmea(withField(RMC_BODY, 9, '290219')), 'out-of-range'],
    ['day 0', nmea(withField(RMC_BODY, 9, '000601')), 'out-of-range'],
    ['month 13', nmea(withField(RMC_BODY, 9, '061301')), 'out-of-range'],
    ['course 360.1', nmea(withField(RMC_BODY, 8, '360.1')), 'out-of-range'],
    ['magnetic variation 181', nmea(withField(RMC_BODY, 10, '181.0')), 'out-of-range'],
    ['GGA quality 9', nmea(withField(GGA_BODY, 6, '9')), 'out-of-range'],
    ['GGA latitude 95°', nmea(withField(GGA_BODY, 2, '9500.000')), 'out-of-range'],
  ])('rejects %s', (_, line, reason) => {
    expectRejected(parseNmeaSentence(line), reason);
  });
});

// ---- properties -----------------------------------------------------------------------------

/** Every line of both reference files that parses (RMC, GGA and ignored types), without CR/LF. */
const VALID_LINES = [...readReferenceLines('test.nmea').slice(0, 120), ...readReferenceLines('garmin48.log')]
  .map((line) => line.replace(/\r$/, ''))
  .filter((line) => parseNmeaSentence(line).ok);
const POSITION_LINES = VALID_LINES.filter((line) => /^\$..(RMC|GGA),/.test(line));

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const pad = (value: number, width: number) => String(value).padStart(width, '0');
/** Whole milliseconds in a fraction-of-second digit string, by float arithmetic (the adapter slices digits). */
const millisOf = (fraction: string) => Math.floor(Number.parseFloat(`0.${fraction}0`) * 1000 + 1e-6);

/**
 * An independent reading of a checksummed RMC/GGA line (parseFloat arithmetic, not the
 * adapter's integer method), to compare whatever the parser accepts with what the text says.
 */
function oracle(line: string): Record<string, number | null> {
  const fields = line.slice(1, line.lastIndexOf('*')).split(',');
  const field = (i: number) => fields[i] ?? '';
  const type = field(0).slice(2);
  const [time, lat, ns, lon, ew] = type === 'RMC' ? [1, 3, 4, 5, 6].map(field) : [1, 2, 3, 4, 5].map(field);
  const angle = (text: string, negative: boolean) => {
    const value = Number.parseFloat(text);
    const degrees = Math.floor(value / 100);
    const decimal = degrees + (value - degrees * 100) / 60;
    return negative ? -decimal : decimal;
  };
  const clock = Number.parseFloat(time ?? '');
  const whole = Math.floor(clock);
  const fraction = (time ?? '').split('.')[1] ?? '';
  const timeOfDayMs =
    (Math.floor(whole / 10000) * 3600 + (Math.floor(whole / 100) % 100) * 60 + (whole % 100)) * 1000 + millisOf(fraction);
  const optional = (text: string) => (text === '' ? null : Number.parseFloat(text));
  return {
    timeOfDayMs,
    lat: angle(lat ?? '', ns === 'S'),
    lon: angle(lon ?? '', ew === 'W'),
    ...(type === 'RMC'
      ? {
          speedKnots: optional(field(7)),
          courseDegrees: optional(field(8)),
          day: Number(field(9).slice(0, 2)),
          month: Number(field(9).slice(2, 4)),
        }
      : { fixQuality: Number(field(6)), satellites: optional(field(7)), altitudeMeters: optional(field(9)) }),
  };
}

function matchesOracle(result: NmeaParseResult, line: string): boolean {
  if (!result.ok || !('sentence' in result)) return true;
  const expected = oracle(line);
  const { sentence } = result;
  const actual: Record<string, number | null> = {
    timeOfDayMs: sentence.timeOfDayMs,
    lat: sentence.point.lat,
    lon: sentence.point.lon,
    ...(sentence.type === 'RMC'
      ? {
          speedKnots: sentence.speedKnots,
          courseDegrees: sentence.courseDegrees,
          day: sentence.date.day,
          month: sentence.date.month,
        }
      : { fixQuality: sentence.fixQuality, satellites: sentence.satellites, altitudeMeters: sentence.altitudeMeters }),
  };
  return Object.keys(expected).every((key) => {
    const [a, b] = [actual[key], expected[key]];
    return a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-9);
  });
}

describe('parseNmeaSentence: properties', () => {
  it('round-trips generated RMC sentences exactly (500 runs)', () => {
    const rmc = fc.record({
      talker: fc.constantFrom('GP', 'GN', 'GL', 'GA', 'BD'),
      h: fc.integer({ min: 0, max: 23 }),
      m: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 59 }),
      fraction: digits(0, 6),
      latDeg: fc.integer({ min: 0, max: 89 }),
      latMin: fc.integer({ min: 0, max: 59 }),
      latFrac: digits(1, 8),
      south: fc.boolean(),
      lonDeg: fc.integer({ min: 0, max: 179 }),
      lonMin: fc.integer({ min: 0, max: 59 }),
      lonFrac: digits(1, 8),
      west: fc.boolean(),
      speed: fc.option(fc.integer({ min: 0, max: 99_999 }), { nil: null }),
      course: fc.option(fc.integer({ min: 0, max: 3599 }), { nil: null }),
      date: fc.date({ min: new Date('1980-01-01T00:00:00Z'), max: new Date('2079-12-31T00:00:00Z'), noInvalidDate: true }),
    });
    fc.assert(
      fc.property(rmc, (g) => {
        const time = `${pad(g.h, 2)}${pad(g.m, 2)}${pad(g.s, 2)}${g.fraction ? `.${g.fraction}` : ''}`;
        const { date: d } = g;
        const date = `${pad(d.getUTCDate(), 2)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCFullYear() % 100, 2)}`;
        const line = nmea(
          [
            `${g.talker}RMC`,
            time,
            'A',
            `${pad(g.latDeg, 2)}${pad(g.latMin, 2)}.${g.latFrac}`,
            g.south ? 'S' : 'N',
            `${pad(g.lonDeg, 3)}${pad(g.lonMin, 2)}.${g.lonFrac}`,
            g.west ? 'W' : 'E',
            g.speed === null ? '' : (g.speed / 10).toFixed(1),
            g.course === null ? '' : (g.course / 10).toFixed(1),
            date,
            '',
            '',
            'A',
          ].join(','),
        );
        const result = parseNmeaSentence(line);
        if (!result.ok || !('sentence' in result) || result.sentence.type !== 'RMC') return false;
        const { sentence } = result;
        const lat = g.latDeg + Number(`${g.latMin}.${g.latFrac}`) / 60;
        const lon = g.lonDeg + Number(`${g.lonMin}.${g.lonFrac}`) / 60;
        return (
          sentence.talker === g.talker &&
          sentence.timeOfDayMs === ((g.h * 60 + g.m) * 60 + g.s) * 1000 + millisOf(g.fraction) &&
          Math.abs(sentence.point.lat - (g.south ? -lat : lat)) < 1e-9 &&
          Math.abs(sentence.point.lon - (g.west ? -lon : lon)) < 1e-9 &&
          sentence.speedKnots === (g.speed === null ? null : g.speed / 10) &&
          sentence.courseDegrees === (g.course === null ? null : g.course / 10) &&
          sentence.date.year === g.date.getUTCFullYear() &&
          sentence.date.month === g.date.getUTCMonth() + 1 &&
          sentence.date.day === g.date.getUTCDate() &&
          matchesOracle(result, line)
        );
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('a single changed character never yields a different result: it is rejected, or decodes identically (800 runs)', () => {
    const anyChar = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.constantFrom(...'0123456789ABCDEFabcdef,.*$!\r\n'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...VALID_LINES), fc.nat(), anyChar, (line, at, replacement) => {
        const index = at % line.length;
        if (line[index] === replacement) return true;
        const corrupted = line.slice(0, index) + replacement + line.slice(index + 1);
        const result = parseNmeaSentence(corrupted);
        if (!isWellFormed(result)) return false;
        const star = line.lastIndexOf('*');
        if (index === 0) return !result.ok && result.reason === 'no-start';
        if (index < star) return !result.ok && result.reason === 'bad-checksum';
        if (index === star) return !result.ok;
        // In the checksum digits: the same digit in the other case is the same sentence; anything else is rejected.
        return result.ok ? JSON.stringify(result) === JSON.stringify(parseNmeaSentence(line)) : true;
      }),
      { seed: SEED, numRuns: 800 },
    );
  });

  it('a truncated sentence is rejected as no-start, missing-checksum or truncated, by where it was cut (400 runs)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID_LINES), fc.nat(), (line, at) => {
        const cut = at % line.length;
        const result = parseNmeaSentence(line.slice(0, cut));
        const star = line.lastIndexOf('*');
        const expected: NmeaRejectReason = cut === 0 ? 'no-start' : cut <= star ? 'missing-checksum' : 'truncated';
        return !result.ok && result.reason === expected;
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('a corruption with a recomputed checksum decodes to what the corrupted text says, or is rejected (1000 runs)', () => {
    let decoded = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...POSITION_LINES),
        // Mostly digits, so that many corruptions stay decodable.
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...'0123456789'.repeat(4), ...'.,-+ ANSEWVDMX')), {
          minLength: 1,
          maxLength: 3,
        }),
        (line, edits) => {
          let body = line.slice(1, line.lastIndexOf('*'));
          for (const [at, char] of edits) {
            const index = 6 + (at % Math.max(1, body.length - 6)); // keep the address
            body = body.slice(0, index) + char + body.slice(index + 1);
          }
          const corrupted = nmea(body);
          const result = parseNmeaSentence(corrupted);
          if (result.ok && 'sentence' in result) decoded += 1;
          return isWellFormed(result) && matchesOracle(result, corrupted);
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
    expect(decoded).toBeGreaterThan(100); // the property did exercise accepted corruptions
  });

  it('out-of-range latitude, longitude, time and date with valid checksums are rejected as out-of-range (400 runs)', () => {
    const bad = fc.oneof(
      fc.integer({ min: 91, max: 99 }).map((d) => withField(RMC_BODY, 3, `${d}00.000`)),
      fc.integer({ min: 60, max: 99 }).map((m) => withField(RMC_BODY, 3, `45${m}.000`)),
      fc.integer({ min: 181, max: 999 }).map((d) => withField(RMC_BODY, 5, `${pad(d, 3)}00.000`)),
      fc.integer({ min: 60, max: 99 }).map((m) => withField(GGA_BODY, 4, `167${m}.165`)),
      fc.integer({ min: 24, max: 99 }).map((h) => withField(RMC_BODY, 1, `${h}0000`)),
      fc.integer({ min: 60, max: 99 }).map((s) => withField(GGA_BODY, 1, `2253${s}`)),
      fc.integer({ min: 32, max: 99 }).map((d) => withField(RMC_BODY, 9, `${d}0601`)),
      fc.integer({ min: 13, max: 99 }).map((m) => withField(RMC_BODY, 9, `06${m}01`)),
    );
    fc.assert(
      fc.property(bad, (body) => {
        const result = parseNmeaSentence(nmea(body));
        return !result.ok && result.reason === 'out-of-range';
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('arbitrary input never throws and always ends in a known reason (1500 runs)', () => {
    const input = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }).map((s) => `$${s}`),
      fc.string({ unit: fc.constantFrom(...'$*,.0123456789ABCDEFGNPRSVW\r\n'), maxLength: 130 }),
      fc.string({ unit: 'binary-ascii', maxLength: 118 }).map((s) => nmea(s)),
      fc.string({ unit: 'binary-ascii', minLength: MAX_NMEA_LINE_LENGTH, maxLength: 5000 }).map((s) => `$${s}`),
    );
    fc.assert(
      fc.property(input, (line) => {
        const result = parseNmeaSentence(line);
        if (!isWellFormed(result)) return false;
        const trimmed = line.replace(/^[\r\n]+|[\r\n]+$/g, '');
        const tooLong = trimmed.startsWith('$') && trimmed.length > MAX_NMEA_LINE_LENGTH;
        if (tooLong) return !result.ok && result.reason === 'too-long';
        return true;
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('a megabyte of line breaks or of text is rejected quickly', () => {
    const started = Date.now();
    expectRejected(parseNmeaSentence(`${'\r\n'.repeat(500_000)}x`), 'no-start');
    expectRejected(parseNmeaSentence(`$${'\n'.repeat(500_000)}x`), 'too-long');
    expectRejected(parseNmeaSentence(`$${'A,'.repeat(500_000)}*00`), 'too-long');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

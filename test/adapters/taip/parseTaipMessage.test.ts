import fc from 'fast-check';
import {
  MAX_TAIP_MESSAGE_LENGTH,
  TAIP_REJECT_REASONS,
  parseTaipMessage,
  type TaipParseResult,
  type TaipRejectReason,
} from '../../../adapters/taip/parseTaipMessage';
import { taip, xorHex } from '../avl/avlFixtures';

const SEED = 20_261_123;
const REASONS = Object.keys(TAIP_REJECT_REASONS);

/** The worked example of Trimble's TAIP reference: checksum 7F over `>` … `*`. */
const SPEC_EXAMPLE = '>RPV15714+3739438-1220384601512612;ID=1234;*7F<';

interface RpvFields {
  readonly time: number;
  /** Latitude and longitude in 1e-5 degree units (signed integers), as RPV carries them. */
  readonly lat: number;
  readonly lon: number;
  readonly speed: number;
  readonly heading: number;
  readonly source: number;
  readonly age: number;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const signedPad = (value: number, width: number) => `${value < 0 ? '-' : '+'}${pad(Math.abs(value), width)}`;
/** RPV data: time(5) lat(±7) lon(±8) speed(3) heading(3) source(1) age(1) = 30 characters. */
const rpvData = (f: RpvFields): string =>
  `${pad(f.time, 5)}${signedPad(f.lat, 7)}${signedPad(f.lon, 8)}${pad(f.speed, 3)}${pad(f.heading, 3)}${f.source}${f.age}`;

const SYDNEY: RpvFields = { time: 43_200, lat: -3_386_785, lon: 15_120_732, speed: 42, heading: 270, source: 3, age: 2 };
const BUENOS_AIRES: RpvFields = { time: 1, lat: -3_460_365, lon: -5_838_146, speed: 0, heading: 0, source: 1, age: 1 };

function expectRejected(result: TaipParseResult, reason: TaipRejectReason): void {
  expect(result).toEqual({ ok: false, reason, detail: expect.any(String) });
}

const isWellFormed = (result: TaipParseResult): boolean =>
  result.ok ? true : REASONS.includes(result.reason) && typeof result.detail === 'string' && result.detail !== '';

describe('parseTaipMessage: accepted', () => {
  it('reproduces the checksum of the TAIP reference example with an independent XOR', () => {
    expect(xorHex('>RPV15714+3739438-1220384601512612;ID=1234;*')).toBe('7F');
    expect(taip('RPV15714+3739438-1220384601512612;ID=1234')).toBe(SPEC_EXAMPLE);
  });

  it('decodes the reference example field by field', () => {
    expect(parseTaipMessage(`${SPEC_EXAMPLE}\r\n`)).toEqual({
      ok: true,
      message: {
        type: 'RPV',
        timeOfDaySeconds: 15_714,
        point: { lat: 37.39438, lon: -122.03846 },
        speedMph: 15,
        headingDegrees: 126,
        source: 1,
        ageOfData: 2,
        vehicleId: '1234',
        extraFields: [],
      },
    });
    expect(parseTaipMessage(SPEC_EXAMPLE.replace('*7F', '*7f')).ok).toBe(true);
  });

  it('decodes negative latitudes and longitudes exactly', () => {
    expect(parseTaipMessage(taip(`RPV${rpvData(SYDNEY)};ID=U42`))).toMatchObject({
      message: {
        point: { lat: -33.86785, lon: 151.20732 },
        speedMph: 42,
        headingDegrees: 270,
        source: 3,
        timeOfDaySeconds: 43_200,
      },
    });
    expect(parseTaipMessage(taip(`RPV${rpvData(BUENOS_AIRES)};ID=U43`))).toMatchObject({
      message: { point: { lat: -34.60365, lon: -58.38146 }, ageOfData: 1, timeOfDaySeconds: 1 },
    });
    const zero = parseTaipMessage(taip('RPV00000-0000000-0000000000000012;ID=Z'));
    expect(zero).toMatchObject({ message: { point: { lat: 0, lon: 0 } } }); // no -0
  });

  it('accepts a report without ID (vehicleId null), long IDs and extra fields', () => {
    expect(parseTaipMessage(taip(`RPV${rpvData(SYDNEY)}`))).toMatchObject({ ok: true, message: { vehicleId: null } });
    expect(parseTaipMessage(taip(`RPV${rpvData(SYDNEY)};ID=356612022463055;#LOG:DECB`))).toMatchObject({
      message: { vehicleId: '356612022463055', extraFields: ['#LOG:DECB'] },
    });
  });

  it('requires the checksum unless told the device sends none', () => {
    const bare = `>RPV${rpvData(SYDNEY)};ID=U42<`;
    expectRejected(parseTaipMessage(bare), 'missing-checksum');
    expect(parseTaipMessage(bare, { requireChecksum: false })).toMatchObject({ ok: true, message: { vehicleId: 'U42' } });
    // A checksum that is present is still checked.
    expectRejected(parseTaipMessage(`>RPV${rpvData(SYDNEY)};ID=U42;*00<`, { requireChecksum: false }), 'bad-checksum');
  });

  it('reports other well-formed messages, including RLN, as ignored', () => {
    const rln = taip('RLN15714000+37394380-122038460+00012300015+0001126810000000000012;ID=1234');
    expect(parseTaipMessage(rln)).toEqual({ ok: true, ignored: 'RLN' });
    expect(parseTaipMessage(taip('RID1234'))).toEqual({ ok: true, ignored: 'RID' });
    expect(parseTaipMessage(taip('QPV'))).toEqual({ ok: true, ignored: 'QPV' });
  });
});

describe('parseTaipMessage: rejected', () => {
  const data = rpvData(SYDNEY);
  it.each<[string, string, TaipRejectReason]>([
    ['an empty message', '', 'no-start'],
    ['an NMEA sentence', '$GPRMC,225308,A,4527.458,S,16709.165,E,000.0,094.5,060601,024.1,E*6D', 'no-start'],
    ['a message without ">"', SPEC_EXAMPLE.slice(1), 'no-start'],
    ['a message of 300 characters', taip(`RPV${data};ID=${'X'.repeat(280)}`), 'too-long'],
    ['no "<"', SPEC_EXAMPLE.slice(0, -1), 'truncated'],
    ['a one-digit checksum', '>RPV15714+3739438-1220384601512612;ID=1234;*7<', 'truncated'],
    ['an empty checksum', '>RPV15714+3739438-1220384601512612;ID=1234;*<', 'truncated'],
    ['29 data characters', taip(`RPV${data.slice(0, 29)};ID=1`), 'truncated'],
    ['a message cut after the id', '>RPV15714+37', 'truncated'],
    ['a wrong checksum', SPEC_EXAMPLE.replace('*7F', '*7E'), 'bad-checksum'],
    ['a flipped data digit', SPEC_EXAMPLE.replace('15714', '15715'), 'bad-checksum'],
    ['a non-hex checksum', SPEC_EXAMPLE.replace('*7F', '*7G'), 'bad-checksum'],
    ['a checksum not in its own field', '>RPV15714+3739438-1220384601512612;ID=1234*7F<', 'bad-checksum'],
    ['31 data characters', taip(`RPV${data}0;ID=1`), 'bad-field'],
    ['a letter in the data', taip(`RPV${data.replace('4', 'A')};ID=1`), 'bad-field'],
    ['a missing latitude sign', taip(`RPV43200 3386785+1512073204227032;ID=1`), 'bad-field'],
    ['an empty ID', taip(`RPV${data};ID=`), 'bad-field'],
    ['two IDs', taip(`RPV${data};ID=1;ID=2`), 'bad-field'],
    ['an empty field', taip(`RPV${data};;ID=1`), 'bad-field'],
    ['a lowercase message id', taip(`rpv${data};ID=1`), 'bad-field'],
    ['a non-ASCII character', taip(`RPV${data};ID=é`), 'bad-field'],
    ['a nested ">"', taip(`RPV${data};ID=1>`), 'bad-field'],
    ['time of day 86400', taip(`RPV${rpvData({ ...SYDNEY, time: 86_400 })}`), 'out-of-range'],
    ['latitude 90.00001', taip(`RPV${rpvData({ ...SYDNEY, lat: 9_000_001 })}`), 'out-of-range'],
    ['latitude -99', taip(`RPV${rpvData({ ...SYDNEY, lat: -9_900_000 })}`), 'out-of-range'],
    ['longitude 180.00001', taip(`RPV${rpvData({ ...SYDNEY, lon: -18_000_001 })}`), 'out-of-range'],
    ['heading 360', taip(`RPV${rpvData({ ...SYDNEY, heading: 360 })}`), 'out-of-range'],
    ['source 4', taip(`RPV${rpvData({ ...SYDNEY, source: 4 })}`), 'out-of-range'],
    ['source 7', taip(`RPV${rpvData({ ...SYDNEY, source: 7 })}`), 'out-of-range'],
    ['age 3', taip(`RPV${rpvData({ ...SYDNEY, age: 3 })}`), 'out-of-range'],
    ['age 0 (not available)', taip(`RPV${rpvData({ ...SYDNEY, age: 0 })};ID=1`), 'no-fix'],
  ])('rejects %s', (_, message, reason) => {
    expectRejected(parseTaipMessage(message), reason);
  });
});

describe('parseTaipMessage: properties', () => {
  const rpvFields = fc.record({
    time: fc.integer({ min: 0, max: 86_399 }),
    lat: fc.integer({ min: -9_000_000, max: 9_000_000 }),
    lon: fc.integer({ min: -18_000_000, max: 18_000_000 }),
    speed: fc.integer({ min: 0, max: 999 }),
    heading: fc.integer({ min: 0, max: 359 }),
    source: fc.constantFrom(0, 1, 2, 3, 6, 8, 9),
    age: fc.constantFrom(1, 2),
  });
  const vehicleId = fc.string({ unit: fc.constantFrom(...'ABCXYZ0123456789'), minLength: 1, maxLength: 15 });
  const validMessage = fc.tuple(rpvFields, vehicleId).map(([f, id]) => taip(`RPV${rpvData(f)};ID=${id}`));

  /** Reads the decimal text directly (`-33.86785`), not as an integer over 1e5. */
  const decimal = (units: number, integerDigits: number) => {
    const text = pad(Math.abs(units), integerDigits + 5);
    return Number(`${units < 0 ? '-' : ''}${text.slice(0, integerDigits)}.${text.slice(integerDigits)}`);
  };

  it('round-trips generated RPV reports exactly (500 runs)', () => {
    fc.assert(
      fc.property(rpvFields, vehicleId, (f, id) => {
        const result = parseTaipMessage(taip(`RPV${rpvData(f)};ID=${id}`));
        if (!result.ok || !('message' in result)) return false;
        const { message } = result;
        return (
          message.timeOfDaySeconds === f.time &&
          Object.is(message.point.lat, decimal(f.lat, 2) || 0) &&
          Object.is(message.point.lon, decimal(f.lon, 3) || 0) &&
          message.speedMph === f.speed &&
          message.headingDegrees === f.heading &&
          message.source === f.source &&
          message.ageOfData === f.age &&
          message.vehicleId === id
        );
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('a single changed character is rejected, or decodes identically (lowercase checksum digit) (800 runs)', () => {
    const anyChar = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.constantFrom(...'0123456789+-;*<>=abcdefABCDEF\r\n'),
    );
    fc.assert(
      fc.property(validMessage, fc.nat(), anyChar, (message, at, replacement) => {
        const index = at % message.length;
        if (message[index] === replacement) return true;
        const result = parseTaipMessage(message.slice(0, index) + replacement + message.slice(index + 1));
        if (!isWellFormed(result)) return false;
        return result.ok ? JSON.stringify(result) === JSON.stringify(parseTaipMessage(message)) : true;
      }),
      { seed: SEED, numRuns: 800 },
    );
  });

  it('a truncated message is always rejected as truncated (no-start when nothing is left) (400 runs)', () => {
    fc.assert(
      fc.property(validMessage, fc.nat(), (message, at) => {
        const cut = at % message.length;
        const result = parseTaipMessage(message.slice(0, cut));
        return !result.ok && result.reason === (cut === 0 ? 'no-start' : 'truncated');
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('a data corruption with a fresh checksum decodes to what the corrupted text says, or is rejected (800 runs)', () => {
    let decoded = 0;
    fc.assert(
      fc.property(rpvFields, fc.integer({ min: 0, max: 29 }), fc.constantFrom(...'0123456789+-A '), (f, at, char) => {
        const data = rpvData(f);
        const corrupted = data.slice(0, at) + char + data.slice(at + 1);
        const result = parseTaipMessage(taip(`RPV${corrupted};ID=1`));
        if (!isWellFormed(result)) return false;
        if (!result.ok || !('message' in result)) return true;
        decoded += 1;
        const { message } = result;
        const latText = corrupted.slice(5, 13);
        const lonText = corrupted.slice(13, 22);
        return (
          message.timeOfDaySeconds === Number(corrupted.slice(0, 5)) &&
          message.point.lat === (Number(`${latText.slice(0, 3)}.${latText.slice(3)}`) || 0) &&
          message.point.lon === (Number(`${lonText.slice(0, 4)}.${lonText.slice(4)}`) || 0) &&
          message.speedMph === Number(corrupted.slice(22, 25)) &&
          message.headingDegrees === Number(corrupted.slice(25, 28)) &&
          message.source === Number(corrupted[28]) &&
          message.ageOfData === Number(corrupted[29])
        );
      }),
      { seed: SEED, numRuns: 800 },
    );
    expect(decoded).toBeGreaterThan(200);
  });

  it('arbitrary input never throws and always ends in a known reason (1500 runs)', () => {
    const input = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }).map((s) => `>${s}<`),
      fc.string({ unit: fc.constantFrom(...'>RPV<;*=ID0123456789+-ABCDEF\r\n'), maxLength: 80 }),
      fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => taip(s)),
      fc.string({ unit: 'binary-ascii', minLength: MAX_TAIP_MESSAGE_LENGTH, maxLength: 5000 }).map((s) => `>${s}<`),
    );
    fc.assert(
      fc.property(input, (message) => isWellFormed(parseTaipMessage(message))),
      { seed: SEED, numRuns: 1500 },
    );
  });
});

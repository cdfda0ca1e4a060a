import { createNmeaFixAssembler, type NmeaAssembly } from '../../../adapters/nmea/createNmeaFixAssembler';
import { parseNmeaSentence, type NmeaSentence } from '../../../adapters/nmea/parseNmeaSentence';
import { nmea } from '../avl/avlFixtures';

/** Decodes a sentence body that must be a valid RMC or GGA. */
function sentence(body: string): NmeaSentence {
  const result = parseNmeaSentence(nmea(body));
  if (!result.ok || !('sentence' in result)) throw new Error(`fixture did not decode: ${JSON.stringify(result)}`);
  return result.sentence;
}

const rmc = (time: string, date = '110416', course = '149.70') =>
  sentence(`GPRMC,${time},A,6001.31475,N,03013.95043,E,18.692,${course},${date},,,A`);
const gga = (time: string, altitude = '1.5') =>
  sentence(`GPGGA,${time},6001.31475,N,03013.95043,E,1,08,1.06,${altitude},M,15.9,M,,`);
const fixes = (out: readonly NmeaAssembly[]) => out.flatMap((a) => (a.ok ? [a.fix] : []));
const fixTimes = (out: readonly NmeaAssembly[]) => fixes(out).map((f) => f.fixAt);

const POINT = { lat: 60 + 1.31475 / 60, lon: 30 + 13.95043 / 60 };

describe('createNmeaFixAssembler', () => {
  it('pairs an RMC with the GGA of the same time into one fix (RMC first)', () => {
    const assembler = createNmeaFixAssembler();
    expect(assembler.accept('car-1', rmc('141917.00'))).toEqual([]);
    expect(assembler.accept('car-1', gga('141917.00'))).toEqual([
      {
        ok: true,
        fix: {
          deviceId: 'car-1',
          point: POINT,
          headingDegrees: 149.7,
          speedKph: 18.692 * 1.852,
          fixAt: '2016-04-11T14:19:17.000Z',
          altitudeMeters: 1.5,
          fixQuality: 1,
          satellites: 8,
        },
      },
    ]);
    expect(assembler.flush()).toEqual([]);
  });

  it('pairs them when the GGA comes first, emitting at the RMC', () => {
    const assembler = createNmeaFixAssembler();
    expect(assembler.accept('car-1', gga('141917.00'))).toEqual([]);
    const out = assembler.accept('car-1', rmc('141917.00'));
    expect(fixes(out)).toEqual([
      expect.objectContaining({ fixAt: '2016-04-11T14:19:17.000Z', altitudeMeters: 1.5, speedKph: expect.any(Number) }),
    ]);
  });

  it('emits an RMC alone when the next epoch starts or on flush, with no GGA fields', () => {
    const assembler = createNmeaFixAssembler();
    assembler.accept('car-1', rmc('141917.00', '110416', ''));
    const out = assembler.accept('car-1', rmc('141918.00'));
    expect(fixes(out)).toEqual([
      { deviceId: 'car-1', point: POINT, headingDegrees: null, speedKph: 18.692 * 1.852, fixAt: '2016-04-11T14:19:17.000Z' },
    ]);
    expect(fixTimes(assembler.flush('car-1'))).toEqual(['2016-04-11T14:19:18.000Z']);
    expect(assembler.flush('car-1')).toEqual([]);
    expect(assembler.flush('never-seen')).toEqual([]);
  });

  it('drops a GGA when the device has sent no RMC to take a date from', () => {
    const assembler = createNmeaFixAssembler();
    expect(assembler.accept('car-1', gga('141917.00'))).toEqual([]);
    expect(assembler.flush()).toEqual([
      { ok: false, reason: 'undated-gga', deviceId: 'car-1', detail: expect.stringContaining('no RMC') },
    ]);
  });

  it('dates a lone GGA with the last RMC date, across midnight in either direction', () => {
    const assembler = createNmeaFixAssembler();
    assembler.accept('car-1', rmc('235959.00', '110416'));
    expect(fixTimes(assembler.accept('car-1', gga('000001.00')))).toEqual(['2016-04-11T23:59:59.000Z']);
    expect(fixTimes(assembler.flush())).toEqual(['2016-04-12T00:00:01.000Z']);

    assembler.accept('car-2', rmc('000001.00', '120416'));
    assembler.flush('car-2');
    assembler.accept('car-2', gga('235958.00'));
    expect(fixTimes(assembler.flush('car-2'))).toEqual(['2016-04-11T23:59:58.000Z']);
  });

  it('drops a lone GGA too far from the last RMC (default 10 minutes; configurable)', () => {
    const assembler = createNmeaFixAssembler();
    assembler.accept('car-1', rmc('120000'));
    const out = [...assembler.accept('car-1', gga('121001')), ...assembler.flush()];
    expect(out[0]).toMatchObject({ ok: true, fix: { fixAt: '2016-04-11T12:00:00.000Z' } });
    expect(out[1]).toMatchObject({ ok: false, reason: 'undated-gga' });

    const patient = createNmeaFixAssembler({ maxGgaDatingGapMs: 3_600_000 });
    patient.accept('car-1', rmc('120000'));
    const dated = [...patient.accept('car-1', gga('121001')), ...patient.flush()];
    expect(fixTimes(dated)).toEqual(['2016-04-11T12:00:00.000Z', '2016-04-11T12:10:01.000Z']);
  });

  it('a GGA-only fix has no heading or speed, and omits altitude and satellites when empty', () => {
    const assembler = createNmeaFixAssembler();
    assembler.accept('car-1', rmc('120000'));
    assembler.flush();
    assembler.accept('car-1', sentence('GPGGA,120001,6001.31475,N,03013.95043,E,2,,,,'));
    expect(fixes(assembler.flush())).toEqual([
      {
        deviceId: 'car-1',
        point: POINT,
        headingDegrees: null,
        speedKph: null,
        fixAt: '2016-04-11T12:00:01.000Z',
        fixQuality: 2,
      },
    ]);
  });

  it('produces nothing for a no-fix epoch: the parser rejects its RMC and GGA before the assembler', () => {
    const assembler = createNmeaFixAssembler();
    const lines = [
      nmea('GPRMC,141917.00,A,6001.31475,N,03013.95043,E,18.692,149.70,110416,,,A'),
      nmea('GPGGA,141917.00,6001.31475,N,03013.95043,E,1,08,1.06,1.5,M,15.9,M,,'),
      nmea('GPRMC,141918.00,V,,,,,,,110416,,,N'),
      nmea('GPGGA,141918.00,,,,,0,00,99.99,,,,,,'),
    ];
    const results = lines.map(parseNmeaSentence);
    expect(results.slice(2)).toEqual([
      { ok: false, reason: 'no-fix', detail: expect.any(String) },
      { ok: false, reason: 'no-fix', detail: expect.any(String) },
    ]);
    const out = results.flatMap((r) => (r.ok && 'sentence' in r ? assembler.accept('car-1', r.sentence) : []));
    expect(fixTimes([...out, ...assembler.flush()])).toEqual(['2016-04-11T14:19:17.000Z']);
  });

  it('ignores a repeat of the sentence it is holding', () => {
    const assembler = createNmeaFixAssembler();
    assembler.accept('car-1', rmc('141917.00'));
    expect(assembler.accept('car-1', rmc('141917.00'))).toEqual([]);
    expect(fixes(assembler.accept('car-1', gga('141917.00')))).toEqual([expect.objectContaining({ altitudeMeters: 1.5 })]);

    assembler.accept('car-1', gga('141918.00'));
    expect(assembler.accept('car-1', gga('141918.00'))).toEqual([]);
    expect(fixes(assembler.accept('car-1', rmc('141918.00')))).toHaveLength(1);
  });

  it('keeps devices apart, and flush() drains all of them', () => {
    const assembler = createNmeaFixAssembler();
    assembler.accept('car-1', rmc('141917.00'));
    assembler.accept('car-2', rmc('141917.00'));
    // car-2's GGA must not complete car-1's RMC
    expect(fixes(assembler.accept('car-2', gga('141917.00'))).map((f) => f.deviceId)).toEqual(['car-2']);
    expect(fixes(assembler.flush()).map((f) => [f.deviceId, f.altitudeMeters])).toEqual([['car-1', undefined]]);
  });

  it('rejects a dating window it cannot honour', () => {
    expect(() => createNmeaFixAssembler({ maxGgaDatingGapMs: -1 })).toThrow(RangeError);
    expect(() => createNmeaFixAssembler({ maxGgaDatingGapMs: 43_200_000 })).toThrow(RangeError);
    expect(() => createNmeaFixAssembler({ maxGgaDatingGapMs: Number.NaN })).toThrow(RangeError);
  });
});

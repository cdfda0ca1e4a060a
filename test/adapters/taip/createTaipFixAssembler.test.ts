import { createTaipFixAssembler } from '../../../adapters/taip/createTaipFixAssembler';
import { parseTaipMessage, type RpvReport } from '../../../adapters/taip/parseTaipMessage';
import { taip } from '../avl/avlFixtures';

/** The TAIP reference example, decoded: 15714 s = 04:21:54, 15 mph, heading 126, ID 1234. */
function report(time = '15714', id: string | null = '1234'): RpvReport {
  const result = parseTaipMessage(taip(`RPV${time}+3739438-1220384601512612${id === null ? '' : `;ID=${id}`}`));
  if (!result.ok || !('message' in result)) throw new Error(`fixture did not decode: ${JSON.stringify(result)}`);
  return result.message;
}

const clockAt = (iso: string) => () => new Date(iso);

describe('createTaipFixAssembler', () => {
  it('dates the time of day with the receive clock and converts mph to km/h', () => {
    const assembler = createTaipFixAssembler({ now: clockAt('2026-11-23T15:00:00.000Z') });
    expect(assembler.accept(report())).toEqual({
      ok: true,
      fix: {
        deviceId: '1234',
        point: { lat: 37.39438, lon: -122.03846 },
        headingDegrees: 126,
        speedKph: 15 * 1.609344,
        fixAt: '2026-11-23T04:21:54.000Z',
      },
    });
  });

  it('puts a time of day far ahead of the clock on the previous day', () => {
    const assembler = createTaipFixAssembler({ now: clockAt('2026-11-23T00:00:10.000Z') });
    expect(assembler.accept(report('86390'))).toMatchObject({ fix: { fixAt: '2026-11-22T23:59:50.000Z' } });
    expect(assembler.accept(report('00005'))).toMatchObject({ fix: { fixAt: '2026-11-23T00:00:05.000Z' } });
  });

  it('puts a time just past midnight on the next day when our clock has not reached midnight', () => {
    const assembler = createTaipFixAssembler({ now: clockAt('2026-11-23T23:59:59.500Z') });
    expect(assembler.accept(report('00000'))).toMatchObject({ fix: { fixAt: '2026-11-24T00:00:00.000Z' } });
    expect(assembler.accept(report('86399'))).toMatchObject({ fix: { fixAt: '2026-11-23T23:59:59.000Z' } });
  });

  it('allows the configured clock skew ahead (default 5 minutes), and no more', () => {
    const now = clockAt('2026-11-23T12:00:00.000Z');
    const noon = 12 * 3600;
    const lenient = createTaipFixAssembler({ now });
    expect(lenient.accept(report(String(noon + 240)))).toMatchObject({ fix: { fixAt: '2026-11-23T12:04:00.000Z' } });
    expect(lenient.accept(report(String(noon + 360)))).toMatchObject({ fix: { fixAt: '2026-11-22T12:06:00.000Z' } });
    const strict = createTaipFixAssembler({ now, maxClockSkewMs: 0 });
    expect(strict.accept(report(String(noon)))).toMatchObject({ fix: { fixAt: '2026-11-23T12:00:00.000Z' } });
    expect(strict.accept(report(String(noon + 1)))).toMatchObject({ fix: { fixAt: '2026-11-22T12:00:01.000Z' } });
  });

  it('reads the clock on every report', () => {
    let now = new Date('2026-11-23T23:59:50.000Z');
    const assembler = createTaipFixAssembler({ now: () => now });
    expect(assembler.accept(report('86385'))).toMatchObject({ fix: { fixAt: '2026-11-23T23:59:45.000Z' } });
    now = new Date('2026-11-24T00:10:00.000Z');
    expect(assembler.accept(report('00595'))).toMatchObject({ fix: { fixAt: '2026-11-24T00:09:55.000Z' } });
  });

  it('subtracts the GPS–UTC offset when the device reports GPS time, across midnight too', () => {
    const assembler = createTaipFixAssembler({ now: clockAt('2026-11-23T15:00:00.000Z'), gpsMinusUtcSeconds: 18 });
    expect(assembler.accept(report())).toMatchObject({ fix: { fixAt: '2026-11-23T04:21:36.000Z' } });
    expect(assembler.accept(report('00010'))).toMatchObject({ fix: { fixAt: '2026-11-22T23:59:52.000Z' } });
  });

  it('refuses a report with no ID unless the transport names the device; the ID field wins', () => {
    const assembler = createTaipFixAssembler({ now: clockAt('2026-11-23T15:00:00.000Z') });
    expect(assembler.accept(report('15714', null))).toEqual({ ok: false, reason: 'missing-id', detail: expect.any(String) });
    expect(assembler.accept(report('15714', null), '')).toMatchObject({ ok: false, reason: 'missing-id' });
    expect(assembler.accept(report('15714', null), 'modem-10.0.0.7')).toMatchObject({ fix: { deviceId: 'modem-10.0.0.7' } });
    expect(assembler.accept(report(), 'modem-10.0.0.7')).toMatchObject({ fix: { deviceId: '1234' } });
  });

  it('rejects a skew allowance it cannot honour', () => {
    const now = clockAt('2026-11-23T15:00:00.000Z');
    expect(() => createTaipFixAssembler({ now, maxClockSkewMs: -1 })).toThrow(RangeError);
    expect(() => createTaipFixAssembler({ now, maxClockSkewMs: 43_200_000 })).toThrow(RangeError);
  });
});

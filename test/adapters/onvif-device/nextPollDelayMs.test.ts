import fc from 'fast-check';
import { MAX_BACKOFF_FACTOR, nextPollDelayMs } from '../../../adapters/onvif-device';

describe('nextPollDelayMs', () => {
  it('keeps the interval while the device answers, then doubles per failed poll up to ten intervals', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 100, 10_000].map((failures) => nextPollDelayMs(30_000, failures))).toEqual([
      30_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000, 300_000,
    ]);
  });

  it('never shrinks as failures mount, never exceeds the cap, never drops below the interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_600_000 }), fc.nat({ max: 1_000_000 }), (interval, failures) => {
        const delay = nextPollDelayMs(interval, failures);
        expect(delay).toBeGreaterThanOrEqual(interval);
        expect(delay).toBeLessThanOrEqual(interval * MAX_BACKOFF_FACTOR);
        expect(nextPollDelayMs(interval, failures + 1)).toBeGreaterThanOrEqual(delay);
      }),
    );
  });
});

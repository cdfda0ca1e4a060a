import { createRateLimiter } from '../../../gateway/limits/createRateLimiter';

describe('createRateLimiter', () => {
  it('lets a burst through, then refuses with the wait until the next operation', () => {
    let now = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 3, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500;
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('keeps one bucket per caller', () => {
    const limiter = createRateLimiter({ perMinute: 6, burst: 1, now: () => 0 });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('refills at the sustained rate up to the burst, never beyond', () => {
    let now = 0;
    const limiter = createRateLimiter({ perMinute: 600, burst: 5, now: () => now });
    for (let index = 0; index < 5; index += 1) limiter.take('a');
    now += 60 * 60_000; // an hour of quiet still allows only the burst
    const allowed = Array.from({ length: 10 }, () => limiter.take('a').allowed).filter(Boolean).length;
    expect(allowed).toBe(5);
  });

  it('bounds its memory: forgets idle (full) buckets and the least recently seen callers', () => {
    let now = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 2, maxCallers: 100, now: () => now });
    for (let index = 0; index < 1000; index += 1) limiter.take(`caller-${index}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    now += 10_000; // every bucket has refilled: idle callers are dropped as others come
    for (let index = 0; index < 50; index += 1) limiter.take('busy');
    expect(limiter.size).toBeLessThan(100);
    // The busy caller's state survives the sweeping.
    expect(limiter.take('busy').allowed).toBe(false);
  });
});

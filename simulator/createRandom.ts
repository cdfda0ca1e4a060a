import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A seeded source of random draws; every draw advances it. */
export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks an item with probability proportional to its `weight`. */
  weighted<T extends { readonly weight: number }>(items: readonly T[]): T;
  /** Exponentially distributed with the given mean: the gap between Poisson arrivals. */
  exponential(mean: number): number;
  /** A new array with the items in random order (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[];
}

/**
 * A seeded random source over pure-rand's xoroshiro128+. `stream` selects an independent
 * sequence for the same seed (each is 2^64 draws further on), so that one part of the
 * simulation drawing more numbers does not shift what another part draws.
 */
export function createRandom(seed: number, stream = 0): Random {
  const rng = xoroshiro128plus(foldSeed(seed));
  for (let jumped = 0; jumped < stream; jumped += 1) rng.jump();

  const float = (): number => uniformFloat64(rng);
  const int = (min: number, max: number): number => uniformInt(rng, min, max);
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[int(0, items.length - 1)] as T;
  };

  return {
    float,
    int,
    pick,
    between: (min, max) => min + (max - min) * float(),
    chance: (probability) => float() < probability,
    weighted(items) {
      const total = items.reduce((sum, item) => sum + item.weight, 0);
      let remaining = float() * total;
      for (const item of items) {
        remaining -= item.weight;
        if (remaining < 0) return item;
      }
      return pick(items);
    },
    // 1 - float() is in (0, 1], so the logarithm is finite.
    exponential: (mean) => -mean * Math.log(1 - float()),
    shuffled<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i -= 1) {
        const j = int(0, i);
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    },
  };
}

/** xoroshiro128+ takes a 32-bit seed; fold the high bits in so that large seeds still differ. */
function foldSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(seed);
  return (whole >>> 0) ^ (Math.floor(whole / 2 ** 32) | 0);
}

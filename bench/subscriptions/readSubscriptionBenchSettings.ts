import type { BenchPath, ConsoleReader } from './clientProtocol';

/** What one `npm run bench:subscriptions` does, from the environment. */
export interface SubscriptionBenchSettings {
  /** Which paths to run, in order (BENCH_PATHS, comma-separated; default both). */
  readonly paths: readonly BenchPath[];
  /**
   * How the consoles read events (BENCH_CONSOLE_READER): `lean` (default) reads the measured
   * fields from each message's text and parses one in 64 in full, so that the client process is
   * not what limits the figures on a two-core machine; `graphql-ws` uses graphql-ws's client.
   */
  readonly reader: ConsoleReader;
  /** Console clients, each holding both subscriptions. */
  readonly clients: number;
  /**
   * Operators (token subjects) the gateway consoles belong to, consoles dealt out in turn
   * (BENCH_OPERATORS): the audit trail keeps one record per operator and event that carried
   * restricted data (stream URLs of `callReceived`), so this sets its write rate.
   */
  readonly operators: number;
  readonly fixesPerSecond: number;
  readonly callsPerSecond: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly unitCount: number;
  readonly cameraCount: number;
  readonly seed: number;
  /** The publisher's timer period; each tick publishes what the schedule owes. */
  readonly tickMs: number;
  /** Emits in flight beyond which the publisher skips (and counts) what it owes: the hub is behind. */
  readonly maxInFlight: number;
}

const SETTINGS = {
  clients: ['BENCH_CLIENTS', 500, 'integer'],
  operators: ['BENCH_OPERATORS', 50, 'integer'],
  fixesPerSecond: ['BENCH_FIXES_PER_SECOND', 500, 'number'],
  callsPerSecond: ['BENCH_CALLS_PER_SECOND', 2, 'number'],
  warmupSeconds: ['BENCH_WARMUP_SECONDS', 5, 'number'],
  seconds: ['BENCH_SECONDS', 20, 'number'],
  unitCount: ['BENCH_UNITS', 40, 'integer'],
  cameraCount: ['BENCH_CAMERAS', 300, 'integer'],
  seed: ['BENCH_SEED', 1, 'integer'],
  tickMs: ['BENCH_TICK_MS', 10, 'integer'],
  maxInFlight: ['BENCH_MAX_IN_FLIGHT', 5000, 'integer'],
} as const satisfies Record<Exclude<keyof SubscriptionBenchSettings, 'paths' | 'reader'>, readonly [string, number, 'integer' | 'number']>;

const ALL_PATHS: readonly BenchPath[] = ['gateway', 'direct'];

/** Reads the settings, applying defaults; throws one error naming every bad value. */
export function readSubscriptionBenchSettings(env: Readonly<Record<string, string | undefined>>): SubscriptionBenchSettings {
  const problems: string[] = [];
  const settings: Record<string, number> = {};
  for (const [key, [name, fallback, kind]] of Object.entries(SETTINGS)) {
    const raw = env[name]?.trim();
    const value = raw ? Number(raw) : fallback;
    const valid = kind === 'integer' ? Number.isInteger(value) : Number.isFinite(value);
    // Warm-up and calls may be zero; everything else must be positive.
    const floor = key === 'warmupSeconds' || key === 'callsPerSecond' ? 0 : Number.MIN_VALUE;
    if (!valid || value < floor) problems.push(`${name}=${JSON.stringify(raw)} must be a ${kind} ${floor === 0 ? '>= 0' : '> 0'}`);
    settings[key] = value;
  }
  const paths = (env.BENCH_PATHS?.trim() || ALL_PATHS.join(',')).split(',').map((path) => path.trim());
  const unknown = paths.filter((path) => !(ALL_PATHS as readonly string[]).includes(path));
  if (unknown.length > 0 || paths.length === 0) problems.push(`BENCH_PATHS=${JSON.stringify(env.BENCH_PATHS)} must list gateway and/or direct`);
  const reader = env.BENCH_CONSOLE_READER?.trim() || 'lean';
  if (reader !== 'lean' && reader !== 'graphql-ws') problems.push(`BENCH_CONSOLE_READER=${JSON.stringify(reader)} must be lean or graphql-ws`);
  if (problems.length > 0) throw new Error(`Invalid benchmark settings:\n  ${problems.join('\n  ')}`);
  return { ...(settings as unknown as Omit<SubscriptionBenchSettings, 'paths' | 'reader'>), paths: paths as BenchPath[], reader: reader as ConsoleReader };
}

/**
 * What the baseline beside the measured run is: `idle` the same page on the same hub with the
 * benchmark's position feed stopped (what the 2,000 fixes/s cost); `small` a second hub with the
 * default city (300 cameras, 40 units) under the same feed per unit; `none` no baseline.
 */
export type ConsoleBaseline = 'idle' | 'small' | 'none';

/** What one `npm run bench:console` does, from the environment. */
export interface ConsoleBenchSettings {
  readonly cameraCount: number;
  readonly unitCount: number;
  /** Position fixes each unit reports per second (10: a fix every 100 ms). */
  readonly fixesPerUnitPerSecond: number;
  readonly warmupSeconds: number;
  /** The measured window under load. */
  readonly seconds: number;
  readonly baseline: ConsoleBaseline;
  readonly baselineSeconds: number;
  /** How often heap, DOM nodes and main-thread time are read from the page. */
  readonly sampleSeconds: number;
  /** How much of its past the simulated city plays before the hub is ready (SIM_HISTORY_MINUTES). */
  readonly historyMinutes: number;
  readonly seed: number;
  /** BENCH_PAGE_PROFILE: a file to write a CPU profile of the page's main thread over the load window to (it slows the page a little). */
  readonly pageProfileFile: string | undefined;
}

/** The target of issue #12: frames under 50 ms at the 95th percentile. */
export const FRAME_BUDGET_MS = 50;

/**
 * Heap growth (after a full collection, start of the window to its end) below which the
 * console's memory counts as flat: 0.5 MB a minute is 360 MB over a 12-hour control-room shift,
 * the most a page could grow by and still last one.
 */
export const FLAT_HEAP_MB_PER_MINUTE = 0.5;

/** The default city of `npm start` (SIM_CAMERAS, SIM_UNITS): what BENCH_BASELINE=small runs. */
export const SMALL_CITY = { cameraCount: 300, unitCount: 40 } as const;

type Kind = 'integer' | 'number';
const SETTINGS = {
  cameraCount: ['BENCH_CAMERAS', 2000, 'integer', 1],
  unitCount: ['BENCH_UNITS', 200, 'integer', 1],
  fixesPerUnitPerSecond: ['BENCH_FIXES_PER_UNIT_PER_SECOND', 10, 'number', 0],
  warmupSeconds: ['BENCH_WARMUP_SECONDS', 20, 'number', 0],
  seconds: ['BENCH_SECONDS', 300, 'number', 1],
  baselineSeconds: ['BENCH_BASELINE_SECONDS', 30, 'number', 1],
  sampleSeconds: ['BENCH_SAMPLE_SECONDS', 10, 'number', 1],
  historyMinutes: ['BENCH_HISTORY_MINUTES', 5, 'integer', 0],
  seed: ['BENCH_SEED', 1, 'integer', 1],
} as const satisfies Record<Exclude<keyof ConsoleBenchSettings, 'baseline' | 'pageProfileFile'>, readonly [string, number, Kind, number]>;

const BASELINES: readonly ConsoleBaseline[] = ['idle', 'small', 'none'];

/** Reads the settings, applying defaults; throws one error naming every bad value. */
export function readConsoleBenchSettings(env: Readonly<Record<string, string | undefined>>): ConsoleBenchSettings {
  const problems: string[] = [];
  const values: Record<string, number> = {};
  for (const [key, [name, fallback, kind, floor]] of Object.entries(SETTINGS)) {
    const raw = env[name]?.trim();
    const value = raw ? Number(raw) : fallback;
    const valid = kind === 'integer' ? Number.isInteger(value) : Number.isFinite(value);
    if (!valid || value < floor) problems.push(`${name}=${JSON.stringify(raw)} must be a${kind === 'integer' ? 'n integer' : ' number'} >= ${floor}`);
    values[key] = value;
  }
  const baseline = (env.BENCH_BASELINE?.trim() || 'idle') as ConsoleBaseline;
  if (!BASELINES.includes(baseline)) problems.push(`BENCH_BASELINE=${JSON.stringify(env.BENCH_BASELINE)} must be one of ${BASELINES.join(', ')}`);
  // The simulator's limits (simulator/createCitySimulation.ts).
  if ((values.cameraCount ?? 0) > 9999) problems.push('BENCH_CAMERAS must be at most 9999');
  if ((values.unitCount ?? 0) > 999) problems.push('BENCH_UNITS must be at most 999');
  if (problems.length > 0) throw new Error(`Invalid benchmark settings:\n  ${problems.join('\n  ')}`);
  const pageProfileFile = env.BENCH_PAGE_PROFILE?.trim() || undefined;
  return { ...(values as unknown as Omit<ConsoleBenchSettings, 'baseline' | 'pageProfileFile'>), baseline, pageProfileFile };
}

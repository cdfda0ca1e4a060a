import { PerformanceObserver, type RecordableHistogram, createHistogram, performance } from 'node:perf_hooks';

/** One request; resolves to an error description, or null on success. Must not throw. */
export type LoadRequest = (input: string) => Promise<string | null>;

/** Options of {@link measureLoad}. */
export interface LoadOptions<Path extends string> {
  /** The paths to compare, each with its request function, measured under the same load shape. */
  readonly paths: Readonly<Record<Path, LoadRequest>>;
  /** Requests in flight at all times. */
  readonly concurrency: number;
  /** Unrecorded run of each path before measuring, so that JIT, sockets and caches are warm. */
  readonly warmupSeconds: number;
  /** Measured time per path, split over `rounds`. */
  readonly seconds: number;
  /**
   * Rounds the measured time is split into. Each round measures every path in turn, reversing
   * the order every other round (A B, B A, …), so that a slow spell on a shared machine or a
   * drift over the run (heap growth, CPU heat) falls on both paths alike.
   */
  readonly rounds: number;
  /** Inputs, cycled through in order across all workers. */
  readonly inputs: readonly string[];
  readonly onProgress?: (message: string) => void;
}

/** What the measured rounds of one path counted. */
export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  /** Up to a few distinct error descriptions, with how often each was seen. */
  readonly errorSamples: ReadonlyMap<string, number>;
  /** Wall time from the first request to the last reply, summed over rounds, in seconds. */
  readonly elapsedSeconds: number;
  /** Latency of the successful requests, in nanoseconds. */
  readonly latency: RecordableHistogram;
  /** Process CPU time (user + system), in milliseconds: client and servers share it. */
  readonly cpuMs: number;
  /** Share of the time the event loop was busy, 0 to 1; near 1 means the one thread is saturated. */
  readonly eventLoopUtilization: number;
  /** Garbage-collection pauses: their total and the longest, in milliseconds. */
  readonly gcPauseMs: { readonly total: number; readonly max: number };
}

const MAX_ERROR_SAMPLES = 5;

/**
 * Closed-loop load: `concurrency` workers each send a request, wait for the reply, and send the
 * next, until the slice's time is up (a request started before the deadline is awaited, and
 * counted). Every path is warmed up first; the warm-up's figures are thrown away.
 */
export async function measureLoad<Path extends string>(options: LoadOptions<Path>): Promise<Record<Path, LoadResult>> {
  const { paths, warmupSeconds, seconds, rounds, inputs, onProgress } = options;
  if (inputs.length === 0) throw new Error('bench: no inputs to cycle through');
  const names = Object.keys(paths) as Path[];
  if (warmupSeconds > 0) {
    for (const name of names) {
      onProgress?.(`warm-up: ${name}, ${warmupSeconds} s …`);
      await runSlice(options, paths[name], warmupSeconds);
    }
  }
  const slices = new Map<Path, LoadResult[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    onProgress?.(`measure: round ${round + 1}/${rounds}: ${order.join(' then ')}, ${(seconds / rounds).toFixed(1)} s each …`);
    for (const name of order) slices.get(name)!.push(await runSlice(options, paths[name], seconds / rounds));
  }
  return Object.fromEntries(names.map((name) => [name, combine(slices.get(name)!)])) as Record<Path, LoadResult>;
}

async function runSlice(
  options: { concurrency: number; inputs: readonly string[] },
  request: LoadRequest,
  seconds: number,
): Promise<LoadResult> {
  const { concurrency, inputs } = options;
  const latency = createHistogram();
  const errorSamples = new Map<string, number>();
  let next = 0;
  let requests = 0;
  let errors = 0;

  const gcPauseMs = { total: 0, max: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauseMs.total += entry.duration;
      gcPauseMs.max = Math.max(gcPauseMs.max, entry.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const cpuAtStart = process.cpuUsage();
  const loopAtStart = performance.eventLoopUtilization();
  const startedAt = performance.now();
  const deadline = startedAt + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const input = inputs[next++ % inputs.length]!;
      const sentAt = process.hrtime.bigint();
      const error = await request(input);
      const took = process.hrtime.bigint() - sentAt;
      requests += 1;
      if (error === null) {
        latency.record(took > 0n ? took : 1n);
        continue;
      }
      errors += 1;
      if (errorSamples.has(error) || errorSamples.size < MAX_ERROR_SAMPLES) {
        errorSamples.set(error, (errorSamples.get(error) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  // Entries are delivered asynchronously: take the pending ones before disconnecting.
  for (const entry of gcObserver.takeRecords()) {
    gcPauseMs.total += entry.duration;
    gcPauseMs.max = Math.max(gcPauseMs.max, entry.duration);
  }
  gcObserver.disconnect();
  return {
    requests,
    errors,
    errorSamples,
    elapsedSeconds,
    latency,
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopUtilization: performance.eventLoopUtilization(loopAtStart).utilization,
    gcPauseMs,
  };
}

/** Adds up the slices of one path: counts and times summed, histograms merged. */
function combine(slices: readonly LoadResult[]): LoadResult {
  const latency = createHistogram();
  const errorSamples = new Map<string, number>();
  let busySeconds = 0;
  for (const slice of slices) {
    latency.add(slice.latency);
    busySeconds += slice.eventLoopUtilization * slice.elapsedSeconds;
    for (const [error, count] of slice.errorSamples) {
      if (errorSamples.has(error) || errorSamples.size < MAX_ERROR_SAMPLES) {
        errorSamples.set(error, (errorSamples.get(error) ?? 0) + count);
      }
    }
  }
  const sum = (field: 'requests' | 'errors' | 'elapsedSeconds' | 'cpuMs') =>
    slices.reduce((total, slice) => total + slice[field], 0);
  const elapsedSeconds = sum('elapsedSeconds');
  return {
    requests: sum('requests'),
    errors: sum('errors'),
    errorSamples,
    elapsedSeconds,
    latency,
    cpuMs: sum('cpuMs'),
    eventLoopUtilization: elapsedSeconds > 0 ? busySeconds / elapsedSeconds : 0,
    gcPauseMs: {
      total: slices.reduce((total, slice) => total + slice.gcPauseMs.total, 0),
      max: Math.max(0, ...slices.map((slice) => slice.gcPauseMs.max)),
    },
  };
}

import { readFileSync } from 'node:fs';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ProcessLoad } from './clientProtocol';

/** This process's memory at one moment, in bytes. */
export interface MemorySnapshot {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

/** Peak and mean of memory samples taken during load. */
export interface MemoryUnderLoad {
  readonly samples: number;
  readonly peak: MemorySnapshot;
  readonly mean: MemorySnapshot;
}

let collectGarbage: (() => void) | undefined;

/**
 * Runs a full garbage collection so that idle figures are live memory, not garbage awaiting
 * collection. `--expose-gc` is switched on at run time because `npm run` passes no node flags;
 * V8 then installs `gc` in contexts created afterwards, such as this one-off vm context.
 */
export function fullGc(): void {
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
  collectGarbage();
}

export function snapshotMemory(): MemorySnapshot {
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

/** Another thread's V8 heap in use (the hub's gateway thread), or null when it shares this one's. */
export type ThreadHeap = (options: { readonly collectGarbage: boolean }) => Promise<number | null>;

/**
 * Settles, collects garbage and snapshots: the memory held while nothing is happening. The
 * heap is this thread's plus `thread`'s (collected too).
 */
export async function snapshotSettledMemory(settleMs = 500, thread?: ThreadHeap): Promise<MemorySnapshot> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  fullGc();
  const threadHeap = (await thread?.({ collectGarbage: true })) ?? 0;
  const own = snapshotMemory();
  return { ...own, heapUsed: own.heapUsed + threadHeap };
}

/** Accumulates memory samples; `summary()` gives their peak and mean. The heap includes `thread`'s. */
export function createMemorySampler(thread?: ThreadHeap): { sample(): void; summary(): MemoryUnderLoad } {
  const samples: MemorySnapshot[] = [];
  return {
    sample: () => {
      const own = snapshotMemory();
      if (!thread) {
        samples.push(own);
        return;
      }
      // Asked without waiting: the sample lands when the thread answers.
      void thread({ collectGarbage: false }).then(
        (heap) => void samples.push({ ...own, heapUsed: own.heapUsed + (heap ?? 0) }),
        () => undefined,
      );
    },
    summary() {
      const fields = ['rss', 'heapUsed', 'external'] as const;
      const reduce = (pick: (values: number[]) => number) =>
        Object.fromEntries(fields.map((field) => [field, samples.length === 0 ? 0 : pick(samples.map((s) => s[field]))])) as unknown as MemorySnapshot;
      return {
        samples: samples.length,
        peak: reduce((values) => Math.max(...values)),
        mean: reduce((values) => values.reduce((sum, value) => sum + value, 0) / values.length),
      };
    },
  };
}

/** Another thread's event-loop use, as `performance.eventLoopUtilization` measures it (the hub's gateway thread). */
export type ThreadUtilization = (previous?: EventLoopUtilization) => EventLoopUtilization;

/** Starts measuring CPU (the whole process) and event-loop use; `stop()` returns them over the span. */
export function startLoadMeasurement(thread?: ThreadUtilization): { stop(): ProcessLoad } {
  const startedAt = performance.now();
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const threadElu = thread?.();
  const machine = readMachineBusyMs();
  return {
    stop() {
      const elapsedMs = performance.now() - startedAt;
      const used = process.cpuUsage(cpu);
      const machineNow = readMachineBusyMs();
      return {
        cpuCores: elapsedMs > 0 ? (used.user + used.system) / 1000 / elapsedMs : 0,
        eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
        gatewayEventLoopUtilization: thread && threadElu ? thread(threadElu).utilization : undefined,
        spanSeconds: elapsedMs / 1000,
        machineCores: machine !== null && machineNow !== null && elapsedMs > 0 ? (machineNow - machine) / elapsedMs : null,
      };
    },
  };
}

/**
 * CPU time all cores have spent running processes since boot, in ms, from the first line of
 * /proc/stat (proc(5): user nice system idle iowait irq softirq steal, in USER_HZ = 100 ticks
 * per second). Interrupt time is left out: loopback TCP is mostly processed there, on behalf of
 * the benchmark's own sockets, and process.cpuUsage() does not count it.
 */
function readMachineBusyMs(): number | null {
  try {
    const [, ...fields] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
    const [user = 0, nice = 0, system = 0] = fields.map(Number);
    return (user + nice + system) * 10;
  } catch {
    return null;
  }
}

/**
 * CPU and event-loop use over the wall-clock window [fromMs, toMs), by timers. If the event loop
 * was so busy that the opening timer fired over a second late (or not yet), the figures cover
 * everything since this call instead, warm-up included; `spanSeconds` says which.
 */
export function measureWindow(fromMs: number, toMs: number, thread?: ThreadUtilization): { result(): ProcessLoad } {
  const sinceCalled = startLoadMeasurement(thread);
  let measurement: ReturnType<typeof startLoadMeasurement> | null = null;
  let load: ProcessLoad | null = null;
  const stop = () => {
    if (measurement && !load) load = measurement.stop();
  };
  const starting = setTimeout(() => {
    if (Date.now() - fromMs > 1000) return;
    measurement = startLoadMeasurement(thread);
    setTimeout(stop, Math.max(0, toMs - Date.now())).unref();
  }, Math.max(0, fromMs - Date.now()));
  starting.unref();
  return {
    result() {
      stop();
      clearTimeout(starting);
      return load ?? sinceCalled.stop();
    },
  };
}

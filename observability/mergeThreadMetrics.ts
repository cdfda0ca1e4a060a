import { AggregatorRegistry, type Registry } from 'prom-client';

/** One thread's metric families, as `Registry.getMetricsAsJSON()` gives them (plain data: they cross threads). */
export type ThreadMetrics = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** The label that says which thread a per-thread family's series come from. */
export const THREAD_LABEL = 'thread';

export interface ThreadMetricsMerge {
  /** The main thread's families: storage, ingest, audit, the subgraphs. */
  readonly main: ThreadMetrics;
  /** The gateway thread's families (GATEWAY_THREAD=worker). */
  readonly gateway: ThreadMetrics;
  /** Families only the gateway observes (operations, subgraph fetches, subscriptions). */
  readonly gatewayFamilies: ReadonlySet<string>;
  /** Families only the main thread observes (ingest, audit). */
  readonly mainFamilies: ReadonlySet<string>;
}

/**
 * One registry of a hub whose gateway has its own thread, each family once. Both threads make
 * the same hub registry (createHubMetrics), but each observes only its part of it, so a family
 * both have is taken from the thread that observes it; `process_*` families describe the
 * process (CPU, memory, file descriptors, start time: every thread reads the same figures) and
 * are the main thread's; every other family both have is the Node runtime's own per thread
 * (event-loop delay, heap, GC, handles), and is kept from both, its series labelled
 * `thread="main"` or `thread="gateway"`. A family only one thread has is kept as it is.
 */
export function mergeThreadMetrics(merge: ThreadMetricsMerge): Registry {
  const { main, gateway, gatewayFamilies, mainFamilies } = merge;
  const inMain = new Set(main.map((family) => family.name));
  const inGateway = new Set(gateway.map((family) => family.name));
  const ownerOf = (name: string): 'main' | 'gateway' | 'each' => {
    if (gatewayFamilies.has(name)) return 'gateway';
    if (mainFamilies.has(name) || name.startsWith('process_')) return 'main';
    return 'each';
  };
  const kept = (families: ThreadMetrics, thread: 'main' | 'gateway', other: ReadonlySet<string>): ThreadMetrics =>
    families.flatMap((family) => {
      if (!other.has(family.name)) return [asIs(family)];
      const owner = ownerOf(family.name);
      if (owner === 'each') return [asIs({ ...family, values: family.values.map((value) => ({ ...value, labels: { ...value.labels, [THREAD_LABEL]: thread } })) })];
      return owner === thread ? [asIs(family)] : [];
    });
  // No two series left share a name and labels, so aggregating sums nothing; `first` says so
  // (some families default to `omit` or `average`, meant for a cluster's identical workers).
  return AggregatorRegistry.aggregate([kept(main, 'main', inGateway), kept(gateway, 'gateway', inMain)]);
}

function asIs(family: ThreadMetrics[number]): ThreadMetrics[number] {
  return { ...family, aggregator: 'first' };
}

import { type RecordableHistogram, createHistogram } from 'node:perf_hooks';
import type {
  DeliverySummary,
  KindSummary,
  LatencySummary,
  ProcessLoad,
  PublishedLog,
  Spread,
  SubscriptionKind,
} from './clientProtocol';
import type { EventFields } from './readEventFields';

/** Options of {@link createDeliveryRecorder}. */
export interface DeliveryRecorderOptions {
  readonly clients: number;
  readonly unitIds: readonly string[];
}

/** Records what every console receives; see {@link createDeliveryRecorder}. */
export interface DeliveryRecorder {
  /** From now on, events stamped in [fromMs, toMs) are measured. */
  arm(fromMs: number, toMs: number): void;
  /**
   * An event of subscription `kind` received by console `client` at `receivedAt` (ms since
   * epoch), with its measured fields (null when it had none).
   */
  event(client: number, kind: SubscriptionKind, fields: EventFields | null, receivedAt: number): void;
  error(description: string): void;
  closed(code: number): void;
  /** When the last measured event arrived (0 before any). */
  readonly lastMeasuredAt: number;
  summarize(published: PublishedLog, extras: { load: ProcessLoad; drainDeadlineReached: boolean; hungUp: boolean }): DeliverySummary;
}

const MAX_ERROR_SAMPLES = 5;

/**
 * Counts deliveries per console without keeping them: for positions, per console and unit, how
 * many arrived and the newest fix time (a unit's fixes reach one console in order, so a gap
 * followed by a later fix is coalescing, and fixes after the last one delivered are lost);
 * for calls, the ids. Latency is receipt time minus the publish time stamped in the event.
 */
export function createDeliveryRecorder(options: DeliveryRecorderOptions): DeliveryRecorder {
  const { clients, unitIds } = options;
  const units = unitIds.length;
  const unitIndex = new Map(unitIds.map((id, index) => [id, index]));
  const positionCounts = new Uint32Array(clients * units);
  const lastFixAt = new Float64Array(clients * units);
  const callsByClient = Array.from({ length: clients }, () => new Set<string>());
  const seen: Record<SubscriptionKind, Uint8Array> = { position: new Uint8Array(clients), call: new Uint8Array(clients) };
  const latency: Record<SubscriptionKind, RecordableHistogram> = { position: createHistogram(), call: createHistogram() };
  const anomalies = { positionDuplicates: 0, positionOutOfOrder: 0, positionUnexpected: 0, callDuplicates: 0 };
  const closeCodes: Record<string, number> = {};
  const errorSamples: string[] = [];
  let errors = 0;
  let fromMs = Infinity;
  let toMs = -Infinity;
  let lastMeasuredAt = 0;

  const measured = (stampMs: number) => stampMs >= fromMs && stampMs < toMs;
  const recordLatency = (kind: SubscriptionKind, stampMs: number, receivedAt: number) => {
    latency[kind].record(Math.max(1, Math.round((receivedAt - stampMs) * 1000)));
    lastMeasuredAt = receivedAt;
  };

  const position = (client: number, fields: EventFields, receivedAt: number) => {
    const stampMs = Date.parse(fields.stamp);
    if (!measured(stampMs)) return;
    const index = unitIndex.get(fields.id);
    if (index === undefined) {
      anomalies.positionUnexpected += 1;
      return;
    }
    const slot = client * units + index;
    const last = lastFixAt[slot] ?? 0;
    if (stampMs === last) {
      anomalies.positionDuplicates += 1;
      return;
    }
    if (stampMs < last) anomalies.positionOutOfOrder += 1;
    else lastFixAt[slot] = stampMs;
    positionCounts[slot] = (positionCounts[slot] ?? 0) + 1;
    recordLatency('position', stampMs, receivedAt);
  };

  const call = (client: number, fields: EventFields, receivedAt: number) => {
    const stampMs = Date.parse(fields.stamp);
    if (!measured(stampMs)) return;
    const received = callsByClient[client] as Set<string>;
    if (received.has(fields.id)) {
      anomalies.callDuplicates += 1;
      return;
    }
    received.add(fields.id);
    recordLatency('call', stampMs, receivedAt);
  };

  return {
    arm(from, to) {
      fromMs = from;
      toMs = to;
    },
    event(client, kind, fields, receivedAt) {
      seen[kind][client] = 1;
      if (fields?.kind !== kind) return;
      if (kind === 'position') position(client, fields, receivedAt);
      else call(client, fields, receivedAt);
    },
    error(description) {
      errors += 1;
      if (errorSamples.length < MAX_ERROR_SAMPLES && !errorSamples.includes(description)) errorSamples.push(description);
    },
    closed(code) {
      closeCodes[code] = (closeCodes[code] ?? 0) + 1;
    },
    get lastMeasuredAt() {
      return lastMeasuredAt;
    },
    summarize(published, { load, drainDeadlineReached, hungUp }) {
      const windowSeconds = (toMs - fromMs) / 1000;
      const deliverySeconds = (Math.max(lastMeasuredAt, toMs) - fromMs) / 1000;
      const positions = summarizePositions(published, { unitIds, clients, positionCounts, lastFixAt });
      const calls = summarizeCalls(published, callsByClient);
      const kinds: Record<SubscriptionKind, KindSummary> = {
        position: {
          ...positions,
          latencyMs: latencyOf(latency.position),
          duplicates: anomalies.positionDuplicates,
          outOfOrder: anomalies.positionOutOfOrder,
          unexpected: positions.unexpected + anomalies.positionUnexpected,
        },
        call: { ...calls, latencyMs: latencyOf(latency.call), duplicates: anomalies.callDuplicates, outOfOrder: 0 },
      };
      let both = 0;
      for (let client = 0; client < clients; client += 1) if (seen.position[client] && seen.call[client]) both += 1;
      return {
        clients,
        windowSeconds,
        deliverySeconds,
        deliveredPerSecond: (kinds.position.delivered + kinds.call.delivered) / deliverySeconds,
        kinds,
        clientsThatReceivedBoth: both,
        closeCodes,
        errors,
        errorSamples,
        drainDeadlineReached,
        hungUp,
        load,
      };
    },
  };
}

type Counted = Omit<KindSummary, 'latencyMs' | 'duplicates' | 'outOfOrder'>;

function summarizePositions(
  published: PublishedLog,
  state: { unitIds: readonly string[]; clients: number; positionCounts: Uint32Array; lastFixAt: Float64Array },
): Counted {
  const { unitIds, clients, positionCounts, lastFixAt } = state;
  const times = unitIds.map((id) => published.fixes[id] ?? []);
  const expectedPerClient = times.reduce((sum, list) => sum + list.length, 0);
  const perClient: number[] = [];
  let coalesced = 0;
  let lost = 0;
  let unexpected = 0;
  let complete = 0;
  for (let client = 0; client < clients; client += 1) {
    let delivered = 0;
    let missingAny = false;
    times.forEach((list, unit) => {
      const slot = client * unitIds.length + unit;
      const count = positionCounts[slot] ?? 0;
      const last = lastFixAt[slot] ?? 0;
      delivered += count;
      // Published after the newest fix this console got: nothing replaced them.
      const trailing = list.length - upperBound(list, last);
      if (last > 0 && !includes(list, last)) unexpected += 1;
      const missing = Math.max(0, list.length - count);
      lost += Math.min(trailing, missing);
      coalesced += Math.max(0, missing - trailing);
      if (missing > 0) missingAny = true;
    });
    perClient.push(delivered);
    if (!missingAny) complete += 1;
  }
  return {
    expectedPerClient,
    delivered: perClient.reduce((sum, count) => sum + count, 0),
    deliveredPerClient: spreadOf(perClient),
    completeClients: complete,
    coalesced,
    lost,
    unexpected,
  };
}

function summarizeCalls(published: PublishedLog, callsByClient: readonly Set<string>[]): Counted {
  const expected = new Set(published.callIds);
  const perClient: number[] = [];
  let lost = 0;
  let unexpected = 0;
  let complete = 0;
  for (const received of callsByClient) {
    let delivered = 0;
    for (const id of received) {
      if (expected.has(id)) delivered += 1;
      else unexpected += 1;
    }
    perClient.push(delivered);
    lost += expected.size - delivered;
    if (delivered === expected.size) complete += 1;
  }
  return {
    expectedPerClient: expected.size,
    delivered: perClient.reduce((sum, count) => sum + count, 0),
    deliveredPerClient: spreadOf(perClient),
    completeClients: complete,
    coalesced: 0,
    lost,
    unexpected,
  };
}

/** Index of the first element greater than `value` in an ascending list. */
function upperBound(list: readonly number[], value: number): number {
  let [low, high] = [0, list.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((list[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function includes(list: readonly number[], value: number): boolean {
  const index = upperBound(list, value) - 1;
  return index >= 0 && list[index] === value;
}

function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return { min: 0, median: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] as number, median: sorted[Math.floor(sorted.length / 2)] as number, max: sorted[sorted.length - 1] as number };
}

/** The histogram holds microseconds. */
function latencyOf(histogram: RecordableHistogram): LatencySummary {
  if (histogram.count === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const ms = (microseconds: number) => microseconds / 1000;
  return {
    count: histogram.count,
    p50: ms(histogram.percentile(50)),
    p90: ms(histogram.percentile(90)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
  };
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { type ThreadMetrics, mergeThreadMetrics } from './mergeThreadMetrics';

/** How a GraphQL operation ended, for the operation counter's `outcome` label. */
export type OperationOutcome = 'ok' | 'partial' | 'error';

/** Counts of what one adapter delivered, as the event sink keeps them (ingest's `SourceStats`). */
export interface IngestSourceCounts {
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  readonly deadLettersSuppressed: number;
}

/** What the event sink counted, per source (ingest's `IngestStats`). */
export interface IngestCounts {
  readonly bySource: Readonly<Record<string, IngestSourceCounts>>;
}

/** The live side of the gateway (the gateway's `SubscriptionStats`). */
export interface SubscriptionCounts {
  readonly clients: number;
  readonly sharedStreams: number;
  readonly upstreamConnections: number;
  readonly slowClientsDisconnected: number;
  /** Events written to clients so far (one per client and subscription). */
  readonly eventsDelivered?: number;
  /** Messages waiting in clients' outboxes now. */
  readonly outboxMessages?: number;
}

/** What a hub's parts report to its metrics; each part sees only this narrow face. */
export interface HubMetrics {
  /** The hub's own registry (never prom-client's global one: tests run several hubs in one process). */
  readonly registry: Registry;
  /** A GraphQL operation answered by the gateway, `seconds` after it arrived. */
  operationFinished(operationName: string | null, outcome: OperationOutcome, seconds: number): void;
  /** One fetch from a subgraph, ended by an answer (`ok`) or a transport failure (`error`). */
  subgraphFetched(subgraph: string, outcome: 'ok' | 'error', seconds: number): void;
  /** One write of `records` audit records (one statement), `seconds` long. */
  auditWritten(records: number, seconds: number): void;
  /** Where the ingest counters are read at each scrape. */
  readIngest(read: () => IngestCounts): void;
  /** Where the subscription counters are read at each scrape. */
  readSubscriptions(read: () => SubscriptionCounts | Promise<SubscriptionCounts>): void;
}

export interface HubMetricsOptions {
  /**
   * Distinct operation names labelled one by one; later ones count as `(other)`. Operation
   * names come from clients, and every label value is a series Prometheus keeps. Default 200.
   */
  readonly maxOperationNames?: number;
  /** Node's process and event-loop metrics (prom-client's defaults, `nodejs_eventloop_lag_*`). Default on. */
  readonly defaultMetrics?: boolean;
  /**
   * Set in the gateway's own thread (GATEWAY_THREAD=worker): reads the main thread's families,
   * which every scrape of this registry merges with this thread's (see mergeThreadMetrics), so
   * that `/metrics` shows the whole hub wherever the gateway runs.
   */
  readonly mainThread?: () => Promise<ThreadMetrics>;
}

/** Seconds: GraphQL operations and subgraph fetches take from under a millisecond to seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The hub's metrics in one prom-client {@link Registry}: operations, subgraph fetches and audit
 * writes are observed as they happen (one histogram observation each); subscriptions and
 * ingest are read from the counters their owners keep anyway, when Prometheus scrapes.
 */
export function createHubMetrics(options: HubMetricsOptions = {}): HubMetrics {
  const { maxOperationNames = 200, defaultMetrics = true, mainThread } = options;
  // Which thread observes which family, for a registry whose gateway runs in another thread.
  const gatewayFamilies = new Set<string>();
  const mainFamilies = new Set<string>();
  const registry = mainThread ? new GatewayThreadRegistry(mainThread, { gatewayFamilies, mainFamilies }) : new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const gatewayFamily = (name: string): string => {
    gatewayFamilies.add(name);
    return name;
  };
  const mainFamily = (name: string): string => {
    mainFamilies.add(name);
    return name;
  };
  let readIngest: (() => IngestCounts) | undefined;
  let readSubscriptions: (() => SubscriptionCounts | Promise<SubscriptionCounts>) | undefined;

  const operations = new Counter({ name: gatewayFamily('rtcc_graphql_operations_total'), help: 'GraphQL operations answered by the gateway, by operation name and outcome.', labelNames: ['operation', 'outcome'], registers });
  const operationSeconds = new Histogram({ name: gatewayFamily('rtcc_graphql_operation_duration_seconds'), help: 'Time from a GraphQL operation arriving at the gateway to its answer.', labelNames: ['operation', 'outcome'], buckets: LATENCY_BUCKETS, registers });
  const fetchSeconds = new Histogram({ name: gatewayFamily('rtcc_subgraph_fetch_duration_seconds'), help: 'Time of one gateway fetch from a subgraph, by subgraph and outcome (error: unreachable).', labelNames: ['subgraph', 'outcome'], buckets: LATENCY_BUCKETS, registers });
  const auditSeconds = new Histogram({ name: mainFamily('rtcc_audit_write_duration_seconds'), help: 'Time of one write of audit records (one statement, chained).', buckets: LATENCY_BUCKETS, registers });
  const auditRecords = new Counter({ name: mainFamily('rtcc_audit_records_written_total'), help: 'Audit records written.', registers });

  // Read at scrape time from the sink's own counters: nothing is added to the path of an event.
  const ingestFamily = (name: string, help: string, labelNames: string[], values: (source: string, counts: IngestSourceCounts) => [Record<string, string>, number][]) =>
    new Counter({
      name: mainFamily(name),
      help,
      labelNames,
      registers,
      collect() {
        if (!readIngest) return;
        this.reset();
        for (const [source, counts] of Object.entries(readIngest().bySource)) {
          for (const [labels, value] of values(source, counts)) this.inc(labels, value);
        }
      },
    });
  ingestFamily('rtcc_ingest_events_accepted_total', 'Events adapters delivered that the hub validated and published, by source.', ['source'], (source, counts) => [[{ source }, counts.accepted]]);
  ingestFamily('rtcc_ingest_events_rejected_total', 'Input refused at the door (by the adapter, the contract or the store), by source and reason.', ['source', 'reason'], (source, counts) =>
    Object.entries(counts.rejectedByReason).map(([reason, value]) => [{ source, reason }, value]));
  ingestFamily('rtcc_ingest_dead_letters_total', 'Rejections kept one by one as dead letters (replayable), by source.', ['source'], (source, counts) => [[{ source }, counts.rejected - counts.deadLettersSuppressed]]);
  ingestFamily('rtcc_ingest_dead_letters_suppressed_total', 'Rejections beyond DEAD_LETTERS_PER_SOURCE_PER_MINUTE, counted into summaries instead of kept one by one, by source.', ['source'], (source, counts) => [[{ source }, counts.deadLettersSuppressed]]);

  // The gateway's subscription counters, read once per scrape for all of their families.
  let scrape: Promise<SubscriptionCounts | undefined> | undefined;
  const subscriptionCounts = (): Promise<SubscriptionCounts | undefined> => {
    scrape ??= Promise.resolve(readSubscriptions?.()).finally(() => queueMicrotask(() => (scrape = undefined)));
    return scrape;
  };
  const subscriptionGauge = (name: string, help: string, value: (counts: SubscriptionCounts) => number | undefined) =>
    new Gauge({
      name: gatewayFamily(name),
      help,
      registers,
      async collect() {
        const counts = await subscriptionCounts();
        const current = counts && value(counts);
        if (current !== undefined) this.set(current);
      },
    });
  const subscriptionCounter = (name: string, help: string, value: (counts: SubscriptionCounts) => number | undefined) =>
    new Counter({
      name: gatewayFamily(name),
      help,
      registers,
      async collect() {
        const counts = await subscriptionCounts();
        const current = counts && value(counts);
        if (current === undefined) return;
        this.reset();
        this.inc(current);
      },
    });
  subscriptionGauge('rtcc_subscription_clients', 'WebSocket clients connected to the gateway.', (counts) => counts.clients);
  subscriptionGauge('rtcc_subscription_shared_streams', 'Open subscriptions: distinct (document, variables) streams shared by their clients.', (counts) => counts.sharedStreams);
  subscriptionGauge('rtcc_subscription_upstream_connections', 'WebSocket connections from the gateway to subgraphs.', (counts) => counts.upstreamConnections);
  subscriptionGauge('rtcc_subscription_outbox_messages', 'Subscription messages waiting in clients\' outboxes (the queue depth, summed over clients).', (counts) => counts.outboxMessages);
  subscriptionCounter('rtcc_subscription_events_delivered_total', 'Subscription events written to clients (one per client and subscription).', (counts) => counts.eventsDelivered);
  subscriptionCounter('rtcc_subscription_slow_clients_closed_total', 'Clients disconnected for falling SUBSCRIPTION_QUEUE_LIMIT messages behind.', (counts) => counts.slowClientsDisconnected);

  const labelledNames = new Set<string>();
  const operationLabel = (name: string | null): string => {
    if (name === null || name === '') return '(anonymous)';
    if (labelledNames.has(name)) return name;
    if (labelledNames.size >= maxOperationNames) return '(other)';
    labelledNames.add(name);
    return name;
  };

  return {
    registry,
    operationFinished(operationName, outcome, seconds) {
      const labels = { operation: operationLabel(operationName), outcome };
      operations.inc(labels);
      operationSeconds.observe(labels, seconds);
    },
    subgraphFetched: (subgraph, outcome, seconds) => fetchSeconds.observe({ subgraph, outcome }, seconds),
    auditWritten(records, seconds) {
      auditSeconds.observe(seconds);
      auditRecords.inc(records);
    },
    readIngest: (read) => void (readIngest = read),
    readSubscriptions: (read) => void (readSubscriptions = read),
  };
}

/** The registry of the gateway's own thread: a scrape merges the main thread's families into its own. */
class GatewayThreadRegistry extends Registry {
  readonly #readMain: () => Promise<ThreadMetrics>;
  readonly #owners: { readonly gatewayFamilies: ReadonlySet<string>; readonly mainFamilies: ReadonlySet<string> };

  constructor(readMain: () => Promise<ThreadMetrics>, owners: { readonly gatewayFamilies: ReadonlySet<string>; readonly mainFamilies: ReadonlySet<string> }) {
    super();
    this.#readMain = readMain;
    this.#owners = owners;
  }

  async #merged(): Promise<Registry> {
    const [main, gateway] = await Promise.all([this.#readMain(), super.getMetricsAsJSON()]);
    return mergeThreadMetrics({ main, gateway, ...this.#owners });
  }

  override async metrics(): Promise<string> {
    return (await this.#merged()).metrics();
  }

  override async getMetricsAsJSON(): Promise<ThreadMetrics> {
    return (await this.#merged()).getMetricsAsJSON();
  }
}

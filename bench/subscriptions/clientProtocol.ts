/**
 * Messages between the benchmark (hub process) and its console-client process. Types only: the
 * two sides implement them in startClientProcess.ts and clientProcess.ts.
 */

/** How the consoles reach the hub: through the gateway, or straight to the owning subgraphs. */
export type BenchPath = 'gateway' | 'direct';

/** The two subscriptions every console holds. */
export type SubscriptionKind = 'position' | 'call';

export interface ConnectRequest {
  readonly type: 'connect';
  readonly path: BenchPath;
  readonly clients: number;
  /** WebSocket URL of each kind's endpoint; one socket per distinct URL per console. */
  readonly endpoints: Readonly<Record<SubscriptionKind, string>>;
  readonly operations: Readonly<Record<SubscriptionKind, string>>;
  /** Unit ids in the city, so that position receipts are counted per unit. */
  readonly unitIds: readonly string[];
  /** Sockets opened concurrently while connecting. */
  readonly batchSize: number;
  /** The whole connect phase gives up after this long. */
  readonly timeoutMs: number;
  /** How consoles read: graphql-ws's client, or the lean reader (openLeanSocket.ts). */
  readonly reader: ConsoleReader;
  /** connection_init payload per kind that every console sends (the gateway's stated purpose). */
  readonly connectionParams: Readonly<Record<SubscriptionKind, Readonly<Record<string, string>>>>;
  /**
   * What console i adds to `connectionParams`, per kind: entry i mod the count's (an operator's
   * token, shared by that operator's consoles; or, for a subgraph, a gateway signature of its
   * own, since a subgraph refuses a signature it has seen). Empty: `connectionParams` alone.
   */
  readonly consoleParams: readonly PerKind[];
  /** Headers of console i's WebSocket upgrade, per kind: entry i mod the count's (a subgraph wants a fresh gateway signature there too). Empty: none. */
  readonly consoleHeaders: readonly PerKind[];
}

/** A string map for each kind of subscription. */
export type PerKind = Readonly<Record<SubscriptionKind, Readonly<Record<string, string>>>>;

/** See readSubscriptionBenchSettings.ts (BENCH_CONSOLE_READER). */
export type ConsoleReader = 'lean' | 'graphql-ws';

/**
 * Only events whose publish stamp falls in [fromMs, toMs) are measured. If what they receive
 * has not been collected `hangUpAfterMs` after the window, the consoles hang up (sockets
 * destroyed, not closed politely): a hub whose event loop is stuck draining their backlog
 * cannot read a close frame, but its next write fails and ends their subscriptions.
 */
export interface ArmRequest {
  readonly type: 'arm';
  readonly fromMs: number;
  readonly toMs: number;
  readonly hangUpAfterMs: number;
}

/** What the hub published in the measured window. */
export interface PublishedLog {
  /** Per unit id, the fix times (ms since epoch, ascending) accepted by the hub. */
  readonly fixes: Readonly<Record<string, readonly number[]>>;
  readonly callIds: readonly string[];
}

export interface CollectRequest {
  readonly type: 'collect';
  readonly published: PublishedLog;
  /** Done once nothing measured has arrived for this long after the window... */
  readonly quietMs: number;
  /** ...or once this long has passed since the window ended. */
  readonly maxWaitMs: number;
}

export interface DisconnectRequest {
  readonly type: 'disconnect';
}

export type ClientRequest = ConnectRequest | ArmRequest | CollectRequest | DisconnectRequest;

export interface ConnectReply {
  readonly type: 'connect';
  /** Consoles whose every socket was acknowledged by the server. */
  readonly connected: number;
  readonly failed: number;
  readonly sockets: number;
  readonly elapsedMs: number;
  readonly errorSamples: readonly string[];
}

export interface ArmReply {
  readonly type: 'arm';
}

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Minimum, median and maximum over the consoles. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export interface KindSummary {
  /** Events published in the window, i.e. what a console that missed nothing receives. */
  readonly expectedPerClient: number;
  /** Deliveries of measured events, summed over consoles. */
  readonly delivered: number;
  readonly deliveredPerClient: Spread;
  readonly latencyMs: LatencySummary;
  /** Consoles that received every measured event. */
  readonly completeClients: number;
  /** Undelivered events of which a later event of the same entity was delivered (latest wins, by design for positions). */
  readonly coalesced: number;
  /** Undelivered events that nothing later replaced: lost, or still queued when collection stopped. */
  readonly lost: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  /** Measured-window events that the hub did not report publishing. */
  readonly unexpected: number;
}

export interface ProcessLoad {
  /** User + system CPU over the measured window, as a share of one core. */
  readonly cpuCores: number;
  /** Share of the window the event loop was busy, 0 to 1 (the hub: its main thread's). */
  readonly eventLoopUtilization: number;
  /** The hub's gateway thread, when it has its own (GATEWAY_THREAD=worker): its event loop's busy share. */
  readonly gatewayEventLoopUtilization?: number | undefined;
  /** What the figures cover: the window, unless a starved event loop started the measurement late. */
  readonly spanSeconds: number;
  /** Cores busy on the whole machine over the same span, every process included (null off Linux). */
  readonly machineCores: number | null;
}

export interface DeliverySummary {
  readonly clients: number;
  readonly windowSeconds: number;
  /** From the window's start to the last measured receipt (at least the window). */
  readonly deliverySeconds: number;
  /** Deliveries of measured events per second, all consoles and kinds together. */
  readonly deliveredPerSecond: number;
  readonly kinds: Readonly<Record<SubscriptionKind, KindSummary>>;
  /** Consoles that received at least one event of each kind at any time (warm-up included). */
  readonly clientsThatReceivedBoth: number;
  /** Socket close codes seen before the disconnect phase (4008: too slow), with counts. */
  readonly closeCodes: Readonly<Record<string, number>>;
  /** GraphQL errors and subscription errors received. */
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly drainDeadlineReached: boolean;
  /** The consoles hung up at the deadline (see {@link ArmRequest}). */
  readonly hungUp: boolean;
  readonly load: ProcessLoad;
}

export interface CollectReply {
  readonly type: 'collect';
  readonly summary: DeliverySummary;
}

export interface DisconnectReply {
  readonly type: 'disconnect';
  readonly elapsedMs: number;
}

/** The request failed in the client process. */
export interface ErrorReply {
  readonly type: 'error';
  readonly message: string;
}

export type ClientReply = ConnectReply | ArmReply | CollectReply | DisconnectReply | ErrorReply;

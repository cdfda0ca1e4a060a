import type { SubscriptionStats } from '../../gateway/createGateway';
import { BENCH_OPERATIONS } from './benchOperations';
import type { BenchPath, ConnectReply, DeliverySummary, ProcessLoad, PerKind, SubscriptionKind } from './clientProtocol';
import type { LoadPublisher, PublishResult } from './createLoadPublisher';
import {
  type MemorySnapshot,
  type MemoryUnderLoad,
  createMemorySampler,
  type ThreadHeap,
  measureWindow,
  snapshotSettledMemory,
} from './measureProcess';
import type { SubscriptionBenchSettings } from './readSubscriptionBenchSettings';
import type { ClientProcess } from './startClientProcess';
import { GATEWAY_SIGNATURE_HEADER, GATEWAY_SIGNATURE_PARAM, createGatewaySigner, signHttpRequest } from '../../wire/gatewaySignature';
import type { SubscriptionHub } from './startSubscriptionHub';
import { mb } from '../reportTable';

/** The hub's view of its subscriptions at one moment. */
export interface HubSubscriptionState {
  readonly gateway: SubscriptionStats;
  /** Change-feed subscribers of the subgraphs that own the two fields. */
  readonly feeds: { readonly avl: number; readonly calls: number };
}

/** Everything measured for one path. */
export interface PathResult {
  readonly path: BenchPath;
  readonly requestedClients: number;
  readonly connect: ConnectReply | null;
  readonly memory: {
    readonly baseline: MemorySnapshot;
    readonly idle: MemorySnapshot | null;
    readonly load: MemoryUnderLoad | null;
  };
  readonly hubLoad: ProcessLoad | null;
  readonly publish: PublishResult | null;
  /** Events the hub's sink rejected during the run (should be 0). */
  readonly rejected: number;
  readonly delivery: DeliverySummary | null;
  readonly state: { readonly idle: HubSubscriptionState | null; readonly loaded: HubSubscriptionState | null; readonly drained: HubSubscriptionState | null };
  readonly notes: readonly string[];
}

export interface PathContext {
  readonly bench: SubscriptionHub;
  readonly clients: ClientProcess;
  readonly publisher: LoadPublisher;
  readonly settings: SubscriptionBenchSettings;
  readonly log: (line: string) => void;
}

const CONNECT_TIMEOUT_MS = 45_000;
const REGISTER_TIMEOUT_MS = 15_000;
const QUIET_MS = 1_500;
const DRAIN_MAX_MS = 15_000;
const DISCONNECT_TIMEOUT_MS = 15_000;

/**
 * One path, as named phases: measure idle memory → connect the consoles → wait until the hub
 * holds their subscriptions → measure connected memory → publish (warm-up, then the measured
 * window) → collect what the consoles received → disconnect. A phase that fails or times out
 * ends the path with what was measured so far, noted.
 */
export async function runPath(path: BenchPath, context: PathContext): Promise<PathResult> {
  const { bench, clients, publisher, settings, log } = context;
  const notes: string[] = [];
  const state: { idle: HubSubscriptionState | null; loaded: HubSubscriptionState | null; drained: HubSubscriptionState | null } = {
    idle: null,
    loaded: null,
    drained: null,
  };
  const result = (fields: Partial<PathResult> & Pick<PathResult, 'memory'>): PathResult => ({
    path,
    requestedClients: settings.clients,
    connect: null,
    hubLoad: null,
    publish: null,
    rejected: 0,
    delivery: null,
    state,
    notes,
    ...fields,
  });

  const gatewayHeap: ThreadHeap = (options) => bench.hub.gateway.heapUsed(options);
  const baseline = await snapshotSettledMemory(500, gatewayHeap);
  log(`${path}: baseline RSS ${mb(baseline.rss)}, heap ${mb(baseline.heapUsed)}; connecting ${settings.clients} consoles`);
  const connect = await clients
    .connect(
      {
        path,
        clients: settings.clients,
        endpoints: endpointsOf(path, bench),
        operations: BENCH_OPERATIONS[path],
        unitIds: bench.units.map((unit) => unit.unitId),
        batchSize: 50,
        timeoutMs: CONNECT_TIMEOUT_MS,
        reader: settings.reader,
        connectionParams: connectionParamsOf(path),
        consoleParams: await consoleParamsOf(path, bench, settings),
        consoleHeaders: consoleHeadersOf(path, bench, settings.clients),
      },
      CONNECT_TIMEOUT_MS + 15_000,
    )
    .catch((error: unknown) => {
      notes.push(`connect failed: ${message(error)}`);
      return null;
    });
  if (!connect || connect.connected === 0) {
    if (connect) notes.push(`no console connected: ${connect.errorSamples.join(' | ')}`);
    await disconnect(context, path, notes);
    return result({ memory: { baseline, idle: null, load: null }, connect });
  }
  log(`${path}: ${connect.connected}/${settings.clients} consoles connected (${connect.sockets} sockets) in ${seconds(connect.elapsedMs)}`);
  if (connect.failed > 0) notes.push(`${connect.failed} consoles failed to connect: ${connect.errorSamples.join(' | ')}`);

  const registered = await waitFor(() => isRegistered(path, bench, connect.connected), REGISTER_TIMEOUT_MS);
  if (!registered) notes.push(`the hub did not show every subscription within ${seconds(REGISTER_TIMEOUT_MS)}: ${JSON.stringify(await stateOf(bench))}`);
  state.idle = await stateOf(bench);
  const idle = await snapshotSettledMemory(500, gatewayHeap);
  log(`${path}: connected and idle: RSS ${mb(idle.rss)}, heap ${mb(idle.heapUsed)}; ${describeState(state.idle)}`);

  const startMs = Date.now() + 200;
  const fromMs = startMs + settings.warmupSeconds * 1000;
  const toMs = fromMs + settings.seconds * 1000;
  const rejectedBefore = bench.hub.sink.stats().rejected;
  const sampler = createMemorySampler(gatewayHeap);
  const hubLoad = measureWindow(fromMs, toMs, bench.hub.gateway.thread === 'worker' ? (previous) => bench.hub.gateway.eventLoopUtilization(previous) : undefined);
  try {
    await clients.arm({ fromMs, toMs, hangUpAfterMs: DRAIN_MAX_MS });
  } catch (error) {
    notes.push(`arming the consoles failed: ${message(error)}`);
  }
  log(
    `${path}: publishing ${settings.fixesPerSecond} fixes/s + ${settings.callsPerSecond} calls/s: ` +
      `${settings.warmupSeconds} s warm-up, then ${settings.seconds} s measured`,
  );
  const publish = await publisher.run({ startMs, fromMs, toMs, sample: { everyMs: 500, run: sampler.sample }, settleTimeoutMs: 15_000 });
  const load = hubLoad.result();
  // A starved event loop may have skipped every tick that samples; keep at least the end state.
  sampler.sample();
  state.loaded = await stateOf(bench);
  const rejected = bench.hub.sink.stats().rejected - rejectedBefore;
  log(
    `${path}: published ${publish.achievedFixesPerSecond.toFixed(0)} fixes/s, ${publish.achievedCallsPerSecond.toFixed(1)} calls/s ` +
      `(skipped behind ${publish.skippedBehind}, failed ${publish.failed}); collecting deliveries`,
  );

  const collected = await clients
    .collect({ published: publish.log, quietMs: QUIET_MS, maxWaitMs: DRAIN_MAX_MS }, DRAIN_MAX_MS + 30_000)
    .catch((error: unknown) => {
      notes.push(`collect failed: ${message(error)}`);
      return null;
    });
  state.drained = await stateOf(bench);
  if (collected?.summary.hungUp) {
    notes.push(`the consoles hung up ${seconds(DRAIN_MAX_MS)} after the window, the hub still busy with their backlog; what had not arrived counts as lost`);
  } else if (collected?.summary.drainDeadlineReached) {
    notes.push(`deliveries were still arriving ${seconds(DRAIN_MAX_MS)} after the window; the rest counts as lost`);
  }
  if (collected) log(`${path}: collected; ${collected.summary.deliveredPerSecond.toFixed(0)} deliveries/s`);
  await disconnect(context, path, notes);
  return result({
    memory: { baseline, idle, load: sampler.summary() },
    connect,
    hubLoad: load,
    publish,
    rejected,
    delivery: collected?.summary ?? null,
  });
}

async function disconnect(context: PathContext, path: BenchPath, notes: string[]): Promise<void> {
  const { bench, clients, log } = context;
  log(`${path}: disconnecting`);
  await clients.disconnect(DISCONNECT_TIMEOUT_MS).catch((error: unknown) => notes.push(`disconnect failed: ${message(error)}`));
  const gone = await waitFor(async () => {
    const { gateway, feeds } = await stateOf(bench);
    return gateway.clients === 0 && gateway.sharedStreams === 0 && feeds.avl === 0 && feeds.calls === 0;
  }, DISCONNECT_TIMEOUT_MS);
  if (!gone) notes.push(`subscriptions still held after disconnecting: ${JSON.stringify(await stateOf(bench))}`);
}

/** ws:// URLs; direct consoles hold one socket per subgraph, gateway consoles one in all. */
function endpointsOf(path: BenchPath, bench: SubscriptionHub): Record<SubscriptionKind, string> {
  const ws = (url: string) => url.replace(/^http/, 'ws');
  return path === 'gateway'
    ? { position: ws(bench.hub.gatewayUrl), call: ws(bench.hub.gatewayUrl) }
    : { position: ws(bench.hub.subgraphs.avl.server.url), call: ws(bench.hub.subgraphs.calls.server.url) };
}

async function isRegistered(path: BenchPath, bench: SubscriptionHub, consoles: number): Promise<boolean> {
  const { gateway, feeds } = await stateOf(bench);
  return path === 'gateway'
    ? gateway.clients >= consoles && gateway.sharedStreams >= 2 && feeds.avl >= 1 && feeds.calls >= 1
    : feeds.avl >= consoles && feeds.calls >= consoles;
}

async function stateOf(bench: SubscriptionHub): Promise<HubSubscriptionState> {
  return {
    gateway: await bench.hub.gateway.subscriptionStats(),
    feeds: {
      avl: bench.hub.subgraphs.avl.subgraph.activeSubscriptions(),
      calls: bench.hub.subgraphs.calls.subgraph.activeSubscriptions(),
    },
  };
}

export function describeState({ gateway, feeds }: HubSubscriptionState): string {
  return (
    `gateway clients ${gateway.clients}, sharedStreams ${gateway.sharedStreams}, upstreamConnections ${gateway.upstreamConnections}, ` +
    `slowClientsDisconnected ${gateway.slowClientsDisconnected}; subgraph feeds avl ${feeds.avl}, calls ${feeds.calls}`
  );
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The gateway wants a stated purpose (the enriched call selects stream URLs, restricted); the rest is per console. */
function connectionParamsOf(path: BenchPath): PerKind {
  const params: Record<string, string> = path === 'gateway' ? { 'X-Purpose': 'BENCH-0001' } : {};
  return { position: params, call: params };
}

/**
 * Through the gateway, each operator's token (console i is operator i mod BENCH_OPERATORS);
 * straight to the subgraphs, a gateway signature per console, as the gateway signs each of its
 * upstream connections: a subgraph refuses a signature it has seen before.
 */
async function consoleParamsOf(path: BenchPath, bench: SubscriptionHub, settings: { clients: number; operators: number }): Promise<PerKind[]> {
  if (path === 'direct') {
    const signer = createGatewaySigner({ secret: bench.subgraphSigningSecret });
    const signed = (url: string) => ({ [GATEWAY_SIGNATURE_PARAM]: signer.signConnection(new URL(url).pathname) });
    return Array.from({ length: settings.clients }, () => ({ position: signed(bench.hub.subgraphs.avl.server.url), call: signed(bench.hub.subgraphs.calls.server.url) }));
  }
  const issue = bench.hub.issueToken;
  if (!issue) throw new Error('bench: the hub runs no development issuer to sign operator tokens');
  return Promise.all(
    Array.from({ length: Math.min(settings.operators, settings.clients) }, async (_, index) => {
      const params = { Authorization: `Bearer ${await issue({ subject: `bench-operator-${index + 1}`, roles: ['operator'], ttlSeconds: 24 * 3600 })}` };
      return { position: params, call: params };
    }),
  );
}

/** Upgrade headers per console: straight to the subgraphs, each upgrade signed afresh as the gateway signs it; through the gateway, none. */
function consoleHeadersOf(path: BenchPath, bench: SubscriptionHub, clients: number): PerKind[] {
  if (path === 'gateway') return [];
  const signer = createGatewaySigner({ secret: bench.subgraphSigningSecret });
  const signed = (url: string) => ({ [GATEWAY_SIGNATURE_HEADER]: signHttpRequest(signer, { method: 'GET', url }) });
  return Array.from({ length: clients }, () => ({ position: signed(bench.hub.subgraphs.avl.server.url), call: signed(bench.hub.subgraphs.calls.server.url) }));
}

// `npm run bench:query`: requests/s and latency of the flagship query through the gateway, beside
// the same subgraph fetches made directly in the plan's order (the floor a zero-overhead gateway
// could reach), in one run, against an in-process hub holding a simulated city.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLAGSHIP_QUERY } from '../schema/flagshipQuery';
import { type DirectExecutor, createDirectExecutor } from './createDirectExecutor';
import { type MemorySnapshot, formatCpu, formatErrors, formatLoadTable, formatMemory, formatOverhead } from './formatReport';
import { type LoadResult, measureLoad } from './measureLoad';
import { formatPlanInFull, formatPlanOutline, planQuery } from './planQuery';
import { GATEWAY_SIGNATURE_HEADER, createGatewaySigner, signHttpRequest } from '../wire/gatewaySignature';
import { assertLoopbackUrl, describeErrorReply, isErrorReply, postGraphQL } from './postGraphQL';
import { type BenchHub, startBenchHub } from './startBenchHub';
import { countDirectLists, countGatewayLists, formatCounts, sameCounts } from './summariseFlagship';

interface BenchSettings {
  readonly concurrency: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Rounds the measured time is split into, alternating the paths (see measureLoad). */
  readonly rounds: number;
  readonly databaseUrl: string | undefined;
  /** BENCH_PLAN=full prints the plan as @apollo/query-planner formats it, besides the outline. */
  readonly fullPlan: boolean;
}

/** How long the process may take to exit once the hub is closed before it is reported stuck. */
const EXIT_GRACE_MS = 10_000;

const INCIDENT_IDS_QUERY = 'query { incidents(first: 100) { edges { node { id } } } }';

function readBenchSettings(env: NodeJS.ProcessEnv): BenchSettings {
  const number = (name: string, fallback: number, valid: (value: number) => boolean) => {
    const raw = env[name]?.trim();
    const value = raw ? Number(raw) : fallback;
    if (!valid(value)) throw new Error(`${name}=${JSON.stringify(raw)} is not valid`);
    return value;
  };
  return {
    concurrency: number('BENCH_CONCURRENCY', 16, (v) => Number.isInteger(v) && v >= 1 && v <= 1024),
    seconds: number('BENCH_SECONDS', 10, (v) => v > 0 && v <= 600),
    warmupSeconds: number('BENCH_WARMUP_SECONDS', 3, (v) => v >= 0 && v <= 600),
    rounds: number('BENCH_ROUNDS', 5, (v) => Number.isInteger(v) && v >= 1 && v <= 100),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    fullPlan: env.BENCH_PLAN === 'full',
  };
}

/** Headers of every gateway request: set once the hub is up. */
let gatewayHeaders: () => Record<string, string> = () => ({});

function progress(message: string): void {
  console.log(`[bench ${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

/** Lists incidents through the gateway and keeps those whose flagship answer has nearby units. */
async function findIncidentIds(gatewayUrl: string): Promise<string[]> {
  const listed = await postGraphQL(gatewayUrl, INCIDENT_IDS_QUERY, {}, gatewayHeaders);
  if (isErrorReply(listed)) throw new Error(`bench: listing incidents failed: ${describeErrorReply(listed)}`);
  const edges = (listed.body?.data?.incidents as { edges: { node: { id: string } }[] } | undefined)?.edges ?? [];
  const kept: string[] = [];
  for (const { node } of edges) {
    const reply = await postGraphQL(gatewayUrl, FLAGSHIP_QUERY, { id: node.id }, gatewayHeaders);
    if (isErrorReply(reply)) throw new Error(`bench: flagship query for ${node.id} failed: ${describeErrorReply(reply)}`);
    if ((countGatewayLists(reply.body?.data)['Incident.nearbyUnits'] ?? 0) > 0) kept.push(node.id);
  }
  progress(`incidents: ${edges.length} listed, ${kept.length} with nearby units`);
  if (kept.length === 0) throw new Error('bench: no incident has nearby units; the simulated city is empty');
  return kept;
}

/** Fails loudly unless the direct path finds as many units and cameras as the gateway, incident by incident. */
async function verifyDirectPath(gatewayUrl: string, direct: DirectExecutor, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const reply = await postGraphQL(gatewayUrl, FLAGSHIP_QUERY, { id }, gatewayHeaders);
    const result = await direct({ id });
    const failedFetch = result.fetches.find((fetch) => isErrorReply(fetch.reply));
    if (failedFetch) {
      const reason = describeErrorReply(failedFetch.reply);
      throw new Error(`bench: direct fetch to ${failedFetch.serviceName} failed for ${id}: ${reason}`);
    }
    const viaGateway = countGatewayLists(reply.body?.data);
    const viaDirect = countDirectLists(result);
    if (!sameCounts(viaGateway, viaDirect)) {
      throw new Error(
        `bench: the direct path disagrees with the gateway for incident ${id}:\n` +
          `  gateway: ${formatCounts(viaGateway)}\n  direct:  ${formatCounts(viaDirect)}`,
      );
    }
    if (id === ids[0]) {
      progress(`verify: sample incident ${id}: gateway ${formatCounts(viaGateway)}; direct ${formatCounts(viaDirect)}`);
    }
  }
  progress(`verify: direct path agrees with the gateway on all ${ids.length} incidents`);
}

/** The two request functions under load: one gateway request, or the plan's fetches made directly. */
function createRequests(gatewayUrl: string, direct: DirectExecutor) {
  const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  return {
    gateway: async (id: string) => {
      try {
        const reply = await postGraphQL(gatewayUrl, FLAGSHIP_QUERY, { id }, gatewayHeaders);
        return isErrorReply(reply) ? describeErrorReply(reply) : null;
      } catch (error) {
        return describe(error);
      }
    },
    direct: async (id: string) => {
      try {
        const result = await direct({ id });
        const failed = result.fetches.find((fetch) => isErrorReply(fetch.reply));
        return failed ? `${failed.serviceName} ${describeErrorReply(failed.reply)}` : null;
      } catch (error) {
        return describe(error);
      }
    },
  };
}

async function measurePaths(
  gatewayUrl: string,
  direct: DirectExecutor,
  ids: readonly string[],
  settings: BenchSettings,
  memory: MemorySnapshot[],
): Promise<{ gateway: LoadResult; direct: LoadResult }> {
  const { concurrency, seconds, warmupSeconds, rounds } = settings;
  progress(`measure: concurrency ${concurrency}, ${warmupSeconds} s warm-up, ${seconds} s measured per path in ${rounds} rounds`);
  const results = await measureLoad({
    paths: createRequests(gatewayUrl, direct),
    concurrency,
    seconds,
    warmupSeconds,
    rounds,
    inputs: ids,
    onProgress: progress,
  });
  memory.push({ label: 'after measuring', usage: process.memoryUsage() });
  return results;
}

function report(
  bench: BenchHub,
  settings: BenchSettings,
  ids: readonly string[],
  results: { gateway: LoadResult; direct: LoadResult },
  memory: readonly MemorySnapshot[],
): void {
  const rows = [
    { path: 'gateway', result: results.gateway },
    { path: 'direct', result: results.direct },
  ];
  console.log(
    `\nFlagship query on ${bench.storage}, ${ids.length} incidents cycled, concurrency ${settings.concurrency}, ` +
      `${settings.seconds} s per path in ${settings.rounds} alternating rounds after ${settings.warmupSeconds} s warm-up ` +
      '(latency of successful requests)\n',
  );
  console.log(formatLoadTable(rows));
  console.log(`\n${formatOverhead(results.gateway, results.direct)}`);
  console.log(`\nhub, gateway and load generator share one Node process:\n${formatCpu(rows)}`);
  const errors = formatErrors(rows);
  if (errors) console.log(`\nerrors:\n${errors}`);
  console.log(`\n${formatMemory(memory)}\n`);
}

async function main(): Promise<void> {
  const settings = readBenchSettings(process.env);
  const memory: MemorySnapshot[] = [{ label: 'start', usage: process.memoryUsage() }];

  const storage = settings.databaseUrl ? 'PostgreSQL' : 'embedded PGlite';
  progress(`setup: starting the hub on ${storage}, playing 20 simulated minutes of the city …`);
  const bench = await startBenchHub({ databaseUrl: settings.databaseUrl });
  try {
    const { hub } = bench;
    const gatewayUrl = assertLoopbackUrl(hub.gatewayUrl);
    // An operator with a stated purpose: the flagship query reads live stream URLs (restricted).
    const token = await hub.issueToken?.({ subject: 'bench-operator', roles: ['operator'], ttlSeconds: 24 * 3600 });
    gatewayHeaders = () => ({ authorization: `Bearer ${token}`, 'x-purpose': 'BENCH-0001' });
    progress(`setup: ${bench.eventsDelivered} events delivered; gateway at ${gatewayUrl}`);
    const ids = await findIncidentIds(gatewayUrl);

    const supergraphSdl = readFileSync(join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8');
    const plan = planQuery(supergraphSdl, FLAGSHIP_QUERY);
    progress('plan: the gateway\'s query plan for FLAGSHIP_QUERY');
    console.log(formatPlanOutline(plan));
    if (settings.fullPlan) console.log(formatPlanInFull(plan));
    const subgraphUrls = Object.fromEntries(Object.entries(hub.subgraphs).map(([name, running]) => [name, running.server.url]));
    const signer = createGatewaySigner({ secret: bench.subgraphSigningSecret });
    const direct = createDirectExecutor(plan, subgraphUrls, (url, body) => ({
      [GATEWAY_SIGNATURE_HEADER]: signHttpRequest(signer, { method: 'POST', url, body }),
    }));
    await verifyDirectPath(gatewayUrl, direct, ids);

    memory.push({ label: 'before measuring', usage: process.memoryUsage() });
    const results = await measurePaths(gatewayUrl, direct, ids, settings, memory);
    report(bench, settings, ids, results, memory);
  } finally {
    progress('teardown: closing the hub' + (bench.storage === 'postgres' ? ` and dropping schemas ${bench.schemaPrefix}*` : ''));
    await bench.close();
  }
  // Everything is closed, so the process should end by itself; say so if something is left.
  setTimeout(() => {
    console.error('bench: still running after the hub closed; open handles:', process.getActiveResourcesInfo());
    process.exit(1);
  }, EXIT_GRACE_MS).unref();
}

main().catch((error: unknown) => {
  console.error('bench:query failed:', error);
  process.exitCode = 1;
});

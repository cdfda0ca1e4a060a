import type { LoadResult } from './measureLoad';

/** One measured path, named for the table. */
export interface PathResult {
  readonly path: string;
  readonly result: LoadResult;
}

/** A labelled `process.memoryUsage()` reading. */
export interface MemorySnapshot {
  readonly label: string;
  readonly usage: NodeJS.MemoryUsage;
}

const NS_PER_MS = 1e6;

const ms = (result: LoadResult, percentile: number) =>
  result.latency.count === 0 ? 'n/a' : (result.latency.percentile(percentile) / NS_PER_MS).toFixed(2);
const perSecond = (result: LoadResult) => result.requests / result.elapsedSeconds;

/** The results table: path, requests, req/s, p50/p90/p99 (successful requests), errors. */
export function formatLoadTable(rows: readonly PathResult[]): string {
  const header = ['path', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors'];
  const body = rows.map(({ path, result }) => [
    path,
    String(result.requests),
    perSecond(result).toFixed(1),
    ms(result, 50),
    ms(result, 90),
    ms(result, 99),
    String(result.errors),
  ]);
  return formatTable(header, body);
}

/** Gateway p50 minus direct p50, and how much of the direct throughput the gateway reaches. */
export function formatOverhead(gateway: LoadResult, direct: LoadResult): string {
  if (gateway.latency.count === 0 || direct.latency.count === 0 || perSecond(direct) === 0) {
    return 'gateway overhead: n/a (a path completed no successful request)';
  }
  const p50 = (gateway.latency.percentile(50) - direct.latency.percentile(50)) / NS_PER_MS;
  const p99 = (gateway.latency.percentile(99) - direct.latency.percentile(99)) / NS_PER_MS;
  const ratio = perSecond(gateway) / perSecond(direct);
  return [
    `gateway overhead: p50 ${signed(p50)} ms, p99 ${signed(p99)} ms`,
    `throughput ratio gateway/direct: ${ratio.toFixed(2)} (${(ratio * 100).toFixed(0)} % of the direct path's req/s)`,
  ].join('\n');
}

/** Where the time goes: process CPU per request, how busy the one event loop was, GC pauses. */
export function formatCpu(rows: readonly PathResult[]): string {
  return rows
    .map(({ path, result }) => {
      const { cpuMs, requests, eventLoopUtilization, gcPauseMs, elapsedSeconds } = result;
      const gcShare = (gcPauseMs.total / (elapsedSeconds * 1000)) * 100;
      return (
        `${path}: ${(cpuMs / Math.max(requests, 1)).toFixed(2)} ms process CPU per request, ` +
        `event loop busy ${(eventLoopUtilization * 100).toFixed(0)} %, ` +
        `GC pauses ${gcShare.toFixed(1)} % of the time (longest ${gcPauseMs.max.toFixed(1)} ms)`
      );
    })
    .join('\n');
}

/** Error descriptions seen, with counts; empty when there were none. */
export function formatErrors(rows: readonly PathResult[]): string {
  return rows
    .filter(({ result }) => result.errors > 0)
    .flatMap(({ path, result }) => [...result.errorSamples].map(([error, count]) => `  ${path}: ${count} × ${error}`))
    .join('\n');
}

/** RSS and heap at each snapshot, in MiB. */
export function formatMemory(snapshots: readonly MemorySnapshot[]): string {
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  return formatTable(
    ['memory (MiB)', 'rss', 'heap used', 'heap total', 'external'],
    snapshots.map(({ label, usage }) => [label, mib(usage.rss), mib(usage.heapUsed), mib(usage.heapTotal), mib(usage.external)]),
  );
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
}

/** Left-aligned first column, right-aligned numbers. */
function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

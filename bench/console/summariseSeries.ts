/** Percentiles and extremes of frame intervals, ms. */
export interface FrameSummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Frames that took longer than the budget. */
  readonly over: number;
  /** Share of the time spent in frames over the budget. */
  readonly overTimeShare: number;
  /** Frames per second over the span the intervals cover. */
  readonly fps: number;
}

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Summarises frame intervals against a budget (ms). */
export function summariseFrames(intervalsMs: readonly number[], budgetMs: number): FrameSummary {
  const sorted = [...intervalsMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  const slow = sorted.filter((value) => value > budgetMs);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
    over: slow.length,
    overTimeShare: total > 0 ? slow.reduce((sum, value) => sum + value, 0) / total : 0,
    fps: total > 0 ? (sorted.length / total) * 1000 : 0,
  };
}

/** Least-squares slope of y over x (per unit of x); 0 with fewer than two points. */
export function slope(points: readonly { readonly x: number; readonly y: number }[]): number {
  if (points.length < 2) return 0;
  const meanX = points.reduce((sum, { x }) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, { y }) => sum + y, 0) / points.length;
  const covariance = points.reduce((sum, { x, y }) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, { x }) => sum + (x - meanX) ** 2, 0);
  return variance === 0 ? 0 : covariance / variance;
}

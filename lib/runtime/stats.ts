export interface LatencyStats {
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  stdMs: number;
  /** (p90 - p10) / median, in percent: how noisy the runs were. */
  spreadPct: number;
}

/** Quantile by linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no samples');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  const variance = sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, sorted.length - 1);
  const median = quantile(sorted, 0.5);
  const p10 = quantile(sorted, 0.1);
  const p90 = quantile(sorted, 0.9);
  return {
    medianMs: median,
    p10Ms: p10,
    p90Ms: p90,
    meanMs: mean,
    minMs: sorted[0] as number,
    maxMs: sorted[sorted.length - 1] as number,
    stdMs: Math.sqrt(variance),
    spreadPct: median > 0 ? ((p90 - p10) / median) * 100 : 0,
  };
}

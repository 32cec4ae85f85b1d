import { mean, quantile, sampleSd } from '../stats/summary.js';

export interface LatencyStats {
  medianMs: number;
  /** 10th and 90th percentiles by the project's one quantile rule (lib/stats/summary.ts QUANTILE_RULE). */
  p10Ms: number;
  p90Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** Sample standard deviation (n - 1); 0 for a single run (no spread seen). */
  stdMs: number;
  /** (p90 - p10) / median, in percent: how noisy the runs were. */
  spreadPct: number;
}

/**
 * Summary of latency samples in ms: median, p10 and p90 by QUANTILE_RULE (lib/stats/summary.ts),
 * mean, min, max, sample standard deviation. InputError for no samples or a non-finite one.
 */
export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  const median = quantile(samplesMs, 0.5, 'samplesMs');
  const p10 = quantile(samplesMs, 0.1, 'samplesMs');
  const p90 = quantile(samplesMs, 0.9, 'samplesMs');
  const sd = sampleSd(samplesMs, 'samplesMs');
  return {
    medianMs: median,
    p10Ms: p10,
    p90Ms: p90,
    meanMs: mean(samplesMs, 'samplesMs'),
    minMs: samplesMs.reduce((m, v) => Math.min(m, v)),
    maxMs: samplesMs.reduce((m, v) => Math.max(m, v)),
    stdMs: Number.isNaN(sd) ? 0 : sd,
    spreadPct: median > 0 ? ((p90 - p10) / median) * 100 : 0,
  };
}

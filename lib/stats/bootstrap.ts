/** Percentile bootstrap intervals of a statistic of n paired observations (Efron & Tibshirani 1993, ch. 13). */
import { InputError } from '../errors.js';
import { createRng } from '../rng.js';
import { quantile } from './summary.js';

export interface BootstrapInterval {
  /** Lower and upper end: the (1 - confidence)/2 and (1 + confidence)/2 quantiles (QUANTILE_RULE) of the finite resampled statistics; NaN when none was finite. */
  low: number;
  high: number;
  /** Resamples drawn. */
  resamples: number;
  /** Resamples whose statistic was finite (a resample of tied values can make a correlation NaN: left out, counted here). */
  used: number;
  method: 'percentile';
}

/**
 * Percentile bootstrap: `resamples` times, draw n indices 0..n-1 uniformly with replacement
 * (pairs stay together: the statistic reads its observations through the indices) from
 * lib/rng.ts createRng(seed), and evaluate `statistic(indices)`; the interval is the percentile
 * interval of the finite values. Deterministic for a seed.
 * Seeds: an integer s in 0..2^32-1 is mulberry32's 32-bit starting state, one seed per state (2^32
 * distinct streams; nothing outside that range is accepted, so no two seeds alias). Each draw advances
 * the state by 0x6d2b79f5 and gives u in [0, 1); the index is floor(u * n); resample r uses draws
 * r*n .. r*n + n - 1.
 * Errors: InputError for n not an integer >= 1, seed not an integer in 0..2^32-1, resamples not an
 * integer in 1..10^7, confidence not in (0, 1).
 */
export function bootstrapInterval(
  n: number,
  statistic: (indices: readonly number[]) => number,
  options: { seed: number; resamples?: number; confidence?: number },
): BootstrapInterval {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(n) || n < 1) throw new InputError('n', n, 'an integer >= 1');
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 2 ** 32 - 1) throw new InputError('seed', options.seed, 'an integer from 0 to 4294967295 (2^32 - 1)');
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > 1e7) throw new InputError('resamples', resamples, 'an integer from 1 to 10000000');
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) throw new InputError('confidence', confidence, 'a number between 0 and 1 (exclusive)');
  const rng = createRng(options.seed);
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const indices = new Array<number>(n); // a fresh array each time: the statistic may keep it
    for (let i = 0; i < n; i++) indices[i] = rng.int(n);
    const v = statistic(indices);
    if (Number.isFinite(v)) values.push(v);
  }
  const tail = (1 - confidence) / 2;
  return {
    low: values.length > 0 ? quantile(values, tail) : Number.NaN,
    high: values.length > 0 ? quantile(values, 1 - tail) : Number.NaN,
    resamples,
    used: values.length,
    method: 'percentile',
  };
}

/**
 * Summary statistics of one sample: mean, sample standard deviation, median and quantiles, with ONE
 * quantile rule for all of paretonas (latency percentiles, `space` cost medians, bootstrap intervals).
 * simple-statistics 7.8.8 computes them; this module only validates the input and states the rule.
 */
import { mean as ssMean, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { InputError } from '../errors.js';

/**
 * The quantile rule (simple-statistics 7.8.8 `quantileSorted`), stated exactly. n sorted values
 * x(1) <= ... <= x(n) (1-based) and h = n * p computed in double precision (so 10 * 0.3 = 3 but
 * 3 * 0.1 = 0.30000000000000004).
 */
export const QUANTILE_RULE =
  'quantile(p) of n sorted values x(1..n): p = 0 gives x(1), p = 1 gives x(n); otherwise h = n*p (in double precision): ' +
  'h not an integer gives x(ceil(h)) (R type 1, numpy method "inverted_cdf"); h an integer gives (x(h) + x(h+1)) / 2 when n is even ' +
  '(R type 2, numpy "averaged_inverted_cdf") and x(h+1) when n is odd (simple-statistics 7.8.8 quantileSorted; so the median is the ' +
  'middle value, or the mean of the two middle values)';

/** Throws InputError unless `values` is a non-empty array of finite numbers. */
function checkSample(values: readonly number[], field: string, least = 1): void {
  if (values.length < least) throw new InputError(field, values, `at least ${least} number${least === 1 ? '' : 's'}`, `got ${values.length} value${values.length === 1 ? '' : 's'}`);
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new InputError(`${field}[${bad}]`, values[bad], 'a finite number');
}

/**
 * The p-quantile of `values` (any order; not modified) by QUANTILE_RULE, in the values' unit.
 * Errors: InputError for no values, a non-finite value, or p outside [0, 1].
 */
export function quantile(values: readonly number[], p: number, field = 'values'): number {
  checkSample(values, field);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new InputError('p', p, 'a number in [0, 1]');
  return quantileSorted([...values].sort((a, b) => a - b), p);
}

/** The median: quantile(values, 0.5) (the middle value, or the mean of the two middle ones). InputError as quantile. */
export function median(values: readonly number[], field = 'values'): number {
  return quantile(values, 0.5, field);
}

/** The arithmetic mean (simple-statistics' mean, Kahan-compensated sum / n). InputError for no values or a non-finite one. */
export function mean(values: readonly number[], field = 'values'): number {
  checkSample(values, field);
  return ssMean(values as number[]);
}

/**
 * The sample standard deviation sqrt(sum (x - mean)^2 / (n - 1)) (Bessel's correction; numpy's
 * std(ddof=1)); NaN for n < 2 (undefined: the caller says so). InputError for a non-finite value.
 */
export function sampleSd(values: readonly number[], field = 'values'): number {
  checkSample(values, field, 0);
  return values.length < 2 ? Number.NaN : sampleStandardDeviation(values as number[]);
}

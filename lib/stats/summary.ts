/**
 * Summary statistics of one sample: mean, sample standard deviation, median and quantiles, with ONE
 * quantile rule for all of paretonas (latency percentiles, `space` cost medians, bootstrap intervals).
 * simple-statistics 7.8.8 computes them; this module only validates the input and states the rule.
 */
import { mean as ssMean, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { InputError } from '../errors.js';
import { divideBy, powerOfTwoScale } from './scale.js';

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

/** Throws InputError unless `values` is an array of at least `least` finite numbers. */
function checkSample(values: readonly number[], field: string, least = 1): void {
  if (!Array.isArray(values)) throw new InputError(field, values, 'an array of finite numbers');
  if (values.length < least) throw new InputError(field, values, `at least ${least} number${least === 1 ? '' : 's'}`, `got ${values.length} value${values.length === 1 ? '' : 's'}`);
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new InputError(`${field}[${bad}]`, values[bad], 'a finite number');
}

/**
 * The p-quantile of `values` (any order; not modified) by QUANTILE_RULE, in the values' unit.
 * Any finite magnitude: when the mean of two neighbours overflows (both above 9e307), it is taken of
 * the halved values and doubled (exact), as numpy's quantile gives it.
 * Errors: InputError for not an array, no values, a non-finite value, or p outside [0, 1].
 */
export function quantile(values: readonly number[], p: number, field = 'values'): number {
  checkSample(values, field);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new InputError('p', p, 'a number in [0, 1]');
  const sorted = [...values].sort((a, b) => a - b);
  const q = quantileSorted(sorted, p);
  return Number.isFinite(q) ? q : 2 * quantileSorted(divideBy(sorted, 2), p);
}

/** The median: quantile(values, 0.5) (the middle value, or the mean of the two middle ones). InputError as quantile. */
export function median(values: readonly number[], field = 'values'): number {
  return quantile(values, 0.5, field);
}

/**
 * The arithmetic mean (simple-statistics' mean, Kahan-compensated sum / n). Any finite magnitude: when
 * the sum overflows (values near 1e308) the mean is taken of values / 2^ceil(log2 n) and scaled back (exact).
 * InputError for not an array, no values or a non-finite one.
 */
export function mean(values: readonly number[], field = 'values'): number {
  checkSample(values, field);
  const m = ssMean(values as number[]);
  if (Number.isFinite(m)) return m;
  const scale = 2 ** Math.ceil(Math.log2(values.length));
  return ssMean(divideBy(values, scale)) * scale;
}

/**
 * The sample standard deviation sqrt(sum (x - mean)^2 / (n - 1)) (Bessel's correction; numpy's
 * std(ddof=1)); NaN for n < 2 (undefined: the caller says so). Any finite magnitude: simple-statistics
 * works on values / scale (a power of 2 near the largest |value|, lib/stats/scale.ts; exact) and the sd
 * is scaled back, so squares near 1e-300 or 1e308 neither underflow to 0 nor overflow.
 * Errors: InputError for not an array, a non-finite value, or an sd beyond double precision (above
 * 1.8e308, or below 2.2e-308 and not 0: the field says which).
 */
export function sampleSd(values: readonly number[], field = 'values'): number {
  checkSample(values, field, 0);
  if (values.length < 2) return Number.NaN;
  const scale = powerOfTwoScale(values);
  const scaled = sampleStandardDeviation(divideBy(values, scale));
  const sd = scaled * scale;
  if (!Number.isFinite(sd)) throw new InputError(field, values, 'values whose standard deviation is at most 1.8e+308', 'its standard deviation overflows double precision (above 1.8e+308)');
  if (scaled !== 0 && sd < 2 ** -1022) throw new InputError(field, values, 'values whose standard deviation is 0 or at least 2.2e-308', 'its standard deviation underflows double precision (below 2.2e-308)');
  return sd;
}

/**
 * Correlation of two paired samples: Pearson r, Spearman rho (average ranks for ties) and Kendall
 * tau-b, with scipy 1.10.1's conventions (scipy.stats.pearsonr, spearmanr, kendalltau default).
 * Each returns NaN where scipy returns nan (fewer than 2 pairs, a constant sample): the caller says
 * why, never shows NaN or 0. Results are clipped to [-1, 1] (rounding), as scipy does.
 */
import { sampleCorrelation } from 'simple-statistics';
import { InputError } from '../errors.js';
import { divideBy, powerOfTwoScale } from './scale.js';

/** Names of the two samples in error lines (default 'x' and 'y'). */
export interface PairNames { names?: { x: string; y: string } }

/** Throws InputError unless x and y are equal-length arrays of finite numbers. */
export function checkPairs(x: readonly number[], y: readonly number[], options: PairNames = {}): void {
  const nx = options.names?.x ?? 'x';
  const ny = options.names?.y ?? 'y';
  for (const [field, v] of [[nx, x], [ny, y]] as const) {
    if (!Array.isArray(v)) throw new InputError(field, v, 'an array of finite numbers');
    const bad = v.findIndex((e) => typeof e !== 'number' || !Number.isFinite(e));
    if (bad >= 0) throw new InputError(`${field}[${bad}]`, v[bad], 'a finite number');
  }
  if (x.length !== y.length) throw new InputError(ny, y, `as many values as ${nx} (${x.length})`, `got ${y.length} values`);
}

const clip = (r: number): number => (Number.isNaN(r) ? r : Math.min(1, Math.max(-1, r)));

/** Pearson's r of checked samples: NaN for n < 2; exactly +-1 (or NaN for a tie) for n = 2, as scipy.stats.pearsonr. */
function pearsonOf(x: readonly number[], y: readonly number[]): number {
  if (x.length < 2) return Number.NaN;
  if (x.length === 2) return Math.sign((x[1] as number) - (x[0] as number)) * Math.sign((y[1] as number) - (y[0] as number)) || Number.NaN;
  // r is scale-free: divide each sample by a power of 2 near its largest magnitude (exact), so the sums of
  // squares neither underflow to 0 (values near 1e-300) nor overflow (near 1e308)
  return clip(sampleCorrelation(divideBy(x, powerOfTwoScale(x)), divideBy(y, powerOfTwoScale(y))));
}

/**
 * Ranks 1..n of `values`, ties given the average of the ranks they span (scipy.stats.rankdata's
 * default 'average'); e.g. [10, 20, 20, 5] -> [2, 3.5, 3.5, 1]. O(n log n). Values must be comparable numbers.
 */
export function rank(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1] as number] === values[order[i] as number]) j++;
    const average = (i + j + 2) / 2; // ranks i+1 .. j+1
    for (let k = i; k <= j; k++) ranks[order[k] as number] = average;
    i = j + 1;
  }
  return ranks;
}

/**
 * Pearson's product-moment correlation r = cov(x, y) / (s_x s_y) (simple-statistics
 * sampleCorrelation), in [-1, 1]; for n = 2 exactly +-1 (scipy's special case). NaN for n < 2 or a constant sample. InputError for unequal lengths or non-finite values.
 * Any finite magnitude: each sample is first divided by a power of 2 near its largest |value| (exact;
 * lib/stats/scale.ts), so values near 1e-300 or 1e308 give the r scipy gives for the same values rescaled.
 */
export function pearson(x: readonly number[], y: readonly number[], options: PairNames = {}): number {
  checkPairs(x, y, options);
  return pearsonOf(x, y);
}

/**
 * Spearman's rho: Pearson's r of the average ranks (scipy.stats.spearmanr). simple-statistics'
 * sampleRankCorrelation is not used: it ranks tied values by their sort order, not by the average.
 * NaN for n < 2 or a constant sample. InputError as pearson.
 */
export function spearman(x: readonly number[], y: readonly number[], options: PairNames = {}): number {
  checkPairs(x, y, options);
  return pearsonOf(rank(x), rank(y));
}

/** Sum of t(t-1)/2 over the runs of equal neighbours in `sorted` (tied pairs). */
function tiedPairs(n: number, same: (i: number) => boolean): number {
  let pairs = 0;
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && same(i)) run++;
    else { pairs += (run * (run - 1)) / 2; run = 1; }
  }
  return pairs;
}

/** Inversions of `a` (pairs i < j with a[i] > a[j]), counted by merge sort; sorts `a`. O(n log n). */
function inversions(a: number[]): number {
  let count = 0;
  const buffer = new Array<number>(a.length);
  for (let width = 1; width < a.length; width *= 2) {
    for (let lo = 0; lo < a.length - width; lo += 2 * width) {
      const mid = lo + width;
      const hi = Math.min(lo + 2 * width, a.length);
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if ((a[j] as number) < (a[i] as number)) { count += mid - i; buffer[k++] = a[j++] as number; }
        else buffer[k++] = a[i++] as number;
      }
      while (i < mid) buffer[k++] = a[i++] as number;
      while (j < hi) buffer[k++] = a[j++] as number;
      for (let m = lo; m < hi; m++) a[m] = buffer[m] as number;
    }
  }
  return count;
}

/**
 * Kendall's tau-b = (C - D) / sqrt((P - T_x)(P - T_y)): C concordant, D discordant pairs, P = n(n-1)/2,
 * T_x / T_y pairs tied in x / y (Kendall 1945; scipy.stats.kendalltau's default variant 'b').
 * Knight's O(n log n) algorithm (Knight 1966): sort by (x, y), count joint and x ties, count D as the
 * inversions of y by merge sort, then y ties; C - D = P - T_x - T_y + T_xy - 2D.
 * NaN for n < 2 or a constant sample (all pairs tied in x or in y), as scipy. InputError as pearson.
 */
export function kendallTauB(x: readonly number[], y: readonly number[], options: PairNames = {}): number {
  checkPairs(x, y, options);
  const n = x.length;
  const order = x.map((_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number) || (y[a] as number) - (y[b] as number));
  const xs = order.map((i) => x[i] as number);
  const ys = order.map((i) => y[i] as number);
  const total = (n * (n - 1)) / 2;
  const tieX = tiedPairs(n, (i) => xs[i] === xs[i - 1]);
  const tieXY = tiedPairs(n, (i) => xs[i] === xs[i - 1] && ys[i] === ys[i - 1]);
  const discordant = inversions(ys); // ys is now sorted
  const tieY = tiedPairs(n, (i) => ys[i] === ys[i - 1]);
  if (tieX === total || tieY === total) return Number.NaN;
  const concordantMinusDiscordant = total - tieX - tieY + tieXY - 2 * discordant;
  return clip(concordantMinusDiscordant / Math.sqrt(total - tieX) / Math.sqrt(total - tieY));
}

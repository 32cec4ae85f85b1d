/**
 * Rank correlation of two metrics over the same candidates (`paretonas correlate`, notebook 08):
 * does a cheap proxy (NASWOT, one epoch) rank architectures as a longer training does?
 *
 * Per candidate the x values and the y values are averaged (several values are repeated
 * evaluations: seeds, or several y runs); over those n per-candidate means this computes Spearman
 * rho (average ranks for ties, as scipy.stats.spearmanr), Kendall tau-b (scipy.stats.kendalltau's
 * default) and Pearson r, each with a seeded percentile bootstrap interval (candidates resampled
 * with replacement, lib/stats/bootstrap.ts).
 *
 * With repeated evaluations of a metric, a one-way random-effects ANOVA (lib/stats/variance-
 * components.ts) splits its variance into sigma^2_arch (between candidates) and sigma^2_noise
 * (within a candidate); the reliability of a k-evaluation mean is arch / (arch + noise / k)
 * (Spearman-Brown), and NNGPT's (004 in the papers) prediction of the Spearman rho two noisy
 * measurements of one quantity can reach is rho_S = (6/pi) arcsin(rho_P / 2) with rho_P =
 * sqrt(R_x R_y) (Spearman's attenuation; Pearson 1907 for the arcsin relation, exact for bivariate
 * normal data). NNGPT's condition for a trustworthy proxy is sigma^2_arch >> sigma^2_noise; this
 * module reads '>>' as SNR = arch / noise >= 10 and says so.
 */
import { InputError } from '../errors.js';
import { bootstrapInterval } from '../stats/bootstrap.js';
import { mean } from '../stats/summary.js';
import { kendallTauB, pearson, spearman } from '../stats/rank-correlation.js';
import { attenuatedPearson, spearmanFromPearson, varianceComponents, type VarianceField } from '../stats/variance-components.js';
import type { Observation } from './correlation-sources.js';

export type { Observation } from './correlation-sources.js';

/** A statistic over the per-candidate means and its bootstrap interval (NaN where it is undefined; `reason` says why). */
export interface CorrelationStatistic {
  value: number;
  /** The percentile bootstrap interval [low, high] at `confidence`. */
  ci: [number, number];
  /** Resamples whose statistic was defined (a resample with a constant x or y has none). */
  used: number;
  /** Why `value` is NaN, when it is. */
  reason?: string;
}

/** The variance components of one metric's repeated evaluations (in the metric's own units squared). */
export interface VarianceSummary {
  /** sigma^2 between candidates (clipped at 0 when the estimate is negative: `clipped`). */
  arch: number;
  /** sigma^2 within a candidate (the mean square within, MSW). */
  noise: number;
  /** arch / noise (Infinity when noise is 0). */
  snr: number;
  candidates: number;
  evaluations: number;
  /** The effective evaluations per candidate (n0 of the unbalanced ANOVA; k when balanced): the k of `reliability`. */
  k: number;
  /** arch / (arch + noise / k): the share of the variance of a candidate's mean that is between candidates (NaN when arch = noise = 0). */
  reliability: number;
  /** Whether the method-of-moments estimate of arch was negative and set to 0. */
  clipped: boolean;
  msb: number;
  msw: number;
  /** The one-way ANOVA F = MSB / MSW (scipy.stats.f_oneway's statistic). */
  f: number;
  /** Fields whose value in the metric's unit squared is beyond double range (NaN here; SNR and reliability are still given). Empty normally. */
  unrepresentable: VarianceSquared[];
}

export interface CorrelationResult {
  /** Candidates correlated (each with at least one x and one y value). */
  n: number;
  x: string;
  y: string;
  spearman: CorrelationStatistic;
  kendall: CorrelationStatistic;
  pearson: CorrelationStatistic;
  resamples: number;
  seed: number;
  confidence: number;
  reliability: {
    x: VarianceSummary | null;
    y: VarianceSummary | null;
    /** NNGPT's predicted Spearman rho from the two reliabilities (null without any repeated evaluation). */
    predictedSpearman: number | null;
  };
  /** Per-candidate means, in the observations' order. */
  means: { key: string; x: number; y: number; xCount: number; yCount: number }[];
  notes: string[];
}

export interface CorrelationOptions {
  /** Bootstrap resamples, 100 to 100,000 (default 2000). */
  resamples?: number;
  /** Bootstrap seed (default 0). */
  seed?: number;
  /** Interval coverage, in (0, 1) (default 0.95). */
  confidence?: number;
}

/** SNR = sigma^2_arch / sigma^2_noise from which NNGPT's condition sigma^2_arch >> sigma^2_noise is read as met. */
export const SNR_THRESHOLD = 10;
export const MIN_CANDIDATES = 3;

const isConstant = (values: readonly number[]): boolean => values.every((v) => v === values[0]);

/** The fields of a VarianceSummary in the metric's unit squared (NaN when beyond double range: see `unrepresentable`). */
export type VarianceSquared = VarianceField;

/**
 * A metric's variance components when some candidate has two or more values; null otherwise.
 * varianceComponents works on the values divided by a power of 2 (exact), so SNR, reliability, F
 * and k are taken from its scale-free `scaled` components and are right at any magnitude (values
 * near 1e308 or 1e-300 included); a sigma^2 whose value in the metric's unit squared is not a
 * double (above 1.8e308, or below 2.2e-308 while not 0) is NaN and named in `unrepresentable`
 * (never Infinity or a false 0).
 */
export function varianceSummary(groups: readonly (readonly number[])[]): VarianceSummary | null {
  if (!groups.some((g) => g.length >= 2)) return null;
  const c = varianceComponents(groups);
  const { arch, noise } = c.scaled;
  // Spearman-Brown with k = n0 (fractional when unbalanced), on the scaled components (the ratio is scale-free)
  const total = arch + noise / c.n0;
  return { arch: c.arch, noise: c.noise, snr: noise === 0 ? (arch > 0 ? Infinity : NaN) : arch / noise, candidates: c.candidates, evaluations: c.evaluations, k: c.n0, reliability: total > 0 ? arch / total : NaN, clipped: c.clipped, msb: c.msb, msw: c.msw, f: c.f, unrepresentable: c.unrepresentable };
}

function checkOptions(options: CorrelationOptions): Required<CorrelationOptions> {
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 0;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 100 || resamples > 100_000) throw new InputError('resamples', resamples, 'an integer from 100 to 100000');
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new InputError('seed', seed, 'an integer from 0 to 2^31-1');
  if (!(confidence > 0 && confidence < 1)) throw new InputError('confidence', confidence, 'a number between 0 and 1, e.g. 0.95');
  return { resamples, seed, confidence };
}

/** The names notes use for x and y: the metric names, or `accuracy (x)` / `accuracy (y)` when both are one metric (from two sources). */
export function axisLabels(names: { x: string; y: string }): { x: string; y: string } {
  return names.x === names.y ? { x: `${names.x} (x)`, y: `${names.y} (y)` } : names;
}

/**
 * Spearman, Kendall tau-b and Pearson over per-candidate means, with seeded bootstrap intervals and
 * (with repeated evaluations) the variance components and NNGPT's predicted Spearman.
 * Observations with no x or no y value are left out (counted in a note).
 *
 * @throws InputError for fewer than 3 candidates with both values, a non-finite value, or options
 *   out of range (resamples 100..100000, seed 0..2^31-1, confidence in (0, 1)).
 */
export function correlateObservations(obs: readonly Observation[], names: { x: string; y: string }, options: CorrelationOptions = {}): CorrelationResult {
  const { resamples, seed, confidence } = checkOptions(options);
  const label = axisLabels(names);
  const notes: string[] = [];
  for (const o of obs) {
    for (const [axis, values] of [['x', o.x], ['y', o.y]] as const) {
      const bad = values.find((v) => !Number.isFinite(v));
      if (bad !== undefined) throw new InputError(`${axis} (${label[axis]}) of ${o.key}`, bad, 'finite numbers');
    }
  }
  const used = obs.filter((o) => o.x.length > 0 && o.y.length > 0);
  if (used.length < obs.length) notes.push(`left out: ${obs.length - used.length} of ${obs.length} candidates without both ${label.x} and ${label.y}`);
  if (used.length < MIN_CANDIDATES) throw new InputError('candidates', used.length, `at least ${MIN_CANDIDATES} candidates with both ${label.x} and ${label.y}`, `got ${used.length} after matching`);
  const means = used.map((o) => ({ key: o.key, x: mean(o.x), y: mean(o.y), xCount: o.x.length, yCount: o.y.length }));
  const mx = means.map((m) => m.x);
  const my = means.map((m) => m.y);
  const constant = isConstant(mx) ? `${label.x} is the same for every candidate` : isConstant(my) ? `${label.y} is the same for every candidate` : undefined;
  const unused: [string, number][] = [];
  const statistic = (label: string, f: (x: number[], y: number[]) => number): CorrelationStatistic => {
    const value = f(mx, my);
    const boot = bootstrapInterval(means.length, (idx) => f(idx.map((i) => mx[i] as number), idx.map((i) => my[i] as number)), { seed, resamples, confidence });
    if (boot.used < boot.resamples) unused.push([label, boot.resamples - boot.used]);
    return { value, ci: [boot.low, boot.high], used: boot.used, ...(Number.isNaN(value) ? { reason: constant ?? 'undefined for these values' } : {}) };
  };
  const result: CorrelationResult = {
    n: means.length,
    x: names.x,
    y: names.y,
    spearman: statistic('Spearman rho', (x, y) => spearman(x, y)),
    kendall: statistic('Kendall tau-b', (x, y) => kendallTauB(x, y)),
    pearson: statistic('Pearson r', (x, y) => pearson(x, y)),
    resamples,
    seed,
    confidence,
    reliability: { x: varianceSummary(used.map((o) => o.x)), y: varianceSummary(used.map((o) => o.y)), predictedSpearman: null },
    means,
    notes,
  };
  if (constant) notes.push(`${constant}: no correlation is defined`);
  else if (unused.length) {
    const same = unused.length === 3 && unused.every(([, k]) => k === unused[0]?.[1]);
    const what = same ? `${unused[0]?.[1]} of ${resamples} resamples` : unused.map(([label, k]) => `${label} ${k} of ${resamples}`).join(', ');
    notes.push(`bootstrap: ${what} drew a constant ${label.x} or ${label.y} (no correlation defined), left out of the interval${same ? 's' : ''}`);
  }
  const { x, y } = result.reliability;
  if (x || y) {
    const [rx, ry] = [x?.reliability ?? 1, y?.reliability ?? 1];
    if (Number.isNaN(rx) || Number.isNaN(ry)) notes.push(`no predicted Spearman rho: ${Number.isNaN(rx) ? label.x : label.y} varies neither between nor within candidates (reliability undefined)`);
    else result.reliability.predictedSpearman = spearmanFromPearson(attenuatedPearson(rx, ry));
    for (const [axis, v] of [['x', x], ['y', y]] as const) {
      const name = label[axis];
      if (!v) notes.push(`${name} has one value per candidate: its reliability counts as 1 in the predicted Spearman rho (no repeats to estimate its noise)`);
      else {
        if (v.unrepresentable.length) notes.push(`${name}: ${v.unrepresentable.map((f) => (f === 'arch' ? 'sigma^2_arch' : f === 'noise' ? 'sigma^2_noise' : f.toUpperCase())).join(', ')} in ${name}'s unit squared ${v.unrepresentable.length === 1 ? 'is' : 'are'} beyond double range (above 1.8e308 or below 2.2e-308): not shown; SNR, F and reliability are ratios and are given`);
        if (v.clipped) notes.push(`${name}: the between-candidate variance estimate was negative (MSB < MSW), set to 0: the candidates' ${name} cannot be told apart from its noise`);
        const holds = v.snr >= SNR_THRESHOLD;
        notes.push(`${name}: SNR = sigma^2_arch / sigma^2_noise = ${Number.isFinite(v.snr) ? v.snr.toPrecision(3) : v.noise === 0 ? 'no noise (every repeat equal)' : 'undefined'}: NNGPT's condition sigma^2_arch >> sigma^2_noise (read as SNR >= ${SNR_THRESHOLD}) ${holds ? 'holds' : 'does not hold'}`);
      }
    }
  }
  return result;
}

/**
 * Variance components of repeated evaluations (one-way random-effects ANOVA, method of moments) and
 * the reliability relations NNGPT uses to predict a proxy's rank correlation (papers/004).
 */
import { InputError } from '../errors.js';
import { divideBy, powerOfTwoScale } from './scale.js';

/** The four sums-of-squares fields, in the metric's unit squared. */
export type VarianceField = 'arch' | 'noise' | 'msb' | 'msw';

export interface VarianceComponents {
  /** sigma^2 between candidates (architecture), (MSB - MSW) / n0, clipped at 0 (`clipped` says when: the estimate was negative). In the metric's unit squared. */
  arch: number;
  /** sigma^2 within a candidate (evaluation noise: seeds, repeats) = MSW, in the metric's unit squared. */
  noise: number;
  /** True when (MSB - MSW) / n0 was negative and `arch` was set to 0. */
  clipped: boolean;
  /** a: the number of candidates (groups). */
  candidates: number;
  /** N: the number of evaluations (all values). */
  evaluations: number;
  /** Effective evaluations per candidate, n0 = (N - sum n_i^2 / N) / (a - 1) (= n when balanced). */
  n0: number;
  /** Mean square between candidates, sum n_i (mean_i - mean)^2 / (a - 1). */
  msb: number;
  /** Mean square within candidates, sum_i sum_j (x_ij - mean_i)^2 / (N - a). */
  msw: number;
  /** F = MSB / MSW (scipy.stats.f_oneway's statistic); Infinity when MSW = 0 < MSB, NaN when both are 0. Scale-free: given at any magnitude. */
  f: number;
  /**
   * The power of 2 (2^e, e = floor(log2 of the largest |value|), 1 when all are 0) every value was divided
   * by before the sums (exact), so values near 1e-300 or 1e308 neither underflow to 0 nor overflow.
   */
  scale: number;
  /** arch, noise, msb, msw of values / scale: multiply by scale^2 for the metric's unit squared. Always finite; ratios of them (SNR, reliability) are exact at any magnitude. */
  scaled: Record<VarianceField, number>;
  /**
   * The fields whose value in the metric's unit squared is beyond double precision (scaled * scale^2 above
   * 1.8e308, or below 2.2e-308 while not 0: values of magnitude beyond about 1e154 or below 1e-154): those
   * fields are NaN (never Infinity or a false 0); `scaled` still holds them. Empty normally.
   */
  unrepresentable: VarianceField[];
}

/**
 * One-way random-effects ANOVA by the method of moments for unbalanced groups (Searle, Casella &
 * McCulloch 1992, sec. 3.6): E[MSW] = sigma^2_noise, E[MSB] = sigma^2_noise + n0 sigma^2_arch.
 * `groups[i]` holds the repeated evaluations of candidate i.
 * Any finite magnitude: the sums are taken over values / scale (see `scale`); a sigma^2 that is not a
 * double in the metric's unit squared is NaN and named in `unrepresentable`.
 * Errors: InputError for fewer than 2 candidates, an empty group, a non-finite value, or no repeats
 * at all (N = a: the noise cannot be estimated).
 */
export function varianceComponents(groups: readonly (readonly number[])[]): VarianceComponents {
  if (!Array.isArray(groups as unknown) || groups.length < 2) throw new InputError('groups', groups, 'at least 2 candidates', `got ${Array.isArray(groups as unknown) ? groups.length : 'no array'}`);
  groups.forEach((g: readonly number[], i: number) => {
    if (!Array.isArray(g) || g.length === 0) throw new InputError(`groups[${i}]`, g, 'at least one evaluation');
    const bad = g.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) throw new InputError(`groups[${i}][${bad}]`, g[bad], 'a finite number');
  });
  const a = groups.length;
  const sizes = groups.map((g) => g.length);
  const total = sizes.reduce((s, n) => s + n, 0);
  if (total === a) throw new InputError('groups', `${a} candidates with one evaluation each`, 'at least one candidate evaluated twice or more', 'no repeated evaluations: the noise cannot be estimated');
  const scale = powerOfTwoScale(...groups);
  groups = groups.map((g) => divideBy(g, scale));
  const means = groups.map((g) => g.reduce((s, v) => s + v, 0) / g.length);
  const grand = groups.reduce((s, g) => s + g.reduce((t, v) => t + v, 0), 0) / total;
  const ssb = means.reduce((s, m, i) => s + (sizes[i] as number) * (m - grand) ** 2, 0);
  const ssw = groups.reduce((s, g, i) => s + g.reduce((t, v) => t + (v - (means[i] as number)) ** 2, 0), 0);
  const msb = ssb / (a - 1);
  const msw = ssw / (total - a);
  const n0 = (total - sizes.reduce((s, n) => s + n * n, 0) / total) / (a - 1);
  const raw = (msb - msw) / n0;
  const f = msw > 0 ? msb / msw : msb > 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  const scaled: Record<VarianceField, number> = { arch: Math.max(0, raw), noise: msw, msb, msw };
  const unrepresentable: VarianceField[] = [];
  const inUnit = (field: VarianceField): number => {
    const v = scaled[field] * scale * scale;
    if (scaled[field] === 0 || (Number.isFinite(v) && Math.abs(v) >= 2 ** -1022)) return v;
    unrepresentable.push(field);
    return Number.NaN;
  };
  const arch = inUnit('arch'), noise = inUnit('noise'), msbUnit = inUnit('msb'), mswUnit = inUnit('msw');
  return { arch, noise, clipped: raw < 0, candidates: a, evaluations: total, n0, msb: msbUnit, msw: mswUnit, f, scale, scaled, unrepresentable };
}

/**
 * Spearman's rho of a bivariate normal pair with Pearson correlation rhoP: (6/pi) arcsin(rhoP / 2)
 * (Pearson 1907; exact for bivariate normal data), as NNGPT (papers/004) uses it. InputError outside [-1, 1].
 */
export function spearmanFromPearson(rhoP: number): number {
  if (typeof rhoP !== 'number' || !(rhoP >= -1 && rhoP <= 1)) throw new InputError('rhoP', rhoP, 'a correlation in [-1, 1]');
  return (6 / Math.PI) * Math.asin(rhoP / 2);
}

/**
 * Reliability of the mean of k evaluations: arch / (arch + noise / k), the share of its variance that is
 * between candidates (Spearman-Brown). k need not be whole (e.g. n0 of unbalanced repeats). NaN when
 * arch = noise = 0. InputError for k not a finite number > 0.
 */
export function reliability(c: Pick<VarianceComponents, 'arch' | 'noise'>, k: number): number {
  if (typeof k !== 'number' || !Number.isFinite(k) || !(k > 0)) throw new InputError('k', k, 'a number > 0 (evaluations per mean)');
  const total = c.arch + c.noise / k;
  return total > 0 ? c.arch / total : Number.NaN;
}

/**
 * Spearman's attenuation (1904): sqrt(rx ry), the largest Pearson correlation two noisy measurements with
 * reliabilities rx and ry of one quantity can reach. InputError for a reliability outside [0, 1].
 */
export function attenuatedPearson(rx: number, ry: number): number {
  for (const [field, r] of [['rx', rx], ['ry', ry]] as const) if (typeof r !== 'number' || !(r >= 0 && r <= 1)) throw new InputError(field, r, 'a reliability in [0, 1]');
  return Math.sqrt(rx * ry);
}

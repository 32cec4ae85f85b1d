import { InputError } from './errors.js';
import { formatMetric, isPreEvaluation, metricInfo } from './metrics.js';
import type { Limit } from './pareto/objectives.js';
import type { SearchSpace } from './space/space.js';

/** Space-file limit entries that are settings of a model, not bounds. */
const MODEL_KEYS = new Set(['model']);

/** The limits a space file declares (`constraints: {metric: {min?, max?}}`), in file order. */
export function spaceLimits(space: Pick<SearchSpace, 'constraints'>): Limit[] {
  const out: Limit[] = [];
  for (const [name, bounds] of Object.entries(space.constraints ?? {})) {
    if (!bounds) continue;
    const b = bounds as { min?: number; max?: number };
    const limit: Limit = { name };
    if (b.max !== undefined) limit.max = b.max;
    if (b.min !== undefined && b.min > 0) limit.min = b.min;
    for (const k of Object.keys(b)) if (!MODEL_KEYS.has(k) && k !== 'min' && k !== 'max') throw new InputError(`constraints.${name}.${k}`, b[k as 'min'], 'min, max (and model for peakSramBytes and latencyMs)');
    if (limit.max !== undefined || limit.min !== undefined) out.push(limit);
  }
  return out;
}

/**
 * Joins lists of limits into one, a limit per metric in order of first appearance: the tightest
 * max and the tightest min win (a `--constraint` can only tighten what the space file allows).
 * Unbounded sides (±Infinity, absent) are dropped. Throws when a metric's min exceeds its max.
 */
export function mergeLimits(...lists: readonly (readonly Limit[])[]): Limit[] {
  const byName = new Map<string, Limit>();
  for (const list of lists) {
    for (const l of list) {
      const cur = byName.get(l.name) ?? { name: l.name };
      if (l.max !== undefined && Number.isFinite(l.max)) cur.max = cur.max === undefined ? l.max : Math.min(cur.max, l.max);
      if (l.min !== undefined && Number.isFinite(l.min)) cur.min = cur.min === undefined ? l.min : Math.max(cur.min, l.min);
      byName.set(l.name, cur);
    }
  }
  const out = [...byName.values()].filter((l) => l.max !== undefined || l.min !== undefined);
  for (const l of out) {
    if (l.min !== undefined && l.max !== undefined && l.min > l.max) {
      throw new InputError(`limits on ${l.name}`, `>= ${l.min} and <= ${l.max}`, 'a min no larger than the max (space file, device profile and --constraint together)');
    }
  }
  return out;
}

/** What `runLimits` reads: the recorded configuration (old runs kept the space's two limits apart). */
export interface LimitFields {
  limits: readonly Limit[];
  macs?: { min: number; max: number };
  sramMaxBytes?: number;
}

/**
 * Every limit of a run: the space file's, the device profile's and `--constraint`'s, merged at the
 * start into `config.limits`. Runs recorded before that kept the space's MAC range and SRAM limit
 * in `config.macs` and `config.sramMaxBytes` only; they are joined in here, so both read the same.
 */
export function runLimits(config: LimitFields): Limit[] {
  const paper: Limit[] = [];
  if (config.macs) paper.push({ name: 'macs', ...(config.macs.min > 0 ? { min: config.macs.min } : {}), ...(Number.isFinite(config.macs.max) ? { max: config.macs.max } : {}) });
  if (config.sramMaxBytes !== undefined && Number.isFinite(config.sramMaxBytes)) paper.push({ name: 'peakSramBytes', max: config.sramMaxBytes });
  return mergeLimits(paper, config.limits);
}

/** Limits checked before evaluation (cost and predicted metrics): a proposal over one is rejected, never evaluated. */
export function hardLimits(limits: readonly Limit[], measuredLatency = false): Limit[] {
  return limits.filter((l) => isPreEvaluation(l.name, measuredLatency));
}

/** Limits that act through constrained dominance after evaluation (accuracy >= x, a trainer's own metric). */
export function evaluatedLimits(limits: readonly Limit[], measuredLatency = false): Limit[] {
  return limits.filter((l) => !isPreEvaluation(l.name, measuredLatency));
}

/** One line per limit, e.g. `flash <= 1024.0 KiB`, for summaries and the CLI. */
export function describeLimit(l: Limit): string {
  const m = metricInfo(l.name);
  const show = (v: number) => formatMetric(l.name, v, m.digits);
  if (l.min !== undefined && l.max !== undefined) return `${show(l.min)} <= ${m.label} <= ${show(l.max)}`;
  return l.max !== undefined ? `${m.label} <= ${show(l.max)}` : `${m.label} >= ${show(l.min as number)}`;
}

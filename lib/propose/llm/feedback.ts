import type { FrontEntry } from '../../pareto/front.js';
import { metricInfo } from '../../metrics.js';
import type { Limit, Objective } from '../../pareto/objectives.js';
import type { Outcome } from '../types.js';
import type { BlockConfig, Candidate } from '../../space/candidate.js';

/** One improvement attempt, as the sliding window keeps it: (problem, change, outcome). */
export interface Attempt {
  index: number;
  problem: string;
  change: string;
  outcome: string;
}

/** A metric as the feedback shows it: `MACs 95.0M`, `params 0.250M`, `SRAM 200KB`, `flash 850KB`, `latency 4.21ms`, `naswot 210.500`. */
const fmt = (name: string, v: number): string => {
  switch (name) {
    case 'macs':
      return `MACs ${(v / 1e6).toFixed(1)}M`;
    case 'params':
      return `params ${(v / 1e6).toFixed(3)}M`;
    case 'peakSramBytes':
      return `SRAM ${(v / 1024).toFixed(0)}KB`;
    case 'flashBytes':
      return `flash ${(v / 1024).toFixed(0)}KB`;
    case 'latencyMs':
      return `latency ${v.toFixed(2)}ms`;
    default:
      return `${name} ${Number.isInteger(v) ? v : v.toFixed(3)}`;
  }
};

/** The paper's two limits, whose feedback wording is fixed (recorded runs are replayed by their prompts). */
const PAPER_LIMITS = new Set(['macs', 'peakSramBytes']);

/**
 * The metrics shown for a candidate: the objectives, peak SRAM, then every other limited metric
 * (flash, latency, an evaluator's accuracy). A run limited by MACs and SRAM alone shows what it always did.
 */
function shownMetrics(objectives: readonly Objective[], limits: readonly Limit[]): string[] {
  const names = [...objectives.map((o) => o.name), 'peakSramBytes', ...limits.filter((l) => !PAPER_LIMITS.has(l.name)).map((l) => l.name)];
  return names.filter((n, i, all) => all.indexOf(n) === i);
}

/** Share of a limit within which a front member counts as near it (10 %). */
export const NEAR_LIMIT = 0.1;

/**
 * One suggestion per limit other than the paper's two that front members come within NEAR_LIMIT of
 * (over 90 % of a max, under 110 % of a min), with the metrics table's hint for lowering or raising it.
 */
function limitSuggestions(front: readonly FrontEntry<{ index: number }>[], limits: readonly Limit[]): string[] {
  const out: string[] = [];
  for (const l of limits) {
    if (PAPER_LIMITS.has(l.name)) continue;
    const m = metricInfo(l.name);
    const values = front.map((e) => e.values[l.name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (l.max !== undefined && l.max > 0) {
      const near = values.filter((v) => v > (1 - NEAR_LIMIT) * l.max!).length;
      if (near > 0) out.push(`${near} front members are within ${NEAR_LIMIT * 100}% of the ${fmt(l.name, l.max)} limit. ${m.lower ?? `Lower ${m.label}.`}`);
    }
    if (l.min !== undefined && l.min > 0) {
      const near = values.filter((v) => v < (1 + NEAR_LIMIT) * l.min!).length;
      if (near > 0) out.push(`${near} front members are within ${NEAR_LIMIT * 100}% of the ${fmt(l.name, l.min)} minimum. ${m.raise ?? `Raise ${m.label}.`}`);
    }
  }
  return out;
}

/** The fields that differ between two proposals, stage by stage ("new design" when not comparable). */
export function describeChange(before: unknown, after: unknown): string {
  const a = (before as Candidate | undefined)?.blocks;
  const b = (after as Candidate | undefined)?.blocks;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return 'a new design';
  const changes: string[] = [];
  b.forEach((blk, s) => {
    const old = a[s] as BlockConfig | undefined;
    if (!old || typeof blk !== 'object' || blk === null) return;
    const fields = Object.keys(blk).filter((k) => JSON.stringify((blk as unknown as Record<string, unknown>)[k]) !== JSON.stringify((old as unknown as Record<string, unknown>)[k]));
    if (fields.length) changes.push(`stage ${s + 1}: ${fields.map((f) => `${f} ${String((old as unknown as Record<string, unknown>)[f])}->${String((blk as unknown as Record<string, unknown>)[f])}`).join(', ')}`);
  });
  return changes.length ? changes.join('; ') : 'no change';
}

/**
 * What happened to a proposal, in one line: a rejection's reason and message as validation wrote
 * them, or the objectives, peak SRAM and every other limited metric (`limits`: the run's limits).
 */
export function describeOutcome(outcome: Outcome, objectives: readonly Objective[], joinedFront: boolean, limits: readonly Limit[] = []): string {
  if (outcome.kind === 'rejected') return `rejected (${outcome.reason}): ${outcome.message}`;
  if (outcome.kind === 'failed') return `evaluation failed: ${outcome.message}`;
  const shown = shownMetrics(objectives, limits).filter((n) => outcome.metrics[n] !== undefined);
  return `evaluated: ${shown.map((n) => fmt(n, outcome.metrics[n] as number)).join(', ')}; ${joinedFront ? 'joined the Pareto front' : 'dominated by the Pareto front'}`;
}

export interface FrontSummary {
  size: number;
  averages: Record<string, number>;
}

/**
 * The structured Pareto feedback of section III-B: the front with its metrics, averages and their
 * trend since the last summary, the best candidate, and targeted suggestions: the paper's for the
 * MAC budget (over 80 %) and SRAM (within 10 %), then one per further limit that members come near.
 * `limits` are the run's limits (`runLimits(config)`).
 */
export function paretoFeedback(
  front: readonly FrontEntry<{ index: number }>[],
  best: FrontEntry<{ index: number }> | undefined,
  objectives: readonly Objective[],
  limits: readonly Limit[],
  previous?: FrontSummary,
): { text: string; summary: FrontSummary } {
  const names = shownMetrics(objectives, limits);
  const macsMax = limits.find((l) => l.name === 'macs')?.max;
  const sramMax = limits.find((l) => l.name === 'peakSramBytes')?.max;
  const averages: Record<string, number> = {};
  for (const n of names) {
    const vals = front.map((e) => e.values[n]).filter((v): v is number => typeof v === 'number');
    if (vals.length) averages[n] = vals.reduce((a, b) => a + b, 0) / vals.length;
  }
  const lines = [`Current Pareto front (${front.length} candidates):`];
  for (const e of front.slice(0, 12)) lines.push(`- #${e.data?.index ?? '?'}: ${names.filter((n) => e.values[n] !== undefined).map((n) => fmt(n, e.values[n] as number)).join(', ')}`);
  if (front.length > 12) lines.push(`- ... and ${front.length - 12} more`);
  const trend = (n: string) => {
    const was = previous?.averages[n];
    const now = averages[n] as number;
    if (was === undefined || was === 0) return '';
    const pct = ((now - was) / Math.abs(was)) * 100;
    return Math.abs(pct) < 0.5 ? ' (unchanged)' : ` (${pct > 0 ? '+' : ''}${pct.toFixed(1)}% since the last summary)`;
  };
  lines.push(`Averages over the front: ${Object.keys(averages).map((n) => `${fmt(n, averages[n] as number)}${trend(n)}`).join(', ')}.`);
  const primary = objectives.find((o) => o.direction === 'max');
  if (best && primary) lines.push(`Best ${primary.name} so far: #${best.data?.index ?? '?'} with ${fmt(primary.name, best.values[primary.name] as number)}, ${fmt('macs', best.values.macs as number)}, ${fmt('params', best.values.params as number)}.`);
  const suggestions: string[] = [];
  const heavy = macsMax === undefined ? 0 : front.filter((e) => (e.values.macs as number) > 0.8 * macsMax).length;
  if (heavy > 0) suggestions.push(`${heavy} front members use over 80% of the ${fmt('macs', macsMax as number)} budget: reduce MACs (fewer layers or channels in late stages) while keeping ${primary?.name ?? 'quality'}.`);
  const tight = sramMax === undefined ? 0 : front.filter((e) => (e.values.peakSramBytes as number) > 0.9 * sramMax).length;
  if (tight > 0) suggestions.push(`${tight} front members are within 10% of the SRAM limit: use stride 2 earlier or smaller early expansion.`);
  suggestions.push(...limitSuggestions(front, limits));
  if (primary) suggestions.push(`Improve ${primary.name} at equal or lower MACs and params than the front members, or find a cheaper design with similar ${primary.name}.`);
  lines.push('Suggestions:', ...suggestions.map((s) => `- ${s}`));
  return { text: lines.join('\n'), summary: { size: front.length, averages } };
}

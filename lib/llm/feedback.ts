import type { FrontEntry } from '../pareto/front.js';
import type { Objective } from '../pareto/objectives.js';
import type { Outcome } from '../propose/types.js';
import type { BlockConfig, Candidate } from '../space/candidate.js';

/** One improvement attempt, as the sliding window keeps it: (problem, change, outcome). */
export interface Attempt {
  index: number;
  problem: string;
  change: string;
  outcome: string;
}

const fmt = (name: string, v: number): string =>
  name === 'macs' ? `MACs ${(v / 1e6).toFixed(1)}M` : name === 'params' ? `params ${(v / 1e6).toFixed(3)}M` : name === 'peakSramBytes' ? `SRAM ${(v / 1024).toFixed(0)}KB` : `${name} ${Number.isInteger(v) ? v : v.toFixed(3)}`;

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

/** What happened to a proposal, in one line. */
export function describeOutcome(outcome: Outcome, objectives: readonly Objective[], joinedFront: boolean): string {
  if (outcome.kind === 'rejected') return `rejected (${outcome.reason}): ${outcome.message}`;
  if (outcome.kind === 'failed') return `evaluation failed: ${outcome.message}`;
  const shown = [...objectives.map((o) => o.name), 'peakSramBytes'].filter((n, i, all) => all.indexOf(n) === i && outcome.metrics[n] !== undefined);
  return `evaluated: ${shown.map((n) => fmt(n, outcome.metrics[n] as number)).join(', ')}; ${joinedFront ? 'joined the Pareto front' : 'dominated by the Pareto front'}`;
}

export interface FrontSummary {
  size: number;
  averages: Record<string, number>;
}

/**
 * The structured Pareto feedback of section III-B: the front with its metrics, averages and their
 * trend since the last summary, the best candidate, and targeted suggestions.
 */
export function paretoFeedback(
  front: readonly FrontEntry<{ index: number }>[],
  best: FrontEntry<{ index: number }> | undefined,
  objectives: readonly Objective[],
  limits: { macsMax: number; sramMaxBytes: number },
  previous?: FrontSummary,
): { text: string; summary: FrontSummary } {
  const names = [...objectives.map((o) => o.name), 'peakSramBytes'].filter((n, i, all) => all.indexOf(n) === i);
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
  const heavy = front.filter((e) => (e.values.macs as number) > 0.8 * limits.macsMax).length;
  if (heavy > 0) suggestions.push(`${heavy} front members use over 80% of the ${fmt('macs', limits.macsMax)} budget: reduce MACs (fewer layers or channels in late stages) while keeping ${primary?.name ?? 'quality'}.`);
  const tight = front.filter((e) => (e.values.peakSramBytes as number) > 0.9 * limits.sramMaxBytes).length;
  if (tight > 0) suggestions.push(`${tight} front members are within 10% of the SRAM limit: use stride 2 earlier or smaller early expansion.`);
  if (primary) suggestions.push(`Improve ${primary.name} at equal or lower MACs and params than the front members, or find a cheaper design with similar ${primary.name}.`);
  lines.push('Suggestions:', ...suggestions.map((s) => `- ${s}`));
  return { text: lines.join('\n'), summary: { size: front.length, averages } };
}

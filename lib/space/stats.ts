import { withinLimit } from '../pareto/objectives.js';
import type { Totals } from '../cost/estimate.js';
import { createFastEvaluator } from './fast-cost.js';
import type { SramModel } from '../cost/sram.js';
import { createRng } from '../rng.js';
import type { Candidate } from './candidate.js';
import { sampleCandidates } from './sample.js';
import type { SearchSpace } from './space.js';

export interface SampledCandidate extends Totals {
  index: number;
  candidate: Candidate;
  /** Inside the space's MAC range and under its SRAM limit. */
  feasible: boolean;
}

/** Seeded samples of a space with their costs (fast path), for tables and histograms. */
export function sampleWithCosts(space: SearchSpace, count: number, seed: number, sram?: SramModel): SampledCandidate[] {
  const model = sram ?? space.constraints.peakSramBytes?.model ?? 'mcunet';
  const evaluate = createFastEvaluator(space, { model });
  return sampleCandidates(space, createRng(seed), count).map((candidate, index) => {
    const t = evaluate(candidate);
    return { index, candidate, ...t, feasible: meetsConstraints(space, t) };
  });
}

/** Whether totals meet the space's limits on cost metrics (MACs, params, flash, peak SRAM); other metrics are not looked at here. */
export function meetsConstraints(space: SearchSpace, t: Totals): boolean {
  for (const [name, b] of Object.entries(space.constraints)) {
    if (!b || !(name in t)) continue;
    if (!withinLimit(b, t[name as keyof Totals])) return false;
  }
  return true;
}

import type { Totals } from '../cost/estimate.js';
import { createFastEvaluator } from '../cost/fast.js';
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

export function meetsConstraints(space: SearchSpace, t: Totals): boolean {
  const { macs, peakSramBytes } = space.constraints;
  return (
    (macs?.min === undefined || t.macs >= macs.min) &&
    (macs?.max === undefined || t.macs <= macs.max) &&
    (peakSramBytes === undefined || t.peakSramBytes <= peakSramBytes.max)
  );
}

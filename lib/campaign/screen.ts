import { createFastEvaluator } from '../space/fast-cost.js';
import type { SramModel } from '../cost/sram.js';
import { lowerBlockNet, spaceNetOptions } from '../space/lower-blocks.js';
import type { LatencyEstimator } from '../latency/types.js';
import { COST_METRICS } from '../evaluate/cost.js';
import { withinLimit, type Limit } from '../pareto/objectives.js';
import type { Candidate } from '../space/candidate.js';
import type { SearchSpace } from '../space/space.js';
import { createRng } from '../rng.js';
import { sampleCandidates } from '../space/sample.js';
import { hardLimits } from '../limits.js';

const COSTS: ReadonlySet<string> = new Set(COST_METRICS);

/**
 * Whether a candidate meets every hard limit of a run (the same limits validation checks), for
 * proposers that screen before proposing (evolution). Cost limits use the closed-form fast path;
 * a latency limit lowers the graph and asks the latency estimator, only for candidates that
 * already meet the cost limits.
 */
export function limitScreen(space: SearchSpace, limits: readonly Limit[], sramModel: SramModel, latency?: LatencyEstimator, measuredLatency = false): (c: Candidate) => boolean {
  const hard = hardLimits(limits, measuredLatency);
  const costLimits = hard.filter((l) => COSTS.has(l.name));
  const latencyLimit = latency ? hard.find((l) => l.name === 'latencyMs') : undefined;
  const costs = createFastEvaluator(space, { model: sramModel });
  return (c) => {
    const t = costs(c);
    for (const l of costLimits) if (!withinLimit(l, t[l.name as 'macs'])) return false;
    if (!latencyLimit || !latency) return true;
    const graph = lowerBlockNet(c, spaceNetOptions(space));
    return withinLimit(latencyLimit, latency.latencyMs(graph));
  };
}

export interface FeasibilityReport {
  samples: number;
  /** Share of the samples meeting every hard limit at once. */
  all: number;
  /** Share meeting each hard limit alone. */
  perLimit: { limit: Limit; share: number }[];
}

/**
 * How often seeded uniform samples of the space meet the run's hard limits, together and one by
 * one. Latency (it lowers each graph) is asked only of samples that meet every cost limit, at
 * most 200 of them; its share is among those.
 */
export function sampleFeasibility(space: SearchSpace, limits: readonly Limit[], sramModel: SramModel, latency?: LatencyEstimator, measuredLatency = false, samples = 2000): FeasibilityReport {
  const hard = hardLimits(limits, measuredLatency);
  const costLimits = hard.filter((l) => COSTS.has(l.name));
  const latencyLimit = latency ? hard.find((l) => l.name === 'latencyMs') : undefined;
  const costs = createFastEvaluator(space, { model: sramModel });
  const met = costLimits.map(() => 0);
  let costFeasible = 0;
  let latencyAsked = 0;
  let latencyMet = 0;
  for (const c of sampleCandidates(space, createRng(20_151), samples)) {
    const t = costs(c);
    let ok = true;
    costLimits.forEach((l, k) => {
      if (withinLimit(l, t[l.name as 'macs'])) met[k] = (met[k] as number) + 1;
      else ok = false;
    });
    if (!ok) continue;
    costFeasible++;
    if (latencyLimit && latency && latencyAsked < 200) {
      latencyAsked++;
      const graph = lowerBlockNet(c, spaceNetOptions(space));
      if (withinLimit(latencyLimit, latency.latencyMs(graph))) latencyMet++;
    }
  }
  const perLimit = costLimits.map((limit, k) => ({ limit, share: (met[k] as number) / samples }));
  if (latencyLimit && latencyAsked > 0) perLimit.push({ limit: latencyLimit, share: latencyMet / latencyAsked });
  const all = latencyLimit ? (latencyAsked > 0 ? latencyMet : 0) : costFeasible;
  return { samples, all, perLimit };
}

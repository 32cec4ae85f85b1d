import { createFastEvaluator } from '../cost/fast.js';
import type { SramModel } from '../cost/sram.js';
import { lowerBlockNet } from '../graph/lower-blocks.js';
import type { LatencyEstimator } from '../latency/types.js';
import type { Limit } from '../pareto/objectives.js';
import type { Candidate } from '../space/candidate.js';
import type { SearchSpace } from '../space/space.js';
import { hardLimits } from './limits.js';

const COSTS = new Set(['macs', 'params', 'flashBytes', 'peakSramBytes']);

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
  const within = (l: Limit, v: number) => (l.min === undefined || v >= l.min) && (l.max === undefined || v <= l.max);
  return (c) => {
    const t = costs(c);
    for (const l of costLimits) if (!within(l, t[l.name as 'macs'])) return false;
    if (!latencyLimit || !latency) return true;
    const graph = lowerBlockNet(c, { resolution: space.input.resolution, classes: space.classes, inputChannels: space.input.channels, dropout: space.head.dropout });
    return within(latencyLimit, latency.latencyMs(graph));
  };
}

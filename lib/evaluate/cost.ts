import { estimateCosts } from '../cost/estimate.js';
import type { SramModel } from '../cost/sram.js';
import type { Graph } from '../graph/types.js';
import type { Evaluation, EvaluationInput, Evaluator } from './types.js';

export interface CostEvaluatorOptions {
  /** SRAM model of peakSramBytes (default mcunet, as everywhere in paretonas). */
  sram?: SramModel;
}

export const COST_METRICS = ['macs', 'params', 'flashBytes', 'peakSramBytes'] as const;

/** The analytical costs of a graph as metrics (MACs and params per image, int8 bytes). */
export function costMetrics(graph: Graph, sram: SramModel = 'mcunet'): Record<(typeof COST_METRICS)[number], number> {
  const c = estimateCosts(graph, { model: sram });
  return { macs: c.macs, params: c.params, flashBytes: c.flashBytes, peakSramBytes: c.peakSramBytes };
}

/**
 * No training, no inference: the metrics are the cost model's estimates (`macs`, `params`,
 * `flashBytes`, `peakSramBytes`) of the candidate's graph. Deterministic and fast (milliseconds).
 */
export function costEvaluator(options: CostEvaluatorOptions = {}): Evaluator {
  const sram = options.sram ?? 'mcunet';
  return {
    name: 'cost',
    metrics: COST_METRICS,
    async evaluate(input: EvaluationInput): Promise<Evaluation> {
      const start = process.hrtime.bigint();
      const metrics = costMetrics(input.graph, sram);
      return { metrics, seconds: Number(process.hrtime.bigint() - start) / 1e9, details: { sram } };
    },
  };
}

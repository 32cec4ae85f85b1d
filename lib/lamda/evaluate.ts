/**
 * LAMDA's evaluation (Table 3) for any generator: for each base model, twelve latency targets
 * spread below its measured latency; per model the base latency, the mean required and generated
 * (measured) latency, MAE, MAPE, generation time and success rate of section 5.1.
 */
import { InputError } from '../errors.js';
import type { Graph } from '../graph/types.js';
import { buildZooModel } from '../graph/zoo/index.js';
import type { MeasureOptions } from '../runtime/latency.js';
import { measureGraph } from '../runtime/latency.js';
import type { Generator, SlicingPlan } from './generator.js';
import type { LoopResult } from './loop.js';
import { runLamdaLoop } from './loop.js';
import type { LatencyEstimator } from './verify.js';
import { classesOf } from './verify.js';

/** The seven base models of LAMDA's Table 3, as the zoo names them. */
export const TABLE3_MODELS = ['alexnet', 'resnet18', 'mobilenet_v2', 'mnasnet1_0', 'googlenet', 'vgg16', 'squeezenet1_0'] as const;

/**
 * `count` targets spread geometrically from `from` to `to` times the base latency. The paper's
 * targets average 10–30% of each base model's latency (Table 3), so the default is 0.1 to 0.8.
 */
export function latencyTargets(baseMs: number, count = 12, from = 0.1, to = 0.8): number[] {
  if (!(baseMs > 0)) throw new InputError('base latency', baseMs, 'a positive number of ms');
  if (!Number.isInteger(count) || count < 1) throw new InputError('targets', count, 'a positive integer');
  if (!(from > 0 && from <= to && to < 1)) throw new InputError('target range', [from, to], '0 < from <= to < 1 (fractions of the base latency)');
  if (count === 1) return [baseMs * Math.sqrt(from * to)];
  return Array.from({ length: count }, (_, k) => baseMs * from * (to / from) ** (k / (count - 1)));
}

export interface EvaluationOptions {
  /** Zoo model names (or graphs) to rewrite. */
  models: readonly (string | Graph)[];
  /** A fresh generator for each run (generators may keep state). */
  generator: () => Generator;
  estimator: LatencyEstimator;
  targets?: number;
  range?: readonly [number, number];
  maxRounds?: number;
  verifyLatency?: boolean;
  slicing?: SlicingPlan;
  band?: number;
  /** How base and generated models are timed (default 20 runs after 3 warm-up runs). */
  measure?: MeasureOptions;
  /** Base latencies already measured, by graph name (so that compared generators share targets). */
  baseMs?: Readonly<Record<string, number>>;
  onResult?: (model: string, index: number, total: number, result: LoopResult) => void;
}

export interface ModelEvaluation {
  model: string;
  generator: string;
  baseMeasuredMs: number;
  basePredictedMs: number;
  targetsMs: number[];
  results: LoopResult[];
  meanRequiredMs: number;
  /** Mean measured latency of the generated models (runs without a valid model are left out). */
  meanGeneratedMs: number;
  mae: number;
  mapePct: number;
  meanRounds: number;
  /** Mean time of the loop (generation and verification) per target. */
  meanGenerationS: number;
  successPct: number;
  /** Targets for which no valid model came out. */
  failures: number;
}

/** How base and generated models are timed unless told otherwise. */
export const DEFAULT_MEASURE: MeasureOptions = { runs: 20, warmup: 3 };

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

export async function evaluateGenerator(options: EvaluationOptions): Promise<ModelEvaluation[]> {
  const measure = options.measure ?? DEFAULT_MEASURE;
  const out: ModelEvaluation[] = [];
  for (const model of options.models) {
    const base = typeof model === 'string' ? buildZooModel(model) : model;
    const baseMeasuredMs = options.baseMs?.[base.name] ?? (await measureGraph(base, measure)).medianMs;
    const targetsMs = latencyTargets(baseMeasuredMs, options.targets ?? 12, options.range?.[0], options.range?.[1]);
    const results: LoopResult[] = [];
    let generator = '';
    for (const [k, targetMs] of targetsMs.entries()) {
      const g = options.generator();
      generator = g.name;
      const result = await runLamdaLoop(base, {
        generator: g,
        estimator: options.estimator,
        requirements: { targetMs, classes: classesOf(base), band: options.band },
        maxRounds: options.maxRounds,
        verifyLatency: options.verifyLatency,
        slicing: options.slicing,
        measure,
      });
      results.push(result);
      options.onResult?.(base.name, k + 1, targetsMs.length, result);
    }
    out.push(summarize(base.name, generator, baseMeasuredMs, options.estimator.predictMs(base), targetsMs, results));
  }
  return out;
}

export function summarize(model: string, generator: string, baseMeasuredMs: number, basePredictedMs: number, targetsMs: number[], results: LoopResult[]): ModelEvaluation {
  const done = results.filter((r) => r.final?.measuredMs !== undefined);
  const errors = done.map((r) => Math.abs((r.final?.measuredMs as number) - r.targetMs));
  return {
    model,
    generator,
    baseMeasuredMs,
    basePredictedMs,
    targetsMs,
    results,
    meanRequiredMs: mean(targetsMs),
    meanGeneratedMs: mean(done.map((r) => r.final?.measuredMs as number)),
    mae: mean(errors),
    mapePct: 100 * mean(done.map((r) => r.final?.ape as number)),
    meanRounds: mean(results.map((r) => r.rounds.length)),
    meanGenerationS: mean(results.map((r) => r.generationMs / 1000)),
    successPct: (100 * results.filter((r) => r.success).length) / Math.max(1, results.length),
    failures: results.length - done.length,
  };
}

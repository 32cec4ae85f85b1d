/**
 * LAMDA's closed loop (paper section 4.2, Fig. 5): generate -> parse -> validate -> correct, up to
 * K rounds, each round handed to `onRound` (the CLI appends it to the run's records). The model
 * chosen at the end is measured for real in onnxruntime-node, so the result shows the target,
 * the predicted and the measured latency, their errors and the success criterion of section 5.1.
 */
import { InputError } from '../errors.js';
import type { Graph } from '../graph/types.js';
import type { MeasureOptions } from '../runtime/latency.js';
import { measureGraph } from '../runtime/latency.js';
import { describeDevice } from '../runtime/device.js';
import { serializeGraph } from './dsl.js';
import type { GenerationTask, Generator, GeneratorReply, RoundView, SlicingPlan } from './generator.js';
import { GenerationFailure } from './generator.js';
import { classificationTask, correctnessFeedback, refinementPrompt } from './refine.js';
import type { Defect, LatencyEstimator, Requirements } from './verify.js';
import { checkRequirements, verifyModelText } from './verify.js';

/** Section 5.1: a generation succeeds when the measured latency is within 30% of the target. */
export const SUCCESS_APE = 0.3;

export interface LoopOptions {
  generator: Generator;
  estimator: LatencyEstimator;
  requirements: Requirements;
  /** K, the most rounds (default 8). */
  maxRounds?: number;
  /** Check the predicted latency each round (default true; false is the Fig. 8 ablation). */
  verifyLatency?: boolean;
  /** How the final model is timed; false skips the real measurement (APE then uses the prediction). */
  measure?: MeasureOptions | false;
  slicing?: SlicingPlan;
  onRound?: (round: LoopRound) => void;
}

export interface LoopRound {
  round: number;
  generator: string;
  text: string;
  defects: Defect[];
  /** Table 1 lines, one per defect. */
  feedback: string[];
  /** The Table 2 refinement prompt the next round receives (absent when the round passed). */
  refinement?: string;
  /** The model parsed and has the task's head. */
  valid: boolean;
  /** Valid and every requirement met. */
  met: boolean;
  predictedMs?: number;
  macs?: number;
  params?: number;
  peakSramBytes?: number;
  generatorMs: number;
  meta?: Record<string, unknown>;
  calls?: GeneratorReply['calls'];
  /** The generator failed this round (an LLM call that failed after its retries); nothing was verified or fed back. */
  error?: string;
}

export interface LoopResult {
  generator: string;
  base: { name: string; predictedMs: number };
  targetMs: number;
  rounds: LoopRound[];
  /** The round whose model is the result (the first that met everything, else the closest valid one). */
  chosenRound?: number;
  final?: {
    text: string;
    graph: Graph;
    predictedMs: number;
    measuredMs?: number;
    /** |latency - target| / target, with the measured latency (the predicted one when not measured). */
    ape: number;
    /** |predicted - measured| / measured: how far the predictor was off on this model. */
    predictionError?: number;
    macs: number;
    params: number;
  };
  /** Every requirement met by the predictor's account. */
  met: boolean;
  /** Section 5.1's latency criterion (APE <= 30%); its accuracy criterion needs a trainer and is not judged here. */
  success: boolean;
  /** Time of the rounds (generation and verification), without the final measurement. */
  generationMs: number;
  durationMs: number;
}

/**
 * The round whose model is the result: the first that met everything; else, among valid rounds
 * within the hard limits (MACs, SRAM: a model over them cannot be deployed), the one whose
 * predicted latency is closest to the target both ways (section 5.1's APE), under it on a tie.
 */
function chooseRound(rounds: readonly LoopRound[], targetMs: number): LoopRound | undefined {
  const met = rounds.find((r) => r.met);
  if (met) return met;
  const valid = rounds.filter((r) => r.valid && r.predictedMs !== undefined);
  const withinLimits = valid.filter((r) => !r.defects.some((d) => d.kind === 'requirement' && d.requirement !== 'latency'));
  const pool = withinLimits.length ? withinLimits : valid;
  const gap = (r: LoopRound) => Math.abs((r.predictedMs as number) - targetMs);
  let best: LoopRound | undefined;
  for (const r of pool) {
    if (!best || gap(r) < gap(best) || (gap(r) === gap(best) && (r.predictedMs as number) <= targetMs && (best.predictedMs as number) > targetMs)) best = r;
  }
  return best ?? rounds.filter((r) => r.valid).pop();
}

/** Runs the loop for one base model and one target. */
export async function runLamdaLoop(base: Graph, options: LoopOptions): Promise<LoopResult> {
  const requirements = checkRequirements(options.requirements);
  const maxRounds = options.maxRounds ?? 8;
  if (!Number.isInteger(maxRounds) || maxRounds < 1 || maxRounds > 1000) throw new InputError('maxRounds', maxRounds, 'an integer from 1 to 1000');
  const verifyLatency = options.verifyLatency ?? true;
  await options.generator.check?.();
  const start = performance.now();
  const device = describeDevice(options.measure ? options.measure.threads ?? 1 : 1);
  const task: GenerationTask = {
    base,
    requirements,
    basePredictedMs: options.estimator.predictMs(base),
    device: `${device.cpu}, ${device.threads} thread, onnxruntime-node ${device.onnxruntime}`,
    slicing: options.slicing,
  };
  const rounds: LoopRound[] = [];
  const views: RoundView[] = [];
  const context = classificationTask(requirements.classes);
  let failuresInARow = 0;
  for (let round = 1; round <= maxRounds; round++) {
    const t0 = performance.now();
    let reply: GeneratorReply;
    try {
      reply = await options.generator.generate(task, views);
    } catch (err) {
      if (!(err instanceof GenerationFailure)) throw err;
      const failed: LoopRound = { round, generator: options.generator.name, text: '', defects: [], feedback: [], valid: false, met: false, generatorMs: performance.now() - t0, error: err.message, ...(err.calls.length ? { calls: err.calls } : {}) };
      rounds.push(failed);
      options.onRound?.(failed);
      // Two failed rounds in a row: the LLM is not answering; stop rather than wait K times.
      if (++failuresInARow >= 2) break;
      continue;
    }
    failuresInARow = 0;
    const generatorMs = performance.now() - t0;
    const verdict = verifyModelText(reply.text, requirements, options.estimator, { verifyLatency });
    const valid = verdict.graph !== undefined && !verdict.defects.some((d) => d.kind !== 'requirement');
    const met = valid && verdict.defects.length === 0;
    const record: LoopRound = {
      round,
      generator: options.generator.name,
      text: reply.text,
      defects: verdict.defects,
      feedback: verdict.defects.map(correctnessFeedback),
      ...(met ? {} : { refinement: refinementPrompt(verdict.defects, context) }),
      valid,
      met,
      predictedMs: verdict.predictedMs,
      macs: verdict.macs,
      params: verdict.params,
      peakSramBytes: verdict.peakSramBytes,
      generatorMs,
      ...(reply.meta ? { meta: reply.meta } : {}),
      ...(reply.calls?.length ? { calls: reply.calls } : {}),
    };
    rounds.push(record);
    views.push({ round, text: reply.text, defects: verdict.defects, predictedMs: verdict.predictedMs, meta: reply.meta });
    options.onRound?.(record);
    // Without latency verification, the first valid model meets everything checked (Fig. 8's "w/o" arm).
    if (met || reply.final) break;
  }
  const chosen = chooseRound(rounds, requirements.targetMs);
  const result: LoopResult = {
    generator: options.generator.name,
    base: { name: base.name, predictedMs: task.basePredictedMs },
    targetMs: requirements.targetMs,
    rounds,
    met: chosen?.met ?? false,
    success: false,
    generationMs: performance.now() - start,
    durationMs: 0,
  };
  if (chosen) {
    const verdict = verifyModelText(chosen.text, requirements, options.estimator, { verifyLatency: false });
    const graph = verdict.graph as Graph;
    const predictedMs = chosen.predictedMs as number;
    const measuredMs = options.measure === false ? undefined : (await measureGraph(graph, options.measure ?? {})).medianMs;
    const latency = measuredMs ?? predictedMs;
    result.chosenRound = chosen.round;
    result.final = {
      text: serializeGraph(graph),
      graph,
      predictedMs,
      ...(measuredMs !== undefined ? { measuredMs, predictionError: Math.abs(predictedMs - measuredMs) / measuredMs } : {}),
      ape: Math.abs(latency - requirements.targetMs) / requirements.targetMs,
      macs: chosen.macs as number,
      params: chosen.params as number,
    };
    result.success = result.final.ape <= SUCCESS_APE;
  }
  result.durationMs = performance.now() - start;
  return result;
}

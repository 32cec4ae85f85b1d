/**
 * LAMDA's tables, made from the rows lamda/ returns: Table 3 (evaluate), one row per loop run,
 * and the three ablations (slicing strategies, latency verification, generators compared).
 * Latencies in ms, errors in % or as a fraction (APE), as each column says.
 */
import type { GeneratorComparison, SlicingAblation, VerificationAblation } from '../lamda/ablate.js';
import type { ModelEvaluation } from '../lamda/evaluate.js';
import type { LoopResult } from '../lamda/loop.js';
import { SUCCESS_APE } from '../lamda/loop.js';
import { round } from './paper-tables.js';
import type { Table } from './table.js';

/** Table 3 of LAMDA, for one generator; accuracy columns need a trainer and are left out. */
export function table3(evaluations: readonly ModelEvaluation[]): Table {
  const generators = [...new Set(evaluations.map((e) => e.generator))];
  return {
    id: 'lamda-table-3',
    caption: `Generated models under ${evaluations[0]?.targetsMs.length ?? 12} latency targets per base model (LAMDA Table 3), generator ${generators.join(', ')}`,
    columns: ['Base model', 'Latency (ms)', 'Average required latency (ms)', 'Average generated latency (ms)', 'Latency error (MAE, ms)', 'Latency error (MAPE %)', 'Average rounds', 'Average generation time (s)', 'Success rate (%)', 'No valid model'],
    rows: evaluations.map((e) => [e.model, round(e.baseMeasuredMs, 2), round(e.meanRequiredMs, 2), round(e.meanGeneratedMs, 2), round(e.mae, 2), round(e.mapePct, 1), round(e.meanRounds, 1), round(e.meanGenerationS, 3), round(e.successPct, 0), e.failures]),
    notes: [
      'Latencies are measured in onnxruntime-node on this CPU (1 thread, batch 1, median); the loop itself runs on the latency predictor.',
      'MAE and MAPE average the targets that produced a model; the last column counts those that did not (they count as failures in the success rate).',
      `Success (section 5.1): measured latency within ${SUCCESS_APE * 100}% of the target. The paper also requires at most 5 points of accuracy loss, which needs a trainer and is not judged here.`,
    ],
  };
}

/** One row per loop run: target, predicted and measured latency, APE, rounds, success. */
export function runsTable(results: readonly LoopResult[], caption = 'LAMDA runs'): Table {
  return {
    id: 'lamda-runs',
    caption,
    columns: ['Base model', 'Generator', 'Target (ms)', 'Predicted (ms)', 'Measured (ms)', 'APE (%)', 'Predictor error (%)', 'Rounds', 'Met', 'Success'],
    rows: results.map((x) => [
      x.base.name,
      x.generator,
      round(x.targetMs, 2),
      round(x.final?.predictedMs, 2),
      round(x.final?.measuredMs, 2),
      x.final ? round(100 * x.final.ape, 1) : null,
      x.final?.predictionError !== undefined ? round(100 * x.final.predictionError, 1) : null,
      x.rounds.length,
      x.met ? 'yes' : 'no',
      x.success ? 'yes' : 'no',
    ]),
  };
}

/** Table 12 / Fig. 4: each slicing strategy's cuts and the latency error of what the generator made with it. */
export function slicingTable(a: SlicingAblation): Table {
  return {
    id: 'lamda-slicing',
    caption: `Slicing strategies within ${a.maxTokens} ${a.tokenizer} tokens (LAMDA Table 12, Fig. 4), generator ${a.generator}`,
    columns: ['Base model', 'Slicing', 'Slices', 'Cut edges', 'Severed edges', 'Mean tokens per slice', 'Max tokens per slice', 'Latency error (MAPE %)', 'Success rate (%)'],
    rows: a.rows.map((x) => [x.model, x.strategy, x.slices, x.cutEdges, x.severedEdges, round(x.meanTokens, 0), x.maxTokens, round(x.mapePct, 1), round(x.successPct, 0)]),
    notes: [
      'none: the whole text in one prompt; naive: fixed-size slices filled in order; dp: the fewest cut edges within the window (Algorithm 1).',
      ...(a.generator === 'width-search' ? ['width-search rewrites the whole graph and does not read slices: it makes the same models under every strategy, so differences in its error are measurement noise. An LLM generator reads one slice per call.'] : []),
    ],
  };
}

/** Fig. 8: APE of the measured latency with and without the latency check in the loop. */
export function verificationTable(a: VerificationAblation): Table {
  return {
    id: 'lamda-verification',
    caption: `Latency error (APE) with and without latency verification, ${a.model} (base ${a.baseMs.toFixed(2)} ms; LAMDA Fig. 8), generator ${a.generator}`,
    columns: ['Target (ms)', 'Measured with (ms)', 'APE with', 'Rounds with', 'Measured without (ms)', 'APE without', 'Rounds without'],
    rows: a.rows.map((x) => [round(x.targetMs, 2), round(x.with.measuredMs, 2), round(x.with.ape, 3), x.with.rounds, round(x.without.measuredMs, 2), round(x.without.ape, 3), x.without.rounds]),
    notes: ['Without verification the loop keeps the first model that parses and has the right head.'],
  };
}

/** Generators side by side over the same models and targets. */
export function generatorsTable(a: GeneratorComparison): Table {
  return {
    id: 'lamda-generators',
    caption: `Generators compared over ${a.targets} targets per base model`,
    columns: ['Generator', 'Base model', 'Base latency (ms)', 'Latency error (MAE, ms)', 'Latency error (MAPE %)', 'Success rate (%)', 'Average rounds', 'Average generation time (s)', 'No valid model'],
    rows: a.evaluations.map((e) => [e.generator, e.model, round(e.baseMeasuredMs, 2), round(e.mae, 2), round(e.mapePct, 1), round(e.successPct, 0), round(e.meanRounds, 1), round(e.meanGenerationS, 3), e.failures]),
  };
}

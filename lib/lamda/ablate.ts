/**
 * LAMDA's ablations for any generator: slicing strategies (Table 12 and Fig. 4: cut edges, tokens
 * per slice, the latency error of the result), with and without latency verification (Fig. 8),
 * and generators side by side.
 */
import type { Graph } from '../graph/types.js';
import { buildZooModel } from '../graph/zoo/index.js';
import { round as r } from '../report/paper-tables.js';
import type { Table } from '../report/table.js';
import type { MeasureOptions } from '../runtime/latency.js';
import { measureGraph } from '../runtime/latency.js';
import { serializeNodeLines } from './dsl.js';
import type { ModelEvaluation } from './evaluate.js';
import { DEFAULT_MEASURE, evaluateGenerator, latencyTargets, summarize } from './evaluate.js';
import type { Generator, SlicingPlan, SlicingStrategy } from './generator.js';
import type { LoopResult } from './loop.js';
import { runLamdaLoop } from './loop.js';
import { operatorsOf, sliceBy } from './slice.js';
import type { TokenizerName } from './tokens.js';
import { tokenCounter } from './tokens.js';
import type { LatencyEstimator } from './verify.js';
import { classesOf } from './verify.js';

const graphOf = (m: string | Graph): Graph => (typeof m === 'string' ? buildZooModel(m) : m);

export interface AblationCommon {
  generator: () => Generator;
  estimator: LatencyEstimator;
  targets?: number;
  maxRounds?: number;
  measure?: MeasureOptions;
  band?: number;
  /** Slicing and generator studies only: the verification study runs both arms. */
  verifyLatency?: boolean;
  onProgress?: (line: string) => void;
}

export interface SlicingAblationOptions extends AblationCommon {
  models: readonly (string | Graph)[];
  strategies?: readonly SlicingStrategy[];
  maxTokens: number;
  tokenizer?: TokenizerName;
}

export interface SlicingRow {
  model: string;
  strategy: SlicingStrategy;
  slices: number;
  cutEdges: number;
  severedEdges: number;
  meanTokens: number;
  maxTokens: number;
  mapePct: number;
  successPct: number;
}

/** Table 12 / Fig. 4: each slicing strategy's cuts and the latency error of what the generator makes with it. */
export async function slicingAblation(o: SlicingAblationOptions): Promise<{ rows: SlicingRow[]; table: Table }> {
  const tokenizer = o.tokenizer ?? 'qwen2.5';
  const count = tokenCounter(tokenizer);
  const strategies = o.strategies ?? ['none', 'naive', 'dp'];
  const rows: SlicingRow[] = [];
  const measure = o.measure ?? DEFAULT_MEASURE;
  for (const m of o.models) {
    const graph = graphOf(m);
    const ops = operatorsOf(graph, serializeNodeLines(graph), count);
    // One base measurement and one set of targets for every strategy, so only the slicing differs.
    const baseMs = (await measureGraph(graph, measure)).medianMs;
    const targetsMs = latencyTargets(baseMs, o.targets ?? 3);
    for (const strategy of strategies) {
      const slicing = sliceBy(strategy, ops, o.maxTokens);
      const plan: SlicingPlan = { strategy, maxTokens: o.maxTokens, tokenizer };
      const results: LoopResult[] = [];
      for (const targetMs of targetsMs) {
        results.push(await runLamdaLoop(graph, { generator: o.generator(), estimator: o.estimator, requirements: { targetMs, classes: classesOf(graph), band: o.band }, maxRounds: o.maxRounds, verifyLatency: o.verifyLatency, slicing: plan, measure }));
      }
      const e = summarize(graph.name, results[0]?.generator ?? '', baseMs, o.estimator.predictMs(graph), targetsMs, results);
      const tokens = slicing.slices.map((s) => s.tokens);
      rows.push({
        model: graph.name,
        strategy,
        slices: slicing.slices.length,
        cutEdges: slicing.cutEdges,
        severedEdges: slicing.severedEdges,
        meanTokens: tokens.reduce((a, b) => a + b, 0) / tokens.length,
        maxTokens: Math.max(...tokens),
        mapePct: e.mapePct,
        successPct: e.successPct,
      });
      o.onProgress?.(`${graph.name} ${strategy}: ${slicing.slices.length} slices, ${slicing.cutEdges} cut edges, MAPE ${e.mapePct.toFixed(1)}%`);
    }
  }
  const generator = o.generator().name;
  return {
    rows,
    table: {
      id: 'lamda-slicing',
      caption: `Slicing strategies within ${o.maxTokens} ${tokenizer} tokens (LAMDA Table 12, Fig. 4), generator ${generator}`,
      columns: ['Base model', 'Slicing', 'Slices', 'Cut edges', 'Severed edges', 'Mean tokens per slice', 'Max tokens per slice', 'Latency error (MAPE %)', 'Success rate (%)'],
      rows: rows.map((x) => [x.model, x.strategy, x.slices, x.cutEdges, x.severedEdges, r(x.meanTokens, 0), x.maxTokens, r(x.mapePct, 1), r(x.successPct, 0)]),
      notes: [
        'none: the whole text in one prompt; naive: fixed-size slices filled in order; dp: the fewest cut edges within the window (Algorithm 1).',
        ...(generator === 'width-search' ? ['width-search rewrites the whole graph and does not read slices: it makes the same models under every strategy, so differences in its error are measurement noise. An LLM generator reads one slice per call.'] : []),
      ],
    },
  };
}

export interface VerificationAblationOptions extends AblationCommon {
  model: string | Graph;
}

export interface VerificationRow {
  targetMs: number;
  with: { measuredMs: number | null; ape: number | null; rounds: number };
  without: { measuredMs: number | null; ape: number | null; rounds: number };
}

/** Fig. 8: APE of the measured latency with and without the latency check in the loop. */
export async function verificationAblation(o: VerificationAblationOptions): Promise<{ rows: VerificationRow[]; table: Table }> {
  const graph = graphOf(o.model);
  const measure = o.measure ?? DEFAULT_MEASURE;
  const baseMs = (await measureGraph(graph, measure)).medianMs;
  const classes = classesOf(graph);
  const rows: VerificationRow[] = [];
  for (const targetMs of latencyTargets(baseMs, o.targets ?? 5)) {
    const arm = async (verifyLatency: boolean) => {
      const res = await runLamdaLoop(graph, { generator: o.generator(), estimator: o.estimator, requirements: { targetMs, classes, band: o.band }, verifyLatency, maxRounds: o.maxRounds, measure });
      return { measuredMs: res.final?.measuredMs ?? null, ape: res.final?.ape ?? null, rounds: res.rounds.length };
    };
    const row = { targetMs, with: await arm(true), without: await arm(false) };
    rows.push(row);
    o.onProgress?.(`${graph.name} target ${targetMs.toFixed(2)} ms: APE ${row.with.ape?.toFixed(3)} with, ${row.without.ape?.toFixed(3)} without verification`);
  }
  return {
    rows,
    table: {
      id: 'lamda-verification',
      caption: `Latency error (APE) with and without latency verification, ${graph.name} (base ${baseMs.toFixed(2)} ms; LAMDA Fig. 8), generator ${o.generator().name}`,
      columns: ['Target (ms)', 'Measured with (ms)', 'APE with', 'Rounds with', 'Measured without (ms)', 'APE without', 'Rounds without'],
      rows: rows.map((x) => [r(x.targetMs, 2), r(x.with.measuredMs, 2), r(x.with.ape, 3), x.with.rounds, r(x.without.measuredMs, 2), r(x.without.ape, 3), x.without.rounds]),
      notes: ['Without verification the loop keeps the first model that parses and has the right head.'],
    },
  };
}

export interface GeneratorComparisonOptions extends Omit<AblationCommon, 'generator'> {
  models: readonly (string | Graph)[];
  generators: readonly (() => Generator)[];
  slicing?: SlicingPlan;
}

/** Generators side by side over the same models and targets. */
export async function generatorComparison(o: GeneratorComparisonOptions): Promise<{ evaluations: ModelEvaluation[]; table: Table }> {
  const evaluations: ModelEvaluation[] = [];
  const measure = o.measure ?? DEFAULT_MEASURE;
  const graphs = o.models.map(graphOf);
  const baseMs: Record<string, number> = {};
  for (const g of graphs) baseMs[g.name] = (await measureGraph(g, measure)).medianMs;
  for (const make of o.generators) {
    const e = await evaluateGenerator({ models: graphs, generator: make, estimator: o.estimator, targets: o.targets ?? 3, maxRounds: o.maxRounds, slicing: o.slicing, measure, baseMs, band: o.band, verifyLatency: o.verifyLatency });
    evaluations.push(...e);
    o.onProgress?.(`${make().name}: ${e.map((x) => `${x.model} MAPE ${x.mapePct.toFixed(1)}%`).join(', ')}`);
  }
  return {
    evaluations,
    table: {
      id: 'lamda-generators',
      caption: `Generators compared over ${o.targets ?? 3} targets per base model`,
      columns: ['Generator', 'Base model', 'Base latency (ms)', 'Latency error (MAE, ms)', 'Latency error (MAPE %)', 'Success rate (%)', 'Average rounds', 'Average generation time (s)', 'No valid model'],
      rows: evaluations.map((e) => [e.generator, e.model, r(e.baseMeasuredMs, 2), r(e.mae, 2), r(e.mapePct, 1), r(e.successPct, 0), r(e.meanRounds, 1), r(e.meanGenerationS, 3), e.failures]),
    },
  };
}

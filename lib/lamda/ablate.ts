/**
 * LAMDA's ablations for any generator: slicing strategies (Table 12 and Fig. 4: cut edges, tokens
 * per slice, the latency error of the result), with and without latency verification (Fig. 8),
 * and generators side by side. Each returns rows; report/lamda-tables.ts makes them tables.
 */
import type { Graph } from '../graph/types.js';
import { buildZooModel } from '../graph/zoo/index.js';
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
/** What the slicing study found: a row per model and strategy, with the window and generator it ran under. */
export interface SlicingAblation {
  rows: SlicingRow[];
  maxTokens: number;
  tokenizer: TokenizerName;
  generator: string;
}

export async function slicingAblation(o: SlicingAblationOptions): Promise<SlicingAblation> {
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
  return { rows, maxTokens: o.maxTokens, tokenizer, generator: o.generator().name };
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
/** What the verification study found: a row per target, for one base model (its measured latency in ms) and generator. */
export interface VerificationAblation {
  rows: VerificationRow[];
  model: string;
  baseMs: number;
  generator: string;
}

export async function verificationAblation(o: VerificationAblationOptions): Promise<VerificationAblation> {
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
  return { rows, model: graph.name, baseMs, generator: o.generator().name };
}

export interface GeneratorComparisonOptions extends Omit<AblationCommon, 'generator'> {
  models: readonly (string | Graph)[];
  generators: readonly (() => Generator)[];
  slicing?: SlicingPlan;
}

/** Generators side by side over the same models and targets. */
/** What the generator comparison found: an evaluation per generator and base model, over `targets` targets each. */
export interface GeneratorComparison {
  evaluations: ModelEvaluation[];
  targets: number;
}

export async function generatorComparison(o: GeneratorComparisonOptions): Promise<GeneratorComparison> {
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
  return { evaluations, targets: o.targets ?? 3 };
}

import { describeLatencyModel } from '../latency/select.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RECORDS_FILE } from '../campaign/campaign.js';
import type { CampaignConfig } from '../campaign/config.js';
import { configKey } from '../campaign/config-key.js';
import { type CampaignRecord, readRecords } from '../campaign/records.js';
import { replayRecords } from '../campaign/state.js';
import { InputError } from '../errors.js';
import { hypervolume } from '../pareto/hypervolume.js';
import { runLimits } from '../limits.js';
import { inDisplayUnit, metricInfo } from '../metrics.js';
import { toMinimization, type Limit, type Objective } from '../pareto/objectives.js';
import { REJECTION_REASONS, type RejectionReason } from '../propose/types.js';
import { runMetrics } from './run-metrics.js';

/** min, max and mean of one metric over a run's Pareto candidates (null when the front is empty). */
export interface Stats {
  min: number;
  max: number;
  mean: number;
}

/** What a run's LLM calls cost, counted from its `llm-call` and `explanation` records (zeros without them). */
export interface LlmUsage {
  calls: number;
  /** Calls that failed after their retries (an `error` field). */
  failedCalls: number;
  promptTokens: number;
  replyTokens: number;
  /** Sum of the calls' durationMs, in seconds. */
  seconds: number;
  explanations: number;
}

/** Proposals of one LLM mode with an outcome, and how many of them were valid (evaluated or failed). */
export interface ModeValidity {
  proposals: number;
  valid: number;
  /** valid / proposals; null without proposals. */
  rate: number | null;
}

export interface RunComparison {
  /** The run directory, as given. */
  run: string;
  proposer: string;
  evaluator: string;
  /** MODEL of an `ollama:MODEL` proposer, else null. */
  model: string | null;
  seed: number;
  /** The run's search space, as recorded (a built-in name or a file). */
  space: string;
  /** The run's configuration without seed, budget and dispatch (lib/campaign/config-key.ts): equal for seeds of one search. */
  configKey: string;
  /** An LLM run's mode (`config.proposerSettings.llmMode`; absent: 'full'); null for other proposers. */
  llmMode: 'full' | 'delta' | null;
  /**
   * An LLM run's valid-generation rate per proposal kind: a proposal record carrying `parent` is a
   * delta one (a JSON Patch against that parent), any other a full one; valid = evaluated or
   * failed, not rejected (proposals still without an outcome are left out). Null for other proposers.
   */
  validByMode: Record<'full' | 'delta', ModeValidity> | null;
  /**
   * TC of the paper's Table III: candidates that were evaluated, i.e. passed validation (schema,
   * MACs, SRAM, duplicate, novelty) and produced metrics. The paper ran 500 iterations per LLM yet
   * reports TC of 127, 100 and 213, so TC cannot be the proposals: it counts the candidates that
   * survived the constraint and duplicate checks and went through mini-training (the ones that have
   * an accuracy and can enter the Pareto analysis). Valid candidates whose evaluation failed have no
   * metrics and are left out (see `failed`).
   */
  totalCandidates: number;
  /** Every proposal, valid or not (the paper's iterations). */
  proposals: number;
  /** PC of Table III: the size of the run's final Pareto front. */
  paretoCandidates: number;
  /** Valid (evaluated or failed) / proposed; null before any proposal. */
  validRate: number | null;
  rejected: Record<RejectionReason, number>;
  duplicates: number;
  failed: number;
  /** The run's own objectives, as recorded. */
  objectives: Objective[];
  /** The run's limits (`runLimits`: space file, device profile and --constraint, merged). */
  limits: Limit[];
  /** How the run's latencyMs was told (an estimate says so), when it has one. */
  latency?: string;
  /**
   * min, max and mean over the Pareto candidates, in the metric's own units (bytes, counts), of
   * each of the run's objectives and limited metrics (`runMetrics` order), then MACs and params
   * when they are neither (Table III's columns); null for a metric no front member carries.
   */
  metrics: { name: string; stats: Stats | null }[];
  /** The primary objective: the run's first maximised one (accuracy or naswot); null when none is maximised. */
  primary: { name: string; stats: Stats | null } | null;
  /** MACs over the Pareto candidates, in millions. */
  macs: Stats | null;
  /** Parameters over the Pareto candidates, in millions. */
  params: Stats | null;
  /** Hypervolume of the run's front against the comparison's common reference point; null without one. */
  hypervolume: number | null;
  /** The hypervolume as a share of the box between the common ideal point and the reference (0..1). */
  hypervolumeShare: number | null;
  llm: LlmUsage;
  /** Campaign wall time: the campaign-end summaries' seconds, summed over resumes; null when no session ended. */
  seconds: number | null;
  /** A torn last line in records.jsonl (a write cut short): the run was read without it. */
  tornRecord?: { line: number };
}

export interface Comparison {
  /** Objectives of the first run (every run's when they agree; see `objectivesDiffer`). */
  objectives: Objective[];
  /**
   * One line when the runs optimise different objectives (which run optimises what), else null.
   * Then no hypervolume is compared (reference, ideal and every run's hypervolume are null) and
   * each run's statistics follow its own objectives.
   */
  objectivesDiffer: string | null;
  /**
   * The one reference point every run's hypervolume is measured against, in the objectives' own
   * units and directions (a maximised objective's reference is a low value). `union`: the worst
   * value per objective over every evaluated point of every run, worsened by 10 % of that
   * objective's range (or 10 % of its magnitude, or 0.1, when the range is zero). Null when no run
   * evaluated anything.
   */
  reference: { point: number[]; source: 'given' | 'union' } | null;
  /** Best value per objective over every evaluated point (natural units); the other corner of the share box. */
  ideal: number[] | null;
  runs: RunComparison[];
}

export interface CompareOptions {
  /** A reference point in the objectives' own units, one value per objective (as `paretonas pareto --ref`). */
  ref?: readonly number[];
}

interface LoadedRun {
  dir: string;
  config: CampaignConfig;
  records: CampaignRecord[];
  state: ReturnType<typeof replayRecords>;
  torn?: { line: number };
}

function loadRunRecords(dir: string): LoadedRun {
  const path = join(dir, RECORDS_FILE);
  if (!existsSync(path)) throw new InputError('RUN_DIR', dir, `a run directory holding ${RECORDS_FILE}`, `${dir} has no ${RECORDS_FILE}`);
  const read = readRecords(path);
  const state = replayRecords(read.records);
  return { dir, config: state.config, records: read.records, state, ...(read.torn ? { torn: { line: read.torn.line } } : {}) };
}

/** min, max and mean of a list (null when empty). */
export function stats(values: readonly number[]): Stats | null {
  if (values.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / values.length };
}

export const objectivesText = (objectives: readonly Objective[]): string => objectives.map((o) => `${o.name}:${o.direction}`).join(',');

/** Counts a run's LLM calls and explanations from its raw records (RunState ignores these types). */
export function llmUsage(records: readonly CampaignRecord[]): LlmUsage {
  const usage: LlmUsage = { calls: 0, failedCalls: 0, promptTokens: 0, replyTokens: 0, seconds: 0, explanations: 0 };
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  for (const r of records as readonly { type: string; [field: string]: unknown }[]) {
    if (r.type === 'llm-call') {
      usage.calls++;
      if (r.error !== undefined && r.error !== null) usage.failedCalls++;
      usage.promptTokens += num(r.promptTokens);
      usage.replyTokens += num(r.replyTokens);
      usage.seconds += num(r.durationMs) / 1000;
    } else if (r.type === 'explanation') {
      usage.explanations++;
    }
  }
  return usage;
}

/**
 * Valid proposals per LLM mode, counted per proposal record: with `parent` a delta proposal, else a
 * full one; an `evaluation` or `failure` of its index makes it valid, a `rejection` invalid.
 */
export function validityByMode(records: readonly CampaignRecord[]): Record<'full' | 'delta', ModeValidity> {
  const mode = new Map<number, 'full' | 'delta'>();
  const outcome = new Map<number, boolean>();
  for (const r of records as readonly { type: string; index?: unknown; parent?: unknown }[]) {
    if (typeof r.index !== 'number') continue;
    if (r.type === 'proposal') mode.set(r.index, typeof r.parent === 'string' ? 'delta' : 'full');
    else if (r.type === 'evaluation' || r.type === 'failure') outcome.set(r.index, true);
    else if (r.type === 'rejection') outcome.set(r.index, false);
  }
  const out = { full: { proposals: 0, valid: 0, rate: null as number | null }, delta: { proposals: 0, valid: 0, rate: null as number | null } };
  for (const [index, m] of mode) {
    const valid = outcome.get(index);
    if (valid === undefined) continue;
    out[m].proposals++;
    if (valid) out[m].valid++;
  }
  for (const m of [out.full, out.delta]) m.rate = m.proposals > 0 ? m.valid / m.proposals : null;
  return out;
}

/** Wall time over every session of a run: the sum of its campaign-end summaries' seconds (null if none). */
function wallSeconds(records: readonly CampaignRecord[]): number | null {
  let total: number | null = null;
  for (const r of records) {
    if (r.type !== 'campaign-end') continue;
    const s = (r.summary as { seconds?: unknown } | undefined)?.seconds;
    if (typeof s === 'number' && Number.isFinite(s)) total = (total ?? 0) + s;
  }
  return total;
}

/** The common reference point (minimisation form) from every evaluated point: worst + 10 % of the range. */
function unionReference(points: readonly (readonly number[])[], m: number): number[] | null {
  const ref: number[] = [];
  for (let j = 0; j < m; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      const v = p[j] as number;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi === -Infinity) return null;
    const range = hi - lo;
    ref.push(hi + 0.1 * (range > 0 ? range : Math.abs(hi) > 0 ? Math.abs(hi) : 1));
  }
  return ref;
}

/**
 * Compares finished (or interrupted) runs, from their records alone: Table III's TC, PC and
 * [min, max] avg of the primary objective, MACs and params over each run's Pareto candidates,
 * and beside them validity, rejections, failures, LLM usage, wall time and the hypervolume of
 * each front against one common reference point. Each run's statistics follow its own
 * objectives and limits; runs that optimise different objectives are compared without a
 * hypervolume, and `objectivesDiffer` says so in one line. Throws InputError for no runs, a
 * directory without records.jsonl, a reference of the wrong length, or a reference given for runs
 * whose objectives differ.
 */
export function compareRuns(runDirs: readonly string[], options: CompareOptions = {}): Comparison {
  if (runDirs.length === 0) throw new InputError('RUN_DIR', runDirs, 'one or more run directories (each holding records.jsonl)', 'no run given');
  const loaded = runDirs.map(loadRunRecords);
  const first = loaded[0] as LoadedRun;
  const objectives = first.config.objectives.map((o) => ({ name: o.name, direction: o.direction }));
  const wanted = objectivesText(objectives);
  const sets = [...new Set(loaded.map((r) => objectivesText(r.config.objectives)))];
  const objectivesDiffer = sets.length > 1 ? `the runs optimise different objectives (${sets.map((t) => `${loaded.filter((r) => objectivesText(r.config.objectives) === t).map((r) => r.dir).join(', ')}: ${t}`).join('; ')}): each run is shown with its own, and no hypervolume is compared` : null;
  if (objectivesDiffer && options.ref !== undefined) throw new InputError('--ref', options.ref.join(','), 'runs that optimise the same objectives (a reference point is one value per objective)', objectivesDiffer);
  const m = objectives.length;
  const minForm = (metrics: Readonly<Record<string, number>>) => toMinimization(objectives.map((o) => metrics[o.name] as number), objectives);
  const natural = (p: readonly number[]) => toMinimization(p, objectives); // negation is its own inverse

  const all = objectivesDiffer ? [] : loaded.flatMap((r) => r.state.evaluations.map((e) => minForm(e.metrics)));
  let refMin: number[] | null;
  let source: 'given' | 'union' = 'union';
  if (options.ref !== undefined) {
    if (options.ref.length !== m || options.ref.some((v) => !Number.isFinite(v))) {
      throw new InputError('--ref', options.ref.join(','), `${m} finite numbers, one per objective in the order ${wanted}`);
    }
    refMin = toMinimization(options.ref, objectives);
    source = 'given';
  } else {
    refMin = objectivesDiffer ? null : unionReference(all, m);
  }
  const idealMin = all.length === 0 ? null : Array.from({ length: m }, (_, j) => Math.min(...all.map((p) => p[j] as number)));
  let box: number | null = null;
  if (refMin && idealMin) {
    box = 1;
    for (let j = 0; j < m; j++) box *= Math.max(0, (refMin[j] as number) - (idealMin[j] as number));
    if (!(box > 0 && Number.isFinite(box))) box = null;
  }

  const runs = loaded.map((r): RunComparison => {
    const { state, config } = r;
    const front = state.front.front();
    const column = (name: string, scale = 1) => stats(front.map((e) => e.values[name]).filter((v): v is number => typeof v === 'number' && !Number.isNaN(v)).map((v) => v / scale));
    const own = runMetrics(config).map((x) => x.name);
    const names = [...own, ...['macs', 'params'].filter((n) => !own.includes(n))];
    const primaryObjective = config.objectives.find((o) => o.direction === 'max');
    const isLlm = config.proposer.startsWith('ollama:');
    const hv = refMin ? hypervolume(front.map((e) => minForm(e.values)), refMin) : null;
    return {
      run: r.dir,
      proposer: config.proposer,
      evaluator: config.evaluator,
      model: config.proposer.startsWith('ollama:') ? config.proposer.slice('ollama:'.length) : null,
      seed: config.seed,
      space: config.space,
      configKey: configKey(config),
      llmMode: isLlm ? (config.proposerSettings?.llmMode === 'delta' ? 'delta' : 'full') : null,
      validByMode: isLlm ? validityByMode(r.records) : null,
      objectives: config.objectives.map((o) => ({ name: o.name, direction: o.direction })),
      limits: runLimits(config),
      ...(config.latencyModel !== undefined ? { latency: describeLatencyModel(config.latencyModel, config.device) } : {}),
      metrics: names.map((name) => ({ name, stats: column(name) })),
      totalCandidates: state.counters.evaluated,
      proposals: state.counters.proposed,
      paretoCandidates: state.front.size,
      validRate: state.counters.proposed > 0 ? state.counters.valid / state.counters.proposed : null,
      rejected: Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, state.counters.rejected[reason]])) as Record<RejectionReason, number>,
      duplicates: state.counters.rejected.duplicate,
      failed: state.counters.failed,
      primary: primaryObjective ? { name: primaryObjective.name, stats: column(primaryObjective.name) } : null,
      macs: column('macs', 1e6),
      params: column('params', 1e6),
      hypervolume: hv,
      hypervolumeShare: hv !== null && box !== null ? hv / box : null,
      llm: llmUsage(r.records),
      seconds: wallSeconds(r.records),
      ...(r.torn ? { tornRecord: r.torn } : {}),
    };
  });
  return {
    objectives,
    objectivesDiffer,
    reference: refMin ? { point: natural(refMin), source } : null,
    ideal: idealMin ? natural(idealMin) : null,
    runs,
  };
}

// ---------------------------------------------------------------------------------------------------
// Rendering helpers

/** Table III's cell: `[min, max] avg`, each with `digits` decimals; an em dash without values. */
export function formatRangeAvg(s: Stats | null, digits = 2): string {
  if (!s) return '—';
  return `[${s.min.toFixed(digits)}, ${s.max.toFixed(digits)}] ${s.mean.toFixed(digits)}`;
}

/**
 * A run's metric as `[min, max] avg` over its front in the metric's display unit and decimals
 * (lib/metrics.ts); a metric without a unit (a score, accuracy, a trainer's own metric) as
 * `primaryDigits` gives (2, or 4 below 1); '—' without values.
 */
export function metricRangeAvg(r: Pick<RunComparison, 'metrics'>, name: string): string {
  const s = r.metrics.find((x) => x.name === name)?.stats ?? null;
  if (!s) return '—';
  const shown = { min: inDisplayUnit(name, s.min), max: inDisplayUnit(name, s.max), mean: inDisplayUnit(name, s.mean) };
  const info = metricInfo(name);
  return formatRangeAvg(shown, info.unit === '' ? primaryDigits(shown) : info.digits);
}

/** Decimals for a primary objective's cell: 2 as in Table III (accuracy in %), 4 for values below 1 (a fraction). */
export function primaryDigits(s: Stats | null): number {
  if (!s) return 2;
  return Math.max(Math.abs(s.min), Math.abs(s.max)) < 1 ? 4 : 2;
}

/** The label of a run in tables: its model for LLM runs, else proposer and seed. */
export function runLabel(r: RunComparison): string {
  return r.model ?? `${r.proposer} (seed ${r.seed})`;
}

/**
 * One flat row per run (plain numbers, null where there is none), for danfojs data frames or CSV:
 * the Table III fields (`macsM*`, `paramsM*` in millions), the search statistics (with an LLM run's
 * `llmMode` and its valid rate per mode, `validRateFull` and `validRateDelta`; null otherwise), the run's
 * `objectives` as text, and `NAMEMin`, `NAMEMax`, `NAMEMean` in the metric's own units for each of
 * the run's objectives and limited metrics (then MACs and params).
 */
export type ComparisonRow = Record<string, string | number | null>;

export function comparisonRows(c: Comparison): ComparisonRow[] {
  return c.runs.map((r) => {
    const s = (prefix: string, v: Stats | null): ComparisonRow => ({ [`${prefix}Min`]: v?.min ?? null, [`${prefix}Max`]: v?.max ?? null, [`${prefix}Mean`]: v?.mean ?? null });
    const own: ComparisonRow = {};
    for (const x of r.metrics) Object.assign(own, s(x.name, x.stats));
    return {
      run: r.run,
      objectives: objectivesText(r.objectives),
      model: r.model,
      proposer: r.proposer,
      evaluator: r.evaluator,
      seed: r.seed,
      proposals: r.proposals,
      tc: r.totalCandidates,
      pc: r.paretoCandidates,
      primary: r.primary?.name ?? null,
      ...s('primary', r.primary?.stats ?? null),
      ...s('macsM', r.macs),
      ...s('paramsM', r.params),
      validRate: r.validRate,
      llmMode: r.llmMode,
      validRateFull: r.validByMode?.full.rate ?? null,
      validRateDelta: r.validByMode?.delta.rate ?? null,
      ...Object.fromEntries(REJECTION_REASONS.map((reason) => [`rejected_${reason}`, r.rejected[reason]])),
      duplicates: r.duplicates,
      failed: r.failed,
      hypervolume: r.hypervolume,
      hypervolumeShare: r.hypervolumeShare,
      llmCalls: r.llm.calls,
      llmFailedCalls: r.llm.failedCalls,
      promptTokens: r.llm.promptTokens,
      replyTokens: r.llm.replyTokens,
      llmSeconds: r.llm.seconds,
      explanations: r.llm.explanations,
      seconds: r.seconds,
      tornRecordLine: r.tornRecord?.line ?? null,
      ...own,
    };
  });
}

/** Table III's row for one run: label, TC, PC, and the three `[min, max] avg` cells. */
export function tableIIIRow(r: RunComparison): string[] {
  const p = r.primary?.stats ?? null;
  return [r.run, runLabel(r), String(r.totalCandidates), String(r.paretoCandidates), formatRangeAvg(p, primaryDigits(p)), formatRangeAvg(r.macs), formatRangeAvg(r.params)];
}

/** A reference point for messages: `name value` per objective. */
export function formatPoint(objectives: readonly Objective[], point: readonly number[]): string {
  return objectives.map((o, j) => `${o.name} ${Number((point[j] as number).toPrecision(6))}`).join(', ');
}

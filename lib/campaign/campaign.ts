import { COST_METRICS } from '../evaluate/cost.js';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Evaluator } from '../evaluate/types.js';
import { EvaluationFailure } from '../evaluate/types.js';
import type { Proposer } from '../propose/types.js';
import { resolveSpace } from '../space/builtin.js';
import { canonicalKey } from '../space/key.js';
import type { Candidate } from '../space/candidate.js';
import type { SearchSpace } from '../space/space.js';
import { isValidCandidate } from '../space/validate.js';
import type { CampaignConfig } from './config.js';
import { primaryObjective } from './config.js';
import { type CampaignRecord, dropTornTail, readRecords, RecordWriter } from './records.js';
import { claimNewRun, keepSpaceCopy, openRunToResume, resolveRecordedSpace } from './run-dir.js';
import type { RunLock } from './run-lock.js';
import { applyRecord, evaluatedOutcome, newState, replayRecords, type Counters, type RunState } from './state.js';
import { validateProposal, type ValidationSettings } from './validate.js';
import { describeLimit, runLimits } from './limits.js';
import { limitScreen, sampleFeasibility } from './screen.js';
import { createLatencyEstimator, isMeasured } from '../latency/select.js';
import type { LatencyEstimator } from '../latency/types.js';

export interface ProposerRequest {
  space: SearchSpace;
  seed: number;
  objectiveCount: number;
  settings?: Record<string, unknown>;
  config: CampaignConfig;
  /** The run's earlier records (on resume), e.g. for an LLM proposer to replay its recorded calls. */
  history: readonly CampaignRecord[];
  /** Whether a candidate meets the run's hard limits (what validation checks before evaluation). */
  feasible?: (candidate: Candidate) => boolean;
}

export interface CampaignDeps {
  createProposer(name: string, options: ProposerRequest): Proposer;
  createEvaluator(spec: string, options: Record<string, unknown>): Evaluator;
}

export interface Progress extends Counters {
  frontSize: number;
  best?: { key: string; objective: string; value: number };
}

export interface CampaignSummary extends Progress {
  runDir: string;
  stopped: 'budget' | 'valid' | 'time' | 'signal' | 'finished-before';
  seconds: number;
  resumed: boolean;
  /** The run's budget of proposals (the recorded one, or the one given on resume). */
  budget: number;
  /** A torn last record found on resume (reported, then cut off). */
  tornRecord?: { line: number; text: string };
  /** Notes on the run directory: a stale lock taken over, a torn start moved aside. */
  notes?: string[];
  /** Proposals whose regeneration on resume differed from the record (a non-deterministic proposer). */
  replayMismatches: number[];
  /** The last evaluation failure of this session (a trainer's crash, timeout or malformed result). */
  lastFailure?: { index: number; kind: string; message: string };
}

export const RECORDS_FILE = 'records.jsonl';


/** Objectives and limits must name metrics the run produces: checked before anything is written. */
function checkMetrics(config: CampaignConfig, evaluator: Evaluator, space: SearchSpace): void {
  const known = new Set([...COST_METRICS, ...(config.latencyModel !== undefined ? ['latencyMs'] : []), ...evaluator.metrics]);
  for (const name of [...config.objectives.map((o) => o.name), ...config.limits.map((l) => l.name)]) {
    if (known.has(name)) continue;
    // Name where the metric came from: an objective, the space file, the device profile or --constraint.
    const where = config.objectives.some((o) => o.name === name)
      ? 'objective'
      : space.constraints[name] !== undefined
        ? `space ${config.space}: constraints.${name}`
        : config.device?.limits?.[name] !== undefined
          ? `device ${config.device.name}: limits.${name}`
          : 'constraint';
    throw new InputError(where, name, `a metric of this run with the ${evaluator.name} evaluator: ${[...known].join(', ')} (latencyMs with a latency model; an evaluator's own with --metrics)`);
  }
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const pkg = (name: string) => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return { paretonas: (require('../../package.json') as { version: string }).version, node: process.version, onnxruntime: pkg('onnxruntime-node'), platform: `${process.platform}-${process.arch}` };
}

export function progressOf(state: RunState): Progress {
  const primary = primaryObjective(state.config.objectives);
  const best = state.front.best(primary.name);
  return {
    ...state.counters,
    rejected: { ...state.counters.rejected },
    frontSize: state.front.size,
    best: best ? { key: best.id, objective: primary.name, value: best.values[primary.name] as number } : undefined,
  };
}

export interface RunOptions {
  onProgress?: (p: Progress) => void;
  /** Stop cleanly between proposals when aborted (e.g. on SIGINT). */
  signal?: AbortSignal;
  /** Resume: a new budget (to extend a finished run). */
  budget?: number;
  /** Calibrate an unseen CPU's latency predictor before the run (measures zoo variants, under a minute). */
  calibrate?: boolean;
  /** One-line notes for the user (e.g. the latency predictor was fit on another CPU). */
  onNote?: (line: string) => void;
  /** Progress of a latency calibration. */
  onCalibrationProgress?: (done: number, total: number) => void;
  /**
   * Resume: sees the recorded configuration (read under the run's lock) before anything runs;
   * returns the configuration to run with (e.g. a new Ollama host) and fields for the resume
   * record, or throws to refuse (e.g. a command evaluator not confirmed on the command line).
   */
  checkResume?: (recorded: CampaignConfig) => { config: CampaignConfig; note?: Record<string, unknown> } | Promise<{ config: CampaignConfig; note?: Record<string, unknown> }>;
}

/**
 * The loop of the paper: propose, validate (schema, MACs, SRAM, duplicates, novelty), evaluate,
 * update the front; every step an fsynced record. Starts a new run (config given) or resumes one
 * (config undefined): the state is rebuilt by replaying the records, the proposer by re-driving it
 * with the recorded outcomes, and a proposal left in flight is evaluated, once.
 */
export async function runCampaign(runDir: string, config: CampaignConfig | undefined, deps: CampaignDeps, options: RunOptions = {}): Promise<CampaignSummary> {
  const path = join(runDir, RECORDS_FILE);
  const started = Date.now();
  let state: RunState;
  let writer: RecordWriter;
  let torn: CampaignSummary['tornRecord'];
  const replayMismatches: number[] = [];
  const resumed = config === undefined;
  let proposer: Proposer;
  let space: SearchSpace;
  let evaluator: Evaluator;
  let latency: LatencyEstimator | undefined;

  let lock: RunLock;
  const notes: string[] = [];
  let resumeNote: Record<string, unknown> = {};
  if (config) {
    const claim = claimNewRun(runDir, RECORDS_FILE);
    lock = claim.lock;
    if (claim.restarted) notes.push(claim.restarted);
  } else {
    lock = openRunToResume(runDir, RECORDS_FILE);
  }
  if (lock.takenOver) notes.push(lock.takenOver);
  try {
    if (config) {
      space = resolveSpace(config.space);
      checkMetrics(config, deps.createEvaluator(config.evaluator, config.evaluatorOptions ?? {}), space);
      state = newState(config);
      latency = await latencyFor(config, options);
      feasibilityNote(space, config, latency, options);
      keepSpaceCopy(runDir, config.space);
      writer = new RecordWriter(path);
      writer.append('campaign-start', { config, versions: versions(), ...(latency ? { latencyEstimator: latency.name, ...latencyFactor(latency) } : {}) });
      evaluator = deps.createEvaluator(config.evaluator, config.evaluatorOptions ?? {});
      proposer = deps.createProposer(config.proposer, { space, seed: config.seed, objectiveCount: config.objectives.length, settings: config.proposerSettings, config, history: [], feasible: screenOf(space, config, latency) });
    } else {
      const read = readRecords(path);
      state = replayRecords(read.records, read.lines, path);
      if (options.checkResume) {
        const checked = await options.checkResume(state.config);
        state.config = checked.config;
        resumeNote = checked.note ?? {};
      }
      space = resolveRecordedSpace(runDir, state.config.space);
      if (read.torn) {
        torn = { line: read.torn.line, text: read.torn.text };
        dropTornTail(path, read.torn);
      }
      if (options.budget !== undefined) state.config = { ...state.config, budget: options.budget };
      latency = pinRecordedFactor(await latencyFor(state.config, options), read.records.find((r) => r.type === 'campaign-start'), options);
      proposer = deps.createProposer(state.config.proposer, { space, seed: state.config.seed, objectiveCount: state.config.objectives.length, settings: state.config.proposerSettings, config: state.config, history: read.records, feasible: screenOf(space, state.config, latency) });
      // Re-drive the proposer through the recorded history so its state matches the record.
      for (let i = 0; i < state.proposals.length; i++) {
        const again = await proposer.propose({ index: i });
        if (JSON.stringify(again.candidate) !== JSON.stringify(state.proposals[i]?.candidate)) replayMismatches.push(i);
        const outcome = state.outcomes[i];
        if (outcome) proposer.observe({ index: i, proposal: state.proposals[i] as NonNullable<RunState['proposals'][number]>, key: state.keys[i], outcome });
      }
      writer = new RecordWriter(path, (read.records.at(-1)?.seq as number | undefined ?? -1) + 1);
      evaluator = deps.createEvaluator(state.config.evaluator, state.config.evaluatorOptions ?? {});
      writer.append('resume', { fromProposal: state.counters.proposed, pending: state.pending ?? null, tornRecord: torn ?? null, replayMismatches, budget: state.config.budget, ...resumeNote, ...(notes.length ? { notes } : {}) });
    }
  } catch (err) {
    lock.release();
    throw err;
  }
  const cfg = state.config;
  const measured = isMeasured(cfg.latencyModel);
  const settings: ValidationSettings = { space, limits: runLimits(cfg), sramModel: cfg.sramModel, latency, measuredLatency: measured, noveltyThreshold: cfg.noveltyThreshold };
  const record = (type: CampaignRecord['type'], fields: Record<string, unknown>) => {
    const r = writer.append(type, fields);
    return applyRecord(state, r);
  };

  /** Validates, evaluates and records one proposal that is already recorded. */
  let lastFailure: CampaignSummary['lastFailure'];
  const settle = async (index: number) => {
    const proposal = state.proposals[index] as NonNullable<RunState['proposals'][number]>;
    const v = validateProposal(proposal.candidate, settings, state.validation);
    if (!v.ok) {
      record('rejection', { index, key: v.key ?? null, reason: v.reason, message: v.message, details: v.details, violation: v.violation ?? null });
    } else {
      try {
        const e = await evaluator.evaluate({ candidate: v.candidate, key: v.key, graph: v.graph, space, seed: cfg.seed + index, runDir });
        // A trainer may report its own cost counts (they replace the model's), never the predicted latency its limit was checked on.
        const metrics: Record<string, number> = { macs: v.costs.macs, params: v.costs.params, flashBytes: v.costs.flashBytes, peakSramBytes: v.costs.peakSramBytes, ...e.metrics, ...v.predicted };
        if (measured) metrics.latencyMs = await measuredLatencyMs(v.graph);
        checkMetricValues(metrics);
        evaluatedOutcome(cfg, metrics); // a missing objective metric is a configuration error: thrown before recording
        const change = record('evaluation', { index, key: v.key, metrics, seconds: e.seconds, details: e.details ?? null });
        if (change?.added) record('front-change', { index, key: v.key, added: true, removed: change.removed });
      } catch (err) {
        if (!(err instanceof EvaluationFailure)) throw err;
        record('failure', { index, key: v.key, kind: err.kind, message: err.message, details: err.details ?? null });
        lastFailure = { index, kind: err.kind, message: err.message };
      }
    }
    const outcome = state.outcomes[index];
    if (outcome) proposer.observe({ index, proposal, key: state.keys[index] ?? (v.ok ? v.key : undefined), outcome });
    options.onProgress?.(progressOf(state));
  };

  let stopped: CampaignSummary['stopped'] = 'budget';
  try {
    if (state.ended && options.budget === undefined) {
      stopped = 'finished-before';
    } else {
      const missing = state.unrecordedFrontChange;
      if (missing) record('front-change', { index: missing.index, key: missing.key, added: true, removed: missing.removed });
      if (state.pending !== undefined) await settle(state.pending);
      while (true) {
        if (state.counters.proposed >= cfg.budget) break;
        if (cfg.maxValid !== undefined && state.counters.valid >= cfg.maxValid) {
          stopped = 'valid';
          break;
        }
        if (cfg.timeLimitSeconds !== undefined && (Date.now() - started) / 1000 >= cfg.timeLimitSeconds) {
          stopped = 'time';
          break;
        }
        if (options.signal?.aborted) {
          stopped = 'signal';
          break;
        }
        const index = state.counters.proposed;
        const p = await proposer.propose({ index, record: (type, fields) => writer.append(type, fields) });
        const key = isValidCandidate(space, p.candidate) ? canonicalKey(p.candidate, space.input.channels) : null;
        record('proposal', { index, candidate: p.candidate, note: p.note ?? null, key });
        await settle(index);
      }
    }
    if (stopped !== 'finished-before') await proposer.flush?.({ index: state.counters.proposed, record: (type, fields) => writer.append(type, fields) });
    const summary: CampaignSummary = { ...progressOf(state), runDir, stopped, seconds: (Date.now() - started) / 1000, resumed, budget: cfg.budget, tornRecord: torn, replayMismatches, ...(notes.length ? { notes } : {}), ...(lastFailure ? { lastFailure } : {}) };
    if (stopped !== 'finished-before') writer.append('campaign-end', { stopped, summary: { ...progressOf(state), seconds: summary.seconds } });
    return summary;
  } finally {
    writer.close();
    try {
      await evaluator.close?.();
    } finally {
      lock.release();
    }
  }
}

/** The run's latency estimator (none for `measured` or a run without latency); notes go to the user. */
async function latencyFor(config: CampaignConfig, options: RunOptions): Promise<LatencyEstimator | undefined> {
  if (options.calibrate && !(config.latencyModel ?? '').startsWith('predictor')) options.onNote?.(`--calibrate applies to the latency predictor only; this run's latency is ${config.latencyModel ?? 'not told (no latencyMs objective or limit)'}`);
  if (config.device?.kind === 'mcu' && config.latencyModel !== undefined && config.latencyModel !== 'cortex-m') {
    options.onNote?.(`latency is told by ${config.latencyModel} (this CPU), not by the Cortex-M estimate of the ${config.device.name} device: its milliseconds are not the microcontroller's`);
  }
  return createLatencyEstimator(config.latencyModel, { device: config.device, calibrate: options.calibrate, onNote: options.onNote, onProgress: options.onCalibrationProgress });
}

/**
 * A trainer's numbers are checked before they are recorded: a record every reader would refuse
 * (a negative or non-finite cost metric) must not be written, so it is a `malformed` failure.
 */
function checkMetricValues(metrics: Record<string, number>): void {
  for (const [name, v] of Object.entries(metrics)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new EvaluationFailure('malformed', `metric ${name} is ${String(v)}; every metric must be a finite number`);
    if (((COST_METRICS as readonly string[]).includes(name) || name === 'latencyMs') && v < 0) throw new EvaluationFailure('malformed', `metric ${name} is ${v}; a cost metric (${COST_METRICS.join(', ')}) or latencyMs is never negative`);
  }
}

/**
 * On resume, latency is told as the run started telling it: a calibration cached or deleted since
 * (or another machine's) would mix two scales in one run, so the recorded factor is put back.
 */
function pinRecordedFactor(latency: LatencyEstimator | undefined, start: CampaignRecord | undefined, options: RunOptions): LatencyEstimator | undefined {
  if (!latency || !start || start.latencyEstimator === undefined) return latency;
  const recorded = typeof start.latencyFactor === 'number' ? start.latencyFactor : 1;
  const current = latency.factor ?? 1;
  if (recorded === current) return latency;
  options.onNote?.(`latency: the run started with the predictor scaled x${recorded.toFixed(2)} (${String(start.latencyEstimator)}); this machine's calibration is x${current.toFixed(2)}, so the run keeps x${recorded.toFixed(2)}`);
  const ratio = recorded / current;
  return { name: String(start.latencyEstimator), kind: latency.kind, latencyMs: (graph) => latency.latencyMs(graph) * ratio };
}

/** The calibration factor of a predictor (recorded beside its name), when it has one. */
function latencyFactor(latency: LatencyEstimator): Record<string, number> {
  return latency.factor !== undefined && latency.factor !== 1 ? { latencyFactor: latency.factor } : {};
}

/** Says so before the run when no seeded sample of the space meets every hard limit, and which limits rule them out. */
function feasibilityNote(space: SearchSpace, config: CampaignConfig, latency: LatencyEstimator | undefined, options: RunOptions): void {
  if (!options.onNote) return;
  const report = sampleFeasibility(space, runLimits(config), config.sramModel, latency, isMeasured(config.latencyModel));
  if (report.all > 0) return;
  const worst = report.perLimit.filter((p) => p.share < 0.01).map((p) => `${describeLimit(p.limit)} (${(100 * p.share).toFixed(1)}%)`);
  options.onNote(`none of ${report.samples} random candidates of the space meets every limit at once; ${worst.length ? `rarely met: ${worst.join(', ')}` : 'each is met alone, not together'}. The run may find nothing valid: loosen a limit or change the space.`);
}

function screenOf(space: SearchSpace, config: CampaignConfig, latency: LatencyEstimator | undefined): (c: Candidate) => boolean {
  return limitScreen(space, runLimits(config), config.sramModel, latency, isMeasured(config.latencyModel));
}

/** Median of 20 timed onnxruntime runs (3 warm-up, one thread) on this machine; loaded only for `measured`. */
async function measuredLatencyMs(graph: Parameters<typeof import('../runtime/latency.js').measureGraph>[0]): Promise<number> {
  const { measureGraph } = await import('../runtime/latency.js');
  try {
    return (await measureGraph(graph, { runs: 20, warmup: 3, threads: 1 })).medianMs;
  } catch (err) {
    throw new EvaluationFailure('error', `measuring latency with onnxruntime failed: ${(err as Error).message}`);
  }
}

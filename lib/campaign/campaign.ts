import { COST_METRICS } from '../evaluate/cost.js';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Evaluator } from '../evaluate/types.js';
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
import { applyRecord, newState, pendingList, replayRecords, workersOf, type Counters, type RunState } from './state.js';
import { recordableProposal, type ValidationSettings } from './validate.js';
import type { DispatchFields, Executor } from './executor.js';
import { EvaluationLoop, localExecutor } from './scheduler.js';
import { randomBytes } from 'node:crypto';
import { runLimits } from '../limits.js';
import { isMeasured } from '../latency/select.js';
import type { LatencyEstimator } from '../latency/types.js';
import { feasibilityNote, latencyFactor, latencyFor, measuredLatencyMs, pinRecordedFactor, screenOf, type LatencyOptions } from './run-latency.js';
import { redrive, resumePending } from './resume-run.js';

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
  /** Proposals being evaluated now, ascending (with `--workers` above 1 or a queue). */
  inFlight?: number[];
  best?: { key: string; objective: string; value: number };
}

export interface CampaignSummary extends Progress {
  runDir: string;
  /** `queue-down`: Redis stayed unreachable past the patience; no campaign-end was written and the run resumes. */
  stopped: 'budget' | 'valid' | 'time' | 'signal' | 'finished-before' | 'queue-down';
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

export interface RunOptions extends LatencyOptions {
  onProgress?: (p: Progress) => void;
  /** Stop cleanly between proposals when aborted (e.g. on SIGINT). */
  signal?: AbortSignal;
  /** Resume: a new budget (to extend a finished run). */
  budget?: number;
  /**
   * Where accepted candidates are evaluated, when not in this process: e.g. a BullMQ queue
   * (lib/campaign/queue). Called once the run is open; `runId` names the run's jobs and
   * `writeDispatch` writes the fsynced `dispatch` record a queue writes before each add.
   */
  executor?: (args: { config: CampaignConfig; runId: string; space: SearchSpace; writeDispatch: (f: DispatchFields) => void }) => Executor | Promise<Executor>;
  /**
   * Resume: sees the recorded configuration (read under the run's lock) before anything runs;
   * returns the configuration to run with (e.g. a new Ollama host) and fields for the resume
   * record, or throws to refuse (e.g. a command evaluator not confirmed on the command line).
   */
  checkResume?: (recorded: CampaignConfig) => { config: CampaignConfig; note?: Record<string, unknown> } | Promise<{ config: CampaignConfig; note?: Record<string, unknown> }>;
}

/**
 * The options a run's evaluator is made with: the recorded ones, over the run's SRAM model (the
 * space's, which validation charges), so that a recorded peakSramBytes is the model's the limit was checked with.
 */
export function evaluatorOptionsOf(config: CampaignConfig): Record<string, unknown> {
  return { sram: config.sramModel, ...(config.evaluatorOptions ?? {}) };
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
  let redriven = 0;

  let lock: RunLock;
  let abandon: (() => void) | undefined; // a new run refused before its first record: no empty directory left behind
  const notes: string[] = [];
  let resumeNote: Record<string, unknown> = {};
  if (config) {
    const claim = claimNewRun(runDir, RECORDS_FILE);
    lock = claim.lock;
    abandon = claim.abandon;
    if (claim.restarted) notes.push(claim.restarted);
  } else {
    lock = openRunToResume(runDir, RECORDS_FILE);
  }
  if (lock.takenOver) notes.push(lock.takenOver);
  try {
    if (config) {
      space = resolveSpace(config.space);
      checkWorkers(config, options);
      checkMetrics(config, deps.createEvaluator(config.evaluator, evaluatorOptionsOf(config)), space);
      state = newState(config);
      latency = await latencyFor(config, options);
      feasibilityNote(space, config, latency, options);
      // Before the first proposal: a dataset the space cannot fit (classes, channels) refuses the run (not with a queue: workers hold the data).
      if (!options.executor) await deps.createEvaluator(config.evaluator, evaluatorOptionsOf(config)).preflight?.(space, options.onNote);
      // Made before anything is written: a proposer refusing its settings leaves no campaign-start behind.
      proposer = deps.createProposer(config.proposer, { space, seed: config.seed, objectiveCount: config.objectives.length, settings: config.proposerSettings, config, history: [], feasible: screenOf(space, config, latency) });
      keepSpaceCopy(runDir, config.space);
      writer = new RecordWriter(path);
      if (config.queue || options.executor) state.runId = randomBytes(8).toString('hex');
      writer.append('campaign-start', { config, versions: versions(), ...(state.runId ? { runId: state.runId } : {}), ...(latency ? { latencyEstimator: latency.name, ...latencyFactor(latency) } : {}) });
      evaluator = deps.createEvaluator(config.evaluator, evaluatorOptionsOf(config));
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
      checkWorkers(state.config, options);
      if (state.config.queue && !state.runId) throw new InputError('records', 'a queue run without runId', 'a campaign-start record with runId (written by search --queue)');
      if (options.executor && !state.runId) throw new InputError('--queue', 'given', 'only on a run started with --queue (this one evaluates in its own process: resume it without --queue)');
      evaluator = deps.createEvaluator(state.config.evaluator, evaluatorOptionsOf(state.config));
      // As at the start: a dataset that moved or changed (a relative path resumed from elsewhere) refuses the resume before a record is added.
      if (!options.executor) await evaluator.preflight?.(space, options.onNote);
      redriven = await redrive(state, proposer, replayMismatches);
      writer = new RecordWriter(path, (read.records.at(-1)?.seq as number | undefined ?? -1) + 1);
      const pending = pendingList(state);
      writer.append('resume', { fromProposal: state.counters.proposed, pending: workersOf(state.config) === 1 ? (pending[0] ?? null) : pending, tornRecord: torn ?? null, replayMismatches, budget: state.config.budget, ...resumeNote, ...(notes.length ? { notes } : {}) });
    }
  } catch (err) {
    if (abandon) abandon();
    else lock.release();
    throw err;
  }
  const cfg = state.config;
  const measured = isMeasured(cfg.latencyModel);
  const settings: ValidationSettings = { space, limits: runLimits(cfg), sramModel: cfg.sramModel, latency, measuredLatency: measured, noveltyThreshold: cfg.noveltyThreshold };
  const record = (type: CampaignRecord['type'], fields: Record<string, unknown>) => {
    const r = writer.append(type, fields);
    return applyRecord(state, r);
  };
  const k = workersOf(cfg);
  let executor: Executor;
  let loop: EvaluationLoop;
  try {
    executor = options.executor
      ? await options.executor({ config: cfg, runId: state.runId as string, space, writeDispatch: (f) => record('dispatch', { ...f }) })
      : localExecutor(evaluator, k);
    loop = new EvaluationLoop({
      state, proposer, executor, space, settings, runDir, record, observed: redriven,
      ...(measured ? { measureLatency: measuredLatencyMs } : {}),
      onProgress: () => options.onProgress?.({ ...progressOf(state), inFlight: loop.inFlightIndices() }),
    });
  } catch (err) {
    writer.close();
    await evaluator.close?.();
    lock.release();
    throw err;
  }

  const summaryOf = (stopped: CampaignSummary['stopped'], extra: Partial<CampaignSummary> = {}): CampaignSummary => ({
    ...progressOf(state), runDir, stopped, seconds: (Date.now() - started) / 1000, resumed, budget: cfg.budget, tornRecord: torn, replayMismatches,
    ...(notes.length ? { notes } : {}), ...(loop.lastFailure ? { lastFailure: loop.lastFailure } : {}), ...extra,
  });
  let stopped: CampaignSummary['stopped'] = 'budget';
  // Stopped (Ctrl-C) with queue jobs still on the workers: no campaign-end, resume collects them.
  let detached = false;
  try {
    if (state.ended && options.budget === undefined) {
      stopped = 'finished-before';
    } else {
      const missing = state.unrecordedFrontChange;
      if (missing) record('front-change', { index: missing.index, key: missing.key, added: true, removed: missing.removed });
      if (resumed) resumePending(state, settings, loop, record);
      while (true) {
        if (state.counters.proposed >= cfg.budget) break;
        const index = state.counters.proposed;
        // Proposal i waits for the outcomes of 0..i-K (K = 1: all before it).
        if (!(await loop.settleThrough(index - k, options.signal))) {
          [stopped, detached] = ['signal', true];
          break;
        }
        if (cfg.maxValid !== undefined && state.accepted.size >= cfg.maxValid) {
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
        loop.feed(index - k);
        // Bounded before it is recorded: a candidate past what records.jsonl's reader accepts is a schema rejection.
        const p = recordableProposal(await proposer.propose({ index, record: (type, fields) => writer.append(type, fields) }));
        const key = isValidCandidate(space, p.candidate) ? canonicalKey(p.candidate, space.input.channels) : null;
        record('proposal', { index, candidate: p.candidate, note: p.note ?? null, key, ...(p.parent !== undefined ? { parent: p.parent, patch: p.patch ?? null } : {}), ...(p.patchError ? { patchError: p.patchError } : {}) });
        loop.admit(index);
      }
      if (!detached && !(await loop.drain(options.signal))) [stopped, detached] = ['signal', true];
      if (!detached) loop.feed(state.counters.proposed - 1);
    }
    if (detached) {
      const left = pendingList(state);
      const note = `${left.length} job${left.length === 1 ? '' : 's'} still in flight on the workers (${left.map((i) => `#${i}`).join(', ')}): --resume --queue URL collects ${left.length === 1 ? 'it' : 'them'}`;
      return summaryOf(stopped, { inFlight: left, notes: [...notes, note] });
    }
    if (stopped !== 'finished-before') await proposer.flush?.({ index: state.counters.proposed, record: (type, fields) => writer.append(type, fields) });
    const summary = summaryOf(stopped);
    if (stopped !== 'finished-before') writer.append('campaign-end', { stopped, summary: { ...progressOf(state), seconds: summary.seconds } });
    return summary;
  } catch (err) {
    loop.abandon();
    if (isQueueDown(err)) return summaryOf('queue-down', { inFlight: pendingList(state), notes: [...notes, (err as Error).message] });
    throw err;
  } finally {
    writer.close();
    try {
      await executor.close();
      await evaluator.close?.();
    } finally {
      lock.release();
    }
  }
}

/** A queue executor's "Redis unreachable past the patience" (lib/campaign/queue): the run stops cleanly, resumable. */
function isQueueDown(err: unknown): boolean {
  return err instanceof Error && err.name === 'QueueDown';
}

/** `--workers` above 1 runs evaluations side by side: refused where that would change what is measured. */
function checkWorkers(config: CampaignConfig, options: RunOptions): void {
  const k = workersOf(config);
  if (k > 1 && isMeasured(config.latencyModel)) throw new InputError('--workers', k, '1 with --latency-model measured (evaluations side by side would skew the measured latency)');
  if (config.queue && !options.executor) throw new InputError('--queue', 'not given', 'the Redis URL of a queue run (search --resume --queue redis://HOST:PORT), which is never recorded');
  if (config.queue && isMeasured(config.latencyModel)) throw new InputError('--latency-model', 'measured', 'predictor, predictor:FILE or cortex-m with --queue (measured latency would be this machine\'s, not the workers\')');
}


import { InputError } from '../errors.js';
import { ParetoFront, type InsertResult } from '../pareto/front.js';
import { toMinimization, totalViolation, limitViolations } from '../pareto/objectives.js';
import type { Outcome, Proposal, RejectionReason } from '../propose/types.js';
import { REJECTION_REASONS } from '../propose/types.js';
import type { Candidate } from '../space/candidate.js';
import type { CampaignConfig } from './config.js';
import { NoveltyIndex } from './novelty.js';
import { jobIdOf } from './job-id.js';
import type { CampaignRecord } from './records.js';
import { isWellFormed } from './record-schema.js';
import { rememberCandidate, type ValidationState } from './validate.js';

export interface Counters {
  proposed: number;
  /** Passed validation (then evaluated or failed). */
  valid: number;
  evaluated: number;
  failed: number;
  rejected: Record<RejectionReason, number>;
}

export interface EvaluatedCandidate {
  index: number;
  key: string;
  candidate: Candidate;
  metrics: Record<string, number>;
  seconds: number;
}

/** Everything a campaign knows, rebuilt from its records alone. */
export interface RunState {
  config: CampaignConfig;
  proposals: Proposal[];
  outcomes: (Outcome | undefined)[];
  keys: (string | undefined)[];
  counters: Counters;
  front: ParetoFront<{ index: number }>;
  validation: ValidationState;
  evaluations: EvaluatedCandidate[];
  /** Proposals recorded without an outcome (in flight, or the run stopped while they were). */
  pending: Set<number>;
  /**
   * Proposals validation accepted (evaluated, failed, dispatched or, live, in flight), by index,
   * with their keys. The duplicate and novelty memory (`validation`) holds exactly these, added in
   * index order: live at acceptance, on replay by `rebuildValidation`.
   */
  accepted: Map<number, string>;
  /** A queue run's id (campaign-start `runId`): every job id is made from it and a key. */
  runId?: string;
  /** The queue job of each dispatched proposal (its latest `dispatch` record). */
  dispatched: Map<number, { jobId: string; attempt: number }>;
  /** An evaluation that moved the front but whose front-change record was not written (a crash in between). */
  unrecordedFrontChange?: { index: number; key: string; removed: string[] };
  ended?: CampaignRecord;
}

export function emptyCounters(): Counters {
  return { proposed: 0, valid: 0, evaluated: 0, failed: 0, rejected: Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as Record<RejectionReason, number> };
}

export function newState(config: CampaignConfig): RunState {
  return {
    config,
    proposals: [],
    outcomes: [],
    keys: [],
    counters: emptyCounters(),
    front: new ParetoFront<{ index: number }>(config.objectives, config.limits),
    validation: { seen: new Map(), novelty: new NoveltyIndex() },
    evaluations: [],
    pending: new Set(),
    accepted: new Map(),
    dispatched: new Map(),
  };
}

/** Evaluations a run keeps in flight (`--workers`; 1 when not recorded). */
export function workersOf(config: CampaignConfig): number {
  return config.workers ?? 1;
}

/** Marks a proposal accepted by validation and remembers it for the duplicate and novelty checks (live, in index order). */
export function acceptProposal(state: RunState, index: number, key: string): void {
  state.accepted.set(index, key);
  rememberCandidate(state.validation, key, index, state.proposals[index]?.candidate as Candidate);
}

/**
 * Rebuilds the duplicate and novelty memory from the accepted proposals in index order, as the
 * live run built it. `revalidate(index)` decides each pending proposal that was never dispatched
 * (resume), against the memory of the accepted ones before it, and returns its key when accepted.
 */
export function rebuildValidation(state: RunState, revalidate?: (index: number) => string | undefined): void {
  state.validation = { seen: new Map(), novelty: new NoveltyIndex() };
  for (let i = 0; i < state.counters.proposed; i++) {
    if (state.pending.has(i) && !state.accepted.has(i)) {
      const key = revalidate?.(i);
      if (key !== undefined) state.accepted.set(i, key);
    }
    const key = state.accepted.get(i);
    if (key !== undefined) rememberCandidate(state.validation, key, i, state.proposals[i]?.candidate as Candidate);
  }
}

/** Proposals without an outcome, ascending. */
export function pendingList(state: RunState): number[] {
  return [...state.pending].sort((a, b) => a - b);
}

/** The outcome an evaluation's metrics give under the campaign's objectives and limits. */
export function evaluatedOutcome(config: CampaignConfig, metrics: Record<string, number>): Outcome & { kind: 'evaluated' } {
  const value = (name: string) => {
    const v = metrics[name];
    if (typeof v !== 'number') throw new InputError(`metric ${name}`, v, `a number among the evaluator's metrics (${Object.keys(metrics).join(', ')})`);
    return v;
  };
  return {
    kind: 'evaluated',
    metrics,
    objectives: toMinimization(config.objectives.map((o) => value(o.name)), config.objectives),
    violation: totalViolation(limitViolations(config.limits, value)),
  };
}

/** Applies one record to the state (the same function runs live and on replay); an evaluation returns its effect on the front. */
export function applyRecord(state: RunState, r: CampaignRecord): InsertResult | undefined {
  const index = r.index as number;
  switch (r.type) {
    case 'proposal':
      state.proposals[index] = { candidate: r.candidate, note: r.note as string | undefined, ...(r.patchError ? { patchError: r.patchError as Proposal['patchError'] } : {}) };
      state.keys[index] = r.key as string | undefined;
      state.counters.proposed = Math.max(state.counters.proposed, index + 1);
      state.pending.add(index);
      break;
    case 'rejection':
      state.outcomes[index] = {
        kind: 'rejected',
        reason: r.reason as RejectionReason,
        message: r.message as string,
        ...(typeof r.violation === 'number' ? { violation: r.violation } : {}),
      };
      state.counters.rejected[r.reason as RejectionReason]++;
      state.pending.delete(index);
      break;
    case 'evaluation': {
      const metrics = r.metrics as Record<string, number>;
      const key = r.key as string;
      const candidate = state.proposals[index]?.candidate as Candidate;
      state.outcomes[index] = evaluatedOutcome(state.config, metrics);
      state.counters.valid++;
      state.counters.evaluated++;
      state.accepted.set(index, key);
      state.evaluations.push({ index, key, candidate, metrics, seconds: r.seconds as number });
      state.pending.delete(index);
      const change = state.front.insert({ id: key, values: metrics, data: { index } });
      state.unrecordedFrontChange = change.added ? { index, key, removed: change.removed } : undefined;
      return change;
    }
    case 'front-change':
      state.unrecordedFrontChange = undefined;
      break;
    case 'failure':
      state.outcomes[index] = { kind: 'failed', message: r.message as string };
      state.counters.valid++;
      state.counters.failed++;
      state.accepted.set(index, r.key as string);
      state.pending.delete(index);
      break;
    case 'dispatch':
      state.accepted.set(index, r.key as string);
      state.dispatched.set(index, { jobId: r.jobId as string, attempt: r.attempt as number });
      break;
    case 'campaign-end':
      state.ended = r;
      break;
    default: // campaign-start, resume: nothing to rebuild
  }
  return undefined;
}

/**
 * Why a record cannot follow the state it is applied to (undefined when it can): proposals come
 * in order (index = proposals so far), an outcome settles a recorded proposal that has none yet.
 * This is what keeps an edited index (10^8) from allocating or looping on resume.
 */
export function sequenceProblem(state: RunState, r: CampaignRecord): string | undefined {
  const index = r.index as number;
  switch (r.type) {
    case 'proposal':
      if (index !== state.counters.proposed) return `a proposal with index ${index} where the next is ${state.counters.proposed}`;
      {
        // Proposal i is made once the outcomes of 0..i-K are known (K = 1: the one before it).
        const k = workersOf(state.config);
        const oldest = Math.min(...state.pending);
        if (state.pending.size > 0 && index - oldest >= k) return `a proposal (index ${index}) while proposal ${oldest} has no outcome${k > 1 ? ` (with ${k} workers, at most ${k - 1} before it may be in flight)` : ''}`;
      }
      return undefined;
    case 'dispatch': {
      if (index >= state.proposals.length || state.proposals[index] === undefined) return `a dispatch of proposal ${index}, which was never recorded (${state.proposals.length} proposals so far)`;
      if (state.outcomes[index] !== undefined) return `a dispatch of proposal ${index}, which already has an outcome`;
      if (state.keys[index] !== r.key) return `a dispatch of proposal ${index} with key ${String(r.key)}, not the proposal's ${String(state.keys[index])}`;
      if (state.runId === undefined) return `a dispatch of proposal ${index} in a run that does not use a queue (its campaign-start has no runId)`;
      const want = jobIdOf(state.runId, r.key as string);
      if (r.jobId !== want) return `a dispatch of proposal ${index} with jobId ${String(r.jobId)}, not its key's job in this run (${want})`;
      const before = state.dispatched.get(index);
      if (before && (r.attempt as number) <= before.attempt) return `a dispatch of proposal ${index} with attempt ${String(r.attempt)} after attempt ${before.attempt}`;
      return undefined;
    }
    case 'rejection':
    case 'evaluation':
    case 'failure':
      if (index >= state.proposals.length || state.proposals[index] === undefined) return `a ${r.type} of proposal ${index}, which was never recorded (${state.proposals.length} proposals so far)`;
      if (state.outcomes[index] !== undefined) return `a second outcome (${r.type}) for proposal ${index}`;
      if (r.type !== 'rejection' && !isWellFormed(state.proposals[index]?.candidate)) return `${r.type === 'evaluation' ? 'an' : 'a'} ${r.type} of proposal ${index}, whose recorded candidate is not {blocks: [...]} (only a well-formed candidate is evaluated)`;
      if (r.type === 'evaluation') {
        const missing = state.config.objectives.map((o) => o.name).find((n) => typeof (r.metrics as Record<string, unknown>)[n] !== 'number');
        if (missing !== undefined) return `an evaluation of proposal ${index} whose metrics lack the objective ${missing}`;
      }
      return undefined;
    case 'front-change':
      if (state.outcomes[index]?.kind !== 'evaluated') return `a front-change for proposal ${index}, which has no evaluation`;
      return undefined;
    case 'campaign-start':
      return 'a second campaign-start';
    default:
      return undefined;
  }
}

/**
 * Rebuilds a run's state from its records (the first must be its campaign-start). Every record is
 * checked against the state it follows (sequenceProblem).
 *
 * @param lines the 1-based line of each record (ReadResult.lines), for errors; default i + 1.
 * @param source names the file in errors.
 * @throws InputError naming the line, for a record that cannot follow the ones before it.
 */
export function replayRecords(records: readonly CampaignRecord[], lines?: readonly number[], source = 'records.jsonl'): RunState {
  const start = records[0];
  if (start?.type !== 'campaign-start') throw new InputError('records', start?.type ?? 'nothing', 'a campaign-start record first');
  const state = newState(start.config as CampaignConfig);
  if (typeof start.runId === 'string') state.runId = start.runId;
  for (let i = 1; i < records.length; i++) {
    const r = records[i] as CampaignRecord;
    const problem = sequenceProblem(state, r);
    if (problem) throw new InputError(`${source} line ${lines?.[i] ?? i + 1}`, undefined, 'records in the order the campaign writes them (proposal, then its one outcome)', problem);
    applyRecord(state, r);
  }
  rebuildValidation(state);
  return state;
}

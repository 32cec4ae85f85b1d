import { EvaluationFailure, type Evaluation, type Evaluator } from '../evaluate/types.js';
import { COST_METRICS } from '../evaluate/cost.js';
import type { InsertResult } from '../pareto/front.js';
import type { Proposal, Proposer } from '../propose/types.js';
import type { SearchSpace } from '../space/space.js';
import type { DispatchFields, EvaluationTask, Executor } from './executor.js';
import { NoveltyIndex } from './novelty.js';
import type { CampaignRecord } from './records.js';
import { acceptProposal, evaluatedOutcome, type RunState } from './state.js';
import { validateProposal, type Validation, type ValidationSettings } from './validate.js';

type Accepted = Extract<Validation, { ok: true }>;
type Settled = { index: number; v: Accepted; evaluation?: Evaluation; error?: unknown };

/**
 * Feeds the recorded outcomes of proposals `from`..`upTo` to the proposer, in index order (each
 * must have one); returns the next index to feed. Live (EvaluationLoop) and on resume (redrive).
 */
export function feedOutcomes(state: RunState, proposer: Proposer, from: number, upTo: number): number {
  let i = from;
  for (; i <= upTo && i < state.counters.proposed; i++) {
    const outcome = state.outcomes[i];
    if (!outcome) throw new Error(`internal: proposal ${i} fed to the proposer before its outcome`);
    proposer.observe({ index: i, proposal: state.proposals[i] as Proposal, key: state.keys[i] ?? state.accepted.get(i), outcome });
  }
  return i;
}

/** A rejection record's fields, from a failed validation. */
export function rejectionFields(index: number, v: Extract<Validation, { ok: false }>): Record<string, unknown> {
  return { index, key: v.key ?? null, reason: v.reason, message: v.message, details: v.details, violation: v.violation ?? null };
}

/** The evaluator of this process as an Executor: K evaluations at once (a trainer's child processes, or in-process work). */
export function localExecutor(evaluator: Evaluator, slots: number): Executor {
  return { slots, run: (task) => evaluator.evaluate(task.input), close: async () => {} };
}

export interface LoopParts {
  state: RunState;
  proposer: Proposer;
  executor: Executor;
  space: SearchSpace;
  settings: ValidationSettings;
  runDir: string;
  /** Writes one record and applies it to the state (an evaluation returns its effect on the front). */
  record: (type: CampaignRecord['type'], fields: Record<string, unknown>) => InsertResult | undefined;
  /** Measures latencyMs after evaluation (`--latency-model measured`, K = 1 only). */
  measureLatency?: (graph: Accepted['graph']) => Promise<number>;
  onProgress?: () => void;
  /** Outcomes the proposer was already fed (a resumed run's re-drive). */
  observed?: number;
}

/**
 * The in-flight part of the loop: up to `executor.slots` evaluations at once, each result recorded
 * the moment it arrives (completion order, with its index), and outcomes fed to the proposer in
 * index order only (`feed`), so proposals do not depend on which evaluation finishes first. With
 * one slot the calls are today's: propose(i), evaluate(i), observe(i), propose(i + 1).
 */
export class EvaluationLoop {
  /** The next index whose outcome the proposer has not been fed. */
  private observed = 0;
  private readonly inFlight = new Map<number, Promise<Settled>>();
  lastFailure?: { index: number; kind: string; message: string };

  constructor(private readonly p: LoopParts) {
    this.observed = p.observed ?? 0;
  }

  /** Indices being evaluated, ascending. */
  inFlightIndices(): number[] {
    return [...this.inFlight.keys()].sort((a, b) => a - b);
  }

  /** Feeds the recorded outcomes of proposals observed..upTo to the proposer, in index order (each must be settled). */
  feed(upTo: number): void {
    this.observed = feedOutcomes(this.p.state, this.p.proposer, this.observed, upTo);
  }

  /** Validates a recorded proposal against every accepted one before it: records its rejection, or accepts it and starts its evaluation. */
  admit(index: number): void {
    const { state, settings } = this.p;
    const v = validateProposal((state.proposals[index] as Proposal).candidate, settings, state.validation, state.proposals[index]?.patchError);
    if (!v.ok) {
      this.p.record('rejection', rejectionFields(index, v));
      this.p.onProgress?.();
      return;
    }
    acceptProposal(state, index, v.key);
    this.start(index, v);
    this.p.onProgress?.();
  }

  /** Resume: starts again an accepted proposal that has no outcome; a dispatched one is collected from its queue job. */
  resumeAccepted(index: number): void {
    const { state, settings } = this.p;
    // Costs and graph again, without the duplicate memory (which holds this proposal itself).
    const v = validateProposal((state.proposals[index] as Proposal).candidate, settings, { seen: new Map(), novelty: new NoveltyIndex() });
    if (!v.ok) throw new Error(`internal: accepted proposal ${index} no longer passes validation (${v.message})`);
    const dispatched = state.dispatched.get(index);
    this.start(index, v, dispatched ? { index, key: v.key, ...dispatched } : undefined);
  }

  private start(index: number, v: Accepted, dispatched?: DispatchFields): void {
    const { executor, space, runDir, state } = this.p;
    const task: EvaluationTask = { index, key: v.key, input: { candidate: v.candidate, key: v.key, graph: v.graph, space, seed: state.config.seed + index, runDir } };
    const running = dispatched && executor.reattach ? executor.reattach(task, dispatched) : executor.run(task);
    this.inFlight.set(
      index,
      running.then(
        (evaluation) => ({ index, v, evaluation }),
        (error: unknown) => ({ index, v, error }),
      ),
    );
  }

  /**
   * Waits until every proposal up to `index` has its outcome (recording results as they arrive).
   * With a detachable executor (a queue), `stop` cuts the wait short: returns false, jobs left in flight.
   */
  async settleThrough(index: number, stop?: AbortSignal): Promise<boolean> {
    while ([...this.inFlight.keys()].some((j) => j <= index)) if (!(await this.settleNext(stop))) return false;
    return true;
  }

  /** Waits for every evaluation in flight (false: cut short by `stop`, as settleThrough). */
  async drain(stop?: AbortSignal): Promise<boolean> {
    while (this.inFlight.size > 0) if (!(await this.settleNext(stop))) return false;
    return true;
  }

  /** Records the next result to arrive (false: `stop` came first); a second result for a settled index is dropped (the first wins). */
  private async settleNext(stop?: AbortSignal): Promise<boolean> {
    const cut = stop && this.p.executor.detachable ? stop : undefined;
    if (cut?.aborted) return false;
    let onAbort: (() => void) | undefined;
    const aborted = cut ? new Promise<undefined>((resolve) => cut.addEventListener('abort', (onAbort = () => resolve(undefined)), { once: true })) : undefined;
    const s = await Promise.race([...this.inFlight.values(), ...(aborted ? [aborted] : [])]);
    if (onAbort) cut?.removeEventListener('abort', onAbort);
    if (s === undefined) return false;
    await this.recordResult(s);
    return true;
  }

  private async recordResult(s: Settled): Promise<void> {
    this.inFlight.delete(s.index);
    const { state, record } = this.p;
    if (state.outcomes[s.index] !== undefined) return;
    const { index, v } = s;
    try {
      if (s.error !== undefined) throw s.error;
      const e = s.evaluation as Evaluation;
      // A trainer may report its own cost counts (they replace the model's), never the predicted latency its limit was checked on.
      const metrics: Record<string, number> = { macs: v.costs.macs, params: v.costs.params, flashBytes: v.costs.flashBytes, peakSramBytes: v.costs.peakSramBytes, ...e.metrics, ...v.predicted };
      if (this.p.measureLatency) metrics.latencyMs = await this.p.measureLatency(v.graph);
      checkMetricValues(metrics);
      evaluatedOutcome(state.config, metrics); // a missing objective metric is a configuration error: thrown before recording
      const change = record('evaluation', { index, key: v.key, metrics, seconds: e.seconds, details: e.details ?? null });
      if (change?.added) record('front-change', { index, key: v.key, added: true, removed: change.removed });
    } catch (err) {
      if (!(err instanceof EvaluationFailure)) throw err;
      record('failure', { index, key: v.key, kind: err.kind, message: err.message, details: err.details ?? null });
      this.lastFailure = { index, kind: err.kind, message: err.message };
    }
    this.p.onProgress?.();
  }

  /**
   * After an error that ends the run: lets the evaluations still in flight end without an
   * unhandled rejection (their results are not recorded; resume runs them again).
   */
  abandon(): void {
    this.inFlight.clear();
  }
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

import type { Evaluation, EvaluationInput } from '../evaluate/types.js';

/** One accepted candidate to evaluate: its proposal index and canonical key, and the evaluator's input. */
export interface EvaluationTask {
  index: number;
  key: string;
  input: EvaluationInput;
}

/** A `dispatch` record's fields: the queue job an accepted candidate was sent as. */
export interface DispatchFields {
  index: number;
  key: string;
  /** Deterministic BullMQ job id (run id and key): adding it again is a no-op. */
  jobId: string;
  /** 1 for the first add; +1 each time a resume finds the job gone from Redis and adds it again. */
  attempt: number;
}

/**
 * Role: where an accepted candidate is evaluated. The local executor calls the campaign's
 * evaluator in this process (its trainers run as child processes); the queue executor sends a
 * BullMQ job to `paretonas worker` processes on any machine. The campaign keeps at most `slots`
 * tasks in flight and records each result as it arrives.
 */
export interface Executor {
  /** Evaluations it runs at once (`--workers K`). */
  readonly slots: number;
  /**
   * Evaluations go on without this process (queue jobs on workers): a stop (Ctrl-C) need not wait
   * for them, and `reattach` collects them on resume. Local evaluations are waited for.
   */
  readonly detachable?: boolean;
  /** Evaluates one task; throws EvaluationFailure for a failure the campaign records and survives. Safe to call up to `slots` times at once. */
  run(task: EvaluationTask): Promise<Evaluation>;
  /**
   * Resume: collects a task dispatched by an earlier session (a `dispatch` record) without
   * running it again when its job is done or running; adds it again (attempt + 1) when it is gone.
   */
  reattach?(task: EvaluationTask, dispatched: DispatchFields): Promise<Evaluation>;
  close(): Promise<void>;
}

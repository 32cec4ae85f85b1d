import type { Graph } from '../graph/types.js';
import type { Candidate } from '../space/candidate.js';
import type { SearchSpace } from '../space/space.js';

export interface EvaluationInput {
  candidate: Candidate;
  key: string;
  graph: Graph;
  space: SearchSpace;
  seed: number;
  /** The campaign's run directory (an evaluator may write files for the candidate there). */
  runDir?: string;
}

export interface Evaluation {
  /** Named numbers, e.g. { accuracy, macs, params } or { naswot, macs, params }. */
  metrics: Record<string, number>;
  seconds: number;
  details?: Record<string, unknown>;
}

/** `worker-lost`: a queue worker running it stopped answering (killed, machine lost) past the stalled limit. */
export const FAILURE_KINDS = ['crash', 'timeout', 'malformed', 'error', 'worker-lost'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** An evaluation that did not produce metrics; the campaign records it and goes on. */
export class EvaluationFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'EvaluationFailure';
  }
}

/** Role: turns a valid candidate into metrics (cost estimates, a proxy score, or a trainer's accuracy). */
export interface Evaluator {
  readonly name: string;
  /** The metric names every successful evaluation returns. */
  readonly metrics: readonly string[];
  /** Throws EvaluationFailure for a failure the campaign should record and survive. */
  evaluate(input: EvaluationInput): Promise<Evaluation>;
  /**
   * Checks, once before the first proposal, that the evaluator can score candidates of this space
   * at all (the torch evaluator: the dataset's classes and input channels against the space's).
   * Throws InputError to refuse the run; reports adaptations (e.g. resized images) to onNote.
   */
  preflight?(space: SearchSpace, onNote?: (line: string) => void): Promise<void>;
  close?(): Promise<void>;
}

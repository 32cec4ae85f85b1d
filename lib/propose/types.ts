import type { Candidate } from '../space/candidate.js';
import type { SearchSpace } from '../space/space.js';

/** What a proposer is told before it proposes. */
export interface ProposalContext {
  /** 0-based index of this proposal in the campaign (valid or not). */
  index: number;
  /** Appends a record of the proposer's own (an LLM call, an explanation); absent while replaying. */
  record?: (type: 'llm-call' | 'explanation', fields: Record<string, unknown>) => void;
}

/** A proposal: usually a Candidate; an LLM's may be anything, which validation then rejects. */
export interface Proposal {
  candidate: unknown;
  /** Free text kept with the record (e.g. which parent was mutated). */
  note?: string;
  /** A delta proposal (NNGPT, `--llm-mode delta`): the canonical key of the front member it patches. */
  parent?: string;
  /** A delta proposal's JSON Patch (RFC 6902) as replied (parsed), or null when the reply held none. */
  patch?: unknown;
  /**
   * A delta reply that is not a JSON Patch (`parse`) or does not apply to its parent (`schema`), or
   * any proposal past the record bounds (`schema`, lib/campaign/validate.ts recordableProposal):
   * validation rejects the proposal with this reason and message (the LLM's feedback).
   */
  patchError?: { reason: 'parse' | 'schema'; message: string };
}

/** Why a proposal never reached evaluation. */
export const REJECTION_REASONS = ['no-reply', 'parse', 'schema', 'macs', 'sram', 'duplicate', 'novelty', 'flash', 'params', 'latency'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** What became of a proposal, fed back to the proposer in proposal order. */
export type Outcome =
  | {
      kind: 'evaluated';
      metrics: Readonly<Record<string, number>>;
      /** The campaign's objectives in minimisation form (maximised ones negated), in declared order. */
      objectives: readonly number[];
      /** Total constraint violation, 0 when feasible. */
      violation: number;
    }
  | {
      kind: 'rejected';
      reason: RejectionReason;
      message: string;
      /** For a limit's rejection (MACs, SRAM, flash, params, latency): how far outside it, relative to it (0.2 = 20 % over). */
      violation?: number;
    }
  | { kind: 'failed'; message: string };

export interface Observation {
  index: number;
  proposal: Proposal;
  /** Canonical key, when the proposal was a well-formed candidate. */
  key?: string;
  outcome: Outcome;
}

/**
 * Role: proposes candidates. A proposer must be deterministic given its seed and the observations
 * it has been fed, so that a campaign rebuilds it by replaying its records.
 */
export interface Proposer {
  readonly name: string;
  propose(context: ProposalContext): Promise<Proposal>;
  observe(observation: Observation): void;
  /** Work left when the campaign ends (e.g. explanations still to ask for). */
  flush?(context: ProposalContext): Promise<void>;
}

export interface ProposerOptions {
  space: SearchSpace;
  seed: number;
  /** Number of objectives in Outcome.objectives. */
  objectiveCount: number;
  /** Proposer-specific settings (e.g. evolution's population size). */
  settings?: Readonly<Record<string, unknown>>;
  /**
   * Whether a candidate meets the run's hard limits (lib/campaign/screen.ts), for proposers that
   * screen; absent: the space file's limits on cost metrics.
   */
  feasible?: (candidate: Candidate) => boolean;
}

export type ProposerFactory = (options: ProposerOptions) => Proposer;

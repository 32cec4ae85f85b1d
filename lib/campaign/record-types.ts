/**
 * The campaign's records as a TypeScript discriminated union on `type`, and their codec for a
 * Store (lib/store): every record read back is checked by the hand-written checks of
 * record-schema.ts (exact messages, numbers revived), then by the ajv shapes of record-shapes.ts.
 */
import type { FailureKind } from '../evaluate/types.js';
import type { ChatMessage } from '../llm/types.js';
import type { RejectionReason } from '../propose/types.js';
import type { RecordCodec } from '../store/types.js';
import type { CampaignConfig } from './config.js';
import { checkRecord } from './record-schema.js';

export const CAMPAIGN_RECORD_TYPES = ['campaign-start', 'resume', 'proposal', 'rejection', 'evaluation', 'failure', 'front-change', 'dispatch', 'llm-call', 'explanation', 'campaign-end'] as const;
export type CampaignRecordType = (typeof CAMPAIGN_RECORD_TYPES)[number];

/**
 * Record types of a `lamda generate` run (lib/lamda/records.ts, which campaign/ may not import).
 * A campaign reader takes them as whole records, unchecked, so it refuses a LAMDA run with "a
 * campaign-start record first" rather than calling its first line torn or bad.
 */
export const FOREIGN_RECORD_TYPES = ['lamda-start', 'lamda-round', 'lamda-result'] as const;

interface Stamp<T extends string> {
  type: T;
  time: string;
  seq: number;
}

export interface CampaignStartRecord extends Stamp<'campaign-start'> {
  config: CampaignConfig;
  /** Versions of the toolkit and its runtimes. */
  versions?: Record<string, string>;
  latencyEstimator?: string;
  latencyFactor?: number;
}
export interface ResumeRecord extends Stamp<'resume'> {
  fromProposal: number;
  /** Proposals without an outcome when the run stopped (one index, a list with --workers, or null). */
  pending: number | number[] | null;
  tornRecord: { line: number; text: string } | null;
  replayMismatches: number[];
  budget: number;
  notes?: string[];
  /** And what the resume check notes (e.g. ollamaHost). */
  [note: string]: unknown;
}
export interface ProposalRecord extends Stamp<'proposal'> {
  index: number;
  /** Any JSON a proposer gave (an LLM's reply may be anything); {blocks: [...]} when key is set. */
  candidate: unknown;
  note?: string | null;
  /** Canonical key of a well-formed candidate, null otherwise. */
  key?: string | null;
  /** Delta proposals (--llm-mode delta): the patched front member's key, and the JSON Patch as replied (null: none). */
  parent?: string;
  patch?: unknown;
  /** A delta reply that was no JSON Patch (parse) or did not apply (schema), or any proposal past the record bounds (schema); its rejection carries this message. */
  patchError?: { reason: 'parse' | 'schema'; message: string };
}
export interface RejectionRecord extends Stamp<'rejection'> {
  index: number;
  key?: string | null;
  reason: RejectionReason;
  message: string;
  details?: unknown;
  violation?: unknown;
}
export interface EvaluationRecord extends Stamp<'evaluation'> {
  index: number;
  key: string;
  metrics: Record<string, number>;
  seconds?: number;
  details?: unknown;
}
export interface FailureRecord extends Stamp<'failure'> {
  index: number;
  key: string;
  kind?: FailureKind;
  message: string;
  details?: unknown;
}
export interface FrontChangeRecord extends Stamp<'front-change'> {
  index: number;
  key: string;
  added?: boolean;
  removed?: string[];
}
export interface DispatchRecord extends Stamp<'dispatch'> {
  index: number;
  key: string;
  jobId: string;
  attempt: number;
}
export interface LlmCallRecordOf extends Stamp<'llm-call'> {
  index?: number;
  promptVersion?: string;
  model: string;
  options?: Record<string, unknown>;
  messages: ChatMessage[];
  format?: boolean;
  reply: string | null;
  promptTokens?: number;
  replyTokens?: number;
  durationMs?: number;
  attempts?: number;
  error?: string;
  replyChars?: number;
  purpose?: 'proposal' | 'explanation' | 'generation';
}
export interface ExplanationRecord extends Stamp<'explanation'> {
  index: number;
  key?: string | null;
  model?: string;
  text: string;
  replyChars?: number;
  /** Written by `paretonas explain`, not during the run. */
  onDemand?: boolean;
}
export interface CampaignEndRecord extends Stamp<'campaign-end'> {
  stopped: 'budget' | 'valid' | 'time' | 'signal';
  summary: { seconds?: number; [counter: string]: unknown };
}

/** One record of a campaign's records.jsonl. */
export type CampaignRecordOf = CampaignStartRecord | ResumeRecord | ProposalRecord | RejectionRecord | EvaluationRecord | FailureRecord | FrontChangeRecord | DispatchRecord | LlmCallRecordOf | ExplanationRecord | CampaignEndRecord;

/** The campaign records' codec: campaign types only (a LAMDA record in a campaign store is refused). */
export const campaignCodec: RecordCodec<CampaignRecordOf> = {
  types: CAMPAIGN_RECORD_TYPES,
  check: (where, r) => checkRecord(where, r as Parameters<typeof checkRecord>[1]),
};

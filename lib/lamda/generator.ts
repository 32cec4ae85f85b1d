/**
 * Generators: what rewrites a base model under a latency target inside LAMDA's loop. Each round a
 * generator sees the task and every earlier round (its text, the defects found, the predicted
 * latency) and returns model text; the loop parses and verifies it.
 */
import type { Graph } from '../graph/types.js';
import type { LlmCallRecord } from '../llm/types.js';
import type { SlicingStrategy } from './slice.js';
import type { TokenizerName } from './tokens.js';
import type { Defect, Requirements } from './verify.js';
export { SLICING_STRATEGIES, type SlicingStrategy } from './slice.js';

export interface SlicingPlan {
  strategy: SlicingStrategy;
  /** The context budget for model text, in tokens. */
  maxTokens: number;
  tokenizer: TokenizerName;
}

export interface GenerationTask {
  base: Graph;
  requirements: Requirements;
  /** The base model's latency as the loop's estimator predicts it. */
  basePredictedMs: number;
  /** One line about the device, for prompts. */
  device: string;
  /** How a generator with a bounded context window should cut the base model (LAMDA section 4.1.2). */
  slicing?: SlicingPlan;
}

/** One finished round as a generator sees it afterwards. */
export interface RoundView {
  round: number;
  text: string;
  defects: readonly Defect[];
  predictedMs?: number;
  meta?: Record<string, unknown>;
}

export interface GeneratorReply {
  text: string;
  /** What the generator wants to remember or report (e.g. the width it tried). */
  meta?: Record<string, unknown>;
  /** Every LLM call the reply took, for the records. */
  calls?: LlmCallRecord[];
  /** Nothing a further round could try differs from what was tried: the loop stops after this round. */
  final?: boolean;
}

/** A round the generator could not produce (an LLM call that failed after its retries): recorded, not fed back. */
export class GenerationFailure extends Error {
  constructor(
    message: string,
    readonly calls: LlmCallRecord[] = [],
  ) {
    super(message);
    this.name = 'GenerationFailure';
  }
}

/** Role: rewrites a base model to meet the task's requirements, one round at a time. */
export interface Generator {
  readonly name: string;
  /** Throws a one-line setup error when the generator cannot work (server down, model not pulled). */
  check?(): Promise<void>;
  generate(task: GenerationTask, history: readonly RoundView[]): Promise<GeneratorReply>;
}


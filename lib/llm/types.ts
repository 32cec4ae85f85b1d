/** One chat message, as Ollama's chat API takes it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  temperature?: number;
  min_p?: number;
  seed?: number;
  num_ctx?: number;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** A JSON Schema for Ollama's structured output; absent for free text (explanations). */
  format?: Record<string, unknown>;
  options?: ChatOptions;
}

export interface ChatResponse {
  content: string;
  promptTokens: number;
  replyTokens: number;
  durationMs: number;
  /** Attempts it took (1 = no retry). */
  attempts: number;
}

/** A call that failed after its retries: the campaign records it and goes on. */
export class LlmCallFailure extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    /** Wall time of all attempts, ms (a replayed failure: the recorded time). */
    readonly durationMs?: number,
  ) {
    super(message);
    this.name = 'LlmCallFailure';
  }
}

/**
 * A problem no retry fixes (Ollama not running, the model not pulled, a recorded run that does not
 * match): the campaign stops with this one line, which says what to run.
 */
export class LlmSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmSetupError';
  }
}

/** What every LLM call leaves in the records. */
export interface LlmCallRecord {
  model: string;
  options: ChatOptions;
  messages: ChatMessage[];
  format: boolean;
  reply: string | null;
  promptTokens: number;
  replyTokens: number;
  durationMs: number;
  attempts: number;
  error?: string;
  /** The reply's full length in characters when `reply` holds it cut (see recordedAnswer). */
  replyChars?: number;
  /** What the call was for. */
  purpose: 'proposal' | 'explanation' | 'generation';
}

/**
 * The record fields of an answered call, its reply bounded to `maxChars` before anything uses or
 * records it: a longer reply is kept cut, with its full length as `replyChars`.
 */
export function recordedAnswer(r: ChatResponse, maxChars: number): Pick<LlmCallRecord, 'promptTokens' | 'replyTokens' | 'durationMs' | 'attempts' | 'replyChars'> & { reply: string } {
  const cut = r.content.length > maxChars;
  return { reply: cut ? r.content.slice(0, maxChars) : r.content, ...(cut ? { replyChars: r.content.length } : {}), promptTokens: r.promptTokens, replyTokens: r.replyTokens, durationMs: r.durationMs, attempts: r.attempts };
}

/** The record fields of a failed call: its message, attempts and real duration (ms since `startedMs`, performance.now()). */
export function recordedFailure(err: LlmCallFailure, startedMs: number): Pick<LlmCallRecord, 'error' | 'attempts' | 'durationMs'> {
  return { error: err.message, attempts: err.attempts, durationMs: err.durationMs ?? Math.round(performance.now() - startedMs) };
}

/** Role: a chat model. Implementations: Ollama over HTTP, and a recorded run replayed. */
export interface LlmClient {
  readonly name: string;
  /** Checks the model can be used (server reachable, model present); throws LlmSetupError otherwise. */
  check(model: string): Promise<void>;
  /** Throws LlmCallFailure when the call fails after its retries. */
  chat(request: ChatRequest): Promise<ChatResponse>;
  /** The model's context length in tokens, when the server tells it (Ollama: /api/show model_info). */
  contextLength?(model: string): Promise<number | undefined>;
}

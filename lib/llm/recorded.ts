/**
 * Replaying an earlier run's LLM calls: `recordedClient` answers each chat with the next recorded
 * reply (checking, in strict mode, that the request is the one that was recorded), and
 * `chainClients` serves the recorded calls first and then goes on with a live client — used to
 * resume a run without asking the LLM again for what is already recorded.
 */
import {
  LlmCallFailure,
  LlmSetupError,
  type ChatMessage,
  type ChatRequest,
  type ChatResponse,
  type LlmCallRecord,
  type LlmClient,
} from './types.js';

export interface RecordedClientOptions {
  /** Check that each request has the recorded model, messages and format presence. Default true. */
  strict?: boolean;
}

export interface RecordedClient extends LlmClient {
  /** Recorded calls served so far. */
  readonly used: number;
  /** Recorded calls not served yet. */
  readonly remaining: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function excerpt(text: string, at: number): string {
  const start = Math.max(0, at - 20);
  const piece = text.slice(start, at + 40);
  return JSON.stringify(`${start > 0 ? '…' : ''}${piece}${at + 40 < text.length ? '…' : ''}`);
}

const DECIMAL_IN_TEXT = /(-?\d+\.\d+)/;

/**
 * Whether two prompt texts are the same once printed decimals are read at their printed precision:
 * everything but numbers with a decimal point must be equal, and each such pair must have the same
 * number of decimals and differ by at most one unit in the last place. A proxy score computed again
 * on another CPU (AVX2 and AVX-512 kernels round differently) prints 210.6310 where 210.6311 was
 * recorded; integers (MACs, params, indices) must still match exactly.
 */
export function sameAtPrintedPrecision(recorded: string, now: string): boolean {
  const a = recorded.split(DECIMAL_IN_TEXT);
  const b = now.split(DECIMAL_IN_TEXT);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    if (i % 2 === 0) return false; // text between numbers
    const decimals = x.length - x.indexOf('.') - 1;
    if (decimals !== y.length - y.indexOf('.') - 1) return false;
    const unit = 10 ** -decimals;
    if (Math.abs(Number(x) - Number(y)) > unit * 1.5) return false;
  }
  return true;
}

/** Where two messages first differ, described in a few words; undefined when equal. */
function messageDifference(recorded: ChatMessage, now: ChatMessage): string | undefined {
  if (recorded.role !== now.role) return `recorded role ${recorded.role}, now ${now.role}`;
  if (recorded.content === now.content || sameAtPrintedPrecision(recorded.content, now.content)) return undefined;
  let at = 0;
  while (at < recorded.content.length && recorded.content[at] === now.content[at]) at++;
  return `the ${recorded.role} content differs at character ${at}: recorded ${excerpt(recorded.content, at)}, now ${excerpt(now.content, at)}`;
}

/** Why a request does not match its recorded call (1-based `callNumber`); undefined when it matches. */
function mismatch(record: LlmCallRecord, request: ChatRequest): string | undefined {
  if (record.model !== request.model) return `the model differs (recorded ${record.model}, now ${request.model})`;
  const hasFormat = request.format !== undefined;
  if (record.format !== hasFormat) {
    return `the recorded call ${record.format ? 'had' : 'had no'} format (JSON schema), this one ${hasFormat ? 'has' : 'has none'}`;
  }
  const n = Math.max(record.messages.length, request.messages.length);
  for (let i = 0; i < n; i++) {
    const recorded = record.messages[i];
    const now = request.messages[i];
    if (!recorded || !now) {
      return `message index ${i} differs: the recorded call has ${plural(record.messages.length, 'message')}, this one ${request.messages.length}`;
    }
    const difference = messageDifference(recorded, now);
    if (difference) return `message index ${i} differs: ${difference}`;
  }
  return undefined;
}

/** Replays `calls` in order. `check` always passes. */
export function recordedClient(calls: readonly LlmCallRecord[], options: RecordedClientOptions = {}): RecordedClient {
  const strict = options.strict ?? true;
  let next = 0;

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    const record = calls[next];
    if (!record) throw new LlmSetupError(`the recorded run has only ${plural(calls.length, 'LLM call')}`);
    const callNumber = next + 1;
    if (strict) {
      const difference = mismatch(record, request);
      if (difference) {
        throw new LlmSetupError(
          `LLM call ${callNumber} does not match the recorded run: ${difference} (the replayed run was made with other settings, space or prompts; in code, recordedClient(calls, { strict: false }) replays regardless)`,
        );
      }
    }
    next++;
    if (record.reply === null) {
      throw new LlmCallFailure(record.error ?? `recorded LLM call ${callNumber} failed`, record.attempts, record.durationMs);
    }
    return {
      content: record.reply,
      promptTokens: record.promptTokens,
      replyTokens: record.replyTokens,
      durationMs: record.durationMs,
      attempts: record.attempts,
    };
  }

  return {
    name: `recorded(${plural(calls.length, 'call')})`,
    async check(): Promise<void> {},
    chat,
    get used() {
      return next;
    },
    get remaining() {
      return calls.length - next;
    },
  };
}

/**
 * Serves `recorded`'s calls while it has any, then passes every further call to `live`.
 * `check` checks the live client (the resumed run will need it once the recording runs out).
 */
export function chainClients(recorded: RecordedClient, live: LlmClient): LlmClient {
  return {
    name: `${recorded.name} then ${live.name}`,
    check: (model) => live.check(model),
    chat: (request) => (recorded.remaining > 0 ? recorded.chat(request) : live.chat(request)),
  };
}

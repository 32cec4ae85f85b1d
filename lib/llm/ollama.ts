/**
 * The Ollama chat client (over HTTP, through the `ollama` npm package): non-streaming chat with
 * structured output (`format` = a JSON Schema), a timeout per attempt that really cancels the HTTP
 * request, and retries with exponential backoff on network failures, timeouts and HTTP 5xx.
 *
 * How the `ollama` package (0.6.x) surfaces failures, and what we make of them:
 *   - HTTP status >= 400: `ResponseError` (name 'ResponseError', `status_code`, `error` = the server's
 *     `{"error": ...}` text). The class is not exported by the package, so it is recognised by shape.
 *     404 "model ... not found" → LlmSetupError (run `ollama pull`); 5xx, 408, 429 → retried;
 *     other 4xx (e.g. 400 for an invalid format schema) → LlmCallFailure at once, no retry.
 *   - connection refused / reset / dropped socket: Node's fetch (undici) throws TypeError('fetch failed')
 *     with the system error in `cause` (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET "other side closed"), or
 *     TypeError('terminated') when the body is cut off → retried.
 *   - non-streaming calls take no AbortSignal in the package (its `abort()` only stops streams), so each
 *     attempt gets its own `Ollama` instance whose `fetch` carries our AbortSignal; the abort closes the
 *     socket (the server sees the connection close) and the timer is unref'd and always cleared.
 */
import { Ollama } from 'ollama';
import { backoffDelay, describeError, errorCode, isNetworkError, sleep } from './retry.js';
import {
  LlmCallFailure,
  LlmSetupError,
  type ChatRequest,
  type ChatResponse,
  type LlmClient,
} from './types.js';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
/** Time per LLM call attempt when no timeoutMs is given (ms). */
export const DEFAULT_LLM_TIMEOUT_MS = 120_000;

export interface OllamaClientOptions {
  /** Default: process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434'. */
  host?: string;
  /** Per attempt; the request is aborted when it runs out. Default 120000. */
  timeoutMs?: number;
  /** Retries after the first attempt (so at most retries + 1 attempts). Default 3. */
  retries?: number;
  /** The wait before the first retry; it doubles before each further one. Default 500. */
  backoffMs?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** The longest check() waits for the server to answer. */
const CHECK_TIMEOUT_MS = 10_000;

interface ResponseErrorLike extends Error {
  status_code: number;
  error?: string;
}

/** The `ollama` package's ResponseError (not exported by the package). */
function asResponseError(err: unknown): ResponseErrorLike | undefined {
  return err instanceof Error &&
    err.name === 'ResponseError' &&
    typeof (err as Partial<ResponseErrorLike>).status_code === 'number'
    ? (err as ResponseErrorLike)
    : undefined;
}

class AttemptTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no reply within ${formatSeconds(timeoutMs)} (request aborted)`);
    this.name = 'AttemptTimeout';
  }
}

class MalformedReply extends Error {
  constructor(detail: string) {
    super(`malformed reply: ${detail}`);
    this.name = 'MalformedReply';
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/** Ollama treats `llama3` as `llama3:latest`. */
function normalizeModelName(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

function notPulled(model: string, host: string): LlmSetupError {
  return new LlmSetupError(`model ${model} is not pulled in the Ollama at ${host}: run \`ollama pull ${model}\``);
}

function unreachable(host: string, cause: unknown): LlmSetupError {
  const error = new LlmSetupError(
    `Ollama is not reachable at ${host}: start it with \`ollama serve\` (or set --ollama-host / OLLAMA_HOST)`,
  );
  return Object.assign(error, { cause });
}

type Outcome = { retry: boolean; reason: string } | { setup: LlmSetupError };

function classify(err: unknown, model: string, host: string): Outcome {
  if (err instanceof AttemptTimeout) return { retry: true, reason: err.message };
  const response = asResponseError(err);
  if (response) {
    const status = response.status_code;
    const text = response.error ?? response.message;
    if (status === 404 && /model.*not found/i.test(text)) return { setup: notPulled(model, host) };
    if (status === 404) {
      return {
        setup: new LlmSetupError(
          `the server at ${host} answered HTTP 404 (${text}) to POST /api/chat: is it an Ollama server (a recent one)?`,
        ),
      };
    }
    return { retry: status >= 500 || status === 408 || status === 429, reason: `HTTP ${status}: ${text}` };
  }
  if (err instanceof MalformedReply || err instanceof SyntaxError) return { retry: true, reason: err.message };
  if (isNetworkError(err)) {
    const code = errorCode(err);
    return { retry: true, reason: `connection failed (${code ? `${code}: ` : ''}${describeError(err)})` };
  }
  return { retry: false, reason: describeError(err) };
}

export function ollamaClient(options: OllamaClientOptions = {}): LlmClient {
  const host = options.host ?? process.env['OLLAMA_HOST'] ?? DEFAULT_OLLAMA_HOST;
  const timeoutMs = options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
  const retries = Math.max(0, Math.floor(options.retries ?? 3));
  const backoffMs = options.backoffMs ?? 500;

  /** Runs one request on a client whose fetch is aborted after `ms`; a timeout throws AttemptTimeout. */
  async function withTimeout<T>(ms: number, run: (client: Ollama) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const baseFetch = options.fetch ?? globalThis.fetch;
    const fetchWithSignal: typeof fetch = (input, init) => baseFetch(input, { ...init, signal: controller.signal });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new AttemptTimeout(ms));
    }, ms);
    timer.unref(); // the open socket keeps the process alive while waiting; the timer must not
    try {
      return await run(new Ollama({ host, fetch: fetchWithSignal }));
    } catch (err) {
      throw timedOut ? new AttemptTimeout(ms) : err;
    } finally {
      clearTimeout(timer);
      controller.abort(); // nothing this attempt started is left running once it has settled
    }
  }

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    const started = performance.now();
    const maxAttempts = retries + 1;
    const failures: string[] = [];
    const body = {
      model: request.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: false as const,
      ...(request.format !== undefined ? { format: request.format } : {}),
      ...(request.options !== undefined ? { options: { ...request.options } } : {}),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await withTimeout(timeoutMs, (client) => client.chat(body));
        const content: unknown = reply?.message?.content;
        if (typeof content !== 'string') throw new MalformedReply('no message.content');
        return {
          content,
          promptTokens: reply.prompt_eval_count ?? 0,
          replyTokens: reply.eval_count ?? 0,
          durationMs: Math.round(performance.now() - started),
          attempts: attempt,
        };
      } catch (err) {
        const outcome = classify(err, request.model, host);
        if ('setup' in outcome) throw outcome.setup;
        failures.push(`attempt ${attempt}: ${outcome.reason}`);
        if (!outcome.retry || attempt >= maxAttempts) {
          const failure = new LlmCallFailure(
            `Ollama chat with ${request.model} at ${host} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${failures.join('; ')}`,
            attempt,
            Math.round(performance.now() - started),
          );
          throw Object.assign(failure, { cause: err });
        }
        await sleep(backoffDelay(backoffMs, attempt));
      }
    }
  }

  async function check(model: string): Promise<void> {
    const ms = Math.min(timeoutMs, CHECK_TIMEOUT_MS);
    let listed: string[];
    try {
      const list = await withTimeout(ms, (client) => client.list());
      listed = (list?.models ?? []).flatMap((m) => [m.name, m.model]).filter((n): n is string => typeof n === 'string');
    } catch (err) {
      const response = asResponseError(err);
      if (response) {
        throw new LlmSetupError(
          `the server at ${host} answered HTTP ${response.status_code} (${response.error ?? response.message}) to GET /api/tags: is it an Ollama server?`,
        );
      }
      throw unreachable(host, err);
    }
    const wanted = normalizeModelName(model);
    if (listed.some((name) => normalizeModelName(name) === wanted)) return;
    // Not listed under that name: ask /api/show, which resolves the names Ollama accepts.
    try {
      await withTimeout(ms, (client) => client.show({ model }));
    } catch (err) {
      if (asResponseError(err)) throw Object.assign(notPulled(model, host), { cause: err });
      throw unreachable(host, err);
    }
  }

  /** `<architecture>.context_length` from /api/show; undefined when the server does not say. */
  async function contextLength(model: string): Promise<number | undefined> {
    try {
      // Typed as a Map by the package; the JSON gives a plain object.
      const info: unknown = (await withTimeout(Math.min(timeoutMs, CHECK_TIMEOUT_MS), (client) => client.show({ model })))?.model_info;
      const entries = info instanceof Map ? [...info.entries()] : Object.entries((info ?? {}) as Record<string, unknown>);
      const entry = entries.find(([key, value]) => String(key).endsWith('.context_length') && typeof value === 'number');
      return entry ? (entry[1] as number) : undefined;
    } catch {
      return undefined;
    }
  }

  return { name: `ollama@${host}`, check, chat, contextLength };
}

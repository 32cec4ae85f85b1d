import { capText } from '../../errors.js';
import { isConnectionError } from './connection.js';

/** Redis stayed unreachable past the campaign's patience: the campaign stops cleanly (records intact, resume later). */
export class QueueDown extends Error {
  constructor(
    readonly target: string,
    readonly seconds: number,
    readonly lastError?: unknown,
  ) {
    super(`Redis at ${target} unreachable for ${Math.round(seconds)} s${lastError instanceof Error ? ` (${capText(lastError.message, 120)})` : ''}`);
    this.name = 'QueueDown';
  }
}

/** The executor was closed while a task still waited for its job (the job goes on in Redis; `--resume` collects it). */
export class QueueDetached extends Error {
  constructor(readonly jobId: string) {
    super(`stopped waiting for job ${jobId}; it stays in the queue and a resume collects it`);
    this.name = 'QueueDetached';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


/**
 * Longest wait for one Redis call (ms): past it the call counts as Redis unreachable and is tried
 * again (every call is idempotent). A Queue that never connected waits instead of failing fast.
 */
const CALL_TIMEOUT_MS = 10_000;

/** The promise, or a rejection "no answer in MS ms" (a connection error) when it takes longer. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms (connect timeout)`)), ms);
  });
  promise.catch(() => undefined); // a late rejection after the deadline is not unhandled
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}


/**
 * Redis calls with patience: a call that fails because Redis is unreachable is tried again with
 * backoff (0.5 s doubling to 30 s) until `patienceMs` has passed since Redis was first found
 * unreachable; then it rejects with QueueDown. Notes say when Redis is lost and back.
 */
export function redisPatience(target: string, patienceMs: number, note: (line: string) => void, isClosed: () => boolean): { run<T>(jobId: string, op: () => Promise<T>): Promise<T> } {
  let downSince: number | undefined;
  const markUp = (): void => {
    if (downSince !== undefined) note(`Redis at ${target} reachable again after ${((Date.now() - downSince) / 1000).toFixed(1)} s`);
    downSince = undefined;
  };
  /** Records an unreachable Redis; throws QueueDown past the patience. */
  const markDown = (err: unknown): void => {
    if (downSince === undefined) {
      downSince = Date.now();
      note(`Redis at ${target} unreachable (${capText((err as Error).message ?? String(err), 120)}); retrying for up to ${Math.round(patienceMs / 1000)} s`);
    }
    if (Date.now() - downSince >= patienceMs) throw new QueueDown(target, (Date.now() - downSince) / 1000, err);
  };

  /** Runs a Redis call for job `jobId`, retrying while Redis is unreachable; QueueDetached once closed. */
  async function run<T>(jobId: string, op: () => Promise<T>): Promise<T> {
    let delay = 500;
    for (;;) {
      if (isClosed()) throw new QueueDetached(jobId);
      try {
        const value = await withDeadline(op(), CALL_TIMEOUT_MS);
        markUp();
        return value;
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        markDown(err);
        await sleep(Math.max(50, Math.min(delay, patienceMs - (Date.now() - (downSince as number)))));
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  return { run };
}

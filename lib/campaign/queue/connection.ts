import { Queue, type ConnectionOptions, type RedisOptions } from 'bullmq';
import { capText, InputError } from '../../errors.js';
import { describeTarget, type QueueTarget } from './queue-url.js';

/** BullMQ key prefix of every paretonas queue (keys `paretonas:QUEUE:...`). */
export const QUEUE_PREFIX = 'paretonas';

/** What `--queue` must reach. */
export const REACHABLE_REDIS = 'a reachable Redis 6.2 or newer (Debian: redis-server)';

/** The oldest Redis BullMQ 5 works with. */
const MIN_REDIS = [6, 2, 0] as const;

/** Host, port, database and credentials of a connection. */
function where(target: QueueTarget): RedisOptions {
  return { host: target.host, port: target.port, db: target.db, ...(target.username ? { username: target.username } : {}), ...(target.password ? { password: target.password } : {}) };
}

/** Connection of a Queue that fails fast: a command while Redis is away rejects at once (the caller retries with patience). */
export function commandConnection(target: QueueTarget, retry = true, connectTimeout = 5000): ConnectionOptions {
  return {
    ...where(target),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout,
    retryStrategy: retry ? (times: number) => Math.min(500 * times, 5000) : () => null,
  };
}

/** Connection of a Worker or QueueEvents (blocking commands): reconnects forever, every 0.5 to 5 s. */
export function blockingConnection(target: QueueTarget): ConnectionOptions {
  return {
    ...where(target),
    maxRetriesPerRequest: null,
    connectTimeout: 5000,
    retryStrategy: (times: number) => Math.min(500 * times, 5000),
  };
}

/** `major.minor.patch` at least MIN_REDIS. */
function recentEnough(version: string): boolean {
  const parts = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const [have, want] = [parts[i] ?? 0, MIN_REDIS[i] as number];
    if (have !== want) return have > want;
  }
  return true;
}

/**
 * Connects once to the queue's Redis, without retrying, and checks its version: the check a
 * campaign and a worker make before anything is written or started. An unreachable port fails in
 * milliseconds (connection refused); an unanswering host after `timeoutMs`.
 * @throws InputError on `--queue` (one line: the target without credentials, and why).
 */
export async function probeQueue(target: QueueTarget, timeoutMs = 2000): Promise<void> {
  const queue = new Queue('paretonas-probe', { connection: commandConnection(target, false, timeoutMs), prefix: QUEUE_PREFIX });
  let firstError: Error | undefined;
  queue.on('error', (err: Error) => {
    firstError ??= err;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs + 500);
    });
    // SELECT explicitly: a database the server does not have (ERR DB index is out of range) must not pass as 0.
    const info = await Promise.race([queue.waitUntilReady().then(async () => {
      const client = await queue.client;
      await (client as unknown as { select(db: number): Promise<unknown> }).select(target.db);
      return client.info();
    }), deadline]);
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1]?.trim() ?? '';
    if (!recentEnough(version)) throw new InputError('--queue', describeTarget(target), REACHABLE_REDIS, `the server at ${describeTarget(target)} is Redis ${version || 'of an unknown version'}`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const why = (err as Error).message || firstError?.message || 'no answer';
    throw new InputError('--queue', describeTarget(target), REACHABLE_REDIS, `cannot use Redis at ${describeTarget(target)}: ${capText(why.replace(/\s+/g, ' '), 160)}`);
  } finally {
    clearTimeout(timer);
    await queue.close().catch(() => undefined);
  }
}

/** True for an error that means Redis is unreachable right now (worth retrying), not a refused command. */
export function isConnectionError(err: unknown): boolean {
  const text = `${(err as { code?: string })?.code ?? ''} ${(err as Error)?.message ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN|Connection is closed|Stream isn't writeable|max retries per request|MaxRetriesPerRequest|LOADING|connect/i.test(text);
}

import { Job, Queue, QueueEvents } from 'bullmq';
import { capText } from '../../errors.js';
import { SRAM_MODELS, type SramModel } from '../../cost/sram.js';
import { type Evaluation, EvaluationFailure } from '../../evaluate/types.js';
import type { DispatchFields, EvaluationTask, Executor } from '../executor.js';
import { blockingConnection, commandConnection, QUEUE_PREFIX } from './connection.js';
import { QueueDetached, redisPatience, sleep } from './patience.js';
import { checkJobResult, JOB_PROTOCOL, jobIdOf, queueNameOf, type EvaluationJob, type JobEvaluatorOptions } from './job.js';
import { describeTarget, type QueueTarget } from './queue-url.js';

export { probeQueue } from './connection.js';
export { QueueDetached, QueueDown } from './patience.js';

/** Seconds a finished job stays in Redis, so a resumed campaign finds its result (7 days; never removed at once). */
export const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

export interface QueueExecutorOptions {
  target: QueueTarget;
  /** The campaign's run id (part of every job id). */
  runId: string;
  /** Evaluations in flight at once (`--workers K`). */
  slots: number;
  /** The evaluator spec: it and trainerArgs pick the queue. */
  evaluator: string;
  /** The campaign's evaluator options; only timeoutMs, metrics and batch travel in a job. */
  evaluatorOptions?: Record<string, unknown>;
  /** The campaign's `--trainer-args`: they pick the queue (a worker passes its own, which must match). */
  trainerArgs?: string;
  /** Writes the `dispatch` record; called before the job is added (and again, attempt + 1, when a job is found gone). */
  writeDispatch: (fields: DispatchFields) => void;
  /** How long Redis may stay unreachable before QueueDown (ms, default 300 000). */
  patienceMs?: number;
  /** How often every awaited job's state is read, a backstop for missed events (ms, default 2000). */
  sweepMs?: number;
  /** One-line notes (Redis lost and back). */
  onNote?: (line: string) => void;
}

interface Waiter {
  task: EvaluationTask;
  jobId: string;
  attempt: number;
  resolve: (e: Evaluation) => void;
  reject: (err: unknown) => void;
  busy: boolean;
  /** An event came while busy: check again when done. */
  recheck: boolean;
}

/** Longest wait for the event subscription before the first add (ms). */
const READY_WAIT_MS = 3000;
/** Longest wait for a graceful close of the connections before they are closed by force (ms). */
const CLOSE_WAIT_MS = 2000;
/** How often the campaign checks that some worker listens on its queue while jobs wait (ms). */
const WORKER_CHECK_MS = 30_000;

/** The job options: the deterministic id, one attempt (a failure is the worker's answer), finished jobs kept KEEP_FINISHED_SECONDS. */
function jobOptions(jobId: string): { jobId: string; attempts: number; removeOnComplete: { age: number }; removeOnFail: { age: number } } {
  return { jobId, attempts: 1, removeOnComplete: { age: KEEP_FINISHED_SECONDS }, removeOnFail: { age: KEEP_FINISHED_SECONDS } };
}

/** The options a job carries (not trainerArgs, not env or paths). */
function jobEvaluatorOptions(options: Record<string, unknown> = {}): JobEvaluatorOptions {
  const out: JobEvaluatorOptions = {};
  if (typeof options.timeoutMs === 'number') out.timeoutMs = options.timeoutMs;
  if (Array.isArray(options.metrics)) out.metrics = options.metrics.map(String);
  if (typeof options.batch === 'number') out.batch = options.batch;
  if ((SRAM_MODELS as readonly unknown[]).includes(options.sram)) out.sram = options.sram as SramModel;
  return out;
}

/** A finished job as the campaign sees it: an Evaluation, or an EvaluationFailure to throw. */
function outcomeOf(state: 'completed' | 'failed', job: Job | undefined, jobId: string): Evaluation | EvaluationFailure {
  if (state === 'failed') {
    const reason = job?.failedReason ?? 'no reason given';
    if (/stalled more than allowable limit/.test(reason)) {
      return new EvaluationFailure('worker-lost', 'the worker running it stopped answering (killed, or its machine lost) and no other could finish it', { jobId, reason });
    }
    return new EvaluationFailure('error', `the worker failed job ${jobId}: ${capText(reason, 300)}`, { jobId });
  }
  let result;
  try {
    result = checkJobResult(job?.returnvalue);
  } catch (err) {
    return new EvaluationFailure('malformed', `the worker's result of job ${jobId} is malformed: ${(err as Error).message}`, { jobId });
  }
  if (!result.ok) return new EvaluationFailure(result.kind, result.message, result.details);
  return { metrics: result.metrics, seconds: result.seconds, ...(result.details ? { details: result.details } : {}) };
}

/**
 * Role Executor over a BullMQ queue: each accepted candidate becomes a job (id jobIdOf(runId, key))
 * on the queue of the evaluator spec and trainer args, run by any `paretonas worker` that allows
 * that spec. `run` writes the `dispatch` record before adding the job, then waits for its result
 * (queue events, plus a state sweep every `sweepMs` as a backstop). A job found gone from Redis
 * (a restarted Redis) is added again with attempt + 1. While Redis is unreachable every call
 * retries with backoff (0.5 s doubling to 30 s); past `patienceMs` the calls reject with QueueDown.
 */
export function queueExecutor(o: QueueExecutorOptions): Executor & { readonly queueName: string } {
  const target = describeTarget(o.target);
  const patienceMs = o.patienceMs ?? 300_000;
  const queueName = queueNameOf(o.evaluator, o.trainerArgs);
  const queue = new Queue(queueName, { connection: commandConnection(o.target), prefix: QUEUE_PREFIX });
  const events = new QueueEvents(queueName, { connection: blockingConnection(o.target), prefix: QUEUE_PREFIX });
  const waiters = new Map<string, Waiter>();
  let closed = false;
  const note = (line: string): void => o.onNote?.(line);
  queue.on('error', () => undefined); // reported through the calls' rejections and notes
  events.on('error', () => undefined);
  // Subscribed to events before the first add, so a fast job's event is not missed; at most
  // READY_WAIT_MS (Redis lost meanwhile: the sweep finds the results).
  const ready = Promise.race([events.waitUntilReady().catch(() => undefined), sleep(READY_WAIT_MS)]);

  const withPatience = redisPatience(target, patienceMs, note, () => closed).run;

  const jobOf = (task: EvaluationTask, attempt: number): EvaluationJob => ({
    protocol: JOB_PROTOCOL,
    runId: o.runId,
    index: task.index,
    key: task.key,
    attempt,
    evaluator: o.evaluator,
    evaluatorOptions: jobEvaluatorOptions(o.evaluatorOptions),
    seed: task.input.seed,
    candidate: task.input.candidate,
    space: task.input.space,
    graph: task.input.graph,
  });

  /** Writes the dispatch record, then adds the job (a no-op when a job with that id exists). */
  async function dispatch(task: EvaluationTask, jobId: string, attempt: number): Promise<void> {
    o.writeDispatch({ index: task.index, key: task.key, jobId, attempt });
    await withPatience(jobId, () => queue.add('evaluate', jobOf(task, attempt), jobOptions(jobId)));
  }

  /** Reads a waiter's job once; settles it when finished, re-adds it when gone. */
  async function check(w: Waiter): Promise<void> {
    if (!waiters.has(w.jobId)) return;
    if (w.busy) {
      // An event while the state is being read: read it again after, or a fast job waits for the sweep.
      w.recheck = true;
      return;
    }
    w.busy = true;
    w.recheck = false;
    try {
      const state = await withPatience(w.jobId, () => queue.getJobState(w.jobId));
      if (state === 'completed' || state === 'failed') {
        const job = await withPatience(w.jobId, () => Job.fromId(queue, w.jobId));
        const outcome = outcomeOf(state, job, w.jobId);
        waiters.delete(w.jobId);
        if (outcome instanceof EvaluationFailure) w.reject(outcome);
        else w.resolve(outcome);
      } else if (state === 'unknown') {
        w.attempt += 1;
        await dispatch(w.task, w.jobId, w.attempt);
      }
    } catch (err) {
      waiters.delete(w.jobId);
      w.reject(err);
    } finally {
      w.busy = false;
      if (w.recheck) void check(w);
    }
  }

  function wait(task: EvaluationTask, jobId: string, attempt: number): Promise<Evaluation> {
    return new Promise<Evaluation>((resolve, reject) => {
      const w: Waiter = { task, jobId, attempt, resolve, reject, busy: false, recheck: false };
      waiters.set(jobId, w);
      void check(w);
    });
  }

  const onFinished = ({ jobId }: { jobId: string }): void => {
    const w = waiters.get(jobId);
    if (w) void check(w);
  };
  events.on('completed', onFinished);
  events.on('failed', onFinished);
  // A queue nobody listens to waits forever: say so (and how to start a worker), and say when one comes.
  let workersSeen: number | undefined;
  const checkListening = async (): Promise<void> => {
    if (closed) return;
    // CLIENT LIST spans every database: count the workers on this one.
    const n = await queue.getWorkers().then((ws) => ws.filter((w) => Number(w.db ?? 0) === o.target.db).length, () => undefined);
    if (n === undefined || n === workersSeen) return;
    if (n === 0) {
      const args = o.trainerArgs !== undefined ? ` --trainer-args ${JSON.stringify(o.trainerArgs)}` : '';
      note(`no paretonas worker listens on queue ${queueName} (evaluator ${capText(o.evaluator, 200)}) at ${target}: its jobs wait in Redis until one runs, e.g. paretonas worker --queue ${target} --evaluator-allow ${JSON.stringify(o.evaluator)}${args}`);
    } else if (workersSeen !== undefined) {
      note(`${n} worker${n === 1 ? '' : 's'} now listen${n === 1 ? 's' : ''} on queue ${queueName}`);
    }
    workersSeen = n;
  };
  let listeningChecked = false;
  const firstCheck = (): void => {
    if (listeningChecked) return;
    listeningChecked = true;
    void checkListening();
  };
  const listening = setInterval(() => {
    if (waiters.size > 0) void checkListening();
  }, WORKER_CHECK_MS);
  listening.unref();
  const sweep = setInterval(() => {
    for (const w of waiters.values()) void check(w);
  }, o.sweepMs ?? 2000);
  sweep.unref();

  return {
    slots: o.slots,
    detachable: true,
    queueName,
    async run(task: EvaluationTask): Promise<Evaluation> {
      await ready;
      firstCheck();
      const jobId = jobIdOf(o.runId, task.key);
      if (waiters.has(jobId)) throw new Error(`job ${jobId} (#${task.index}) is already awaited`);
      await dispatch(task, jobId, 1);
      return wait(task, jobId, 1);
    },
    async reattach(task: EvaluationTask, dispatched: DispatchFields): Promise<Evaluation> {
      await ready;
      firstCheck();
      // wait() reads the state first: a finished job's result is taken as it is, a waiting or
      // running one is awaited, a missing one is added again with attempt + 1.
      return wait(task, dispatched.jobId, dispatched.attempt);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      clearInterval(listening);
      for (const w of waiters.values()) w.reject(new QueueDetached(w.jobId));
      waiters.clear();
      const closing = Promise.allSettled([events.close(), queue.close()]);
      if ((await Promise.race([closing.then(() => 'closed'), sleep(CLOSE_WAIT_MS)])) !== 'closed') {
        // A close waits for Redis, which may be gone (or never came), while ioredis keeps
        // reconnecting, holding the process: close both connections by force (BullMQ's own path
        // for a connection still initializing).
        const force = (owner: unknown) => (owner as { connection?: { close(force: boolean): Promise<void> } }).connection?.close(true).catch(() => undefined);
        await Promise.all([force(events), force(queue)]);
      }
    },
  };
}

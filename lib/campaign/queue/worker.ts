import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { capText, InputError } from '../../errors.js';
import { createEvaluator, parseEvaluatorSpec } from '../../evaluate/registry.js';
import { EvaluationFailure, type Evaluator } from '../../evaluate/types.js';
import { blockingConnection, isConnectionError, probeQueue, QUEUE_PREFIX } from './connection.js';
import { sleep } from './patience.js';
import { checkJob, type JobEvaluatorOptions, type JobResult, queueNameOf, resultOf } from './job.js';
import { describeTarget, type QueueTarget } from './queue-url.js';

export interface WorkerOptions {
  target: QueueTarget;
  /** Evaluator specs this worker runs, exactly as the campaign gives them (`--evaluator-allow`); at least one. */
  allow: readonly string[];
  /** This worker's `--trainer-args` (torch evaluators): with the spec they pick the queue. */
  trainerArgs?: string;
  /** Jobs run at once per allowed spec (default 1). */
  concurrency?: number;
  /** A job's lock lasts this long and stalled jobs are looked for this often (seconds, default 30). */
  stallSeconds?: number;
  /** Times a job may stall (its worker lost) and run again before it fails as worker-lost (default 1). */
  maxStalls?: number;
  /** One event: a human line, or with `json` the event as an object. */
  onEvent?: (event: WorkerEvent) => void;
  /** Aborted: stop taking jobs, let the running ones finish, close. */
  signal?: AbortSignal;
  /** Aborted: close at once without waiting for running jobs. */
  forceSignal?: AbortSignal;
}

export interface WorkerEvent {
  event: 'listening' | 'started' | 'finished' | 'refused' | 'stalled' | 'redis' | 'closing' | 'error';
  /** The event in words, one line. */
  line: string;
  jobId?: string;
  index?: number;
  runId?: string;
  evaluator?: string;
}

export interface WorkerSummary {
  /** Jobs answered with metrics. */
  evaluated: number;
  /** Jobs answered with a failure (the trainer failed; the campaign records it). */
  failed: number;
  /** Jobs refused (invalid, or for another evaluator). */
  refused: number;
}

/**
 * `paretonas worker`: takes jobs from the queues of the allowed evaluator specs (one BullMQ Worker
 * each, so a job for a spec not allowed is never even received) and answers each with a JobResult.
 * A job is checked (checkJob), refused when its evaluator is not its queue's spec, and evaluated
 * here with this worker's own trainer args and no run directory (the ONNX file goes to a temp dir).
 * An EvaluationFailure is a completed job with `{ok: false}`, so BullMQ never retries a trainer
 * failure. Resolves when `signal` is aborted and every running job has finished.
 * @throws InputError for no allowed spec, a bad spec (`--evaluator-allow`), or Redis unreachable at start (`--queue`).
 */
export async function runWorker(o: WorkerOptions): Promise<WorkerSummary> {
  const allow = [...new Set(o.allow)];
  if (allow.length === 0) throw new InputError('--evaluator-allow', undefined, 'one or more evaluator specs this worker runs (cost, proxy, command:CMD, torch:DATASET[:PRESET]); there is no default', 'is missing');
  if (o.trainerArgs !== undefined && !allow.some((s) => s.startsWith('torch:'))) throw new InputError('--trainer-args', o.trainerArgs, 'with a torch:DATASET spec in --evaluator-allow (the only evaluator that takes them)');
  /** The worker's own trainer args, for a torch spec (never the job's). */
  const ownOptions = (spec: string) => (spec.startsWith('torch:') && o.trainerArgs !== undefined ? { trainerArgs: o.trainerArgs } : {});
  for (const spec of allow) {
    if (spec.trim() !== spec || spec === '') throw new InputError('--evaluator-allow', spec, "an evaluator spec without surrounding spaces, written as the campaign's --evaluator (the queue is named by its exact text)");
    try {
      parseEvaluatorSpec(spec);
      await createEvaluator(spec, ownOptions(spec)).close?.();
    } catch (err) {
      // The spec's own error names `evaluator`: the same line, naming this flag.
      if (err instanceof InputError) throw new InputError('--evaluator-allow', spec, err.allowed, err.message.replace(/^[^:]*: /, '').replace(`; allowed: ${err.allowed}`, ''));
      throw err;
    }
  }
  await probeQueue(o.target);
  const emit = (e: WorkerEvent): void => o.onEvent?.(e);
  const summary: WorkerSummary = { evaluated: 0, failed: 0, refused: 0 };
  const evaluators = new Map<string, Evaluator>();
  const stallMs = Math.round((o.stallSeconds ?? 30) * 1000);

  /** One evaluator per spec and job options (created on first use, closed at the end). */
  const evaluatorFor = (spec: string, options: JobEvaluatorOptions): Evaluator => {
    const id = JSON.stringify([spec, options]);
    let e = evaluators.get(id);
    if (!e) {
      e = createEvaluator(spec, { ...options, ...ownOptions(spec) });
      evaluators.set(id, e);
    }
    return e;
  };

  /** Jobs running now: an idle worker stops at once on a signal (a graceful close may wait for a Redis that is gone). */
  let active = 0;
  const processorFor = (spec: string) => async (job: Job): Promise<JobResult> => {
    const refuse = (why: string): never => {
      summary.refused++;
      emit({ event: 'refused', jobId: job.id, evaluator: spec, line: `job ${job.id} refused: ${why}` });
      throw new UnrecoverableError(why);
    };
    let data;
    try {
      data = checkJob(job.data);
    } catch (err) {
      return refuse(`invalid job: ${capText((err as Error).message, 300)}`);
    }
    if (data.evaluator !== spec) return refuse(`the job's evaluator ${JSON.stringify(capText(data.evaluator))} is not this queue's ${JSON.stringify(capText(spec))}`);
    let evaluator: Evaluator;
    try {
      evaluator = evaluatorFor(spec, data.evaluatorOptions);
    } catch (err) {
      return refuse(`its evaluator options do not fit ${spec}: ${capText((err as Error).message, 300)}`);
    }
    const where = { jobId: job.id, index: data.index, runId: data.runId, evaluator: spec };
    const again = (job.stalledCounter ?? 0) > 0 ? `, run again after ${job.stalledCounter} stall${job.stalledCounter === 1 ? '' : 's'}` : '';
    active++;
    emit({ event: 'started', ...where, line: `job ${job.id} (#${data.index} of run ${data.runId}, attempt ${data.attempt}${again}) started: ${capText(spec)}` });
    try {
      const evaluation = await evaluator.evaluate({ candidate: data.candidate, key: data.key, graph: data.graph, space: data.space, seed: data.seed });
      summary.evaluated++;
      const shown = Object.entries(evaluation.metrics).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : Number(v.toPrecision(6))}`).join(' ');
      emit({ event: 'finished', ...where, line: `job ${job.id} (#${data.index}) finished in ${evaluation.seconds.toFixed(2)} s: ${shown}` });
      return resultOf(evaluation);
    } catch (err) {
      if (!(err instanceof EvaluationFailure)) throw err;
      summary.failed++;
      emit({ event: 'finished', ...where, line: `job ${job.id} (#${data.index}) failed (${err.kind}): ${capText(err.message, 200)}` });
      return { ok: false, kind: err.kind, message: err.message, ...(err.details ? { details: err.details } : {}) };
    } finally {
      active--;
    }
  };

  let lastRedisLine = '';
  const workers = allow.map((spec) => {
    const name = queueNameOf(spec, o.trainerArgs);
    const w = new Worker(name, processorFor(spec), {
      connection: blockingConnection(o.target),
      prefix: QUEUE_PREFIX,
      concurrency: o.concurrency ?? 1,
      lockDuration: stallMs,
      stalledInterval: stallMs,
      maxStalledCount: o.maxStalls ?? 1,
    });
    w.on('error', (err) => {
      // Only a lost connection is "reconnecting"; a job-state error (a lock lost to a stall, corrupt job data) is said as it is.
      if (!isConnectionError(err)) return emit({ event: 'error', evaluator: spec, line: `error on queue ${name}: ${capText(err.message, 200)}` });
      const line = `Redis at ${describeTarget(o.target)}: ${capText(err.message, 160)}; reconnecting`;
      if (line !== lastRedisLine) emit({ event: 'redis', line });
      lastRedisLine = line;
    });
    w.on('ready', () => {
      if (lastRedisLine) emit({ event: 'redis', line: `Redis at ${describeTarget(o.target)} reachable again` });
      lastRedisLine = '';
    });
    w.on('stalled', (jobId) => emit({ event: 'stalled', jobId, evaluator: spec, line: `job ${jobId} stalled (the worker running it stopped answering); it goes back to the queue or fails as worker-lost` }));
    w.on('failed', (job, err) => {
      if (job && !(err instanceof UnrecoverableError) && !/allowable limit/.test(err.message)) emit({ event: 'finished', jobId: job.id, evaluator: spec, line: `job ${job.id} failed: ${capText(err.message, 200)}` });
    });
    return { spec, name, w };
  });
  await Promise.all(workers.map(({ w }) => w.waitUntilReady()));
  for (const { spec, name } of workers) {
    const blocking = spec === 'proxy' && stallMs < 10_000 ? '; note: proxy scores in this process and blocks it meanwhile, so a job longer than that may be taken for stalled' : '';
    emit({ event: 'listening', evaluator: spec, line: `listening on ${describeTarget(o.target)} for ${capText(spec)} (queue ${name}), concurrency ${o.concurrency ?? 1}, stalled after ${stallMs / 1000} s${blocking}` });
  }

  await new Promise<void>((resolve) => {
    if (o.signal?.aborted) return resolve();
    o.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  emit({ event: 'closing', line: 'closing: no new jobs; waiting for the running ones to finish (a second signal stops at once)' });
  const force = new Promise<void>((resolve) => {
    if (o.forceSignal?.aborted) return resolve();
    o.forceSignal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const idle = active === 0 ? Promise.resolve() : new Promise<void>(() => undefined);
  await Promise.race([Promise.all(workers.map(({ w }) => w.close())), Promise.race([force, idle]).then(() => Promise.race([Promise.all(workers.map(({ w }) => w.close(true))), sleep(2000)]))]);
  await Promise.allSettled([...evaluators.values()].map((e) => e.close?.()));
  return summary;
}

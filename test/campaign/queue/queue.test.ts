import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchFields } from '../../../lib/campaign/executor.js';
import { QUEUE_PREFIX } from '../../../lib/campaign/queue/connection.js';
import { jobIdOf, queueNameOf } from '../../../lib/campaign/queue/job.js';
import { probeQueue, QueueDetached, QueueDown, queueExecutor } from '../../../lib/campaign/queue/queue-executor.js';
import { parseQueueUrl } from '../../../lib/campaign/queue/queue-url.js';
import { InputError } from '../../../lib/errors.js';
import { createEvaluator } from '../../../lib/evaluate/registry.js';
import { EvaluationFailure } from '../../../lib/evaluate/types.js';
import { resolveSpace } from '../../../lib/space/builtin.js';
import { FIXTURES, rejection, ROOT } from '../../helpers.js';
import { freePort, hasRedis, REDIS_SKIP_REASON, type RedisServer, startRedis } from '../../helpers-redis.js';
import { jobFor, taskFor } from './tasks.js';

const MAIN = join(ROOT, 'dist/cli/main.js');
const TRAINER = join(FIXTURES, 'queue/marker-trainer.mjs');
const REDIS = hasRedis();
if (!REDIS) console.warn(REDIS_SKIP_REASON);

const space = resolveSpace('tinyml-fashion-mnist');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let runs = 0;
/** A run id no other test (or earlier test run on a reused server) has used. */
const freshRunId = (): string => `t${process.pid}r${runs++}${Date.now().toString(36)}`;

interface WorkerProcess {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: WorkerProcess[] = [];

/** `paretonas worker ARGS` as a child process (the built CLI). */
function startWorker(args: string[]): WorkerProcess {
  const child = spawn(process.execPath, [MAIN, 'worker', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const listeners = new Set<() => void>();
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const w: WorkerProcess = {
    child,
    stderr: () => err,
    stdout: () => out,
    exit,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(err)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`worker did not print ${pattern} in ${timeoutMs} ms; stderr: ${err}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
  started.push(w);
  return w;
}

/** Runs the CLI to its end. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe.skipIf(!REDIS)('queue mode against a real redis-server', () => {
  let redis: RedisServer;
  let dir: string;
  const orphans: number[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'paretonas-queue-'));
  });
  afterEach(async () => {
    for (const w of started.splice(0)) {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await w.exit;
    }
    for (const pid of orphans.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL'); // a SIGKILLed worker's trainer survives in its own process group
      } catch {
        /* already gone */
      }
    }
  });
  afterAll(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const target = () => parseQueueUrl(redis.url, {});
  const markerSpec = (ms: number, log: string): string => `command:node ${TRAINER} ${ms} ${log}`;
  const trainerPids = (log: string): number[] =>
    existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('start ')).map((l) => Number(l.split(' ')[2])) : [];

  it('adding a dispatched job again is a no-op: the stored data and state stay', async () => {
    const queue = new Queue(queueNameOf(`cost-dedupe-${freshRunId()}`), { connection: { host: '127.0.0.1', port: redis.port }, prefix: QUEUE_PREFIX });
    try {
      const jobId = jobIdOf(freshRunId(), 'stage0:k3');
      await queue.add('evaluate', { attempt: 1 }, { jobId });
      const again = await queue.add('evaluate', { attempt: 2 }, { jobId });
      expect(again.id).toBe(jobId);
      expect((await Job.fromId(queue, jobId))?.data).toEqual({ attempt: 1 });
      expect(await queue.getJobState(jobId)).toBe('waiting');
      expect((await queue.getJobCounts('waiting')).waiting).toBe(1);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('Redis unreachable: the probe fails in one line within a second; the worker says so and exits 2', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const err = await rejection(probeQueue(parseQueueUrl(`redis://127.0.0.1:${port}`, {})));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`--queue: cannot use Redis at redis://127.0.0.1:${port}/0: connect ECONNREFUSED 127.0.0.1:${port}; allowed: a reachable Redis 6.2 or newer (Debian: redis-server)`);
    const cli = await runCli(['worker', '--queue', `redis://127.0.0.1:${port}`, '--evaluator-allow', 'cost']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe(`paretonas worker: ${err.message}\n`);
    const none = await runCli(['worker', '--queue', redis.url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^paretonas worker: --evaluator-allow: is missing; allowed: one or more evaluator specs this worker runs .*there is no default\n$/);
    const bogus = await runCli(['worker', '--queue', redis.url, '--evaluator-allow', 'cost', '--evaluator-allow', 'bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/^paretonas worker: --evaluator-allow: got "bogus"; allowed: cost, proxy, command:CMD, torch:DATASET\[:PRESET\] \([^)]*\)\n$/);
  });

  it('a worker evaluates a job with the cost evaluator: the metrics equal the in-process evaluator\'s; reattach takes the result without re-running it', async () => {
    const worker = startWorker(['--queue', redis.url, '--evaluator-allow', 'cost', '--stall-seconds', '1']);
    await worker.waitFor(/listening on/);
    const task = taskFor(space, 11, 3);
    const expected = await createEvaluator('cost').evaluate(task.input);
    const runId = freshRunId();
    const dispatched: DispatchFields[] = [];
    const executor = queueExecutor({ target: target(), runId, slots: 2, evaluator: 'cost', writeDispatch: (f) => dispatched.push(f), sweepMs: 500 });
    const jobId = jobIdOf(runId, task.key);
    try {
      const result = await executor.run(task);
      expect(result.metrics).toEqual(expected.metrics);
      expect(result.details).toEqual(expected.details);
      expect(dispatched).toEqual([{ index: 3, key: task.key, jobId, attempt: 1 }]);
      await worker.waitFor(new RegExp(`job ${jobId} \\(#3\\) finished`));
      expect(count(worker.stderr(), `job ${jobId} (#3 of run ${runId}, attempt 1) started`)).toBe(1);
    } finally {
      await executor.close();
    }
    // A resumed campaign (a new executor) collects the finished job: no dispatch, no second run.
    const resumed: DispatchFields[] = [];
    const again = queueExecutor({ target: target(), runId, slots: 2, evaluator: 'cost', writeDispatch: (f) => resumed.push(f), sweepMs: 500 });
    try {
      expect((await again.reattach?.(task, { index: 3, key: task.key, jobId, attempt: 1 }))?.metrics).toEqual(expected.metrics);
      expect(resumed).toEqual([]);
      await sleep(300);
      expect(count(worker.stderr(), `job ${jobId} (`)).toBe(2); // started and finished, once
    } finally {
      await again.close();
    }
  });

  it("the job carries the run's SRAM model: a liveness run's worker records the liveness peak SRAM, not mcunet's", async () => {
    const worker = startWorker(['--queue', redis.url, '--evaluator-allow', 'cost']);
    await worker.waitFor(/listening on/);
    const task = taskFor(space, 0, 4);
    const liveness = await createEvaluator('cost', { sram: 'liveness' }).evaluate(task.input);
    const mcunet = await createEvaluator('cost', { sram: 'mcunet' }).evaluate(task.input);
    expect(liveness.metrics.peakSramBytes).not.toBe(mcunet.metrics.peakSramBytes); // the two models differ on this candidate
    const executor = queueExecutor({ target: target(), runId: freshRunId(), slots: 1, evaluator: 'cost', evaluatorOptions: { sram: 'liveness' }, writeDispatch: () => undefined, sweepMs: 500 });
    try {
      const result = await executor.run(task);
      expect(result.metrics).toEqual(liveness.metrics);
    } finally {
      await executor.close();
    }
  });

  it('reattach of a job gone from Redis writes dispatch attempt 2 and adds it again', async () => {
    const worker = startWorker(['--queue', redis.url, '--evaluator-allow', 'cost']);
    await worker.waitFor(/listening on/);
    const task = taskFor(space, 12, 7);
    const runId = freshRunId();
    const jobId = jobIdOf(runId, task.key);
    const dispatched: DispatchFields[] = [];
    const executor = queueExecutor({ target: target(), runId, slots: 1, evaluator: 'cost', writeDispatch: (f) => dispatched.push(f), sweepMs: 500 });
    try {
      const result = await executor.reattach?.(task, { index: 7, key: task.key, jobId, attempt: 1 });
      expect(result?.metrics).toEqual((await createEvaluator('cost').evaluate(task.input)).metrics);
      expect(dispatched).toEqual([{ index: 7, key: task.key, jobId, attempt: 2 }]);
      await worker.waitFor(new RegExp(`job ${jobId} \\(#7 of run ${runId}, attempt 2\\) started`));
    } finally {
      await executor.close();
    }
  });

  it('a worker listens only to the specs it allows: a command job stays waiting and its trainer never runs; a forged job on its queue is refused', async () => {
    const log = join(dir, 'never.log');
    const spec = markerSpec(10, log);
    const worker = startWorker(['--queue', redis.url, '--evaluator-allow', 'cost']);
    await worker.waitFor(/listening on/);
    const runId = freshRunId();
    const task = taskFor(space, 13);
    const executor = queueExecutor({ target: target(), runId, slots: 1, evaluator: spec, writeDispatch: () => undefined, sweepMs: 500 });
    const pending = executor.run(task);
    const detached = rejection(pending);
    const queue = new Queue(queueNameOf(spec), { connection: { host: '127.0.0.1', port: redis.port }, prefix: QUEUE_PREFIX });
    const costQueue = new Queue(queueNameOf('cost'), { connection: { host: '127.0.0.1', port: redis.port }, prefix: QUEUE_PREFIX });
    try {
      await sleep(2500);
      expect(await queue.getJobState(jobIdOf(runId, task.key))).toBe('waiting');
      expect(existsSync(log)).toBe(false);
      // The same command job put on the cost queue (which this worker does listen to) is refused.
      const forgedId = jobIdOf(freshRunId(), task.key);
      await costQueue.add('evaluate', jobFor(space, 13, { evaluator: spec }), { jobId: forgedId });
      for (let i = 0; i < 100 && (await costQueue.getJobState(forgedId)) !== 'failed'; i++) await sleep(100);
      const forged = await Job.fromId(costQueue, forgedId);
      expect(forged?.failedReason).toMatch(/^the job's evaluator "command:node .*" is not this queue's "cost"$/);
      expect(forged?.attemptsMade).toBe(1);
      expect(existsSync(log)).toBe(false);
      expect(worker.stderr()).toContain(`job ${forgedId} refused: the job's evaluator`);
    } finally {
      await executor.close();
      expect(await detached).toBeInstanceOf(QueueDetached);
      await queue.obliterate({ force: true });
      await Promise.all([queue.close(), costQueue.close()]);
    }
  });

  it('two workers, one SIGKILLed mid-job: the other finishes the job and the campaign gets one result', async () => {
    const log = join(dir, 'kill-one.log');
    const spec = markerSpec(5000, log); // long enough for worker B to start while A runs it
    const a = startWorker(['--queue', redis.url, '--evaluator-allow', spec, '--stall-seconds', '1']);
    await a.waitFor(/listening on/);
    const runId = freshRunId();
    const task = taskFor(space, 14, 2);
    const jobId = jobIdOf(runId, task.key);
    const executor = queueExecutor({ target: target(), runId, slots: 1, evaluator: spec, writeDispatch: () => undefined, sweepMs: 500 });
    try {
      const result = executor.run(task);
      await a.waitFor(new RegExp(`job ${jobId} .*started`));
      const b = startWorker(['--queue', redis.url, '--evaluator-allow', spec, '--stall-seconds', '1']);
      await b.waitFor(/listening on/);
      a.child.kill('SIGKILL');
      orphans.push(...trainerPids(log));
      const evaluation = await result;
      expect(evaluation.metrics.accuracy).toBe(0.5 + (task.key.length % 100) / 1000);
      expect(count(b.stderr(), `job ${jobId} (#2 of run ${runId}, attempt 1, run again after 1 stall) started`)).toBe(1);
      expect(count(b.stderr(), `job ${jobId} (#2) finished`)).toBe(1);
      const pids = trainerPids(log);
      expect(pids).toHaveLength(2); // A's trainer, then B's
      expect(new Set(pids).size).toBe(2);
      const queue = new Queue(queueNameOf(spec), { connection: { host: '127.0.0.1', port: redis.port }, prefix: QUEUE_PREFIX });
      const job = await Job.fromId(queue, jobId);
      await queue.close();
      expect(job?.stalledCounter).toBe(1);
      expect(await Promise.resolve(job?.finishedOn)).toBeGreaterThan(0);
    } finally {
      await executor.close();
    }
  });

  it('SIGTERM mid-job: the worker finishes the running job, takes no other, and exits 0 with its summary', async () => {
    const log = join(dir, 'term.log');
    const spec = markerSpec(1500, log);
    const w = startWorker(['--queue', redis.url, '--evaluator-allow', spec, '--json']);
    await w.waitFor(/"event":"listening"/);
    const runId = freshRunId();
    const [first, second] = [taskFor(space, 17, 0), taskFor(space, 18, 1)];
    const executor = queueExecutor({ target: target(), runId, slots: 2, evaluator: spec, writeDispatch: () => undefined, sweepMs: 500 });
    try {
      const result = executor.run(first);
      await w.waitFor(new RegExp(`"event":"started","jobId":"${jobIdOf(runId, first.key)}"`));
      w.child.kill('SIGTERM');
      await w.waitFor(/"event":"closing"/);
      const waiting = executor.run(second);
      const detached = rejection(waiting);
      expect((await result).metrics.accuracy).toBe(0.5 + (first.key.length % 100) / 1000);
      expect(await w.exit).toEqual({ code: 0, signal: null });
      expect(JSON.parse(w.stdout() || '{}')).toEqual({ evaluated: 1, failed: 0, refused: 0 });
      const queue = new Queue(queueNameOf(spec), { connection: { host: '127.0.0.1', port: redis.port }, prefix: QUEUE_PREFIX });
      expect(await queue.getJobState(jobIdOf(runId, second.key))).toBe('waiting');
      await queue.obliterate({ force: true });
      await queue.close();
      await executor.close();
      expect(await detached).toBeInstanceOf(QueueDetached);
    } finally {
      await executor.close();
    }
  });

  it('a job stalled past the limit fails as worker-lost', async () => {
    const log = join(dir, 'lost.log');
    const spec = markerSpec(30_000, log); // A must still be running it when killed, however slowly worker B starts (a loaded CI machine)
    const flags = ['--queue', redis.url, '--evaluator-allow', spec, '--stall-seconds', '1', '--max-stalls', '0'];
    const a = startWorker(flags);
    await a.waitFor(/listening on/);
    const runId = freshRunId();
    const task = taskFor(space, 15, 4);
    const jobId = jobIdOf(runId, task.key);
    const executor = queueExecutor({ target: target(), runId, slots: 1, evaluator: spec, writeDispatch: () => undefined, sweepMs: 500 });
    try {
      const result = executor.run(task);
      await a.waitFor(new RegExp(`job ${jobId} .*started`));
      const b = startWorker(flags); // the stalled check runs in a live worker
      await b.waitFor(/listening on/);
      a.child.kill('SIGKILL');
      orphans.push(...trainerPids(log));
      const err = await rejection(result);
      expect(err).toBeInstanceOf(EvaluationFailure);
      expect((err as EvaluationFailure).kind).toBe('worker-lost');
      expect((err as EvaluationFailure).details).toEqual({ jobId, reason: 'job stalled more than allowable limit' });
      expect(trainerPids(log)).toHaveLength(1); // B never ran it
    } finally {
      await executor.close();
    }
  });

  it('Redis down briefly: the add is retried, the worker reconnects, the job completes, and the notes say lost and back', async () => {
    const own = await startRedis();
    let restarted: RedisServer | undefined;
    const worker = startWorker(['--queue', own.url, '--evaluator-allow', 'cost']);
    await worker.waitFor(/listening on/);
    const notes: string[] = [];
    const dispatched: DispatchFields[] = [];
    const task = taskFor(space, 19, 5);
    const executor = queueExecutor({ target: parseQueueUrl(own.url, {}), runId: freshRunId(), slots: 1, evaluator: 'cost', writeDispatch: (f) => dispatched.push(f), patienceMs: 30_000, sweepMs: 300, onNote: (l) => notes.push(l) });
    try {
      await sleep(1000); // connected (a Queue that never connected makes each call wait up to 10 s instead)
      await own.kill();
      const result = executor.run(task);
      result.catch(() => undefined); // awaited below; a failed expectation first must not leave it unhandled
      for (let i = 0; i < 400 && notes.length === 0; i++) await sleep(20);
      expect(dispatched).toHaveLength(1); // written before the add, which now fails and is retried
      await sleep(2500); // long enough for the worker's reconnects to fail too
      restarted = await startRedis(own.port);
      expect((await result).metrics).toEqual((await createEvaluator('cost').evaluate(task.input)).metrics);
      expect(notes[0]).toMatch(new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${own.port}/0 unreachable \\(.*\\); retrying for up to 30 s$`));
      expect(notes.at(-1)).toMatch(new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${own.port}/0 reachable again after \\d+\\.\\d s$`));
      await worker.waitFor(/reconnecting\n[\s\S]*reachable again\n/, 10_000);
    } finally {
      await executor.close();
      await restarted?.stop();
    }
  });

  it('Redis gone past the patience: the waiting run rejects with QueueDown naming the target', async () => {
    const own = await startRedis();
    const notes: string[] = [];
    const dispatched: DispatchFields[] = [];
    const runId = freshRunId();
    const executor = queueExecutor({ target: parseQueueUrl(own.url, {}), runId, slots: 1, evaluator: 'cost', writeDispatch: (f) => dispatched.push(f), patienceMs: 1500, sweepMs: 200, onNote: (l) => notes.push(l) });
    try {
      const result = executor.run(taskFor(space, 16));
      for (let i = 0; i < 50 && dispatched.length === 0; i++) await sleep(20);
      await sleep(300);
      await own.kill();
      const t0 = Date.now();
      const err = await rejection(result);
      expect(err).toBeInstanceOf(QueueDown);
      expect(err.message).toMatch(new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${own.port}/0 unreachable for [12] s`));
      expect(Date.now() - t0).toBeLessThan(6000);
      expect(notes.find((l) => l.startsWith('Redis at'))).toMatch(new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${own.port}/0 unreachable \\(.*\\); retrying for up to 2 s$`));
    } finally {
      await executor.close();
    }
  });
});

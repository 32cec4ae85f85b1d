/**
 * node dist/bench/dispatch.js: what parallel evaluation costs and gains (issue 16).
 *
 * 1. Speed-up against K (`--workers K`): a whole campaign in this process (random proposer on
 *    tinyml-fashion-mnist, limits wide open so nearly every proposal is evaluated, 16 valid) with an
 *    evaluator that sleeps 200 ms (no CPU), for K = 1, 2, 4, 8; then a real `command:` trainer that
 *    sleeps 200 ms (it pays ONNX export and a node start-up per candidate) for K = 1 and 4.
 *    Speed-up = wall time at K = 1 / wall time at K, same run; the ideal is K.
 * 2. Queue dispatch overhead: with `redis-server` on PATH, one started on a free loopback port and a
 *    `paretonas worker` run in this process (runWorker, `cost` allowed); 50 `cost` evaluations one at
 *    a time through the queue executor against the same 50 through the local executor (median and
 *    p90 round trip per evaluation; overhead = queue - local), then the 50 with 8 slots (throughput).
 *    Without redis-server the queue rows are skipped with one line saying why.
 * Everything runs in a temp dir removed at the end; redis and the worker are stopped even on error.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCampaign } from '../campaign/campaign.js';
import { configFromSpace } from '../campaign/config.js';
import type { EvaluationTask, Executor } from '../campaign/executor.js';
import { queueExecutor } from '../campaign/queue/queue-executor.js';
import { checkJob, JOB_PROTOCOL } from '../campaign/queue/job.js';
import { parseQueueUrl } from '../campaign/queue/queue-url.js';
import { runWorker } from '../campaign/queue/worker.js';
import { localExecutor } from '../campaign/scheduler.js';
import { lowerBlockNet, spaceNetOptions } from '../space/lower-blocks.js';
import { createEvaluator } from '../evaluate/registry.js';
import type { Evaluator } from '../evaluate/types.js';
import { createProposer } from '../propose/registry.js';
import { createRng, fnv1a32 } from '../rng.js';
import { resolveSpace } from '../space/builtin.js';
import { canonicalKey } from '../space/key.js';
import { sampleCandidate } from '../space/sample.js';
import { quantile } from '../stats/summary.js';
import { fmt } from './timing.js';

const SPACE = 'tinyml-fashion-mnist';
const SLEEP_MS = 200;
const VALID = 16;
const N_QUEUE = 50;
const space = resolveSpace(SPACE);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A trainer in this process: sleeps SLEEP_MS on a timer, accuracy a fixed function of the key. */
const sleepingEvaluator: Evaluator = {
  name: 'sleep',
  metrics: ['accuracy'],
  evaluate: async (input) => {
    await sleep(SLEEP_MS);
    return { metrics: { accuracy: 0.5 + (fnv1a32(input.key) % 1000) / 2000 }, seconds: SLEEP_MS / 1000 };
  },
};

/** The same as a `command:` trainer (paretonas-trainer/1): one request line in, one result line out. */
const TRAINER = `import { createInterface } from 'node:readline';
const rl = createInterface({ input: process.stdin });
rl.once('line', (line) => {
  rl.close();
  const { key } = JSON.parse(line);
  let h = 0;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  setTimeout(() => process.stdout.write(JSON.stringify({ type: 'result', metrics: { accuracy: 0.5 + (h % 1000) / 2000 }, epochs: 1, seconds: ${SLEEP_MS / 1000} }) + '\\n'), ${SLEEP_MS});
});
`;

/** Wall seconds of a campaign that stops at VALID evaluations, with K evaluations at once. */
async function campaignSeconds(dir: string, evaluator: string, workers: number): Promise<{ seconds: number; evaluated: number }> {
  const config = configFromSpace(space, {
    space: SPACE, proposer: 'random', evaluator, budget: 400, maxValid: VALID, seed: 2,
    objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }],
    macs: { min: 0, max: 1e12 }, sramMaxBytes: 2 ** 40, ...(workers > 1 ? { workers } : {}),
  });
  const deps = {
    createProposer: (n: string, o: Parameters<typeof createProposer>[1]) => createProposer(n, o),
    createEvaluator: (spec: string, o: Record<string, unknown>) => (spec.startsWith('command:') ? createEvaluator(spec, o) : sleepingEvaluator),
  };
  const s = await runCampaign(mkdtempSync(join(dir, 'run-')), config, deps);
  return { seconds: s.seconds, evaluated: s.evaluated };
}

async function speedUpTable(dir: string): Promise<void> {
  const trainer = join(dir, 'sleep-trainer.mjs');
  writeFileSync(trainer, TRAINER);
  console.log(`Speed-up against K: campaigns of ${VALID} evaluations (random proposer, ${SPACE}, limits open); speed-up = time(K=1) / time(K), same run; ideal = K`);
  console.log(`${'evaluator'.padEnd(36)} ${'K'.padStart(2)} ${'evaluated'.padStart(9)} ${'wall'.padStart(9)} ${'per eval'.padStart(9)} ${'speed-up'.padStart(9)} ${'ideal'.padStart(6)}`);
  const rows: [string, string, number[]][] = [
    [`in-process, sleeps ${SLEEP_MS} ms`, 'bench-sleep', [1, 2, 4, 8]],
    [`command: node trainer, sleeps ${SLEEP_MS} ms`, `command:node ${trainer}`, [1, 4]],
  ];
  for (const [label, spec, ks] of rows) {
    let base = 0;
    for (const k of ks) {
      const { seconds, evaluated } = await campaignSeconds(dir, spec, k);
      if (k === 1) base = seconds;
      const ms = seconds * 1000;
      console.log(`${label.padEnd(36)} ${String(k).padStart(2)} ${String(evaluated).padStart(9)} ${fmt(ms).padStart(9)} ${fmt(ms / evaluated).padStart(9)} ${`${(base / seconds).toFixed(2)}x`.padStart(9)} ${`${k}x`.padStart(6)}`);
    }
  }
}

/** A loopback port free right now (redis-server refuses --port 0, so the port is picked first). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      server.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Starts redis-server (nothing written to disk) and waits for "Ready to accept connections" (3 tries, 10 s each). */
async function startRedis(): Promise<{ port: number; child: ChildProcess }> {
  let last = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      const onData = (d: Buffer): void => {
        last = (last + d.toString()).slice(-400);
        if (last.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', () => resolve(false));
      child.once('error', () => resolve(false));
    });
    if (ready) return { port, child };
    child.kill('SIGKILL');
  }
  throw new Error(`redis-server did not start in 3 tries; its last output: ${last}`);
}

/** `count` sampled candidates with distinct keys (a job id is the run id and the key). */
function tasks(count: number): EvaluationTask[] {
  const rng = createRng(16);
  const out = new Map<string, EvaluationTask>();
  for (let i = 0; out.size < count; i++) {
    const candidate = sampleCandidate(space, rng);
    const key = canonicalKey(candidate, space.input.channels);
    if (!out.has(key)) out.set(key, { index: out.size, key, input: { candidate, key, graph: lowerBlockNet(candidate, spaceNetOptions(space)), space, seed: i } });
  }
  return [...out.values()];
}

/** Round trip of each task run one at a time (ms). */
async function oneAtATime(executor: Executor, list: readonly EvaluationTask[]): Promise<number[]> {
  const ms: number[] = [];
  for (const task of list) {
    const start = performance.now();
    await executor.run(task);
    ms.push(performance.now() - start);
  }
  return ms;
}

/** Wall ms of the tasks with `executor.slots` in flight. */
async function pooled(executor: Executor, list: readonly EvaluationTask[]): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: executor.slots }, async () => {
    while (next < list.length) await executor.run(list[next++] as EvaluationTask);
  }));
  return performance.now() - start;
}

/** The worker's check of each task's job as it arrives (JSON data; the graph rebuilt and compared), ms each. */
function jobCheckMs(list: readonly EvaluationTask[]): number[] {
  return list.map((t) => {
    const data = JSON.parse(JSON.stringify({ protocol: JOB_PROTOCOL, runId: 'bench', index: t.index, key: t.key, attempt: 1, evaluator: 'cost', evaluatorOptions: {}, seed: t.input.seed, candidate: t.input.candidate, space: t.input.space, graph: t.input.graph })) as unknown;
    const start = performance.now();
    checkJob(data);
    return performance.now() - start;
  });
}


async function queueTable(): Promise<void> {
  console.log(`\nQueue dispatch overhead: ${N_QUEUE} evaluations of the cost evaluator through BullMQ + Redis (a worker in this process) against the local executor, same run`);
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    console.log('queue rows skipped: redis-server is not on PATH (npm run setup installs Debian redis-server)');
    return;
  }
  const redis = await startRedis();
  const target = parseQueueUrl(`redis://127.0.0.1:${redis.port}`);
  const stop = new AbortController();
  const executors: Executor[] = [];
  let worker: Promise<unknown> | undefined;
  try {
    let listening!: () => void;
    const ready = new Promise<void>((r) => (listening = r));
    worker = runWorker({ target, allow: ['cost'], concurrency: 8, signal: stop.signal, onEvent: (e) => e.event === 'listening' && listening() });
    await Promise.race([ready, worker]);
    const all = tasks(N_QUEUE + 5);
    const [warm, list] = [all.slice(0, 5), all.slice(5)];
    const local = localExecutor(createEvaluator('cost'), 1);
    const queued = (slots: number): Executor => {
      const e = queueExecutor({ target, runId: randomBytes(8).toString('hex'), slots, evaluator: 'cost', writeDispatch: () => undefined });
      executors.push(e);
      return e;
    };
    const q1 = queued(1);
    await oneAtATime(local, warm);
    await oneAtATime(q1, warm);
    const localMs = await oneAtATime(local, list);
    const queueMs = await oneAtATime(q1, list);
    const q8 = queued(8);
    await oneAtATime(q8, warm);
    const wall8 = await pooled(q8, list);
    const localWall = localMs.reduce((a, b) => a + b, 0);
    const queueWall = queueMs.reduce((a, b) => a + b, 0);
    console.log(`${'executor'.padEnd(26)} ${'slots'.padStart(5)} ${'median'.padStart(9)} ${'p90'.padStart(9)} ${'max'.padStart(9)} ${'wall'.padStart(9)} ${'evals/s'.padStart(8)}`);
    const row = (label: string, slots: number, ms: readonly number[], wall: number): void =>
      console.log(`${label.padEnd(26)} ${String(slots).padStart(5)} ${(ms.length ? fmt(quantile(ms, 0.5)) : '-').padStart(9)} ${(ms.length ? fmt(quantile(ms, 0.9)) : '-').padStart(9)} ${(ms.length ? fmt(Math.max(...ms)) : '-').padStart(9)} ${fmt(wall).padStart(9)} ${(N_QUEUE / (wall / 1000)).toFixed(0).padStart(8)}`);
    row('local (this process)', 1, localMs, localWall);
    row('queue (BullMQ + Redis)', 1, queueMs, queueWall);
    row('queue (BullMQ + Redis)', 8, [], wall8);
    console.log(`overhead per evaluation (queue - local, slots 1): median ${fmt(quantile(queueMs, 0.5) - quantile(localMs, 0.5))}, mean ${fmt((queueWall - localWall) / N_QUEUE)}; 8 slots: ${(queueWall / wall8).toFixed(1)}x the throughput of 1`);
    const checks = jobCheckMs(list);
    console.log(`of which the worker's check of each job (checkJob, in this process): median ${fmt(quantile(checks, 0.5))}, p90 ${fmt(quantile(checks, 0.9))}`);
  } finally {
    await Promise.allSettled(executors.map((e) => e.close()));
    stop.abort();
    await Promise.race([worker?.catch(() => undefined), sleep(5000)]);
    await new Promise<void>((resolve) => {
      if (redis.child.exitCode !== null || redis.child.signalCode !== null) return resolve();
      redis.child.once('exit', () => resolve());
      redis.child.kill('SIGTERM');
    });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'paretonas-bench-dispatch-'));
console.log('paretonas dispatch benchmark: --workers K and the BullMQ queue');
try {
  await speedUpTable(dir);
  await queueTable();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

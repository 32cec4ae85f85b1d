import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_PREFIX } from '../../lib/campaign/queue/connection.js';
import { queueNameOf } from '../../lib/campaign/queue/job.js';
import { readRecords, type CampaignRecord } from '../../lib/campaign/records.js';
import { FIXTURES, ROOT, runNode } from '../helpers.js';
import { freePort, hasRedis, REDIS_SKIP_REASON, type RedisServer, startRedis } from '../helpers-redis.js';

const BIN = join(ROOT, 'dist/cli/main.js');
const REDIS = hasRedis();
if (!REDIS) console.warn(REDIS_SKIP_REASON);
const OUTCOMES = ['rejection', 'evaluation', 'failure'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The trainer spec campaign and workers share (a queue per spec: both must name it alike). */
const trainerSpec = (ms: number) => `command:node ${join(FIXTURES, 'sleep-trainer.mjs')} ${ms}`;

const children: ChildProcess[] = [];
/** Servers a test started for itself, stopped after it even when it fails. */
const ownServers: RedisServer[] = [];
function spawnCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.resume();
  return { child, stderr: () => err, exit: new Promise((r) => child.once('exit', (code) => r(code))) };
}
const records = (out: string): CampaignRecord[] => (existsSync(join(out, 'records.jsonl')) ? readRecords(join(out, 'records.jsonl')).records : []);
const count = (out: string, type: string) => records(out).filter((r) => r.type === type).length;
async function until(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
/** Trainer runs by key, from the sleep trainer's PARETONAS_TRAINER_LOG (`key pid start end`). */
const runsByKey = (log: string) => {
  const runs = new Map<string, number>();
  if (!existsSync(log)) return runs;
  for (const line of readFileSync(log, 'utf8').trim().split('\n').filter(Boolean)) {
    const key = line.split(' ')[0] as string;
    runs.set(key, (runs.get(key) ?? 0) + 1);
  }
  return runs;
};
/** Every proposal has exactly one outcome, and no candidate was recorded as evaluated (or failed) twice. */
function expectSettledOnce(rs: readonly CampaignRecord[], budget: number): void {
  const outcomes = rs.filter((r) => OUTCOMES.includes(r.type)).map((r) => r.index as number);
  expect(outcomes.sort((a, b) => a - b)).toEqual(Array.from({ length: budget }, (_, i) => i));
  const keys = rs.filter((r) => r.type === 'evaluation' || r.type === 'failure').map((r) => r.key as string);
  expect(new Set(keys).size).toBe(keys.length);
}

describe.skipIf(!REDIS)('search --queue with paretonas worker processes (a real redis-server)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const s of ownServers.splice(0)) await s.kill();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('Redis unreachable at start: one line naming --queue, exit 2, nothing written', async () => {
    const port = await freePort();
    const out = `${mkdtempSync(`${tmpdir()}/q-down-`)}/run`;
    const r = await runNode([BIN, 'search', '--queue', `redis://127.0.0.1:${port}`, '--budget', '3', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^paretonas search: --queue: .*127\\.0\\.0\\.1:${port}.*allowed: a reachable Redis`));
    expect(existsSync(out)).toBe(false);
  });

  it('a database the server does not have is refused at start (never database 0 in its place), by search and by worker', async () => {
    const out = `${mkdtempSync(`${tmpdir()}/q-db-`)}/run`;
    for (const args of [['search', '--queue', `${redis.url}/16`, '--budget', '3', '--out', out], ['worker', '--queue', `${redis.url}/16`, '--evaluator-allow', 'cost']]) {
      const r = await runNode([BIN, ...args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--queue: .*\/16.*DB index is out of range/);
    }
    expect(existsSync(join(out, 'records.jsonl'))).toBe(false);
  });

  it('a second SIGINT stops a worker at once, its job left to another', async () => {
    const spec = trainerSpec(20_000);
    const w = spawnCli(['worker', '--queue', redis.url, '--evaluator-allow', spec, '--stall-seconds', '1'], process.env);
    const out = `${mkdtempSync(`${tmpdir()}/q-sigint-`)}/run`;
    const campaign = spawnCli(['search', '--queue', redis.url, '--space', 'tinyml-fashion-mnist', '--evaluator', spec, '--budget', '1', '--out', out], process.env);
    await until('the worker to start the job', () => w.stderr().includes(') started:'));
    w.child.kill('SIGINT');
    await until('the worker to say it is closing', () => w.stderr().includes('closing'));
    const t0 = Date.now();
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(w.stderr()).toMatch(/stopped at once; the jobs it was running go back to the queue/);
    campaign.child.kill('SIGINT');
    await campaign.exit;
  }, 60_000);

  it('two workers, one SIGKILLed mid-job: every candidate evaluated and recorded exactly once', async () => {
    const dir = mkdtempSync(`${tmpdir()}/q-kill-worker-`);
    const out = join(dir, 'run');
    const log = join(dir, 'trainer.log');
    const env = { ...process.env, PARETONAS_TRAINER_LOG: log };
    // 1.5 s a job: under load the kill still lands while worker a's job runs (at 0.8 s it could finish first).
    const spec = trainerSpec(1500);
    const worker = () => spawnCli(['worker', '--queue', redis.url, '--evaluator-allow', spec, '--stall-seconds', '2', '--json'], env);
    const a = worker();
    const b = worker();
    const budget = 24;
    const campaign = spawnCli(['search', '--queue', redis.url, '--workers', '4', '--space', 'tinyml-fashion-mnist', '--proposer', 'evolution', '--evaluator', spec, '--budget', String(budget), '--seed', '4', '--out', out, '--json'], env);
    // Kill worker a while it runs a job.
    await until('worker a to start a job', () => a.stderr().includes('"event":"started"'));
    await sleep(100);
    a.child.kill('SIGKILL');
    expect(await campaign.exit, campaign.stderr()).toBe(0);
    const rs = records(out);
    expectSettledOnce(rs, budget);
    expect(rs.filter((r) => r.type === 'failure' && r.kind === 'worker-lost')).toEqual([]);
    const evaluated = rs.filter((r) => r.type === 'evaluation');
    expect(evaluated.length).toBeGreaterThan(2);
    // Each evaluated key was dispatched once; the job of the killed worker ran again on b.
    const dispatches = rs.filter((r) => r.type === 'dispatch');
    expect(new Set(dispatches.map((r) => r.jobId)).size).toBe(dispatches.length);
    expect(dispatches.length).toBe(evaluated.length);
    // The jobs worker a started and never finished (it was killed) were run again, to the end, by b.
    // (The trainer log cannot show it: a's trainer may be killed before it writes its line.)
    const events = (text: string) => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string; jobId?: string });
    const ids = (text: string, event: string) => new Set(events(text).filter((e) => e.event === event).map((e) => e.jobId));
    const lost = [...ids(a.stderr(), 'started')].filter((id) => !ids(a.stderr(), 'finished').has(id));
    expect(lost.length).toBeGreaterThan(0);
    for (const id of lost) expect(ids(b.stderr(), 'finished').has(id), `job ${id} of the killed worker finished on b`).toBe(true);
    expect(Math.max(...runsByKey(log).values())).toBeLessThanOrEqual(2);
  }, 120_000);

  it('the campaign SIGKILLed mid-run and resumed against live workers: nothing lost, nothing repeated, no job run twice', async () => {
    const dir = mkdtempSync(`${tmpdir()}/q-kill-campaign-`);
    const out = join(dir, 'run');
    const log = join(dir, 'trainer.log');
    const env = { ...process.env, PARETONAS_TRAINER_LOG: log };
    const spec = trainerSpec(600);
    spawnCli(['worker', '--queue', redis.url, '--evaluator-allow', spec, '--concurrency', '2', '--stall-seconds', '10'], env);
    spawnCli(['worker', '--queue', redis.url, '--evaluator-allow', spec, '--concurrency', '2', '--stall-seconds', '10'], env);
    const budget = 30;
    const args = ['search', '--queue', redis.url, '--workers', '4', '--space', 'tinyml-fashion-mnist', '--proposer', 'evolution', '--population', '6', '--evaluator', spec, '--budget', String(budget), '--seed', '6', '--out', out, '--json'];
    const first = spawnCli(args, env);
    await until('4 evaluations', () => count(out, 'evaluation') >= 4);
    first.child.kill('SIGKILL');
    await first.exit;
    const before = records(out);
    expect(before.some((r) => r.type === 'campaign-end')).toBe(false);
    const settled = new Set(before.filter((r) => OUTCOMES.includes(r.type)).map((r) => r.index));
    const inFlight = before.filter((r) => r.type === 'dispatch' && !settled.has(r.index));
    expect(inFlight.length).toBeGreaterThan(0);
    await sleep(1500); // the workers finish the jobs the dead campaign left
    // A kill between a dispatch record (fsynced first) and its add leaves no job in Redis: resume must add that one again.
    const queue = new Queue(queueNameOf(spec), { connection: { host: '127.0.0.1', port: redis.port }, prefix: QUEUE_PREFIX });
    const inRedis = new Map<number, boolean>();
    for (const d of inFlight) inRedis.set(d.index as number, (await queue.getJobState(d.jobId as string)) !== 'unknown');
    await queue.close();
    expect([...inRedis.values()].some(Boolean)).toBe(true);

    const resumed = await runNode([BIN, ...args, '--resume'], { env });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ resumed: true, proposed: budget, replayMismatches: [] });
    const rs = records(out);
    expectSettledOnce(rs, budget);
    // The jobs in flight at the kill were collected, not added again: one dispatch each, attempt 1;
    // a job the kill kept out of Redis was added again once, with the same id (attempt 2).
    for (const d of inFlight) {
      const again = rs.filter((r) => r.type === 'dispatch' && r.index === d.index);
      if (inRedis.get(d.index as number)) expect(again).toEqual([d]);
      else expect(again.map((r) => [r.jobId, r.attempt])).toEqual([[d.jobId, 1], [d.jobId, 2]]);
    }
    // No trainer ran a candidate twice.
    const runs = runsByKey(log);
    for (const r of rs.filter((x) => x.type === 'evaluation' || x.type === 'failure')) expect(runs.get(r.key as string), `#${r.index}`).toBe(1);
  }, 150_000);

  it('no worker for the spec: the campaign says so and how to start one; Ctrl-C leaves the jobs to a resume, which collects them once a worker runs', async () => {
    const dir = mkdtempSync(`${tmpdir()}/q-no-worker-`);
    const out = join(dir, 'run');
    const env = { ...process.env, PARETONAS_TRAINER_LOG: join(dir, 'trainer.log') };
    const spec = trainerSpec(300);
    const budget = 8;
    const args = ['search', '--queue', redis.url, '--workers', '3', '--space', 'tinyml-fashion-mnist', '--proposer', 'evolution', '--evaluator', spec, '--budget', String(budget), '--seed', '9', '--out', out];
    const first = spawnCli(args, env);
    await until('the no-worker note', () => first.stderr().includes('no paretonas worker listens on queue'), 20_000);
    expect(first.stderr()).toContain(`--evaluator-allow ${JSON.stringify(spec)}`);
    first.child.kill('SIGINT');
    expect(await first.exit, first.stderr()).toBe(0);
    expect(first.stderr()).toMatch(/stopping: no new proposals; jobs in flight stay on the workers/);
    const before = records(out);
    expect(before.some((r) => r.type === 'campaign-end')).toBe(false);
    expect(before.filter((r) => r.type === 'dispatch')).toHaveLength(3);
    expect(before.some((r) => OUTCOMES.includes(r.type))).toBe(false);

    spawnCli(['worker', '--queue', redis.url, '--evaluator-allow', spec, '--concurrency', '3', '--stall-seconds', '10'], env);
    const resumed = await runNode([BIN, ...args, '--resume'], { env });
    expect(resumed.status, resumed.stderr).toBe(0);
    const rs = records(out);
    expectSettledOnce(rs, budget);
    expect(rs.filter((r) => r.type === 'dispatch').map((r) => r.attempt)).toEqual(Array(rs.filter((r) => r.type === 'dispatch').length).fill(1));
  }, 90_000);

  it('a worker on another database of the same server does not count as listening', async () => {
    const w = spawnCli(['worker', '--queue', `${redis.url}/0`, '--evaluator-allow', 'cost'], process.env);
    await until('the worker to listen', () => w.stderr().includes('listening on'));
    const out = `${mkdtempSync(`${tmpdir()}/q-db3-`)}/run`;
    const c = spawnCli(['search', '--queue', `${redis.url}/3`, '--evaluator', 'cost', '--budget', '2', '--out', out], process.env);
    await until('the no-worker note', () => c.stderr().includes('no paretonas worker listens on queue'), 20_000);
    c.child.kill('SIGINT');
    expect(await c.exit).toBe(0);
  }, 60_000);

  it('Redis gone: Ctrl-C still ends an idle worker and a campaign waiting on its jobs within seconds', async () => {
    const own = await startRedis();
    ownServers.push(own);
    const w = spawnCli(['worker', '--queue', own.url, '--evaluator-allow', 'cost'], process.env);
    await until('the worker to listen', () => w.stderr().includes('listening on'));
    const out = `${mkdtempSync(`${tmpdir()}/q-gone-`)}/run`;
    const c = spawnCli(['search', '--queue', own.url, '--workers', '2', '--queue-patience', '60', '--evaluator', trainerSpec(60_000), '--budget', '4', '--out', out], process.env);
    await until('a dispatch', () => count(out, 'dispatch') >= 1);
    await own.kill();
    await sleep(1500);
    const t0 = Date.now();
    w.child.kill('SIGINT');
    c.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
    expect(await c.exit).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(c.stderr()).toMatch(/stopping: no new proposals; jobs in flight stay on the workers/);
    expect(records(out).some((r) => r.type === 'campaign-end')).toBe(false);
  }, 60_000);

  it('Redis lost mid-run: the campaign stops cleanly (exit 3, records intact); resumed against a new Redis it adds the lost jobs again (attempt 2)', async () => {
    const own = await startRedis();
    ownServers.push(own);
    const dir = mkdtempSync(`${tmpdir()}/q-redis-down-`);
    const out = join(dir, 'run');
    const env = { ...process.env, PARETONAS_TRAINER_LOG: join(dir, 'trainer.log') };
    const spec = trainerSpec(1500);
    spawnCli(['worker', '--queue', own.url, '--evaluator-allow', spec, '--stall-seconds', '1'], env);
    const budget = 12;
    const args = (url: string) => ['search', '--queue', url, '--queue-patience', '2', '--workers', '2', '--space', 'tinyml-fashion-mnist', '--proposer', 'evolution', '--evaluator', spec, '--budget', String(budget), '--seed', '8', '--out', out];
    const first = spawnCli(args(own.url), env);
    await until('a dispatch', () => count(out, 'dispatch') >= 2);
    await own.kill();
    const code = await first.exit;
    expect(code, first.stderr()).toBe(3);
    expect(first.stderr()).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+\/0 unreachable.*resume with --resume --queue/);
    const before = records(out);
    expect(before.some((r) => r.type === 'campaign-end')).toBe(false);
    const settled = new Set(before.filter((r) => OUTCOMES.includes(r.type)).map((r) => r.index));
    const lost = before.filter((r) => r.type === 'dispatch' && !settled.has(r.index));
    expect(lost.length).toBeGreaterThan(0);

    // A new Redis (another port, an empty queue) and a worker on it: the resume adds the lost jobs again.
    spawnCli(['worker', '--queue', redis.url, '--evaluator-allow', spec, '--concurrency', '2', '--stall-seconds', '1'], env);
    const resumed = await runNode([BIN, ...args(redis.url), '--resume'], { env });
    expect(resumed.status, resumed.stderr).toBe(0);
    const rs = records(out);
    expectSettledOnce(rs, budget);
    for (const d of lost) {
      const again = rs.filter((r) => r.type === 'dispatch' && r.index === d.index);
      expect(again.map((r) => r.attempt)).toEqual([1, 2]);
      expect(again[1]?.jobId).toBe(d.jobId);
    }
  }, 150_000);
});

import { describe, expect, it } from 'vitest';
import { checkJob, checkJobResult, jobIdOf, queueNameOf } from '../../../lib/campaign/queue/job.js';
import { describeTarget, parseQueueUrl } from '../../../lib/campaign/queue/queue-url.js';
import { InputError } from '../../../lib/errors.js';
import { costMetrics } from '../../../lib/evaluate/cost.js';
import { createEvaluator } from '../../../lib/evaluate/registry.js';
import { resolveSpace } from '../../../lib/space/builtin.js';
import { thrownInputError } from '../../helpers.js';
import { jobFor } from './tasks.js';

const DISPATCH_JOB_ID = /^[A-Za-z0-9_-]{1,128}$/; // what record-schema.ts checks in a dispatch record

/** The job as a worker receives it: BullMQ stores the data as JSON. */
const throughJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('job ids and queue names', () => {
  it('jobIdOf is deterministic, differs by run and key, has no ":" and is never an integer', () => {
    const key = 'stage0:ir:k3:e6|stage1:ir:k5:e3';
    const id = jobIdOf('a1b2c3', key);
    expect(jobIdOf('a1b2c3', key)).toBe(id);
    expect(id).toMatch(/^a1b2c3-[0-9a-f]{32}$/);
    expect(id).not.toContain(':');
    expect(id).toMatch(DISPATCH_JOB_ID);
    expect(jobIdOf('a1b2c3', `${key} `)).not.toBe(id);
    expect(jobIdOf('a1b2c4', key)).not.toBe(id);
    // An all-digit run id still gives a non-integer id (BullMQ refuses integer custom ids).
    expect(Number.isInteger(Number(jobIdOf('123', '4')))).toBe(false);
    expect(() => jobIdOf('run:1', key)).toThrow(/run id/);
  });

  it('queueNameOf gives one queue per evaluator spec and trainer args', () => {
    const a = queueNameOf('torch:fashion-mnist');
    expect(a).toMatch(/^paretonas-e[0-9a-f]{16}$/);
    expect(queueNameOf('torch:fashion-mnist')).toBe(a);
    expect(queueNameOf('torch:fashion-mnist', '--epochs 3')).not.toBe(a);
    expect(queueNameOf('torch:fashion-mnist', '')).not.toBe(a);
    expect(queueNameOf('cost')).not.toBe(a);
  });
});

describe('checkJob', () => {
  it('a graph survives the JSON round trip: equal, and the same costs, in every built-in space', () => {
    for (const name of ['tinyml-cifar100', 'tinyml-fashion-mnist', 'tinyml-vww-96']) {
      const space = resolveSpace(name);
      for (const seed of [1, 2, 3]) {
        const job = jobFor(space, seed);
        const received = throughJson(job);
        expect(received.graph).toEqual(job.graph);
        expect(costMetrics(received.graph)).toEqual(costMetrics(job.graph));
        const checked = checkJob(received);
        expect(checked.key).toBe(job.key);
        expect(costMetrics(checked.graph)).toEqual(costMetrics(job.graph));
      }
    }
  });

  it('the proxy evaluator gives the same score from the received graph as from the original', async () => {
    const job = jobFor(resolveSpace('tinyml-fashion-mnist'), 4);
    const received = checkJob(throughJson(job));
    const proxy = createEvaluator('proxy');
    try {
      const a = await proxy.evaluate({ candidate: job.candidate, key: job.key, graph: job.graph, space: job.space, seed: job.seed });
      const b = await proxy.evaluate({ candidate: received.candidate, key: received.key, graph: received.graph, space: received.space, seed: received.seed });
      expect(Number.isFinite(a.metrics.naswot)).toBe(true);
      expect(b.metrics).toEqual(a.metrics);
    } finally {
      await proxy.close?.();
    }
  });

  it('refuses a job whose graph is not its candidate\'s graph', () => {
    const job = throughJson(jobFor(resolveSpace('tinyml-cifar100'), 5));
    const conv = job.graph.nodes.find((n) => n.op === 'Conv') as { attrs: { outChannels: number } };
    conv.attrs.outChannels += 8;
    expect(thrownInputError(() => checkJob(job)).message).toMatch(/^job graph: differs from the graph rebuilt from the candidate/);
  });

  it('refuses a key that is not the candidate\'s, another protocol, trainerArgs in the options, and deep nesting', () => {
    const job = throughJson(jobFor(resolveSpace('tinyml-cifar100'), 6));
    expect(thrownInputError(() => checkJob({ ...job, key: 'x' })).message).toMatch(/^job key: got "x"; allowed: the candidate's canonical key/);
    expect(thrownInputError(() => checkJob({ ...job, protocol: 'paretonas-job/1' })).message).toMatch(/^job: \/protocol must be equal to constant \("paretonas-job\/2"\)/);
    expect(checkJob({ ...job, evaluatorOptions: { sram: 'liveness' } }).evaluatorOptions).toEqual({ sram: 'liveness' });
    expect(thrownInputError(() => checkJob({ ...job, evaluatorOptions: { sram: 'peak' } })).message).toMatch(/^job: \/evaluatorOptions\/sram must be equal to one of the allowed values/);
    expect(thrownInputError(() => checkJob({ ...job, evaluatorOptions: { trainerArgs: '--epochs 1' } })).message).toMatch(/^job: \/evaluatorOptions must NOT have additional properties/);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(thrownInputError(() => checkJob({ ...job, candidate: deep })).message).toMatch(/^job: nests arrays\/objects more than 32 levels deep/);
    expect(() => checkJob({ ...job, candidate: { blocks: [] } })).toThrow(/^job candidate/);
  });
});

describe('checkJobResult', () => {
  it('takes either result shape and refuses non-finite metrics and unknown kinds', () => {
    expect(checkJobResult({ ok: true, metrics: { accuracy: 0.5 }, seconds: 1.5 })).toEqual({ ok: true, metrics: { accuracy: 0.5 }, seconds: 1.5 });
    expect(checkJobResult({ ok: false, kind: 'crash', message: 'exit 3' })).toEqual({ ok: false, kind: 'crash', message: 'exit 3' });
    // Infinity reaches the campaign as null (JSON): refused, not read as 0.
    expect(() => checkJobResult(throughJson({ ok: true, metrics: { accuracy: Infinity }, seconds: 1 }))).toThrow(InputError);
    expect(() => checkJobResult({ ok: false, kind: 'oops', message: 'x' })).toThrow(InputError);
    expect(() => checkJobResult(undefined)).toThrow(/^job result/);
  });
});

describe('parseQueueUrl', () => {
  it('reads host, port, database and credentials; describeTarget never shows the credentials', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/2', {})).toEqual({ host: '10.0.0.5', port: 6380, db: 2 });
    expect(parseQueueUrl('redis://queue.lan', {})).toEqual({ host: 'queue.lan', port: 6379, db: 0 });
    const t = parseQueueUrl('redis://ann:s%40cret@[::1]:7000/1', {});
    expect(t).toEqual({ host: '::1', port: 7000, db: 1, username: 'ann', password: 's@cret' });
    expect(describeTarget(t)).toBe('redis://[::1]:7000/1');
    expect(parseQueueUrl('redis://h:1', { REDIS_PASSWORD: 'pw' }).password).toBe('pw');
  });

  it('refuses other schemes, port 0 and bad databases in one line naming --queue, without the password', () => {
    expect(thrownInputError(() => parseQueueUrl('http://h:6379', {})).message).toBe(
      '--queue: got "http://h:6379": the scheme is "http", not redis; allowed: redis://[USER:PASSWORD@]HOST[:PORT][/DB] (PORT 1 to 65535, default 6379; DB 0 to 9999, default 0)',
    );
    expect(thrownInputError(() => parseQueueUrl('redis://h:0', {})).message).toMatch(/^--queue: got "redis:\/\/h:0": port 0 is not 1 to 65535;/);
    expect(thrownInputError(() => parseQueueUrl('redis://h/x', {})).message).toMatch(/the database "x" is not a number from 0 to 9999/);
    const e = thrownInputError(() => parseQueueUrl('redis://ann:secret@h:1/x', {}));
    expect(e.message).not.toContain('secret');
    expect(e.message).toContain('redis://***@h:1/x');
    expect(thrownInputError(() => parseQueueUrl('6379', {})).message).toMatch(/^--queue: got "6379": not a URL/);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { jobIdOf } from '../../lib/campaign/job-id.js';
import { parseQueueUrl } from '../../lib/campaign/queue/queue-url.js';
import { readRecords } from '../../lib/campaign/records.js';
import { replayRecords } from '../../lib/campaign/state.js';
import { InputError } from '../../lib/errors.js';
import { ROOT, runNode, thrownInputError } from '../helpers.js';

const BIN = `${ROOT}dist/cli/main.js`;
const CONFIG = {
  space: 'tinyml-cifar100',
  proposer: 'random',
  evaluator: 'cost',
  budget: 10,
  seed: 0,
  workers: 2,
  queue: true,
  objectives: [{ name: 'macs', direction: 'min' }],
  limits: [],
  macs: { min: 70e6, max: 350e6 },
  sramMaxBytes: 327_680,
  sramModel: 'mcunet',
};
const RUN = 'a1b2c3d4e5f60718';

/** A queue run's records: start (with `runId`), proposals 0 and 1, then `more`; the replay's one-line error, or 'ok'. */
function replay(more: Record<string, unknown>[], start: Record<string, unknown> = { runId: RUN }): string {
  const path = `${mkdtempSync(`${tmpdir()}/q-records-`)}/records.jsonl`;
  const records = [
    { type: 'campaign-start', config: CONFIG, ...start },
    { type: 'proposal', index: 0, candidate: { blocks: [] }, note: null, key: 'k0' },
    { type: 'proposal', index: 1, candidate: { blocks: [] }, note: null, key: 'k1' },
    ...more,
  ];
  writeFileSync(path, records.map((r, seq) => `${JSON.stringify({ time: '2026-11-30T00:00:00Z', seq, ...r })}\n`).join(''));
  try {
    const read = readRecords(path);
    replayRecords(read.records, read.lines, path);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
}

describe('dispatch records must be the jobs of their keys in their run', () => {
  it("a dispatch whose jobId is its key's job in this run is read", () => {
    expect(replay([{ type: 'dispatch', index: 1, key: 'k1', jobId: jobIdOf(RUN, 'k1'), attempt: 1 }])).toBe('ok');
  });
  it("another proposal's job, or another run's, is refused naming the line: resume would take another candidate's result", () => {
    expect(replay([{ type: 'dispatch', index: 1, key: 'k1', jobId: jobIdOf(RUN, 'k0'), attempt: 1 }])).toMatch(/line 4: .*a dispatch of proposal 1 with jobId a1b2c3d4e5f60718-\w+, not its key's job in this run \(a1b2c3d4e5f60718-/);
    expect(replay([{ type: 'dispatch', index: 1, key: 'k1', jobId: jobIdOf('ffff', 'k1'), attempt: 1 }])).toMatch(/line 4: .*not its key's job in this run/);
  });
  it('a dispatch in a run without a queue is refused', () => {
    expect(replay([{ type: 'dispatch', index: 1, key: 'k1', jobId: jobIdOf(RUN, 'k1'), attempt: 1 }], {})).toMatch(/line 4: .*a dispatch of proposal 1 in a run that does not use a queue/);
  });
  it('a runId that no job id can be made from is refused when the records are read', () => {
    for (const runId of ['a:b', 'x'.repeat(65), '../x', '', 7]) expect(replay([], { runId })).toMatch(/line 1: a campaign-start whose runId is .*; allowed: runId: 1 to 64 letters, digits, _ or -/);
  });
});

describe('--queue URLs and worker flags that cannot work are one line, exit 2', () => {
  it('a bad %-escape in the credentials names --queue, never echoing the password', () => {
    const err = thrownInputError(() => parseQueueUrl('redis://u:p%ZZsecret@127.0.0.1:6390'));
    expect(err.message).toMatch(/^--queue: .*the password has a %-escape that is not UTF-8/);
    expect(err.message).not.toContain('secret');
  });
  it('worker: --trainer-args without a torch spec, and a spec with surrounding spaces, are refused before Redis is asked', async () => {
    const args = await runNode([BIN, 'worker', '--queue', 'redis://127.0.0.1:1', '--evaluator-allow', 'cost', '--trainer-args', '--x']);
    expect(args.status).toBe(2);
    expect(args.stderr.trim().split('\n')).toHaveLength(1);
    expect(args.stderr).toMatch(/--trainer-args: .*allowed: with a torch:DATASET spec in --evaluator-allow/);
    const spaced = await runNode([BIN, 'worker', '--queue', 'redis://127.0.0.1:1', '--evaluator-allow', ' cost']);
    expect(spaced.status).toBe(2);
    expect(spaced.stderr).toMatch(/--evaluator-allow: got " cost"; allowed: an evaluator spec without surrounding spaces/);
    // search refuses the same spec: no campaign can wait on a queue no worker may serve.
    const search = await runNode([BIN, 'search', '--evaluator', 'command:node x.mjs ', '--budget', '2', '--out', `${mkdtempSync(`${tmpdir()}/q-spaced-`)}/run`]);
    expect(search.status).toBe(2);
    expect(search.stderr).toMatch(/evaluator: got "command:node x\.mjs "; allowed: .*without surrounding spaces/);
  });
});

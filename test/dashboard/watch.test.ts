/**
 * Finding runs under the dashboard's directory and reading a growing records file incrementally:
 * a half-written line waits for its newline, a file that shrank is read again from the start.
 */
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordTail } from '../../lib/dashboard/record-tail.js';
import { findRuns } from '../../lib/dashboard/runs.js';

const START = JSON.stringify({ type: 'campaign-start', time: '2026-01-01T00:00:00.000Z', seq: 0, config: { space: 'tinyml-cifar100', proposer: 'random', evaluator: 'cost', budget: 2, seed: 0, objectives: [{ name: 'macs', direction: 'min' }], limits: [], macs: { min: 0, max: 1e12 }, sramMaxBytes: 1e9, sramModel: 'mcunet' } });
const PROPOSAL = JSON.stringify({ type: 'proposal', time: '2026-01-01T00:00:01.000Z', seq: 1, index: 0, candidate: { blocks: [] }, note: null, key: 'k0' });

describe('findRuns', () => {
  it('the directory itself (named by its base name) when it holds records.jsonl; else runs one or two levels down (not three), sorted', () => {
    const root = mkdtempSync(join(tmpdir(), 'dash-runs-'));
    for (const d of ['b', 'a/seed-2', 'a/seed-1', 'deep/x/y', 'empty']) mkdirSync(join(root, d), { recursive: true });
    for (const d of ['b', 'a/seed-2', 'a/seed-1', 'deep/x/y']) writeFileSync(join(root, d, 'records.jsonl'), '');
    expect(findRuns(root).map((r) => r.id)).toEqual(['a/seed-1', 'a/seed-2', 'b']);
    // A single run given as DIR is named by its folder's base name (not '.'), also when DIR is given as '.' or with a trailing '/'.
    expect(findRuns(join(root, 'b')).map((r) => [r.id, r.dir])).toEqual([['b', join(root, 'b')]]);
    expect(findRuns(join(root, 'b') + '/').map((r) => r.id)).toEqual(['b']);
    const cwd = process.cwd();
    process.chdir(join(root, 'a', 'seed-1'));
    try {
      expect(findRuns('.').map((r) => r.id)).toEqual(['seed-1']);
    } finally {
      process.chdir(cwd);
    }
    expect(findRuns(join(root, 'empty'))).toEqual([]);
  });
});

describe('RecordTail', () => {
  it('reads appended whole lines only, and re-reads a file that shrank', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-tail-'));
    const path = join(dir, 'records.jsonl');
    const tail = new RecordTail(path);
    expect(tail.poll()).toBe(false); // no file yet
    writeFileSync(path, `${START}\n${PROPOSAL.slice(0, 40)}`);
    expect(tail.poll()).toBe(true);
    expect(tail.records.map((r) => r.type)).toEqual(['campaign-start']);
    expect(tail.poll()).toBe(false); // the half line is still half
    appendFileSync(path, `${PROPOSAL.slice(40)}\n`);
    expect(tail.poll()).toBe(true);
    expect(tail.records.map((r) => [r.type, r.seq])).toEqual([['campaign-start', 0], ['proposal', 1]]);
    const version = tail.version;
    writeFileSync(path, `${START}\n`); // replaced by a shorter file
    expect(tail.poll()).toBe(true);
    expect(tail.records.map((r) => r.type)).toEqual(['campaign-start']);
    expect(tail.version).toBeGreaterThan(version);
  });

  it('a bad whole line is reported (error names the line) and not taken; the records before it stay', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-tail-'));
    const path = join(dir, 'records.jsonl');
    writeFileSync(path, `${START}\n`);
    const tail = new RecordTail(path);
    tail.poll();
    appendFileSync(path, '{"type":"proposal","time":"x","seq":1,"index":-5}\n');
    expect(tail.poll()).toBe(true); // a change: the error is announced (the page shows it)
    expect(tail.error).toContain(`${path} line 2:`);
    expect(tail.records).toHaveLength(1);
  });
});

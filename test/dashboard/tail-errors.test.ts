/**
 * What the dashboard does when a run's records stop being readable or stop being the same file:
 * a bad whole line is an error naming the file and line (the records before it stay, the change is
 * announced), a different file copied over the records is read again from the start, a record line
 * longer than 16 MiB of bytes (within RECORD_LINE_BOUNDS) is read, one past the bounds is an error,
 * a deleted records.jsonl is marked gone; runs behind symbolic links are found (loops skipped);
 * every loopback address keeps the Host check.
 */
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordTail } from '../../lib/dashboard/record-tail.js';
import { RunWatcher } from '../../lib/dashboard/run-watcher.js';
import { findRuns } from '../../lib/dashboard/runs.js';
import { isLoopback, startDashboard } from '../../lib/dashboard/server.js';
import { RECORD_LINE_BOUNDS } from '../../lib/store/types.js';

const CONFIG = { space: 'tinyml-cifar100', proposer: 'random', evaluator: 'cost', budget: 2, seed: 0, objectives: [{ name: 'macs', direction: 'min' }], limits: [], macs: { min: 0, max: 1e12 }, sramMaxBytes: 1e9, sramModel: 'mcunet' };
const line = (r: Record<string, unknown>): string => `${JSON.stringify({ time: '2026-01-01T00:00:00.000Z', ...r })}\n`;
const START = line({ type: 'campaign-start', seq: 0, config: CONFIG });
const proposal = (seq: number, index: number): string => line({ type: 'proposal', seq, index, candidate: { blocks: [] }, note: null, key: `k${index}` });
const END = (seq: number): string => line({ type: 'campaign-end', seq, stopped: 'budget', summary: {} });

describe('RecordTail: unreadable and replaced records', () => {
  it('a whole bad line after good ones: error names file and line 3, the 2 records before stay, version bumps; it stays stuck there as lines are appended', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-bad-'));
    const path = join(dir, 'records.jsonl');
    writeFileSync(path, START + proposal(1, 0));
    const tail = new RecordTail(path);
    tail.poll();
    expect(tail.records).toHaveLength(2);
    const v = tail.version;
    // Appended in one write, so one poll sees the bad line between a good one and the end.
    appendFileSync(path, proposal(2, 1) + '{"type":"proposal","time":"x"}\n' + END(3));
    expect(tail.poll()).toBe(true);
    expect(tail.version).toBeGreaterThan(v);
    expect(tail.error).toContain(`${path} line 4:`);
    expect(tail.records.map((r) => r.seq)).toEqual([0, 1, 2]);
    const v2 = tail.version;
    appendFileSync(path, proposal(4, 2));
    expect(tail.poll()).toBe(false); // same error, nothing new: no change announced
    expect(tail.version).toBe(v2);
    expect(tail.records).toHaveLength(3);
  });

  it('the watcher lists the error and the run data carries it with what was read before', () => {
    const root = mkdtempSync(join(tmpdir(), 'dash-bad-w-'));
    mkdirSync(join(root, 'r1'));
    writeFileSync(join(root, 'r1', 'records.jsonl'), START + proposal(1, 0) + '{"type":"proposal","time":"x"}\n' + END(3));
    const w = new RunWatcher(root, 1000);
    expect(w.poll()).toEqual(['r1']);
    const [listing] = w.listing();
    expect(listing?.error).toMatch(/records\.jsonl line 3: .*seq/);
    const data = w.data('r1') as { readError?: string; counters: { proposed: number }; finished: boolean };
    expect(data.readError).toBe(listing?.error);
    expect(data.counters.proposed).toBe(1);
    expect(data.finished).toBe(false);
  });

  it('another, larger file copied over the records (same inode, different first bytes) is read from its start, not appended from the old offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-cp-'));
    const a = join(dir, 'a.jsonl');
    const path = join(dir, 'records.jsonl');
    writeFileSync(path, START + proposal(1, 0));
    const other = START.replace('"seed":0', '"seed":7');
    writeFileSync(a, other + proposal(1, 5) + proposal(2, 6) + END(3));
    const tail = new RecordTail(path);
    tail.poll();
    const generation = tail.generation;
    copyFileSync(a, path);
    expect(tail.poll()).toBe(true);
    expect(tail.error).toBeUndefined();
    expect(tail.generation).toBe(generation + 1);
    expect(tail.records.map((r) => [r.type, r.index])).toEqual([['campaign-start', undefined], ['proposal', 5], ['proposal', 6], ['campaign-end', undefined]]);
    expect((tail.records[0] as unknown as { config: { seed: number } }).config.seed).toBe(7);
  });

  it('a file replaced by a rename (new inode) with the same first bytes is read again from the start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-mv-'));
    const path = join(dir, 'records.jsonl');
    writeFileSync(path, START + proposal(1, 0));
    const tail = new RecordTail(path);
    tail.poll();
    writeFileSync(join(dir, 'new.jsonl'), START + proposal(1, 9) + proposal(2, 10));
    renameSync(join(dir, 'new.jsonl'), path);
    tail.poll();
    expect(tail.records.map((r) => r.index)).toEqual([undefined, 9, 10]);
  });

  it('a records.jsonl deleted while watched keeps its records, marked gone; it is read again when it comes back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-gone-'));
    const path = join(dir, 'records.jsonl');
    writeFileSync(path, START + proposal(1, 0));
    const tail = new RecordTail(path);
    tail.poll();
    rmSync(path);
    expect(tail.poll()).toBe(true);
    expect(tail.error).toContain('records.jsonl is gone');
    expect(tail.records).toHaveLength(2);
    writeFileSync(path, START);
    tail.poll();
    expect(tail.error).toBeUndefined();
    expect(tail.records).toHaveLength(1);
  });
});

describe('RecordTail: long lines', () => {
  it('reads an llm-call line of 6,000,000 "漢" (18 MB, over the 16 MiB first read) and the line after it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-long-'));
    const path = join(dir, 'records.jsonl');
    const reply = '漢'.repeat(6_000_000);
    const call = line({ type: 'llm-call', seq: 1, model: 'm', purpose: 'proposal', messages: [{ role: 'user', content: 'p' }], reply });
    expect(Buffer.byteLength(call)).toBeGreaterThan(16 * 1024 * 1024);
    writeFileSync(path, START + call + proposal(2, 0));
    const tail = new RecordTail(path);
    while (tail.poll());
    expect(tail.error).toBeUndefined();
    expect(tail.records.map((r) => r.type)).toEqual(['campaign-start', 'llm-call', 'proposal']);
    expect((tail.records[1] as unknown as { reply: string }).reply.length).toBe(6_000_000);
  });

  it('a line past RECORD_LINE_BOUNDS.maxChars is an error naming its line, not silence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-toolong-'));
    const path = join(dir, 'records.jsonl');
    const call = line({ type: 'llm-call', seq: 1, model: 'm', purpose: 'proposal', messages: [], reply: 'x'.repeat(RECORD_LINE_BOUNDS.maxChars + 10) });
    writeFileSync(path, START + call);
    const tail = new RecordTail(path);
    while (tail.poll());
    expect(tail.records).toHaveLength(1);
    expect(tail.error).toContain(`${path} line 2`);
  });
});

describe('findRuns: symbolic links', () => {
  it('a link to a run directory is a run under the link\'s name; a link back up (a loop) is skipped', () => {
    const root = mkdtempSync(join(tmpdir(), 'dash-link-'));
    mkdirSync(join(root, 'r2'));
    writeFileSync(join(root, 'r2', 'records.jsonl'), START);
    mkdirSync(join(root, 'sl'));
    symlinkSync(join(root, 'r2'), join(root, 'sl', 'linkrun'));
    symlinkSync(root, join(root, 'sl', 'up'));
    symlinkSync(join(root, 'missing'), join(root, 'sl', 'dangling'));
    expect(findRuns(join(root, 'sl')).map((r) => r.id)).toEqual(['linkrun']);
    expect(findRuns(root).map((r) => r.id)).toEqual(['r2', 'sl/linkrun']);
  });
});

function get(host: string, port: number, hostHeader: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request({ host, port, path: '/api/runs', headers: { host: hostHeader }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('loopback', () => {
  it('127.0.0.0/8, ::1 and localhost are loopback; others are not', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '[::1]', '0:0:0:0:0:0:0:1', 'localhost', '::ffff:127.0.0.5']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['128.0.0.1', '10.0.0.1', '0.0.0.0', '::', 'attacker.example', '127.0.0.256', '1127.0.0.1', '::2']) expect(isLoopback(h), h).toBe(false);
  });

  it('listening on 127.0.0.2 keeps the Host check: Host attacker.example gets 403, Host 127.0.0.2 gets 200', async () => {
    const d = await startDashboard({ dir: mkdtempSync(join(tmpdir(), 'dash-lo-')), port: 0, host: '127.0.0.2' });
    try {
      expect(await get('127.0.0.2', d.port, 'attacker.example')).toBe(403);
      expect(await get('127.0.0.2', d.port, `127.0.0.2:${d.port}`)).toBe(200);
    } finally {
      await d.close();
    }
  });
});

import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { dropTornTail, readRecords, RecordWriter, UnwritableRecord } from '../../lib/campaign/records.js';
import { replayRecords } from '../../lib/campaign/state.js';
import { InputError } from '../../lib/errors.js';

const dir = () => mkdtempSync(`${tmpdir()}/records-`);

/** A whole campaign configuration, as search writes it (cost evaluator, Table I limits). */
const CONFIG = {
  space: 'tinyml-cifar100',
  proposer: 'random',
  evaluator: 'cost',
  budget: 10,
  seed: 0,
  objectives: [{ name: 'macs', direction: 'min' }, { name: 'params', direction: 'min' }],
  limits: [],
  macs: { min: 70e6, max: 350e6 },
  sramMaxBytes: 327_680,
  sramModel: 'mcunet',
};
const line = (seq: number, r: Record<string, unknown>) => `${JSON.stringify({ time: '2026-11-23T00:00:00Z', seq, ...r })}\n`;
/** A records file: the start, proposal 0 and its evaluation, then `more` (one object a line). */
function recordsFile(more: Record<string, unknown>[], config: Record<string, unknown> = CONFIG): string {
  const path = `${dir()}/records.jsonl`;
  const head = [
    { type: 'campaign-start', config },
    { type: 'proposal', index: 0, candidate: { blocks: [] }, note: null, key: 'k0' },
    { type: 'evaluation', index: 0, key: 'k0', metrics: { macs: 8e7, params: 5e5 }, seconds: 0.1, details: null },
  ];
  writeFileSync(path, [...head, ...more].map((r, i) => line(i, r)).join(''));
  return path;
}
/** The one-line error of reading and replaying `path`. */
function replayError(path: string): string {
  try {
    const read = readRecords(path);
    replayRecords(read.records, read.lines, path);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('append-only records', () => {
  it('one JSON object a line, with type, time and a sequence number', () => {
    const path = `${dir()}/r/records.jsonl`;
    const w = new RecordWriter(path);
    w.append('campaign-start', { config: CONFIG });
    w.append('proposal', { index: 0, candidate: { blocks: [] } });
    w.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.type, l.seq])).toEqual([['campaign-start', 0], ['proposal', 1]]);
    expect(Date.parse(lines[1].time)).not.toBeNaN();
    expect(readRecords(path).records).toEqual(lines);
  });
  it('a torn last line is reported, not fatal, and can be cut off to append again', () => {
    const path = `${dir()}/records.jsonl`;
    const w = new RecordWriter(path);
    w.append('campaign-start', { config: CONFIG });
    w.append('proposal', { index: 0 });
    w.close();
    appendFileSync(path, '{"type":"evaluation","time":"2026-11-23T00:00:00Z","index":0,"met');
    const read = readRecords(path);
    expect(read.records).toHaveLength(2);
    expect(read.torn).toMatchObject({ line: 3, text: '{"type":"evaluation","time":"2026-11-23T00:00:00Z","index":0,"met' });
    dropTornTail(path, read.torn!);
    const again = new RecordWriter(path, 2);
    again.append('evaluation', { index: 0, key: 'k0', metrics: { macs: 1 } });
    again.close();
    const after = readRecords(path);
    expect(after.torn).toBeUndefined();
    expect(after.records.map((r) => r.seq)).toEqual([0, 1, 2]);
  });
  it('a whole last record without its newline counts as torn too', () => {
    const path = `${dir()}/records.jsonl`;
    writeFileSync(path, `${JSON.stringify({ type: 'campaign-start', time: 't', seq: 0, config: CONFIG })}\n{"type":"proposal","time":"t","seq":1}`);
    expect(readRecords(path).torn?.line).toBe(2);
  });
  it('a bad line before the end is an error naming the line', () => {
    const path = `${dir()}/records.jsonl`;
    writeFileSync(path, `${JSON.stringify({ type: 'campaign-start', time: 't', seq: 0, config: CONFIG })}\nnot json\n{"type":"proposal","time":"t","seq":2}\n`);
    expect(() => readRecords(path)).toThrow(/records\.jsonl line 2: got "not json"; allowed: one JSON record per line \(/);
  });
});

describe('records are checked on read, each error naming its line', () => {
  it('an evaluation without metrics', () => {
    const path = recordsFile([{ type: 'proposal', index: 1, candidate: { blocks: [] }, note: null, key: 'k1' }, { type: 'evaluation', index: 1, key: 'k1', seconds: 1 }]);
    expect(replayError(path)).toBe(`${path} line 5: an evaluation record without metrics; allowed: metrics: an object of numbers (macs, params, ... and the objectives)`);
  });
  it('an evaluation whose metrics lack an objective', () => {
    const path = recordsFile([{ type: 'proposal', index: 1, candidate: { blocks: [] }, note: null, key: 'k1' }, { type: 'evaluation', index: 1, key: 'k1', metrics: { macs: 1 } }]);
    expect(replayError(path)).toMatch(new RegExp(`^${path} line 5: an evaluation of proposal 1 whose metrics lack the objective params;`));
  });
  it('a proposal index of 10^8 past the end: refused at once, nothing allocated', () => {
    const path = recordsFile([{ type: 'proposal', index: 100_000_000, candidate: { blocks: [] }, note: null, key: null }]);
    const started = performance.now();
    expect(replayError(path)).toMatch(new RegExp(`^${path} line 4: a proposal with index 100000000 where the next is 1;`));
    expect(performance.now() - started).toBeLessThan(500);
  });
  it('an index above 10^8, or not an integer, is refused by the schema', () => {
    expect(replayError(recordsFile([{ type: 'rejection', index: 1e15, reason: 'macs', message: 'm' }]))).toMatch(/line 4: a rejection record with index 1000000000000000; allowed: an integer index from 0 to 100000000$/);
    expect(replayError(recordsFile([{ type: 'failure', index: '3', key: 'k', message: 'm' }]))).toMatch(/line 4: a failure record with index "3"/);
  });
  it('an outcome of a proposal never recorded, and a second outcome', () => {
    expect(replayError(recordsFile([{ type: 'failure', index: 5, key: 'k5', message: 'm' }]))).toMatch(/line 4: a failure of proposal 5, which was never recorded \(1 proposals so far\)/);
    expect(replayError(recordsFile([{ type: 'rejection', index: 0, reason: 'duplicate', message: 'm' }]))).toMatch(/line 4: a second outcome \(rejection\) for proposal 0/);
  });
  it('a campaign-start without objectives', () => {
    const { objectives, ...noObjectives } = CONFIG;
    expect(objectives).toHaveLength(2);
    const path = recordsFile([], noObjectives);
    expect(replayError(path)).toBe(`${path} line 1: a campaign-start record missing objectives; allowed: config.objectives: a non-empty list of {name, direction: "min"|"max"}`);
  });
  it('a line nested deeper than 64 is refused before it is parsed', () => {
    const path = recordsFile([{ type: 'explanation', index: 0, key: 'k0', text: 'x' }]);
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"type":"explanation","a":${'['.repeat(5000)}${']'.repeat(5000)}}\n{"type":"explanation","time":"t","seq":9}\n`);
    expect(replayError(path)).toMatch(new RegExp(`^${path} line 5: nests arrays/objects more than 64 levels deep;`));
  });
});

describe('numbers JSON cannot hold', () => {
  it('Infinity is written as "Infinity" and read back as Infinity; an older null limit reads as Infinity', () => {
    const path = `${dir()}/records.jsonl`;
    const w = new RecordWriter(path);
    w.append('campaign-start', { config: { ...CONFIG, macs: { min: 0, max: Infinity }, sramMaxBytes: Infinity, limits: [{ name: 'params', max: Infinity }] } });
    w.close();
    expect(readFileSync(path, 'utf8')).toContain('"macs":{"min":0,"max":"Infinity"},"sramMaxBytes":"Infinity"');
    const state = replayRecords(readRecords(path).records);
    expect(state.config.macs).toEqual({ min: 0, max: Infinity });
    expect(state.config.sramMaxBytes).toBe(Infinity);
    expect(state.config.limits).toEqual([{ name: 'params', max: Infinity }]);
    const old = recordsFile([], { ...CONFIG, macs: { min: 0, max: null }, sramMaxBytes: null });
    expect(replayRecords(readRecords(old).records).config).toMatchObject({ macs: { min: 0, max: Infinity }, sramMaxBytes: Infinity });
  });
  it('a value too deep for JSON.stringify is refused before anything is written', () => {
    const path = `${dir()}/records.jsonl`;
    const w = new RecordWriter(path);
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => w.append('proposal', { index: 0, candidate: deep })).toThrow(UnwritableRecord);
    w.append('campaign-start', { config: CONFIG });
    w.close();
    expect(readRecords(path).records.map((r) => [r.type, r.seq])).toEqual([['campaign-start', 0]]);
  });
});

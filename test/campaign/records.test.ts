import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { dropTornTail, readRecords, RecordWriter } from '../../lib/campaign/records.js';

const dir = () => mkdtempSync(`${tmpdir()}/records-`);

describe('append-only records', () => {
  it('one JSON object a line, with type, time and a sequence number', () => {
    const path = `${dir()}/r/records.jsonl`;
    const w = new RecordWriter(path);
    w.append('campaign-start', { config: { a: 1 } });
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
    w.append('campaign-start', {});
    w.append('proposal', { index: 0 });
    w.close();
    appendFileSync(path, '{"type":"evaluation","time":"2026-11-23T00:00:00Z","index":0,"met');
    const read = readRecords(path);
    expect(read.records).toHaveLength(2);
    expect(read.torn).toMatchObject({ line: 3, text: '{"type":"evaluation","time":"2026-11-23T00:00:00Z","index":0,"met' });
    dropTornTail(path, read.torn!);
    const again = new RecordWriter(path, 2);
    again.append('evaluation', { index: 0 });
    again.close();
    const after = readRecords(path);
    expect(after.torn).toBeUndefined();
    expect(after.records.map((r) => r.seq)).toEqual([0, 1, 2]);
  });
  it('a whole last record without its newline counts as torn too', () => {
    const path = `${dir()}/records.jsonl`;
    writeFileSync(path, '{"type":"campaign-start","time":"t","seq":0}\n{"type":"proposal","time":"t","seq":1}');
    expect(readRecords(path).torn?.line).toBe(2);
  });
  it('a bad line before the end is an error naming the line', () => {
    const path = `${dir()}/records.jsonl`;
    writeFileSync(path, '{"type":"campaign-start","time":"t","seq":0}\nnot json\n{"type":"proposal","time":"t","seq":2}\n');
    expect(() => readRecords(path)).toThrow(/records\.jsonl line 2: got "not json"; allowed: one JSON record per line \(/);
  });
});

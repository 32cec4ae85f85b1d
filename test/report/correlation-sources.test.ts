/**
 * loadCorrelationSources: run directories matched by candidate key (x from the first, y from the
 * others), CSV key columns and row pairing, missing values left out and counted, and one-line
 * InputErrors for unknown metrics, bad cells and unmatched sources.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorrelationSources } from '../../lib/report/correlation-sources.js';
import { FIXTURES, thrownInputError } from '../helpers.js';

const RUNS = `${FIXTURES}correlation/campaigns/`;
const CSV = `${FIXTURES}correlation/proxy-vs-full.csv`;

/** The evaluation records of a fixture run, read here with JSON.parse (a second reader). */
function evaluations(run: string): { key: string; metrics: Record<string, number> }[] {
  return readFileSync(`${RUNS}${run}/records.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'evaluation');
}

function tmpCsv(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'paretonas-correlate-')), 'data.csv');
  writeFileSync(path, text);
  return path;
}

describe('loadCorrelationSources', () => {
  it('matches runs by candidate key: x from the first run, y from both others; unmatched candidates counted', () => {
    const proxy = evaluations('proxy');
    const trained = [...evaluations('trained'), ...evaluations('trained-seed9')];
    const loaded = loadCorrelationSources([`${RUNS}proxy`, `${RUNS}trained`, `${RUNS}trained-seed9`], { x: 'naswot', y: 'accuracy' });
    const shared = proxy.filter((p) => trained.some((t) => t.key === p.key));
    expect(shared.length).toBe(6);
    expect(loaded.observations).toEqual(shared.map((p) => ({ key: p.key, x: [p.metrics.naswot], y: trained.filter((t) => t.key === p.key).map((t) => t.metrics.accuracy) })));
    const onlyProxy = proxy.length - shared.length;
    const onlyTrained = new Set(trained.map((t) => t.key)).size - shared.length;
    expect([onlyProxy, onlyTrained]).toEqual([2, 3]);
    expect(loaded.notes).toEqual(['left out: 2 candidates with naswot but no accuracy; 3 candidates with accuracy but no naswot (6 candidates matched)']);
    expect(loaded.sources.map((s) => [s.role, s.kind, s.seed, s.entries])).toEqual([['x', 'run', 5, 8], ['y', 'run', 5, 6], ['y', 'run', 9, 3]]);
  });

  it('one metric across two sources: the same name is x in the first and y in the second', () => {
    const one = tmpCsv('key,accuracy\nk1,0.5\nk2,0.6\nk3,0.7\n');
    const five = tmpCsv('key,accuracy\nk2,0.8\nk1,0.75\nk3,0.9\nk4,0.1\n');
    const loaded = loadCorrelationSources([one, five], { x: 'accuracy', y: 'accuracy' });
    expect(loaded.observations).toEqual([{ key: 'k1', x: [0.5], y: [0.75] }, { key: 'k2', x: [0.6], y: [0.8] }, { key: 'k3', x: [0.7], y: [0.9] }]);
  });

  it('the same source twice (as written, with ./ and a trailing slash, or through a symlink) is refused: its values would count as repeated evaluations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-correlate-'));
    cpSync(`${RUNS}trained`, join(dir, 'trained'), { recursive: true });
    cpSync(`${RUNS}proxy`, join(dir, 'proxy'), { recursive: true });
    symlinkSync(join(dir, 'trained'), join(dir, 'link'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const allowed = 'allowed: each source once (the same source twice would count its values as repeated evaluations)';
      expect(thrownInputError(() => loadCorrelationSources(['proxy', 'trained', 'trained'], { x: 'naswot', y: 'accuracy' })).message).toBe(`SOURCE: got "trained": given twice; ${allowed}`);
      expect(thrownInputError(() => loadCorrelationSources(['proxy', 'trained', './trained/'], { x: 'naswot', y: 'accuracy' })).message).toBe(`SOURCE: got "./trained/": the same run directory as "trained" (both are ${JSON.stringify(realpathSync(join(dir, 'trained')))}); ${allowed}`);
      expect(thrownInputError(() => loadCorrelationSources(['proxy', 'link', 'trained'], { x: 'naswot', y: 'accuracy' })).message).toMatch(/^SOURCE: got "trained": the same run directory as "link"/);
      expect(thrownInputError(() => loadCorrelationSources(['trained', 'trained'], { x: 'accuracy', y: 'accuracy' })).message).toBe(`SOURCE: got "trained": given twice; ${allowed}`);
      const csv = tmpCsv('key,a,b\nk1,1,2\nk2,2,1\nk3,3,3\n');
      expect(thrownInputError(() => loadCorrelationSources([csv, csv], { x: 'a', y: 'b' })).message).toMatch(/^SOURCE: got ".*data.csv": given twice/);
      // a copy is another run (another place): read as such
      expect(loadCorrelationSources(['proxy', 'trained'], { x: 'naswot', y: 'accuracy' }).observations.length).toBe(6);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a named pipe (FIFO) is refused before it is read (reading one would block forever), as a source or as a run\'s records.jsonl', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-correlate-'));
    execFileSync('mkfifo', [join(dir, 'fifo.csv')]);
    expect(thrownInputError(() => loadCorrelationSources([join(dir, 'fifo.csv')], { x: 'a', y: 'b' })).message).toBe(`SOURCE: got ${JSON.stringify(join(dir, 'fifo.csv'))}: a named pipe (FIFO); allowed: a CSV file or a run directory holding records.jsonl`);
    mkdirSync(join(dir, 'run'));
    execFileSync('mkfifo', [join(dir, 'run', 'records.jsonl')]);
    expect(thrownInputError(() => loadCorrelationSources([join(dir, 'run')], { x: 'a', y: 'b' })).message).toBe(`SOURCE: got ${JSON.stringify(join(dir, 'run'))}: its records.jsonl is a named pipe (FIFO); allowed: a run directory whose records.jsonl is a regular file`);
  });

  it('a CSV by its key column: repeats per key, empty cells missing, a key without x left out', () => {
    const { observations, notes, sources } = loadCorrelationSources([CSV], { x: 'proxy', y: 'full' });
    expect(observations.map((o) => o.key)).toEqual(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c11']);
    expect(observations.find((o) => o.key === 'c06')).toEqual({ key: 'c06', x: [11, 11], y: [0.66] });
    expect(notes).toEqual(['left out: 1 candidate with full but no proxy (10 candidates matched)']);
    expect(sources[0]).toMatchObject({ kind: 'csv', role: 'x and y', entries: 22, keyedBy: 'column key' });
  });

  it('--by names another key column; without a key column rows pair as they stand', () => {
    const byName = loadCorrelationSources([tmpCsv('name,a,b\nn1,1,2\nn2,2,1\nn1,3,5\n')], { x: 'a', y: 'b', by: 'name' });
    expect(byName.observations).toEqual([{ key: 'n1', x: [1, 3], y: [2, 5] }, { key: 'n2', x: [2], y: [1] }]);
    const keyless = loadCorrelationSources([tmpCsv('a,b\n1,2\n2,1\n3,5\n')], { x: 'a', y: 'b' });
    expect(keyless.observations.map((o) => o.key)).toEqual(['row 1', 'row 2', 'row 3']);
    expect(keyless.sources[0]?.keyedBy).toBe('row number');
  });

  it('bad input is one line naming the field, the value and what is allowed', () => {
    expect(thrownInputError(() => loadCorrelationSources([`${RUNS}proxy`], { x: 'naswot', y: 'acc' })).message).toBe(
      `--y: got "acc"; allowed: a metric the evaluation records of ${RUNS}proxy hold (macs, params, flashBytes, peakSramBytes, naswot)`,
    );
    expect(thrownInputError(() => loadCorrelationSources([CSV], { x: 'proxy', y: 'ful' })).message).toBe(`--y: got "ful"; allowed: a column of ${CSV} (key, seed, proxy, full)`);
    expect(thrownInputError(() => loadCorrelationSources([CSV], { x: 'prxy', y: 'full' })).message).toBe(`--x: got "prxy"; allowed: a column of ${CSV} (key, seed, proxy, full)`);
    // several sources: x is read from the first, y from the others; the flag is named either way
    expect(thrownInputError(() => loadCorrelationSources([`${RUNS}proxy`, `${RUNS}trained`], { x: 'accuracy', y: 'accuracy' })).message).toMatch(new RegExp(`^--x: got "accuracy"; allowed: a metric the evaluation records of ${RUNS}proxy hold`));
    expect(thrownInputError(() => loadCorrelationSources([`${RUNS}proxy`, `${RUNS}trained`], { x: 'naswot', y: 'naswot' })).message).toMatch(new RegExp(`^--y: got "naswot"; allowed: a metric the evaluation records of ${RUNS}trained hold`));
    const bad = tmpCsv('key,a,b\nk1,1,2\nk2,x7,1\n');
    expect(thrownInputError(() => loadCorrelationSources([bad], { x: 'a', y: 'b' })).message).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 3 column a: got "x7"; allowed: a finite number written in decimal`));
    expect(thrownInputError(() => loadCorrelationSources([tmpCsv('key,a,b\nk1,inf,2\n')], { x: 'a', y: 'b' })).message).toMatch(/line 2 column a: got "inf"/);
    expect(thrownInputError(() => loadCorrelationSources([`${RUNS}proxy`], { x: 'naswot', y: 'naswot' })).message).toMatch(/^--y: got "naswot"; allowed: a metric other than --x \(naswot\)/);
    expect(thrownInputError(() => loadCorrelationSources([`${RUNS}proxy`, tmpCsv('a,b\n1,2\n')], { x: 'naswot', y: 'b' })).message).toMatch(/^--by: .*has no key column/);
    expect(thrownInputError(() => loadCorrelationSources([`${RUNS}nowhere`], { x: 'a', y: 'b' })).message).toMatch(/^SOURCE: got ".*nowhere": no such file or folder/);
    expect(thrownInputError(() => loadCorrelationSources([CSV], { x: 'proxy', y: 'full', by: 'id' })).message).toMatch(/^--by: got "id"; allowed: a column of .* \(key, seed, proxy, full\)/);
  });
});

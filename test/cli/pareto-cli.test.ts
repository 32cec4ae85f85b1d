import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const tmp = mkdtempSync(`${tmpdir()}/pareto-cli-`);
function paretonas(...args: string[]) {
  const r = spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, 'pareto', ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
// row 3 is dominated by row 0; row 4 breaks the SRAM limit
writeFileSync(`${tmp}/runs.csv`, 'id,acc,macs,sram\nA,0.5,2,100\nB,0.8,4,100\nC,0.3,1,100\nD,0.4,3,100\nE,0.9,1,999\n');

describe('paretonas pareto', () => {
  it('front, ranks and a hypervolume worked by hand', () => {
    const r = paretonas('runs.csv', '--objectives', 'acc:max,macs:min', '--constraint', 'sram<=500', '--hypervolume', '--ref', '0,5', '--ranks', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.front.map((f: { row: number }) => f.row)).toEqual([0, 1, 2]);
    expect(out.front[1].values).toEqual({ acc: 0.8, macs: 4 });
    // feasible: A, B, C on the front (rank 0), D behind A (rank 1); E infeasible (rank 2)
    expect(out.ranks).toEqual([0, 0, 0, 1, 2]);
    // minimising (-acc, macs) against (0, 5): 0.3 x 1 + 0.2 x 3 + 0.3 x 4 = 2.1
    expect(out.hypervolume).toBeCloseTo(2.1, 12);
    expect(out.computeSeconds).toBeGreaterThanOrEqual(0);
    expect(out.computeSeconds).toBeLessThan(5);
    expect([out.points, out.feasible]).toEqual([5, 4]);
  });
  it('without a constraint E (0.9, 1) dominates everything else', () => {
    const out = JSON.parse(paretonas('runs.csv', '--objectives', 'acc:max,macs:min', '--json').stdout);
    expect(out.front.map((f: { row: number }) => f.row)).toEqual([4]);
  });
  it('prints a readable front by default', () => {
    const r = paretonas('runs.csv', '--objectives', 'acc:max,macs:min', '--constraint', 'sram<=500');
    expect(r.stdout).toMatch(/5 points, 4 feasible \(sram<=500\); front of 3/);
    expect(r.stdout).toMatch(/row\s+acc \(max\)\s+macs \(min\)/);
  });
  it('bad input: one line naming the problem, exit code 2', () => {
    writeFileSync(`${tmp}/ragged.csv`, 'acc,macs\n0.5,2\n0.4\n');
    writeFileSync(`${tmp}/words.csv`, 'acc,macs\n0.5,two\n');
    writeFileSync(`${tmp}/nan.csv`, 'acc,macs\n0.5,NaN\n');
    const cases: [string[], RegExp][] = [
      [['runs.csv', '--objectives', 'acc:max,latency:min'], /runs\.csv column: got "latency"; allowed: id, acc, macs, sram/],
      [['ragged.csv', '--objectives', 'acc:max,macs:min'], /ragged\.csv line 3: has 1 fields; allowed: 2 fields like the header \(acc, macs\)/],
      [['words.csv', '--objectives', 'acc:max,macs:min'], /words\.csv line 2 column macs: got "two"; allowed: a number/],
      [['nan.csv', '--objectives', 'acc:max,macs:min'], /nan\.csv line 2 column macs: got "NaN"; allowed: a number/],
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume'], /--ref: is missing; allowed: a reference point with 2 values/],
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume', '--ref', '0'], /--ref: got "0"; allowed: 2 numbers/],
      [['runs.csv'], /--objectives: is missing/],
      [['missing.csv', '--objectives', 'acc:max'], /FILE\.csv: no such file/],
      [['runs.csv', '--objectives', 'acc:best'], /--objectives acc: got "best"; allowed: min, max/],
    ];
    for (const [args, message] of cases) {
      const r = paretonas(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});

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
  it('the field case: a negative reference after --ref is its value (was "argument is ambiguous"), hypervolume 75', () => {
    const file = `${ROOT}test/fixtures/cases/negated_accuracy.csv`;
    // rows a (-0.70, 100), b (-0.60, 50), c (-0.80, 300); both minimised, none dominates another.
    // Against (-0.5, 400), slabs along neg_acc: c..a 0.1 x (400-300) = 10, a..b 0.1 x (400-100) = 30,
    // b..ref 0.1 x (400-50) = 35: 10 + 30 + 35 = 75.
    for (const ref of [['--ref', '-0.5,400'], ['--ref=-0.5,400'], ['--ref', '-.5, 4e2']]) {
      const r = paretonas(file, '--objectives', 'neg_acc:min,macs:min', '--hypervolume', ...ref, '--json');
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.front.map((f: { row: number }) => f.row)).toEqual([0, 1, 2]);
      expect(out.ref).toEqual([-0.5, 400]);
      expect(out.hypervolume).toBeCloseTo(75, 9);
    }
    const text = paretonas(file, '--objectives', 'neg_acc:min,macs:min', '--hypervolume', '--ref', '-0.5,400');
    expect(text.stdout).toMatch(/hypervolume 75 \(reference -0\.5, 400; 3 of 3 front points better than it in every objective\)\n(?!note)/);
  });
  it('--json writes infinite values as "Infinity"/"-Infinity" strings, never null', () => {
    writeFileSync(`${tmp}/inf.csv`, 'acc,macs\n0.5,-inf\n0.9,3\n');
    const r = paretonas('inf.csv', '--objectives', 'acc:max,macs:min', '--hypervolume', '--ref', '0,5', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/null/);
    const out = JSON.parse(r.stdout);
    // row 0 (0.5, -inf) and row 1 (0.9, 3): neither dominates; the box of row 0 reaches macs -inf
    expect(out.front).toEqual([{ row: 0, values: { acc: 0.5, macs: '-Infinity' } }, { row: 1, values: { acc: 0.9, macs: 3 } }]);
    expect(out.hypervolume).toBe('Infinity');
  });
  it('bad input: one line naming the problem, exit code 2', () => {
    writeFileSync(`${tmp}/ragged.csv`, 'acc,macs\n0.5,2\n0.4\n');
    writeFileSync(`${tmp}/words.csv`, 'acc,macs\n0.5,two\n');
    writeFileSync(`${tmp}/nan.csv`, 'acc,macs\n0.5,NaN\n');
    const cases: [string[], RegExp][] = [
      [['runs.csv', '--objectives', 'acc:max,latency:min'], /runs\.csv column: got "latency"; allowed: id, acc, macs, sram/],
      [['ragged.csv', '--objectives', 'acc:max,macs:min'], /ragged\.csv line 3: has 1 field; allowed: 2 fields like the header \(acc, macs\)/],
      [['words.csv', '--objectives', 'acc:max,macs:min'], /words\.csv line 2 column macs: got "two"; allowed: a number/],
      [['nan.csv', '--objectives', 'acc:max,macs:min'], /nan\.csv line 2 column macs: got "NaN"; allowed: a number/],
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume'], /--ref: is missing; allowed: a reference point with 2 values/],
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume', '--ref', '0'], /--ref: got "0": 1 number; allowed: 2 decimal numbers separated by commas, none empty/],
      // `--ref ,` was read as (0, 0); hex and Infinity were read as numbers
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume', '--ref', ','], /--ref: got ",": an empty item; allowed: 2 decimal numbers/],
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume', '--ref', '0,'], /--ref: got "0,": an empty item/],
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume', '--ref', '0x1,5'], /--ref: got "0x1" in "0x1,5": not a decimal number/],
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume', '--ref', '-Infinity,5'], /--ref: got "-Infinity" in "-Infinity,5": not a decimal number/],
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--constraint', 'sram<=500,'], /--constraint: got "sram<=500,": an empty item; allowed: name<=number or name>=number/],
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--constraint', 'sram<=0x10'], /--constraint: got "sram<=0x10": "0x10" is not a decimal number; allowed: name<=number or name>=number with a decimal number/],
      [['runs.csv', '--objectives', 'acc:max,,macs:min'], /--objectives: got "acc:max,,macs:min": an empty item/],
      [['runs.csv', '--objectives', 'acc:max,macs:min', '--ref', '-1,5'], /--ref: got "-1,5"; allowed: with --hypervolume/],
      [['runs.csv'], /--objectives: is missing/],
      [['missing.csv', '--objectives', 'acc:max'], /FILE\.csv: got "missing\.csv": no such file; allowed: a readable CSV file/],
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

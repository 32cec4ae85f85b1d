/**
 * Issue 14 (newcomer and hostile tester): flag errors in one line naming the flag, one number rule
 * for every numeric flag and the CSV, pareto ranks from 0 with their rows, latency's memory bound.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkPositionals, closestFlag, editDistance, intFlag, numberFlag, parseFlags } from '../../lib/cli/args.js';
import { defineCommand, renderHelp } from '../../lib/cli/command-spec.js';
import { estimateSessionBytes, sessionMemoryBound, shortOrtMessage } from '../../lib/cli/latency.js';
import { rankLines } from '../../lib/cli/pareto.js';
import { COMMAND_SPECS, runCli } from '../../lib/cli/run.js';
import { csvNumber, numericColumn, parseCsv } from '../../lib/csv.js';
import { readDecimal } from '../../lib/decimal.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { parseLimits } from '../../lib/pareto/objectives.js';
import { ROOT } from '../helpers.js';

const tmp = mkdtempSync(`${tmpdir()}/flag-errors-`);
function paretonas(...args: string[]) {
  const r = spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('did not throw');
};

const DEMO = defineCommand({
  name: 'demo',
  summary: 'a test table',
  example: 'paretonas demo --budget 3',
  flags: {
    budget: { type: 'string', value: 'N', help: 'proposals, 1 to 10' },
    objectives: { type: 'string', value: 'LIST', help: 'columns' },
    json: { type: 'boolean', help: 'JSON' },
    ...Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`extra${k}`, { type: 'boolean', help: 'x' }])),
  },
});

describe('flag errors', () => {
  it('an unknown flag names the command, the closest flag and a capped list', () => {
    expect(message(() => parseFlags(['--budgte', '3'], DEMO.flags))).toBe(
      '--budgte: is not a flag of paretonas demo (did you mean --budget?); allowed: --budget, --objectives, --json, --extra0, --extra1, --extra2, --extra3, --extra4 and 5 more (`paretonas demo --help` lists all 13)',
    );
    expect(message(() => parseFlags(['--zzzzzz'], DEMO.flags))).toMatch(/^--zzzzzz: is not a flag of paretonas demo; allowed:/);
    expect(editDistance('bogus', 'budget')).toBe(4); // b-o-g-u-s vs b-u-d-g-e-t: too far for a suggestion
    expect(closestFlag('bogus', ['budget', 'seed'])).toBeUndefined();
    expect(closestFlag('objective', ['objectives', 'json'])).toBe('objectives');
    expect(closestFlag('bud', ['budget', 'seed'])).toBe('budget');
  });
  it('a missing value, a switch with a value and a flag given twice are refused in one line', () => {
    expect(message(() => parseFlags(['--budget'], DEMO.flags))).toBe('--budget: needs a value (N); allowed: proposals, 1 to 10');
    expect(message(() => parseFlags(['--budget', '--json'], DEMO.flags))).toBe('--budget: needs a value (N), got "--json", another flag; allowed: proposals, 1 to 10');
    expect(message(() => parseFlags(['--json=yes'], DEMO.flags))).toBe('--json: takes no value, got "yes"; allowed: --json alone (a switch)');
    expect(message(() => parseFlags(['f.csv', '--objectives', 'a,b', '--objectives', 'a'], DEMO.flags))).toBe('--objectives: is given twice ("a,b", then "a"); allowed: each flag once');
    expect(message(() => parseFlags(['--json', '--json'], DEMO.flags))).toBe('--json: is given twice; allowed: each flag once');
    // what is still fine: a value after --, a negative number, a flag once
    expect(parseFlags(['--budget', '-3', '--', '--json'], DEMO.flags)).toEqual({ values: { budget: '-3' }, positionals: ['--json'] });
  });
  it('positionals: missing says "is missing", too many counts them', () => {
    expect(message(() => checkPositionals('FILE.csv', [], 'one CSV file path'))).toBe('FILE.csv: is missing; allowed: one CSV file path');
    expect(message(() => checkPositionals('FILE.csv', ['a', 'b'], 'one CSV file path'))).toBe('FILE.csv: got 2 ("a", "b"); allowed: one CSV file path');
    expect(checkPositionals('RUN_DIR', ['a', 'b'], 'dirs', 1, Infinity)).toEqual(['a', 'b']);
  });
  it('the CLI lines the tester saw', async () => {
    const cases: [string[], string][] = [
      [['search', '--bogus'], 'paretonas search: --bogus: is not a flag of paretonas search; allowed: --space, --proposer, --evaluator, --trainer-args, --budget, --valid, --time-limit, --seed and'],
      [['search', '--budget'], 'paretonas search: --budget: needs a value (N); allowed:'],
      [['pareto', 'f.csv', '--objectives', 'a,b', '--objectives', 'a'], 'paretonas pareto: --objectives: is given twice ("a,b", then "a"); allowed: each flag once'],
      [['pareto', '--objectives', 'a'], 'paretonas pareto: FILE.csv: is missing; allowed: one CSV file path'],
      [['report'], 'paretonas report: RUN_DIR: is missing; allowed: one run directory path (runs/ID)'],
      [['lamda', 'predictor'], 'paretonas lamda predictor: SUBCOMMAND: is missing; allowed: train, eval'],
      [['estimate', `${tmp}/my-candidate.json`], `paretonas estimate: FILE: got "${tmp}/my-candidate.json": no such file; allowed: a model file path`],
    ];
    for (const [args, start] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.startsWith(start), r.stderr).toBe(true);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/Unknown option|'-- "/);
    }
  });
});

describe('one number rule (lib/decimal.ts)', () => {
  it('decimal, finite, and a nonzero text does not underflow to 0', () => {
    expect(readDecimal('-1.5e3')).toEqual({ value: -1500 });
    expect(readDecimal('0e-500')).toEqual({ value: 0 }); // zero written with an exponent is zero
    expect(readDecimal('1e400')).toEqual({ reason: 'out of range (must be finite, below 1.8e308)' });
    expect(readDecimal('1e-400')).toEqual({ reason: expect.stringMatching(/^too close to 0/) });
    expect(readDecimal('0x10')).toEqual({ reason: 'not a decimal number' });
    expect(readDecimal('5e-324')).toEqual({ value: 5e-324 }); // the smallest double is kept
  });
  it('integer flags take an exponent when the value is whole; overflow is out of range, not "not decimal"', () => {
    expect(intFlag('seed', '1e9', 0, 2 ** 31 - 1)).toBe(1_000_000_000);
    expect(intFlag('budget', '1e1', 1, 100)).toBe(10);
    expect(intFlag('budget', '2.0', 1, 100)).toBe(2);
    expect(message(() => intFlag('budget', '1.5', 1, 100))).toBe('--budget: got "1.5": not an integer; allowed: an integer from 1 to 100');
    expect(message(() => intFlag('budget', '1e-1', 1, 100))).toBe('--budget: got "1e-1": not an integer; allowed: an integer from 1 to 100');
    expect(message(() => intFlag('seed', '1e400', 0, 100))).toBe('--seed: got "1e400": out of range (must be finite, below 1.8e308); allowed: an integer from 0 to 100');
    expect(message(() => numberFlag('novelty', '1e-400', 0, 1))).toMatch(/^--novelty: got "1e-400": too close to 0 .*; allowed: a number from 0 to 1$/);
    expect(message(() => numberFlag('novelty', '2', 0, 1))).toBe('--novelty: got "2"; allowed: a number from 0 to 1');
  });
  it('--constraint and --ref say out of range, not "not a decimal number"', async () => {
    expect(message(() => parseLimits('a<=1e400'))).toMatch(/^--constraint: got "a<=1e400": "1e400" is out of range \(must be finite, below 1\.8e308\); allowed:/);
    expect(parseLimits('a<=1e300')).toEqual([{ name: 'a', max: 1e300 }]);
    writeFileSync(`${tmp}/two.csv`, 'a,b\n1,2\n');
    const r = await runCli(['pareto', `${tmp}/two.csv`, '--objectives', 'a,b', '--hypervolume', '--ref', '1e400,1']);
    expect(r.stderr).toMatch(/--ref: got "1e400" in "1e400,1": out of range \(must be finite, below 1\.8e308\)/);
  });
  it('CSV: 1e-400 refused like 1e309, a repeated header column refused naming it, "1 field"', () => {
    expect(csvNumber('1e-400')).toBeUndefined();
    expect(csvNumber('0.0e-999')).toBe(0);
    const t = parseCsv('a,b\n1e-400,1\n1e309,2\n', 'p.csv');
    expect(message(() => numericColumn(t, 'a', 'p.csv'))).toMatch(/^p\.csv line 2 column a: got "1e-400": too close to 0/);
    expect(message(() => numericColumn(parseCsv('a\n1e309\n', 'p.csv'), 'a', 'p.csv'))).toMatch(/^p\.csv line 2 column a: got "1e309": out of range \(must be finite, below 1\.8e308\), or write inf/);
    expect(message(() => parseCsv('x,a,b,a\n1,2,3,4\n', 'p.csv'))).toBe('p.csv line 1 column "a": is repeated (columns 2 and 4); allowed: each column name once in the header');
    expect(message(() => parseCsv('a,b\n1\n', 'p.csv'))).toBe('p.csv line 2: has 1 field; allowed: 2 fields like the header (a, b)');
  });
});

describe('pareto ranks and hypervolume notes', () => {
  // A(0.5,2) B(0.8,4) C(0.3,1) on the front; D(0.4,3) dominated by A; E(0.2,5) dominated by D
  writeFileSync(`${tmp}/runs.csv`, 'id,acc,macs\nA,0.5,2\nB,0.8,4\nC,0.3,1\nD,0.4,3\nE,0.2,5\n');
  it('help and output both count ranks from 0, and the text lists each rank\'s rows', () => {
    const r = paretonas('pareto', 'runs.csv', '--objectives', 'acc:max,macs:min', '--ranks');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ranks (from 0, rank 0: the front; rows from 0):\n  rank 0 (3 rows): 0, 1, 2\n  rank 1 (1 row): 3\n  rank 2 (1 row): 4');
    expect(JSON.parse(paretonas('pareto', 'runs.csv', '--objectives', 'acc:max,macs:min', '--ranks', '--json').stdout).ranks).toEqual([0, 0, 0, 1, 2]);
    expect(renderHelp(COMMAND_SPECS.find((s) => s.name === 'pareto') as (typeof COMMAND_SPECS)[number])).toMatch(/--ranks\s+the non-dominated rank of every row, from 0 \(rank 0: the front/);
  });
  it('rank lines are capped: 10 ranks, 20 rows each', () => {
    const lines = rankLines([...Array(25).fill(0), ...Array.from({ length: 12 }, (_, k) => k + 1)]);
    expect(lines[1]).toBe(`  rank 0 (25 rows): ${Array.from({ length: 20 }, (_, k) => k).join(', ')} and 5 more`);
    expect(lines).toHaveLength(1 + 10 + 1);
    expect(lines[11]).toBe("  and 3 more ranks (--json lists every row's rank)");
  });
  it('a reference no point beats gives hypervolume 0 with a note, and dominatingReference 0 in JSON', () => {
    // minimising (-acc, macs): ref (-0.5, 400) as acc max means acc > 0.5 needed: only B (0.8, 4) beats it
    const one = JSON.parse(paretonas('pareto', 'runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume', '--ref', '0.5,400', '--json').stdout);
    expect(one.dominatingReference).toBe(1);
    expect(one.hypervolume).toBeCloseTo(0.3 * 396, 9);
    const none = paretonas('pareto', 'runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume', '--ref', '0.9,400');
    expect(none.stdout).toMatch(/hypervolume 0 \(reference 0\.9, 400; 0 of 3 front points better than it in every objective\)\nnote: no front point is better than the reference/);
    expect(JSON.parse(paretonas('pareto', 'runs.csv', '--objectives', 'acc:max,macs:min', '--hypervolume', '--ref', '0.9,400', '--json').stdout).dominatingReference).toBe(0);
  });
});

describe('help: the number note only where a flag takes numbers', () => {
  it('report (no numeric flag) has none; pareto and space have it', async () => {
    expect((await runCli(['report', '--help'])).stdout).not.toMatch(/negative number/);
    expect((await runCli(['lamda', 'predictor', 'eval', '--help'])).stdout).not.toMatch(/negative number/);
    expect((await runCli(['pareto', '--help'])).stdout).toMatch(/A negative number after a flag is its value \(--ref -0\.5,400\)\.\n--debug/);
    expect((await runCli(['space', '--help'])).stdout).toMatch(/integer flags take 1e3 as 1000/);
  });
});

describe('latency memory bound and short onnxruntime errors', () => {
  it('resnet18: 4 bytes x (11,689,512 params + batch x 1,003,520 live elements) by hand', () => {
    // peak live activations of one image: conv1 output 64x112x112 = 802,816 and maxpool output 64x56x56 = 200,704
    const g = buildZooModel('resnet18', {});
    expect(estimateSessionBytes(g, 1)).toBe(4 * (11_689_512 + 1_003_520));
    expect(estimateSessionBytes(g, 4096)).toBe(4 * (11_689_512 + 4096 * 1_003_520));
    expect(sessionMemoryBound(32 * 2 ** 30)).toBe(4 * 2 ** 30);
    expect(sessionMemoryBound(4 * 2 ** 30)).toBe(2 * 2 ** 30);
  });
  it('latency --batch 4096 on resnet18 is refused before loading, naming the estimate', () => {
    const start = Date.now();
    const r = paretonas('latency', '--zoo', 'resnet18', '--batch', '4096', '--no-record');
    expect(r.code).toBe(2);
    // 4 x 4,122,107,432 bytes = 15.36 GiB
    expect(r.stderr).toMatch(/^paretonas latency: --batch: 4096 needs about 15\.4 GiB \(fp32 weights \+ 4096 x 3\.8 MiB of live activations\); allowed: a batch whose session fits/);
    expect(Date.now() - start).toBeLessThan(20_000);
  });
  it('onnxruntime messages lose source paths and C++ signatures', () => {
    const raw = "Non-zero status code returned while running Conv node. Name:'/conv1/Conv' Status Message: /onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, onnxruntime::Stream*, bool, onnxruntime::WaitNotificationFn) Failed to allocate memory for requested buffer of size 13153337344\nstack";
    expect(shortOrtMessage(raw)).toBe("Non-zero status code returned while running Conv node. Name:'/conv1/Conv' Status Message: Failed to allocate memory for requested buffer of size 13153337344");
  });
  it('space --samples above 1,000,000 is refused (10,000,000 did not finish in minutes)', async () => {
    expect((await runCli(['space', '--samples', '2e6'])).stderr).toBe('paretonas space: --samples: got "2e6"; allowed: an integer from 1 to 1000000\n');
  });
});

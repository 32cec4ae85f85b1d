import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { jsonOut, joinNegativeNumbers, intFlag, numberFlag, numberListFlag, parseFlags } from '../../lib/cli/args.js';
import { COMMAND_GROUPS, COMMAND_SPECS, runCli } from '../../lib/cli/run.js';
import { InputError } from '../../lib/errors.js';
import { ROOT } from '../helpers.js';

const BIN = `${ROOT}dist/cli/main.js`;
const tmp = mkdtempSync(`${tmpdir()}/help-`);
function paretonas(args: string[], nodeArgs: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** The built CLI without blocking the test worker (19 start-ups in a row). */
async function paretonasAsync(args: string[]) {
  try {
    const r = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const version = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

/** A command line split like a shell would: words, double-quoted words with spaces. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2]) as string);
}

// An internal error on demand: referenceRows throws a TypeError while `fault.throwInReference` is set.
const fault = vi.hoisted(() => ({ throwInReference: false }));
vi.mock('../../lib/report/reference.js', async (original) => {
  const real = await original<typeof import('../../lib/report/reference.js')>();
  return {
    ...real,
    referenceRows: () => {
      if (fault.throwInReference) throw new TypeError('cannot read x\nof undefined');
      return real.referenceRows();
    },
  };
});

// lamda-loop flags pull in the predictor file; the help of a subcommand must not need Ollama or a device.
vi.setConfig({ testTimeout: 120_000 });

describe('paretonas --version and help', () => {
  it('--version and -V print the package.json version, exit 0', () => {
    const r = paretonas(['--version']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, `${version}\n`, '']);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });
  it('-V in-process, and `help`, `--help`, no command: the command list with every command in it', async () => {
    expect(await runCli(['-V'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    for (const argv of [[], ['help'], ['--help'], ['-h']]) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      for (const s of COMMAND_SPECS) expect(r.stdout).toContain(`paretonas ${s.name}`);
      expect(r.stdout).toMatch(/--version/);
    }
  });

  it('every command and subcommand: `CMD --help` (built CLI) exits 0 with usage, every flag, its default, and an example', async () => {
    expect(COMMAND_SPECS.length).toBe(23);
    for (const spec of COMMAND_SPECS) {
      const r = await paretonasAsync([...spec.name.split(' '), '--help']);
      expect(r.code, spec.name).toBe(0);
      expect(r.stderr).toBe('');
      const out = r.stdout;
      expect(out).toContain(`Usage:\n  paretonas ${spec.name}`);
      expect(out).toContain(`Example:\n  ${spec.example}`);
      expect(Object.keys(spec.flags).length, spec.name).toBeGreaterThan(0);
      for (const [name, flag] of Object.entries(spec.flags)) {
        expect(flag.help.trim(), `${spec.name} --${name}`).not.toBe('');
        const line = out.split('\n').findIndex((l) => l.trimStart().startsWith(`${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.type === 'string' ? ' ' : ''}`));
        expect(line, `${spec.name} --${name}`).toBeGreaterThan(0);
        // the description is on the same line or the next (a long placeholder)
        const text = out.split('\n').slice(line, line + 2).join(' ');
        expect(text).toContain(flag.help);
        if (flag.default !== undefined) expect(text, `${spec.name} --${name}`).toContain(`(default: ${flag.default})`);
      }
    }
  });

  it('`-h` and `help CMD` print the same help as `CMD --help` (in-process)', async () => {
    for (const spec of COMMAND_SPECS) {
      const words = spec.name.split(' ');
      const a = await runCli([...words, '--help']);
      const b = await runCli([...words, '-h']);
      const c = await runCli(['help', ...words]);
      expect(a.code).toBe(0);
      expect(b).toEqual(a);
      expect(c).toEqual(a);
    }
  });

  it('every example parses with its own command\'s flag table (every flag in it is in the table)', () => {
    for (const spec of COMMAND_SPECS) {
      const words = shellWords(spec.example);
      const prefix = ['paretonas', ...spec.name.split(' ')];
      expect(words.slice(0, prefix.length), spec.example).toEqual(prefix);
      const { values } = parseFlags(words.slice(prefix.length), spec.flags);
      expect(Object.keys(values).length, spec.example).toBeGreaterThan(0);
    }
  });

  it('the cheap examples run: pareto (the field case) and estimate', async () => {
    const pareto = COMMAND_SPECS.find((s) => s.name === 'pareto');
    const r = await runCli(shellWords(pareto?.example as string).slice(1));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/hypervolume 75 \(reference -0\.5, 400; 3 of 3 front points better than it in every objective\)/); // worked in pareto-cli.test.ts
    const estimate = COMMAND_SPECS.find((s) => s.name === 'estimate');
    const e = await runCli(shellWords(estimate?.example as string).slice(1));
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ sramModel: 'liveness' });
  });

  it('groups: `lamda --help` and `lamda predictor --help` list their subcommands; `help bogus` is one line, exit 2', async () => {
    const lamda = await runCli(['lamda', '--help']);
    expect(lamda.code).toBe(0);
    for (const s of COMMAND_SPECS.filter((x) => x.name.startsWith('lamda '))) expect(lamda.stdout).toContain(`paretonas ${s.name}`);
    const predictor = await runCli(['help', 'lamda', 'predictor']);
    expect(predictor.code).toBe(0);
    expect(predictor.stdout).toContain('paretonas lamda predictor train');
    expect(predictor.stdout).toContain('paretonas lamda predictor eval');
    expect(predictor.stdout).not.toContain('paretonas lamda generate');
    expect(COMMAND_GROUPS.map((g) => g.name)).toEqual(['lamda', 'lamda predictor']);
    const bogus = await runCli(['help', 'bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/^paretonas help: command: got "bogus"; allowed: compare, .*lamda generate/);
    expect(bogus.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--help as the value of a string flag is a value, not a request for help', async () => {
    const r = await runCli(['search', '--trainer-args', '--help', '--budget', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--trainer-args: got "--help"; allowed: with --evaluator torch:DATASET/);
  });
});

describe('a negative number after a flag is its value', () => {
  const table = { ref: { type: 'string' }, band: { type: 'string' }, output: { type: 'string', short: 'o' }, json: { type: 'boolean' } } as const;
  it('numbers and number lists after string flags are joined; anything else is left to parseArgs', () => {
    expect(joinNegativeNumbers(['--ref', '-0.5,400', '--json'], table)).toEqual(['--ref=-0.5,400', '--json']);
    expect(joinNegativeNumbers(['--ref', '-1e3, 2', '--band', '-.5', '-o', '-7'], table)).toEqual(['--ref=-1e3, 2', '--band=-.5', '--output=-7']);
    expect(joinNegativeNumbers(['--ref', '-x'], table)).toEqual(['--ref', '-x']); // not a number: still ambiguous
    // starts like a number: joined, so the flag's own check names what is wrong (not "ambiguous")
    expect(joinNegativeNumbers(['--ref', '-Infinity,5', '--band', '-inf', '--ref', '-5x'], table)).toEqual(['--ref=-Infinity,5', '--band=-inf', '--ref=-5x']);
    expect(joinNegativeNumbers(['--ref', '-info'], table)).toEqual(['--ref', '-info']);
    expect(joinNegativeNumbers(['--json', '-1'], table)).toEqual(['--json', '-1']); // a switch takes no value
    expect(joinNegativeNumbers(['--ref=-1', '--', '--ref', '-2'], table)).toEqual(['--ref=-1', '--', '--ref', '-2']);
    expect(parseFlags(['--ref', '-0.5,400', 'file.csv'], table)).toEqual({ values: { ref: '-0.5,400' }, positionals: ['file.csv'] });
    expect(() => parseFlags(['--ref', '-x'], table)).toThrow('--ref: needs a value (VALUE), got "-x"; write --ref=-x for a value starting with "-"; allowed: a value');
  });
  it('number lists: empty items and non-decimal numbers are refused, naming the flag and the value', () => {
    expect(numberListFlag('ref', '-0.5, 400')).toEqual([-0.5, 400]);
    expect(numberListFlag('ref', '-1e3,.5,+2', 3)).toEqual([-1000, 0.5, 2]);
    const cases: [string, RegExp][] = [
      [',', /^--ref: got ",": an empty item; allowed: one or more decimal numbers separated by commas, none empty/],
      ['1,,2', /got "1,,2": an empty item/],
      ['0x10,5', /got "0x10" in "0x10,5": not a decimal number/],
      ['Infinity,1', /got "Infinity" in "Infinity,1": not a decimal number/],
      ['1e999', /got "1e999" in "1e999": out of range \(must be finite, below 1\.8e308\)/],
      ['1,1e-400', /got "1e-400" in "1,1e-400": too close to 0/],
    ];
    for (const [value, message] of cases) expect(() => numberListFlag('ref', value)).toThrow(message);
    expect(() => numberListFlag('ref', '1,2,3', 2)).toThrow(/--ref: got "1,2,3": 3 numbers; allowed: 2 decimal numbers/);
  });
  it('single numbers: empty and hex are refused too (Number("") is 0, Number("0x10") is 16)', () => {
    expect(() => intFlag('seed', '', 0, 10)).toThrow(InputError);
    expect(() => intFlag('seed', '0x10', 0, 100)).toThrow(/--seed: got "0x10"; allowed: an integer from 0 to 100/);
    expect(() => numberFlag('band', ' ', 0, 1)).toThrow(InputError);
    expect(intFlag('seed', '1e2', 0, 1000)).toBe(100);
    expect(numberFlag('band', '-.5', -1, 1)).toBe(-0.5);
  });
});

describe('--json writes non-finite numbers as strings', () => {
  it('jsonOut: Infinity, -Infinity and NaN as strings, bigint as digits, the rest as JSON.stringify', () => {
    const value = { a: Infinity, b: [-Infinity, NaN, 1.5], c: 2n ** 64n, d: null, e: 'x' };
    expect(JSON.parse(jsonOut(value))).toEqual({ a: 'Infinity', b: ['-Infinity', 'NaN', 1.5], c: '18446744073709551616', d: null, e: 'x' });
    expect(jsonOut({ x: 1 })).toBe(JSON.stringify({ x: 1 }, null, 2));
  });
});

describe('the top-level guard', () => {
  it('an internal error is one line, exit 1, naming it and how to report it; --debug adds the stack', async () => {
    fault.throwInReference = true;
    try {
      const r = await runCli(['reference']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^paretonas reference: internal error: TypeError: cannot read x of undefined \(please report this .* with the command line; --debug shows the stack\)\n$/);
      const d = await runCli(['--debug', 'reference']);
      expect(d.code).toBe(1);
      expect(d.stderr.split('\n')[0]).toBe(r.stderr.trimEnd());
      expect(d.stderr).toMatch(/\n {4}at /); // the stack follows the line
    } finally {
      fault.throwInReference = false;
    }
  });
  it('an input error stays one capped line and exit 2, also with --debug stripped from anywhere', async () => {
    const r = await runCli(['pareto', `${'x'.repeat(200)}.csv`, '--objectives', 'a:min', '--debug']);
    expect(r.code).toBe(2);
    const first = r.stderr.split('\n')[0] as string;
    expect(first).toMatch(/^paretonas pareto: FILE\.csv: got "x{76}\.\.\. \(206 characters\): no such file; allowed: a readable CSV file$/);
    expect(r.stderr).toMatch(/\n {4}at /); // --debug: the stack after the line
    const tooLong = await runCli(['pareto', `${'x'.repeat(5000)}.csv`, '--objectives', 'a:min']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/^paretonas pareto: FILE\.csv: got "x{76}\.\.\. \(5006 characters\): cannot read it \(ENAMETOOLONG\); allowed: a readable CSV file\n$/);
  });
  it('an exception thrown after the command returned (a timer) is one line and exit 1 in the built CLI', () => {
    // Thrown from a stdout write, i.e. after runCli resolved and main.ts set its handlers.
    writeFileSync(`${tmp}/late.mjs`, "const w = process.stdout.write.bind(process.stdout);\nprocess.stdout.write = (...a) => { setImmediate(() => { throw new RangeError('late\\nsecond line'); }); return w(...a); };\n");
    const r = paretonas(['reference'], ['--import', `${tmp}/late.mjs`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^paretonas reference: internal error: RangeError: late second line \(please report this/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    const d = paretonas(['reference', '--debug'], ['--import', `${tmp}/late.mjs`]);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/\n {4}at /);
  });
});

/**
 * The fuzz campaign's smallest inputs (test/fixtures/fuzz/, cases README): each is refused in one
 * line naming the field, the value and what is allowed, with exit code 2, within seconds, and
 * nothing is written. In process through runCli, and three through the built command
 * (`node dist/cli/main.js`) for the exit code and the single stderr line a shell sees.
 * (space-noconstraints.json belongs to the campaign tests.)
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/run.js';
import { FIXTURES, ROOT } from '../helpers.js';
import { fuzzDir, lineProblem, put } from './harness.js';

const F = `${FIXTURES}fuzz/`;
const out = fuzzDir();

/** runCli, timed; the refusal must be exit 2 and one short line. */
async function refused(argv: string[], line: RegExp): Promise<void> {
  const t0 = performance.now();
  const r = await runCli(argv);
  const ms = performance.now() - t0;
  expect(r.code, r.stdout.slice(0, 200)).toBe(2);
  expect(lineProblem(r.stderr), r.stderr).toBeUndefined();
  expect(r.stderr).toMatch(line);
  expect(ms).toBeLessThan(5000);
}

describe('fuzz fixtures: refused in one line, exit 2', () => {
  it('onnx-short-rawdata.onnx: tensor bytes shorter than its dims name the initializer, its node and both sizes', async () => {
    await refused(['estimate', `${F}onnx-short-rawdata.onnx`], /^paretonas estimate: initializer "lo" \(read by node "clip"\) raw_data: holds 2 bytes; allowed: 1 elements x 4 bytes = 4 bytes for dims \[\]\n$/);
  });

  it('json-deep-lmanet-5000.json: nesting refused before parsing, with the bound', async () => {
    await refused(['estimate', `${F}json-deep-lmanet-5000.json`], /json-deep-lmanet-5000\.json: nests arrays\/objects more than 64 levels deep; allowed: JSON nested at most 64 levels deep\n$/);
  });

  it('onnx-nan-alpha.onnx: a NaN attribute is refused on import (estimate and serialize), naming node and attribute', async () => {
    for (const command of ['estimate', 'serialize']) await refused([command, `${F}onnx-nan-alpha.onnx`], /: "lrelu\.leakyrelu_0"\.alpha: got NaN; allowed: a finite number\n$/);
  });

  it('onnx-gemm-neg-out.onnx: a negative weight dimension is refused naming the tensor and its node', async () => {
    await refused(['estimate', `${F}onnx-gemm-neg-out.onnx`, '--json'], /initializer "w" \(read by node "gemm"\) dims: dimension 0 is -1; allowed: integers from 0 to 1099511627776/);
  });

  it('onnx-mul-zero-size.onnx: a zero-size constant is refused on import, so serialize never writes text parse refuses', async () => {
    // Refused rather than carried: no learned scale has zero elements, ONNX broadcasting of a
    // 0-length axis onto 8 is itself an error, and every size in the Graph and the text is >= 1.
    for (const command of ['estimate', 'serialize']) await refused([command, `${F}onnx-mul-zero-size.onnx`], /: "mul\.mul_0"\.weight: is a zero-size tensor: dimension 0 of \[0\] is 0; allowed: dimensions that are integers >= 1/);
  });

  it('dsl-huge-out.txt: a 20-digit channel count is refused at its line and column; no file is written', async () => {
    await refused(['parse', `${F}dsl-huge-out.txt`, '-o', `${out}/huge.onnx`], /dsl-huge-out\.txt line 2 column 25: got "99999999999999999999"; allowed: output channels, a positive integer, each integer at most 9007199254740991 \(2\^53 - 1\)\n$/);
    expect(existsSync(`${out}/huge.onnx`)).toBe(false);
  });

  it('dsl-4096sq.txt: estimate counts it exactly; parse refuses its 7.5 G weights before allocating any', async () => {
    const r = await runCli(['estimate', `${F}dsl-4096sq.txt`, '--json']);
    expect(r.code).toBe(0);
    const costs = JSON.parse(r.stdout) as { macs: number; params: number; flashBytes: number };
    // per conv: 1x4096x8x8 outputs x 4096 x 15 x 15 MACs; 4096 x 4096 x 15 x 15 weights; + 8 bytes per output channel
    expect(costs).toMatchObject({ macs: 2 * 262_144 * 921_600, params: 2 * 3_774_873_600, flashBytes: 2 * (3_774_873_600 + 8 * 4096) });
    const heap = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    // conv weights plus one bias slot per output channel: 2 x (3,774,873,600 + 4,096)
    await refused(['parse', `${F}dsl-4096sq.txt`, '-o', `${out}/sq.onnx`], /model "g" weights: needs 7,549,755,392 weight elements \(28\.1 GiB of float32\); allowed: at most 268,435,456 weight elements \(2\^28, 1 GiB of float32\) for export, parse and latency\n$/);
    expect(process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap).toBeLessThan(64 * 2 ** 20);
    expect(existsSync(`${out}/sq.onnx`)).toBe(false);
  });

  it('dsl-inf-dim.txt: a 400-digit dimension is refused, shown cut with its length', async () => {
    await refused(['estimate', `${F}dsl-inf-dim.txt`, '--json'], /dsl-inf-dim\.txt line 1 column 18: got "1x3x9{60,}\.\.\. \(406 characters\); allowed: an input shape like 1x3x224x224, each integer at most 9007199254740991/);
  });

  it('csv-hex.csv: 0x10 and 0b11 are not numbers; the refusal names line and column', async () => {
    await refused(['pareto', `${F}csv-hex.csv`, '--objectives', 'acc:max,macs:min'], /csv-hex\.csv line 2 column acc: got "0x10"; allowed: a number written in decimal/);
    const fixed = put(`${out}/hex-line3.csv`, 'acc,macs\n0.5,100\n0.6,0b11');
    await refused(['pareto', fixed, '--objectives', 'acc:max,macs:min'], /hex-line3\.csv line 3 column macs: got "0b11"/);
  });
});

/** The built command in a child process: exit code, stdout, stderr and wall time. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${ROOT}dist/cli/main.js`, ...args], { cwd: out });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

describe('fuzz fixtures through the built command', () => {
  it('exit 2 and exactly one stderr line, within seconds, for an ONNX, a DSL and a CSV fixture', async () => {
    copyFileSync(`${F}csv-hex.csv`, `${out}/csv-hex.csv`);
    const runs = await Promise.all([
      cli(['estimate', `${F}onnx-short-rawdata.onnx`]),
      cli(['parse', `${F}dsl-4096sq.txt`, '-o', 'sq.onnx']),
      cli(['pareto', 'csv-hex.csv', '--objectives', 'acc:max,macs:min']),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
      expect(lineProblem(r.stderr)).toBeUndefined();
      expect(r.ms).toBeLessThan(30_000); // process start included; the refusals themselves take milliseconds
    }
    expect(runs[1]?.stderr).toMatch(/^paretonas parse: model "g" weights: needs 7,549,755,392 weight elements/);
    expect(existsSync(`${out}/sq.onnx`)).toBe(false);
  });
});

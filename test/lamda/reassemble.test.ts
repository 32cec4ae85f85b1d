import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { graphsEqual, serializeNodeLines } from '../../lib/lamda/dsl.js';
import { reassemble, sliceTexts } from '../../lib/lamda/reassemble.js';
import { operatorsOf, sliceOptimalFast } from '../../lib/lamda/slice.js';
import { tokenCounter } from '../../lib/lamda/tokens.js';
import { ROOT } from '../helpers.js';

const googlenet = buildZooModel('googlenet');
const ops = operatorsOf(googlenet, serializeNodeLines(googlenet), tokenCounter('chars'));
const slicing = sliceOptimalFast(ops.tokens, ops.edges, 3000, ops);
const texts = sliceTexts(googlenet, slicing);

describe('reassembly of slices', () => {
  it('slices of GoogLeNet concatenate and parse back into the same graph', () => {
    expect(texts.length).toBeGreaterThan(2);
    texts.forEach((t, k) => expect(t.length, `slice ${k + 1}`).toBeLessThanOrEqual(3000 + slicing.slices.length * 2));
    expect(graphsEqual(reassemble(texts), googlenet)).toBe(true);
  });
  it('an edited slice whose channels no longer fit the next slice is reported with the slice and line', () => {
    const k = 1;
    const lines = texts[k]!.split('\n');
    const i = lines.findIndex((l) => / = Conv\(/.test(l) && / out=\d+/.test(l));
    lines[i] = lines[i]!.replace(/ out=(\d+)/, (_, n) => ` out=${Number(n) + 1}`);
    const edited = texts.map((t, j) => (j === k ? lines.join('\n') : t));
    expect(() => reassemble(edited)).toThrow(/^slice \d+ line \d+: /);
  });
  it('a dangling id across a cut is reported with the slice and line', () => {
    const k = 2;
    const lines = texts[k]!.split('\n');
    const i = lines.findIndex((l) => /\(t\d+/.test(l));
    lines[i] = lines[i]!.replace(/\(t\d+/, '(t99999');
    const edited = texts.map((t, j) => (j === k ? lines.join('\n') : t));
    expect(() => reassemble(edited)).toThrow(new RegExp(`^slice 3 line ${i + 1}: `));
  });
});

describe('paretonas serialize / parse / slice / lamda dataset', () => {
  const tmp = mkdtempSync(`${tmpdir()}/lamda-cli-`);
  const run = (...args: string[]) => spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, ...args], { cwd: tmp, encoding: 'utf8' });
  it('serialize, then parse to ONNX: the same MACs and params as the zoo model', () => {
    expect(run('serialize', '--zoo', 'mobilenet_v2', '-o', 'mbv2.txt').status).toBe(0);
    expect(run('parse', 'mbv2.txt', '-o', 'mbv2.onnx').status).toBe(0);
    const out = JSON.parse(run('estimate', 'mbv2.onnx', '--json').stdout);
    const want = estimateCosts(buildZooModel('mobilenet_v2'));
    expect([out.macs, out.params]).toEqual([want.macs, want.params]);
  });
  it('slice --json: slices within the limit, cut edges, total tokens; the text file slices like the model', () => {
    const a = JSON.parse(run('slice', '--zoo', 'googlenet', '--max-tokens', '2000', '--tokenizer', 'chars', '--json').stdout);
    run('serialize', '--zoo', 'googlenet', '-o', 'g.txt');
    const b = JSON.parse(run('slice', 'g.txt', '--max-tokens', '2000', '--tokenizer', 'chars', '--json').stdout);
    expect(a.slices.every((s: { tokens: number }) => s.tokens <= 2000)).toBe(true);
    expect(a.totalTokens).toBe(readFileSync(`${tmp}/g.txt`, 'utf8').length); // every line with its newline
    expect([b.cutEdges, b.slices.length]).toEqual([a.cutEdges, a.slices.length]);
    const naive = JSON.parse(run('slice', '--zoo', 'googlenet', '--max-tokens', '2000', '--tokenizer', 'chars', '--strategy', 'naive', '--json').stdout);
    expect(a.cutEdges).toBeLessThanOrEqual(naive.cutEdges);
  });
  it('bad input: a node longer than the window, a broken text file', () => {
    const r = run('slice', '--zoo', 'resnet18', '--max-tokens', '10', '--tokenizer', 'chars');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const bad = run('parse', `${ROOT}test/lamda/reassemble.test.ts`, '-o', 'x.onnx');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/reassemble\.test\.ts line 1 column 1: got "import"; allowed: the header "graph NAME input t0:1x3x224x224"\n$/);
  });
  it('lamda dataset writes question/answer pairs: device, target, syntax rules, base model; the answer is a model', () => {
    const r = run('lamda', 'dataset', '--count', '2', '--runs', '2', '--seed', '4', '-o', 'pairs.jsonl');
    expect(r.status, r.stderr).toBe(0);
    const pairs = readFileSync(`${tmp}/pairs.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(pairs).toHaveLength(2);
    for (const p of pairs) {
      expect(p.question).toMatch(/^Device: .*onnxruntime-node/);
      expect(p.question).toMatch(/Target: inference latency at most \d+\.\d\d ms/);
      expect(p.question).toContain('Syntax rules:');
      expect(p.question).toContain('Base model:\ngraph base');
      expect(p.answer).toMatch(/^graph variant\d+ input t0:1x3x160x160/);
      expect(p.meta.targetLatencyMs).toBeLessThanOrEqual(p.meta.baseLatencyMs);
    }
  });
});

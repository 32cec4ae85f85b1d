import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { costMetrics } from '../../lib/evaluate/cost.js';
import { TORCH_TRAINER, torchEvaluator } from '../../lib/evaluate/torch.js';
import { EvaluationFailure } from '../../lib/evaluate/types.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import type { Graph } from '../../lib/graph/types.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { readRecords } from '../../lib/campaign/records.js';
import { tableIV } from '../../lib/report/paper-tables.js';
import { HAVE_TORCH, PYTHON } from '../helpers-python.js';
import { outputDifference, ROOT, runNode } from '../helpers.js';

const HAVE_FASHION = spawnSync('test', ['-f', '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz']).status === 0;
const CHECK = `${ROOT}trainers/torch/check_onnx.py`;
const tmp = mkdtempSync(join(tmpdir(), 'torch-trainer-'));

/** Two stages of the space's kinds: an MBConv with SE and swish, a DWSep with h_swish-free leaky ReLU and a residual. */
const TINY: Candidate = {
  blocks: [
    { output_channels: 16, num_layers: 1, kernel_size: 3, stride: 2, expansion_factor: 3, use_se: true, se_ratio: 0.25, conv_type: 'mbconv', skip_op: 'identity', activation: 'swish' },
    { output_channels: 24, num_layers: 2, kernel_size: 5, stride: 2, expansion_factor: 4, use_se: false, se_ratio: 0, conv_type: 'depthwise', skip_op: 'residual', activation: 'leakyrelu' },
  ],
} as unknown as Candidate;

/**
 * A hand-written Graph of issue 17's ops: a conv applied twice (`shares`), PRelu, a two-tensor Add, a
 * rank-0 scalar Mul, Resize, ConvTranspose, LayerNormalization, Linear over the last axis, Gelu, ReduceMean.
 * Params by hand: c1 8x9+8 = 80, PRelu 8, c2 8x8x9+8 = 584 (c3 shares it: 0), the scalar 0, ConvTranspose
 * 8x4x4+4 = 132, LN 2x64 = 128, Linear 64x16+16 = 1040, Gemm 16x10+10 = 170: 2142.
 */
function edgeGraph(): Graph {
  const shapes = [
    [1, 1, 16, 16], [1, 8, 16, 16], [1, 8, 16, 16], [1, 8, 16, 16], [1, 8, 16, 16], [1, 8, 16, 16], [1, 8, 16, 16], [1, 8, 16, 16],
    [1, 8, 8, 8], [1, 8, 4, 4], [1, 4, 8, 8], [1, 4, 64], [1, 4, 64], [1, 4, 16], [1, 4, 16], [1, 16], [1, 10],
  ];
  const conv = { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 1, bias: true };
  const steps: [string, Record<string, unknown>, number[], string?][] = [
    ['Conv', { ...conv, outChannels: 8 }, [0]],
    ['PRelu', { slope: [8, 1, 1] }, [1]],
    ['Conv', { ...conv, outChannels: 8 }, [2]],
    ['Relu', {}, [3]],
    ['Conv', { ...conv, outChannels: 8 }, [4], 'n2'],
    ['Add', {}, [5, 2]],
    ['Mul', { weight: [], scalar: 0.5 }, [6]],
    ['AveragePool', { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }, [7]],
    ['Resize', { size: [4, 4], mode: 'nearest', coordinateMode: 'asymmetric', nearestMode: 'floor' }, [8]],
    ['ConvTranspose', { outChannels: 4, kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], group: 1, bias: true }, [9]],
    ['Reshape', { shape: [1, 4, 64] }, [10]],
    ['LayerNormalization', { axis: 2, epsilon: 1e-5 }, [11]],
    ['Linear', { outFeatures: 16, bias: true }, [12]],
    ['Gelu', { approximate: 'tanh' }, [13]],
    ['ReduceMean', { axes: [1], keepdims: false }, [14]],
    ['Gemm', { outFeatures: 10, bias: true }, [15]],
  ];
  return {
    name: 'edge-ops',
    inputs: [0],
    outputs: [16],
    tensors: shapes.map((shape, i) => ({ name: `t${i}`, shape, elements: shape.reduce((p, d) => p * d, 1) })),
    nodes: steps.map(([op, attrs, inputs, shares], i) => ({ name: `n${i}`, op, attrs, inputs, outputs: [i + 1], block: 'b', ...(shares ? { shares } : {}) })),
  } as unknown as Graph;
}

/** The interpreter's output on the ONNX file's own weights, next to onnxruntime's. */
async function parity(graph: Graph, batch: number): Promise<{ maxAbs: number; scale: number }> {
  const shape = [batch, ...(graph.tensors[graph.inputs[0] as number]?.shape.slice(1) ?? [])];
  const onnxPath = join(tmp, `${graph.name}.onnx`);
  const graphPath = join(tmp, `${graph.name}.json`);
  writeFileSync(onnxPath, exportOnnx(graph, { foldBatchNorm: false, seed: 7 }));
  writeFileSync(graphPath, JSON.stringify(graph));
  const rng = createRng(3);
  const x = Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.next() * 2 - 1);
  writeFileSync(join(tmp, 'in.bin'), Buffer.from(x.buffer));
  const r = spawnSync(PYTHON, [CHECK, '--graph', graphPath, '--onnx', onnxPath, '--input', join(tmp, 'in.bin'), '--output', join(tmp, 'out.bin')], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const check = JSON.parse(r.stdout.trim().split('\n').pop() as string);
  expect(check.params).toBe(check.graphParams);
  expect(check.params).toBe(costMetrics(graph).params);
  const buf = readFileSync(join(tmp, 'out.bin'));
  const torchOut = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const session = await ort.InferenceSession.create(onnxPath);
  const ortOut = (await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', x, shape) }))[session.outputNames[0] as string]?.data as Float32Array;
  await session.release();
  expect(torchOut.length).toBe(ortOut.length);
  return outputDifference(ortOut, torchOut);
}

describe.skipIf(!HAVE_TORCH)('the Graph-to-torch interpreter', () => {
  it('matches onnxruntime on the same weights: a lowered candidate with SE, swish and residuals', async () => {
    const graph = lowerBlockNet(TINY, { resolution: 32, classes: 10, inputChannels: 1, name: 'tiny' });
    const { maxAbs, scale } = await parity(graph, 4);
    expect(scale).toBeGreaterThan(0);
    expect(maxAbs).toBeLessThanOrEqual(1e-4 * Math.max(1, scale));
  });

  it("matches onnxruntime on issue 17's ops with a conv applied twice (shares), counting the shared weight once (2142 params)", async () => {
    const graph = edgeGraph();
    expect(costMetrics(graph).params).toBe(2142);
    // batch 1: the exported Resize's `sizes` initializer holds the declared batch (pool.ts), so the file runs at batch 1 only
    const { maxAbs, scale } = await parity(graph, 1);
    expect(scale).toBeGreaterThan(0);
    expect(maxAbs).toBeLessThanOrEqual(1e-4 * Math.max(1, scale));
  });

  it.each(['squeezenet1_1', 'mobilenet_v3_small', 'googlenet', 'resnet18'])('matches onnxruntime on %s (ceil-mode pools, concat, hard-swish, branches)', async (name) => {
    const graph = buildZooModel(name, { resolution: 64, classes: 10 });
    const { maxAbs, scale } = await parity(graph, 2);
    expect(maxAbs).toBeLessThanOrEqual(1e-4 * Math.max(1, scale));
  });
});

describe.skipIf(!HAVE_TORCH || !HAVE_FASHION)('the PyTorch trainer behind the evaluator', () => {
  const space = resolveSpace('tinyml-fashion-mnist');
  const input = (candidate: Candidate, s = space) => {
    const graph = lowerBlockNet(candidate, { resolution: s.input.resolution, classes: s.classes, inputChannels: s.input.channels });
    return { candidate, graph, key: 'tiny', seed: 0, space: s };
  };

  it('one epoch on 4,000 Fashion-MNIST images: accuracy well above chance (10%)', async () => {
    const progress: Record<string, unknown>[] = [];
    const e = await torchEvaluator('torch:fashion-mnist', { trainerArgs: '--subset-train 4000 --subset-test 1000', onProgress: (p) => progress.push(p) }).evaluate(input(TINY));
    expect(e.metrics.accuracy).toBeGreaterThan(0.5);
    expect(e.metrics.accuracy).toBeLessThanOrEqual(1);
    expect(e.metrics.accuracy_top5).toBeGreaterThanOrEqual(e.metrics.accuracy as number);
    expect(e.metrics.epochs).toBe(1);
    expect(e.metrics.params).toBe(costMetrics(input(TINY).graph).params);
    expect(progress.some((p) => p.phase === 'train' && p.epoch === 1)).toBe(true);
  }, 300_000);

  it('knowledge distillation from a saved teacher records accuracy before and after (Table IV)', async () => {
    const teacherPath = join(tmp, 'teacher.pt');
    const data = '--subset-train 3000 --subset-test 1000';
    const wide: Candidate = { blocks: (TINY as unknown as { blocks: Record<string, unknown>[] }).blocks.map((b) => ({ ...b, output_channels: 32 })) } as unknown as Candidate;
    await torchEvaluator('torch:fashion-mnist', { trainerArgs: `${data} --epochs 2 --save-checkpoint ${teacherPath}` }).evaluate(input(wide));
    const e = await torchEvaluator('torch:fashion-mnist', { trainerArgs: `${data} --teacher ${teacherPath} --kd-epochs 1` }).evaluate(input(TINY));
    const m = e.metrics;
    expect(m.accuracy_before_kd).toBeGreaterThan(0.1);
    expect(m.accuracy_after_kd).toBeGreaterThan(0.1);
    expect(m.accuracy).toBe(m.accuracy_after_kd);
    expect(m.kd_epochs).toBe(1);
    const t = tableIV([{ index: 0, metrics: m }], { before: 'accuracy_before_kd', after: 'accuracy_after_kd', digits: 4 });
    expect(t.rows[0]).toEqual(['#0', Number((m.accuracy_before_kd as number).toFixed(4)), Number((m.accuracy_after_kd as number).toFixed(4)), Number(((m.accuracy_after_kd as number) - (m.accuracy_before_kd as number)).toFixed(4))]);
  }, 300_000);

  it('a network whose head does not fit the dataset is a recorded failure naming the problem, not a hang', async () => {
    const cifar = resolveSpace('tinyml-cifar100');
    const run = torchEvaluator('torch:fashion-mnist', { timeoutMs: 120_000 }).evaluate(input(TINY, cifar));
    await expect(run).rejects.toBeInstanceOf(EvaluationFailure);
    await expect(run).rejects.toMatchObject({ kind: 'crash', message: expect.stringMatching(/classes/) });
  }, 150_000);

  it("trains a Graph of issue 17's ops with a shared conv: the trainer's params equal the cost model's (shared weight once)", () => {
    const graph = edgeGraph();
    const request = { protocol: 'paretonas-trainer/1', key: 'edge', graph: { params: costMetrics(graph).params }, settings: { seed: 0 }, network: graph };
    const r = spawnSync(PYTHON, [TORCH_TRAINER, '--dataset', 'fashion-mnist', '--subset-train', '512', '--subset-test', '256'], { input: JSON.stringify(request), encoding: 'utf8', timeout: 240_000 });
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('paretonas-torch: error'))).toEqual([]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const setup = lines.find((l) => l.phase === 'setup');
    expect(setup).toMatchObject({ params: 2142, graphParams: 2142 });
    const result = lines.find((l) => l.type === 'result') as { metrics: Record<string, number> };
    expect(result.metrics.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.metrics.accuracy).toBeLessThanOrEqual(1);
    expect(Number.isFinite(result.metrics.train_loss)).toBe(true);
  }, 300_000);

  it('a broken Graph (an op the interpreter does not know) fails with one clear line', () => {
    const graph = lowerBlockNet(TINY, { resolution: 32, classes: 10, inputChannels: 1 });
    const broken = { ...graph, nodes: graph.nodes.map((n, i) => (i === 3 ? { ...n, op: 'Einsum' } : n)) };
    const request = { protocol: 'paretonas-trainer/1', key: 'broken', graph: { params: costMetrics(graph).params }, settings: { seed: 0 }, network: broken };
    const r = spawnSync(PYTHON, [TORCH_TRAINER, '--dataset', 'fashion-mnist'], { input: JSON.stringify(request), encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).not.toMatch(/"type":\s*"result"/);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^paretonas-torch: error: .*Einsum/);
  });

  it('paretonas search --evaluator torch:fashion-mnist: a real small campaign whose report has accuracy columns', async () => {
    const out = join(tmp, 'run');
    // Asynchronous: a training campaign of over a minute must not block the test worker (vitest's RPC times out at 60 s).
    const r = await runNode([`${ROOT}dist/cli/main.js`, 'search', '--evaluator', 'torch:fashion-mnist', '--budget', '3', '--trainer-args', '--subset-train 2000 --subset-test 500', '--out', out, '--json'], { cwd: ROOT });
    expect(r.status).toBe(0);
    const { records } = readRecords(join(out, 'records.jsonl'));
    expect(records[0]).toMatchObject({ type: 'campaign-start' });
    const evaluations = records.filter((x) => x.type === 'evaluation');
    expect(evaluations.length).toBeGreaterThan(0);
    for (const e of evaluations) {
      const m = e.metrics as Record<string, number>;
      expect(m.accuracy).toBeGreaterThan(0.1);
      expect(m.accuracy).toBeLessThanOrEqual(1);
      expect(m.epochs).toBe(1);
    }
    const rep = await runNode([`${ROOT}dist/cli/main.js`, 'report', out, '-o', join(tmp, 'report')], { cwd: ROOT });
    expect(rep.status).toBe(0);
    const front = readFileSync(join(tmp, 'report', 'tables', 'pareto-front.md'), 'utf8');
    expect(front).toMatch(/accuracy/);
    const best = Math.max(...evaluations.map((e) => (e.metrics as Record<string, number>).accuracy as number));
    const tableIII = readFileSync(join(tmp, 'report', 'tables', 'table-iii.md'), 'utf8');
    expect(tableIII).toContain('Accuracy (%)');
    expect(tableIII).toContain(`, ${(best * 100).toFixed(2)}]`);
  }, 600_000);

  it('a campaign whose space cannot fit the dataset (100 classes against 10) is refused before the first proposal: exit 2, one line', async () => {
    const out = join(tmp, 'failing-run');
    const r = await runNode([`${ROOT}dist/cli/main.js`, 'search', '--evaluator', 'torch:fashion-mnist', '--space', 'tinyml-cifar100', '--budget', '2', '--out', out], { cwd: ROOT });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('note: '))).toEqual([
      "paretonas search: --space: space tinyml-cifar100 has 100 classes but dataset fashion-mnist has 10: every candidate's head would be the wrong size; allowed: a space with 10 classes for this dataset (or a dataset of 100 classes)",
    ]);
    expect(existsSync(join(out, 'records.jsonl'))).toBe(false);
  }, 300_000);
});

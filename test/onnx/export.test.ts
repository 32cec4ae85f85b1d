import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { GraphBuilder } from '../../lib/graph/builder.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import type { Graph } from '../../lib/graph/types.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { importModel, decodeModel } from '../../lib/onnx/import.js';
import { onnx, toNumber } from '../../lib/onnx/proto.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { loadModelFile } from '../../lib/space/formats.js';
import { sampleCandidate } from '../../lib/space/sample.js';
import { convAppliedTwice } from '../cost/conv-twice.js';
import { REFERENCE, thrownInputError } from '../helpers.js';
import { HAVE_ONNX, onnxCheck } from '../helpers-python.js';

const space = resolveSpace();
const tmp = mkdtempSync(`${tmpdir()}/onnx-`);
const graphs: [string, () => Graph][] = [
  ['a search-space candidate (swish, SE)', () => lowerBlockNet({ ...sampleCandidate(space, createRng(8)), blocks: sampleCandidate(space, createRng(8)).blocks.map((b) => ({ ...b, activation: 'swish', use_se: true, se_ratio: 0.25 })) })],
  ['LMaNet-Core', () => loadModelFile(`${REFERENCE}LMaNet-Core.json`, { space }).graph],
  ['mcunet-in2', () => loadModelFile(`${REFERENCE}mcunet-256kb-1mb_imagenet.json`, { space }).graph],
  ['zoo squeezenet1_1 (ceil-mode pools, concat)', () => buildZooModel('squeezenet1_1', { resolution: 96, classes: 10 })],
  ['zoo mobilenet_v3_small (hardswish, SE)', () => buildZooModel('mobilenet_v3_small', { resolution: 96, classes: 10 })],
  ['zoo googlenet (inception concat)', () => buildZooModel('googlenet', { resolution: 96, classes: 10 })],
];

async function run(bytes: Uint8Array, shape: readonly number[], batch: number): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes);
  const n = shape.slice(1).reduce((p, d) => p * d, 1);
  const data = Float32Array.from({ length: batch * n }, (_, i) => Math.sin(i * 0.37));
  const out = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', data, [batch, ...shape.slice(1)]) });
  await session.release();
  return out[session.outputNames[0] as string] as ort.Tensor;
}

/** Float initializers of rank >= 1 in the file itself: the weights and biases it carries. */
function floatWeightElements(bytes: Uint8Array): number {
  return (decodeModel(bytes).graph?.initializer ?? [])
    .filter((t) => t.dataType === onnx.TensorProto.DataType.FLOAT && (t.dims ?? []).length >= 1)
    .reduce((n, t) => n + (t.dims ?? []).reduce((p: number, d) => p * toNumber(d), 1), 0);
}

describe('Graph -> ONNX, run in onnxruntime-node', () => {
  for (const [label, make] of graphs) {
    it(`${label}: a batch of 3 gives 3 x classes finite outputs; folded BN gives the same outputs`, async () => {
      const graph = make();
      const shape = graph.tensors[graph.inputs[0]!]!.shape;
      const classes = graph.tensors[graph.outputs[0]!]!.shape[1]!;
      const kept = await run(exportOnnx(graph, { seed: 5 }), shape, 3);
      expect(kept.dims).toEqual([3, classes]);
      const values = kept.data as Float32Array;
      expect(values.every(Number.isFinite)).toBe(true);
      expect(new Set(values).size).toBeGreaterThan(classes); // not a constant output
      const folded = (await run(exportOnnx(graph, { seed: 5, foldBatchNorm: true }), shape, 3)).data as Float32Array;
      const scale = Math.max(...values.map(Math.abs));
      values.forEach((v, i) => expect(Math.abs(v - (folded[i] as number))).toBeLessThan(1e-3 * scale + 1e-4));
    });
  }

  it('the same seed writes the same weights; another seed others', () => {
    const graph = graphs[1]![1]();
    expect(Buffer.from(exportOnnx(graph, { seed: 1 })).equals(Buffer.from(exportOnnx(graph, { seed: 1 })))).toBe(true);
    expect(Buffer.from(exportOnnx(graph, { seed: 1 })).equals(Buffer.from(exportOnnx(graph, { seed: 2 })))).toBe(false);
  });

  it('He initialisation: conv weights have std sqrt(2 / fan_in)', () => {
    const g = buildZooModel('resnet18');
    const model = decodeModel(exportOnnx(g, { seed: 3 }));
    const w = model.graph?.initializer?.find((t) => (t.dims ?? []).map(toNumber).join('x') === '512x512x3x3');
    const raw = w?.rawData as Uint8Array;
    const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const std = Math.sqrt(data.reduce((s, x) => s + x * x, 0) / data.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (512 * 9)), 3);
  });

  it('round trip: import gives back MACs, params (BN kept) and the mcunet peak; folded files carry weights + biases', () => {
    for (const [, make] of graphs) {
      const graph = make();
      const before = estimateCosts(graph);
      const kept = exportOnnx(graph);
      const back = estimateCosts(importModel(decodeModel(kept)));
      expect([back.macs, back.params, back.peakSramBytes]).toEqual([before.macs, before.params, before.peakSramBytes]);
      const folded = exportOnnx(graph, { foldBatchNorm: true });
      const foldedBack = estimateCosts(importModel(decodeModel(folded)));
      expect(foldedBack.macs).toBe(before.macs);
      expect(foldedBack.params).toBe(floatWeightElements(folded));
    }
  });

  it.skipIf(!HAVE_ONNX)('exported files pass onnx.checker.check_model (full check)', () => {
    for (const [label, make] of graphs.slice(0, 4)) {
      for (const foldBatchNorm of [false, true]) {
        const path = `${tmp}/${label.split(' ')[0]}-${foldBatchNorm}.onnx`;
        writeFileSync(path, exportOnnx(make(), { foldBatchNorm }));
        const check = onnxCheck(path);
        expect(check.ok, `${label}: ${check.message}`).toBe(true);
      }
    }
  });
});

describe('ceil-mode pooling sizes against onnxruntime', () => {
  it('our output sizes equal what onnxruntime computes at run time, asymmetric pads included (PyTorch\'s rule)', async () => {
    const mismatches: string[] = [];
    for (const size of [7, 8, 11, 12]) {
      for (const [kernel, stride] of [[3, 2], [2, 2], [3, 3]] as const) {
        for (const [begin, end] of [[0, 0], [1, 0], [0, 1], [1, 1], [1, 2], [2, 1]] as const) {
          if (begin >= kernel || end >= kernel) continue;
          const g = new GraphBuilder('pool');
          const x = g.input('input', [1, 1, size, size]);
          const y = g.add('MaxPool', [x], { kernel: [kernel, kernel], strides: [stride, stride], pads: [begin, begin, end, end], ceilMode: true, countIncludePad: true }, 'pool');
          const graph = g.finish([y]);
          const session = await ort.InferenceSession.create(exportOnnx(graph), { logSeverityLevel: 3 });
          const out = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', new Float32Array(size * size), [1, 1, size, size]) });
          const dims = out[session.outputNames[0] as string]?.dims;
          await session.release();
          const ours = graph.tensors[y]?.shape;
          if (dims?.join('x') !== ours?.join('x')) mismatches.push(`H${size} k${kernel} s${stride} pads ${begin},${end}: onnxruntime ${dims?.join('x')}, ours ${ours?.join('x')}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

// sha256 of exports written by the exporter before ops became descriptors (commit 79078fb's dist/,
// the per-op switch): the descriptor-driven exporter must write the same bytes (names, initializer
// order, seeded draws), so golden files, latency datasets and NASWOT scores keep their values.
const BEFORE: [string, () => Graph, { seed?: number; foldBatchNorm?: boolean }, string][] = [
  ['a search-space candidate (swish, SE)', graphs[0]![1], { seed: 5 }, '51a06900366f3cbb59784438f403950bb7ea6eefe3cb05648f3701b77f9563f5'],
  ['a search-space candidate (swish, SE)', graphs[0]![1], { seed: 5, foldBatchNorm: true }, '1f35e194658f1f1591b69e56fa35b8586f7be829ed655f67794073d29b8a490f'],
  ['LMaNet-Core', graphs[1]![1], { seed: 5 }, '5168b8d11126ba3a6bc01a4017fc2c6cc0778cd12820f783f6ff0b994ad538bd'],
  ['LMaNet-Core', graphs[1]![1], { seed: 5, foldBatchNorm: true }, 'a6784c018633c27b301ce0b3959d62a3f22a28c9bc13662d6231aaca60c7e26b'],
  ['mcunet-in2', graphs[2]![1], { seed: 5 }, '84fc2df041f35097e8bb8e63399b95891042c4fa094863ea57fd5daddb147c7f'],
  ['mcunet-in2', graphs[2]![1], { seed: 5, foldBatchNorm: true }, '7bb40f6ac0a9ab77a6d78718d193eba630e59c6d4ec62ae6e7538b8ac3d4a495'],
  ['squeezenet1_1', graphs[3]![1], { seed: 5 }, '084d517583c920bc9c1aabd644ecc3a904a04f109fbc58808b0b6110d41d1504'],
  ['squeezenet1_1', graphs[3]![1], { seed: 5, foldBatchNorm: true }, '084d517583c920bc9c1aabd644ecc3a904a04f109fbc58808b0b6110d41d1504'],
  ['mobilenet_v3_small', graphs[4]![1], { seed: 5 }, 'e64233c788c3a29a4118116f73cd9e32828d518381342b0f7fd63e55cec8849f'],
  ['mobilenet_v3_small', graphs[4]![1], { seed: 5, foldBatchNorm: true }, '3d39d012144d805e6543f41e8b3e5cd4481bba3adf5b7b6cc43fda8c1e6d253e'],
  ['googlenet', graphs[5]![1], { seed: 5 }, 'e9418c99beabd44a5ddbb004a2130400600329ea3b48be0f5f8d3d283ca90dd0'],
  ['googlenet', graphs[5]![1], { seed: 5, foldBatchNorm: true }, '3e88a878177a23a716eeb4768b205f154f0dfb05386f0a544646c00254c1e0e1'],
];

describe('exports of existing graphs are byte-identical to the per-op exporter\'s', () => {
  for (const [label, make, options, sha] of BEFORE) {
    it(`${label} ${JSON.stringify(options)}`, () => {
      expect(createHash('sha256').update(exportOnnx(make(), options)).digest('hex')).toBe(sha);
    });
  }
});

/** Runs a model on a sin-wave input of `shape` (batch 1) and returns the first output. */
async function runOnce(bytes: Uint8Array, shape: readonly number[]): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const n = shape.reduce((p, d) => p * d, 1);
  const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
  const out = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', data, [...shape]) });
  await session.release();
  return out[session.outputNames[0] as string] as ort.Tensor;
}

describe('a node that shares weights reads the initializers of the node it shares with', () => {
  it('one weight and bias for the conv applied twice; onnxruntime runs it; the file holds 2,938 float elements', async () => {
    const graph = convAppliedTwice();
    const bytes = exportOnnx(graph, { seed: 2 });
    const model = decodeModel(bytes);
    const body = graph.nodes.find((n) => n.name.startsWith('body'))!.name;
    const again = graph.nodes.find((n) => n.shares !== undefined)!.name;
    const inits = (model.graph?.initializer ?? []).map((t) => t.name);
    expect(inits.filter((n) => n?.startsWith(again))).toEqual([]);
    expect(inits.filter((n) => n?.startsWith(body))).toEqual([`${body}.weight`, `${body}.bias`]);
    const convs = (model.graph?.node ?? []).filter((n) => n.opType === 'Conv');
    expect(convs.map((n) => n.input?.slice(1))).toEqual([
      [`${graph.nodes[0]!.name}.weight`, `${graph.nodes[0]!.name}.bias`],
      [`${body}.weight`, `${body}.bias`],
      [`${body}.weight`, `${body}.bias`],
    ]);
    expect(floatWeightElements(bytes)).toBe(2_938);
    // folding BN is not offered to a shared conv (it has none here): the file is the same
    expect(Buffer.from(exportOnnx(graph, { seed: 2, foldBatchNorm: true })).equals(Buffer.from(bytes))).toBe(true);
    const out = await runOnce(bytes, [1, 3, 8, 8]);
    expect(out.dims).toEqual([1, 10]);
    expect([...(out.data as Float32Array)].every(Number.isFinite)).toBe(true);
  });
});

/** Every op added by issue 17, chained: [1, 4, 16] sequences, then [1, C, H, W] maps. */
function newOpsGraph(): { graph: Graph; stages: [string, number][] } {
  const g = new GraphBuilder('newops');
  const stages: [string, number][] = [];
  const at = (label: string, t: number) => (stages.push([label, t]), t);
  let x = g.input('x', [1, 4, 16]);
  x = at('Conv1d dilated', g.add('Conv', [x], { outChannels: 8, kernel: [3], strides: [1], pads: [2, 2], dilations: [2], group: 1, bias: true }));
  x = at('MaxPool1d', g.add('MaxPool', [x], { kernel: [2], strides: [2], pads: [0, 0] }));
  x = at('ConvTranspose1d', g.add('ConvTranspose', [x], { outChannels: 4, kernel: [2], strides: [2], pads: [0, 0], group: 1, bias: true }));
  x = at('PRelu', g.add('PRelu', [x], { slope: [4, 1] }));
  const seq = at('Transpose', g.add('Transpose', [x], { perm: [0, 2, 1] }));
  x = at('Linear', g.add('Linear', [seq], { outFeatures: 6, bias: true }));
  x = at('LayerNormalization', g.add('LayerNormalization', [x], { axis: 2, epsilon: 1e-5 }));
  x = at('Gelu erf', g.add('Gelu', [x], { approximate: 'none' }));
  x = at('Gelu tanh', g.add('Gelu', [x], { approximate: 'tanh' }));
  x = at('Tanh', g.add('Tanh', [x], {}));
  x = at('Elu', g.add('Elu', [x], { alpha: 1 }));
  x = at('Erf', g.add('Erf', [x], {}));
  x = at('Softmax', g.add('Softmax', [x], { axis: 2 }));
  const keys = at('Transpose (keys)', g.add('Transpose', [x], { perm: [0, 2, 1] }));
  x = at('MatMul', g.add('MatMul', [x, keys], {}));
  x = at('Sub constant vector', g.add('Sub', [x], { weight: [16] }));
  x = at('Sub constant first', g.add('Sub', [x], { weight: [1], scalar: 1, constantFirst: true }));
  x = at('Div scalar', g.add('Div', [x], { weight: [1], scalar: 2 }));
  x = at('Pow scalar', g.add('Pow', [x], { weight: [1], scalar: 2 }));
  x = at('Sqrt', g.add('Sqrt', [x], {}));
  x = at('Reshape', g.add('Reshape', [x], { shape: [1, 16, 4, 4] }));
  x = at('Pad reflect', g.add('Pad', [x], { pads: [0, 0, 1, 1, 0, 0, 1, 1], mode: 'reflect', value: 0 }));
  x = at('Pad constant', g.add('Pad', [x], { pads: [0, 0, 0, 1, 0, 0, 1, 0], mode: 'constant', value: 0.5 }));
  x = at('Resize nearest', g.add('Resize', [x], { size: [14, 14], mode: 'nearest', coordinateMode: 'asymmetric', nearestMode: 'floor' }));
  x = at('Resize linear', g.add('Resize', [x], { size: [9, 11], mode: 'linear', coordinateMode: 'half_pixel' }));
  x = at('Slice', g.add('Slice', [x], { axes: [2, 3], starts: [1, 0], ends: [9, 11], steps: [2, 3] }));
  x = at('Concat', g.add('Concat', [x, x], { axis: 1 }));
  x = at('ReduceMean', g.add('ReduceMean', [x], { axes: [2, 3], keepdims: false }));
  return { graph: g.finish([x]), stages };
}

describe('the ops added by issue 17: export, run in onnxruntime-node', () => {
  it('each intermediate tensor has the dims our shape inference gives (graph outputs at every op)', async () => {
    const { graph, stages } = newOpsGraph();
    const mismatches: string[] = [];
    for (const [label, t] of stages) {
      const cut: Graph = { ...graph, nodes: graph.nodes.slice(0, graph.nodes.findIndex((n) => n.outputs[0] === t) + 1), outputs: [t] };
      const out = await runOnce(exportOnnx(cut, { seed: 1 }), [1, 4, 16]);
      const ours = graph.tensors[t]!.shape;
      if (out.dims.join('x') !== ours.join('x')) mismatches.push(`${label}: onnxruntime ${out.dims.join('x')}, ours ${ours.join('x')}`);
      if (![...(out.data as Float32Array)].every(Number.isFinite)) mismatches.push(`${label}: non-finite output`);
    }
    expect(mismatches).toEqual([]);
  });

  it('LayerNormalization raises the opset to 17 (its first); an explicit lower opset is refused; other graphs stay at 14', () => {
    const { graph } = newOpsGraph();
    expect(toNumber(decodeModel(exportOnnx(graph)).opsetImport?.[0]?.version)).toBe(17);
    expect(toNumber(decodeModel(exportOnnx(graphs[1]![1]())).opsetImport?.[0]?.version)).toBe(14);
    expect(thrownInputError(() => exportOnnx(graph, { opset: 14 })).message).toBe('opset: got 14: the graph has LayerNormalization, which ONNX has from opset 17; allowed: at least 17 for this graph');
  });

  it('a 3-D conv, trilinear resize, global pool and Gemm: onnxruntime agrees on every output size', async () => {
    const g = new GraphBuilder('conv3d');
    let x = g.input('x', [1, 2, 4, 6, 6]);
    x = g.add('Conv', [x], { outChannels: 3, kernel: [3, 3, 3], strides: [1, 2, 2], pads: [1, 1, 1, 1, 1, 1], group: 1, bias: false });
    x = g.add('Resize', [x], { size: [8, 5, 7], mode: 'linear', coordinateMode: 'align_corners' });
    x = g.add('AveragePool', [x], { kernel: [2, 2, 2], strides: [2, 2, 2], pads: [0, 0, 0, 0, 0, 0], ceilMode: true, countIncludePad: false });
    x = g.add('Flatten', [g.add('GlobalAveragePool', [x], {})], { axis: 1 });
    const graph = g.finish([g.add('Gemm', [x], { outFeatures: 5, bias: true })]);
    const out = await runOnce(exportOnnx(graph, { seed: 4 }), [1, 2, 4, 6, 6]);
    expect(out.dims).toEqual([1, 5]);
    expect(graph.tensors.map((t) => t.shape.join('x'))).toEqual(['1x2x4x6x6', '1x3x4x3x3', '1x3x8x5x7', '1x3x4x3x4', '1x3x1x1x1', '1x3', '1x5']);
  });
});

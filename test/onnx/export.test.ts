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
import { REFERENCE } from '../helpers.js';
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

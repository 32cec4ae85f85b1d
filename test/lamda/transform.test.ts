import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { graphTotals } from '../../lib/cost/estimate.js';
import { nodeCost } from '../../lib/cost/layer-costs.js';
import { checkShapes, GraphBuilder } from '../../lib/graph/builder.js';
import type { Graph, GraphNode } from '../../lib/graph/types.js';
import { isDepthwiseConv } from '../../lib/graph/types.js';
import { buildZooModel, TORCHVISION_PUBLISHED, ZOO_MODELS } from '../../lib/graph/zoo/index.js';
import { graphDifference, graphsEqual } from '../../lib/lamda/dsl.js';
import {
  applyVariant,
  changeDepth,
  changeKernels,
  kernelChangeable,
  removableSegments,
  sampleVariantRecipe,
  scaledChannels,
  scaleWidth,
  taskHeads,
} from '../../lib/lamda/transform.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { createRng } from '../../lib/rng.js';
import { thrownInputError } from '../helpers.js';

/**
 * ResNet-18 MACs and params counted by hand from its layer table (torchvision resnet.py), for
 * stage widths `w` = [stem, layer1, layer2, layer3, layer4] at 224x224, 1000 classes.
 */
function resnet18Counts(w: readonly number[]): { macs: number; params: number } {
  let macs = 112 * 112 * 3 * 49 * w[0]!;
  let params = 3 * 49 * w[0]! + 2 * w[0]!;
  let inCh = w[0]!;
  const maps = [56, 28, 14, 7];
  for (let s = 0; s < 4; s++) {
    const p = w[s + 1]!;
    const hw = maps[s]! ** 2;
    // block 0: conv1 (stride), conv2, optional downsample
    macs += hw * inCh * 9 * p + hw * p * 9 * p;
    params += inCh * 9 * p + p * 9 * p + 4 * p;
    if (s > 0 || inCh !== p) {
      macs += hw * inCh * p;
      params += inCh * p + 2 * p;
    }
    // block 1: two 3x3 convs
    macs += 2 * hw * p * 9 * p;
    params += 2 * p * 9 * p + 4 * p;
    inCh = p;
  }
  macs += inCh * 1000;
  params += inCh * 1000 + 1000;
  return { macs, params };
}

const convs = (g: Graph) => g.nodes.filter((n): n is GraphNode & { op: 'Conv' } => n.op === 'Conv');

describe('scaleWidth', () => {
  it('the hand count matches torchvision at width 1 (checks the formula itself)', () => {
    const t = graphTotals(buildZooModel('resnet18'));
    const hand = resnet18Counts([64, 64, 128, 256, 512]);
    expect(hand.params).toBe(TORCHVISION_PUBLISHED.resnet18.params);
    expect(Number((hand.macs / 1e9).toFixed(3))).toBe(TORCHVISION_PUBLISHED.resnet18.gflops);
    expect(t.macs).toBe(hand.macs);
  });

  it('resnet18 at 0.5 has the MACs and params of a half-width ResNet-18 counted by hand', () => {
    const g = scaleWidth(buildZooModel('resnet18'), 0.5);
    const t = graphTotals(g);
    const hand = resnet18Counts([32, 32, 64, 128, 256]);
    expect(t.macs).toBe(hand.macs);
    expect(t.params).toBe(hand.params);
    expect(g.name).toBe('resnet18-w0.50');
    expect(g.tensors[g.outputs[0]!]!.shape).toEqual([1, 1000]);
    checkShapes(g);
  });

  it('at 1 gives the same graph for every zoo model', () => {
    for (const name of ZOO_MODELS) {
      const g = buildZooModel(name, { resolution: name === 'alexnet' || name === 'vgg16' ? 224 : 96 });
      expect(graphDifference(scaleWidth(g, 1), g)).toBeUndefined();
      expect(graphsEqual(scaleWidth(g, 1), g)).toBe(true);
    }
  });

  it('rounds to the divisor and keeps a minimum', () => {
    expect(scaledChannels(24, 0.5)).toBe(12);
    expect(scaledChannels(24, 0.5, { divisor: 8 })).toBe(16); // 12 / 8 = 1.5 rounds to 2
    expect(scaledChannels(16, 0.1)).toBe(2);
    expect(scaledChannels(16, 0.01)).toBe(1);
    expect(scaledChannels(16, 0.01, { divisor: 8 })).toBe(8);
    expect(scaledChannels(16, 0.1, { minChannels: 4 })).toBe(4);
  });

  it('keeps depthwise convs depthwise, SE gates and residual adds consistent (mobilenets, mnasnet)', () => {
    for (const name of ['mobilenet_v2', 'mnasnet1_0', 'mobilenet_v3_small']) {
      const base = buildZooModel(name, { resolution: 96 });
      for (const m of [0.35, 0.77, 1.3]) {
        const g = scaleWidth(base, m);
        checkShapes(g);
        const before = convs(base).filter((n) => isDepthwiseConv(n, base)).length;
        expect(convs(g).filter((n) => isDepthwiseConv(n, g)).length).toBe(before);
      }
    }
  });

  it('never scales the task heads (fc Gemm, squeezenet final_conv)', () => {
    const r = buildZooModel('resnet18');
    expect(taskHeads(r).map((i) => r.nodes[i]!.name)).toEqual(['fc.classifier_68']);
    const s = buildZooModel('squeezenet1_0');
    expect(taskHeads(s).map((i) => s.nodes[i]!.name)).toEqual(['classifier.final_conv_62']);
    const v3 = buildZooModel('mobilenet_v3_small');
    expect(taskHeads(v3)).toEqual([v3.nodes.length - 1]);
    const scaled = scaleWidth(s, 0.5);
    const head = scaled.nodes[taskHeads(s)[0]!] as GraphNode & { op: 'Conv' };
    expect(head.attrs.outChannels).toBe(1000);
    expect(scaled.tensors[scaled.outputs[0]!]!.shape).toEqual([1, 1000]);
  });

  it('rescales Add/Mul constants with a channel dimension', () => {
    const b = new GraphBuilder('consts');
    const x = b.input('x', [1, 3, 16, 16]);
    const c = b.conv(x, { out: 32, kernel: 3 });
    const scaled = b.add('Mul', [c], { weight: [1, 32, 1, 1] }, 'scale');
    const biased = b.add('Add', [scaled], { weight: [32, 1, 1] }, 'bias');
    const scalar = b.add('Mul', [biased], { weight: [1] }, 'scalar');
    const pooled = b.add('Flatten', [b.add('GlobalAveragePool', [scalar], {})], { axis: 1 });
    const g = scaleWidth(b.finish([b.add('Gemm', [pooled], { outFeatures: 10, bias: true })]), 0.5);
    expect(g.nodes.find((n) => n.name.startsWith('scale'))!.attrs).toEqual({ weight: [1, 16, 1, 1] });
    expect(g.nodes.find((n) => n.name.startsWith('bias'))!.attrs).toEqual({ weight: [16, 1, 1] });
    expect(g.nodes.find((n) => n.name.startsWith('scalar'))!.attrs).toEqual({ weight: [1] });
    checkShapes(g);
  });

  it('rejects bad multipliers and grouped convs it cannot keep grouped, naming the field', () => {
    const r = buildZooModel('resnet18', { resolution: 64 });
    for (const m of [0, -1, 4.5, Number.NaN]) {
      const err = thrownInputError(() => scaleWidth(r, m));
      expect(err.field).toBe('multiplier');
      expect(err.allowed).toBe('a number in (0, 4]');
    }
    expect(thrownInputError(() => scaleWidth(r, 0.5, { divisor: 0 })).field).toBe('divisor');
    const b = new GraphBuilder('grouped');
    const x = b.input('x', [1, 3, 16, 16]);
    const y = b.conv(b.conv(x, { out: 32, kernel: 3 }), { out: 32, kernel: 3, group: 4 }, 'gconv');
    const g = b.finish([b.add('Gemm', [b.add('Flatten', [b.add('GlobalAveragePool', [y], {})], { axis: 1 })], { outFeatures: 10, bias: true })]);
    expect(convs(scaleWidth(g, 0.5))[1]!.attrs.group).toBe(4); // 16 channels: still divisible
    const err = thrownInputError(() => scaleWidth(g, 0.3)); // 10 channels
    expect(err.field).toBe('gconv_1.group');
    expect(err.value).toBe(4);
  });
});

describe('depth and kernel changes', () => {
  it('finds resnet identity blocks, VGG repeated convs, none in squeezenet', () => {
    const r = removableSegments(buildZooModel('resnet18'));
    expect(r.filter((s) => s.kind === 'block').map((s) => s.id)).toEqual(['layer1.0', 'layer1.1', 'layer2.1', 'layer3.1', 'layer4.1']);
    expect(r.filter((s) => s.kind === 'conv').map((s) => s.id)).toEqual(['layer2.0.conv2_21', 'layer3.0.conv2_37', 'layer4.0.conv2_53']);
    // VGG-16: 13 convs, of which 4 change the width (3->64, 64->128, 128->256, 256->512).
    expect(removableSegments(buildZooModel('vgg16')).length).toBe(9);
    expect(removableSegments(buildZooModel('squeezenet1_1'))).toEqual([]);
    // mobilenet_v2: 10 residual inverted bottlenecks.
    expect(removableSegments(buildZooModel('mobilenet_v2')).filter((s) => s.kind === 'block').length).toBe(10);
  });

  it('removing a resnet18 identity block drops exactly its two 3x3 convs and BNs', () => {
    const base = buildZooModel('resnet18');
    const g = changeDepth(base, ['layer1.1'], []);
    checkShapes(g);
    const t0 = graphTotals(base);
    const t1 = graphTotals(g);
    // two 3x3 convs 64 -> 64 on 56x56: 2 * 56*56*64*9*64; params 2*36864 + two BNs 2*128.
    expect(t0.macs - t1.macs).toBe(231_211_008);
    expect(t0.params - t1.params).toBe(73_984);
    expect(g.nodes.length).toBe(base.nodes.length - 7);
    expect(g.nodes.some((n) => n.block === 'layer1.1')).toBe(false);
  });

  it('duplicating a block adds exactly one more copy of it, renamed', () => {
    const base = buildZooModel('resnet18');
    const g = changeDepth(base, [], ['layer1.1']);
    checkShapes(g);
    expect(graphTotals(g).macs - graphTotals(base).macs).toBe(231_211_008);
    const copy = g.nodes.filter((n) => n.block === 'layer1.1.dup');
    expect(copy.length).toBe(7);
    expect(copy[0]!.name).toBe('layer1.1.conv1_11.dup');
    expect(new Set(g.nodes.map((n) => n.name)).size).toBe(g.nodes.length);
    expect(new Set(g.tensors.map((t) => t.name)).size).toBe(g.tensors.length);
  });

  it('removes VGG convs with their ReLU and rewires the consumers', () => {
    const base = buildZooModel('vgg16');
    const ids = removableSegments(base).map((s) => s.id);
    const g = changeDepth(base, ids.slice(0, 3), ids.slice(3, 4));
    checkShapes(g);
    expect(convs(g).length).toBe(13 - 3 + 1);
  });

  it('changes kernels with "same" pads, shapes kept, MACs scaled by k^2', () => {
    const base = buildZooModel('mobilenet_v2');
    const dw = base.nodes.find((n) => n.name === 'features.2.dw_11')!;
    expect(kernelChangeable(base)).toContain(base.nodes.indexOf(dw));
    const g = changeKernels(base, { 'features.2.dw_11': 7 });
    checkShapes(g);
    const changed = g.nodes.find((n) => n.name === 'features.2.dw_11') as GraphNode & { op: 'Conv' };
    expect(changed.attrs.kernel).toEqual([7, 7]);
    expect(changed.attrs.pads).toEqual([3, 3, 3, 3]);
    expect(nodeCost(changed, g).macs).toBe((nodeCost(dw, base).macs * 49) / 9);
    // AlexNet's 11x11 conv has pads 2, not 5: not changeable; 1x1 convs are not either.
    const a = buildZooModel('alexnet');
    expect(thrownInputError(() => changeKernels(a, { [a.nodes[0]!.name]: 3 })).field).toBe('kernels');
    expect(thrownInputError(() => changeKernels(base, { 'features.2.dw_11': 4 })).field).toBe('kernels.features.2.dw_11');
  });

  it('rejects unknown and conflicting segment ids, naming the field', () => {
    const r = buildZooModel('resnet18', { resolution: 64 });
    expect(thrownInputError(() => changeDepth(r, ['layer9.9'], [])).field).toBe('removed');
    expect(thrownInputError(() => changeDepth(r, [], ['nope'])).field).toBe('duplicated');
    expect(thrownInputError(() => changeDepth(r, ['layer1.1'], ['layer1.1'])).field).toBe('duplicated');
  });
});

describe('variant recipes', () => {
  it('are deterministic and valid for every zoo model', () => {
    for (const name of ZOO_MODELS) {
      const base = buildZooModel(name);
      const a = createRng(5);
      const b = createRng(5);
      for (let i = 0; i < 6; i++) {
        const ra = sampleVariantRecipe(base, name, a);
        expect(sampleVariantRecipe(base, name, b)).toEqual(ra);
        expect(ra.width).toBeGreaterThanOrEqual(0.25);
        expect(ra.width).toBeLessThanOrEqual(1.25);
        const v = applyVariant(base, ra);
        checkShapes(v);
        expect(graphsEqual(v, applyVariant(base, ra))).toBe(true);
        expect(v.tensors[v.outputs[0]!]!.shape).toEqual([1, 1000]);
      }
    }
  });

  it('a variant exported to ONNX runs in onnxruntime with the expected output', async () => {
    const base = buildZooModel('mobilenet_v3_small', { resolution: 64, classes: 10 });
    const recipe = { family: 'mobilenet_v3_small', width: 0.6, divisor: 1, removed: ['features.5'], duplicated: ['features.10'], kernels: { 'features.4.dw_34': 3 }, seed: 1 };
    const g = applyVariant(base, recipe);
    expect(g.name).toBe('mobilenet_v3_small~w0.60-r1-d1-k1-s1');
    const session = await ort.InferenceSession.create(exportOnnx(g, { foldBatchNorm: true }));
    const x = new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]);
    const out = await session.run({ [session.inputNames[0]!]: x });
    const y = out[session.outputNames[0]!]!;
    expect(y.dims).toEqual([1, 10]);
    expect([...(y.data as Float32Array)].every(Number.isFinite)).toBe(true);
    await session.release();
  });
});

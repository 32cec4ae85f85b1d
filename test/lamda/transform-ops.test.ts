/**
 * LAMDA's transforms and latency features on the ops beyond the original eighteen, read from the
 * op table: width scaling through OPS[op].width (ConvTranspose, Linear), constants and PRelu
 * slopes following their input, shared weights kept; kernel changes on 2-D convs only; kernel
 * kinds, fusion and weights of the new ops in the features. Counts are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { nodeCost } from '../../lib/cost/layer-costs.js';
import { GraphBuilder } from '../../lib/graph/builder.js';
import type { Graph, GraphNode, NodeAttrs } from '../../lib/graph/types.js';
import { FEATURE_NAMES, nodeFeatures, nodeKinds, runsNchwc } from '../../lib/lamda/features.js';
import { changeKernels, kernelChangeable, removableSegments, scaleWidth, taskHeads } from '../../lib/lamda/transform.js';

const conv2d = (o: Partial<NodeAttrs['Conv']>): NodeAttrs['Conv'] => ({ outChannels: 8, kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 1, bias: false, ...o });

/** x [1,4,8,8] -> Conv 8 -> PRelu (slope 8x1x1) -> Sub (w 8x1x1) -> ConvTranspose 6 (2x2 s2) -> GAP -> Flatten -> Linear 10 (head). */
function upsamplingNet(): Graph {
  const g = new GraphBuilder('up');
  const x = g.input('x', [1, 4, 8, 8]);
  let y = g.add('Conv', [x], conv2d({}));
  y = g.add('PRelu', [y], { slope: [8, 1, 1] });
  y = g.add('Sub', [y], { weight: [8, 1, 1] });
  y = g.add('ConvTranspose', [y], { outChannels: 6, kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], group: 1, bias: true });
  y = g.add('Flatten', [g.add('GlobalAveragePool', [y], {})], { axis: 1 });
  return g.finish([g.add('Linear', [y], { outFeatures: 10, bias: true })]);
}

/** x -> conv a -> relu -> conv b (shares a) -> relu -> conv c -> GAP -> Flatten -> Gemm: three same-shape convs. */
function sharedChain(): Graph {
  const g = new GraphBuilder('chain');
  const x = g.input('x', [1, 4, 8, 8]);
  const c = conv2d({ outChannels: 4 });
  const a = g.add('Conv', [x], c, 'a');
  const b = g.add('Conv', [g.add('Relu', [a], {})], c, 'b');
  const y = g.add('Conv', [g.add('Relu', [b], {})], c, 'c');
  const graph = g.finish([g.add('Gemm', [g.add('Flatten', [g.add('GlobalAveragePool', [y], {})], { axis: 1 })], { outFeatures: 3, bias: true })]);
  const owner = (graph.nodes[0] as GraphNode).name;
  return { ...graph, nodes: graph.nodes.map((n, i) => (i === 2 ? ({ ...n, shares: owner } as GraphNode) : n)) };
}

describe('width scaling through the op table', () => {
  it('scales ConvTranspose and Conv widths, keeps the Linear head, and constants and slopes follow their input', () => {
    const g = upsamplingNet();
    expect(taskHeads(g)).toEqual([g.nodes.length - 1]);
    const half = scaleWidth(g, 0.5);
    const attrs = (i: number) => (half.nodes[i] as GraphNode).attrs as unknown as Record<string, unknown>;
    expect(attrs(0).outChannels).toBe(4);
    expect(attrs(1).slope).toEqual([4, 1, 1]);
    expect(attrs(2).weight).toEqual([4, 1, 1]);
    expect(attrs(3).outChannels).toBe(3);
    expect(attrs(6).outFeatures).toBe(10);
    // ConvTranspose 4 -> 3 on 8x8 -> 16x16: MACs = in elements x C_out x k = 4*8*8 * 3 * 4.
    expect(nodeCost(half.nodes[3] as GraphNode, half).macs).toBe(4 * 8 * 8 * 3 * 4);
    // Linear 3 -> 10: 30 MACs, 30 + 10 params.
    expect(nodeCost(half.nodes[6] as GraphNode, half)).toMatchObject({ macs: 30, params: 40 });
  });

  it('keeps shared weights: both users get the same width', () => {
    const g = sharedChain();
    const w = scaleWidth(g, 2);
    expect(w.nodes[2]?.shares).toBe(w.nodes[0]?.name);
    expect(((w.nodes[0] as GraphNode).attrs as NodeAttrs['Conv']).outChannels).toBe(8);
    expect(((w.nodes[2] as GraphNode).attrs as NodeAttrs['Conv']).outChannels).toBe(8);
  });
});

describe('kernel and depth changes', () => {
  it('kernel changes apply to 2-D convs only, and say so for other ranks', () => {
    const g = new GraphBuilder('one_d');
    const x = g.input('x', [1, 4, 32]);
    const y = g.add('Conv', [x], { outChannels: 4, kernel: [3], strides: [1], pads: [1, 1], group: 1, bias: false }, 'c1d');
    const graph = g.finish([g.add('Conv', [y], { outChannels: 2, kernel: [1], strides: [1], pads: [0, 0], group: 1, bias: false })]);
    expect(kernelChangeable(graph)).toEqual([]);
    expect(() => changeKernels(graph, { c1d_0: 5 })).toThrow('kernels: Conv c1d_0 has a 1-D kernel: kernel changes apply to 2-D Conv nodes only; allowed: a 2-D conv of one_d');
  });

  it('a dilated conv or one that shares weights keeps its kernel', () => {
    const g = new GraphBuilder('dil');
    const x = g.input('x', [1, 4, 8, 8]);
    const a = g.add('Conv', [x], conv2d({ outChannels: 4, pads: [2, 2, 2, 2], dilations: [2, 2] }));
    const b = g.add('Conv', [a], conv2d({ outChannels: 4, dilations: [1, 1] }));
    const graph = g.finish([g.add('Conv', [b], conv2d({ outChannels: 2 }))]);
    expect(kernelChangeable(graph)).toEqual([1]);
    expect(kernelChangeable(sharedChain())).toEqual([4]);
  });

  it('a segment whose weights a node outside it reads is not removable', () => {
    const g = sharedChain();
    const owned = { ...g, nodes: g.nodes.map((n) => ({ ...n, shares: undefined }) as GraphNode) };
    const ids = (graph: Graph) => removableSegments(graph).map((s) => s.nodes);
    expect(ids(owned)).toEqual([[0, 1], [2, 3], [4]]);
    // Conv a's weights are read by conv b: a's segment stays; b's own segment (a reader) may go.
    expect(ids(g)).toEqual([[2, 3], [4]]);
  });
});

describe('latency features of the new ops', () => {
  it('kinds from the descriptors: ConvTranspose conv, Linear and MatMul gemm, LayerNormalization activation; activations fuse into Conv and Gemm only', () => {
    const g = new GraphBuilder('kinds');
    const x = g.input('x', [1, 8, 8, 8]);
    const t = g.add('Relu', [g.add('ConvTranspose', [x], { outChannels: 8, kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], group: 1, bias: false })], {});
    const ln = g.add('LayerNormalization', [t], { axis: 1, epsilon: 1e-5 });
    const tokens = g.add('Reshape', [ln], { shape: [1, 8, 256] });
    const lin = g.add('Relu', [g.add('Linear', [tokens], { outFeatures: 16, bias: true })], {});
    const mm = g.add('MatMul', [lin, g.add('Transpose', [lin], { perm: [0, 2, 1] })], {});
    const graph = g.finish([g.add('Relu', [g.add('Gemm', [g.add('Flatten', [mm], { axis: 1 })], { outFeatures: 4, bias: true })], {})]);
    expect(graph.nodes.map((n) => n.op)).toEqual(['ConvTranspose', 'Relu', 'LayerNormalization', 'Reshape', 'Linear', 'Relu', 'Transpose', 'MatMul', 'Flatten', 'Gemm', 'Relu']);
    expect(nodeKinds(graph)).toEqual(['conv', 'activation', 'activation', 'free', 'gemm', 'activation', 'concat', 'gemm', 'free', 'gemm', 'fused']);
    const rows = nodeFeatures(graph);
    const col = (row: number, name: string) => rows[row]?.values[FEATURE_NAMES.indexOf(name)];
    // Linear 8x256 @ [256, 16] + bias: 8*256*16 MACs, (256*16 + 16) float32 weights.
    expect(col(4, 'gemm.mmacs')).toBeCloseTo((8 * 256 * 16) / 1e6, 12);
    expect(col(4, 'gemm.weight_mb')).toBeCloseTo(((256 * 16 + 16) * 4) / 1e6, 12);
    // MatMul of two activations: [1, 8, 16] x [1, 16, 8]: 8*8*16 MACs, no weights.
    expect(col(7, 'gemm.mmacs')).toBeCloseTo((8 * 8 * 16) / 1e6, 12);
    expect(col(7, 'gemm.weight_mb')).toBe(0);
    // ConvTranspose 8 -> 8, 2x2: in elements 8*8*8 x 8 x 4 MACs, kernel 2 (<= 3): the 3x3-and-smaller column, plain layout.
    expect(col(0, 'conv.plain.mmacs')).toBeCloseTo((8 * 8 * 8 * 8 * 4) / 1e6, 12);
    expect(col(0, 'conv.plain.weight_mb')).toBeCloseTo((8 * 8 * 4 * 4) / 1e6, 12);
  });

  it('1-D and 3-D convs run plain (the NCHWc transformer rewrites 2-D convs only)', () => {
    const g = new GraphBuilder('ranks');
    const x = g.input('x', [1, 16, 32]);
    const v = g.input('v', [1, 16, 4, 8, 8]);
    const a = g.add('Conv', [x], { outChannels: 16, kernel: [3], strides: [1], pads: [1, 1], group: 1, bias: false });
    const b = g.add('Conv', [v], { outChannels: 16, kernel: [3, 3, 3], strides: [1, 1, 1], pads: [1, 1, 1, 1, 1, 1], group: 1, bias: false });
    const graph = g.finish([a, b]);
    for (const node of graph.nodes) expect(runsNchwc(graph, node, 16)).toBe(false);
    expect(nodeKinds(graph)).toEqual(['conv', 'conv']);
    const rows = nodeFeatures(graph);
    expect(rows[0]?.values[FEATURE_NAMES.indexOf('conv.plain.count')]).toBe(1);
    expect(rows[0]?.values[FEATURE_NAMES.indexOf('reorder.io_mb')]).toBe(0);
  });
});


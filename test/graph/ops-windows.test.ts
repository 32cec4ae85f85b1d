/**
 * The conv, pool and norm families (lib/graph/ops/conv.ts, pool.ts, norm.ts): shapes and costs
 * worked by hand from the formulas (README "How costs are counted"; fvcore / ptflops for
 * ConvTranspose), the field cases of ../shared/cases/import (conv1d, dilated_conv, conv_transpose:
 * their README's MACs and params), output shapes and parameter counts against PyTorch's own
 * modules (Debian's torch), ONNX sketches, and one-line errors naming node.attribute.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { GraphBuilder } from '../../lib/graph/builder.js';
import { OPS, opSpec } from '../../lib/graph/ops/index.js';
import type { OpCost } from '../../lib/graph/ops/spec.js';
import { inferOutputShape } from '../../lib/graph/shapes.js';
import type { Graph, GraphNode, NodeAttrs } from '../../lib/graph/types.js';
import { HAVE_TORCH, PYTHON } from '../helpers-python.js';

const conv = (o: Partial<NodeAttrs['Conv']> & { outChannels: number; kernel: readonly number[] }): NodeAttrs['Conv'] => {
  const rank = o.kernel.length;
  return { strides: new Array<number>(rank).fill(1), pads: new Array<number>(2 * rank).fill(0), group: 1, bias: false, ...o };
};

/** The cost of one node by its descriptor. */
function costOf(graph: Graph, node: GraphNode): OpCost {
  return (OPS[node.op].cost as (n: GraphNode, g: Graph) => OpCost)(node, graph);
}

function totals(graph: Graph): OpCost {
  return graph.nodes.map((n) => costOf(graph, n)).reduce((a, c) => ({ macs: a.macs + c.macs, params: a.params + c.params, flashBytes: a.flashBytes + c.flashBytes }));
}

/** The error a shape inference throws: an InputError of one line. */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected an InputError');
}

describe('Conv: 1 to 3 spatial axes, dilation, out = floor((size + pb + pe - d(k-1) - 1) / s) + 1', () => {
  it('Conv1d 32 -> 32, k 3, pad 4, stride 2 on length 128 (conv1d.onnx): output 67, MACs 205,824, params 3,104', () => {
    const g = new GraphBuilder('conv1d');
    const y = g.add('Conv', [g.input('x', [1, 32, 128])], conv({ outChannels: 32, kernel: [3], strides: [2], pads: [4, 4], bias: true }));
    const graph = g.finish([y]);
    // floor((128 + 4 + 4 - 3) / 2) + 1 = floor(133 / 2) + 1 = 67 (the file's declared output is [1, 32, 67])
    expect(g.shape(y)).toEqual([1, 32, 67]);
    // 32 x 67 out elements x 32 in channels x 3 = 205,824; weights 32 x 32 x 3 = 3,072 + 32 bias
    expect(costOf(graph, graph.nodes[0]!)).toEqual({ macs: 205_824, params: 3_104, flashBytes: 3_072 + 8 * 32 });
    expect(opSpec('Conv').kernelKind(graph.nodes[0] as GraphNode & { op: 'Conv' }, graph)).toBe('conv');
  });

  it('dilated convs 4 -> 8 (k 3, d 2, p 2) and 8 -> 8 (k 3, d 3, p 1) on 20x20 (dilated_conv.onnx): MACs 262,696 and params 925 with the head', () => {
    const g = new GraphBuilder('dilated');
    const a = g.add('Conv', [g.input('x', [1, 4, 20, 20])], conv({ outChannels: 8, kernel: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 2], bias: true }));
    // effective kernel 2 x 2 + 1 = 5: floor((20 + 4 - 5) / 1) + 1 = 20
    expect(g.shape(a)).toEqual([1, 8, 20, 20]);
    const b = g.add('Conv', [g.add('Relu', [a], {})], conv({ outChannels: 8, kernel: [3, 3], pads: [1, 1, 1, 1], dilations: [3, 3], bias: true }));
    // effective kernel 3 x 2 + 1 = 7: floor((20 + 2 - 7) / 1) + 1 = 16
    expect(g.shape(b)).toEqual([1, 8, 16, 16]);
    const convs = g.finish([b]);
    // 8 x 20 x 20 x 4 x 9 = 115,200 and 8 x 16 x 16 x 8 x 9 = 147,456
    expect(costOf(convs, convs.nodes[0]!).macs).toBe(115_200);
    expect(costOf(convs, convs.nodes[2]!).macs).toBe(147_456);
    expect(totals(convs)).toEqual({ macs: 262_656, params: 296 + 584, flashBytes: 288 + 64 + 576 + 64 });
    // the file's head: Relu, GlobalAveragePool, Flatten, Gemm 8 -> 5 (+ 40 MACs, + 45 params)
    const head = g.add('Gemm', [g.add('Flatten', [g.add('GlobalAveragePool', [g.add('Relu', [b], {})], {})], { axis: 1 })], { outFeatures: 5, bias: true });
    const whole = g.finish([head]);
    expect(totals(whole).macs).toBe(262_696);
    expect(totals(whole).params).toBe(925);
  });

  it('3-D conv, grouped: MACs out_elements x C_in/group x prod(kernel)', () => {
    const x: number[] = [1, 4, 5, 6, 7];
    const attrs = conv({ outChannels: 6, kernel: [3, 1, 3], strides: [2, 1, 1], pads: [1, 0, 1, 1, 0, 1], group: 2 });
    // D: floor((5 + 2 - 3) / 2) + 1 = 3; H: 6; W: floor((7 + 2 - 3) / 1) + 1 = 7
    expect(inferOutputShape({ name: 'c3', op: 'Conv', attrs }, [x])).toEqual([1, 6, 3, 6, 7]);
    const g = new GraphBuilder('c3');
    const y = g.add('Conv', [g.input('x', x)], attrs);
    const graph = g.finish([y]);
    expect(costOf(graph, graph.nodes[0]!)).toEqual({ macs: 6 * 3 * 6 * 7 * 2 * 9, params: 6 * 2 * 9, flashBytes: 6 * 2 * 9 + 48 });
  });

  it('kernel kinds: pointwise at any rank, depthwise 1-D, grouped; ConvTranspose is conv', () => {
    const g = new GraphBuilder('kinds');
    const x = g.input('x', [1, 8, 16]);
    const pw = g.add('Conv', [x], conv({ outChannels: 4, kernel: [1] }));
    const dw = g.add('Conv', [pw], conv({ outChannels: 4, kernel: [3], pads: [1, 1], group: 4 }));
    const gr = g.add('Conv', [dw], conv({ outChannels: 4, kernel: [3], pads: [1, 1], group: 2 }));
    const graph = g.finish([gr]);
    expect(graph.nodes.map((n) => (OPS[n.op].kernelKind as (n: GraphNode, g: Graph) => string)(n, graph))).toEqual(['conv-pointwise', 'conv-depthwise', 'conv-grouped']);
  });

  it('ONNX sketch: weight [out, C_in/group, k...] He with that fan-in, bias zeros, dilations written as 1 when absent', () => {
    const g = new GraphBuilder('onnx');
    const y = g.add('Conv', [g.input('x', [1, 6, 9])], conv({ outChannels: 4, kernel: [3], pads: [1, 1], group: 2, bias: true }), 'c');
    const graph = g.finish([y]);
    const [sketch] = opSpec('Conv').onnx(graph.nodes[0] as GraphNode & { op: 'Conv' }, graph);
    expect(sketch).toEqual({
      opType: 'Conv',
      inputs: [{ tensor: 0 }, { weight: { suffix: 'weight', dims: [4, 3, 3], init: { he: 9 } } }, { weight: { suffix: 'bias', dims: [4], init: 'zeros' } }],
      attributes: { kernel_shape: [3], strides: [1], pads: [1, 1], dilations: [1], group: 2 },
    });
    // the attribute order of today's export: kernel_shape, strides, pads, dilations, group
    expect(Object.keys(sketch!.attributes)).toEqual(['kernel_shape', 'strides', 'pads', 'dilations', 'group']);
  });
});

describe('ConvTranspose: out = (size - 1)s - pb - pe + d(k-1) + outputPadding + 1, MACs in_elements x C_out/group x prod(kernel)', () => {
  it('8 -> 4, k 2, stride 2 on 8x8: 16x16, MACs 8,192, params 132; with conv_transpose.onnx\'s conv first: 22,016 and 356', () => {
    const g = new GraphBuilder('ct');
    const c = g.add('Conv', [g.input('x', [1, 3, 8, 8])], conv({ outChannels: 8, kernel: [3, 3], pads: [1, 1, 1, 1], bias: true }));
    const t = g.add('ConvTranspose', [g.add('Relu', [c], {})], conv({ outChannels: 4, kernel: [2, 2], strides: [2, 2], bias: true }));
    // (8 - 1) x 2 - 0 - 0 + (2 - 1) + 0 + 1 = 16
    expect(g.shape(t)).toEqual([1, 4, 16, 16]);
    const graph = g.finish([t]);
    // in elements 8 x 8 x 8 = 512, x C_out 4 x 2 x 2 = 8,192; weight [8, 4, 2, 2] = 128 + 4 bias
    expect(costOf(graph, graph.nodes[2]!)).toEqual({ macs: 8_192, params: 132, flashBytes: 128 + 8 * 4 });
    expect(totals(graph)).toMatchObject({ macs: 13_824 + 8_192, params: 224 + 132 });
    const [sketch] = opSpec('ConvTranspose').onnx(graph.nodes[2] as GraphNode & { op: 'ConvTranspose' }, graph);
    expect(sketch?.inputs[1]).toEqual({ weight: { suffix: 'weight', dims: [8, 4, 2, 2], init: { he: 16 } } });
    expect(sketch?.attributes).toEqual({ kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 });
  });

  it('output padding, dilation, 1-D and 3-D', () => {
    const t = (x: number[], a: NodeAttrs['ConvTranspose']) => inferOutputShape({ name: 't', op: 'ConvTranspose', attrs: a }, [x]);
    // (5 - 1) x 2 - 1 - 1 + 2 + 1 + 1 = 10
    expect(t([1, 4, 5, 5], { ...conv({ outChannels: 6, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 2 }), outputPadding: [1, 1] })).toEqual([1, 6, 10, 10]);
    // (7 - 1) x 1 - 0 - 0 + 2 x 2 + 0 + 1 = 11
    expect(t([1, 3, 7], conv({ outChannels: 2, kernel: [3], dilations: [2] }))).toEqual([1, 2, 11]);
    // (2 - 1) x 2 + 1 + 1 = 4 on each axis
    expect(t([1, 2, 2, 2, 2], conv({ outChannels: 2, kernel: [2, 2, 2], strides: [2, 2, 2] }))).toEqual([1, 2, 4, 4, 4]);
  });

  it('refuses an output padding of the stride or more, and pads past the dilated kernel', () => {
    const t = (a: NodeAttrs['ConvTranspose']) => () => inferOutputShape({ name: 't', op: 'ConvTranspose', attrs: a }, [[1, 4, 5, 5]]);
    expect(errorOf(t({ ...conv({ outChannels: 4, kernel: [3, 3], strides: [2, 2] }), outputPadding: [2, 0] }))).toBe('"t".outputPadding[0]: got 2; allowed: an integer from 0 to 1 (less than the stride or the dilation)');
    expect(errorOf(t(conv({ outChannels: 4, kernel: [3, 3], pads: [0, 3, 0, 0] })))).toBe('"t".pads[1]: got 3; allowed: an integer from 0 to 2 (less than the kernel side 3)');
  });
});

describe('window errors: one line naming node.attribute, the value and the bound', () => {
  const c = (x: number[], a: NodeAttrs['Conv']) => () => inferOutputShape({ name: 'c', op: 'Conv', attrs: a }, [x]);
  it('2-D messages stay as they were', () => {
    expect(errorOf(c([1, 3, 8, 8], conv({ outChannels: 4, kernel: [3], strides: [1, 1], pads: [0, 0, 0, 0] })))).toBe('"c".kernel: got [3]; allowed: two kernel sides (height, width)');
    expect(errorOf(c([1, 3, 8, 8], conv({ outChannels: 4, kernel: [3, 3], pads: [0, 0] })))).toBe('"c".pads: got [0,0]; allowed: four pads (top, left, bottom, right)');
    expect(errorOf(c([1, 3, 8, 8], conv({ outChannels: 4, kernel: [3, 3], strides: [1, 65] })))).toBe('"c".strides[1]: got 65; allowed: an integer from 1 to 64');
    expect(errorOf(c([1, 3, 4, 4], conv({ outChannels: 6, kernel: [1, 1], group: 2 })))).toBe('"c".group: got 2; allowed: a divisor of input channels 3 and output channels 6');
    expect(errorOf(c([1, 3, 2, 8], conv({ outChannels: 4, kernel: [3, 3] })))).toBe('"c".kernel[0]: got 3, larger than the padded input 2 (2 + pads 0 and 0); allowed: an integer from 1 to 4096, no larger than the padded input 2');
  });
  it('1-D and 3-D lists, the end pad of axis i at i + rank, dilations', () => {
    expect(errorOf(c([1, 3, 8], conv({ outChannels: 4, kernel: [3, 3] })))).toBe('"c".kernel: got [3,3]; allowed: one kernel side (length)');
    expect(errorOf(c([1, 3, 4, 4, 4], conv({ outChannels: 4, kernel: [1, 1, 1], pads: [0, 0, 0, 0] })))).toBe('"c".pads: got [0,0,0,0]; allowed: six pads (front, top, left, back, bottom, right)');
    // a pool's pads stay below the kernel side: pads[4] is the end pad of axis 1 in 3-D
    const pool = { kernel: [2, 2, 2], strides: [1, 1, 1], pads: [0, 0, 0, 0, 2, 0] };
    expect(errorOf(() => inferOutputShape({ name: 'mp', op: 'MaxPool', attrs: pool }, [[1, 1, 4, 4, 4]]))).toBe('"mp".pads[4]: got 2; allowed: an integer from 0 to 1 (less than the kernel side 2)');
    expect(errorOf(c([1, 3, 8, 8], conv({ outChannels: 4, kernel: [3, 3], dilations: [1, 0] })))).toBe('"c".dilations[1]: got 0; allowed: an integer from 1 to 4096');
    expect(errorOf(c([1, 3, 8, 8], conv({ outChannels: 4, kernel: [3, 3], dilations: [2] })))).toBe('"c".dilations: got [2]; allowed: two dilations (height, width)');
    // dilation 4: effective kernel 9 on a padded side of 8
    expect(errorOf(c([1, 3, 8, 8], conv({ outChannels: 4, kernel: [3, 3], dilations: [1, 4] })))).toBe(
      '"c".kernel[1]: got 3, dilated 9, larger than the padded input 8 (8 + pads 0 and 0); allowed: an integer from 1 to 4096, no larger than the padded input 8',
    );
    expect(errorOf(c([1, 3, 8, 8, 8, 8], conv({ outChannels: 4, kernel: [1, 1, 1, 1] })))).toMatch(/^"c"\.input: got shape \[1,3,8,8,8,8\]; allowed: a tensor of rank 3 or 4 or 5$/);
  });
  it('a Conv pad may be wider than its kernel (PyTorch takes it) up to 4096; a pool pad may not', () => {
    expect(inferOutputShape({ name: 'c', op: 'Conv', attrs: conv({ outChannels: 4, kernel: [1, 1], pads: [0, 0, 0, 1] }) }, [[1, 3, 8, 8]])).toEqual([1, 4, 8, 9]);
    expect(errorOf(c([1, 3, 8, 8], conv({ outChannels: 4, kernel: [3, 3], pads: [0, 4097, 0, 0] })))).toBe('"c".pads[1]: got 4097; allowed: an integer from 0 to 4096');
    const pool = { kernel: [3, 3], strides: [1, 1], pads: [1, 3, 1, 1] };
    expect(errorOf(() => inferOutputShape({ name: 'mp', op: 'MaxPool', attrs: pool }, [[1, 3, 8, 8]]))).toBe('"mp".pads[1]: got 3; allowed: an integer from 0 to 2 (less than the kernel side 3)');
  });
  it('arity from the descriptor', () => {
    expect(errorOf(() => inferOutputShape({ name: 'c', op: 'Conv', attrs: conv({ outChannels: 4, kernel: [1, 1] }) }, [[1, 3, 8, 8], [1, 3, 8, 8]]))).toMatch(/^"c"\.inputs: got 2 input tensors; allowed: exactly one input tensor$/);
  });
});

describe('pools, reductions, Resize', () => {
  const shape = <K extends 'MaxPool' | 'AveragePool' | 'GlobalAveragePool' | 'ReduceMean' | 'Resize'>(op: K, attrs: NodeAttrs[K], x: number[]) => inferOutputShape({ name: 'p', op, attrs } as never, [x]);
  it('MaxPool / AveragePool at 1 to 3 axes, PyTorch ceil mode (the last window starts inside input + begin pad)', () => {
    // 1-D: floor((11 - 2) / 2) + 1 = 5
    expect(shape('MaxPool', { kernel: [2], strides: [2], pads: [0, 0] }, [1, 4, 11])).toEqual([1, 4, 5]);
    // ceil((11 - 2) / 2) + 1 = 6; the 6th window starts at 10 < 11: kept
    expect(shape('MaxPool', { kernel: [2], strides: [2], pads: [0, 0], ceilMode: true }, [1, 4, 11])).toEqual([1, 4, 6]);
    // 7 + 1 + 1 = 9, k 3, s 2: ceil(6 / 2) + 1 = 4, the 4th window starts at 6 < 7 + 1: kept
    expect(shape('AveragePool', { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true }, [1, 3, 7, 7])).toEqual([1, 3, 4, 4]);
    // 5 + 1 + 1 = 7, k 2, s 2: ceil(5 / 2) + 1 = 4, but the 4th window starts at 6 >= 5 + 1 (in the end pad): dropped, 3
    expect(shape('MaxPool', { kernel: [2], strides: [2], pads: [1, 1], ceilMode: true }, [1, 1, 5])).toEqual([1, 1, 3]);
    expect(shape('MaxPool', { kernel: [2, 2, 2], strides: [2, 2, 2], pads: [0, 0, 0, 0, 0, 0] }, [1, 2, 4, 6, 8])).toEqual([1, 2, 2, 3, 4]);
  });
  it('GlobalAveragePool keeps N and C at any rank >= 3; ReduceMean over sorted axes with keepdims', () => {
    expect(shape('GlobalAveragePool', {}, [1, 5, 7])).toEqual([1, 5, 1]);
    expect(shape('GlobalAveragePool', {}, [1, 5, 2, 3, 4])).toEqual([1, 5, 1, 1, 1]);
    expect(errorOf(() => shape('GlobalAveragePool', {}, [1, 5]))).toMatch(/^"p"\.input: got shape \[1,5\]; allowed: a tensor of rank 3 or more$/);
    expect(shape('ReduceMean', { axes: [2, 3], keepdims: true }, [1, 8, 4, 4])).toEqual([1, 8, 1, 1]);
    expect(shape('ReduceMean', { axes: [1], keepdims: false }, [1, 22, 64])).toEqual([1, 64]);
    expect(errorOf(() => shape('ReduceMean', { axes: [3, 2], keepdims: true }, [1, 8, 4, 4]))).toBe('"p".axes: got [3,2]; allowed: a non-empty ascending list of distinct axes from 0 to 3');
    expect(errorOf(() => shape('ReduceMean', { axes: [0, 1], keepdims: false }, [1, 8]))).toBe('"p".axes: got [0,1]; allowed: axes that leave at least one of the 2 axes when keepdims is 0');
  });
  it('Resize to `size` on the spatial axes; its ONNX sketch passes sizes [N, C, ...size], N and C from the input (the batch stays symbolic)', () => {
    expect(shape('Resize', { size: [8, 10], mode: 'nearest', coordinateMode: 'asymmetric', nearestMode: 'floor' }, [1, 3, 4, 5])).toEqual([1, 3, 8, 10]);
    expect(shape('Resize', { size: [9], mode: 'linear', coordinateMode: 'align_corners' }, [1, 2, 5])).toEqual([1, 2, 9]);
    expect(shape('Resize', { size: [2, 3, 4], mode: 'nearest', coordinateMode: 'half_pixel' }, [1, 2, 1, 1, 1])).toEqual([1, 2, 2, 3, 4]);
    expect(errorOf(() => shape('Resize', { size: [8], mode: 'nearest', coordinateMode: 'asymmetric' }, [1, 3, 4, 5]))).toBe('"p".size: got [8]; allowed: 2 output sizes (one per spatial axis)');
    expect(errorOf(() => shape('Resize', { size: [8, 0], mode: 'nearest', coordinateMode: 'asymmetric' }, [1, 3, 4, 5]))).toMatch(/^"p"\.size\[1\]: got 0; allowed: a positive integer/);
    expect(errorOf(() => shape('Resize', { size: [8, 8], mode: 'cubic' as never, coordinateMode: 'asymmetric' }, [1, 3, 4, 5]))).toBe('"p".mode: got "cubic"; allowed: nearest, linear');
    expect(errorOf(() => shape('Resize', { size: [8, 8], mode: 'linear', coordinateMode: 'tf_crop_and_resize' as never }, [1, 3, 4, 5]))).toBe(
      '"p".coordinateMode: got "tf_crop_and_resize"; allowed: half_pixel, pytorch_half_pixel, align_corners, asymmetric',
    );
    expect(errorOf(() => shape('Resize', { size: [8, 8], mode: 'linear', coordinateMode: 'asymmetric', nearestMode: 'floor' }, [1, 3, 4, 5]))).toMatch(/^"p"\.nearestMode: got "floor"; allowed: nothing/);
    const g = new GraphBuilder('r');
    const y = g.add('Resize', [g.input('x', [1, 3, 4, 5])], { size: [8, 10], mode: 'linear', coordinateMode: 'pytorch_half_pixel' });
    const graph = g.finish([y]);
    const int64 = (suffix: string, values: number[]) => ({ weight: { suffix, dims: [values.length], init: { int64: values } } });
    expect(opSpec('Resize').onnx(graph.nodes[0] as GraphNode & { op: 'Resize' }, graph)).toEqual([
      { opType: 'Shape', inputs: [{ tensor: 0 }], attributes: {} },
      { opType: 'Slice', inputs: [{ from: 0 }, int64('starts', [0]), int64('ends', [2])], attributes: {} },
      { opType: 'Concat', inputs: [{ from: 1 }, int64('size', [8, 10])], attributes: { axis: 0 } },
      { opType: 'Resize', inputs: [{ tensor: 0 }, '', '', { from: 2 }], attributes: { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' } },
    ]);
    expect(costOf(graph, graph.nodes[0]!)).toEqual({ macs: 0, params: 0, flashBytes: 0 });
  });
});

describe('BatchNormalization and LayerNormalization', () => {
  it('BN: 2 x C params, 0 flash (folded), rank >= 2, the ONNX statistics named as today', () => {
    const g = new GraphBuilder('bn');
    const y = g.add('BatchNormalization', [g.input('x', [1, 6, 7])], { epsilon: 1e-3 }, 'bn');
    const graph = g.finish([y]);
    expect(g.shape(y)).toEqual([1, 6, 7]);
    expect(costOf(graph, graph.nodes[0]!)).toEqual({ macs: 0, params: 12, flashBytes: 0 });
    const [sketch] = opSpec('BatchNormalization').onnx(graph.nodes[0] as GraphNode & { op: 'BatchNormalization' }, graph);
    expect(sketch?.inputs.map((i) => (typeof i === 'object' && 'weight' in i ? `${i.weight.suffix}:${String(i.weight.init)}:${i.weight.dims.join('x')}` : i))).toEqual([
      { tensor: 0 },
      'scale:bn-scale:6',
      'bias:bn-bias:6',
      'mean:bn-mean:6',
      'var:bn-var:6',
    ]);
    expect(sketch?.attributes).toEqual({ epsilon: { float: 1e-3 } });
    expect(errorOf(() => inferOutputShape({ name: 'bn', op: 'BatchNormalization', attrs: { epsilon: 0 } }, [[1, 6]]))).toBe('"bn".epsilon: got 0; allowed: a finite number above 0 and below 1');
    expect(errorOf(() => inferOutputShape({ name: 'bn', op: 'BatchNormalization', attrs: { epsilon: 1e-5 } }, [[6]]))).toMatch(/^"bn"\.input: got shape \[6\]; allowed: a tensor of rank 2 or more$/);
  });
  it('LN: params and flash 2 x prod(shape[axis:]); axis from 0 to rank - 1; ONNX scale ones and bias zeros of that shape', () => {
    const g = new GraphBuilder('ln');
    const x = g.input('x', [1, 3, 4, 4]);
    const a = g.add('LayerNormalization', [x], { axis: 1, epsilon: 1e-5 }, 'ln');
    const b = g.add('LayerNormalization', [a], { axis: 3, epsilon: 1e-6 }, 'ln');
    const graph = g.finish([b]);
    expect(g.shape(b)).toEqual([1, 3, 4, 4]);
    expect(costOf(graph, graph.nodes[0]!)).toEqual({ macs: 0, params: 2 * 48, flashBytes: 2 * 48 });
    expect(costOf(graph, graph.nodes[1]!)).toEqual({ macs: 0, params: 2 * 4, flashBytes: 2 * 4 });
    expect(opSpec('LayerNormalization').onnx(graph.nodes[1] as GraphNode & { op: 'LayerNormalization' }, graph)).toEqual([
      {
        opType: 'LayerNormalization',
        inputs: [{ tensor: 0 }, { weight: { suffix: 'scale', dims: [4], init: 'ones' } }, { weight: { suffix: 'bias', dims: [4], init: 'zeros' } }],
        attributes: { axis: 3, epsilon: { float: 1e-6 } },
      },
    ]);
    expect(errorOf(() => inferOutputShape({ name: 'ln', op: 'LayerNormalization', attrs: { axis: 4, epsilon: 1e-5 } }, [[1, 3, 4, 4]]))).toBe('"ln".axis: got 4; allowed: an integer from 0 to 3 (the first normalised axis)');
    expect(errorOf(() => inferOutputShape({ name: 'ln', op: 'LayerNormalization', attrs: { axis: -1, epsilon: 1e-5 } }, [[1, 3, 4, 4]]))).toMatch(/^"ln"\.axis: got -1;/);
  });
});

describe.skipIf(!HAVE_TORCH)("against PyTorch's modules: output shapes and parameter counts", () => {
  it('Conv1d/2d/3d with dilation and groups, ConvTranspose, pools in ceil mode, interpolate, LayerNorm', () => {
    // each case: [python expression of a module or function, input shape, our output shape, our params]
    const cases: [string, number[], readonly number[], number][] = [];
    const add = <K extends 'Conv' | 'ConvTranspose' | 'MaxPool' | 'AveragePool' | 'Resize' | 'LayerNormalization'>(py: string, x: number[], op: K, attrs: NodeAttrs[K]) => {
      const g = new GraphBuilder('t');
      const y = g.add(op, [g.input('x', x)], attrs);
      const graph = g.finish([y]);
      cases.push([py, x, g.shape(y), costOf(graph, graph.nodes[0]!).params]);
    };
    add('nn.Conv1d(32, 32, 3, stride=2, padding=4)', [1, 32, 128], 'Conv', conv({ outChannels: 32, kernel: [3], strides: [2], pads: [4, 4], bias: true }));
    add('nn.Conv2d(4, 6, 3, padding=2, dilation=(2, 3), groups=2, bias=False)', [1, 4, 13, 11], 'Conv', conv({ outChannels: 6, kernel: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 3], group: 2 }));
    add('nn.Conv3d(2, 4, (3, 1, 2), stride=(2, 1, 1), padding=(1, 0, 1))', [1, 2, 5, 6, 7], 'Conv', conv({ outChannels: 4, kernel: [3, 1, 2], strides: [2, 1, 1], pads: [1, 0, 1, 1, 0, 1], bias: true }));
    add('nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)', [1, 4, 5, 5], 'ConvTranspose', {
      ...conv({ outChannels: 6, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 2, bias: true }),
      outputPadding: [1, 1],
    });
    add('nn.ConvTranspose1d(3, 2, 3, stride=3, dilation=2, bias=False)', [1, 3, 7], 'ConvTranspose', conv({ outChannels: 2, kernel: [3], strides: [3], dilations: [2] }));
    add('nn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True)', [1, 2, 10], 'MaxPool', { kernel: [3], strides: [2], pads: [1, 1], ceilMode: true });
    add('nn.AvgPool3d(2, stride=2, ceil_mode=True)', [1, 2, 5, 4, 3], 'AveragePool', { kernel: [2, 2, 2], strides: [2, 2, 2], pads: [0, 0, 0, 0, 0, 0], ceilMode: true });
    add("lambda x: F.interpolate(x, size=(7, 9), mode='bilinear', align_corners=False)", [1, 2, 4, 5], 'Resize', { size: [7, 9], mode: 'linear', coordinateMode: 'pytorch_half_pixel' });
    add('nn.LayerNorm((4, 4))', [1, 3, 4, 4], 'LayerNormalization', { axis: 2, epsilon: 1e-5 });
    const script = [
      'import json, sys, torch',
      'from torch import nn',
      'import torch.nn.functional as F',
      'out = []',
      'for expr, shape in json.loads(sys.argv[1]):',
      '    m = eval(expr)',
      '    y = m(torch.zeros(shape))',
      '    params = sum(p.numel() for p in m.parameters()) if isinstance(m, nn.Module) else 0',
      '    out.append([list(y.shape), params])',
      'print(json.dumps(out))',
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script, JSON.stringify(cases.map(([py, x]) => [py, x]))], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const torch = JSON.parse(r.stdout) as [number[], number][];
    expect(cases.map(([, , shape, params]) => [shape, params])).toEqual(torch);
  });
});

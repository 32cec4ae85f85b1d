import { describe, expect, it } from 'vitest';
import { checkShapes, GraphBuilder } from '../../lib/graph/builder.js';
import { inferOutputShape } from '../../lib/graph/shapes.js';
import { OPS } from '../../lib/graph/ops/index.js';
import type { Graph, OpType } from '../../lib/graph/types.js';
import { OP_TYPES } from '../../lib/graph/types.js';
import { InputError } from '../../lib/errors.js';

describe('shape inference', () => {
  it('conv: floor((H + 2p - k) / s) + 1', () => {
    const attrs = { outChannels: 8, kernel: [7, 7] as const, strides: [2, 2] as const, pads: [3, 3, 3, 3] as const, group: 1, bias: false };
    expect(inferOutputShape({ name: 'c', op: 'Conv', attrs }, [[1, 3, 161, 161]])).toEqual([1, 8, 81, 81]);
    const noPad = { ...attrs, pads: [0, 0, 0, 0] as const, strides: [1, 1] as const };
    expect(inferOutputShape({ name: 'c', op: 'Conv', attrs: noPad }, [[1, 3, 10, 12]])).toEqual([1, 8, 4, 6]);
  });
  it('pooling, flatten, gemm, concat and broadcast multiply', () => {
    const pool = { kernel: [3, 3] as const, strides: [2, 2] as const, pads: [1, 1, 1, 1] as const };
    expect(inferOutputShape({ name: 'p', op: 'MaxPool', attrs: pool }, [[1, 16, 112, 112]])).toEqual([1, 16, 56, 56]);
    expect(inferOutputShape({ name: 'g', op: 'GlobalAveragePool', attrs: {} }, [[1, 16, 7, 7]])).toEqual([1, 16, 1, 1]);
    expect(inferOutputShape({ name: 'f', op: 'Flatten', attrs: { axis: 1 } }, [[1, 16, 2, 2]])).toEqual([1, 64]);
    expect(inferOutputShape({ name: 'l', op: 'Gemm', attrs: { outFeatures: 10, bias: true } }, [[1, 64]])).toEqual([1, 10]);
    expect(inferOutputShape({ name: 'c', op: 'Concat', attrs: { axis: 1 } }, [[1, 16, 4, 4], [1, 8, 4, 4]])).toEqual([1, 24, 4, 4]);
    expect(inferOutputShape({ name: 'm', op: 'Mul', attrs: {} }, [[1, 16, 4, 4], [1, 16, 1, 1]])).toEqual([1, 16, 4, 4]);
  });
  it('rejects mismatched inputs with an error naming the node', () => {
    expect(() => inferOutputShape({ name: 'add_3', op: 'Add', attrs: {} }, [[1, 16, 4, 4], [1, 8, 4, 4]])).toThrow(/^"add_3"\.inputs/);
    const attrs = { outChannels: 6, kernel: [3, 3] as const, strides: [1, 1] as const, pads: [1, 1, 1, 1] as const, group: 4, bias: false };
    expect(() => inferOutputShape({ name: 'dw', op: 'Conv', attrs }, [[1, 8, 4, 4]])).toThrow(InputError);
  });
  it('rejects impossible pooling, concat, flatten and conv attributes', () => {
    const pool = { kernel: [7, 7] as const, strides: [1, 1] as const, pads: [0, 0, 0, 0] as const };
    expect(() => inferOutputShape({ name: 'mp', op: 'MaxPool', attrs: pool }, [[1, 4, 3, 3]])).toThrow('"mp".kernel[0]: got 7, larger than the padded input 3 (3 + pads 0 and 0); allowed: an integer from 1 to 4096, no larger than the padded input 3');
    expect(() => inferOutputShape({ name: 'cat', op: 'Concat', attrs: { axis: 1 } }, [[1, 16, 4, 4], [1, 8, 2, 2]])).toThrow(/"cat"\.inputs.*equal except along axis 1/);
    expect(() => inferOutputShape({ name: 'cat', op: 'Concat', attrs: { axis: 4 } }, [[1, 16, 4, 4]])).toThrow(/"cat"\.axis: got 4; allowed: an integer from -4 to 3/);
    expect(inferOutputShape({ name: 'cat', op: 'Concat', attrs: { axis: -3 } }, [[1, 16, 4, 4], [1, 8, 4, 4]])).toEqual([1, 24, 4, 4]);
    expect(() => inferOutputShape({ name: 'fl', op: 'Flatten', attrs: { axis: 9 } }, [[1, 16, 4, 4]])).toThrow(/"fl"\.axis/);
    const attrs = { outChannels: 0, kernel: [1, 1] as const, strides: [1, 1] as const, pads: [0, 0, 0, 0] as const, group: 1, bias: false };
    expect(() => inferOutputShape({ name: 'pw', op: 'Conv', attrs }, [[1, 16, 4, 4]])).toThrow(/"pw"\.outChannels: got 0; allowed: a positive integer/);
  });
  it('an even kernel with k // 2 padding grows the map by one, so a residual add no longer fits', () => {
    const g = new GraphBuilder('even');
    const x = g.input('x', [1, 4, 32, 32]);
    const y = g.conv(x, { out: 4, kernel: 4, group: 4 });
    expect(g.shape(y)).toEqual([1, 4, 33, 33]);
    expect(() => g.add('Add', [y, x], {})).toThrow(InputError);
  });
  it('every op of OP_TYPES goes through its descriptor: the input count is checked against its arity, in one line', () => {
    for (const op of OP_TYPES) {
      const [min, max] = OPS[op].arity;
      expect(min, op).toBeGreaterThanOrEqual(1);
      const node = { name: 'n', op, attrs: {} } as Parameters<typeof inferOutputShape>[0];
      expect(() => inferOutputShape(node, []), op).toThrow(/^"n"\.inputs: got 0 input tensors; allowed: (exactly|at least|\d+ to \d+) /);
      if (max !== Infinity) expect(() => inferOutputShape(node, new Array(max + 1).fill([1, 3, 4, 4])), op).toThrow(new RegExp(`^"n"\\.inputs: got ${max + 1} input tensors;`));
    }
    const unknown = { name: 'n', op: 'Conv2d' as OpType, attrs: {} } as Parameters<typeof inferOutputShape>[0];
    expect(() => inferOutputShape(unknown, [[1, 3, 4, 4]])).toThrow(/^"n"\.op: got "Conv2d"; allowed: one of the \d+ graph ops \(OP_TYPES: Conv, ConvTranspose, \.\.\., \w+\)$/);
  });
  it('checkShapes recomputes a graph and finds a wrong declared shape', () => {
    const g = new GraphBuilder('t');
    const y = g.conv(g.input('x', [1, 3, 32, 32]), { out: 8, kernel: 3, stride: 2 });
    const graph = g.finish([y]);
    expect(() => checkShapes(graph)).not.toThrow();
    const broken: Graph = { ...graph, tensors: graph.tensors.map((t, i) => (i === y ? { ...t, shape: [1, 8, 32, 32] } : t)) };
    expect(() => checkShapes(broken)).toThrow(/inferred shape 1x8x16x16/);
  });
});

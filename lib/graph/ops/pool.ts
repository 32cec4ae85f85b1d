/**
 * The pool family: windows and reductions with no weights (0 MACs, 0 params under the README's
 * "How costs are counted": pooling is not a multiply-accumulate).
 * - MaxPool / AveragePool: 1 to 3 spatial axes, PyTorch's ceil mode, count_include_pad;
 * - GlobalAveragePool: [N, C, ...] -> [N, C, 1, ...];
 * - ReduceMean: the mean over `axes` (ascending, unique, non-negative), keepdims;
 * - Resize: nearest or (bi/tri)linear resampling of the spatial axes to `size`.
 */
import { InputError } from '../../errors.js';
import { checkSize, checkWindow } from '../bounds.js';
import type { NodeAttrs, PoolAttrs } from '../types.js';
import { RESIZE_COORDINATE_MODES, RESIZE_NEAREST_MODES } from '../types.js';
import { expectMinRank, expectRank, inputShape, NO_COST } from './common.js';
import { convOutSize, KERNEL_ATTR, PADS_ATTR, STRIDES_ATTR } from './conv.js';
import type { AttrSpec, OnnxSketch, OnnxWeight, OpSpec, OpTable, Shape } from './spec.js';

/**
 * PyTorch's pooling output size along one axis; in ceil mode the size rounds up, but the last
 * window must start inside the input or its begin pad (PyTorch and ONNX drop one that starts in
 * the end pad).
 */
export function poolOutSize(size: number, kernel: number, stride: number, padBegin: number, padEnd: number, ceil: boolean): number {
  if (!ceil) return convOutSize(size, kernel, stride, padBegin, padEnd);
  let out = Math.ceil((size + padBegin + padEnd - kernel) / stride) + 1;
  if ((out - 1) * stride >= size + padBegin) out -= 1;
  return out;
}

function poolShape(node: string, x: Shape | undefined, a: PoolAttrs): Shape {
  const shape = expectRank(node, 'input', x, [3, 4, 5]);
  const spatial = shape.slice(2);
  const rank = spatial.length;
  checkWindow(node, a, spatial);
  const ceil = a.ceilMode ?? false;
  const out = spatial.map((size, i) => poolOutSize(size, a.kernel[i] as number, a.strides[i] as number, a.pads[i] as number, a.pads[i + rank] as number, ceil));
  return [shape[0] as number, shape[1] as number, ...out];
}

function poolOnnx(op: 'MaxPool' | 'AveragePool', a: PoolAttrs): OnnxSketch[] {
  const attributes: Record<string, OnnxSketch['attributes'][string]> = { kernel_shape: a.kernel, strides: a.strides, pads: a.pads, ceil_mode: a.ceilMode ? 1 : 0 };
  if (op === 'AveragePool') attributes.count_include_pad = a.countIncludePad === false ? 0 : 1;
  return [{ opType: op, inputs: [{ tensor: 0 }], attributes }];
}

const POOL_DSL: readonly AttrSpec[] = [
  KERNEL_ATTR,
  STRIDES_ATTR,
  PADS_ATTR,
  { key: 'ceil', prop: 'ceilMode', kind: 'bool', optional: true, expected: 'ceil mode, 0 or 1' },
  { key: 'countpad', prop: 'countIncludePad', kind: 'bool', optional: true, expected: 'count_include_pad, 0 or 1' },
];

/** ReduceMean: axes a non-empty ascending list of distinct axes in [0, rank); keepdims 0 must leave one axis. */
function reduceMeanShape(node: string, x: Shape | undefined, a: NodeAttrs['ReduceMean']): Shape {
  const shape = expectMinRank(node, 'input', x, 1);
  const rank = shape.length;
  const axes: unknown = a.axes;
  const ok =
    Array.isArray(axes) &&
    axes.length > 0 &&
    axes.every((v, i) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < rank && (i === 0 || v > (axes[i - 1] as number)));
  if (!ok) throw new InputError(`${node}.axes`, axes, `a non-empty ascending list of distinct axes from 0 to ${rank - 1}`);
  if (typeof a.keepdims !== 'boolean') throw new InputError(`${node}.keepdims`, a.keepdims, 'true or false');
  const reduced = new Set(a.axes);
  if (a.keepdims) return shape.map((d, i) => (reduced.has(i) ? 1 : d));
  if (reduced.size === rank) throw new InputError(`${node}.axes`, a.axes, `axes that leave at least one of the ${rank} axes when keepdims is 0`);
  return shape.filter((_, i) => !reduced.has(i));
}

/** Resize: one output size per spatial axis of an [N, C, ...] input; N and C unchanged. */
function resizeShape(node: string, x: Shape | undefined, a: NodeAttrs['Resize']): Shape {
  const shape = expectMinRank(node, 'input', x, 3);
  const spatial = shape.length - 2;
  if (!Array.isArray(a.size) || a.size.length !== spatial) throw new InputError(`${node}.size`, a.size, `${spatial} output sizes (one per spatial axis)`);
  a.size.forEach((s, i) => checkSize(`${node}.size[${i}]`, s));
  if (a.mode !== 'nearest' && a.mode !== 'linear') throw new InputError(`${node}.mode`, a.mode, 'nearest, linear');
  if (!(RESIZE_COORDINATE_MODES as readonly string[]).includes(a.coordinateMode)) throw new InputError(`${node}.coordinateMode`, a.coordinateMode, RESIZE_COORDINATE_MODES.join(', '));
  if (a.nearestMode !== undefined) {
    if (a.mode !== 'nearest') throw new InputError(`${node}.nearestMode`, a.nearestMode, 'nothing: nearestMode applies to mode nearest only');
    if (!(RESIZE_NEAREST_MODES as readonly string[]).includes(a.nearestMode)) throw new InputError(`${node}.nearestMode`, a.nearestMode, RESIZE_NEAREST_MODES.join(', '));
  }
  return [shape[0] as number, shape[1] as number, ...a.size];
}

/** MaxPool and AveragePool: the same window rules, no weights, charged by no SRAM rule. */
function windowPool<K extends 'MaxPool' | 'AveragePool'>(op: K, torch: string): OpSpec<K> {
  return {
    family: 'pool',
    arity: [1, 1],
    shape: (node, [x]) => poolShape(node.name, x, node.attrs),
    cost: () => NO_COST,
    sram: 'copy',
    onnx: (node) => poolOnnx(op, node.attrs as PoolAttrs),
    onnxImport: [op],
    dsl: POOL_DSL,
    kernelKind: () => 'pool',
    fusable: false,
    width: null,
    torch,
  };
}

export const POOL_OPS: Pick<OpTable, 'MaxPool' | 'AveragePool' | 'GlobalAveragePool' | 'ReduceMean' | 'Resize'> = {
  MaxPool: windowPool('MaxPool', 'nn.MaxPool1d/nn.MaxPool2d/nn.MaxPool3d'),
  AveragePool: windowPool('AveragePool', 'nn.AvgPool1d/nn.AvgPool2d/nn.AvgPool3d'),
  GlobalAveragePool: {
    family: 'pool',
    arity: [1, 1],
    shape(node, [x]) {
      const shape = expectMinRank(node.name, 'input', x, 3);
      return shape.map((d, i) => (i < 2 ? d : 1));
    },
    cost: () => NO_COST,
    sram: 'copy',
    onnx: () => [{ opType: 'GlobalAveragePool', inputs: [{ tensor: 0 }], attributes: {} }],
    // ReduceMean over every spatial axis with keepdims 1 is a global average pool
    onnxImport: ['GlobalAveragePool', 'ReduceMean'],
    dsl: [],
    kernelKind: () => 'global-pool',
    fusable: false,
    width: null,
    torch: 'nn.AdaptiveAvgPool1d/nn.AdaptiveAvgPool2d/nn.AdaptiveAvgPool3d(1)',
  },
  ReduceMean: {
    family: 'pool',
    arity: [1, 1],
    shape: (node, [x]) => reduceMeanShape(node.name, x, node.attrs),
    cost: () => NO_COST,
    sram: 'copy',
    // opset < 18: axes is an attribute (the exporter moves it to an input at opset >= 18)
    onnx: (node) => [{ opType: 'ReduceMean', inputs: [{ tensor: 0 }], attributes: { axes: node.attrs.axes, keepdims: node.attrs.keepdims ? 1 : 0 } }],
    onnxImport: ['ReduceMean'],
    dsl: [
      { key: 'axes', prop: 'axes', kind: 'ints', expected: 'axes like 2,3 (ascending, non-negative)' },
      { key: 'keep', prop: 'keepdims', kind: 'bool', expected: 'keepdims, 0 or 1' },
    ],
    kernelKind: () => 'global-pool',
    fusable: false,
    width: null,
    torch: 'torch.mean',
  },
  Resize: {
    family: 'pool',
    arity: [1, 1],
    shape: (node, [x]) => resizeShape(node.name, x, node.attrs),
    cost: () => NO_COST,
    sram: 'copy',
    onnx(node) {
      const a = node.attrs;
      const attributes: Record<string, OnnxSketch['attributes'][string]> = { mode: a.mode, coordinate_transformation_mode: a.coordinateMode };
      if (a.nearestMode !== undefined) attributes.nearest_mode = a.nearestMode;
      const int64 = (suffix: string, values: readonly number[]): { weight: OnnxWeight } => ({ weight: { suffix, dims: [values.length], init: { int64: values } } });
      // sizes = [N, C] of the input (Shape, Slice: the batch stays symbolic) + the spatial sizes;
      // opset >= 13: Resize [x, roi, scales, sizes], roi and scales absent
      const sketches: OnnxSketch[] = [
        { opType: 'Shape', inputs: [{ tensor: 0 }], attributes: {} },
        { opType: 'Slice', inputs: [{ from: 0 }, int64('starts', [0]), int64('ends', [2])], attributes: {} },
        { opType: 'Concat', inputs: [{ from: 1 }, int64('size', a.size)], attributes: { axis: 0 } },
        { opType: 'Resize', inputs: [{ tensor: 0 }, '', '', { from: 2 }], attributes },
      ];
      return sketches;
    },
    onnxImport: ['Resize', 'Upsample'],
    dsl: [
      { key: 'size', prop: 'size', kind: 'dims', expected: 'output sizes like 32x32 (or 32, 8x32x32)' },
      { key: 'mode', prop: 'mode', kind: 'word', words: ['nearest', 'linear'], expected: 'nearest or linear' },
      { key: 'coord', prop: 'coordinateMode', kind: 'word', words: RESIZE_COORDINATE_MODES, expected: `a coordinate mode: ${RESIZE_COORDINATE_MODES.join(', ')}` },
      { key: 'nearest', prop: 'nearestMode', kind: 'word', words: RESIZE_NEAREST_MODES, optional: true, expected: `a nearest mode: ${RESIZE_NEAREST_MODES.join(', ')}` },
    ],
    kernelKind: () => 'pool',
    fusable: false,
    width: null,
    torch: 'F.interpolate',
  },
};

/**
 * The shape family: data movement, no arithmetic and no weights (0 MACs, 0 params, 0 flash).
 * Flatten and Reshape are views (`sram: 'inplace'`, latency kind 'free'); Transpose, Concat,
 * Slice and Pad write a new buffer ('copy', latency kind 'concat').
 * Semantics as ONNX (opset >= 13 for Reshape / Slice / Pad inputs); attributes are stored
 * resolved: a Reshape target without 0 or -1, Slice starts / ends clamped to [0, dim] and steps
 * >= 1, Pad two values per axis (all begins, then all ends).
 */
import { InputError } from '../../errors.js';
import { checkFloat, checkPad, checkShape } from '../bounds.js';
import { axisOf, expectInts, inputShape, NO_COST, product } from './common.js';
import type { AttrSpec, OnnxSketch, OpSpec, OpTable, Shape } from './spec.js';

type ShapeOp = 'Flatten' | 'Reshape' | 'Transpose' | 'Concat' | 'Slice' | 'Pad';

/** The facets every shape op shares. */
function movement<K extends ShapeOp>(view: boolean): Pick<OpSpec<K>, 'family' | 'cost' | 'sram' | 'kernelKind' | 'fusable' | 'width'> {
  return { family: 'shape', cost: () => NO_COST, sram: view ? 'inplace' : 'copy', kernelKind: () => (view ? 'free' : 'concat'), fusable: false, width: null };
}

/** An int64 initializer `${node}.${suffix}` holding `values` (Reshape, Slice and Pad read their indices as inputs). */
const int64 = (suffix: string, values: readonly number[]) => ({ weight: { suffix, dims: [values.length], init: { int64: values } } });

const PAD_MODES = ['constant', 'reflect', 'edge'] as const;
const AXIS: readonly AttrSpec[] = [{ key: 'axis', prop: 'axis', kind: 'int', expected: 'an integer axis' }];

/** Slice: each listed axis cut to [start, end) with a step; returns the output shape. */
function sliceShape(name: string, a: { axes: readonly number[]; starts: readonly number[]; ends: readonly number[]; steps: readonly number[] }, x: Shape): Shape {
  if (!Array.isArray(a.axes) || a.axes.length === 0) throw new InputError(`${name}.axes`, a.axes, 'a list of one or more axes');
  const n = a.axes.length;
  const out = [...x];
  const seen = new Set<number>();
  a.axes.forEach((axis, i) => {
    const ax = axisOf(name, `axes[${i}]`, axis, x.length);
    if (seen.has(ax)) throw new InputError(`${name}.axes`, a.axes, `axes that are unique (axis ${ax} is listed twice)`);
    seen.add(ax);
  });
  const starts = expectInts(name, 'starts', a.starts, n, 'one start per axis');
  const ends = expectInts(name, 'ends', a.ends, n, 'one end per axis');
  const steps = expectInts(name, 'steps', a.steps, n, 'one step per axis');
  a.axes.forEach((axis, i) => {
    const ax = axis < 0 ? axis + x.length : axis;
    const dim = x[ax] as number;
    const start = starts[i] as number;
    const end = ends[i] as number;
    const step = steps[i] as number;
    if (start < 0 || start >= dim) throw new InputError(`${name}.starts[${i}]`, start, `an integer from 0 to ${dim - 1} (axis ${ax} has ${dim})`);
    if (end <= start || end > dim) throw new InputError(`${name}.ends[${i}]`, end, `an integer from ${start + 1} to ${dim} (after the start ${start}; axis ${ax} has ${dim})`);
    if (step < 1) throw new InputError(`${name}.steps[${i}]`, step, 'an integer >= 1 (a negative step is refused on an activation)');
    out[ax] = Math.ceil((end - start) / step);
  });
  return out;
}

export const SHAPE_OPS: Pick<OpTable, ShapeOp> = {
  Flatten: {
    ...movement<'Flatten'>(true),
    arity: [1, 1],
    shape(node, [x]) {
      const s = x as Shape;
      const axis = axisOf(node.name, 'axis', node.attrs.axis, s.length + 1);
      return [product(s.slice(0, axis)), product(s.slice(axis))];
    },
    onnx: (node) => [{ opType: 'Flatten', inputs: [{ tensor: 0 }], attributes: { axis: node.attrs.axis } }],
    onnxImport: ['Flatten', 'Reshape', 'Squeeze'],
    dsl: AXIS,
    torch: 'torch.flatten',
  },
  Reshape: {
    ...movement<'Reshape'>(true),
    arity: [1, 1],
    shape(node, [x]) {
      const s = x as Shape;
      const target = node.attrs.shape;
      if (!Array.isArray(target)) throw new InputError(`${node.name}.shape`, target, 'a target shape like [1, 2, 4, 8, 8]');
      checkShape(`${node.name}.shape`, target);
      if (product(target) !== product(s)) throw new InputError(`${node.name}.shape`, target, `a shape of ${product(s)} elements (the input ${s.join('x')})`, `${JSON.stringify(target)} has ${product(target)} elements`);
      return [...target];
    },
    // The leading dimension is written 0 (copy the input's) when it is the input's own batch, so
    // the file still runs at any batch size (its input's batch is symbolic).
    onnx(node, graph) {
      const s = inputShape(graph, node);
      const target = node.attrs.shape.map((d, i) => (i === 0 && d === s[0] ? 0 : d));
      return [{ opType: 'Reshape', inputs: [{ tensor: 0 }, int64('shape', target)], attributes: {} }];
    },
    onnxImport: ['Reshape', 'Squeeze', 'Unsqueeze'],
    dsl: [{ key: 'shape', prop: 'shape', kind: 'shape', expected: 'the target shape, like 1x2x4x8x8' }],
    torch: 'torch.reshape',
  },
  Transpose: {
    ...movement<'Transpose'>(false),
    arity: [1, 1],
    shape(node, [x]) {
      const s = x as Shape;
      const perm = expectInts(node.name, 'perm', node.attrs.perm, s.length, `a permutation of 0 to ${s.length - 1}`);
      if (new Set(perm).size !== s.length || perm.some((p) => p < 0 || p >= s.length)) {
        throw new InputError(`${node.name}.perm`, perm, `a permutation of 0 to ${s.length - 1} (each axis once)`);
      }
      return perm.map((p) => s[p] as number);
    },
    onnx: (node) => [{ opType: 'Transpose', inputs: [{ tensor: 0 }], attributes: { perm: node.attrs.perm } }],
    onnxImport: ['Transpose'],
    dsl: [{ key: 'perm', prop: 'perm', kind: 'ints', expected: 'a permutation of the axes, like 0,2,1,3' }],
    torch: 'torch.permute',
  },
  Concat: {
    ...movement<'Concat'>(false),
    arity: [1, Infinity],
    shape(node, inputs) {
      const first = inputs[0] as Shape;
      const axis = axisOf(node.name, 'axis', node.attrs.axis, first.length);
      for (const s of inputs) {
        if (s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i])) {
          throw new InputError(`${node.name}.inputs`, inputs, `shapes equal except along axis ${axis}`);
        }
      }
      return first.map((d, i) => (i === axis ? inputs.reduce((sum, s) => sum + (s[i] as number), 0) : d));
    },
    onnx: (node) => [{ opType: 'Concat', inputs: node.inputs.map((_, i) => ({ tensor: i })), attributes: { axis: node.attrs.axis } }],
    onnxImport: ['Concat'],
    dsl: AXIS,
    torch: 'torch.cat',
  },
  Slice: {
    ...movement<'Slice'>(false),
    arity: [1, 1],
    shape: (node, [x]) => sliceShape(node.name, node.attrs, x as Shape),
    onnx(node) {
      const a = node.attrs;
      const inputs: OnnxSketch['inputs'] = [{ tensor: 0 }, int64('starts', a.starts), int64('ends', a.ends), int64('axes', a.axes), int64('steps', a.steps)];
      return [{ opType: 'Slice', inputs, attributes: {} }];
    },
    onnxImport: ['Slice', 'Split'],
    dsl: [
      { key: 'axes', prop: 'axes', kind: 'ints', expected: 'the sliced axes, like 1 or 2,3' },
      { key: 'starts', prop: 'starts', kind: 'ints', expected: 'one start per axis, like 0' },
      { key: 'ends', prop: 'ends', kind: 'ints', expected: 'one end per axis, like 4' },
      { key: 'steps', prop: 'steps', kind: 'ints', expected: 'one step per axis, like 1' },
    ],
    torch: 'x[..., start:end:step] (tensor slicing)',
  },
  Pad: {
    ...movement<'Pad'>(false),
    arity: [1, 1],
    shape(node, [x]) {
      const s = x as Shape;
      const a = node.attrs;
      const pads = expectInts(node.name, 'pads', a.pads, 2 * s.length, 'two per axis: all begins, then all ends');
      pads.forEach((p, i) => checkPad(`${node.name}.pads[${i}]`, p));
      if (!(PAD_MODES as readonly string[]).includes(a.mode)) throw new InputError(`${node.name}.mode`, a.mode, `one of ${PAD_MODES.join(', ')}`);
      checkFloat(`${node.name}.value`, a.value, { infinite: true });
      if (a.mode === 'reflect') {
        pads.forEach((p, i) => {
          const dim = s[i % s.length] as number;
          if (p > dim - 1) throw new InputError(`${node.name}.pads[${i}]`, p, `an integer from 0 to ${dim - 1} (reflect mode: less than the axis size ${dim})`);
        });
      }
      return s.map((d, i) => d + (pads[i] as number) + (pads[i + s.length] as number));
    },
    // opset >= 11: pads an int64 input, the fill value a scalar input
    onnx(node) {
      const a = node.attrs;
      const fill = { weight: { suffix: 'value', dims: [], init: { value: a.value } } };
      const inputs: OnnxSketch['inputs'] = a.mode === 'constant' ? [{ tensor: 0 }, int64('pads', a.pads), fill] : [{ tensor: 0 }, int64('pads', a.pads)];
      return [{ opType: 'Pad', inputs, attributes: { mode: a.mode } }];
    },
    onnxImport: ['Pad'],
    dsl: [
      { key: 'pads', prop: 'pads', kind: 'pads', expected: 'two pads per axis, all begins then all ends, like 0,0,1,1,0,0,1,1' },
      { key: 'mode', prop: 'mode', kind: 'word', words: PAD_MODES, expected: 'the pad mode, constant, reflect or edge' },
      { key: 'value', prop: 'value', kind: 'float', expected: 'the fill value of constant mode, a number like 0 (inf and -inf allowed)' },
    ],
    torch: 'F.pad',
  },
};

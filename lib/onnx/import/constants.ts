/**
 * Constant folding: an ONNX node all of whose inputs are constants is evaluated here instead of
 * becoming a graph node (PyTorch writes shapes, pads and Resize sizes as small subgraphs of
 * Shape, Gather, Concat, Slice, ...). `Shape` of an activation is a constant too (shapes are
 * fixed at import). Each folder gets the constant inputs ('' / absent: undefined) and returns
 * the node's outputs.
 */
import { InputError } from '../../errors.js';
import { MAX_TENSOR_ELEMENTS, MAX_TENSOR_RANK } from '../../graph/bounds.js';
import type { NodeProto } from '../proto.js';
import type { Attrs, Constant, ImportContext } from './context.js';
import { elementsOf, isIntType, known, readConstant, shown } from './context.js';
import { concat, elementwise, gather, MAX_FOLDED_VALUES, resolveReshape, slice, transpose } from './fold.js';
import { axisIn, sliceInputs, squeezeDims, unsqueezeDims } from './axes.js';

export type Handler = (ctx: ImportContext, node: NodeProto, a: Attrs) => void;
type Folder = (ctx: ImportContext, node: NodeProto, a: Attrs, inputs: readonly (Constant | undefined)[]) => Constant | Constant[];

const need = (ctx: ImportContext, node: NodeProto, inputs: readonly (Constant | undefined)[], i: number, what: string): Constant => {
  const c = inputs[i];
  if (!c) throw new InputError(`${ctx.field(node)} input ${i}`, node.input?.[i] ?? '', `a constant ${what}`, 'is missing');
  return c;
};
const valuesOf = (ctx: ImportContext, node: NodeProto, c: Constant, what: string): number[] => {
  if (!known(c)) throw new InputError(`${ctx.field(node)} ${what}`, c.dims, `a constant of at most ${MAX_FOLDED_VALUES} values`);
  return c.values;
};
const arithmetic = (f: (x: number, y: number) => number, intF?: (x: number, y: number) => number): Folder => (ctx, node, _a, inputs) => {
  const x = need(ctx, node, inputs, 0, 'operand');
  const y = need(ctx, node, inputs, 1, 'operand');
  const int = x.int && y.int;
  return elementwise(ctx.field(node, 'inputs'), [x, y], int, int && intF ? intF : f);
};
const unary = (f: (x: number) => number): Folder => (ctx, node, _a, inputs) => {
  const x = need(ctx, node, inputs, 0, 'operand');
  return elementwise(ctx.field(node), [x], x.int, f);
};
/**
 * The dims of a shape input (ConstantOfShape, Expand): at most MAX_TENSOR_RANK non-negative
 * integers holding at most MAX_TENSOR_ELEMENTS elements.
 */
const shapeOf = (ctx: ImportContext, node: NodeProto, inputs: readonly (Constant | undefined)[], i: number): number[] => {
  const c = need(ctx, node, inputs, i, 'shape');
  const field = `${ctx.field(node)} shape`;
  if (c.dims.length > 1 || (c.dims[0] ?? 1) > MAX_TENSOR_RANK) throw new InputError(field, c.dims, `a 1-D shape of at most ${MAX_TENSOR_RANK} dimensions (the most PyTorch tensors take)`);
  const dims = valuesOf(ctx, node, c, 'shape');
  if (dims.some((d) => !Number.isInteger(d) || d < 0) || elementsOf(dims) > MAX_TENSOR_ELEMENTS) {
    throw new InputError(field, dims, `non-negative integers, at most ${MAX_TENSOR_ELEMENTS.toLocaleString('en-US')} (2^40) elements in all`);
  }
  return dims;
};
/** Axes of Unsqueeze / Squeeze / ReduceX: attribute before opset 13, input 1 from it. */
const axesOf = (ctx: ImportContext, node: NodeProto, a: Attrs, inputs: readonly (Constant | undefined)[]): number[] | undefined =>
  a.ints('axes') ?? (inputs[1] ? valuesOf(ctx, node, inputs[1], 'axes') : undefined);

/** Folders by ONNX op type. */
export const FOLDERS: Readonly<Record<string, Folder>> = {
  Identity: (ctx, node, _a, inputs) => {
    const stored = ctx.storedName(node.input?.[0] ?? '');
    if (stored && !ctx.uniform.has(stored)) ctx.aliases.set(node.output?.[0] as string, stored);
    return need(ctx, node, inputs, 0, 'input');
  },
  Dropout: (ctx, node, _a, inputs) => need(ctx, node, inputs, 0, 'input'),
  Cast: (ctx, node, a, inputs) => {
    const x = need(ctx, node, inputs, 0, 'input');
    const int = isIntType(a.int('to', 1));
    const values = x.values.length > MAX_FOLDED_VALUES ? [] : int ? x.values.map(Math.trunc) : x.values; // a long value_ints: dims only
    return { dims: x.dims, values, int };
  },
  Gather: (ctx, node, a, inputs) => {
    const x = need(ctx, node, inputs, 0, 'data');
    const idx = need(ctx, node, inputs, 1, 'indices');
    const axis = axisIn(ctx.field(node, 'axis'), a.int('axis', 0), x.dims.length);
    const n = x.dims[axis] as number;
    const values = valuesOf(ctx, node, idx, 'indices');
    if (values.some((i) => !Number.isInteger(i) || i < -n || i >= n)) throw new InputError(`${ctx.field(node)} indices`, values, `integers from ${-n} to ${n - 1}`);
    return gather(x, idx, axis);
  },
  Unsqueeze: (ctx, node, a, inputs) => {
    const x = need(ctx, node, inputs, 0, 'input');
    return { ...x, dims: unsqueezeDims(ctx.field(node, 'axes'), x.dims, axesOf(ctx, node, a, inputs) ?? []) };
  },
  Squeeze: (ctx, node, a, inputs) => {
    const x = need(ctx, node, inputs, 0, 'input');
    return { ...x, dims: squeezeDims(ctx.field(node, 'axes'), x.dims, axesOf(ctx, node, a, inputs)) };
  },
  Concat: (ctx, node, a, inputs) => {
    const parts = inputs.filter((c): c is Constant => c !== undefined);
    const rank = parts[0]?.dims.length ?? 0;
    const axis = axisIn(ctx.field(node, 'axis'), a.int('axis', 0), rank);
    if (parts.some((p) => p.dims.length !== rank || p.dims.some((d, i) => i !== axis && d !== parts[0]?.dims[i]))) {
      throw new InputError(`${ctx.field(node)} inputs`, parts.map((p) => p.dims), `constants of equal shapes except along axis ${axis}`);
    }
    return concat(parts, axis);
  },
  Reshape: (ctx, node, a, inputs) => {
    const x = need(ctx, node, inputs, 0, 'data');
    const target = valuesOf(ctx, node, need(ctx, node, inputs, 1, 'shape'), 'shape');
    return { ...x, dims: resolveReshape(`${ctx.field(node)} shape`, x.dims, target, a.int('allowzero', 0) === 1) };
  },
  Flatten: (ctx, node, a, inputs) => {
    const x = need(ctx, node, inputs, 0, 'input');
    const axis = axisIn(ctx.field(node, 'axis'), a.int('axis', 1), x.dims.length + 1);
    return { ...x, dims: [elementsOf(x.dims.slice(0, axis)), elementsOf(x.dims.slice(axis))] };
  },
  Transpose: (ctx, node, a, inputs) => {
    const x = need(ctx, node, inputs, 0, 'input');
    const perm = a.ints('perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
    if ([...perm].sort((p, q) => p - q).join() !== x.dims.map((_, i) => i).join()) throw new InputError(`${ctx.field(node)} perm`, perm, `a permutation of 0..${x.dims.length - 1}`);
    return transpose(x, perm);
  },
  Slice: (ctx, node, a, inputs) => {
    const x = need(ctx, node, inputs, 0, 'data');
    const s = sliceInputs(ctx, node, a, x.dims, true);
    return slice(x, s.axes, s.starts, s.ends, s.steps);
  },
  ConstantOfShape: (ctx, node, a, inputs) => {
    const dims = shapeOf(ctx, node, inputs, 0);
    const t = a.tensor('value');
    const value = t ? readConstant(t, `${ctx.field(node)} value`) : { dims: [1], values: [0], int: false };
    const fill = value.values[0] ?? 0;
    return { dims, values: elementsOf(dims) > MAX_FOLDED_VALUES ? [] : new Array<number>(elementsOf(dims)).fill(fill), int: value.int };
  },
  Range: (ctx, node, _a, inputs) => {
    const [start, limit, delta] = [0, 1, 2].map((i) => valuesOf(ctx, node, need(ctx, node, inputs, i, 'scalar'), 'range')[0] as number) as [number, number, number];
    const count = delta === 0 ? Infinity : Math.max(0, Math.ceil((limit - start) / delta));
    if (!(count <= MAX_FOLDED_VALUES)) throw new InputError(`${ctx.field(node)}`, [start, limit, delta], `a range of at most ${MAX_FOLDED_VALUES} values`);
    return { dims: [count], values: Array.from({ length: count }, (_, i) => start + i * delta), int: (inputs[0] as Constant).int };
  },
  Add: arithmetic((x, y) => x + y),
  Sub: arithmetic((x, y) => x - y),
  Mul: arithmetic((x, y) => x * y),
  Div: arithmetic((x, y) => x / y, (x, y) => Math.trunc(x / y)),
  Pow: arithmetic((x, y) => x ** y),
  Equal: (ctx, node, a, inputs) => ({ ...(arithmetic((x, y) => (x === y ? 1 : 0))(ctx, node, a, inputs) as Constant), int: true }),
  Where: (ctx, node, _a, inputs) => {
    const parts = [0, 1, 2].map((i) => need(ctx, node, inputs, i, 'operand'));
    return elementwise(ctx.field(node, 'inputs'), parts, (parts[1] as Constant).int, (c, x, y) => (c ? x : y));
  },
  Expand: (ctx, node, _a, inputs) => {
    const x = need(ctx, node, inputs, 0, 'input');
    const shape = shapeOf(ctx, node, inputs, 1);
    return elementwise(ctx.field(node, 'shape'), [x, { dims: shape, values: elementsOf(shape) > MAX_FOLDED_VALUES ? [] : new Array<number>(elementsOf(shape)).fill(0), int: x.int }], x.int, (v) => v);
  },
  Neg: unary((x) => -x),
  Sqrt: unary(Math.sqrt),
  Floor: unary(Math.floor),
  Ceil: unary(Math.ceil),
  Split: (ctx, node, a, inputs) => {
    const x = need(ctx, node, inputs, 0, 'input');
    const axis = axisIn(ctx.field(node, 'axis'), a.int('axis', 0), x.dims.length);
    let start = 0;
    return splitSizes(ctx, node, a, x.dims[axis] as number).map((size) => {
      start += size;
      return slice(x, [axis], [start - size], [start], [1]);
    });
  },
};

/**
 * The sizes of a Split's outputs along its axis: the `split` input (opset 13) or attribute,
 * else equal parts (the last smaller, as opset 18's num_outputs).
 */
export function splitSizes(ctx: ImportContext, node: NodeProto, a: Attrs, dim: number): number[] {
  const given = a.ints('split') ?? (node.input?.[1] ? ctx.valuesOf(node, 1, 'split') : undefined);
  const outputs = node.output?.length ?? 1;
  // before opset 18 equal parts only; from it num_outputs (the last part smaller)
  if (!given && ctx.opset < 18 && dim % outputs !== 0) throw new InputError(`${ctx.field(node)} split`, [], `split sizes, or an axis length divisible by the ${outputs} outputs (equal parts before opset 18)`, `none given for an axis of length ${dim} into ${outputs} outputs`);
  if (!given && a.has('num_outputs') && a.int('num_outputs', 0) !== outputs) throw new InputError(`${ctx.field(node)} num_outputs`, a.int('num_outputs', 0), `the node's ${outputs} outputs`);
  const sizes = given ?? Array.from({ length: outputs }, (_, i) => Math.min(Math.ceil(dim / outputs), Math.max(0, dim - i * Math.ceil(dim / outputs))));
  if (sizes.length !== outputs || sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((p, q) => p + q, 0) !== dim) {
    throw new InputError(`${ctx.field(node)} split`, sizes, `${outputs} sizes (one per output), non-negative, adding up to the axis length ${dim}`);
  }
  return sizes;
}

/** ONNX op types folded when all their inputs are constants. */
export const FOLDABLE_OPS: readonly string[] = Object.keys(FOLDERS);

/**
 * Most folding work in one file: values computed times (rank + 1), summed over the folded nodes
 * (2^24; PyTorch's shape arithmetic takes a few thousand). Each fold computes at most
 * MAX_FOLDED_VALUES values, so the import stays linear in the file and within seconds.
 */
export const MAX_FOLD_WORK = 2 ** 24;
const foldWork = new WeakMap<ImportContext, number>();

/**
 * Evaluates a node whose inputs are all constants and records its outputs as constants.
 * @throws InputError when an output passes MAX_TENSOR_RANK dims or MAX_TENSOR_ELEMENTS elements,
 * or the file's folding passes MAX_FOLD_WORK
 */
export function foldNode(ctx: ImportContext, node: NodeProto, a: Attrs): void {
  const inputs = (node.input ?? []).map((v) => (v ? ctx.constants.get(v) : undefined));
  const out = (FOLDERS[node.opType as string] as Folder)(ctx, node, a, inputs);
  let work = foldWork.get(ctx) ?? 0;
  (Array.isArray(out) ? out : [out]).forEach((c, i) => {
    const field = `${ctx.field(node)} output ${i}`;
    if (c.dims.length > MAX_TENSOR_RANK) throw new InputError(field, c.dims.length, `at most ${MAX_TENSOR_RANK} dimensions (the most PyTorch tensors take)`, `has ${c.dims.length} dimensions`);
    if (elementsOf(c.dims) > MAX_TENSOR_ELEMENTS) throw new InputError(field, c.dims, `at most ${MAX_TENSOR_ELEMENTS.toLocaleString('en-US')} (2^40) elements`);
    const fresh = !inputs.some((x) => x?.values === c.values);
    work += (fresh ? c.values.length : 0) * (c.dims.length + 1) + c.dims.length + 1;
    ctx.setConstant(node, c, i);
  });
  if (work > MAX_FOLD_WORK) {
    throw new InputError(ctx.field(node), work, `at most ${MAX_FOLD_WORK} (2^24) steps of constant folding in a file (values computed x (rank + 1)); shape arithmetic takes a few thousand`, `brings the file's constant folding to ${work} steps`);
  }
  foldWork.set(ctx, work);
}

/** Handlers of the ops that only ever give constants: Constant, and Shape (of anything: shapes are fixed at import). */
export const CONSTANT_HANDLERS: Readonly<Record<string, Handler>> = {
  Constant: (ctx, node, a) => {
    const t = a.tensor('value');
    if (t) return ctx.setConstant(node, readConstant(t, `${ctx.field(node, 'value')}`));
    const ints = a.ints('value_ints');
    const floats = a.floats('value_floats');
    if (ints) return ctx.setConstant(node, { dims: [ints.length], values: ints, int: true });
    if (floats) return ctx.setConstant(node, { dims: [floats.length], values: floats, int: false });
    if (a.has('value_int')) return ctx.setConstant(node, { dims: [], values: [a.int('value_int', 0)], int: true });
    if (a.has('value_float')) return ctx.setConstant(node, { dims: [], values: [a.float('value_float', 0)], int: false });
    throw new InputError(ctx.field(node), node.attribute?.map((x) => x.name) ?? [], 'a Constant with value, value_int(s) or value_float(s)');
  },
  Shape: (ctx, node, a) => {
    const v = node.input?.[0];
    const dims = ctx.isConstant(v) ? (ctx.constants.get(v as string) as Constant).dims : [...ctx.shape(ctx.x(node))]; // at most MAX_TENSOR_RANK
    const rank = dims.length;
    const clamp = (x: number) => Math.min(Math.max(x < 0 ? x + rank : x, 0), rank);
    const part = dims.slice(clamp(a.int('start', 0)), a.has('end') ? clamp(a.int('end', rank)) : rank);
    ctx.setConstant(node, { dims: [part.length], values: part, int: true });
  },
};

/** For ops that are only shape arithmetic: all inputs must be constants (they were not). */
export const constantOnly: Handler = (ctx, node) => {
  const dynamic = (node.input ?? []).filter((v) => v && !ctx.isConstant(v));
  throw new InputError(ctx.field(node), dynamic[0], 'an op on constants only (shape arithmetic, folded at import)', `reads the computed tensor ${shown(dynamic[0], 40)}`);
};

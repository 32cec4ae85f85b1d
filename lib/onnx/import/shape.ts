/**
 * Data movement on computed tensors: Flatten, Reshape (to any shape; [N, -1] stays Flatten as
 * always), Squeeze / Unsqueeze (as a Reshape), Transpose, Concat, Slice (positive steps, resolved
 * and clamped), Split (one Slice node per output) and Gather at constant indices (Slice, Reshape). A file read at batch 1 instead of its fixed
 * batch N has Reshape targets that start with N start with 1, and a target of N x the activation's
 * elements (batch merged into a dim) has that dim divided by N.
 */
import { InputError } from '../../errors.js';
import type { NodeProto } from '../proto.js';
import { axisIn, sliceInputs, squeezeDims, unsqueezeDims } from './axes.js';
import type { Handler } from './constants.js';
import { splitSizes } from './constants.js';
import type { ImportContext } from './context.js';
import { shown } from './context.js';
import { resolveReshape, sliceAxis } from './fold.js';

/** A Reshape of x to `dims`: Flatten for [N, rest] (as the zoo and exports write it), else a Reshape node. */
function reshapeTo(ctx: ImportContext, node: NodeProto, x: number, dims: number[]): void {
  const shape = ctx.shape(x);
  if (dims.length === 2 && dims[0] === shape[0]) ctx.add(node, 'Flatten', [x], { axis: 1 }, 'flatten');
  else if (dims.join('x') === shape.join('x')) ctx.bind(node, x);
  else ctx.add(node, 'Reshape', [x], { shape: dims }, 'reshape');
}

const reshape: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  const shape = ctx.shape(x);
  const target = [...(ctx.opset < 5 ? (a.ints('shape') ?? []) : ctx.valuesOf(node, 1, 'shape'))];
  if (ctx.fileBatch > 1) perImageTarget(target, shape, ctx.fileBatch);
  let dims: number[];
  try {
    dims = resolveReshape(`${ctx.field(node)} shape`, shape, target, a.int('allowzero', 0) === 1);
  } catch (err) {
    if (!(err instanceof InputError) || ctx.fileBatch === 1) throw err;
    throw new InputError(err.field, err.value, err.allowed, `${err.message.slice(err.field.length + 2, err.message.indexOf('; allowed: '))} (the file's batch ${ctx.fileBatch} was read as 1)`);
  }
  reshapeTo(ctx, node, x, dims);
};

/**
 * A Reshape target written for the file's batch N, made per image (in place): a leading N becomes
 * 1; a target holding N x the activation's elements (PyTorch's x.reshape(B*T, D) written as the
 * constant [B*T, D]) has the batch divided out of its first dim divisible by N.
 */
function perImageTarget(target: number[], shape: readonly number[], batch: number): void {
  const elements = shape.reduce((p, d) => p * d, 1);
  const merged = target.every((d) => d >= 1) && target.reduce((p, d) => p * d, 1) === batch * elements;
  if (target[0] === batch && (shape[0] === 1 || merged)) {
    target[0] = 1;
    return;
  }
  if (!merged) return; // -1 or 0 are resolved against the per-image input as written
  const i = target.findIndex((d) => d % batch === 0);
  if (i >= 0) target[i] = (target[i] as number) / batch;
}

/** Axes of Squeeze / Unsqueeze: attribute before opset 13, input 1 from it. */
const axesOf = (ctx: ImportContext, node: NodeProto, a: { ints(k: string): number[] | undefined }): number[] | undefined =>
  a.ints('axes') ?? (node.input?.[1] ? ctx.valuesOf(node, 1, 'axes') : undefined);

const squeeze: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  reshapeTo(ctx, node, x, squeezeDims(`${ctx.field(node)} axes`, ctx.shape(x), axesOf(ctx, node, a)));
};

const unsqueeze: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  reshapeTo(ctx, node, x, unsqueezeDims(`${ctx.field(node)} axes`, ctx.shape(x), axesOf(ctx, node, a) ?? []));
};

const transpose: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  const rank = ctx.shape(x).length;
  const perm = a.ints('perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  ctx.add(node, 'Transpose', [x], { perm }, 'transpose');
};

const concat: Handler = (ctx, node, a) => {
  const inputs = (node.input ?? []).filter((v) => v !== '');
  const constant = inputs.find((v) => ctx.isConstant(v));
  if (constant !== undefined) throw new InputError(`${ctx.field(node)} inputs`, constant, 'computed tensors only (a constant concatenated to an activation is not supported)', `input ${shown(constant, 40)} is a constant`);
  const tensors = inputs.map((v) => ctx.tensorOf(node, v));
  const rank = ctx.shape(tensors[0] as number).length;
  const axis = a.int('axis', 1);
  axisIn(`${ctx.field(node)} axis`, axis, rank);
  ctx.add(node, 'Concat', tensors, { axis }, 'concat');
};

/** A Slice of one or more axes with resolved (clamped, non-negative) starts and ends. */
function addSlice(ctx: ImportContext, node: NodeProto, x: number, s: { axes: number[]; starts: number[]; ends: number[]; steps: number[] }, output = 0): void {
  const shape = ctx.shape(x);
  const starts: number[] = [];
  const ends: number[] = [];
  s.axes.forEach((axis, i) => {
    const step = s.steps[i] as number;
    const r = sliceAxis(shape[axis] as number, s.starts[i] as number, s.ends[i] as number, step);
    if (r.count < 1) throw new InputError(`${ctx.field(node)} starts/ends`, { starts: s.starts, ends: s.ends }, `a non-empty range of axis ${axis} (size ${shape[axis]})`);
    starts.push(r.start);
    ends.push(r.start + (r.count - 1) * step + 1);
  });
  const t = ctx.builder.add('Slice', [x], { axes: s.axes, starts, ends, steps: s.steps }, 'slice');
  ctx.bind(node, t, output);
}

const sliceHandler: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  addSlice(ctx, node, x, sliceInputs(ctx, node, a, ctx.shape(x), false));
};

const split: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  const shape = ctx.shape(x);
  const axis = axisIn(`${ctx.field(node)} axis`, a.int('axis', 0), shape.length);
  let start = 0;
  splitSizes(ctx, node, a, shape[axis] as number).forEach((size, i) => {
    if (node.output?.[i]) addSlice(ctx, node, x, { axes: [axis], starts: [start], ends: [start + size], steps: [1] }, i);
    start += size;
  });
};

/**
 * Gather of a computed tensor at constant indices (a ViT's class token x[:, 0]): a scalar index is
 * a one-element Slice and a Reshape that drops the axis; a 1-D run of indices with one positive
 * step is a Slice. Negative indices count from the end. Any other index pattern is refused.
 */
const gather: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  const shape = ctx.shape(x);
  const axis = axisIn(`${ctx.field(node)} axis`, a.int('axis', 0), shape.length);
  const size = shape[axis] as number;
  const { dims } = ctx.constantOf(node, 1, 'indices');
  const given = ctx.valuesOf(node, 1, 'indices');
  const idx = given.map((i) => (i < 0 ? i + size : i));
  const step = idx.length > 1 ? (idx[1] as number) - (idx[0] as number) : 1;
  const run = dims.length <= 1 && idx.length > 0 && step >= 1 && idx.every((v, k) => Number.isInteger(v) && v >= 0 && v < size && v === (idx[0] as number) + k * step);
  if (!run) throw new InputError(`${ctx.field(node)} indices`, given.length > 8 ? dims : given, `a scalar index or a 1-D run with one positive step, each in [${-size}, ${size - 1}] (axis ${axis} of [${shape.join(', ')}])`);
  const start = idx[0] as number;
  const t = ctx.builder.add('Slice', [x], { axes: [axis], starts: [start], ends: [start + (idx.length - 1) * step + 1], steps: [step] }, 'slice');
  if (dims.length === 1) ctx.bind(node, t);
  else reshapeTo(ctx, node, t, shape.filter((_, i) => i !== axis));
};

export const SHAPE_HANDLERS: Readonly<Record<string, Handler>> = {
  Flatten: (ctx, node, a) => {
    const x = ctx.x(node);
    const axis = a.int('axis', 1);
    axisIn(`${ctx.field(node)} axis`, axis, ctx.shape(x).length + 1);
    ctx.add(node, 'Flatten', [x], { axis }, 'flatten');
  },
  Reshape: reshape,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transpose,
  Concat: concat,
  Slice: sliceHandler,
  Split: split,
  Gather: gather,
};

/**
 * One tensor in, the same shape out: activations (Relu, Clip, LeakyRelu, PRelu with its learned
 * slope, Elu, Sigmoid, HardSigmoid, HardSwish, Tanh, Gelu, Erf, Sqrt, Softmax, LogSoftmax), Dropout,
 * Identity / Cast (pass-through), and the norms (BatchNormalization with per-channel vectors,
 * LayerNormalization over the trailing axes from `axis`).
 */
import { InputError } from '../../errors.js';
import { axisIn } from './axes.js';
import type { Handler } from './constants.js';
import { shortestFloat32, shown } from './context.js';

const plain = (op: 'Relu' | 'Sigmoid' | 'HardSwish' | 'Tanh' | 'Erf' | 'Sqrt'): Handler => (ctx, node) => void ctx.add(node, op, [ctx.x(node)], {}, op.toLowerCase());

const clip: Handler = (ctx, node, a) => {
  const bound = (i: number, key: string, fallback: number): number =>
    ctx.opset < 11 ? a.float(key.slice(0, 3), fallback) : node.input?.[i] ? shortestFloat32(ctx.valuesOf(node, i, key)[0] ?? fallback) : fallback;
  const min = bound(1, 'minimum', -3.4e38);
  const max = bound(2, 'maximum', 3.4e38);
  ctx.add(node, 'Clip', [ctx.x(node)], { min, max }, min === 0 && max === 6 ? 'relu6' : 'clip');
};

const prelu: Handler = (ctx, node) => {
  const x = ctx.x(node);
  const slope = ctx.constantOf(node, 1, 'slope');
  const t = ctx.add(node, 'PRelu', [x], { slope: slope.dims }, 'prelu');
  ctx.weights(t, node.input?.[1]);
};

const gelu: Handler = (ctx, node, a) => {
  const approximate = a.string('approximate', 'none');
  if (approximate !== 'none' && approximate !== 'tanh') throw new InputError(ctx.field(node, 'approximate'), approximate, 'none, tanh', `got ${shown(approximate)}`);
  ctx.add(node, 'Gelu', [ctx.x(node)], { approximate }, 'gelu');
};

/** Softmax and LogSoftmax: the same axis rules (before opset 13 they flattened from the axis on). */
const softmaxOf = (op: 'Softmax' | 'LogSoftmax'): Handler => (ctx, node, a) => {
  const x = ctx.x(node);
  const shape = ctx.shape(x);
  const rank = shape.length;
  const axis = axisIn(ctx.field(node, 'axis'), a.int('axis', ctx.opset < 13 ? 1 : -1), rank);
  // before opset 13 Softmax normalised over all axes from `axis` on: the same only when those after it are 1
  if (ctx.opset < 13 && shape.slice(axis + 1).some((d) => d !== 1)) {
    throw new InputError(ctx.field(node, 'axis'), axis, `the last axis (${rank - 1}) or one followed by size-1 axes (opset ${ctx.opset} ${op} flattens from the axis on)`);
  }
  ctx.add(node, op, [x], { axis: a.int('axis', ctx.opset < 13 ? 1 : -1) === axis - rank ? axis - rank : axis }, op.toLowerCase());
};

const dropout: Handler = (ctx, node, a) => {
  const ratio = node.input?.[1] ? shortestFloat32(ctx.valuesOf(node, 1, 'ratio')[0] ?? 0.5) : a.float('ratio', 0.5);
  ctx.add(node, 'Dropout', [ctx.x(node)], { ratio }, 'dropout');
};

const batchNorm: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  const shape = ctx.shape(x);
  if (shape.length < 2) throw new InputError(ctx.field(node, 'input'), shape, 'a tensor of rank 2 or more (channels on axis 1)');
  const channels = shape[1] as number;
  ['scale', 'bias', 'mean', 'var'].forEach((what, i) => {
    const c = ctx.constantOf(node, i + 1, what);
    if (c.dims.length !== 1 || c.dims[0] !== channels) throw new InputError(ctx.field(node, what), c.dims, `a vector of ${channels} values (one per channel)`);
  });
  const t = ctx.add(node, 'BatchNormalization', [x], { epsilon: a.float('epsilon', 1e-5) }, 'bn');
  ctx.weights(t, node.input?.[1]);
};

const layerNorm: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  const shape = ctx.shape(x);
  const axis = axisIn(ctx.field(node, 'axis'), a.int('axis', -1), shape.length);
  const normalised = shape.slice(axis);
  const strip = (dims: readonly number[]) => dims.slice(dims.findIndex((d) => d !== 1) < 0 ? dims.length : dims.findIndex((d) => d !== 1)).join('x');
  for (const [i, what] of [[1, 'scale'], [2, 'bias']] as const) {
    if (i === 2 && !node.input?.[2]) continue;
    const c = ctx.constantOf(node, i, what);
    if (c.dims.length > shape.length || strip(c.dims) !== strip(normalised)) throw new InputError(ctx.field(node, what), c.dims, `the normalised shape [${normalised.join(', ')}]`);
  }
  const t = ctx.add(node, 'LayerNormalization', [x], { axis, epsilon: a.float('epsilon', 1e-5) }, 'layernorm');
  ctx.weights(t, node.input?.[1]);
};

export const ACTIVATION_HANDLERS: Readonly<Record<string, Handler>> = {
  Relu: plain('Relu'),
  Sigmoid: plain('Sigmoid'),
  HardSwish: plain('HardSwish'),
  Tanh: plain('Tanh'),
  Erf: plain('Erf'),
  Sqrt: plain('Sqrt'),
  Clip: clip,
  LeakyRelu: (ctx, node, a) => void ctx.add(node, 'LeakyRelu', [ctx.x(node)], { alpha: a.float('alpha', 0.01) }, 'leakyrelu'),
  Elu: (ctx, node, a) => void ctx.add(node, 'Elu', [ctx.x(node)], { alpha: a.float('alpha', 1) }, 'elu'),
  HardSigmoid: (ctx, node, a) => void ctx.add(node, 'HardSigmoid', [ctx.x(node)], { alpha: a.float('alpha', 0.2), beta: a.float('beta', 0.5) }, 'hardsigmoid'),
  PRelu: prelu,
  Gelu: gelu,
  Softmax: softmaxOf('Softmax'),
  LogSoftmax: softmaxOf('LogSoftmax'),
  Dropout: dropout,
  Identity: (ctx, node) => ctx.bind(node, ctx.x(node)),
  Cast: (ctx, node) => ctx.bind(node, ctx.x(node)),
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
};

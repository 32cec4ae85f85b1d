/**
 * Conv and ConvTranspose over 1 to 3 spatial axes (NCL, NCHW, NCDHW), with dilations, groups,
 * auto_pad, ConvTranspose's output_padding and output_shape; a zero Pad in front of a Conv joins
 * its pads. Also the window helpers the pools share (kernel, strides, pads of N spatial axes).
 */
import { InputError } from '../../errors.js';
import type { NodeProto } from '../proto.js';
import type { Attrs, ImportContext } from './context.js';
import { countWord } from './context.js';
import type { Handler } from './constants.js';

/** `count` positive integers (one per spatial axis) from an attribute, or `fallback`. */
export function spatialInts(ctx: ImportContext, node: NodeProto, key: string, values: number[] | undefined, count: number): number[] {
  if (!values || values.length !== count || !values.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new InputError(`node ${ctx.label(node)} ${key}`, values, `${countWord(count)} positive integer${count === 1 ? '' : 's'} (one per spatial axis of the ${count + 2}-D input)`);
  }
  return values;
}

/** The spatial sizes of an [N, C, ...] input with 1 to 3 spatial axes. */
export function spatialOf(ctx: ImportContext, node: NodeProto, shape: readonly number[]): number[] {
  if (shape.length < 3 || shape.length > 5) throw new InputError(ctx.field(node, 'input'), shape, 'an [N, C, ...] tensor with 1 to 3 spatial axes (rank 3 to 5)');
  return shape.slice(2);
}

/**
 * Pads of a window op: 2 per spatial axis in ONNX order (begins, then ends), from `pads` or
 * `auto_pad` (SAME_UPPER / SAME_LOWER: output = ceil(size / stride)).
 * @param window the effective window per axis: dilation x (kernel - 1) + 1
 */
export function padsOf(ctx: ImportContext, node: NodeProto, a: Attrs, sizes: readonly number[], window: readonly number[], strides: readonly number[]): number[] {
  const n = sizes.length;
  const autoPad = a.string('auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET' || autoPad === 'VALID') {
    const p = autoPad === 'VALID' ? new Array<number>(2 * n).fill(0) : (a.ints('pads') ?? new Array<number>(2 * n).fill(0));
    if (p.length !== 2 * n || p.some((v) => !Number.isInteger(v) || v < 0)) throw new InputError(`node ${ctx.label(node)} pads`, p, `${2 * n} non-negative integers (all begins, then all ends)`);
    return p;
  }
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') throw new InputError(`node ${ctx.label(node)} auto_pad`, autoPad, 'NOTSET, VALID, SAME_UPPER, SAME_LOWER');
  const total = sizes.map((s, i) => Math.max(0, (Math.ceil(s / (strides[i] as number)) - 1) * (strides[i] as number) + (window[i] as number) - s));
  const small = total.map((t) => Math.floor(t / 2));
  const big = total.map((t, i) => t - (small[i] as number));
  return autoPad === 'SAME_UPPER' ? [...small, ...big] : [...big, ...small];
}

/** Own pads plus those of a zero Pad node the op reads (its spatial part). */
export function withPendingPad(ctx: ImportContext, node: NodeProto, own: readonly number[]): number[] {
  const p = ctx.pendingPads.get(node.input?.[0] as string);
  if (!p) return [...own];
  const rank = p.pads.length / 2;
  const n = own.length / 2;
  const extra = [...p.pads.slice(rank - n, rank), ...p.pads.slice(2 * rank - n)];
  return own.map((v, i) => v + (extra[i] as number));
}

interface Window {
  x: number;
  sizes: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
}

function windowOf(ctx: ImportContext, node: NodeProto, a: Attrs, kernelFromWeight: number[]): Window {
  const x = ctx.x(node);
  const sizes = spatialOf(ctx, node, ctx.shape(x));
  const n = sizes.length;
  const kernel = spatialInts(ctx, node, 'kernel_shape', a.ints('kernel_shape') ?? kernelFromWeight, n);
  if (kernel.join('x') !== kernelFromWeight.join('x')) throw new InputError(`${ctx.field(node, 'kernel_shape')}`, kernel, `the weight's own ${kernelFromWeight.join('x')}`);
  const strides = spatialInts(ctx, node, 'strides', a.ints('strides') ?? new Array<number>(n).fill(1), n);
  const dilations = spatialInts(ctx, node, 'dilations', a.ints('dilations') ?? new Array<number>(n).fill(1), n);
  return { x, sizes, kernel, strides, dilations };
}

/** The bias (input 2) must be a vector of one value per output channel. */
function checkBias(ctx: ImportContext, node: NodeProto, out: number): boolean {
  if (!node.input?.[2]) return false;
  const b = ctx.constantOf(node, 2, 'bias');
  if (b.dims.length !== 1 || b.dims[0] !== out) throw new InputError(ctx.field(node, 'bias'), b.dims, `a vector of ${out} values (one per output channel)`);
  return true;
}

const conv: Handler = (ctx, node, a) => {
  const w = ctx.constantOf(node, 1, 'weight');
  const inShape = ctx.shape(ctx.x(node));
  const rank = inShape.length;
  const cin = inShape[1] as number;
  const group = a.int('group', 1);
  if (w.dims.length !== rank || rank < 3 || !w.dims.every((d) => Number.isInteger(d) && d >= 1) || (w.dims[1] as number) * group !== cin) {
    throw new InputError(ctx.field(node, 'weight'), w.dims, `a rank-${Math.max(rank, 3)} [out, in / group, k...] weight with in / group x group = ${cin} input channels`);
  }
  const win = windowOf(ctx, node, a, w.dims.slice(2));
  const window = win.kernel.map((k, i) => (win.dilations[i] as number) * (k - 1) + 1);
  const pads = withPendingPad(ctx, node, padsOf(ctx, node, a, win.sizes, window, win.strides));
  const out = w.dims[0] as number;
  const bias = checkBias(ctx, node, out);
  const dil = win.dilations.some((d) => d !== 1) ? { dilations: win.dilations } : {};
  const t = ctx.add(node, 'Conv', [win.x], { outChannels: out, kernel: win.kernel, strides: win.strides, pads, ...dil, group, bias }, 'conv');
  ctx.weights(t, node.input?.[1]);
};

const convTranspose: Handler = (ctx, node, a) => {
  const w = ctx.constantOf(node, 1, 'weight');
  const inShape = ctx.shape(ctx.x(node));
  const rank = inShape.length;
  const cin = inShape[1] as number;
  const group = a.int('group', 1);
  if (w.dims.length !== rank || rank < 3 || !w.dims.every((d) => Number.isInteger(d) && d >= 1) || w.dims[0] !== cin) {
    throw new InputError(ctx.field(node, 'weight'), w.dims, `a rank-${Math.max(rank, 3)} [in, out / group, k...] weight with in = ${cin} input channels`);
  }
  const win = windowOf(ctx, node, a, w.dims.slice(2));
  const n = win.sizes.length;
  const window = win.kernel.map((k, i) => (win.dilations[i] as number) * (k - 1) + 1);
  const outputPadding = a.ints('output_padding') ?? new Array<number>(n).fill(0);
  if (outputPadding.length !== n || outputPadding.some((v) => !Number.isInteger(v) || v < 0)) throw new InputError(`node ${ctx.label(node)} output_padding`, outputPadding, `${countWord(n)} non-negative integers`);
  const outputShape = a.ints('output_shape');
  const autoPad = a.string('auto_pad', 'NOTSET');
  let pads: number[];
  if (outputShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    // ONNX: total padding = stride x (in - 1) + output_padding + window - wanted output
    // output_shape: the spatial sizes, or the whole [N, C, ...] shape
    if (outputShape && ((outputShape.length !== n && outputShape.length !== n + 2) || outputShape.some((o) => !Number.isInteger(o) || o < 1))) {
      throw new InputError(`${ctx.field(node)} output_shape`, outputShape, `${countWord(n)} positive spatial sizes (or the ${n + 2}-D output shape)`);
    }
    const wanted = outputShape ? outputShape.slice(-n) : win.sizes.map((s, i) => s * (win.strides[i] as number));
    // the largest output has no padding; each side's pad is at most window - 1 (as for explicit pads)
    const full = wanted.map((_, i) => (win.strides[i] as number) * ((win.sizes[i] as number) - 1) + (outputPadding[i] as number) + (window[i] as number));
    const total = wanted.map((o, i) => (full[i] as number) - o);
    if (outputShape && total.some((t, i) => t < 0 || t > 2 * ((window[i] as number) - 1))) {
      const ranges = full.map((f, i) => `${Math.max(1, f - 2 * ((window[i] as number) - 1))} to ${f}`).join(', ');
      throw new InputError(`${ctx.field(node)} output_shape`, outputShape, `spatial sizes the transposed convolution reaches (${ranges}; input ${win.sizes.join('x')}, stride ${win.strides.join('x')}, kernel ${win.kernel.join('x')})`);
    }
    if (total.some((t) => t < 0)) throw new InputError(`${ctx.field(node)} auto_pad`, autoPad, 'NOTSET or VALID here (SAME needs stride <= dilated kernel side + output_padding)', `${autoPad} with stride ${win.strides.join('x')} and kernel ${win.kernel.join('x')} needs a negative pad`);
    const small = total.map((t) => Math.floor(t / 2));
    const big = total.map((t, i) => t - (small[i] as number));
    pads = autoPad === 'SAME_LOWER' ? [...big, ...small] : [...small, ...big];
  } else {
    pads = padsOf(ctx, node, a, win.sizes, window, win.strides);
  }
  const out = (w.dims[1] as number) * group;
  const bias = checkBias(ctx, node, out);
  const dil = win.dilations.some((d) => d !== 1) ? { dilations: win.dilations } : {};
  const op = outputPadding.some((v) => v !== 0) ? { outputPadding } : {};
  const t = ctx.add(node, 'ConvTranspose', [win.x], { outChannels: out, kernel: win.kernel, strides: win.strides, pads, ...dil, group, bias, ...op }, 'convtranspose');
  ctx.weights(t, node.input?.[1]);
};

export const CONV_HANDLERS: Readonly<Record<string, Handler>> = { Conv: conv, ConvTranspose: convTranspose };

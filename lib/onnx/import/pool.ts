/**
 * Windows and resampling: MaxPool / AveragePool (1 to 3 spatial axes), GlobalAveragePool,
 * ReduceMean (axes [2, 3] of NCHW stay GlobalAveragePool, + Flatten without keepdims, as the zoo
 * writes it; other axes a ReduceMean node), Resize and the older Upsample (scales or
 * sizes, from constants or folded Shape subgraphs), and Pad: a zero pad of the spatial axes that
 * only Conv / pools read joins their pads, any other Pad is a Pad node.
 */
import { InputError } from '../../errors.js';
import type { ResizeCoordinateMode, ResizeNearestMode } from '../../graph/types.js';
import { RESIZE_COORDINATE_MODES, RESIZE_NEAREST_MODES } from '../../graph/types.js';
import type { NodeProto } from '../proto.js';
import { axesIn } from './axes.js';
import type { Handler } from './constants.js';
import type { Attrs, ImportContext } from './context.js';
import { shown } from './context.js';
import { padsOf, spatialInts, spatialOf, withPendingPad } from './conv.js';

const pool = (op: 'MaxPool' | 'AveragePool'): Handler => (ctx, node, a) => {
  const x = ctx.x(node);
  const sizes = spatialOf(ctx, node, ctx.shape(x));
  const n = sizes.length;
  const kernel = spatialInts(ctx, node, 'kernel_shape', a.ints('kernel_shape'), n);
  const strides = spatialInts(ctx, node, 'strides', a.ints('strides') ?? new Array<number>(n).fill(1), n);
  const dilations = a.ints('dilations');
  if (dilations?.some((d) => d !== 1)) throw new InputError(`node ${ctx.label(node)} dilations`, dilations, 'all 1 (dilated pooling is not supported)');
  const own = padsOf(ctx, node, a, sizes, kernel, strides);
  // zeros written by a Pad node are part of every window (the Pad handler joins only when that is exact)
  // (MaxPool has no count_include_pad; ceilMode is written only when set, as the builders do)
  const countIncludePad = op === 'AveragePool' ? { countIncludePad: a.int('count_include_pad', 0) === 1 || ctx.pendingPads.has(node.input?.[0] as string) } : {};
  const ceilMode = a.int('ceil_mode', 0) === 1 ? { ceilMode: true } : {};
  const label = op === 'MaxPool' ? 'maxpool' : 'avgpool';
  ctx.add(node, op, [x], { kernel, strides, pads: withPendingPad(ctx, node, own), ...ceilMode, ...countIncludePad }, label);
};

const reduceMean: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  const rank = ctx.shape(x).length;
  const given = a.ints('axes') ?? (node.input?.[1] ? ctx.valuesOf(node, 1, 'axes') : undefined);
  // opset 18: no axes with noop_with_empty_axes = 1 passes the tensor through (else: reduce all axes)
  if ((!given || given.length === 0) && a.int('noop_with_empty_axes', 0) === 1) return ctx.bind(node, x);
  const axes = given && given.length > 0 ? axesIn(`${ctx.field(node)} axes`, given, rank) : Array.from({ length: rank }, (_, i) => i);
  const keepdims = a.int('keepdims', 1) === 1;
  if (rank === 4 && axes.join() === '2,3') {
    const pooled = ctx.builder.add('GlobalAveragePool', [x], {}, 'gap');
    ctx.bind(node, keepdims ? pooled : ctx.builder.add('Flatten', [pooled], { axis: 1 }, 'squeeze'));
    return;
  }
  ctx.add(node, 'ReduceMean', [x], { axes, keepdims }, 'reducemean');
};

/** The output spatial sizes of a Resize / Upsample from `sizes`, or from `scales` (floor(size x scale)). */
function resizeSizes(ctx: ImportContext, node: NodeProto, shape: readonly number[], scales: number[] | undefined, sizes: number[] | undefined): number[] {
  const rank = shape.length;
  if (sizes && sizes.length > 0) {
    if (sizes.length !== rank || sizes[0] !== shape[0] || sizes[1] !== shape[1]) throw new InputError(ctx.field(node, 'sizes'), sizes, `${rank} sizes keeping N and C (${shape[0]}, ${shape[1]})`);
    return sizes.slice(2);
  }
  if (!scales || scales.length !== rank || scales[0] !== 1 || scales[1] !== 1 || scales.some((s) => !Number.isFinite(s) || s <= 0)) {
    throw new InputError(ctx.field(node, 'scales'), scales, `${rank} positive scales, 1 for N and C (or sizes)`);
  }
  return shape.slice(2).map((d, i) => Math.floor(d * (scales[i + 2] as number)));
}

function resizeMode(ctx: ImportContext, node: NodeProto, mode: string): 'nearest' | 'linear' {
  if (mode === 'nearest') return 'nearest';
  if (mode === 'linear' || mode === 'bilinear' || mode === 'trilinear') return 'linear';
  throw new InputError(`${ctx.field(node)} mode`, mode, 'nearest, linear', `got ${shown(mode)}`);
}

function addResize(ctx: ImportContext, node: NodeProto, a: Attrs, x: number, size: number[], coordinate: string, nearest: string): void {
  const mode = resizeMode(ctx, node, a.string('mode', 'nearest'));
  if (!(RESIZE_COORDINATE_MODES as readonly string[]).includes(coordinate)) throw new InputError(`${ctx.field(node)} coordinate_transformation_mode`, coordinate, RESIZE_COORDINATE_MODES.join(', '), `got ${shown(coordinate)}`);
  if (mode === 'nearest' && !(RESIZE_NEAREST_MODES as readonly string[]).includes(nearest)) throw new InputError(`${ctx.field(node)} nearest_mode`, nearest, RESIZE_NEAREST_MODES.join(', '), `got ${shown(nearest)}`);
  const nearestMode = mode === 'nearest' ? { nearestMode: nearest as ResizeNearestMode } : {};
  ctx.add(node, 'Resize', [x], { size, mode, coordinateMode: coordinate as ResizeCoordinateMode, ...nearestMode }, 'resize');
}

const resize: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  const shape = spatialOf(ctx, node, ctx.shape(x)) && ctx.shape(x);
  // opset 10: [X, scales]; from opset 11: [X, roi, scales, sizes]
  const old = ctx.opset < 11;
  const read = (i: number, what: string) => (node.input?.[i] ? ctx.valuesOf(node, i, what) : undefined);
  const scales = old ? read(1, 'scales') : read(2, 'scales');
  const sizes = old ? undefined : read(3, 'sizes');
  // ONNX (and onnxruntime): only one of scales and sizes may be given (the other empty or left out)
  if (scales && scales.length > 0 && sizes && sizes.length > 0) throw new InputError(`${ctx.field(node)} scales/sizes`, { scales, sizes }, 'only one of scales and sizes (the other empty or left out)', `got both: scales [${scales.join(', ')}] and sizes [${sizes.join(', ')}]`);
  const size = resizeSizes(ctx, node, shape, scales, sizes);
  addResize(ctx, node, a, x, size, old ? 'asymmetric' : a.string('coordinate_transformation_mode', 'half_pixel'), a.string('nearest_mode', 'round_prefer_floor'));
};

/** Upsample (opsets 7-9; scales an attribute, then an input): nearest picks floor(out / scale), asymmetric. */
const upsample: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  const shape = spatialOf(ctx, node, ctx.shape(x)) && ctx.shape(x);
  const scales = a.floats('scales') ?? (node.input?.[1] ? ctx.valuesOf(node, 1, 'scales') : undefined);
  addResize(ctx, node, a, x, resizeSizes(ctx, node, shape, scales, undefined), 'asymmetric', 'floor');
};

const PAD_MODES = ['constant', 'reflect', 'edge'] as const;

const pad: Handler = (ctx, node, a) => {
  const x = ctx.x(node);
  const shape = ctx.shape(x);
  const rank = shape.length;
  // before opset 11 pads and value are attributes, from it inputs 1 and 2
  let pads = node.input?.[1] ? ctx.valuesOf(node, 1, 'pads') : (a.ints('pads') ?? []);
  const value = node.input?.[2] ? (ctx.valuesOf(node, 2, 'constant value')[0] ?? 0) : a.float('value', 0);
  const mode = a.string('mode', 'constant');
  if (node.input?.[3]) {
    // opset 18: pads for the listed axes only
    const axes = axesIn(`${ctx.field(node)} axes`, ctx.valuesOf(node, 3, 'axes'), rank);
    const full = new Array<number>(2 * rank).fill(0);
    axes.forEach((ax, i) => ((full[ax] = pads[i] as number), (full[rank + ax] = pads[axes.length + i] as number)));
    pads = full;
  }
  if (pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p) || p < 0)) throw new InputError(ctx.field(node, 'pads'), pads, `${2 * rank} non-negative integers (all begins, then all ends)`);
  if (!(PAD_MODES as readonly string[]).includes(mode)) throw new InputError(ctx.field(node, 'mode'), mode, PAD_MODES.join(', '), `got ${shown(mode)}`);
  if (pads.every((p) => p === 0)) return ctx.bind(node, x);
  const readers = ctx.consumers.get(node.output?.[0] as string) ?? [];
  const spatialOnly = rank >= 3 && rank <= 5 && pads.every((p, i) => i % rank >= 2 || p === 0);
  const joins = (r: NodeProto): boolean => {
    if (r.opType === 'Conv' || r.opType === 'MaxPool') return r.input?.[0] === node.output?.[0];
    if (r.opType !== 'AveragePool' || r.input?.[0] !== node.output?.[0]) return false;
    // an average over a Pad's zeros counts them: exact only when the pool's own pads count too, or it has none
    const own = (r.attribute ?? []).find((t) => t.name === 'pads')?.ints?.some((p) => Number(p) !== 0) ?? false;
    const include = (r.attribute ?? []).some((t) => t.name === 'count_include_pad' && Number(t.i) === 1);
    const auto = (r.attribute ?? []).some((t) => t.name === 'auto_pad' && new TextDecoder().decode(t.s ?? new Uint8Array()).startsWith('SAME'));
    return !auto && (!own || include);
  };
  if (mode === 'constant' && value === 0 && spatialOnly && readers.length > 0 && readers.every(joins) && !ctx.graphOutputs.has(node.output?.[0] as string)) {
    ctx.pendingPads.set(node.output?.[0] as string, { source: node.input?.[0] as string, pads });
    return;
  }
  ctx.add(node, 'Pad', [x], { pads, mode: mode as (typeof PAD_MODES)[number], value }, 'pad');
};

export const POOL_HANDLERS: Readonly<Record<string, Handler>> = {
  MaxPool: pool('MaxPool'),
  AveragePool: pool('AveragePool'),
  GlobalAveragePool: (ctx, node) => void ctx.add(node, 'GlobalAveragePool', [ctx.x(node)], {}, 'gap'),
  ReduceMean: reduceMean,
  Resize: resize,
  Upsample: upsample,
  Pad: pad,
};

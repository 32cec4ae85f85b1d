/**
 * Size bounds every Graph keeps, whatever reader built it (JSON config, ONNX file, LAMDA text,
 * zoo), checked by shape inference before anything is allocated or counted:
 *
 * - every dimension of every tensor is an integer from 1 to MAX_TENSOR_ELEMENTS, and a tensor
 *   (activation or constant operand) holds at most MAX_TENSOR_ELEMENTS = 2^40 elements (16 times a
 *   1x4096x4096x4096 activation, the largest the model-file bounds allow);
 * - a node's weights and its MACs stay below 2^53, so every count is an exact integer;
 * - conv and pool windows (1 to 3 spatial axes): kernel sides and dilations from 1 to MAX_KERNEL
 *   (4096), the dilated kernel d*(k-1)+1 no larger than the padded input, strides from 1 to
 *   MAX_STRIDE (64), each pad from 0 to its dilated kernel side - 1 (a Conv's pad up to MAX_KERNEL:
 *   PyTorch and onnxruntime take a conv pad wider than the kernel);
 * - float attributes are finite (Clip bounds may be ±inf, never NaN, min <= max), BN epsilon
 *   above 0 and below 1, a Dropout ratio in [0, 1).
 *
 * Commands that allocate weights (export, parse, latency) take at most MAX_EXPORT_WEIGHTS = 2^28
 * weight elements in total (1 GiB of float32), checked before the first weight is drawn.
 */
import { InputError, showName } from '../errors.js';
import type { Graph, GraphNode } from './types.js';

/**
 * Most elements of any one tensor (and so the largest dimension): 2^40 = 1,099,511,627,776. Costs
 * are arithmetic on shapes (nothing is allocated per element), so this only keeps counts exact.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 40;
/** Most weight elements an ONNX export allocates: 2^28 = 268,435,456 (1 GiB of float32; VGG-16 has 138 M). */
export const MAX_EXPORT_WEIGHTS = 2 ** 28;
/**
 * Largest kernel side of a conv or pool: 4096, the largest input side a model file takes, so a
 * pool over a whole map still fits (published CNNs use up to 31).
 */
export const MAX_KERNEL = 4096;
/** Largest stride of a conv or pool: 64 (published CNNs use up to 32, a ViT-style patchify stem). */
export const MAX_STRIDE = 64;
/** BN epsilon: above 0 (it keeps the division by sqrt(var + eps) finite) and below this (PyTorch's default is 1e-5). */
export const MAX_BN_EPSILON = 1;
/**
 * Most dimensions of any tensor (activation or constant): 64, the most PyTorch tensors take
 * (real models use up to 6). Keeps every per-dimension loop (shape inference, constant folding) short.
 */
export const MAX_TENSOR_RANK = 64;
/** Largest exact integer count (2^53 - 1). */
export const MAX_COUNT = Number.MAX_SAFE_INTEGER;

const fmt = (n: number): string => n.toLocaleString('en-US');
const SHAPE_ALLOWED = `dimensions that are integers >= 1, at most ${fmt(MAX_TENSOR_ELEMENTS)} (2^40) elements in all`;

/** The product of `dims`, or Infinity once it passes MAX_TENSOR_ELEMENTS (never inexact). */
function boundedProduct(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    n *= d;
    if (n > MAX_TENSOR_ELEMENTS) return Infinity;
  }
  return n;
}

/**
 * Checks a tensor shape: integer dimensions >= 1 (a zero-size tensor is refused, not carried) and
 * at most MAX_TENSOR_ELEMENTS elements.
 * @throws InputError naming `field`, the shape (cut when long) and the bound.
 */
export function checkShape(field: string, shape: readonly number[]): void {
  if (shape.length > MAX_TENSOR_RANK) throw new InputError(field, shape.length, `at most ${MAX_TENSOR_RANK} dimensions (the most PyTorch tensors take)`, `has ${shape.length} dimensions`);
  const bad = shape.findIndex((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1);
  if (bad >= 0) {
    const what = shape[bad] === 0 ? 'is a zero-size tensor: ' : '';
    throw new InputError(field, shape, SHAPE_ALLOWED, `${what}dimension ${bad} of ${describe(shape)} is ${String(shape[bad])}`);
  }
  if (boundedProduct(shape) > MAX_TENSOR_ELEMENTS) throw new InputError(field, shape, SHAPE_ALLOWED, `${describe(shape)} has more than ${fmt(MAX_TENSOR_ELEMENTS)} elements`);
}

/** A shape as [1, 3, 8, 8], cut when long. */
function describe(shape: readonly number[]): string {
  const text = `[${shape.map(String).join(', ')}]`;
  return text.length > 80 ? `${text.slice(0, 77)}... (${shape.length} dimensions)` : text;
}

/** A positive integer size attribute (channels, kernel, stride, group) of at most MAX_TENSOR_ELEMENTS. */
export function checkSize(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TENSOR_ELEMENTS) {
    throw new InputError(field, value, `a positive integer, at most ${fmt(MAX_TENSOR_ELEMENTS)}`);
  }
}

/** A padding: an integer from 0 to MAX_TENSOR_ELEMENTS. */
export function checkPad(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TENSOR_ELEMENTS) {
    throw new InputError(field, value, `a non-negative integer, at most ${fmt(MAX_TENSOR_ELEMENTS)}`);
  }
}

/**
 * A float attribute: finite (or ±inf where `infinite` allows it), never NaN, at least `min` (or
 * above `above`) and below `below` when given.
 */
export function checkFloat(field: string, value: unknown, options: { infinite?: boolean; min?: number; above?: number; below?: number } = {}): void {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (options.infinite || Number.isFinite(value)) &&
    (options.min === undefined || value >= options.min) &&
    (options.above === undefined || value > options.above) &&
    (options.below === undefined || value < options.below);
  if (!ok) {
    const low = options.above !== undefined ? `above ${options.above}` : options.min !== undefined ? `at least ${options.min}` : '';
    const high = options.below !== undefined ? `below ${options.below}` : '';
    const range = low || high ? ` ${[low, high].filter(Boolean).join(' and ')}` : '';
    throw new InputError(field, value, `a ${options.infinite ? 'number (inf and -inf allowed, NaN not)' : 'finite number'}${range}`);
  }
}

/** What a list of per-axis window values holds, by spatial rank, for error messages. */
const WINDOW_LISTS: Record<'kernel' | 'strides' | 'dilations' | 'pads', Record<number, string>> = {
  kernel: { 1: 'one kernel side (length)', 2: 'two kernel sides (height, width)', 3: 'three kernel sides (depth, height, width)' },
  strides: { 1: 'one stride (length)', 2: 'two strides (height, width)', 3: 'three strides (depth, height, width)' },
  dilations: { 1: 'one dilation (length)', 2: 'two dilations (height, width)', 3: 'three dilations (depth, height, width)' },
  pads: { 1: 'two pads (begin, end)', 2: 'four pads (top, left, bottom, right)', 3: 'six pads (front, top, left, back, bottom, right)' },
};

/** The attributes of a conv or pool window: one kernel side, stride and dilation per spatial axis, two pads per axis (all begins, then all ends). */
export interface WindowAttrs {
  kernel: unknown;
  strides: unknown;
  pads: unknown;
  /** Absent: all 1. */
  dilations?: unknown;
}

export interface WindowOptions {
  /**
   * Conv only: a pad may be wider than the kernel (PyTorch and onnxruntime accept it, e.g. a
   * Conv1d with kernel 3 and padding 4), up to MAX_KERNEL. Pools and ConvTranspose keep each pad
   * below the (dilated) kernel side: onnxruntime refuses a wider pad for pools, and a transposed
   * conv's pad beyond d*(k-1) has no meaning in PyTorch.
   */
  widePads?: boolean;
}

/** The dilated (effective) kernel side d*(k-1)+1. */
export function effectiveKernel(kernel: number, dilation: number): number {
  return dilation * (kernel - 1) + 1;
}

/**
 * The window of a conv or pool over `sizes` (the spatial sizes of its input, 1 to 3 axes): list
 * lengths, then every axis by checkWindowAxis.
 * @throws InputError naming `${node}.kernel` (or strides, dilations, pads), the value and what is allowed.
 */
export function checkWindow(node: string, a: WindowAttrs, sizes: readonly number[], options: WindowOptions = {}): void {
  const rank = sizes.length;
  const list = (key: keyof typeof WINDOW_LISTS, value: unknown, n: number): void => {
    if (!Array.isArray(value) || value.length !== n) throw new InputError(`${node}.${key}`, value, WINDOW_LISTS[key][rank] ?? `${n} values`);
  };
  list('kernel', a.kernel, rank);
  list('strides', a.strides, rank);
  list('pads', a.pads, 2 * rank);
  if (a.dilations !== undefined) list('dilations', a.dilations, rank);
  const kernel = a.kernel as unknown[];
  const strides = a.strides as unknown[];
  const pads = a.pads as unknown[];
  const dilations = a.dilations as unknown[] | undefined;
  sizes.forEach((size, i) => checkWindowAxis(node, i, rank, size, kernel[i], strides[i], pads[i], pads[i + rank], dilations?.[i] ?? 1, options));
}

/**
 * The window of a conv or pool along one spatial axis `axis` of `rank`: a kernel side from 1 to
 * MAX_KERNEL, a dilation from 1 to MAX_KERNEL, the dilated kernel d*(k-1)+1 no larger than the
 * padded input, a stride from 1 to MAX_STRIDE, each pad from 0 to the dilated kernel side - 1 (a
 * wider pad adds outputs that see only padding; onnxruntime refuses it for pools), or, with
 * `widePads` (Conv), from 0 to MAX_KERNEL. The end pad of axis i is pads[i + rank] (ONNX order).
 * @throws InputError naming `node`, the attribute and index, the value and the bound.
 */
export function checkWindowAxis(
  node: string,
  axis: number,
  rank: number,
  size: number,
  kernel: unknown,
  stride: unknown,
  padBegin: unknown,
  padEnd: unknown,
  dilation: unknown = 1,
  options: WindowOptions = {},
): void {
  const int = (v: unknown, lo: number, hi: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  if (!int(kernel, 1, MAX_KERNEL)) throw new InputError(`${node}.kernel[${axis}]`, kernel, `an integer from 1 to ${MAX_KERNEL}, no larger than the padded input`);
  if (!int(stride, 1, MAX_STRIDE)) throw new InputError(`${node}.strides[${axis}]`, stride, `an integer from 1 to ${MAX_STRIDE}`);
  if (!int(dilation, 1, MAX_KERNEL)) throw new InputError(`${node}.dilations[${axis}]`, dilation, `an integer from 1 to ${MAX_KERNEL}`);
  const k = kernel as number;
  const d = dilation as number;
  const effective = effectiveKernel(k, d);
  const pads: [number, unknown][] = [
    [axis, padBegin],
    [axis + rank, padEnd],
  ];
  for (const [i, p] of pads) {
    if (options.widePads) {
      if (!int(p, 0, MAX_KERNEL)) throw new InputError(`${node}.pads[${i}]`, p, `an integer from 0 to ${MAX_KERNEL}`);
    } else if (!int(p, 0, effective - 1)) {
      const side = d === 1 ? `the kernel side ${k}` : `the dilated kernel side ${effective} = ${d} x (${k} - 1) + 1`;
      throw new InputError(`${node}.pads[${i}]`, p, `an integer from 0 to ${effective - 1} (less than ${side})`);
    }
  }
  const padded = size + (padBegin as number) + (padEnd as number);
  if (effective > padded) {
    const got = d === 1 ? `got ${k},` : `got ${k}, dilated ${effective},`;
    throw new InputError(`${node}.kernel[${axis}]`, k, `an integer from 1 to ${MAX_KERNEL}, no larger than the padded input ${padded}`, `${got} larger than the padded input ${padded} (${size} + pads ${String(padBegin)} and ${String(padEnd)})`);
  }
}

/** An exact count (MACs, weights of one node): at most 2^53 - 1. */
export function checkCount(field: string, what: string, value: number): void {
  if (!(value <= MAX_COUNT)) throw new InputError(field, value, `${what} of at most ${fmt(MAX_COUNT)} (2^53 - 1), so counts stay exact`, `has ${value.toExponential(3)} ${what}`);
}

export { checkExportable, exportWeightElements } from './export-size.js';

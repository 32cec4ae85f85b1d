/**
 * Axis lists of ONNX nodes (Slice, Split, ReduceMean, Unsqueeze), read from attributes (old
 * opsets) or constant inputs (opset 10 / 13 on), checked and made non-negative.
 */
import { InputError } from '../../errors.js';
import { MAX_TENSOR_RANK } from '../../graph/bounds.js';
import type { NodeProto } from '../proto.js';
import type { Attrs, ImportContext } from './context.js';

/** An axis from -rank to rank - 1, made non-negative. */
export function axisIn(field: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new InputError(field, axis, `an integer from ${-rank} to ${rank - 1}`);
  return axis < 0 ? axis + rank : axis;
}

/** Distinct axes in range, made non-negative and sorted. */
export function axesIn(field: string, axes: readonly number[], rank: number): number[] {
  const out = axes.map((ax) => axisIn(field, ax, rank)).sort((p, q) => p - q);
  if (new Set(out).size !== out.length) throw new InputError(field, axes, 'distinct axes');
  return out;
}

/**
 * The dims of an Unsqueeze: `axes` (distinct, from -(rank + n) to rank + n - 1) become 1s.
 * @throws InputError when an axis repeats or is out of range, or the result passes MAX_TENSOR_RANK dims
 */
export function unsqueezeDims(field: string, dims: readonly number[], axes: readonly number[]): number[] {
  const rank = dims.length + axes.length;
  if (rank > MAX_TENSOR_RANK) throw new InputError(field, axes.length > 8 ? `${axes.length} axes` : axes, `axes giving at most ${MAX_TENSOR_RANK} dimensions`, `${dims.length} dimensions + ${axes.length} axes give ${rank}`);
  const ones = new Set(axesIn(field, axes, rank));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(ones.has(i) ? 1 : (dims[k++] as number));
  return out;
}

/**
 * The dims of a Squeeze: `axes` (distinct, each of size 1) removed; without axes every 1 goes.
 * @throws InputError when an axis repeats, is out of range or has a size other than 1
 */
export function squeezeDims(field: string, dims: readonly number[], axes: readonly number[] | undefined): number[] {
  if (!axes) return dims.filter((d) => d !== 1);
  const gone = axesIn(field, axes, dims.length);
  if (gone.some((ax) => dims[ax] !== 1)) throw new InputError(field, axes, `axes of size 1 (input shape [${dims.join(', ')}])`);
  return dims.filter((_, i) => !gone.includes(i));
}

export interface SliceInputs {
  axes: number[];
  starts: number[];
  ends: number[];
  steps: number[];
}

/**
 * The starts, ends, axes and steps of a Slice (inputs 1-4 from opset 10, attributes before), as
 * written (not yet clamped); INT64 min / max ends read as -Infinity / Infinity. A step longer
 * than its axis (INT64 max included) is clamped to the axis length: it takes the same one element.
 * @param negativeSteps whether steps below 0 are allowed (on constants; activations: no)
 */
export function sliceInputs(ctx: ImportContext, node: NodeProto, a: Attrs, dims: readonly number[], negativeSteps: boolean): SliceInputs {
  const fromAttrs = ctx.opset < 10 || a.has('starts');
  const starts = fromAttrs ? (a.ints('starts') ?? []) : ctx.valuesOf(node, 1, 'starts');
  const ends = fromAttrs ? (a.ints('ends') ?? []) : ctx.valuesOf(node, 2, 'ends');
  const rawAxes = fromAttrs ? a.ints('axes') : node.input?.[3] ? ctx.valuesOf(node, 3, 'axes') : undefined;
  const steps = !fromAttrs && node.input?.[4] ? ctx.valuesOf(node, 4, 'steps') : starts.map(() => 1);
  const axes = (rawAxes ?? starts.map((_, i) => i)).map((ax) => axisIn(`${ctx.field(node)} axes`, ax, dims.length));
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length || new Set(axes).size !== axes.length) {
    throw new InputError(`${ctx.field(node)} starts/ends/axes/steps`, { starts, ends, axes, steps }, 'lists of one length with distinct axes');
  }
  const badStep = steps.find((s) => !(Number.isInteger(s) || Math.abs(s) === Infinity) || s === 0 || (!negativeSteps && s < 0));
  if (badStep !== undefined) throw new InputError(`${ctx.field(node)} steps`, steps, negativeSteps ? 'non-zero integers' : 'positive integers (a reversing slice of a computed tensor is not supported)');
  for (const [what, list] of [['starts', starts], ['ends', ends]] as const) {
    if (list.some((v) => !(Number.isInteger(v) || Math.abs(v) === Infinity))) throw new InputError(`${ctx.field(node)} ${what}`, list, 'integers (INT64 min and max included)');
  }
  const clamped = steps.map((s, i) => Math.sign(s) * Math.min(Math.abs(s), Math.max(1, dims[axes[i] as number] as number)));
  return { axes, starts, ends, steps: clamped };
}

/**
 * Tensor arithmetic on constants (row-major values with dims), for constant folding: transpose,
 * slice (negative steps and INT64 min/max ends included), gather, concat, broadcasting binary
 * ops, reshape targets. Values are known only for small tensors (MAX_FOLDED_VALUES); larger ones
 * keep their dims and an empty value list, which is enough for ops that move data. Every function
 * takes O(rank) per computed value (rank <= MAX_TENSOR_RANK), so a fold costs at most
 * MAX_FOLDED_VALUES x rank steps; constants.ts bounds the total over a file (MAX_FOLD_WORK).
 */
import { InputError } from '../../errors.js';
import type { Constant } from './context.js';
import { elementsOf, known } from './context.js';

/** Largest constant whose values folding computes (shape vectors and pads are tiny). */
export const MAX_FOLDED_VALUES = 4096;

export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = (s[i + 1] as number) * (dims[i + 1] as number);
  return s;
}

/** Calls f with each multi-index of dims in row-major order (at most MAX_FOLDED_VALUES of them). */
function eachIndex(dims: readonly number[], f: (index: number[]) => void): void {
  const total = elementsOf(dims);
  const index = new Array<number>(dims.length).fill(0);
  for (let n = 0; n < total; n++) {
    f(index);
    for (let i = dims.length - 1; i >= 0; i--) {
      index[i] = (index[i] as number) + 1;
      if ((index[i] as number) < (dims[i] as number)) break;
      index[i] = 0;
    }
  }
}

/** A constant of these dims whose values come from f(index), when small enough (else dims only). */
function build(dims: number[], int: boolean, f: ((index: number[]) => number) | undefined): Constant {
  if (!f || elementsOf(dims) > MAX_FOLDED_VALUES) return { dims, values: [], int };
  const values: number[] = [];
  eachIndex(dims, (index) => values.push(f(index)));
  return { dims, values, int };
}

const at = (c: Constant, strides: readonly number[], index: readonly number[]): number => {
  let o = 0;
  index.forEach((v, i) => (o += v * (strides[i] as number)));
  return c.values[o] as number;
};

export function transpose(c: Constant, perm: readonly number[]): Constant {
  const strides = stridesOf(c.dims);
  const dims = perm.map((p) => c.dims[p] as number);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return build(dims, c.int, known(c) ? (index) => at(c, strides, inverse.map((j) => index[j] as number)) : undefined);
}

/** One axis of a Slice resolved the ONNX way: start, step and the element count (>= 0). */
export function sliceAxis(dim: number, start: number, end: number, step: number): { start: number; count: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
  } else {
    s = clamp(s, 0, dim - 1);
    e = clamp(e, -1, dim - 1);
  }
  return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

export function slice(c: Constant, axes: readonly number[], starts: readonly number[], ends: readonly number[], steps: readonly number[]): Constant {
  const begin = c.dims.map(() => 0);
  const step = c.dims.map(() => 1);
  const dims = [...c.dims];
  axes.forEach((axis, i) => {
    const r = sliceAxis(c.dims[axis] as number, starts[i] as number, ends[i] as number, steps[i] as number);
    begin[axis] = r.start;
    step[axis] = steps[i] as number;
    dims[axis] = r.count;
  });
  const strides = stridesOf(c.dims);
  return build(dims, c.int, known(c) ? (index) => at(c, strides, index.map((v, i) => (begin[i] as number) + v * (step[i] as number))) : undefined);
}

export function gather(c: Constant, indices: Constant, axis: number): Constant {
  const n = c.dims[axis] as number;
  const idx = indices.values.map((i) => (i < 0 ? i + n : i));
  const dims = [...c.dims.slice(0, axis), ...indices.dims, ...c.dims.slice(axis + 1)];
  const strides = stridesOf(c.dims);
  const r = indices.dims.length;
  return build(dims, c.int, known(c) ? (index) => {
    const flat = stridesOf(indices.dims).reduce((o, s, i) => o + s * (index[axis + i] as number), 0);
    return at(c, strides, [...index.slice(0, axis), idx[flat] as number, ...index.slice(axis + r)]);
  } : undefined);
}

/**
 * Concatenation along axis (parts already checked: equal rank, equal dims off the axis). Linear:
 * each part's block of each outer index is copied once (parts of length 0 skipped).
 */
export function concat(parts: readonly Constant[], axis: number): Constant {
  const first = parts[0] as Constant;
  const dims = [...first.dims];
  dims[axis] = parts.reduce((n, p) => n + (p.dims[axis] as number), 0);
  const int = parts.every((p) => p.int);
  const total = elementsOf(dims);
  if (total > MAX_FOLDED_VALUES || !parts.every(known)) return { dims, values: [], int };
  if (total === 0) return { dims, values: [], int };
  const outer = elementsOf(dims.slice(0, axis));
  const inner = elementsOf(dims.slice(axis + 1));
  const filled = parts.filter((p) => (p.dims[axis] as number) > 0);
  const values: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of filled) {
      const block = (p.dims[axis] as number) * inner;
      for (let k = o * block; k < (o + 1) * block; k++) values.push(p.values[k] as number);
    }
  }
  return { dims, values, int };
}

/** numpy broadcasting of two dims lists, or undefined when they do not broadcast. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Element-wise f over constants broadcast together (Add, Mul, Where, ...). */
export function elementwise(field: string, parts: readonly Constant[], int: boolean, f: (...v: number[]) => number): Constant {
  let dims: number[] | undefined = [];
  for (const p of parts) dims = dims && broadcastDims(dims, p.dims);
  if (!dims) throw new InputError(field, parts.map((p) => p.dims), 'constants of broadcastable shapes');
  const out = dims;
  const readers = parts.map((p) => {
    const strides = stridesOf(p.dims);
    return (index: number[]) => at(p, strides, p.dims.map((d, i) => (d === 1 ? 0 : (index[out.length - p.dims.length + i] as number))));
  });
  return build(out, int, parts.every(known) ? (index) => f(...readers.map((r) => r(index))) : undefined);
}

/**
 * An ONNX Reshape target resolved against the input dims: 0 copies the input's dim (unless
 * allowzero), one -1 takes the rest.
 * @throws InputError when the target does not hold the input's elements
 */
export function resolveReshape(field: string, input: readonly number[], target: readonly number[], allowzero: boolean): number[] {
  const total = elementsOf(input);
  const dims = target.map((d, i) => (d === 0 && !allowzero ? (input[i] ?? NaN) : d));
  const free = dims.filter((d) => d === -1).length;
  const rest = elementsOf(dims.filter((d) => d !== -1));
  const bad = free > 1 || dims.some((d) => !Number.isInteger(d) || d < -1) || (free === 1 ? rest === 0 || total % rest !== 0 : rest !== total);
  if (bad) throw new InputError(field, target, `a shape holding the input's ${total} elements (${input.join('x') || 'scalar'}): at most one -1, 0 copies the input's dim`);
  return dims.map((d) => (d === -1 ? total / rest : d));
}

/**
 * Exact power-of-two rescaling for the hypervolume dispatcher, so that finite inputs never give NaN or
 * a spurious Infinity / 0: when an axis range ref_j - min_j overflows (e.g. ref 1e308, a point at
 * -1e308), or the ranges are so far from 1 that a partial product of them inside a kernel could over-
 * or underflow (e.g. ranges 1e200, 1e200, 1e-100: true volume 1e300, but 1e200 * 1e200 = Infinity),
 * every axis j is multiplied by 2^(c - e_j), e_j the binary exponent of its range and c = floor(960 / m),
 * so each range lies in [2^c, 2^(c+1)): the product of all ranges stays finite and a box that is thin in
 * one axis (a side 2^-1000 of the range: ref 1.8e308, points 0 and -1) keeps a normal volume. Multiplying by a power of two is exact (short of subnormals), the kernels' arithmetic
 * (differences within an axis, products across axes, sums of like products) commutes with it, and the
 * subtraction ref - p happens after scaling, where it cannot overflow. The kernel's result is then
 * multiplied back by 2^(sum e_j) in steps, each exact, giving the representable value or Infinity
 * when the true value overflows (0 when it underflows below the least subnormal).
 *
 * Shapes: `Packed` in, row-major (./packed.ts); the caller guarantees the kernel contract (n >= 1,
 * finite, strictly below ref). Normal inputs (every range in [2^-L, 2^L], L = floor(1000 / m), so no
 * product of ranges leaves 2^±1000) cost one O(N m) pass for the per-axis minimum and no allocation.
 */
import { boundedLimitSet, type ExclusiveWorkspace } from './exclusive.js';
import type { Packed } from './packed.js';

/** A rescaled problem: run the kernel on `points`/`ref`, then `scaleBack` its result(s) by `exponent`. */
export interface Rescaled {
  readonly points: Packed;
  readonly ref: Float64Array;
  /** sum of (e_j - c): the kernel's volumes are 2^-exponent times the true ones. */
  readonly exponent: number;
  /**
   * Input rows kept (row t of `points` is input row kept[t]); a row whose scaled coordinate underflowed
   * to its scaled reference is dropped (its true box is below 2^-1022 of the others' in that axis).
   */
  readonly kept: Int32Array;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word at 1

/** Binary exponent e of a positive x (x in [2^e, 2^(e+1))), exact, subnormals included; 1024 for Infinity. */
export function binaryExponent(x: number): number {
  if (x === Infinity) return 1024;
  bits[0] = x;
  const e = ((words[HIGH] as number) >>> 20) & 0x7ff;
  if (e !== 0) return e - 1023;
  bits[0] = x * 2 ** 64; // subnormal: normalise first
  return ((((words[HIGH] as number) >>> 20) & 0x7ff) - 1023) - 64;
}

let mins = new Float64Array(8);
/** Per m: 2^floor(1000 / m), the largest range the kernels take as it is (its inverse the least). */
const LIMITS: number[] = [];

/** Whether every range ref_j - mins[j] lies in [2^-L, 2^L], L = floor(1000 / m). O(m). */
export function rangesSafe(mins: Float64Array, ref: Float64Array, m: number): boolean {
  let hi = LIMITS[m];
  if (hi === undefined) {
    hi = 2 ** Math.floor(1000 / m);
    LIMITS[m] = hi;
  }
  const lo = 1 / hi;
  for (let j = 0; j < m; j++) {
    const range = (ref[j] as number) - (mins[j] as number);
    if (!(range <= hi && range >= lo)) return false;
  }
  return true;
}

/**
 * Null when the kernels can run on `points` as they are; else the rescaled problem (allocated).
 * O(N m).
 */
export function rescaleIfNeeded(points: Packed, ref: Float64Array): Rescaled | null {
  const { n, m, data } = points;
  if (mins.length < m) mins = new Float64Array(2 * m);
  for (let j = 0; j < m; j++) mins[j] = data[j] as number;
  for (let i = 1; i < n; i++) {
    const b = i * m;
    for (let j = 0; j < m; j++) if ((data[b + j] as number) < (mins[j] as number)) mins[j] = data[b + j] as number;
  }
  return rangesSafe(mins, ref, m) ? null : rescale(points, ref, mins);
}

/** The rescaled problem, given the per-axis minima of the points (see the module comment). O(N m), allocates. */
export function rescale(points: Packed, ref: Float64Array, mins: Float64Array): Rescaled {
  const { n, m, data } = points;
  // Each range to [2^c, 2^(c+1)), c = floor(960 / m): the whole product stays below 2^(960 + m) and a
  // box whose side in one axis is 2^-1000 of that axis's range still has a normal volume.
  const c = Math.floor(960 / m);
  const f1 = new Float64Array(m);
  const f2 = new Float64Array(m);
  const r = new Float64Array(m);
  let exponent = 0;
  for (let j = 0; j < m; j++) {
    const e = binaryExponent((ref[j] as number) - (mins[j] as number)) - c;
    exponent += e;
    const a = Math.ceil(e / 2);
    f1[j] = 2 ** -a; // two exact factors, each a normal number (|a|, |e - a| <= 777)
    f2[j] = 2 ** -(e - a);
    r[j] = ((ref[j] as number) * (f1[j] as number)) * (f2[j] as number);
  }
  const out = new Float64Array(n * m);
  const kept = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    let inside = true;
    for (let j = 0; j < m; j++) {
      const v = ((data[i * m + j] as number) * (f1[j] as number)) * (f2[j] as number);
      if (!(v < (r[j] as number))) inside = false;
      out[k * m + j] = v;
    }
    if (inside) kept[k++] = i;
  }
  return { points: { n: k, m, data: out.subarray(0, k * m) }, ref: r, exponent, kept: kept.subarray(0, k) };
}

/**
 * v * 2^exponent without an intermediate overflow or a premature underflow: steps of at most 2^±1000
 * (each exact while the running value stays normal), Infinity exactly when the product overflows.
 */
export function scaleBack(v: number, exponent: number): number {
  let e = exponent;
  while (e > 1000) {
    v *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    v *= 2 ** -1000;
    e += 1000;
  }
  return v * 2 ** e;
}

/**
 * Row i's exclusive hypervolume (against the other rows of `data`, n x m, reference `ref`, unscaled),
 * with no over- or underflow before the end: WFG bounding (`boundedLimitSet` of ./exclusive.ts; While,
 * Bradstreet and Barone 2012; comparisons only, exact) gives the box [p, b) and the clipped limit set,
 * then a dimension sweep of the uncovered region (slabs along the last axis, each its width times the
 * (d-1)-dimensional uncovered area) sums non-negative products of coordinate differences held as
 * (mantissa in [1, 2), integer exponent) pairs, so a product of sides 2^-1000 and 2^1000 stays exact up to
 * rounding; `scaleBack` returns the value when representable, else Infinity. 0 when another row weakly
 * dominates row i (copies included). For the rescaled contributions path, where a box thin in two axes
 * (sides 2^-1000 of ranges 2^c) underflows inside the whole-set rescaling.
 * O(n m + k^2 m) for the bounding, O(k^d) for the sweep (k the limit-set size); allocates.
 */
export function exclusiveVolumeRescaled(data: Float64Array, n: number, m: number, i: number, ref: Float64Array, ws: ExclusiveWorkspace): number {
  const k = boundedLimitSet(data, n, m, i, ref, ws);
  if (k < 0) return 0;
  const lim = ws.level(m);
  const rows: number[][] = [];
  for (let r = 0; r < k; r++) rows.push(Array.from(lim.subarray(r * m, r * m + m)));
  const p = Array.from(data.subarray(i * m, i * m + m));
  const v = sweep(rows, m, p, Array.from(ws.b));
  return v[0] === 0 ? 0 : scaleBack(v[0], v[1]);
}

/** An extended-exponent non-negative number: value = x[0] * 2^x[1], x[0] in [1, 2) or 0. */
type XNum = [number, number];

function norm(v: number, e: number): XNum {
  if (v === 0) return [0, 0];
  const k = binaryExponent(v);
  return [scaleBack(v, -k), e + k];
}

/** a - b (a >= b) without overflow: halves when the difference overflows (exact for such large values). */
function diff(a: number, b: number): XNum {
  const d = a - b;
  return d === Infinity ? norm(a / 2 - b / 2, 1) : norm(d, 0);
}

function mul(x: XNum, y: XNum): XNum {
  return x[0] === 0 || y[0] === 0 ? [0, 0] : norm(x[0] * y[0], x[1] + y[1]);
}

function add(x: XNum, y: XNum): XNum {
  if (x[0] === 0) return y;
  if (y[0] === 0) return x;
  const e = Math.max(x[1], y[1]);
  return norm(scaleBack(x[0], x[1] - e) + scaleBack(y[0], y[1] - e), e);
}

/** vol([p, b) \ ∪ [l, b)) over `rows` (mutually non-dominated, p <= l <= b) in the first d axes. */
function sweep(rows: number[][], d: number, p: number[], b: number[]): XNum {
  if (rows.length === 0) {
    let v: XNum = [1, 0];
    for (let t = 0; t < d; t++) v = mul(v, diff(b[t] as number, p[t] as number));
    return v;
  }
  if (d === 1) {
    let lo = Infinity;
    for (const r of rows) if ((r[0] as number) < lo) lo = r[0] as number;
    return diff(lo, p[0] as number);
  }
  const e = d - 1;
  rows.sort((x, y) => (x[e] as number) - (y[e] as number));
  let v = mul(sweep([], e, p, b), diff((rows[0] as number[])[e] as number, p[e] as number));
  let active: number[][] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as number[];
    const cut = row.slice(0, e);
    if (!active.some((a) => a.every((x, t) => x <= (cut[t] as number)))) {
      active = active.filter((a) => !cut.every((x, t) => x <= (a[t] as number)));
      active.push(cut);
    }
    const lo = row[e] as number;
    const hi = r + 1 < rows.length ? ((rows[r + 1] as number[])[e] as number) : (b[e] as number);
    if (hi > lo) v = add(v, mul(diff(hi, lo), sweep(active.map((a) => a.slice()), e, p, b)));
  }
  return v;
}

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

/**
 * The preprocessing both 3-D kernels (`hv3d.ts`, `hvc3d.ts`) share: rank the points by x, order them
 * by z (see the rank space of `./staircase.ts`), with every working array carved from one buffer.
 */
import type { Packed } from './packed.js';

/**
 * One zeroed ArrayBuffer carved into typed views, so a kernel call allocates once: V8 spends about a
 * microsecond per typed array, which dominated calls on tens of points.
 */
export class Arena {
  private off = 0;
  private readonly buf: ArrayBuffer;
  constructor(bytes: number) {
    this.buf = new ArrayBuffer(bytes + 64);
  }
  f64(n: number): Float64Array {
    this.off = (this.off + 7) & ~7;
    const v = new Float64Array(this.buf, this.off, n);
    this.off += 8 * n;
    return v;
  }
  u32(n: number): Uint32Array {
    this.off = (this.off + 3) & ~3;
    const v = new Uint32Array(this.buf, this.off, n);
    this.off += 4 * n;
    return v;
  }
  i32(n: number): Int32Array {
    this.off = (this.off + 3) & ~3;
    const v = new Int32Array(this.buf, this.off, n);
    this.off += 4 * n;
    return v;
  }
  u8(n: number): Uint8Array {
    const v = new Uint8Array(this.buf, this.off, n);
    this.off += n;
    return v;
  }
}

/** The 3-D points in rank space, and the arena the kernel carves the rest of its arrays from. */
export interface Prepared3d {
  n: number;
  /** x-rank of input point i. */
  rank: Uint32Array;
  /** Input index of the point with x-rank r. */
  index: Uint32Array;
  /** x and y coordinates by x-rank. */
  xs: Float64Array;
  ys: Float64Array;
  /** The sweep order: step t visits the point with x-rank `sweep[t]`, whose z is `zs[t]` (ascending). */
  sweep: Uint32Array;
  zs: Float64Array;
  /** Holds the `extraBytes` asked of {@link prepare3d}. */
  arena: Arena;
}

/** Radix sorts below this many points are not worth their counters: an insertion sort instead. */
const RADIX_FROM = 64;
/** Digit width of the radix passes: 8 bits (4 passes) below 2,048 points, else 11 (3 passes). */
const digitBits = (n: number): number => (n < 2048 ? 8 : 11);
/** Counters for all passes at once. */
const counters = (n: number): number => Math.ceil(32 / digitBits(n)) << digitBits(n);

interface SortScratch {
  keys: Uint32Array;
  keys2: Uint32Array;
  idx2: Uint32Array;
  counts: Int32Array;
}

/**
 * Writes into `out` the rows of 3-D `data` in lexicographic order of the coordinates (c, a, b), ties
 * by row index. An LSD radix sort (stable counting passes of 11 bits, 8 below 2,048 points; keys
 * carried with the indices so every pass reads sequentially; a pass whose digit is the same for every
 * key is skipped) on the high 32 bits of each coordinate's IEEE-754 pattern made order-preserving
 * (Herf 2001, "Radix tricks"; -0 joins +0), then each run of equal high words (few and short unless
 * the coordinate has ties) sorted by the full comparison. O(n) plus O(k log k) per run of k; below
 * 64 rows an insertion sort.
 * Not order.ts's argsort: this sorts 32-bit high words carried with the indices and breaks ties on three
 * coordinates (argsort: one float64 key, index-only passes over 64 bits), so the two radix passes stay apart.
 */
function lexOrder(data: Float64Array, n: number, c: number, a: number, b: number, out: Uint32Array, s: SortScratch): void {
  const cmp = (i: number, j: number): number =>
    (data[i * 3 + c] as number) - (data[j * 3 + c] as number) ||
    (data[i * 3 + a] as number) - (data[j * 3 + a] as number) ||
    (data[i * 3 + b] as number) - (data[j * 3 + b] as number) ||
    i - j;
  if (n < RADIX_FROM) {
    for (let i = 0; i < n; i++) {
      const v = data[i * 3 + c] as number;
      let t = i - 1;
      for (; t >= 0; t--) {
        const u = out[t] as number;
        const w = data[u * 3 + c] as number;
        if (w < v || (w === v && cmp(u, i) < 0)) break;
        out[t + 1] = u;
      }
      out[t + 1] = i;
    }
    return;
  }
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length * 2); // little-endian: high word at 2k + 1
  let { keys, keys2 } = s;
  let idx = out;
  let idx2 = s.idx2;
  const bits = digitBits(n);
  const passes = Math.ceil(32 / bits);
  const size = 1 << bits;
  const mask = size - 1;
  const counts = s.counts;
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    let h = words[(i * 3 + c) * 2 + 1] as number;
    if (h === 0x80000000) h = 0;
    const k = (h & 0x80000000 ? ~h : h | 0x80000000) >>> 0;
    keys[i] = k;
    idx[i] = i;
    for (let p = 0, shift = 0; p < passes; p++, shift += bits) counts[p * size + ((k >>> shift) & mask)]++;
  }
  for (let p = 0; p < passes; p++) {
    const base = p * size;
    const shift = p * bits;
    if (counts[base + (((keys[0] as number) >>> shift) & mask)] === n) continue;
    let sum = 0;
    for (let d = 0; d < size; d++) {
      const t = counts[base + d] as number;
      counts[base + d] = sum;
      sum += t;
    }
    for (let t = 0; t < n; t++) {
      const k = keys[t] as number;
      const at = counts[base + ((k >>> shift) & mask)]++ as number;
      keys2[at] = k;
      idx2[at] = idx[t] as number;
    }
    [keys, keys2] = [keys2, keys];
    [idx, idx2] = [idx2, idx];
  }
  for (let start = 0; start < n; ) {
    const k = keys[start] as number;
    let end = start + 1;
    while (end < n && keys[end] === k) end++;
    if (end - start > 1) idx.set(Array.from(idx.subarray(start, end)).sort(cmp), start);
    start = end;
  }
  if (idx !== out) out.set(idx);
}

/**
 * Ranks n >= 1 points of m = 3 by (x, y, z) and orders them by (z, y, x), ties by input index: two
 * radix sorts, O(n) (plus O(k log k) per run of k equal leading high words). Copies of a point are
 * adjacent in the sweep. The returned arena has `extraBytes` (plus alignment) left for the caller.
 */
export function prepare3d(points: Packed, extraBytes: number): Prepared3d {
  const { n, data } = points;
  const arena = new Arena(52 * n + 4 * counters(n) + extraBytes);
  const scratch = { keys: arena.u32(n), keys2: arena.u32(n), idx2: arena.u32(n), counts: arena.i32(counters(n)) };
  const index = arena.u32(n);
  const byZ = arena.u32(n);
  lexOrder(data, n, 0, 1, 2, index, scratch);
  lexOrder(data, n, 2, 1, 0, byZ, scratch);
  const rank = arena.u32(n);
  const xs = arena.f64(n);
  const ys = arena.f64(n);
  for (let r = 0; r < n; r++) {
    const i = index[r] as number;
    rank[i] = r;
    xs[r] = data[i * 3] as number;
    ys[r] = data[i * 3 + 1] as number;
  }
  const sweep = arena.u32(n);
  const zs = arena.f64(n);
  for (let t = 0; t < n; t++) {
    const i = byZ[t] as number;
    sweep[t] = rank[i] as number;
    zs[t] = data[i * 3 + 2] as number;
  }
  return { n, rank, index, xs, ys, sweep, zs, arena };
}

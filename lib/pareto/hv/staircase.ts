/**
 * The 2-D staircase shared by the 3-D hypervolume kernels (`hv3d.ts`, `hvc3d.ts`), and the one
 * preprocessing both run: rank the points by x, order them by z.
 *
 * Rank space. {@link prepare3d} sorts the points once by (x, y, z) and once by (z, y, x) (ties by
 * input index). A point is then named by its x-rank r in 0..n-1; `xs[r]`, `ys[r]` are its coordinates.
 * Every comparison between two points breaks ties by these orders, which is an infinitesimal
 * perturbation of the set into general position (x by (x, y, z), y by (y, x-rank), z by (z, y, x))
 * that keeps every weak dominance between distinct points as a strict one: a weakly dominated point
 * is strictly dominated after it, and volumes, computed from the real coordinates, are the limits of
 * the perturbed ones (equal, since the measure is continuous in the points).
 *
 * {@link Staircase} holds a set of mutually non-dominated points (x-rank ascending, y strictly
 * descending) as a doubly linked list over ranks plus a bitset over ranks with 32-ary summary levels,
 * so the predecessor of any rank is found in O(log_32 n) word operations (Math.clz32), and walking
 * successors is O(1) each: the "linked list with precomputed neighbours" of HV3D+ (Guerreiro and
 * Fonseca, "Computing and updating hypervolume contributions in up to four dimensions", IEEE TEVC
 * 22(3), 2018), which finds each point's 2-D neighbours as it enters the sweep of HV3D (Beume,
 * Fonseca, López-Ibáñez, Paquete and Vahrenhold, "On the complexity of computing the hypervolume
 * indicator", IEEE TEVC 13(5), 2009) without a balanced tree.
 */
import type { Packed } from './packed.js';

/** The 3-D points in rank space (see the module docstring). */
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
}

/** Radix sorts below this many points are not worth their counters: a comparison sort instead. */
const RADIX_FROM = 64;

/**
 * The rows of 3-D `data` in lexicographic order of the coordinates (c, a, b), ties by row index.
 * An LSD radix sort (stable counting passes of 11 bits, 8 below 2,048 points; keys carried with the
 * indices so every pass reads sequentially; a pass whose digit is the same for every key is skipped)
 * on the high 32 bits of each coordinate's IEEE-754 pattern made order-preserving (Herf 2001, "Radix
 * tricks"; -0 joins +0), then each run of equal high words (few and short unless the coordinate has
 * ties) sorted by the full comparison. O(n) plus O(k log k) per run of k.
 */
export function lexOrder(data: Float64Array, n: number, c: number, a: number, b: number): Uint32Array {
  const cmp = (i: number, j: number): number =>
    (data[i * 3 + c] as number) - (data[j * 3 + c] as number) ||
    (data[i * 3 + a] as number) - (data[j * 3 + a] as number) ||
    (data[i * 3 + b] as number) - (data[j * 3 + b] as number) ||
    i - j;
  if (n < RADIX_FROM) {
    const order = Array.from({ length: n }, (_, i) => i);
    return Uint32Array.from(order.sort(cmp));
  }
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length * 2); // little-endian: high word at 2k + 1
  let keys = new Uint32Array(n);
  let idx = new Uint32Array(n);
  let keys2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  // Digits of 8 bits (4 passes) for small n, where 2048 counters per pass would dominate, else 11.
  const bits = n < 2048 ? 8 : 11;
  const passes = Math.ceil(32 / bits);
  const size = 1 << bits;
  const mask = size - 1;
  const counts = new Int32Array(passes * size);
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
  return idx;
}

/**
 * Ranks n >= 1 points of m = 3 by (x, y, z) and orders them by (z, y, x), ties by input index: two
 * radix sorts, O(n) (plus O(k log k) per run of k equal leading high words). Copies of a point are
 * adjacent in the sweep.
 */
export function prepare3d(points: Packed): Prepared3d {
  const { n, data } = points;
  const index = lexOrder(data, n, 0, 1, 2);
  const byZ = lexOrder(data, n, 2, 1, 0);
  const rank = new Uint32Array(n);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const i = index[r] as number;
    rank[i] = r;
    xs[r] = data[i * 3] as number;
    ys[r] = data[i * 3 + 1] as number;
  }
  const sweep = new Uint32Array(n);
  const zs = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const i = byZ[t] as number;
    sweep[t] = rank[i] as number;
    zs[t] = data[i * 3 + 2] as number;
  }
  return { n, rank, index, xs, ys, sweep, zs };
}

/**
 * A 2-D staircase over ranks 0..n-1: mutually non-dominated points, x-rank ascending and y strictly
 * descending, in a doubly linked list (`next`, `prev`, -1 at the ends; `head` the first) with a bitset
 * of members for predecessor queries. Memory O(n); every operation O(1) or O(log_32 n).
 */
export class Staircase {
  /** Successor / predecessor of a member rank in the staircase, -1 at the ends. */
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** First member (smallest x), -1 when empty. */
  head = -1;
  /** The members the last {@link insert} removed, in x order: `removed[0 .. removedCount)`. */
  readonly removed: Int32Array;
  removedCount = 0;
  /** levels[0] has bit r set iff r is a member; levels[k + 1] bit w iff levels[k] word w is non-zero. */
  private readonly levels: Int32Array[] = [];

  constructor(
    readonly xs: Float64Array,
    readonly ys: Float64Array,
  ) {
    const n = xs.length;
    this.next = new Int32Array(n).fill(-1);
    this.prev = new Int32Array(n).fill(-1);
    this.removed = new Int32Array(n);
    let size = n;
    do {
      size = (size + 31) >>> 5;
      this.levels.push(new Int32Array(size));
    } while (size > 1);
  }

  /** The largest member rank below r, or -1. */
  pred(r: number): number {
    const levels = this.levels;
    let level = 0;
    let i = r;
    for (;;) {
      const w = i >> 5;
      const bits = (levels[level] as Int32Array)[w]! & ((1 << (i & 31)) - 1);
      if (bits !== 0) {
        i = (w << 5) + 31 - Math.clz32(bits);
        break;
      }
      if (++level === levels.length) return -1;
      i = w;
    }
    while (level > 0) {
      const bits = (levels[--level] as Int32Array)[i] as number;
      i = (i << 5) + 31 - Math.clz32(bits);
    }
    return i;
  }

  /** Marks r a member (the caller links it). */
  mark(r: number): void {
    for (const words of this.levels) {
      const w = r >> 5;
      const old = words[w] as number;
      words[w] = old | (1 << (r & 31));
      if (old !== 0) return;
      r = w;
    }
  }

  /** Unmarks member r (the caller unlinks it). */
  unmark(r: number): void {
    for (const words of this.levels) {
      const w = r >> 5;
      const left = (words[w] as number) & ~(1 << (r & 31));
      words[w] = left;
      if (left !== 0) return;
      r = w;
    }
  }

  /** Links b right after a (a = -1: b becomes the head; b = -1: a becomes the last). */
  link(a: number, b: number): void {
    if (a >= 0) this.next[a] = b;
    else this.head = b;
    if (b >= 0) this.prev[b] = a;
  }

  /**
   * The one staircase insertion. Inserts rank r into the staircase seen inside the window
   * (-inf, X) x (-inf, Y) (the caller guarantees r lies in it and that members outside it to the
   * right lie below r's y, those to the left at or above Y) and returns the area r adds to the region
   * the members dominate inside the window, or -1 (nothing changes) when a member weakly dominates r.
   * The members r dominates leave and are listed in `removed`. `l` is `pred(r)` when the caller has
   * it already. O(log_32 n + removed).
   */
  insert(r: number, X: number, Y: number, l = this.pred(r)): number {
    const { xs, ys, next } = this;
    this.removedCount = 0;
    const y = ys[r] as number;
    let curH = Y;
    if (l >= 0) {
      const yl = ys[l] as number;
      if (yl <= y) return -1; // tie in y: the smaller rank wins
      if (yl < curH) curH = yl;
    }
    let curX = xs[r] as number;
    let gained = 0;
    let h = l >= 0 ? (next[l] as number) : this.head;
    while (h >= 0 && (ys[h] as number) >= y) {
      const hx = xs[h] as number;
      gained += (hx - curX) * (curH - y);
      curX = hx;
      curH = ys[h] as number;
      this.removed[this.removedCount++] = h;
      this.unmark(h);
      h = next[h] as number;
    }
    const hx = h >= 0 ? (xs[h] as number) : X;
    gained += ((hx < X ? hx : X) - curX) * (curH - y);
    this.link(l, r);
    this.link(r, h);
    this.mark(r);
    return gained;
  }
}

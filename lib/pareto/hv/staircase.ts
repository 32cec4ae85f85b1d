/**
 * The 2-D staircase shared by the 3-D hypervolume kernels (`hv3d.ts`, `hvc3d.ts`).
 *
 * Rank space. `prepare3d` (`./rank3d.ts`) sorts the points once by (x, y, z) and once by (z, y, x) (ties by
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
import type { Arena } from './rank3d.js';

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

  /** Arena bytes a staircase over n ranks takes (an upper bound). */
  static bytes(n: number): number {
    return 13 * n + 64;
  }

  /** An empty staircase over the ranks of `xs`, `ys` (by rank), its arrays carved from `arena`. */
  constructor(
    readonly xs: Float64Array,
    readonly ys: Float64Array,
    arena: Arena,
  ) {
    const n = xs.length;
    this.next = arena.i32(n).fill(-1);
    this.prev = arena.i32(n).fill(-1);
    this.removed = arena.i32(n);
    let size = n;
    do {
      size = (size + 31) >>> 5;
      this.levels.push(arena.i32(size));
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

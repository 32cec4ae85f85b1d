import type { RankSpace } from './coords.js';

/**
 * Where the recursion stops splitting and compares pairs directly: helper A on at most `pairsA`
 * points; helper B when |L| * |H| <= `pairsB` or <= `perPointB` * (|L| + |H|) (one side small), and
 * on two objectives (instead of the tree sweep) when |L| * |H| <= `sweepB1` * (|L| + |H|).
 * Measured on Node 20 (concave and uniform sets, m = 3..6); tests set them to 1 to exercise every
 * branch of the recursion.
 */
export const jfbCutoffs = { pairsA: 24, pairsB: 2048, perPointB: 32, sweepB1: 8 };

/**
 * Non-dominated ranks (0 = the Pareto front) of the distinct points of a rank space, by the
 * divide-and-conquer of Jensen (2003, "Reducing the run-time complexity of multiobjective EAs: the
 * NSGA-II and other algorithms"), generalised to ties by Fortin, Grenier & Parizeau (2013,
 * "Generalizing the improved run-time complexity algorithm for non-dominated sorting") and in the
 * provably O(N log^(m-1) N) form of Buzdalov & Shalyto (2014, "A provably asymptotically fast version
 * of the generalized Jensen algorithm for non-dominated sorting"): split on the median of the last
 * objective still open (points below, equal to and above it), rank each part recursively and let the
 * lower parts raise the ranks of the upper ones with one less objective (helper B), down to a sweep
 * on two objectives with a prefix-maximum Fenwick tree.
 *
 * Rows are in lexicographic order, so "row a < row b" stands for objective 0 (a copy never reaches here:
 * rows are distinct points). `coords` holds integer ranks (dense, or a subset of a dense rank space:
 * the trees span the largest f2 rank), so ties are exact. Needs m >= 2. Returns an Int32Array of u
 * ranks, row order. O(N log^(m-1) N) time for m >= 3 (O(N log N) for m = 2), O(N) extra memory.
 *
 * `frontOnly`: only rank 0 is exact (every other row gets some rank >= 1). The recursion then stops
 * one objective earlier, at a 3-objective sweep (a dominance test, unlike a rank, is a prefix minimum),
 * which makes it the maxima algorithm of Kung, Luccio & Preparata (1975, "On finding the maxima of a
 * set of vectors"), O(N log^(m-2) N) for m >= 3.
 */
export function jfbRanks(space: RankSpace, frontOnly = false): Int32Array {
  const { u, m, coords: c } = space;
  const { pairsA, pairsB, perPointB, sweepB1 } = jfbCutoffs;
  const rank = new Int32Array(u);
  if (u <= 1) return rank;
  const idx = new Int32Array(u);
  for (let i = 0; i < u; i++) idx[i] = i;
  const tmp = new Int32Array(u);
  const sel = new Int32Array(u);
  // Trees over f2 ranks: the coordinates need not be dense (a subset of a rank space keeps its values).
  let size = 0;
  for (let r = 0; r < u; r++) if ((c[r * m + 1] as number) >= size) size = (c[r * m + 1] as number) + 1;
  const tree = new Int32Array(size).fill(-1);
  const NONE = 0x7fffffff;
  const minTree = frontOnly && m >= 3 ? new Int32Array(size).fill(NONE) : tree;

  const raise = (l: number, h: number): void => {
    const r = (rank[l] as number) + 1;
    if (r > (rank[h] as number)) rank[h] = r;
  };
  /** Whether row l (< row h) is no worse than row h on objectives 1..k. */
  const covers = (l: number, h: number, k: number): boolean => {
    const bl = l * m;
    const bh = h * m;
    for (let j = 1; j <= k; j++) if ((c[bl + j] as number) > (c[bh + j] as number)) return false;
    return true;
  };
  const treeSet = (pos: number, value: number): void => {
    for (let i = pos; i < size; i |= i + 1) if ((tree[i] as number) < value) tree[i] = value;
  };
  const treeClear = (pos: number): void => {
    for (let i = pos; i < size; i |= i + 1) tree[i] = -1;
  };
  const treeMax = (pos: number): number => {
    let r = -1;
    for (let i = pos; i >= 0; i = (i & (i + 1)) - 1) if ((tree[i] as number) > r) r = tree[i] as number;
    return r;
  };
  /** Merges the row-sorted runs idx[from, mid) and idx[mid, until). */
  const merge = (from: number, mid: number, until: number): void => {
    if (from === mid || mid === until || (idx[mid - 1] as number) < (idx[mid] as number)) return;
    let a = from;
    let b = mid;
    let o = from;
    while (a < mid && b < until) tmp[o++] = (idx[a] as number) < (idx[b] as number) ? (idx[a++] as number) : (idx[b++] as number);
    while (a < mid) tmp[o++] = idx[a++] as number;
    while (b < until) tmp[o++] = idx[b++] as number;
    for (let i = from; i < until; i++) idx[i] = tmp[i] as number;
  };
  /** The value of rank `want` (0-based) among sel[0, n), by quickselect (sel is reordered). */
  const select = (n: number, want: number): number => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const pivot = sel[(lo + hi) >> 1] as number;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while ((sel[i] as number) < pivot) i++;
        while ((sel[j] as number) > pivot) j--;
        if (i <= j) {
          const t = sel[i] as number;
          sel[i++] = sel[j] as number;
          sel[j--] = t;
        }
      }
      if (want <= j) hi = j;
      else if (want >= i) lo = i;
      else return sel[want] as number;
    }
    return sel[want] as number;
  };
  /** Ends of the parts below and equal to the pivot after the last `split`. */
  let endBelow = 0;
  let endEqual = 0;
  /** Stable three-way split of idx[from, until) on objective k around v (sets endBelow, endEqual). */
  const split = (from: number, until: number, k: number, v: number): void => {
    let nl = 0;
    let ne = 0;
    for (let i = from; i < until; i++) {
      const x = c[(idx[i] as number) * m + k] as number;
      if (x < v) nl++;
      else if (x === v) ne++;
    }
    let pl = from;
    let pe = from + nl;
    let pg = pe + ne;
    for (let i = from; i < until; i++) {
      const p = idx[i] as number;
      const x = c[p * m + k] as number;
      if (x < v) tmp[pl++] = p;
      else if (x === v) tmp[pe++] = p;
      else tmp[pg++] = p;
    }
    for (let i = from; i < until; i++) idx[i] = tmp[i] as number;
    endBelow = from + nl;
    endEqual = from + nl + ne;
  };

  /** Helper B on objectives 0 and 1: a sweep in row order with a prefix-maximum tree over f2. */
  const sweepB = (lFrom: number, lUntil: number, hFrom: number, hUntil: number): void => {
    let li = lFrom;
    for (let hi = hFrom; hi < hUntil; hi++) {
      const h = idx[hi] as number;
      while (li < lUntil && (idx[li] as number) < h) {
        const l = idx[li++] as number;
        treeSet(c[l * m + 1] as number, rank[l] as number);
      }
      const q = treeMax(c[h * m + 1] as number) + 1;
      if (q > (rank[h] as number)) rank[h] = q;
    }
    for (let i = lFrom; i < li; i++) treeClear(c[(idx[i] as number) * m + 1] as number);
  };
  /** Smallest f3 inserted at f2 <= y (NONE if none). */
  const minBelow = (y: number): number => {
    let r = NONE;
    for (let i = y; i >= 0; i = (i & (i + 1)) - 1) if ((minTree[i] as number) < r) r = minTree[i] as number;
    return r;
  };
  const minInsert = (y: number, z: number): void => {
    for (let i = y; i < size; i |= i + 1) if ((minTree[i] as number) > z) minTree[i] = z;
  };
  const minClear = (y: number): void => {
    for (let i = y; i < size; i |= i + 1) minTree[i] = NONE;
  };
  /**
   * Front only, helper A on objectives 0..2: a row is dominated iff an earlier row has f2 and f3 no
   * larger, i.e. the smallest f3 over earlier rows with f2 <= its f2 is no larger than its f3
   * (Kung, Luccio & Preparata 1975's 3-D sweep with a prefix-minimum tree as the staircase).
   */
  const sweepA3 = (from: number, until: number): void => {
    for (let i = from; i < until; i++) {
      const b = (idx[i] as number) * m;
      if (minBelow(c[b + 1] as number) <= (c[b + 2] as number)) rank[idx[i] as number] = 1;
      minInsert(c[b + 1] as number, c[b + 2] as number);
    }
    for (let i = from; i < until; i++) minClear(c[(idx[i] as number) * m + 1] as number);
  };
  /** Front only, helper B on objectives 0..2: the same sweep, L inserting and H querying. */
  const sweepB3 = (lFrom: number, lUntil: number, hFrom: number, hUntil: number): void => {
    let li = lFrom;
    for (let hi = hFrom; hi < hUntil; hi++) {
      const h = idx[hi] as number;
      while (li < lUntil && (idx[li] as number) < h) {
        const b = (idx[li++] as number) * m;
        minInsert(c[b + 1] as number, c[b + 2] as number);
      }
      if (rank[h] === 0 && minBelow(c[h * m + 1] as number) <= (c[h * m + 2] as number)) rank[h] = 1;
    }
    for (let i = lFrom; i < li; i++) minClear(c[(idx[i] as number) * m + 1] as number);
  };
  /** Helper B by comparing every pair (small L or H). */
  const bruteB = (lFrom: number, lUntil: number, hFrom: number, hUntil: number, k: number): void => {
    for (let hi = hFrom; hi < hUntil; hi++) {
      const h = idx[hi] as number;
      for (let li = lFrom; li < lUntil; li++) {
        const l = idx[li] as number;
        if (l > h) break;
        if ((rank[l] as number) >= (rank[h] as number) && covers(l, h, k)) raise(l, h);
      }
    }
  };

  /** Ranks of idx[from, until), all equal on objectives above k and final with respect to every other point. */
  const helperA = (from: number, until: number, k: number): void => {
    const n = until - from;
    if (n <= 1) return;
    if (frontOnly && k === 2) return sweepA3(from, until);
    if (k === 1) {
      for (let i = from; i < until; i++) {
        const p = idx[i] as number;
        const y = c[p * m + 1] as number;
        const q = treeMax(y) + 1;
        if (q > (rank[p] as number)) rank[p] = q;
        treeSet(y, rank[p] as number);
      }
      for (let i = from; i < until; i++) treeClear(c[(idx[i] as number) * m + 1] as number);
      return;
    }
    if (n <= pairsA) {
      for (let i = from + 1; i < until; i++) {
        const h = idx[i] as number;
        for (let j = from; j < i; j++) {
          const l = idx[j] as number;
          if ((rank[l] as number) >= (rank[h] as number) && covers(l, h, k)) raise(l, h);
        }
      }
      return;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < until; i++) {
      const x = c[(idx[i] as number) * m + k] as number;
      sel[i - from] = x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (lo === hi) return helperA(from, until, k - 1);
    split(from, until, k, select(n, n >> 1));
    const a = endBelow;
    const b = endEqual;
    helperA(from, a, k);
    helperB(from, a, a, b, k - 1);
    helperA(a, b, k - 1);
    merge(from, a, b);
    helperB(from, b, b, until, k - 1);
    helperA(b, until, k);
    merge(from, b, until);
  };

  /**
   * Raises the ranks of H = idx[hFrom, hUntil) by the (final) ranks of L = idx[lFrom, lUntil), where
   * every point of L is no worse than every point of H on the objectives above k. Both runs are
   * row-sorted on entry and on exit.
   */
  const helperB = (lFrom: number, lUntil: number, hFrom: number, hUntil: number, k: number): void => {
    const nl = lUntil - lFrom;
    const nh = hUntil - hFrom;
    if (nl === 0 || nh === 0) return;
    // Nothing to raise when every rank in H already exceeds every rank in L.
    let lTop = -1;
    let hLow = 0x7fffffff;
    for (let i = lFrom; i < lUntil; i++) if ((rank[idx[i] as number] as number) > lTop) lTop = rank[idx[i] as number] as number;
    for (let i = hFrom; i < hUntil; i++) if ((rank[idx[i] as number] as number) < hLow) hLow = rank[idx[i] as number] as number;
    if (lTop < hLow) return;
    if (k === 1 ? nl * nh <= sweepB1 * (nl + nh) : nl * nh <= pairsB || nl * nh <= perPointB * (nl + nh)) return bruteB(lFrom, lUntil, hFrom, hUntil, k);
    if (frontOnly && k === 2) return sweepB3(lFrom, lUntil, hFrom, hUntil);
    if (k === 1) return sweepB(lFrom, lUntil, hFrom, hUntil);
    // The range loops below repeat helperA's; a shared closure measured up to 25% slower (front-only), so inline.
    let lMin = Infinity;
    let lMax = -Infinity;
    let hMin = Infinity;
    let hMax = -Infinity;
    for (let i = lFrom; i < lUntil; i++) {
      const x = c[(idx[i] as number) * m + k] as number;
      sel[i - lFrom] = x;
      if (x < lMin) lMin = x;
      if (x > lMax) lMax = x;
    }
    for (let i = hFrom; i < hUntil; i++) {
      const x = c[(idx[i] as number) * m + k] as number;
      sel[nl + i - hFrom] = x;
      if (x < hMin) hMin = x;
      if (x > hMax) hMax = x;
    }
    if (lMin > hMax) return;
    if (lMax <= hMin) return helperB(lFrom, lUntil, hFrom, hUntil, k - 1);
    const v = select(nl + nh, (nl + nh) >> 1);
    split(lFrom, lUntil, k, v);
    const l1 = endBelow;
    const l2 = endEqual;
    split(hFrom, hUntil, k, v);
    const h1 = endBelow;
    const h2 = endEqual;
    helperB(lFrom, l1, hFrom, h1, k);
    helperB(l2, lUntil, h2, hUntil, k);
    merge(lFrom, l1, l2);
    merge(h1, h2, hUntil);
    helperB(lFrom, l2, h1, hUntil, k - 1);
    merge(lFrom, l2, lUntil);
    merge(hFrom, h1, hUntil);
  };

  helperA(0, u, m - 1);
  return rank;
}

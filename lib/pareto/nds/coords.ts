import { argsort } from '../hv/order.js';

/**
 * Points in rank space for the non-dominated sorts: every objective replaced by its dense rank
 * (0 = smallest value; equal values, ±Infinity included, get equal ranks), so the divide-and-conquer
 * compares small integers and ties are exact; the distinct points are numbered in lexicographic order
 * and every input point maps to its distinct point (a copy of a point does not dominate it: copies
 * share one entry and therefore one rank).
 */
export interface RankSpace {
  /** Number of distinct points. */
  readonly u: number;
  /** Number of objectives. */
  readonly m: number;
  /** u * m dense ranks, row-major; row r is the r-th distinct point in lexicographic order. */
  readonly coords: Int32Array;
  /** For each input point (input order), the row of its distinct point. */
  readonly row: Int32Array;
}

/**
 * Builds the rank space of n points of m objectives (row-major `data`, no NaN).
 * O(m n log n) for the m column sorts (shared `argsort`, a radix sort from 256 keys on), then O(m n)
 * for the lexicographic order (least-significant-objective-first stable counting sorts on the ranks)
 * and the merging of copies. Memory O(m n).
 */
export function rankSpace(data: Float64Array, n: number, m: number): RankSpace {
  const rk = new Int32Array(n * m); // rk[i * m + j]: dense rank of point i on objective j
  const distinct = new Int32Array(m);
  const column = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) column[i] = data[i * m + j] as number;
    const order = argsort(column);
    let d = -1;
    let last = NaN;
    for (let k = 0; k < n; k++) {
      const i = order[k] as number;
      const v = column[i] as number;
      if (v !== last) {
        d++;
        last = v;
      }
      rk[i * m + j] = d;
    }
    distinct[j] = d + 1;
  }
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Int32Array(n);
  const count = new Int32Array(n + 1);
  for (let j = m - 1; j >= 0; j--) {
    const range = distinct[j] as number;
    count.fill(0, 0, range + 1);
    for (let i = 0; i < n; i++) {
      const k = (rk[i * m + j] as number) + 1;
      count[k] = (count[k] as number) + 1;
    }
    for (let r = 1; r <= range; r++) count[r] = (count[r] as number) + (count[r - 1] as number);
    for (let t = 0; t < n; t++) {
      const i = order[t] as number;
      const k = rk[i * m + j] as number;
      next[count[k] as number] = i;
      count[k] = (count[k] as number) + 1;
    }
    const swap = order;
    order = next;
    next = swap;
  }
  const row = new Int32Array(n);
  const coords = new Int32Array(n * m);
  let u = 0;
  let prev = -1;
  for (let t = 0; t < n; t++) {
    const i = order[t] as number;
    const b = i * m;
    let same = prev >= 0;
    for (let j = 0; j < m && same; j++) same = rk[b + j] === rk[prev + j];
    if (!same) {
      const o = u * m;
      for (let j = 0; j < m; j++) coords[o + j] = rk[b + j] as number;
      u++;
    }
    row[i] = u - 1;
    prev = b;
  }
  return { u, m, coords: coords.subarray(0, u * m), row };
}

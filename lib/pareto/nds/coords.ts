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

/** Stable counting sort of `order` by `key[order[i]]` (keys in [0, range)). O(n + range). */
function countingSortBy(order: Int32Array, key: Int32Array, range: number, out: Int32Array, count: Int32Array): void {
  count.fill(0, 0, range + 1);
  for (let i = 0; i < order.length; i++) {
    const k = (key[order[i] as number] as number) + 1;
    count[k] = (count[k] as number) + 1;
  }
  for (let r = 1; r <= range; r++) count[r] = (count[r] as number) + (count[r - 1] as number);
  for (let i = 0; i < order.length; i++) {
    const p = order[i] as number;
    const k = key[p] as number;
    out[count[k] as number] = p;
    count[k] = (count[k] as number) + 1;
  }
}

/**
 * Builds the rank space of n points of m objectives (row-major `data`, no NaN).
 * O(m n log n) for the m column sorts (shared `argsort`), then O(m n) for the lexicographic order
 * (least-significant-objective-first counting sorts on the ranks) and the merging of copies.
 */
export function rankSpace(data: Float64Array, n: number, m: number): RankSpace {
  const ranks: Int32Array[] = [];
  const distinct: number[] = [];
  const column = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) column[i] = data[i * m + j] as number;
    const order = argsort(column);
    const r = new Int32Array(n);
    let d = -1;
    let last = NaN;
    for (let k = 0; k < n; k++) {
      const i = order[k] as number;
      const v = column[i] as number;
      if (v !== last) {
        d++;
        last = v;
      }
      r[i] = d;
    }
    ranks.push(r);
    distinct.push(d + 1);
  }
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let scratch = new Int32Array(n);
  const count = new Int32Array(n + 1);
  for (let j = m - 1; j >= 0; j--) {
    countingSortBy(order, ranks[j] as Int32Array, distinct[j] as number, scratch, count);
    [order, scratch] = [scratch, order];
  }
  const row = new Int32Array(n);
  const coords = new Int32Array(n * m);
  let u = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    let same = k > 0;
    if (same) {
      const prev = order[k - 1] as number;
      for (let j = 0; j < m && same; j++) same = (ranks[j] as Int32Array)[i] === (ranks[j] as Int32Array)[prev];
    }
    if (!same) {
      for (let j = 0; j < m; j++) coords[u * m + j] = (ranks[j] as Int32Array)[i] as number;
      u++;
    }
    row[i] = u - 1;
  }
  return { u, m, coords: coords.subarray(0, u * m), row };
}

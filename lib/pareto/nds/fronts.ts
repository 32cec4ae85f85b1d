import { argsort } from '../hv/order.js';
import type { RankSpace } from './coords.js';
import { jfbRanks } from './jfb.js';

/**
 * Fronts and ranks of the distinct points of a rank space (rows in lexicographic order, dense integer
 * coordinates, no two rows equal). A row can only be dominated by an earlier row, and an earlier row
 * that is no worse on objectives 1..m-1 dominates it (it is no worse on objective 0 and differs).
 * Every function returns one value per row: `Uint8Array` flags (1 = on the Pareto front) or
 * `Int32Array` ranks (0 = the front).
 */

/**
 * Two objectives, straight on the packed coordinates (no rank space): indices in lexicographic order,
 * one argsort on f1 (stable) and runs of equal f1 sorted on f2. O(n log n).
 */
export function lexOrder2(data: Float64Array, n: number): Uint32Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = data[2 * i] as number;
  const order = argsort(x);
  for (let a = 0; a < n; ) {
    const v = x[order[a] as number] as number;
    let b = a + 1;
    while (b < n && x[order[b] as number] === v) b++;
    if (b - a > 1) {
      const run = Array.from(order.subarray(a, b)).sort((i, j) => (data[2 * i + 1] as number) - (data[2 * j + 1] as number) || i - j);
      order.set(run, a);
    }
    a = b;
  }
  return order;
}

/**
 * Two objectives: point flags (1 = on the Pareto front), input order. One linear pass first drops the
 * points dominated by the point of least f1 + f2 (on uniform sets most of them; a copy of it stays),
 * then, in lexicographic order, a point is on the front iff its f2 is below every earlier point's, or
 * it copies the point just before it (copies are adjacent) and shares its flag. O(n) + O(k log k) for
 * the k points the pass keeps.
 */
export function front2(data: Float64Array, n: number): Uint8Array {
  const on = new Uint8Array(n);
  let pivot = -1;
  let bestSum = Infinity;
  for (let i = 0; i < n; i++) {
    const s = (data[2 * i] as number) + (data[2 * i + 1] as number);
    if (s < bestSum) {
      bestSum = s;
      pivot = i;
    }
  }
  let keep: Uint32Array | null = null;
  let k = n;
  let sub = data;
  if (pivot >= 0 && Number.isFinite(bestSum)) {
    const px = data[2 * pivot] as number;
    const py = data[2 * pivot + 1] as number;
    keep = new Uint32Array(n);
    sub = new Float64Array(2 * n);
    k = 0;
    for (let i = 0; i < n; i++) {
      const x = data[2 * i] as number;
      const y = data[2 * i + 1] as number;
      if (px <= x && py <= y && (px < x || py < y)) continue; // dominated by the pivot
      keep[k] = i;
      sub[2 * k] = x;
      sub[2 * k + 1] = y;
      k++;
    }
    if (k === n) {
      keep = null;
      sub = data;
    }
  }
  const subOn = keep ? new Uint8Array(k) : on;
  frontSweep2(sub, k, subOn);
  if (keep) for (let t = 0; t < k; t++) on[keep[t] as number] = subOn[t] as number;
  return on;
}

/** The lexicographic sweep of front2 over n points, flags written into `on` (zeroed). */
function frontSweep2(data: Float64Array, n: number, on: Uint8Array): void {
  const order = lexOrder2(data, n);
  let best = Infinity;
  let seen = false;
  let prev = -1;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const x = data[2 * i] as number;
    const y = data[2 * i + 1] as number;
    if (prev >= 0 && x === data[2 * prev] && y === data[2 * prev + 1]) on[i] = on[prev] as number;
    else if (!seen || y < best) {
      on[i] = 1;
      best = y;
      seen = true;
    }
    prev = i;
  }
}

/**
 * Two objectives, all ranks (input order; 0 = the front): each front keeps the smallest f2 it has
 * reached, increasing with the front index, so a point's rank is the first front whose smallest f2 is
 * above the point's (binary search); a copy takes the rank of the point just before it.
 * O(n log n) (the sweep of Jensen 2003 for m = 2).
 */
export function ranks2(data: Float64Array, n: number): Int32Array {
  const rank = new Int32Array(n);
  const order = lexOrder2(data, n);
  const minY = new Float64Array(n);
  let fronts = 0;
  let prev = -1;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const x = data[2 * i] as number;
    const y = data[2 * i + 1] as number;
    if (prev >= 0 && x === data[2 * prev] && y === data[2 * prev + 1]) {
      rank[i] = rank[prev] as number;
      prev = i;
      continue;
    }
    prev = i;
    let lo = 0;
    let hi = fronts;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((minY[mid] as number) <= y) lo = mid + 1;
      else hi = mid;
    }
    rank[i] = lo;
    minY[lo] = y; // below the front's previous minimum (or a new front)
    if (lo === fronts) fronts++;
  }
  return rank;
}

/**
 * Three objectives: a row is dominated iff an earlier row has f2 <= its f2 and f3 <= its f3, i.e. the
 * smallest f3 over earlier rows with f2 <= its f2 is <= its f3: a Fenwick tree of prefix minima over
 * the f2 ranks (Kung, Luccio & Preparata 1975's sweep, with the tree as the staircase). O(u log u).
 */
export function front3(space: RankSpace): Uint8Array {
  const { u, coords: c } = space;
  const on = new Uint8Array(u);
  let size = 0; // f2 ranks need not be dense (ranksPeeling passes subsets)
  for (let r = 0; r < u; r++) if ((c[3 * r + 1] as number) >= size) size = (c[3 * r + 1] as number) + 1;
  const tree = new Int32Array(size).fill(0x7fffffff);
  for (let r = 0; r < u; r++) {
    const y = c[3 * r + 1] as number;
    const z = c[3 * r + 2] as number;
    let best = 0x7fffffff;
    for (let i = y; i >= 0; i = (i & (i + 1)) - 1) if ((tree[i] as number) < best) best = tree[i] as number;
    if (best <= z) continue;
    on[r] = 1;
    for (let i = y; i < size; i |= i + 1) if ((tree[i] as number) > z) tree[i] = z;
  }
  return on;
}

/**
 * Any m: the front by one lexicographic scan that compares each row with the front found so far,
 * O(u * |front| * m), or null as soon as the front exceeds `limit` rows (then the divide-and-conquer
 * is cheaper). Fast when the front is small (uniform data after the prefilter).
 */
export function frontScan(space: RankSpace, limit: number): Uint8Array | null {
  const { u, m, coords: c } = space;
  const on = new Uint8Array(u);
  const front = new Int32Array(Math.min(u, limit));
  let size = 0;
  for (let r = 0; r < u; r++) {
    const b = r * m;
    let dominated = false;
    for (let k = size - 1; k >= 0 && !dominated; k--) {
      const a = (front[k] as number) * m;
      let j = 1;
      while (j < m && (c[a + j] as number) <= (c[b + j] as number)) j++;
      dominated = j === m;
    }
    if (dominated) continue;
    if (size === limit) return null;
    on[r] = 1;
    front[size++] = r;
  }
  return on;
}

/** Any m >= 2: the front as the rows of rank 0 of the divide-and-conquer sort in front-only mode. */
export function frontJfb(space: RankSpace): Uint8Array {
  const rank = jfbRanks(space, true);
  const on = new Uint8Array(space.u);
  for (let r = 0; r < space.u; r++) on[r] = rank[r] === 0 ? 1 : 0;
  return on;
}

/**
 * All ranks for m >= 3 by peeling while the fronts are large: the front comes one log factor cheaper
 * than the ranks (front3, frontJfb), and a point off the front has rank 1 + its rank among the rest.
 * So while the front holds at least half of what is left it is peeled off; what remains (if anything)
 * is ranked by the divide-and-conquer sort and offset by the fronts peeled. On near-front data (one
 * big front) this is one front pass plus a small sort; on data with many small fronts it is the sort.
 * Returns one rank per row.
 */
export function ranksPeeling(space: RankSpace): Int32Array {
  const { m } = space;
  const rank = new Int32Array(space.u);
  let sub = space;
  let rows: Int32Array | null = null; // rows of `sub` in `space` (null: the same)
  for (let offset = 0; sub.u > 0; offset++) {
    // m >= 4: a bounded scan first, so that a small front (many fronts: uniform data) costs little.
    const on = m === 3 ? front3(sub) : (frontScan(sub, Math.min(128, sub.u >> 1)) ?? frontJfb(sub));
    let count = 0;
    for (let r = 0; r < sub.u; r++) count += on[r] as number;
    if (2 * count < sub.u) {
      const rest = jfbRanks(sub);
      for (let r = 0; r < sub.u; r++) rank[rows ? (rows[r] as number) : r] = offset + (rest[r] as number);
      break;
    }
    const keep = new Int32Array(sub.u - count);
    const coords = new Int32Array((sub.u - count) * m);
    let k = 0;
    for (let r = 0; r < sub.u; r++) {
      const original = rows ? (rows[r] as number) : r;
      if (on[r] === 1) rank[original] = offset;
      else {
        coords.set(sub.coords.subarray(r * m, (r + 1) * m), k * m);
        keep[k++] = original;
      }
    }
    sub = { u: k, m, coords, row: keep };
    rows = keep;
  }
  return rank;
}

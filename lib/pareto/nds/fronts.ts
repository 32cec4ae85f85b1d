import type { RankSpace } from './coords.js';
import { jfbRanks } from './jfb.js';

/**
 * Fronts and ranks of the distinct points of a rank space (rows in lexicographic order, dense integer
 * coordinates, no two rows equal). A row can only be dominated by an earlier row, and an earlier row
 * that is no worse on objectives 1..m-1 dominates it (it is no worse on objective 0 and differs).
 * Every function returns one value per row: `Uint8Array` flags (1 = on the Pareto front) or
 * `Int32Array` ranks (0 = the front).
 */

/** Two objectives: a row is on the front iff its f2 is below every earlier row's. O(u). */
export function front2(space: RankSpace): Uint8Array {
  const { u, coords: c } = space;
  const on = new Uint8Array(u);
  let best = Infinity;
  for (let r = 0; r < u; r++) {
    const y = c[2 * r + 1] as number;
    if (y < best) {
      on[r] = 1;
      best = y;
    }
  }
  return on;
}

/**
 * Two objectives, all ranks: each front keeps the smallest f2 it has reached, decreasing in the front
 * index, so a row's rank is the first front whose smallest f2 is above the row's (binary search).
 * O(u log u) (Jensen 2003's sweep for m = 2).
 */
export function ranks2(space: RankSpace): Int32Array {
  const { u, coords: c } = space;
  const rank = new Int32Array(u);
  const minY = new Int32Array(u);
  let fronts = 0;
  for (let r = 0; r < u; r++) {
    const y = c[2 * r + 1] as number;
    let lo = 0;
    let hi = fronts;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((minY[mid] as number) <= y) lo = mid + 1;
      else hi = mid;
    }
    rank[r] = lo;
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
  const tree = new Int32Array(u).fill(0x7fffffff);
  for (let r = 0; r < u; r++) {
    const y = c[3 * r + 1] as number;
    const z = c[3 * r + 2] as number;
    let best = 0x7fffffff;
    for (let i = y; i >= 0; i = (i & (i + 1)) - 1) if ((tree[i] as number) < best) best = tree[i] as number;
    if (best <= z) continue;
    on[r] = 1;
    for (let i = y; i < u; i |= i + 1) if ((tree[i] as number) > z) tree[i] = z;
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

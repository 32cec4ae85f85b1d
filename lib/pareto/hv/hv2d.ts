/**
 * 2-D hypervolume and exclusive contributions (every objective minimised), on the kernel layout and
 * contract of `packed.ts` (n >= 1, finite coordinates strictly below `ref`; dominated points and
 * copies allowed; inputs never mutated).
 *
 * Both are the classic sort-and-sweep (e.g. Fonseca, Paquete and López-Ibáñez 2006, "An improved
 * dimension-sweep algorithm for the hypervolume indicator", whose base case it is): sort by the first
 * objective and walk the staircase of the non-dominated points. One argsort (radix for large n, see
 * `order.ts`) and linear passes: O(n log n) comparisons, or O(n) with the radix path.
 */
import { argsort } from './order.js';
import type { Packed } from './packed.js';

/**
 * Up to this many points left after the pivot pass are sorted by insertion as they are copied and
 * swept inline (no argsort, no allocation); measured: tiny fronts of 6-10 points ~3x faster.
 */
const SMALL_SWEEP = 24;
/** Module scratch of hv2d (copies of the points left after the pivot pass), grown on demand; hv2d calls nothing re-entrant. */
let sweepX = new Float64Array(256);
let sweepY = new Float64Array(256);

/** Below this many points left after the pivot pass, {@link mergeSortPairs} sorts them; above, argsort (its bucket sort measured 1.5-2.4x faster on 500-3,300-point near-fronts). */
const MERGE_BELOW = 256;
/** Insertion-sorted run length of {@link mergeSortPairs}. */
const RUN = 16;
let mergeX = new Float64Array(256);
let mergeY = new Float64Array(256);

/**
 * Sorts the k pairs (sweepX[t], sweepY[t]) by x (ties in any order): insertion-sorted runs of RUN,
 * then bottom-up merge passes ping-ponging with mergeX/mergeY. O(k log k), no allocation on a warm
 * call. Returns true when the result is in sweepX/sweepY, false when in mergeX/mergeY.
 */
function mergeSortPairs(k: number): boolean {
  if (mergeX.length < k) {
    mergeX = new Float64Array(sweepX.length);
    mergeY = new Float64Array(sweepX.length);
  }
  let ax = sweepX;
  let ay = sweepY;
  let bx = mergeX;
  let by = mergeY;
  for (let start = 0; start < k; start += RUN) {
    const end = Math.min(start + RUN, k);
    for (let t = start + 1; t < end; t++) {
      const x = ax[t] as number;
      const y = ay[t] as number;
      let u = t - 1;
      while (u >= start && (ax[u] as number) > x) {
        ax[u + 1] = ax[u] as number;
        ay[u + 1] = ay[u] as number;
        u--;
      }
      ax[u + 1] = x;
      ay[u + 1] = y;
    }
  }
  let inA = true;
  for (let width = RUN; width < k; width *= 2) {
    for (let lo = 0; lo < k; lo += 2 * width) {
      const mid = Math.min(lo + width, k);
      const hi = Math.min(lo + 2 * width, k);
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        if ((ax[j] as number) < (ax[i] as number)) {
          bx[o] = ax[j] as number;
          by[o++] = ay[j++] as number;
        } else {
          bx[o] = ax[i] as number;
          by[o++] = ay[i++] as number;
        }
      }
      while (i < mid) {
        bx[o] = ax[i] as number;
        by[o++] = ay[i++] as number;
      }
      while (j < hi) {
        bx[o] = ax[j] as number;
        by[o++] = ay[j++] as number;
      }
    }
    const tx = ax;
    const ty = ay;
    ax = bx;
    ay = by;
    bx = tx;
    by = ty;
    inA = !inA;
  }
  return inA;
}

/**
 * Hypervolume of 2-D points: sweep in increasing x; each point that lowers the staircase adds the
 * strip (ref_x - x) * (previous floor - y). Ties in x need no second key (the strips of tied points
 * telescope). Returns a non-negative area in objective units squared.
 *
 * Before sorting, one linear pass drops the points weakly dominated by the point of least x + y (they
 * add nothing): on uniform sets that leaves O(sqrt n) points to sort, on near-front sets it costs one
 * pass. O(n) + O(k log k) for the k points left (O(k) with the radix path).
 */
export function hv2d(points: Packed, ref: Float64Array): number {
  const n = points.n;
  const data = points.data;
  const rx = ref[0] as number;
  let floor = ref[1] as number;
  if (n === 1) return (rx - (data[0] as number)) * (floor - (data[1] as number));
  let best = 0;
  let bestSum = Infinity;
  for (let i = 0; i < n; i++) {
    const s = (data[2 * i] as number) + (data[2 * i + 1] as number);
    if (s < bestSum) {
      bestSum = s;
      best = i;
    }
  }
  const px = data[2 * best] as number;
  const py = data[2 * best + 1] as number;
  if (sweepX.length < n) {
    sweepX = new Float64Array(Math.max(n, 2 * sweepX.length));
    sweepY = new Float64Array(sweepX.length);
  }
  const xs = sweepX;
  const ys = sweepY;
  xs[0] = px;
  ys[0] = py;
  let k = 1;
  for (let i = 0; i < n; i++) {
    const x = data[2 * i] as number;
    const y = data[2 * i + 1] as number;
    if (x >= px && y >= py) continue; // weakly dominated by the pivot (the pivot itself is kept above)
    if (k <= SMALL_SWEEP) {
      // insertion by x into the sorted prefix (ties keep arrival order, which the sweep does not need)
      let u = k - 1;
      while (u >= 0 && (xs[u] as number) > x) {
        xs[u + 1] = xs[u] as number;
        ys[u + 1] = ys[u] as number;
        u--;
      }
      xs[u + 1] = x;
      ys[u + 1] = y;
    } else {
      xs[k] = x;
      ys[k] = y;
    }
    k++;
  }
  let area = 0;
  if (k <= SMALL_SWEEP + 1) {
    // xs[0..k) already sorted: sweep inline
    for (let t = 0; t < k; t++) {
      const y = ys[t] as number;
      if (y < floor) {
        area += (rx - (xs[t] as number)) * (floor - y);
        floor = y;
      }
    }
    return area;
  }
  if (k <= MERGE_BELOW) {
    const sorted = mergeSortPairs(k);
    const sx = sorted ? xs : mergeX;
    const sy = sorted ? ys : mergeY;
    for (let t = 0; t < k; t++) {
      const y = sy[t] as number;
      if (y < floor) {
        area += (rx - (sx[t] as number)) * (floor - y);
        floor = y;
      }
    }
    return area;
  }
  const order = argsort(xs.subarray(0, k));
  for (let t = 0; t < k; t++) {
    const i = order[t] as number;
    const y = ys[i] as number;
    if (y < floor) {
      area += (rx - (xs[i] as number)) * (floor - y);
      floor = y;
    }
  }
  return area;
}

/**
 * Indices sorted by (x, then y) ascending: one argsort by x, then each run of equal x sorted by y
 * (insertion sort; runs are short except on grids, where argsort of the run takes over).
 */
function lexOrder(xs: Float64Array, ys: Float64Array): Uint32Array {
  const order = argsort(xs);
  const n = order.length;
  let start = 0;
  while (start < n) {
    const x = xs[order[start] as number] as number;
    let end = start + 1;
    while (end < n && xs[order[end] as number] === x) end++;
    if (end - start > 32) {
      const run = order.slice(start, end);
      const keys = new Float64Array(run.length);
      for (let t = 0; t < run.length; t++) keys[t] = ys[run[t] as number] as number;
      const byY = argsort(keys);
      for (let t = 0; t < run.length; t++) order[start + t] = run[byY[t] as number] as number;
    } else if (end - start > 1) {
      for (let t = start + 1; t < end; t++) {
        const i = order[t] as number;
        const y = ys[i] as number;
        let u = t - 1;
        while (u >= start && (ys[order[u] as number] as number) > y) {
          order[u + 1] = order[u] as number;
          u--;
        }
        order[u + 1] = i;
      }
    }
    start = end;
  }
  return order;
}

/**
 * Exclusive contributions HV(S) - HV(S \ {i}) of 2-D points, a Float64Array of length n in input
 * order (0 for weakly dominated points and for every copy of a repeated point).
 *
 * On the front sorted by x (y decreasing), front point f is the only front point dominating its
 * window [x_f, x_next) x [y_f, y_prev) (edges at the reference). Removing it uncovers the window
 * except what the points only f dominates (the other points inside the window) still cover, so its
 * contribution is the window's area minus their 2-D hypervolume against the window's far corner.
 * In (x, y) order these points arrive sorted, so that area is a running strip sum: one sort and two
 * linear passes.
 */
export function hvc2d(points: Packed, ref: Float64Array): Float64Array {
  const n = points.n;
  const data = points.data;
  const out = new Float64Array(n);
  const rx = ref[0] as number;
  const ry = ref[1] as number;
  if (n === 1) {
    out[0] = (rx - (data[0] as number)) * (ry - (data[1] as number));
    return out;
  }
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = data[2 * i] as number;
    ys[i] = data[2 * i + 1] as number;
  }
  const order = lexOrder(xs, ys);
  // Pass 1: the front (distinct non-dominated points) in x order, and which of them are copied.
  const front = new Int32Array(n + 1);
  const copied = new Uint8Array(n + 1);
  let size = 0;
  let minY = Infinity;
  for (let t = 0; t < n; t++) {
    const i = order[t] as number;
    if (size > 0) {
      const last = front[size - 1] as number;
      if (xs[last] === xs[i] && ys[last] === ys[i]) {
        copied[size - 1] = 1; // copies sort next to each other
        continue;
      }
    }
    if ((ys[i] as number) < minY) {
      front[size] = i;
      size++;
      minY = ys[i] as number;
    }
  }
  // Pass 2 in the same order: window k holds the points with x_k <= x < x_{k+1} and y < y_{k-1}.
  let k = -1;
  let covered = 0;
  let stripTop = 0; // lowest y so far among window k's points (the covered staircase's floor)
  let nextFront = front[0] as number;
  let cornerX = 0; // window k's far x edge
  for (let t = 0; t <= n; t++) {
    const i = t < n ? (order[t] as number) : -1;
    if (t === n || (k + 1 < size && i === nextFront)) {
      if (k >= 0 && !copied[k]) {
        const f = front[k] as number;
        const top = k === 0 ? ry : (ys[front[k - 1] as number] as number);
        const v = (cornerX - (xs[f] as number)) * (top - (ys[f] as number)) - covered;
        out[f] = v > 0 ? v : 0;
      }
      if (t === n) break;
      k++;
      covered = 0;
      stripTop = k === 0 ? ry : (ys[front[k - 1] as number] as number);
      cornerX = k + 1 < size ? (xs[front[k + 1] as number] as number) : rx;
      nextFront = k + 1 < size ? (front[k + 1] as number) : -1;
      continue;
    }
    const y = ys[i] as number;
    if (k < 0 || !(y < stripTop)) continue; // dominated by a point of this window or an earlier front point
    covered += (cornerX - (xs[i] as number)) * (stripTop - y);
    stripTop = y;
  }
  return out;
}

/**
 * One point's exclusive hypervolume without cancellation, for contributions that a box-minus-volume
 * kernel (HVC4D, WFG) would compute as the difference of two nearly equal numbers.
 *
 * 1. Bounding (While, Bradstreet and Barone, "A fast way of calculating exact hypervolumes", IEEE TEVC
 *    16(1), 2012, section on exclusive hypervolumes): a point q with q_k <= p_k for every k != j caps p's
 *    exclusive region at q_j along axis j, so the region lies in the tightened box [p, b) with
 *    b_j = min(ref_j, those q_j). Every other q is clipped to b as max(p, q) ∧ b; a clipped point with
 *    some coordinate at b_k covers nothing of [p, b) and is dropped, the rest are filtered to the
 *    non-dominated ones (the limit set L).
 * 2. `uncoveredVolume`: vol([p, b) \ ∪_{l in L} [l, b)) as a SUM OF NON-NEGATIVE TERMS (a dimension sweep
 *    of the uncovered region: slabs along the last axis between consecutive limit coordinates, each
 *    slab's width times the (d-1)-dimensional uncovered area of the limit points below it; at d = 2 a
 *    staircase of rectangles). Every factor is the difference of two input coordinates (one rounding),
 *    so the result is within a few m·k ulps RELATIVE TO ITSELF, however small it is next to the box.
 *
 * Shapes: `data` n x m row-major, `ref` length m, every coordinate strictly below ref (packed.ts).
 * Complexity: O(n m) for steps 1, O(k^2 m) for the filter, then O(k^(d-2) · k log k) for the sweep
 * (k = |L|, usually a handful after bounding); meant for the few points whose contribution is small
 * next to their box, not for every point of a large set.
 */
import { argsort } from './order.js';
import type { WfgWorkspace } from './wfg.js';

/**
 * Below this fraction of its box, a box-minus-WFG area is recomputed as a sum of non-negative terms:
 * the difference loses about log10(box / c) of its ~16 digits (plus the WFG sum's rounding), and 1e-12
 * relative needs at most ~2 lost (measured: at 3e-3 the worst error on 5-6-D near-front sets was 9.5e-13,
 * at 1e-2 2.9e-13).
 */
export const SMALL_CONTRIBUTION = 1e-2;

/** Per-call scratch: the tightened box, the limit set and one buffer per sweep level (grows on demand). */
export class ExclusiveWorkspace {
  readonly b: Float64Array;
  private lev: Float64Array[] = [];
  private cap = 0;

  constructor(readonly m: number) {
    this.b = new Float64Array(m);
  }

  /** Buffers for k rows at every level 2..m. */
  ensure(k: number): void {
    if (k <= this.cap) return;
    this.cap = Math.max(k, this.cap * 2, 16);
    this.lev = [];
    for (let d = 0; d <= this.m; d++) this.lev.push(new Float64Array(d >= 1 ? this.cap * d : 0));
  }

  level(d: number): Float64Array {
    return this.lev[d] as Float64Array;
  }
}

/**
 * Exclusive hypervolume of row i of `data` (n x m) against every other row, reference `ref`: exact up to
 * rounding relative to the result. 0 when another row weakly dominates row i (copies included).
 */
export function exclusiveVolume(data: Float64Array, n: number, m: number, i: number, ref: Float64Array, ws: ExclusiveWorkspace): number {
  const k = boundedLimitSet(data, n, m, i, ref, ws);
  if (k < 0) return 0;
  return uncoveredVolume(ws, ws.level(m), k, m, data.subarray(i * m, i * m + m), ws.b);
}

/**
 * Step 1 for row i: the tightened box's upper corner into `ws.b`, the bounded limit set (clipped to b,
 * non-dominated, unordered) into rows 0..k-1 of `ws.level(m)`. Returns k, or -1 when another row weakly
 * dominates row i. O(n m + k^2 m).
 */
export function boundedLimitSet(data: Float64Array, n: number, m: number, i: number, ref: Float64Array, ws: ExclusiveWorkspace): number {
  const b = ws.b;
  const po = i * m;
  for (let t = 0; t < m; t++) b[t] = ref[t] as number;
  // pass 1: dominators and one-axis caps
  let cand = 0;
  for (let q = 0; q < n; q++) {
    if (q === i) continue;
    const qo = q * m;
    let above = 0;
    let axis = -1;
    for (let t = 0; t < m; t++) {
      if ((data[qo + t] as number) > (data[po + t] as number)) {
        axis = t;
        if (++above === 2) break;
      }
    }
    if (above === 0) return -1;
    if (above === 1) {
      const v = data[qo + axis] as number;
      if (v < (b[axis] as number)) b[axis] = v;
    } else cand++;
  }
  ws.ensure(cand + 1);
  const lim = ws.level(m);
  // pass 2: clipped limit points that still cover part of [p, b) (one-axis points end at b: dropped)
  let k = 0;
  for (let q = 0; q < n && cand > 0; q++) {
    if (q === i) continue;
    const qo = q * m;
    const ro = k * m;
    let keep = true;
    for (let t = 0; t < m; t++) {
      const pv = data[po + t] as number;
      const qv = data[qo + t] as number;
      const v = qv > pv ? qv : pv;
      if (v >= (b[t] as number)) {
        keep = false;
        break;
      }
      lim[ro + t] = v;
    }
    if (keep) k = addNonDominated(lim, k, m);
  }
  return k;
}

/**
 * Row k of `buf` (stride d) joins rows 0..k-1 (mutually non-dominated): dropped if one of them weakly
 * dominates it, else the rows it weakly dominates leave (the last row moves into the hole). Returns the
 * new row count.
 */
function addNonDominated(buf: Float64Array, k: number, d: number): number {
  const no = k * d;
  for (let r = 0; r < k; r++) {
    const ro = r * d;
    let le = true;
    for (let t = 0; t < d; t++) {
      if ((buf[ro + t] as number) > (buf[no + t] as number)) {
        le = false;
        break;
      }
    }
    if (le) return k;
  }
  let r = 0;
  while (r < k) {
    const ro = r * d;
    let ge = true;
    for (let t = 0; t < d; t++) {
      if ((buf[ro + t] as number) < (buf[no + t] as number)) {
        ge = false;
        break;
      }
    }
    if (ge) {
      // move row k-1 into r, then the new row (at k) down to k-1
      k--;
      const lo = k * d;
      for (let t = 0; t < d; t++) buf[ro + t] = buf[lo + t] as number;
      for (let t = 0; t < d; t++) buf[lo + t] = buf[lo + d + t] as number;
    } else r++;
  }
  return k + 1;
}

/**
 * vol([p, b) \ ∪ [l, b)) over rows 0..k-1 of `rows` (stride d, mutually non-dominated, p <= l < b), in
 * the first d objectives, as a sum of non-negative products of coordinate differences. Reorders `rows`.
 */
export function uncoveredVolume(ws: ExclusiveWorkspace, rows: Float64Array, k: number, d: number, p: Float64Array, b: Float64Array, wfg?: WfgWorkspace): number {
  if (k === 0) {
    let v = 1;
    for (let t = 0; t < d; t++) v *= (b[t] as number) - (p[t] as number);
    return v;
  }
  if (d === 1) {
    let lo = rows[0] as number;
    for (let r = 1; r < k; r++) if ((rows[r] as number) < lo) lo = rows[r] as number;
    return lo - (p[0] as number);
  }
  const e = d - 1;
  sortRowsBy(rows, k, d, e);
  if (d === 2) {
    // staircase: x ascending, y strictly descending (non-dominated)
    const p0 = p[0] as number;
    const p1 = p[1] as number;
    // sorted by y ascending, so x descending: walk from the end (x ascending)
    let v = ((rows[(k - 1) * 2] as number) - p0) * ((b[1] as number) - p1);
    for (let r = k - 1; r > 0; r--) v += ((rows[(r - 1) * 2] as number) - (rows[r * 2] as number)) * ((rows[r * 2 + 1] as number) - p1);
    v += ((b[0] as number) - (rows[0] as number)) * ((rows[1] as number) - p1);
    return v;
  }
  // sweep the last axis: below rows[0]'s level nothing is covered
  let box = 1;
  for (let t = 0; t < e; t++) box *= (b[t] as number) - (p[t] as number);
  let v = box * ((rows[e] as number) - (p[e] as number));
  const sub = ws.level(e);
  let a = 0;
  for (let r = 0; r < k; r++) {
    const ro = r * d;
    const ao = a * e;
    for (let t = 0; t < e; t++) sub[ao + t] = rows[ro + t] as number;
    a = addNonDominated(sub, a, e);
    const lo = rows[ro + e] as number;
    const hi = r + 1 < k ? (rows[ro + d + e] as number) : (b[e] as number);
    if (hi > lo) v += (hi - lo) * slabArea(ws, sub, a, e, p, b, wfg);
  }
  return v;
}

/**
 * The (e)-dimensional uncovered area of one slab: with a WFG workspace measuring against b (e >= 3), its
 * box minus WFG when that is not small next to the box (fast, accurate), else the non-negative sweep.
 */
function slabArea(ws: ExclusiveWorkspace, sub: Float64Array, a: number, e: number, p: Float64Array, b: Float64Array, wfg?: WfgWorkspace): number {
  if (wfg === undefined || e < 3 || a < 2) return uncoveredVolume(ws, sub, a, e, p, b, wfg);
  let box = 1;
  for (let t = 0; t < e; t++) box *= (b[t] as number) - (p[t] as number);
  sortRowsBy(sub, a, e, e - 1);
  const v = box - wfg.hvSorted(sub, a, e);
  return v >= SMALL_CONTRIBUTION * box ? v : uncoveredVolume(ws, sub, a, e, p, b, wfg);
}

/** Stable reorder of rows 0..k-1 (stride d) ascending by column c. */
function sortRowsBy(rows: Float64Array, k: number, d: number, c: number): void {
  if (k < 2) return;
  let sorted = true;
  for (let r = 1; r < k && sorted; r++) if ((rows[r * d + c] as number) < (rows[(r - 1) * d + c] as number)) sorted = false;
  if (sorted) return;
  const keys = new Float64Array(k);
  for (let r = 0; r < k; r++) keys[r] = rows[r * d + c] as number;
  const order = argsort(keys);
  const tmp = rows.slice(0, k * d);
  for (let r = 0; r < k; r++) {
    const src = (order[r] as number) * d;
    for (let t = 0; t < d; t++) rows[r * d + t] = tmp[src + t] as number;
  }
}

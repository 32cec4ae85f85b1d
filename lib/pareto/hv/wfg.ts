import type { Packed } from './packed.js';
import { hv4d } from './hv4d.js';
import { LimitSets } from './limit-set.js';
import { mergeRange } from './order.js';
import { sweep2, sweep3 } from './wfg-base.js';

/** 4-objective sets up to this size recurse to the 3-D sweep; larger ones go to hv4d (measured). */
const HV4D_FROM = 9;

/**
 * WFG exact hypervolume (While, Bradstreet and Barone, "A fast way of calculating exact hypervolumes",
 * IEEE Trans. Evol. Comput. 16(1), 2012), for any m >= 2 (the dispatcher uses it for m >= 5).
 *
 * Sort the points by the last objective, worst first. Above a location x' of the first d-1 objectives
 * the dominated region reaches down to the smallest last objective among the points whose projections
 * cover x', i.e. the latest of them in that order, so
 *   HV_d(S) = sum_i (ref_d - p_i,d) * (box_{d-1}(p_i) - HV_{d-1}(limit_i)),
 * limit_i = { max(p_i, q) : q later than p_i } in the first d-1 objectives (the limit set), filtered to
 * its non-dominated points; p_i contributes nothing when a later point weakly dominates it there. The
 * recursion drops one objective per level; at 4 objectives HV4D+ (hv4d.ts, O(k^2)) finishes sets of 9 or
 * more points, at 3 and 2 a sweep (wfg-base.ts); two points are one inclusion-exclusion.
 *
 * Shapes: `points` n x m row-major (see packed.ts; dominated points and copies allowed), `ref` length m,
 * every coordinate strictly below it (not checked). Never mutates either. Working memory: one
 * Float64Array limit-set buffer of n rows per level, allocated once per call (no arrays of arrays).
 * Complexity: a level of d objectives over k points builds k limit sets of at most k rows, each filtered
 * in O(k^2 d), so O(n^(m-2) m) worst case for m >= 5 (HV4D+ is O(k^2) at the bottom); far less on
 * typical sets because filtering leaves limit sets of tens of rows (1,000 near-front 5-D points: 25 on
 * average).
 */
export function hvWfg(points: Packed, ref: Float64Array): number {
  const { n, m } = points;
  if (n === 0) return 0;
  const ws = new WfgWorkspace(n, m, ref);
  const top = ws.lim[m] as Float64Array;
  const k = ws.limits.build(points.data, m, n, ws.negInf, 0, m, top);
  ws.sortByLast(top, k, m);
  return ws.hvSorted(top, k, m);
}

/**
 * Per-call working memory of the WFG recursion: `lim[d]` holds the current limit set of a d-objective
 * level (n rows of stride d), `keys`/`idx` (and `keys2`/`idx2`, order.ts's mergeRange scratch)/`tmp` serve the sort at each level.
 */
export class WfgWorkspace {
  readonly lim: Float64Array[] = [];
  readonly negInf: Float64Array;
  /** Builds the limit sets (limit-set.ts); its scratch is shared by every level. */
  readonly limits: LimitSets;
  private readonly ref4: Float64Array;
  private readonly keys: Float64Array;
  private readonly idx: Uint32Array;
  private readonly keys2: Float64Array;
  private readonly idx2: Uint32Array;
  private readonly tmp: Float64Array;
  private readonly sx: Float64Array;
  private readonly sy: Float64Array;

  constructor(
    readonly cap: number,
    readonly m: number,
    readonly ref: Float64Array,
  ) {
    for (let d = 0; d <= m; d++) this.lim.push(new Float64Array(d >= 2 ? cap * d : 0));
    this.negInf = new Float64Array(m).fill(-Infinity);
    this.limits = new LimitSets(cap, m);
    this.ref4 = ref.subarray(0, 4);
    this.keys = new Float64Array(cap);
    this.idx = new Uint32Array(cap);
    this.keys2 = new Float64Array(cap);
    this.idx2 = new Uint32Array(cap);
    this.tmp = new Float64Array(cap * m);
    this.sx = new Float64Array(cap);
    this.sy = new Float64Array(cap);
  }

  /** Reorders rows 0..k-1 of `buf` (stride d) ascending by objective d-1. O(k log k). */
  sortByLast(buf: Float64Array, k: number, d: number): void {
    if (k < 2) return;
    const keys = this.keys;
    const last = d - 1;
    let sorted = true;
    for (let i = 0; i < k; i++) {
      keys[i] = buf[i * d + last] as number;
      if (i > 0 && (keys[i] as number) < (keys[i - 1] as number)) sorted = false;
    }
    if (sorted) return;
    const idx = this.idx;
    for (let i = 0; i < k; i++) idx[i] = i;
    mergeRange(keys, idx, 0, k, this.keys2, this.idx2);
    const tmp = this.tmp;
    tmp.set(buf.subarray(0, k * d));
    for (let i = 0; i < k; i++) {
      const src = (idx[i] as number) * d;
      const dst = i * d;
      for (let t = 0; t < d; t++) buf[dst + t] = tmp[src + t] as number;
    }
  }

  /**
   * Hypervolume of rows 0..k-1 of `buf` (stride d, first d objectives of `ref`), rows non-dominated and
   * sorted ascending by objective d-1. Uses lim[d-1] and below as scratch; `buf` is left as it was.
   */
  hvSorted(buf: Float64Array, k: number, d: number): number {
    const ref = this.ref;
    if (k === 0) return 0;
    if (k === 1) {
      let v = 1;
      for (let t = 0; t < d; t++) v *= (ref[t] as number) - (buf[t] as number);
      return v;
    }
    if (k === 2) {
      // inclusion-exclusion: two boxes minus their intersection, the box of the componentwise max
      let va = 1;
      let vb = 1;
      let vab = 1;
      for (let t = 0; t < d; t++) {
        const r = ref[t] as number;
        const a = buf[t] as number;
        const b = buf[d + t] as number;
        va *= r - a;
        vb *= r - b;
        vab *= r - (a > b ? a : b);
      }
      return va + vb - vab;
    }
    if (d === 2) return sweep2(buf, k, ref);
    if (d === 3) return sweep3(buf, k, ref, this.sx, this.sy);
    if (d === 4 && k >= HV4D_FROM) return hv4d({ n: k, m: 4, data: buf.subarray(0, 4 * k) }, this.ref4);
    const e = d - 1;
    const lim = this.lim[e] as Float64Array;
    const rLast = ref[e] as number;
    let volume = 0;
    for (let i = k - 1; i >= 0; i--) {
      const off = i * d;
      const c = this.limits.build(buf, d, i, buf, off, e, lim);
      if (c < 0) continue;
      let box = 1;
      for (let t = 0; t < e; t++) box *= (ref[t] as number) - (buf[off + t] as number);
      let ex = box;
      if (c > 0) {
        if (e !== 4 || c < HV4D_FROM) this.sortByLast(lim, c, e); // hv4d sorts for itself
        ex -= this.hvSorted(lim, c, e);
      }
      if (ex > 0) volume += (rLast - (buf[off + e] as number)) * ex;
    }
    return volume;
  }
}

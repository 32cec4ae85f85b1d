/**
 * HVC4D (Guerreiro and Fonseca, "Computing and updating hypervolume contributions in up to four
 * dimensions", IEEE Transactions on Evolutionary Computation 22(3), 2018): every point's exclusive 4-D
 * hypervolume by sweeping the 4th objective w upward. The points seen so far project to a 3-D set T
 * (`list3d.ts`; dominated points and copies stay, as they bound others' exclusive regions), and each
 * point q carries c3[q], its exclusive 3-D volume against the rest of T. Over a slab [w_i, w_i+1) q's
 * 4-D contribution grows by c3[q] * (w_i+1 - w_i). When p arrives, every point loses the part of its
 * exclusive volume inside p's box (one z-sweep, `overlap3d.ts`), p's own c3 is its exclusive volume
 * against T (`oneContribution3d`), the points p weakly dominates in 3-D drop to c3 = 0, and p joins T.
 * A point weakly dominated in 3-D by two others is dropped from T for good (it covers nothing that only
 * one point covers), an arrival already under two points is skipped, and an arrival equal in 3-D to a
 * point of T is skipped while that point's c3 is frozen at 0 (so T never holds two 3-D copies, which
 * would each count the other as one of its two).
 * The sweep's exclusive volumes are differences: a contribution under SMALL_CONTRIBUTION of its box whose
 * point has another within NEAR_POINT (relative to ref - p) in every objective may have cancelled (pairs
 * 1e-3..1e-9 apart lost up to 3e-3 relative), and is recomputed by WFG bounding and a sum of non-negative
 * terms (`exclusive.ts`; then <= 4e-14 on those pairs). Bench sets have few such points (same speed).
 * O(n^2) time on typical sets (each arrival costs one pass over T), O(n) memory.
 *
 * Contract (`packed.ts`): points.m = 4, n >= 1, every coordinate finite and < ref; neither input is
 * mutated. Returns a Float64Array of length n in input order: 0 for a point weakly dominated by another
 * and for every copy of a repeated point (exactly 0: such points are detected, not computed).
 */
import type { Packed } from './packed.js';
import { argsort } from './order.js';
import { createList3d, insert3d, oneContribution3d, unlink3d } from './list3d.js';
import { subtractOverlap3d } from './overlap3d.js';
import { ExclusiveWorkspace, exclusiveVolume, SMALL_CONTRIBUTION } from './exclusive.js';

/** A sweep result below this fraction of its point's box may have cancelled ... */
const RECHECK_BELOW = SMALL_CONTRIBUTION;
/** ... when another point lies this close to it in every objective (relative to ref - p). */
const NEAR_POINT = 1e-2;

export function hvc4d(points: Packed, ref: Float64Array): Float64Array {
  const { n, data } = points;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = data[i * 4 + 3] as number;
  const order = argsort(keys);
  const s = createList3d(n, ref[0] as number, ref[1] as number, ref[2] as number);
  const { x, y, z, next } = s;
  const w = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const i = order[r] as number;
    x[r] = data[i * 4] as number;
    y[r] = data[i * 4 + 1] as number;
    z[r] = data[i * 4 + 2] as number;
    w[r] = data[i * 4 + 3] as number;
  }
  const c3 = new Float64Array(n);
  const acc = new Float64Array(n);
  const zero = new Uint8Array(n); // contribution 0 (weakly dominated in 4-D, or covered)
  const shadowed = new Uint8Array(n); // a point of T weakly dominates it in 3-D
  const frozen = new Uint8Array(n); // a 3-D copy arrived: c3 stays 0
  let wPrev = w[0] as number;
  for (let r = 0; r < n; r++) {
    const wr = w[r] as number;
    const dw = wr - wPrev;
    if (dw > 0) {
      for (let e = s.head; e !== -1; e = next[e] as number) if (frozen[e] === 0) acc[e] = (acc[e] as number) + (c3[e] as number) * dw;
    }
    wPrev = wr;
    const px = x[r] as number;
    const py = y[r] as number;
    const pz = z[r] as number;
    // Points of T weakly dominating p in 3-D (only those with z <= pz can), up to two.
    let dominators = 0;
    let copy = -1;
    for (let e = s.head; e !== -1 && (z[e] as number) <= pz; e = next[e] as number) {
      const ex = x[e] as number;
      const ey = y[e] as number;
      if (ex <= px && ey <= py) {
        if (ex === px && ey === py && z[e] === pz) copy = e;
        if (++dominators === 2) break;
      }
    }
    if (dominators === 2) {
      // under two points: p covers nothing that only one point covers
      zero[r] = 1;
      continue;
    }
    if (copy !== -1) {
      // a 3-D copy of e: from here on nothing is e's alone, and p covers nothing e does not
      zero[r] = 1;
      frozen[copy] = 1;
      c3[copy] = 0;
      if (w[copy] === wr) zero[copy] = 1;
      continue;
    }
    if (s.head !== -1) subtractOverlap3d(s, px, py, pz, c3);
    const c = oneContribution3d(s, px, py, pz);
    c3[r] = c;
    if (c === 0) zero[r] = 1;
    shadowed[r] = dominators;
    insert3d(s, r, true, (e) => {
      // p weakly dominates e in 3-D: e's exclusive 3-D volume is gone; with equal w, also in 4-D.
      c3[e] = 0;
      if (w[e] === wr) zero[e] = 1;
      // a second point over e: e never bounds an exclusive region again (p already replaced it as closest point)
      if (shadowed[e] === 1) unlink3d(s, e);
      else shadowed[e] = 1;
    });
  }
  const rw = ref[3] as number;
  for (let e = s.head; e !== -1; e = next[e] as number) if (frozen[e] === 0) acc[e] = (acc[e] as number) + (c3[e] as number) * (rw - wPrev);
  const out = new Float64Array(n);
  let ws: ExclusiveWorkspace | undefined;
  const r0 = ref[0] as number;
  const r1 = ref[1] as number;
  const r2 = ref[2] as number;
  for (let r = 0; r < n; r++) {
    let v = acc[r] as number;
    if (zero[r] === 1) continue;
    const box = (r0 - (x[r] as number)) * (r1 - (y[r] as number)) * (r2 - (z[r] as number)) * (rw - (w[r] as number));
    if (v < RECHECK_BELOW * box) {
      const i = order[r] as number;
      if (nearNeighbour(x, y, z, w, n, r, ref)) {
        // a near-coincident neighbour: the sweep's differences may have cancelled; the bounded,
        // non-negative sum instead (exclusive.ts)
        ws ??= new ExclusiveWorkspace(4);
        v = exclusiveVolume(data, n, 4, i, ref, ws);
      }
    }
    out[order[r] as number] = v > 0 ? v : 0;
  }
  return out;
}

/**
 * Whether some other point lies within NEAR_POINT of sweep row r in every objective (Chebyshev distance,
 * each axis relative to ref - p): a near-coincident neighbour, around which the sweep's exclusive volumes
 * are differences of nearly equal numbers. Rows are sorted by w, so only a window of w is scanned.
 */
function nearNeighbour(x: Float64Array, y: Float64Array, z: Float64Array, w: Float64Array, n: number, r: number, ref: Float64Array): boolean {
  const px = x[r] as number;
  const py = y[r] as number;
  const pz = z[r] as number;
  const pw = w[r] as number;
  const dx = NEAR_POINT * ((ref[0] as number) - px);
  const dy = NEAR_POINT * ((ref[1] as number) - py);
  const dz = NEAR_POINT * ((ref[2] as number) - pz);
  const dw = NEAR_POINT * ((ref[3] as number) - pw);
  for (let step = -1; step <= 1; step += 2) {
    for (let e = r + step; e >= 0 && e < n && Math.abs((w[e] as number) - pw) <= dw; e += step) {
      if (Math.abs((x[e] as number) - px) <= dx && Math.abs((y[e] as number) - py) <= dy && Math.abs((z[e] as number) - pz) <= dz) return true;
    }
  }
  return false;
}

/**
 * Exact 3-D hypervolume contributions in O(n log n): HVC3D (Guerreiro and Fonseca, "Computing and
 * updating hypervolume contributions in up to four dimensions", IEEE TEVC 22(3), 2018), on the HV3D
 * sweep of Beume, Fonseca, López-Ibáñez, Paquete and Vahrenhold (IEEE TEVC 13(5), 2009).
 *
 * Sweep the points by ascending z (in the general position of `./staircase.ts`). In the cross-section,
 * a point f of the 2-D staircase S alone dominates its window [x_f, x_next) x [y_f, y_prev) (edges at
 * the reference), less what its private points cover: those inside its window (only f dominates
 * them) that no other such point dominates. Every other point lies under two points and never
 * matters again. f's contribution grows at rate (window area - covered area) per unit of z, and
 * `total[f]` integrates it between events. The private points of all windows form one staircase Q
 * (windows tile the plane to the right of and below one another).
 *
 * A new point p either
 * - lies under a staircase point s and inside its window: it enters Q there (one staircase insertion,
 *   `Staircase.insert` with s's window as bounds) unless a private point dominates it, and s's covered
 *   area grows by the area it adds; outside the window it lies under two points and is dropped;
 * - or enters S (the same insertion): the points of S it dominates leave S, their totals are final,
 *   and they become p's private points (their own private points are dropped); its left neighbour's
 *   window loses the part right of x_p and its right neighbour's the part above y_p, with the private
 *   points there (areas updated incrementally, strip by strip).
 * Each point enters and leaves S and Q at most once: O(n log_32 n) after the two sorts.
 *
 * Contract: `./packed.ts` (m = 3; returns a Float64Array of length n in input order; 0 for weakly
 * dominated points and for every copy of a repeated point). O(n log n) time, O(n) memory.
 */
import type { Packed } from './packed.js';
import { prepare3d } from './rank3d.js';
import { Staircase } from './staircase.js';

/** Each point's exclusive hypervolume HV(S) - HV(S \ {p}) for n >= 1 points of m = 3, input order. */
export function hvc3d(points: Packed, ref: Float64Array): Float64Array {
  const n = points.n;
  const rx = ref[0] as number;
  const ry = ref[1] as number;
  const rz = ref[2] as number;
  const out = new Float64Array(n);
  if (n === 1) {
    const d = points.data;
    out[0] = (rx - (d[0] as number)) * (ry - (d[1] as number)) * (rz - (d[2] as number));
    return out;
  }
  const { index, xs, ys, sweep, zs, arena } = prepare3d(points, 2 * Staircase.bytes(n) + 33 * n + 16);
  const S = new Staircase(xs, ys, arena);
  const Q = new Staircase(xs, ys, arena);
  const sNext = S.next;
  const sPrev = S.prev;
  const qNext = Q.next;
  // By x-rank r, in one cache line: at 4r the integrated contribution, 4r + 1 the z of the last
  // settlement, 4r + 2 the current rate, 4r + 3 the covered area of r's window.
  const st = arena.f64(4 * n);
  const copy = arena.u8(n);
  const settle = (f: number, z: number): void => {
    const b = 4 * f;
    st[b] = (st[b] as number) + (st[b + 2] as number) * (z - (st[b + 1] as number));
    st[b + 1] = z;
  };

  for (let t = 0; t < n; t++) {
    const r = sweep[t] as number;
    const z = zs[t] as number;
    const x = xs[r] as number;
    const y = ys[r] as number;
    if (t > 0) {
      const q = sweep[t - 1] as number;
      if (zs[t - 1] === z && xs[q] === x && ys[q] === y) {
        copy[q] = copy[r] = 1; // copies are adjacent in the sweep; the first one stands for all
        continue;
      }
    }
    const s = S.pred(r);
    if (s >= 0 && (ys[s] as number) <= y) {
      // Under s: it matters only inside s's window and when no private point there dominates it.
      const sp = sPrev[s] as number;
      const Y = sp >= 0 ? (ys[sp] as number) : ry;
      if (!(y < Y)) continue;
      const sn = sNext[s] as number;
      const X = sn >= 0 ? (xs[sn] as number) : rx;
      const gained = Q.insert(r, X, Y);
      if (gained < 0) continue;
      settle(s, z);
      st[4 * s + 3] = (st[4 * s + 3] as number) + gained;
      st[4 * s + 2] = (X - (xs[s] as number)) * (Y - (ys[s] as number)) - (st[4 * s + 3] as number);
      continue;
    }

    // p enters the staircase between l and c; the points it dominates (removed) leave it.
    const l = s;
    const Yl = l >= 0 ? (ys[l] as number) : ry;
    const qp = Q.pred(r);
    S.insert(r, rx, ry, l);
    const k = S.removedCount;
    const removed = S.removed;
    const c = sNext[r] as number;
    const Xc = c >= 0 ? (xs[c] as number) : rx;
    const first = k > 0 ? (removed[0] as number) : c; // l's successor before p came
    if (l >= 0) settle(l, z);
    for (let j = 0; j < k; j++) settle(removed[j] as number, z);
    if (c >= 0) settle(c, z);

    // Q after qp, in x order: l's private points right of p, the removed points' private points, then
    // c's private points above y; all leave Q.
    let h = qp >= 0 ? (qNext[qp] as number) : Q.head;
    if (l >= 0) {
      const lp = sPrev[l] as number;
      const lTop = lp >= 0 ? (ys[lp] as number) : ry;
      const Xold = first >= 0 ? (xs[first] as number) : rx;
      const firstX = h >= 0 && (first < 0 || h < first) ? (xs[h] as number) : Xold;
      let gone = 0;
      while (h >= 0 && (first < 0 || h < first)) {
        const nx = qNext[h] as number;
        const end = nx >= 0 && (first < 0 || nx < first) ? (xs[nx] as number) : Xold;
        gone += (end - (xs[h] as number)) * (lTop - (ys[h] as number));
        Q.unmark(h);
        h = nx;
      }
      if (qp > l) st[4 * l + 3] = (st[4 * l + 3] as number) - gone - (firstX - x) * (lTop - (ys[qp] as number));
      else st[4 * l + 3] = 0;
      st[4 * l + 2] = (x - (xs[l] as number)) * (lTop - (ys[l] as number)) - (st[4 * l + 3] as number);
    }
    while (h >= 0 && (c < 0 || h < c)) {
      Q.unmark(h);
      h = qNext[h] as number;
    }
    if (c >= 0) {
      const cTop = k > 0 ? (ys[removed[k - 1] as number] as number) : Yl;
      const cn = sNext[c] as number;
      const Xcn = cn >= 0 ? (xs[cn] as number) : rx;
      let gone = 0;
      while (h >= 0 && (ys[h] as number) >= y) {
        const nx = qNext[h] as number;
        const end = nx >= 0 && (cn < 0 || nx < cn) ? (xs[nx] as number) : Xcn;
        gone += (end - (xs[h] as number)) * (cTop - (ys[h] as number));
        Q.unmark(h);
        h = nx;
      }
      if (h >= 0 && (cn < 0 || h < cn)) st[4 * c + 3] = (st[4 * c + 3] as number) - gone - (cTop - y) * (Xcn - (xs[h] as number));
      else st[4 * c + 3] = 0;
      st[4 * c + 2] = (Xcn - (xs[c] as number)) * (y - (ys[c] as number)) - (st[4 * c + 3] as number);
    }
    // The removed points become p's private points, in x order, between qp and h.
    let a = 0;
    let before = qp;
    for (let j = 0; j < k; j++) {
      const d = removed[j] as number;
      const end = j + 1 < k ? (xs[removed[j + 1] as number] as number) : Xc;
      a += (end - (xs[d] as number)) * (Yl - (ys[d] as number));
      Q.link(before, d);
      Q.mark(d);
      before = d;
    }
    Q.link(before, h);
    st[4 * r + 3] = a;
    st[4 * r + 1] = z;
    st[4 * r + 2] = (Xc - x) * (Yl - y) - a;
  }
  for (let f = S.head; f >= 0; f = sNext[f] as number) settle(f, rz);
  for (let r = 0; r < n; r++) {
    const v = st[4 * r] as number;
    out[index[r] as number] = copy[r] || !(v > 0) ? 0 : v;
  }
  return out;
}

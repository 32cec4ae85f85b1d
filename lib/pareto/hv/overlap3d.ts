/**
 * HVC4D's update step (Guerreiro and Fonseca, "Computing and updating hypervolume contributions in up
 * to four dimensions", IEEE TEVC 22(3), 2018), on the HVC3D cross-section of Emmerich and Fonseca
 * (2011): for every point q of a 3-D set T (`List3d` holding every point seen so far, dominated ones
 * and copies included, except those found "dead"), subtract from `c3[q]` the part of q's exclusive
 * volume (against the rest of T) that lies in the box [p, ref) — what q loses when p joins T.
 *
 * One z-sweep of T. In the cross-section at height z, a point f of the 2-D staircase alone dominates
 * its window [x_f, x_next) x [y_f, y_prev) less what its private points cover: the points inside its
 * window (only f dominates them) that no other private point dominates, kept per f as a list sorted by
 * x (y decreasing). Any other point lies under two points and no longer matters in this sweep; a
 * point that lies under two points already at its own z is weakly dominated by two points of T in 3-D,
 * never owns or covers an exclusive region again and is unlinked from T for good ("dead"). Above
 * pz, f's exclusive area clipped to [px, rx) x [py, ry) is the rate at which f loses volume; it is
 * integrated between events and recomputed when f's window or private points change.
 *
 * Cost: one pass over T, each point entering the staircase or a private list once; a private-list
 * insertion scans that list and a rate recomputation walks it (O(|T|) per sweep on typical sets,
 * O(|T|^2) in the worst case).
 */
import { unlink3d, type List3d } from './list3d.js';

/** f's exclusive area in the cross-section (its window less its private points' cover), clipped to [px, rx) x [py, ry). */
function clippedRate(s: List3d, f: number, px: number, py: number): number {
  const { x, y, sNext, sPrev, pHead, pNext } = s;
  const nx = sNext[f] as number;
  const pv = sPrev[f] as number;
  const X = nx === -1 ? s.rx : (x[nx] as number);
  const Y = pv === -1 ? s.ry : (y[pv] as number);
  const fx = x[f] as number;
  const fy = y[f] as number;
  const x0 = fx > px ? fx : px;
  const y0 = fy > py ? fy : py;
  if (!(X > x0 && Y > y0)) return 0;
  let a = (X - x0) * (Y - y0);
  let h = Y;
  for (let g = pHead[f] as number; g !== -1 && h > y0; g = pNext[g] as number) {
    const gx = x[g] as number;
    const gy = y[g] as number;
    const cx = gx > x0 ? gx : x0;
    const cy = gy > y0 ? gy : y0;
    if (cy < h && cx < X) {
      a -= (X - cx) * (h - cy);
      h = cy;
    }
  }
  return a > 0 ? a : 0;
}

/** Books f's loss since its last event at its current rate, up to `at`. */
function settle(s: List3d, c3: Float64Array, f: number, at: number): void {
  c3[f] = (c3[f] as number) - (s.area[f] as number) * (at - (s.since[f] as number));
  s.since[f] = at;
}

export function subtractOverlap3d(s: List3d, px: number, py: number, pz: number, c3: Float64Array): void {
  const { x, y, z, next, left, sNext, sPrev, area, since, pNext, pPrev, pHead, pTail, rx, ry, rz } = s;
  let active = false;
  let sHead = -1;
  let e = s.head;
  while (e !== -1) {
    const after = next[e] as number;
    const ez = z[e] as number;
    if (!active && ez > pz) {
      active = true;
      for (let f = sHead; f !== -1; f = sNext[f] as number) {
        area[f] = clippedRate(s, f, px, py);
        since[f] = pz;
      }
    }
    const qx = x[e] as number;
    const qy = y[e] as number;
    const l = left[e] as number;
    const t = l === -1 ? sHead : (sNext[l] as number);
    const owner = l !== -1 && (y[l] as number) <= qy ? l : t !== -1 && x[t] === qx && (y[t] as number) <= qy ? t : -1;
    if (owner !== -1) {
      // Under `owner`: private inside its window unless a private point dominates it; else dead.
      const on = sNext[owner] as number;
      const op = sPrev[owner] as number;
      if (!(qx < (on === -1 ? rx : (x[on] as number)) && qy < (op === -1 ? ry : (y[op] as number)))) {
        unlink3d(s, e);
        e = after;
        continue;
      }
      let before = -1;
      let g = pHead[owner] as number;
      while (g !== -1 && (x[g] as number) <= qx) {
        before = g;
        g = pNext[g] as number;
      }
      if (before !== -1 && (y[before] as number) <= qy) {
        unlink3d(s, e);
        e = after;
        continue;
      }
      while (g !== -1 && (y[g] as number) >= qy) g = pNext[g] as number;
      pPrev[e] = before;
      pNext[e] = g;
      if (before === -1) pHead[owner] = e;
      else pNext[before] = e;
      if (g === -1) pTail[owner] = e;
      else pPrev[g] = e;
      if (active) {
        settle(s, c3, owner, ez);
        area[owner] = clippedRate(s, owner, px, py);
      }
      e = after;
      continue;
    }
    // e enters the staircase after l; the points it weakly dominates leave it and become its private points.
    if (l !== -1) {
      let g = pTail[l] as number;
      while (g !== -1 && (x[g] as number) >= qx) g = pPrev[g] as number;
      pTail[l] = g;
      if (g === -1) pHead[l] = -1;
      else pNext[g] = -1;
    }
    let u = t;
    let first = -1;
    let last = -1;
    while (u !== -1 && (y[u] as number) >= qy) {
      if (active) settle(s, c3, u, ez);
      if (first === -1) first = u;
      else pNext[last] = u;
      pPrev[u] = last;
      last = u;
      u = sNext[u] as number;
    }
    if (last !== -1) pNext[last] = -1;
    pHead[e] = first;
    pTail[e] = last;
    if (u !== -1) {
      let g = pHead[u] as number;
      while (g !== -1 && (y[g] as number) >= qy) g = pNext[g] as number;
      pHead[u] = g;
      if (g === -1) pTail[u] = -1;
      else pPrev[g] = -1;
    }
    if (l === -1) sHead = e;
    else sNext[l] = e;
    sPrev[e] = l;
    sNext[e] = u;
    if (u !== -1) sPrev[u] = e;
    if (active) {
      if (l !== -1) {
        settle(s, c3, l, ez);
        area[l] = clippedRate(s, l, px, py);
      }
      if (u !== -1) {
        settle(s, c3, u, ez);
        area[u] = clippedRate(s, u, px, py);
      }
      area[e] = clippedRate(s, e, px, py);
      since[e] = ez;
    }
    e = after;
  }
  if (!active) {
    for (let f = sHead; f !== -1; f = sNext[f] as number) {
      area[f] = clippedRate(s, f, px, py);
      since[f] = pz;
    }
  }
  for (let f = sHead; f !== -1; f = sNext[f] as number) settle(s, c3, f, rz);
}

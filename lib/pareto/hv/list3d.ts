/**
 * The 3-D structure HV4D+ and HVC4D keep while they sweep the 4th objective (Guerreiro and Fonseca,
 * "Computing and updating hypervolume contributions in up to four dimensions", IEEE TEVC 22(3), 2018):
 * a set S of 3-D points kept as a doubly linked list sorted by z, over typed arrays indexed by point
 * id, and for every q in S its "closest" point `left[q]` in the sense of HV3D+: among the points
 * before q in the list with x < q.x, the one with the least (y, x), ties to the earlier one — the
 * staircase point immediately left of q when q enters a z-sweep of S. HV4D+ keeps S mutually
 * non-dominated; HVC4D (`insert3d` with keepDominated) also keeps dominated points, never two 3-D copies.
 *
 * With `left` known, a z-sweep of S places each point on the 2-D staircase (a second linked list,
 * sorted by x, y decreasing) in O(1) plus the points it removes, so one point's exclusive 3-D volume
 * against S ({@link oneContribution3d}) costs O(|S|), and inserting a point into S (list position,
 * `left` of the points after it, points it dominates leave) costs O(|S|). Point ids are fixed by the
 * caller (0..capacity-1) with coordinates in `x`, `y`, `z`; every coordinate is strictly below the
 * reference (the kernel contract, `packed.ts`).
 */
export interface List3d {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
  /** z-list links (-1: none). */
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** HV3D+ closest point on the left (-1: none), valid for members of S. */
  readonly left: Int32Array;
  /** Staircase links, scratch for one sweep. */
  readonly sNext: Int32Array;
  readonly sPrev: Int32Array;
  /** Scratch for `overlap3d.ts`: per staircase point its clipped exclusive area (rate), since when, private-point lists. */
  readonly area: Float64Array;
  readonly since: Float64Array;
  readonly pNext: Int32Array;
  readonly pPrev: Int32Array;
  readonly pHead: Int32Array;
  readonly pTail: Int32Array;
  head: number;
  size: number;
  readonly rx: number;
  readonly ry: number;
  readonly rz: number;
}

/**
 * An empty S over `capacity` point ids whose coordinates the caller writes into x, y, z; without
 * `scratch` the fields only `overlap3d.ts` uses are empty.
 */
export function createList3d(capacity: number, rx: number, ry: number, rz: number, scratch = true): List3d {
  // two allocations: coordinates (and HVC4D's per-sweep rates) and links, all links starting at -1
  const c = capacity;
  const f = new Float64Array((scratch ? 5 : 3) * c);
  const k = new Int32Array((scratch ? 9 : 5) * c).fill(-1);
  const none = new Float64Array(0);
  const noLinks = new Int32Array(0);
  return {
    x: f.subarray(0, c),
    y: f.subarray(c, 2 * c),
    z: f.subarray(2 * c, 3 * c),
    next: k.subarray(0, c),
    prev: k.subarray(c, 2 * c),
    left: k.subarray(2 * c, 3 * c),
    sNext: k.subarray(3 * c, 4 * c),
    sPrev: k.subarray(4 * c, 5 * c),
    area: scratch ? f.subarray(3 * c, 4 * c) : none,
    since: scratch ? f.subarray(4 * c, 5 * c) : none,
    pNext: scratch ? k.subarray(5 * c, 6 * c) : noLinks,
    pPrev: scratch ? k.subarray(6 * c, 7 * c) : noLinks,
    pHead: scratch ? k.subarray(7 * c, 8 * c) : noLinks,
    pTail: scratch ? k.subarray(8 * c, 9 * c) : noLinks,
    head: -1,
    size: 0,
    rx,
    ry,
    rz,
  };
}

/**
 * Exclusive 3-D volume of the point (px, py, pz) against S: the measure of [p, ref) that no member of
 * S weakly dominates. One z-sweep of S: the members with z <= pz build the 2-D staircase; p's
 * uncovered area A in [px, rx) x [py, ry) is read off it; each later member lowers A by the part of
 * p's area it newly covers (clipped from the staircase segments it removes), and A is integrated over
 * z up to rz (the sweep stops when A reaches 0). O(|S|). p need not be (and usually is not) in S.
 */
export function oneContribution3d(s: List3d, px: number, py: number, pz: number): number {
  const { x, y, z, next, left, sNext, sPrev, rx, ry, rz } = s;
  let sHead = -1;
  let e = s.head;
  // Members at or below pz: staircase only.
  while (e !== -1 && (z[e] as number) <= pz) {
    const qy = y[e] as number;
    const l = left[e] as number;
    if (l === -1 || (y[l] as number) > qy) {
      let t = l === -1 ? sHead : (sNext[l] as number);
      if (!(t !== -1 && x[t] === x[e] && (y[t] as number) <= qy)) {
        while (t !== -1 && (y[t] as number) >= qy) t = sNext[t] as number;
        if (l === -1) sHead = e;
        else sNext[l] = e;
        sPrev[e] = l;
        sNext[e] = t;
        if (t !== -1) sPrev[t] = e;
      }
    }
    e = next[e] as number;
  }
  // p's uncovered area at z = pz.
  let h = ry;
  let t = sHead;
  while (t !== -1 && (x[t] as number) <= px) {
    h = y[t] as number;
    t = sNext[t] as number;
  }
  if (h <= py) return 0;
  let area = 0;
  let cx = px;
  while (t !== -1 && (y[t] as number) > py) {
    const tx = x[t] as number;
    area += (tx - cx) * (h - py);
    cx = tx;
    h = y[t] as number;
    t = sNext[t] as number;
  }
  area += ((t === -1 ? rx : (x[t] as number)) - cx) * (h - py);
  // Members above pz: each newly covers part of p's area.
  let volume = 0;
  let zc = pz;
  while (e !== -1) {
    const ez = z[e] as number;
    volume += area * (ez - zc);
    zc = ez;
    const qx = x[e] as number;
    const qy = y[e] as number;
    const l = left[e] as number;
    if (l === -1 || (y[l] as number) > qy) {
      let u = l === -1 ? sHead : (sNext[l] as number);
      if (!(u !== -1 && x[u] === qx && (y[u] as number) <= qy)) {
        const lo = qy > py ? qy : py;
        let curX = qx;
        let curH = l === -1 ? ry : (y[l] as number);
        let cut = 0;
        while (u !== -1 && (y[u] as number) >= qy) {
          const ux = x[u] as number;
          if (curH > lo && ux > px) cut += (ux - (curX > px ? curX : px)) * (curH - lo);
          curX = ux;
          curH = y[u] as number;
          u = sNext[u] as number;
        }
        const endX = u === -1 ? rx : (x[u] as number);
        if (curH > lo && endX > px) cut += (endX - (curX > px ? curX : px)) * (curH - lo);
        if (l === -1) sHead = e;
        else sNext[l] = e;
        sPrev[e] = l;
        sNext[e] = u;
        if (u !== -1) sPrev[u] = e;
        area -= cut;
        if (area <= 0) return volume;
      }
    }
    e = next[e] as number;
  }
  return volume + area * (rz - zc);
}

/**
 * Adds point id p to S: placed before the members with z >= p.z, its `left` computed, `left` of the
 * later members updated (p replaces their closest point when p.x < q.x and (p.y, p.x) <= theirs), and
 * the members p weakly dominates removed (kept when `keepDominated`, HVC4D's shadows; `dominated` is then
 * called on each). Without `keepDominated`, precondition: no member weakly dominates p. O(|S|).
 */
export function insert3d(s: List3d, p: number, keepDominated = false, dominated?: (e: number) => void): void {
  const { x, y, z, next, prev, left } = s;
  const px = x[p] as number;
  const py = y[p] as number;
  const pz = z[p] as number;
  let before = -1;
  let e = s.head;
  let best = -1;
  let bestY = Infinity;
  let bestX = Infinity;
  while (e !== -1 && (z[e] as number) < pz) {
    const ex = x[e] as number;
    const ey = y[e] as number;
    if (ex < px && (ey < bestY || (ey === bestY && ex < bestX))) {
      best = e;
      bestY = ey;
      bestX = ex;
    }
    before = e;
    e = next[e] as number;
  }
  link3d(s, p, before, e, best);
  while (e !== -1) {
    const after = next[e] as number;
    const ex = x[e] as number;
    const ey = y[e] as number;
    if (ex >= px && ey >= py && !keepDominated) {
      // z[e] >= pz: p weakly dominates e.
      const b = prev[e] as number;
      next[b] = after;
      if (after !== -1) prev[after] = b;
      s.size--;
    } else {
      if (ex >= px && ey >= py && dominated !== undefined) dominated(e);
      if (ex > px) {
        const l = left[e] as number;
        if (l === -1) left[e] = p;
        else {
          const ly = y[l] as number;
          const lx = x[l] as number;
          // ties in (y, x): the one earlier in the list (p comes before every member with z >= pz)
          if (py < ly || (py === ly && (px < lx || (px === lx && pz <= (z[l] as number))))) left[e] = p;
        }
      }
    }
    e = after;
  }
}


/**
 * How many members of S weakly dominate (px, py, pz) in 3-D, counting up to `limit` (the scan stops
 * there). Only members with z <= pz can, so the scan stops at the first member above pz. O(|S|).
 */
export function countDominators3d(s: List3d, px: number, py: number, pz: number, limit: number): number {
  const { x, y, z, next } = s;
  let count = 0;
  for (let e = s.head; e !== -1 && (z[e] as number) <= pz; e = next[e] as number) {
    if ((x[e] as number) <= px && (y[e] as number) <= py && ++count >= limit) break;
  }
  return count;
}

/**
 * Puts point id p into S's z-list between `before` and `after` (-1: the ends; `after` is the member
 * following `before`, or the head) with closest point `best`. O(1); the inverse of {@link unlink3d}.
 */
export function link3d(s: List3d, p: number, before: number, after: number, best: number): void {
  s.left[p] = best;
  s.prev[p] = before;
  s.next[p] = after;
  if (before === -1) s.head = p;
  else s.next[before] = p;
  if (after !== -1) s.prev[after] = p;
  s.size++;
}

/** Takes member e out of S (no member may have it as closest point). O(1). */
export function unlink3d(s: List3d, e: number): void {
  const a = s.prev[e] as number;
  const b = s.next[e] as number;
  if (a === -1) s.head = b;
  else s.next[a] = b;
  if (b !== -1) s.prev[b] = a;
  s.size--;
}

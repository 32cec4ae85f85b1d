/**
 * TEMPORARY (issue 18): the pre-split hypervolume code for the dimensions whose new kernel has not
 * landed yet (m = 3: treap HV3D sweep; m >= 4: WFG), adapted to the kernel layout of `packed.ts`.
 * Deleted once hv3d/hvc3d, hv4d/hvc4d and wfg/hvc-wfg are wired in `../hypervolume.ts`.
 */
import { NIL, Treap } from '../treap.js';
import type { Packed } from './packed.js';

type Point = readonly number[];

function unpack(points: Packed): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < points.n; i++) out.push(Array.from(points.data.subarray(i * points.m, (i + 1) * points.m)));
  return out;
}

/** Hypervolume (m >= 2) per the kernel contract. */
export function legacyHv(points: Packed, ref: Float64Array): number {
  return hvAny(unpack(points), Array.from(ref), points.m);
}

/** Contributions (m >= 3) per the kernel contract. */
export function legacyHvc(points: Packed, ref: Float64Array): Float64Array {
  const pts = unpack(points);
  const r = Array.from(ref);
  return Float64Array.from(points.m === 3 ? contributions3(pts, r) : contributionsGeneric(pts, r, points.m));
}

// Hypervolume kernels. Inputs: points strictly dominating ref in the first n objectives, all finite.
// Hypervolume kernels. Inputs: points strictly dominating ref in the first n objectives, all finite.

/** Hypervolume in the first `n` objectives (n = ref.length unless given); points may be dominated. */
function hvAny(points: readonly Point[], ref: Point, n = ref.length): number {
  if (points.length === 0) return 0;
  if (n === 1) {
    let min = Infinity;
    for (const p of points) if ((p[0] as number) < min) min = p[0] as number;
    return (ref[0] as number) - min;
  }
  if (n === 2) return hv2(points, ref);
  if (n === 3) return hv3(points, ref);
  return wfg(nonDominated(points, n), ref, n);
}

/** Volume of the box [p, ref) in the first n objectives. */
function boxVolume(p: Point, ref: Point, n: number): number {
  let v = 1;
  for (let j = 0; j < n; j++) v *= (ref[j] as number) - (p[j] as number);
  return v;
}

/** Indices 0..n-1 sorted by (first objective, then second) ascending. */
function sortedByXY(xs: Float64Array, ys: Float64Array): Uint32Array {
  const n = xs.length;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (xs[a] as number) - (xs[b] as number) || (ys[a] as number) - (ys[b] as number));
  return Uint32Array.from(order);
}

/** The two coordinates as typed columns, and the points' order by (x, y). */
function columns2(points: readonly Point[]): { n: number; xs: Float64Array; ys: Float64Array; order: Uint32Array } {
  const n = points.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i] as Point;
    xs[i] = p[0] as number;
    ys[i] = p[1] as number;
  }
  return { n, xs, ys, order: sortedByXY(xs, ys) };
}

/** 2-D: sweep in increasing x; each point that lowers the staircase adds a horizontal strip. */
function hv2(points: readonly Point[], ref: Point): number {
  const { n, xs, ys, order } = columns2(points);
  const rx = ref[0] as number;
  let prevY = ref[1] as number;
  let area = 0;
  for (let t = 0; t < n; t++) {
    const i = order[t] as number;
    const y = ys[i] as number;
    if (y < prevY) {
      area += (rx - (xs[i] as number)) * (prevY - y);
      prevY = y;
    }
  }
  return area;
}

/** The three coordinates as typed columns. */
function columns3(points: readonly Point[]): { n: number; xs: Float64Array; ys: Float64Array; zs: Float64Array } {
  const n = points.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const zs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i] as Point;
    xs[i] = p[0] as number;
    ys[i] = p[1] as number;
    zs[i] = p[2] as number;
  }
  return { n, xs, ys, zs };
}

/**
 * 3-D (HV3D): visit points by increasing z. Between consecutive z values the cross-section of the
 * dominated region is the 2-D region dominated by the points seen so far; its area is kept up to date
 * as each point enters the staircase (a treap keyed by x; y decreases along it).
 */
function hv3(points: readonly Point[], ref: Point): number {
  const { n, xs, ys, zs } = columns3(points);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (zs[a] as number) - (zs[b] as number));
  const rx = ref[0] as number;
  const ry = ref[1] as number;
  const staircase = new Treap(Math.min(n, 1024));
  let area = 0;
  let volume = 0;
  let prevZ = 0;
  for (let t = 0; t < n; t++) {
    const i = order[t] as number;
    const z = zs[i] as number;
    if (t > 0) volume += area * (z - prevZ);
    prevZ = z;
    area += insertStaircase(staircase, xs[i] as number, ys[i] as number, rx, ry);
  }
  volume += area * ((ref[2] as number) - prevZ);
  return volume;
}

/**
 * Adds (x, y) to a 2-D staircase (mutually non-dominated points, key x ascending, value y descending)
 * and returns the area it adds to the dominated region [.., rx) x [.., ry). Points it weakly dominates
 * leave the staircase; a point already weakly dominated adds nothing and is not stored.
 */
function insertStaircase(s: Treap, x: number, y: number, rx: number, ry: number): number {
  const f = s.floor(x);
  if (f !== NIL && s.value(f) <= y) return 0;
  const l = s.lower(x);
  // Over [x, next key) the region was covered from height curH upward; p covers from y.
  let curX = x;
  let curH = l === NIL ? ry : s.value(l);
  let gained = 0;
  let c = s.ceiling(x);
  while (c !== NIL && s.value(c) >= y) {
    const cx = s.key(c);
    gained += (cx - curX) * (curH - y);
    curX = cx;
    curH = s.value(c);
    const next = s.higher(cx);
    s.delete(cx);
    c = next;
  }
  gained += ((c === NIL ? rx : s.key(c)) - curX) * (curH - y);
  s.set(x, y);
  return gained;
}

/**
 * WFG in n >= 4 objectives on non-dominated points. Sort by the last objective, worst first. Above an
 * (n-1)-D location x', the dominated region reaches down (in the last objective) to the best value
 * among the points whose projections cover x', i.e. the last of them in this order. So
 * HV = sum_i (ref_last - p_i,last) * (the part of p_i's projected box that no later point's projection
 * covers), the latter an exclusive (n-1)-D hypervolume: box minus the limit set's hypervolume.
 */
function wfg(points: readonly Point[], ref: Point, n: number): number {
  if (points.length === 0) return 0;
  if (n === 3) return hv3(points, ref);
  if (n === 2) return hv2(points, ref);
  if (points.length === 1) return boxVolume(points[0] as Point, ref, n);
  const d = n - 1;
  const sorted = points.slice().sort((a, b) => (b[d] as number) - (a[d] as number));
  const rLast = ref[d] as number;
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i] as Point;
    volume += (rLast - (p[d] as number)) * exclusive(p, sorted, i + 1, ref, d);
  }
  return volume;
}

/**
 * Exclusive hypervolume of p in the first d objectives against points[from..]: its box minus the
 * hypervolume of the limit set {max(p, q)} (non-dominated filtering happens in hvAny for d >= 4; the
 * 3-D sweep skips dominated points itself). 0 when some q weakly dominates p.
 */
function exclusive(p: Point, points: readonly Point[], from: number, ref: Point, d: number): number {
  const limit: number[][] = [];
  for (let j = from; j < points.length; j++) {
    const q = points[j] as Point;
    const l = new Array<number>(d);
    let covers = true;
    for (let k = 0; k < d; k++) {
      const pk = p[k] as number;
      const qk = q[k] as number;
      if (qk > pk) {
        covers = false;
        l[k] = qk;
      } else l[k] = pk;
    }
    if (covers) return 0;
    limit.push(l);
  }
  const box = boxVolume(p, ref, d);
  if (limit.length === 0) return box;
  const v = box - hvAny(limit, ref, d);
  return v > 0 ? v : 0;
}

/** Lexicographic order on the first n objectives. */
function lexCompare(a: Point, b: Point, n: number): number {
  for (let k = 0; k < n; k++) {
    const diff = (a[k] as number) - (b[k] as number);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** a <= b in each of the first n objectives. */
function weaklyDominates(a: Point, b: Point, n: number): boolean {
  for (let k = 0; k < n; k++) if ((a[k] as number) > (b[k] as number)) return false;
  return true;
}

/**
 * The distinct non-dominated points (first n objectives), in lexicographic order. A point's weak
 * dominators come before it in that order, so each point is checked only against those kept.
 */
function nonDominated(points: readonly Point[], n: number): Point[] {
  const sorted = points.slice().sort((a, b) => lexCompare(a, b, n));
  const kept: Point[] = [];
  outer: for (const p of sorted) {
    for (let k = kept.length - 1; k >= 0; k--) if (weaklyDominates(kept[k] as Point, p, n)) continue outer;
    kept.push(p);
  }
  return kept;
}

/**
 * 3-D, O(N log N): the HV3D sweep over z, integrating each point's exclusive 2-D area in the
 * cross-section. In the cross-section (the 2-D projections of the points already swept), a staircase
 * point f alone covers its window [x_f, x_next) x [y_f, y_prev), less what the points inside the window
 * cover (its "private" points: those only f dominates; any other point lies in some other point's box
 * and never matters). So f's rate is the window's area minus the area A_f under its private staircase.
 *
 * The staircase lives in one treap; all private staircases live in a second treap keyed by x (windows
 * do not overlap in x, so a window's private points are the keys in [x_f, x_next)). A new point either
 * falls in one window (it joins that window's private staircase, or is dominated there and never
 * matters), or lies in no window but under two staircase points (never matters), or enters the
 * staircase: the staircase points it dominates leave and become its private points (their own private
 * points now lie under two points and are dropped), and its neighbours' windows shrink (dropping the
 * private points now also under the new point). Each point enters and leaves each treap at most once
 * and each event touches O(1) windows, with A_f updated incrementally. Copies are zeroed at the end
 * (the sweep runs on one point per group of copies).
 */
function contributions3(points: readonly Point[], ref: Point): number[] {
  const { n, xs, ys, zs } = columns3(points);
  const copied = new Uint8Array(n);
  const skip = new Uint8Array(n);
  const lex = Array.from({ length: n }, (_, i) => i);
  lex.sort((a, b) => lexCompare(points[a] as Point, points[b] as Point, 3));
  for (let t = 1; t < n; t++) {
    const a = lex[t - 1] as number;
    const b = lex[t] as number;
    if (xs[a] === xs[b] && ys[a] === ys[b] && zs[a] === zs[b]) {
      copied[a] = copied[b] = 1;
      skip[b] = 1;
    }
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (zs[a] as number) - (zs[b] as number));
  const rx = ref[0] as number;
  const ry = ref[1] as number;
  const S = new Treap(Math.min(n, 1024)); // staircase: x -> y, tag = point index
  const Q = new Treap(Math.min(n, 1024)); // private points of all windows: x -> y, tag = point index
  const total = new Float64Array(n);
  const since = new Float64Array(n);
  const rate = new Float64Array(n);
  const covered = new Float64Array(n); // A_f: area under f's private staircase, within its window

  const settle = (i: number, z: number): void => {
    total[i] = (total[i] as number) + (rate[i] as number) * (z - (since[i] as number));
    since[i] = z;
  };
  /** The far corner (cx, cy) of the window [x, cx) x [y, cy) of the staircase point with key x. */
  const cornerX = (x: number): number => {
    const nx = S.higher(x);
    return nx === NIL ? rx : S.key(nx);
  };
  const cornerY = (x: number): number => {
    const pv = S.lower(x);
    return pv === NIL ? ry : S.value(pv);
  };
  const refreshRate = (node: number): void => {
    const x = S.key(node);
    const i = S.tag(node);
    rate[i] = (cornerX(x) - x) * (cornerY(x) - S.value(node)) - (covered[i] as number);
  };
  /** Drops the private points of the window starting at wx whose x >= newCx; the window's corner y is cy. */
  const shrinkRight = (i: number, wx: number, cx: number, newCx: number, cy: number): void => {
    if (newCx >= cx) return;
    let nextX = cx;
    let removed = 0;
    let c = Q.lower(cx);
    while (c !== NIL && Q.key(c) >= newCx && Q.key(c) >= wx) {
      const qx = Q.key(c);
      removed += (nextX - qx) * (cy - Q.value(c));
      nextX = qx;
      const below = Q.lower(qx);
      Q.delete(qx);
      c = below;
    }
    if (c === NIL || Q.key(c) < wx) covered[i] = 0;
    else covered[i] = (covered[i] as number) - removed - (nextX - newCx) * (cy - Q.value(c));
  };
  /** Drops the private points of window [wx, cx) whose y >= newCy; the window's corner y was cy. */
  const shrinkTop = (i: number, wx: number, cx: number, cy: number, newCy: number): void => {
    if (newCy >= cy) return;
    let removed = 0;
    let c = Q.ceiling(wx);
    while (c !== NIL && Q.key(c) < cx && Q.value(c) >= newCy) {
      const qx = Q.key(c);
      const nx = Q.higher(qx);
      const stripEnd = nx !== NIL && Q.key(nx) < cx ? Q.key(nx) : cx;
      removed += (stripEnd - qx) * (cy - Q.value(c));
      Q.delete(qx);
      c = nx;
    }
    if (c === NIL || Q.key(c) >= cx) covered[i] = 0;
    else covered[i] = (covered[i] as number) - removed - (cy - newCy) * (cx - Q.key(c));
  };

  for (const i of order) {
    if (skip[i]) continue;
    const x = xs[i] as number;
    const y = ys[i] as number;
    const z = zs[i] as number;
    const s = S.floor(x);
    if (s !== NIL && S.value(s) <= y) {
      // Under staircase point s: matters only inside s's window, and only if no private point covers it.
      const sx = S.key(s);
      const cy = cornerY(sx);
      if (!(y < cy)) continue;
      const cx = cornerX(sx);
      const g = Q.floor(x);
      if (g !== NIL && Q.key(g) >= sx && Q.value(g) <= y) continue;
      const l = Q.lower(x);
      let curX = x;
      let curH = l !== NIL && Q.key(l) >= sx ? Q.value(l) : cy;
      let gained = 0;
      let c = Q.ceiling(x);
      while (c !== NIL && Q.key(c) < cx && Q.value(c) >= y) {
        const qx = Q.key(c);
        gained += (qx - curX) * (curH - y);
        curX = qx;
        curH = Q.value(c);
        const next = Q.higher(qx);
        Q.delete(qx);
        c = next;
      }
      gained += ((c !== NIL && Q.key(c) < cx ? Q.key(c) : cx) - curX) * (curH - y);
      Q.set(x, y, i);
      const f = S.tag(s);
      settle(f, z);
      covered[f] = (covered[f] as number) + gained;
      refreshRate(s);
      continue;
    }
    // Enters the staircase.
    const l = S.lower(x);
    const first = S.ceiling(x);
    if (l !== NIL) {
      const li = S.tag(l);
      settle(li, z);
      shrinkRight(li, S.key(l), first === NIL ? rx : S.key(first), x, cornerY(S.key(l)));
    }
    const leaving: number[] = [];
    let c = first;
    while (c !== NIL && S.value(c) >= y) {
      const dx = S.key(c);
      const di = S.tag(c);
      settle(di, z);
      const next = S.higher(dx);
      const dcx = next === NIL ? rx : S.key(next);
      for (let q = Q.ceiling(dx); q !== NIL && Q.key(q) < dcx; q = Q.ceiling(dx)) Q.delete(Q.key(q));
      leaving.push(di);
      S.delete(dx);
      c = next;
    }
    const cy = l === NIL ? ry : S.value(l);
    const cx = c === NIL ? rx : S.key(c);
    if (c !== NIL) {
      const ri = S.tag(c);
      settle(ri, z);
      const last = leaving[leaving.length - 1];
      shrinkTop(ri, cx, cornerX(cx), last === undefined ? cy : (ys[last] as number), y);
    }
    const node = S.set(x, y, i);
    let a = 0;
    for (let k = 0; k < leaving.length; k++) {
      const d = leaving[k] as number;
      const after = leaving[k + 1];
      a += ((after === undefined ? cx : (xs[after] as number)) - (xs[d] as number)) * (cy - (ys[d] as number));
      Q.set(xs[d] as number, ys[d] as number, d);
    }
    covered[i] = a;
    since[i] = z;
    refreshRate(node);
    if (l !== NIL) refreshRate(l);
    if (c !== NIL) refreshRate(c);
  }
  const rz = ref[2] as number;
  for (let node = S.first(); node !== NIL; node = S.higher(S.key(node))) settle(S.tag(node), rz);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = copied[i] ? 0 : Math.max(0, total[i] as number);
  return out;
}

/**
 * Distinct non-dominated points and, for each, the other points that only it dominates. Points
 * dominated by two or more front points lie inside another front point's box and never matter for a
 * contribution. Copies of a front point are flagged (the point and its copies contribute 0).
 */
function frontWithPrivate(
  points: readonly Point[],
  m: number,
): { front: number[]; duplicated: boolean[]; own: number[][] } {
  const n = points.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => lexCompare(points[a] as Point, points[b] as Point, m));
  const front: number[] = [];
  const duplicated: boolean[] = [];
  const rest: number[] = [];
  let prev: Point | undefined;
  let prevKept = false;
  outer: for (const i of order) {
    const p = points[i] as Point;
    if (prev !== undefined && lexCompare(prev, p, m) === 0) {
      if (prevKept) duplicated[front.length - 1] = true;
      else rest.push(i);
      continue;
    }
    prev = p;
    prevKept = false;
    for (let k = front.length - 1; k >= 0; k--) {
      if (weaklyDominates(points[front[k] as number] as Point, p, m)) {
        rest.push(i);
        continue outer;
      }
    }
    front.push(i);
    duplicated.push(false);
    prevKept = true;
  }
  const own: number[][] = front.map(() => []);
  for (const i of rest) {
    const q = points[i] as Point;
    let owner = -1;
    for (let k = 0; k < front.length; k++) {
      if (!weaklyDominates(points[front[k] as number] as Point, q, m)) continue;
      if (owner >= 0) {
        owner = -2;
        break;
      }
      owner = k;
    }
    if (owner >= 0) (own[owner] as number[]).push(i);
  }
  return { front, duplicated, own };
}

/**
 * m >= 3 (generic): for each distinct non-dominated point p, its box minus the hypervolume of its
 * limit set: the other front points worsened to p, and the points only p dominates.
 */
function contributionsGeneric(points: readonly Point[], ref: Point, m: number): number[] {
  const { front, duplicated, own } = frontWithPrivate(points, m);
  const out = new Array<number>(points.length).fill(0);
  for (let k = 0; k < front.length; k++) {
    if (duplicated[k]) continue;
    const p = points[front[k] as number] as Point;
    const limit: Point[] = [];
    for (let j = 0; j < front.length; j++) {
      if (j === k) continue;
      const q = points[front[j] as number] as Point;
      limit.push(p.map((v, t) => Math.max(v, q[t] as number)));
    }
    for (const i of own[k] as number[]) limit.push(points[i] as Point);
    const box = boxVolume(p, ref, m);
    const v = limit.length === 0 ? box : box - hvAny(limit, ref, m);
    out[front[k] as number] = v > 0 ? v : 0;
  }
  return out;
}

/**
 * The 3-D hypervolume and contributions as they were before issue 18 (lib/pareto/hypervolume.ts at
 * 70ba30e: `hv3`, `insertStaircase`, `contributions3`), kept verbatim as a second implementation for
 * test/pareto/hv-3d.test.ts, except that the treap they kept their staircases in is replaced by
 * {@link SortedMap} (a sorted array with the same queries, O(n) per insertion: fine at test sizes).
 * Inputs: points strictly below ref, finite, m = 3; dominated points and copies allowed.
 */
type Point = readonly number[];

const NIL = -1;

/** An ordered map number -> (value, tag) with handles, the treap's query API on a sorted array. */
class SortedMap {
  private readonly ks: number[] = [];
  private readonly ids: number[] = [];
  private readonly kv: number[] = [];
  private readonly vv: number[] = [];
  private readonly tv: number[] = [];
  key(h: number): number {
    return this.kv[h]!;
  }
  value(h: number): number {
    return this.vv[h]!;
  }
  tag(h: number): number {
    return this.tv[h]!;
  }
  /** First position whose key is >= x (strict: > x). */
  private bound(x: number, strict: boolean): number {
    let lo = 0;
    let hi = this.ks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? this.ks[mid]! <= x : this.ks[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  private at(pos: number): number {
    return pos >= 0 && pos < this.ids.length ? this.ids[pos]! : NIL;
  }
  floor(x: number): number {
    return this.at(this.bound(x, true) - 1);
  }
  lower(x: number): number {
    return this.at(this.bound(x, false) - 1);
  }
  ceiling(x: number): number {
    return this.at(this.bound(x, false));
  }
  higher(x: number): number {
    return this.at(this.bound(x, true));
  }
  first(): number {
    return this.at(0);
  }
  set(k: number, v: number, tag = 0): number {
    const pos = this.bound(k, false);
    if (pos < this.ks.length && this.ks[pos] === k) {
      const h = this.ids[pos]!;
      this.vv[h] = v;
      this.tv[h] = tag;
      return h;
    }
    const h = this.kv.length;
    this.kv.push(k);
    this.vv.push(v);
    this.tv.push(tag);
    this.ks.splice(pos, 0, k);
    this.ids.splice(pos, 0, h);
    return h;
  }
  delete(k: number): boolean {
    const pos = this.bound(k, false);
    if (pos >= this.ks.length || this.ks[pos] !== k) return false;
    this.ks.splice(pos, 1);
    this.ids.splice(pos, 1);
    return true;
  }
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
export function oldHv3(points: readonly Point[], ref: Point): number {
  const { n, xs, ys, zs } = columns3(points);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (zs[a] as number) - (zs[b] as number));
  const rx = ref[0] as number;
  const ry = ref[1] as number;
  const staircase = new SortedMap();
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
function insertStaircase(s: SortedMap, x: number, y: number, rx: number, ry: number): number {
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

/** Lexicographic order on the first n objectives. */
function lexCompare(a: Point, b: Point, n: number): number {
  for (let k = 0; k < n; k++) {
    const diff = (a[k] as number) - (b[k] as number);
    if (diff !== 0) return diff;
  }
  return 0;
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
export function oldContributions3(points: readonly Point[], ref: Point): number[] {
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
  const S = new SortedMap(); // staircase: x -> y, tag = point index
  const Q = new SortedMap(); // private points of all windows: x -> y, tag = point index
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


/**
 * Incremental exact hypervolume of a growing point set (every objective minimised): the
 * hypervolume-over-a-campaign series without recomputing from scratch after every evaluation.
 *
 * Adding p changes the hypervolume by p's exclusive volume against the current set S:
 *   HV(S ∪ {p}) = HV(S) + box(p) - HV({ max(p, q) : q in F }),
 * F the non-dominated points of S (the "limit set" of WFG: While, Bradstreet and Barone 2012, "A fast
 * way of calculating exact hypervolumes", IEEE TEVC 16(1)), each worsened to p. For m >= 4 that exclusive
 * volume is `exclusiveVolume` of `exclusive.ts` (WFG's bounding, then a sum of non-negative slabs: the
 * routine behind exact small contributions), plus O(|F| m) for the dominance checks. In 3-D the front is kept as HV4D+'s z-sorted
 * list with closest points (`list3d.ts`; Guerreiro and Fonseca 2018) and p's exclusive volume is one
 * z-sweep of it (`oneContribution3d`), so an add is O(|F|): the dominance check, the sweep and the
 * insertion (20,000 mutually non-dominated adds: about 40 s when each recomputed HV(F), see the
 * commit). In 2-D the front is kept as a sorted staircase and
 * p's exclusive area is read off the staircase points it removes: O(log |F|) search plus the removed
 * points (and an array splice). m = 1 keeps the minimum.
 *
 * While some axis range ref_j - min_j of the points added is outside [2^-L, 2^L] (L = floor(1000 / m),
 * where a product of ranges could over- or underflow), an add that changes the front recomputes its
 * hypervolume with the dispatcher's exactly rescaled kernels instead: never NaN, the value when
 * representable, else Infinity.
 *
 * Points that do not strictly dominate the reference are ignored (they add nothing); a point with a
 * -Infinity coordinate that strictly dominates the reference makes the hypervolume Infinity from then
 * on (as `hypervolume` does). Errors: InputError naming `ref`, `ref[j]`, `point`, or `point[j]`.
 */
import { InputError } from '../../errors.js';
import { checkReference, hvKernel } from '../hypervolume.js';
import { ExclusiveWorkspace, exclusiveVolume } from './exclusive.js';
import { countDominators3d, createList3d, insert3d, type List3d, oneContribution3d } from './list3d.js';

export class HypervolumeTracker {
  /** Number of objectives. */
  readonly m: number;
  private readonly ref: Float64Array;
  private hv = 0;
  /** Non-dominated points kept, row-major (m >= 3; m = 1 keeps one row; m = 2 uses xs/ys). */
  private front = new Float64Array(0);
  private count = 0;
  /** m = 2: the staircase, x ascending and y descending. */
  private xs: number[] = [];
  private ys: number[] = [];
  /** m = 3: the front as a z-sorted list (ids 0..nextId-1, compacted when full). */
  private s3: List3d | null = null;
  private nextId = 0;
  /** Per-axis minimum of the points added inside the reference, and whether every range is safe. */
  private mins: Float64Array;
  private safe = true;
  /** m >= 4: working memory of exclusiveVolume, made on the first add. */
  private ws: ExclusiveWorkspace | null = null;

  /** `ref`: the reference point, a non-empty array of finite numbers (one per objective). */
  constructor(ref: readonly number[]) {
    this.m = checkReference(ref);
    this.ref = Float64Array.from(ref);
    this.mins = Float64Array.from(ref);
  }

  /** The hypervolume of every point added so far (0 before any point strictly dominates the reference). */
  get value(): number {
    return this.hv;
  }

  /** Number of distinct non-dominated points kept (those that strictly dominate the reference). */
  get size(): number {
    if (this.m === 3) return this.s3 === null ? 0 : this.s3.size;
    return this.m === 2 ? this.xs.length : this.count;
  }

  /**
   * Adds one point (m numbers, ±Infinity allowed, NaN not) and returns the new hypervolume. O(log n)
   * plus the removed points for m = 2; O(|F|) for m = 3; one hypervolume of the current front's limit
   * set for m >= 4.
   */
  add(point: readonly number[]): number {
    const m = this.m;
    if (!Array.isArray(point)) throw new InputError('point', point, `an array of ${m} numbers`);
    if (point.length !== m) {
      throw new InputError('point', point, `${m} objectives (as the reference)`, `the point has ${point.length}`);
    }
    let inside = true;
    let negInf = false;
    for (let j = 0; j < m; j++) {
      const v: unknown = point[j];
      if (typeof v !== 'number' || Number.isNaN(v)) {
        throw new InputError(`point[${j}]`, v, 'a number (±Infinity allowed, NaN not)');
      }
      if (!(v < (this.ref[j] as number))) inside = false;
      else if (v === -Infinity) negInf = true;
    }
    if (!inside) return this.hv;
    if (m >= 2) this.updateRanges(point);
    let changed = true;
    if (m === 1) this.add1(point[0] as number);
    else if (m === 2) changed = this.add2(point[0] as number, point[1] as number);
    else if (m === 3) changed = this.add3(point[0] as number, point[1] as number, point[2] as number);
    else changed = this.addAny(point);
    if (negInf) this.hv = Infinity;
    else if (changed && !this.safe && this.hv !== Infinity) this.hv = hvKernel(this.frontPacked(), this.ref);
    return this.hv;
  }

  private add1(x: number): void {
    if (this.count === 0) {
      this.front = new Float64Array(1);
      this.front[0] = x;
      this.count = 1;
    } else if (x < (this.front[0] as number)) this.front[0] = x;
    if (this.hv !== Infinity) this.hv = (this.ref[0] as number) - (this.front[0] as number);
  }

  /** Lowers the per-axis minima to p and re-decides whether the incremental sums are safe. O(m). */
  private updateRanges(p: readonly number[]): void {
    const m = this.m;
    const hi = 2 ** Math.floor(1000 / m);
    const lo = 1 / hi;
    let safe = true;
    for (let j = 0; j < m; j++) {
      if ((p[j] as number) < (this.mins[j] as number)) this.mins[j] = p[j] as number;
      const range = (this.ref[j] as number) - (this.mins[j] as number);
      if (!(range <= hi && range >= lo)) safe = false;
    }
    this.safe = safe;
  }

  /** The current front, packed (the slow path for unsafe ranges). */
  private frontPacked(): { n: number; m: number; data: Float64Array } {
    const m = this.m;
    if (m === 2) {
      const n = this.xs.length;
      const data = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        data[2 * i] = this.xs[i] as number;
        data[2 * i + 1] = this.ys[i] as number;
      }
      return { n, m, data };
    }
    if (m === 3) {
      const s = this.s3 as List3d;
      const data = new Float64Array(3 * s.size);
      let i = 0;
      for (let e = s.head; e !== -1; e = s.next[e] as number, i++) {
        data[3 * i] = s.x[e] as number;
        data[3 * i + 1] = s.y[e] as number;
        data[3 * i + 2] = s.z[e] as number;
      }
      return { n: i, m, data };
    }
    return { n: this.count, m, data: this.front.subarray(0, this.count * m) };
  }

  /**
   * 3-D: nothing when a front point weakly dominates p; else p gains its exclusive volume against the
   * front (one z-sweep) and enters the list, which drops the points p weakly dominates. O(|F|).
   * Returns whether the front changed.
   */
  private add3(px: number, py: number, pz: number): boolean {
    let s = this.s3;
    if (s === null) {
      s = createList3d(16, this.ref[0] as number, this.ref[1] as number, this.ref[2] as number, false);
      this.s3 = s;
    }
    if (countDominators3d(s, px, py, pz, 1) > 0) return false;
    if (this.safe && this.hv !== Infinity) {
      const gained = oneContribution3d(s, px, py, pz);
      this.hv += gained > 0 ? gained : 0;
    }
    if (this.nextId === s.x.length) s = this.compact3(s);
    const id = this.nextId++;
    s.x[id] = px;
    s.y[id] = py;
    s.z[id] = pz;
    insert3d(s, id);
    return true;
  }

  /** A list with room for twice the members, ids renumbered in list order (dropped points' ids freed). O(capacity). */
  private compact3(s: List3d): List3d {
    const t = createList3d(Math.max(16, 2 * s.size + 2), s.rx, s.ry, s.rz, false);
    const id = new Int32Array(s.x.length).fill(-1);
    let k = 0;
    for (let e = s.head; e !== -1; e = s.next[e] as number) id[e] = k++;
    let before = -1;
    for (let e = s.head; e !== -1; e = s.next[e] as number) {
      const i = id[e] as number;
      t.x[i] = s.x[e] as number;
      t.y[i] = s.y[e] as number;
      t.z[i] = s.z[e] as number;
      t.left[i] = s.left[e] === -1 ? -1 : (id[s.left[e] as number] as number);
      t.prev[i] = before;
      if (before !== -1) t.next[before] = i;
      before = i;
    }
    t.head = k > 0 ? 0 : -1;
    t.size = k;
    this.nextId = k;
    this.s3 = t;
    return t;
  }

  /** 2-D: p removes the staircase points it weakly dominates and gains the area between them and p. */
  private add2(x: number, y: number): boolean {
    const xs = this.xs;
    const ys = this.ys;
    // First index with xs[i] > x; the point before it (if any) is the one to the left of p.
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((xs[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    const left = lo - 1;
    if (left >= 0 && (ys[left] as number) <= y) return false; // weakly dominated
    // Points at index >= start with x' >= x and y' >= y are dominated by p (a tie in x sits at left).
    let start = lo;
    if (left >= 0 && xs[left] === x) start = left; // same x, higher y: dominated by p
    let end = start;
    const rx = this.ref[0] as number;
    let curX = x;
    let curH = start > 0 ? (ys[start - 1] as number) : (this.ref[1] as number);
    let gained = 0;
    while (end < xs.length && (ys[end] as number) >= y) {
      const cx = xs[end] as number;
      gained += (cx - curX) * (curH - y);
      curX = cx;
      curH = ys[end] as number;
      end++;
    }
    gained += ((end < xs.length ? (xs[end] as number) : rx) - curX) * (curH - y);
    xs.splice(start, end - start, x);
    ys.splice(start, end - start, y);
    if (this.hv !== Infinity) this.hv += gained;
    return true;
  }

  /**
   * m >= 4: p replaces the points it weakly dominates and adds its exclusive volume against the front
   * (`exclusiveVolume` of hv/exclusive.ts: WFG's bounding, then non-negative slab sums, the routine
   * that makes small contributions exact). Returns whether the front changed.
   */
  private addAny(p: readonly number[]): boolean {
    const m = this.m;
    const n = this.count;
    const f = this.front;
    for (let i = 0; i < n; i++) {
      let weak = true;
      for (let k = 0; k < m; k++) {
        if ((f[i * m + k] as number) > (p[k] as number)) {
          weak = false;
          break;
        }
      }
      if (weak) return false; // weakly dominated: adds nothing
    }
    // Room for p as row n: its exclusive volume is measured against rows 0..n-1 in place.
    const next = f.length >= (n + 1) * m ? f : new Float64Array(Math.max(2 * (n + 1), 16) * m);
    if (next !== f) next.set(f.subarray(0, n * m));
    for (let k = 0; k < m; k++) next[n * m + k] = p[k] as number;
    if (this.safe && this.hv !== Infinity && !p.includes(-Infinity)) {
      this.ws ??= new ExclusiveWorkspace(m);
      this.hv += exclusiveVolume(next, n + 1, m, n, this.ref, this.ws);
    }
    // Keep the points p does not weakly dominate, then p.
    let kept = 0;
    for (let i = 0; i < n; i++) {
      let dominated = true;
      for (let k = 0; k < m; k++) {
        if ((p[k] as number) > (f[i * m + k] as number)) {
          dominated = false;
          break;
        }
      }
      if (dominated) continue;
      if (kept !== i) for (let k = 0; k < m; k++) next[kept * m + k] = next[i * m + k] as number;
      kept++;
    }
    for (let k = 0; k < m; k++) next[kept * m + k] = p[k] as number;
    this.front = next;
    this.count = kept + 1;
    return true;
  }
}

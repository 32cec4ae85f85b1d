/**
 * Incremental exact hypervolume of a growing point set (every objective minimised): the
 * hypervolume-over-a-campaign series without recomputing from scratch after every evaluation.
 *
 * Adding p changes the hypervolume by p's exclusive volume against the current set S:
 *   HV(S ∪ {p}) = HV(S) + box(p) - HV({ max(p, q) : q in F }),
 * F the non-dominated points of S (the "limit set" of WFG: While, Bradstreet and Barone 2012, "A fast
 * way of calculating exact hypervolumes", IEEE TEVC 16(1)), each worsened to p. The limit set's
 * hypervolume goes to the dispatcher's kernels (`hvKernel`), so one add costs one (m)-D hypervolume of
 * |F| points plus O(|F| m) for the dominance checks. In 3-D, where the whole front's HV3D+ sweep
 * (O(|F| log |F|)) measured about twice as fast as the limit set's, a point that enters the front
 * recomputes HV(F) instead (a weakly dominated point still costs only the O(|F| m) check). In 2-D the front is kept as a sorted staircase and
 * p's exclusive area is read off the staircase points it removes: O(log |F|) search plus the removed
 * points (and an array splice). m = 1 keeps the minimum.
 *
 * Points that do not strictly dominate the reference are ignored (they add nothing); a point with a
 * -Infinity coordinate that strictly dominates the reference makes the hypervolume Infinity from then
 * on (as `hypervolume` does). Errors: InputError naming `ref`, `ref[j]`, `point`, or `point[j]`.
 */
import { InputError } from '../../errors.js';
import { hvKernel } from '../hypervolume.js';

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

  /** `ref`: the reference point, a non-empty array of finite numbers (one per objective). */
  constructor(ref: readonly number[]) {
    if (!Array.isArray(ref) || ref.length === 0) {
      throw new InputError('ref', ref, 'a non-empty array of finite numbers (one per objective)');
    }
    for (let j = 0; j < ref.length; j++) {
      const v: unknown = ref[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`ref[${j}]`, v, 'a finite number');
    }
    this.m = ref.length;
    this.ref = Float64Array.from(ref);
  }

  /** The hypervolume of every point added so far (0 before any point strictly dominates the reference). */
  get value(): number {
    return this.hv;
  }

  /** Number of distinct non-dominated points kept (those that strictly dominate the reference). */
  get size(): number {
    return this.m === 2 ? this.xs.length : this.count;
  }

  /**
   * Adds one point (m numbers, ±Infinity allowed, NaN not) and returns the new hypervolume. O(log n)
   * plus the removed points for m = 2; one hypervolume of the current front's limit set for m >= 3.
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
    if (m === 1) this.add1(point[0] as number);
    else if (m === 2) this.add2(point[0] as number, point[1] as number);
    else this.addAny(point);
    if (negInf) this.hv = Infinity;
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

  /** 2-D: p removes the staircase points it weakly dominates and gains the area between them and p. */
  private add2(x: number, y: number): void {
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
    if (left >= 0 && (ys[left] as number) <= y) return; // weakly dominated
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
  }

  /**
   * m >= 3: p replaces the points it weakly dominates; m >= 4 adds its exclusive volume box(p) - HV(limit
   * set), m = 3 recomputes the front's hypervolume.
   */
  private addAny(p: readonly number[]): void {
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
      if (weak) return; // weakly dominated: adds nothing
    }
    if (this.hv !== Infinity && !p.includes(-Infinity) && m !== 3) {
      let box = 1;
      for (let k = 0; k < m; k++) box *= (this.ref[k] as number) - (p[k] as number);
      let gained = box;
      if (n > 0) {
        const limit = new Float64Array(n * m);
        for (let i = 0; i < n * m; i++) {
          const q = f[i] as number;
          const pk = p[i % m] as number;
          limit[i] = q > pk ? q : pk;
        }
        gained = box - hvKernel({ n, m, data: limit }, this.ref);
      }
      this.hv += gained > 0 ? gained : 0;
    }
    // Keep the points p does not weakly dominate, then p.
    let kept = 0;
    const next = f.length >= (n + 1) * m ? f : new Float64Array(Math.max(2 * (n + 1), 16) * m);
    for (let i = 0; i < n; i++) {
      let dominated = true;
      for (let k = 0; k < m; k++) {
        if ((p[k] as number) > (f[i * m + k] as number)) {
          dominated = false;
          break;
        }
      }
      if (dominated) continue;
      if (next !== f || kept !== i) for (let k = 0; k < m; k++) next[kept * m + k] = f[i * m + k] as number;
      kept++;
    }
    for (let k = 0; k < m; k++) next[kept * m + k] = p[k] as number;
    this.front = next;
    this.count = kept + 1;
    if (this.hv !== Infinity && !p.includes(-Infinity) && m === 3) {
      this.hv = hvKernel({ n: this.count, m, data: next.subarray(0, this.count * m) }, this.ref);
    }
  }
}

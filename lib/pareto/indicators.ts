/**
 * Quality indicators between point sets (every objective minimised, as in the rest of lib/pareto).
 *
 * Inputs: both sets must share one dimension m >= 1; NaN throws InputError naming the set, the point
 * and the objective. The set an indicator averages or maximises over must be non-empty (InputError);
 * when the set it minimises over is empty the indicator is Infinity (nothing approximates anything).
 *
 * Infinite coordinates: a difference of two equal coordinates is 0 even when both are infinite (so a
 * set compared with itself scores 0); any other difference with an infinite coordinate is ±Infinity and
 * propagates (a Euclidean distance to a point at infinity is Infinity).
 */
import { InputError } from '../errors.js';
import { checkPointSet } from './hypervolume.js';
import type { Point, PointSet } from './hypervolume.js';

/** a - b, with 0 for equal values (so Infinity - Infinity is 0, not NaN). */
function diff(a: number, b: number): number {
  return a === b ? 0 : a - b;
}

/** Checks two sets against one dimension; `outer` must be non-empty. Returns m. */
function checkPair(a: PointSet, aField: string, b: PointSet, bField: string, outer: 'a' | 'b'): number {
  const ma = checkPointSet(a, aField);
  const mb = checkPointSet(b, bField, ma === 0 ? undefined : ma);
  const m = ma || mb;
  const [set, field] = outer === 'a' ? [a, aField] : [b, bField];
  if (set.length === 0) throw new InputError(field, set, 'a non-empty point set');
  return m;
}

/** Euclidean distance over m objectives. */
function distance(a: Point, b: Point, m: number): number {
  let s = 0;
  for (let k = 0; k < m; k++) {
    const d = diff(a[k] as number, b[k] as number);
    s += d * d;
  }
  return Math.sqrt(s);
}

/** IGD+ distance from reference point r to approximation point a: only a's excess over r counts. */
function distancePlus(a: Point, r: Point, m: number): number {
  let s = 0;
  for (let k = 0; k < m; k++) {
    const d = diff(a[k] as number, r[k] as number);
    if (d > 0) s += d * d;
  }
  return Math.sqrt(s);
}

/** Mean over `outer` of the distance to the nearest point of `inner` (Infinity if inner is empty). */
function meanNearest(
  outer: PointSet,
  inner: PointSet,
  m: number,
  dist: (o: Point, i: Point, m: number) => number,
): number {
  let total = 0;
  for (const o of outer) {
    let best = Infinity;
    for (const i of inner) {
      const d = dist(o, i, m);
      if (d < best) best = d;
    }
    total += best;
  }
  return total / outer.length;
}

/**
 * Additive ε-indicator I_ε+(A, B) = max_{b∈B} min_{a∈A} max_i (a_i - b_i): the smallest ε such that
 * A shifted by -ε in every objective weakly dominates every point of B. I_ε+(A, A) = 0; it is <= 0
 * when A weakly dominates B. B must be non-empty; an empty A gives Infinity.
 */
export function additiveEpsilon(a: PointSet, b: PointSet): number {
  const m = checkPair(a, 'a', b, 'b', 'b');
  let worst = -Infinity;
  for (const q of b) {
    let best = Infinity;
    for (const p of a) {
      let eps = -Infinity;
      for (let k = 0; k < m; k++) {
        const d = diff(p[k] as number, q[k] as number);
        if (d > eps) eps = d;
      }
      if (eps < best) best = eps;
    }
    if (best > worst) worst = best;
  }
  return worst;
}

/**
 * Inverted generational distance: mean over r in `reference` of the Euclidean distance to the
 * nearest point of `approx`. `reference` must be non-empty; an empty `approx` gives Infinity.
 */
export function igd(approx: PointSet, reference: PointSet): number {
  const m = checkPair(approx, 'approx', reference, 'reference', 'b');
  return meanNearest(reference, approx, m, (r, a, k) => distance(a, r, k));
}

/**
 * IGD+ (Ishibuchi, Masuda, Tanigaki and Nojima 2015): as {@link igd} with the distance from r to a
 * taken as sqrt(sum_i max(a_i - r_i, 0)^2), so only the ways a is worse than r count (weakly Pareto
 * compliant). `reference` must be non-empty; an empty `approx` gives Infinity.
 */
export function igdPlus(approx: PointSet, reference: PointSet): number {
  const m = checkPair(approx, 'approx', reference, 'reference', 'b');
  return meanNearest(reference, approx, m, (r, a, k) => distancePlus(a, r, k));
}

/**
 * Generational distance, mean form: mean over a in `approx` of the Euclidean distance to the nearest
 * point of `reference`. `approx` must be non-empty; an empty `reference` gives Infinity.
 */
export function gd(approx: PointSet, reference: PointSet): number {
  const m = checkPair(approx, 'approx', reference, 'reference', 'a');
  return meanNearest(approx, reference, m, distance);
}

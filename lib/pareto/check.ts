import { formatValue, InputError } from '../errors.js';

/** What a coordinate may be, as every point-set error says it. */
export const COORDINATE_ALLOWED = 'a number (±Infinity allowed, NaN not)';

/** What a violation may be, as every violations error says it. */
export const VIOLATION_ALLOWED = 'a number (<= 0 feasible, > 0 infeasible; ±Infinity allowed, NaN not)';

/** A refused value as the error shows it after "got": the value and its kind (an array element that is undefined may be a hole). */
export function shown(v: unknown, element = true): string {
  if (typeof v === 'number') return `got ${formatValue(v)}${element ? '' : ' (a number, not an array)'}`;
  if (v === undefined) return element ? 'got nothing (a hole or undefined)' : 'got nothing (undefined)';
  if (v === null) return 'got null';
  const kind = Array.isArray(v) ? 'an array' : ArrayBuffer.isView(v) ? `a ${v.constructor.name}, not a plain array` : typeof v === 'object' ? 'an object, not an array' : `a ${typeof v}`;
  return `got ${formatValue(v)} (${kind})`;
}

/**
 * Checks a point set: a plain array (not array-like, not typed) of plain arrays of numbers, every
 * point the same length m >= 1 (or `m` when given); ±Infinity allowed, NaN, holes, strings, bigints,
 * null and undefined not. Returns m (0 for an empty set when `m` is not given).
 * Errors: ONE InputError, the first problem in row-major order, naming `field`, `field[i]` or
 * `field[i][j]`, the value and what is allowed.
 * Complexity: one plain loop, O(N m), no allocation (a few % of a 10^3-point paretoFront).
 * The rules of lib/pareto/hypervolume.ts's checkPointSet, shared here so the sorts, the crowding
 * distance and the hypervolume refuse the same inputs with the same lines.
 */
export function checkPointSet(points: unknown, field = 'points', m?: number): number {
  if (!Array.isArray(points)) return refusePoints(points, field, m);
  const n = points.length;
  let dim = m ?? (n > 0 && Array.isArray(points[0]) ? (points[0] as unknown[]).length : -1);
  if (dim === 0 && n > 0) return refusePoints(points, field, m);
  for (let i = 0; i < n; i++) {
    const p: unknown = points[i];
    if (!Array.isArray(p) || p.length !== dim) return refusePoints(points, field, m);
    for (let j = 0; j < dim; j++) {
      const v: unknown = p[j];
      if (typeof v !== 'number' || v !== v) return refusePoints(points, field, m);
    }
  }
  return dim < 0 ? 0 : dim;
}

/** The slow path of checkPointSet, kept out of its loop: finds the first problem and throws it. */
function refusePoints(points: unknown, field: string, m: number | undefined): never {
  if (!Array.isArray(points)) throw new InputError(field, points, 'an array of points (arrays of numbers)', shown(points, false));
  let dim = m ?? -1;
  for (let i = 0; i < points.length; i++) {
    const p: unknown = points[i];
    if (!Array.isArray(p)) throw new InputError(`${field}[${i}]`, p, 'an array of numbers', shown(p));
    if (dim <= 0) {
      if (p.length === 0) throw new InputError(`${field}[${i}]`, p, 'a point with at least one objective', 'got [] (no objectives)');
      dim = p.length;
    }
    if (p.length !== dim) throw new InputError(`${field}[${i}]`, p, `${dim} objectives${m === undefined ? `, like ${field}[0]` : ''}`, `point ${i} has ${p.length} objectives, expected ${dim}`);
    for (let j = 0; j < dim; j++) {
      const v: unknown = p[j];
      if (typeof v !== 'number' || v !== v) throw new InputError(`${field}[${i}][${j}]`, v, COORDINATE_ALLOWED, shown(v));
    }
  }
  throw new Error('refusePoints: no problem found'); // unreachable: checkPointSet calls it on a refused set
}

/**
 * Checks constraint violations for n points: a plain array of n numbers. ±Infinity allowed (-Infinity
 * is feasible; +Infinity is infeasible and ranks after every finite violation, ties sharing a rank),
 * NaN, holes and non-numbers not. Errors: ONE InputError naming `field` (not an array, wrong length)
 * or `field[i]`. O(n).
 */
export function checkViolations(violations: unknown, n: number, field = 'violations'): readonly number[] {
  if (!Array.isArray(violations)) throw new InputError(field, violations, `an array of ${n} numbers, one per point (<= 0 feasible, > 0 infeasible; ±Infinity allowed, NaN not)`, shown(violations, false));
  if (violations.length !== n) throw new InputError(field, violations, `one number per point (${n})`, `got ${violations.length} values for ${n} points`);
  for (let i = 0; i < n; i++) {
    const v: unknown = violations[i];
    if (typeof v !== 'number' || v !== v) throw new InputError(`${field}[${i}]`, v, VIOLATION_ALLOWED, shown(v));
  }
  return violations as readonly number[];
}

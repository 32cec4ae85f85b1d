/**
 * The one point layout every hypervolume kernel reads (lib/pareto/hv/*): n points of m objectives,
 * row-major in one Float64Array, objective j of point i at `data[i * m + j]`, every objective minimised.
 *
 * Kernel contract (hv2, hv3d, hv4d, wfg and their contributions):
 * - Preconditions, established once by the public entry points in `../hypervolume.ts` and never checked
 *   again inside a kernel: n >= 1, `ref.length === m`, every coordinate finite and strictly below
 *   `ref[j]`. Dominated points and exact copies may be present.
 * - A kernel never mutates `points.data` or `ref` (the dispatcher may hand the same buffer to two
 *   kernels); it allocates its own working arrays, typed where it can.
 * - `hypervolume` kernels return the Lebesgue measure of { x : p <= x < ref for some p }.
 * - `contributions` kernels return a Float64Array of length n in input order: point i's exclusive
 *   hypervolume HV(S) - HV(S \ {i}); 0 for a point weakly dominated by another point and for every copy
 *   of a point that occurs more than once (removing one copy removes nothing).
 */
export interface Packed {
  /** Number of points. */
  readonly n: number;
  /** Number of objectives. */
  readonly m: number;
  /** n * m coordinates, row-major. */
  readonly data: Float64Array;
}

/** Packs plain point arrays (already checked) into the kernel layout. */
export function pack(points: readonly (readonly number[])[], m: number): Packed {
  const n = points.length;
  const data = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const p = points[i] as readonly number[];
    for (let j = 0; j < m; j++) data[i * m + j] = p[j] as number;
  }
  return { n, m, data };
}

/** Point i as a plain array (tests and error messages; not for inner loops). */
export function pointAt(points: Packed, i: number): number[] {
  return Array.from(points.data.subarray(i * points.m, (i + 1) * points.m));
}

import { createRng } from '../rng.js';

/** The benchmark point-set kinds, in the order the benchmarks print them. */
export const POINT_SET_KINDS = ['uniform', 'near-front'] as const;
/** A benchmark point-set kind; `concave` is the old name of `near-front` (the same points). */
export type PointSetKind = (typeof POINT_SET_KINDS)[number] | 'concave';

/**
 * Seeded benchmark point sets (minimisation), n points of m objectives, the same for the same seed:
 * - `uniform`: i.i.d. in [0,1)^m; few points are non-dominated (about 50 of 10^4 at m = 3).
 * - `near-front` (formerly `concave`): directions uniform on the unit sphere's positive orthant, radius
 *   in [1, 1.002): a thin shell just off a concave front, where nearly every point is non-dominated
 *   (the hard case for fronts, sorts and hypervolume). Every coordinate lies in [0, 1.002].
 * The benchmarks seed a set with 7n + m (bench:peers) or 1000m + n (npm run bench).
 */
export function pointSet(kind: PointSetKind, n: number, m: number, seed: number): number[][] {
  const rng = createRng(seed);
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (kind === 'uniform') {
      points.push(Array.from({ length: m }, () => rng.next()));
      continue;
    }
    const v = Array.from({ length: m }, () => Math.abs(Math.sqrt(-2 * Math.log(Math.max(rng.next(), 1e-12))) * Math.cos(2 * Math.PI * rng.next())));
    const norm = Math.hypot(...v) || 1;
    const radius = 1 + 0.002 * rng.next(); // a thin shell: a few points end up dominated
    points.push(v.map((x) => (radius * x) / norm));
  }
  return points;
}

/** The points as CSV: a header f1,...,fm, then one row per point (shortest round-trip decimals). */
export function toCsv(points: readonly (readonly number[])[]): string {
  const m = points[0]?.length ?? 0;
  return `${Array.from({ length: m }, (_, k) => `f${k + 1}`).join(',')}\n${points.map((p) => p.join(',')).join('\n')}\n`;
}

import { createRng } from '../rng.js';

export const POINT_SET_KINDS = ['uniform', 'concave'] as const;
export type PointSetKind = (typeof POINT_SET_KINDS)[number];

/**
 * Seeded benchmark point sets (minimisation): `uniform` in [0,1]^m (few points non-dominated), and
 * `concave`: points just off the unit sphere's positive orthant, where most are non-dominated.
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

export function toCsv(points: readonly (readonly number[])[]): string {
  const m = points[0]?.length ?? 0;
  return `${Array.from({ length: m }, (_, k) => `f${k + 1}`).join(',')}\n${points.map((p) => p.join(',')).join('\n')}\n`;
}

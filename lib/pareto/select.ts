import { InputError } from '../errors.js';
import type { Limit, Objective } from './objectives.js';
import { checkPoints, limitViolations, toMinimization, totalViolation } from './objectives.js';
import { paretoFront } from './sort.js';

/**
 * Knee of a front (minimisation): after normalising each objective to [0, 1] over the front, the
 * point farthest below the hyperplane through the extreme points (Das 1999; for two objectives,
 * the line through the two ends). When the extremes do not span a hyperplane, the point nearest
 * the ideal point. Returns an index into `points` (-1 for none).
 */
export function kneePoint(points: readonly (readonly number[])[]): number {
  const m = checkPoints(points);
  const front = paretoFront(points);
  if (front.length <= 2) return front[0] ?? -1;
  const lo = Array.from({ length: m }, (_, k) => Math.min(...front.map((i) => points[i]?.[k] as number)));
  const hi = Array.from({ length: m }, (_, k) => Math.max(...front.map((i) => points[i]?.[k] as number)));
  const norm = (i: number) => (points[i] as number[]).map((v, k) => ((hi[k] as number) > (lo[k] as number) ? (v - (lo[k] as number)) / ((hi[k] as number) - (lo[k] as number)) : 0));
  const normalized = front.map(norm);
  if (normalized.some((p) => p.some((v) => !Number.isFinite(v)))) throw new InputError('points', 'Infinity', 'finite values on the front for a knee');
  // The extreme point of each objective (its minimum), and the hyperplane w.x = 1 through them.
  const extremes = Array.from({ length: m }, (_, k) => normalized.reduce((best, p) => ((p[k] as number) < (best[k] as number) ? p : best)));
  const w = solve(extremes, new Array<number>(m).fill(1));
  const distances = normalized.map((p) =>
    w ? (1 - p.reduce((s, v, k) => s + v * (w[k] as number), 0)) / Math.hypot(...w) : -Math.hypot(...p),
  );
  let best = 0;
  distances.forEach((d, i) => (d > (distances[best] as number) ? (best = i) : 0));
  return front[best] as number;
}

/** Gaussian elimination with partial pivoting; undefined when singular. */
function solve(rows: number[][], rhs: number[]): number[] | undefined {
  const n = rhs.length;
  const a = rows.map((r, i) => [...r, rhs[i] as number]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]?.[c] as number) > Math.abs(a[pivot]?.[c] as number)) pivot = r;
    if (Math.abs(a[pivot]?.[c] as number) < 1e-12) return undefined;
    [a[c], a[pivot]] = [a[pivot] as number[], a[c] as number[]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = (a[r]?.[c] as number) / (a[c]?.[c] as number);
      for (let k = c; k <= n; k++) (a[r] as number[])[k] = (a[r]?.[k] as number) - f * (a[c]?.[k] as number);
    }
  }
  return a.map((r, i) => (r[n] as number) / (r[i] as number));
}

/**
 * "Best under a budget": among rows meeting every limit, the one best on one objective (e.g. the
 * highest accuracy with SRAM <= 320 KiB and MACs <= 100 M). Returns the row index, or -1.
 */
export function bestUnderBudget(rows: readonly Readonly<Record<string, number>>[], objective: Objective, limits: readonly Limit[]): number {
  let best = -1;
  let bestValue = Infinity;
  rows.forEach((row, i) => {
    const value = (name: string) => {
      const v = row[name];
      if (typeof v !== 'number' || Number.isNaN(v)) throw new InputError(`rows[${i}].${name}`, v, 'a number');
      return v;
    };
    if (totalViolation(limitViolations(limits, value)) > 0) return;
    const v = toMinimization([value(objective.name)], [objective])[0] as number;
    if (v < bestValue) {
      bestValue = v;
      best = i;
    }
  });
  return best;
}

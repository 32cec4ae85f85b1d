import { dominates } from './dominance.js';
import { rankSpace } from './nds/coords.js';
import { front2, front3, frontJfb, frontScan, ranks2, ranksPeeling } from './nds/fronts.js';
import { checkViolations } from './check.js';
import { checkPoints } from './objectives.js';

type Points = readonly (readonly number[])[];

/** The O(N^2) pairwise filter: the baseline the fast paths are measured against. */
export function paretoFrontNaive(points: Points): number[] {
  checkPoints(points);
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) dominated = j !== i && dominates(points[j] as number[], points[i] as number[]);
    if (!dominated) out.push(i);
  }
  return out;
}

/**
 * A point minimising the sum of the objectives is itself non-dominated, and on spread-out data it
 * dominates most others: dropping what it dominates first changes no front (dominance is
 * transitive) and leaves the exact algorithm little to sort.
 */
function prefilter(points: Points): number[] {
  const n = points.length;
  let pivot = -1;
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const v of points[i] as readonly number[]) sum += v;
    if (sum < best) {
      best = sum;
      pivot = i;
    }
  }
  if (pivot < 0 || !Number.isFinite(best)) return points.map((_, i) => i);
  const p = points[pivot] as readonly number[];
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (!dominates(p, points[i] as readonly number[])) kept.push(i);
  return kept;
}

/** The coordinates of `points[indices[k]]` (all points when indices is null), row-major. */
function packRows(points: Points, indices: readonly number[] | null, m: number): Float64Array {
  const n = indices ? indices.length : points.length;
  const data = new Float64Array(n * m);
  for (let k = 0; k < n; k++) {
    const p = points[indices ? (indices[k] as number) : k] as readonly number[];
    for (let j = 0; j < m; j++) data[k * m + j] = p[j] as number;
  }
  return data;
}

/** Above this many front rows the lexicographic scan gives way to the divide-and-conquer (m >= 4). */
const SCAN_LIMIT = 128;

/**
 * Indices of the non-dominated points (minimisation), ascending. Duplicates of a front point are all
 * kept. After the prefilter: m = 2 one sweep over the values in lexicographic order, O(N log N);
 * m >= 3 in rank space (lib/pareto/nds/coords.ts: dense integer ranks per objective, lexicographic
 * rows, copies merged): m = 3 Kung, Luccio & Preparata's sweep with a Fenwick staircase, O(N log N);
 * m >= 4 a lexicographic scan against the front found so far while it is small (<= 128 points), else
 * the divide-and-conquer sort of Jensen (2003) / Buzdalov & Shalyto (2014) in front-only mode, which
 * is Kung et al.'s maxima algorithm, O(N log^(m-2) N) (lib/pareto/nds/jfb.ts).
 * Errors: one InputError naming points, points[i] or points[i][j] (lib/pareto/check.ts): points must
 * be a plain array of plain arrays of numbers, all of one length >= 1; ±Infinity allowed, NaN, holes,
 * strings, bigints, null and typed-array points not.
 */
export function paretoFront(points: Points): number[] {
  const m = checkPoints(points);
  const n = points.length;
  if (n === 0) return [];
  if (m === 1) {
    let best = Infinity;
    for (const p of points) if ((p[0] as number) < best) best = p[0] as number;
    return points.flatMap((p, i) => (p[0] === best ? [i] : []));
  }
  // m = 2: the sweep's one sort costs less than the prefilter saves, even on uniform sets (measured).
  const candidates = n > 64 && m > 2 ? prefilter(points) : null;
  const count = candidates ? candidates.length : n;
  const data = packRows(points, candidates, m);
  const out: number[] = [];
  if (m === 2) {
    const on = front2(data, count);
    for (let k = 0; k < count; k++) if (on[k] === 1) out.push(candidates ? (candidates[k] as number) : k);
    return out;
  }
  const space = rankSpace(data, count, m);
  const on = m === 3 ? front3(space) : (frontScan(space, SCAN_LIMIT) ?? frontJfb(space));
  const row = space.row;
  for (let k = 0; k < count; k++) if (on[row[k] as number] === 1) out.push(candidates ? (candidates[k] as number) : k);
  return out;
}

/**
 * Non-dominated sorting into ranks (0 = the Pareto front); equal points share a rank. Two objectives:
 * a binary search over the fronts in one sweep, O(N log N). More, in rank space (see paretoFront):
 * fronts are peeled off while each holds at least half of what is left (near-front data), the rest
 * ranked by the divide-and-conquer of Jensen (2003) as generalised to ties by Fortin, Grenier &
 * Parizeau (2013) and made O(N log^(m-1) N) by Buzdalov & Shalyto (2014) (lib/pareto/nds/). Optional
 * violations rank every feasible point before any infeasible one and infeasible points by their total
 * violation (Deb's constrained domination).
 * Violations: one number per point, ±Infinity allowed (-Infinity is feasible, +Infinity ranks after
 * every finite violation), NaN, holes and non-numbers refused (lib/pareto/check.ts).
 * Errors: one InputError naming points, points[i] or points[i][j] (see paretoFront), violations or
 * violations[i].
 */
export function nondominatedRanks(points: Points, violations?: readonly number[]): number[] {
  const m = checkPoints(points);
  if (violations !== undefined) checkViolations(violations, points.length);
  const feasible = violations ? points.map((_, i) => i).filter((i) => (violations[i] as number) <= 0) : null;
  const ranks = new Array<number>(points.length).fill(0);
  const count = feasible ? feasible.length : points.length;
  let maxRank = -1;
  if (count > 0) {
    const data = packRows(points, feasible, m);
    let perPoint: Int32Array;
    if (m === 2) perPoint = ranks2(data, count);
    else {
      const space = rankSpace(data, count, m);
      const rowRank = m === 1 ? Int32Array.from({ length: space.u }, (_, r) => r) : ranksPeeling(space);
      perPoint = new Int32Array(count);
      for (let k = 0; k < count; k++) perPoint[k] = rowRank[space.row[k] as number] as number;
    }
    for (let k = 0; k < count; k++) {
      const r = perPoint[k] as number;
      ranks[feasible ? (feasible[k] as number) : k] = r;
      if (r > maxRank) maxRank = r;
    }
  }
  if (violations) {
    const infeasible = points.map((_, i) => i).filter((i) => !((violations[i] as number) <= 0));
    const levels = [...new Set(infeasible.map((i) => violations[i] as number))].sort((a, b) => a - b);
    const level = new Map(levels.map((v, k) => [v, k]));
    for (const i of infeasible) ranks[i] = maxRank + 1 + (level.get(violations[i] as number) as number);
  }
  return ranks;
}

/** Groups point indices by rank: fronts[0] is the Pareto front. */
export function nondominatedSort(points: Points, violations?: readonly number[]): number[][] {
  const ranks = nondominatedRanks(points, violations);
  const fronts: number[][] = [];
  ranks.forEach((r, i) => (fronts[r] ??= []).push(i));
  return fronts.map((f) => f ?? []);
}

/**
 * NSGA-II crowding distance of the points of one front (Deb, Pratap, Agarwal & Meyarivan 2002): per
 * objective, sorted by it, each inner point adds (next - previous) / (max - min); the two boundary
 * points of every objective get Infinity. An objective with no finite positive range (all equal, or an
 * infinite end) adds nothing to inner points; a range that overflows (e.g. -1e308..1e308) is computed
 * on halved values, so it still counts. Returns n numbers >= 0 in input order; n <= 2: all Infinity.
 * O(m N log N). Errors: as paretoFront (InputError naming points[i][j]).
 */
export function crowdingDistance(points: Points): number[] {
  const m = checkPoints(points);
  const n = points.length;
  const distance = new Array<number>(n).fill(0);
  if (n <= 2) return distance.fill(Infinity);
  const values = new Float64Array(n);
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < n; i++) values[i] = (points[i] as readonly number[])[k] as number;
    const order = points.map((_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number) || 0);
    const lo = values[order[0] as number] as number;
    const hi = values[order[n - 1] as number] as number;
    distance[order[0] as number] = Infinity;
    distance[order[n - 1] as number] = Infinity;
    if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) continue;
    // both ends finite: hi - lo overflows only past Number.MAX_VALUE; halving every value then is exact
    // for such magnitudes and keeps each gap / range ratio
    const half = Number.isFinite(hi - lo) ? 1 : 0.5;
    const range = hi * half - lo * half;
    for (let r = 1; r < n - 1; r++) {
      const i = order[r] as number;
      const gap = (values[order[r + 1] as number] as number) * half - (values[order[r - 1] as number] as number) * half;
      distance[i] = (distance[i] as number) + gap / range;
    }
  }
  return distance;
}

import { InputError } from '../errors.js';
import { dominates } from './dominance.js';
import { checkPoints } from './objectives.js';

type Points = readonly (readonly number[])[];

/** Indices sorted lexicographically by the objective vectors (ties keep input order). */
function lexicographicOrder(points: Points): number[] {
  const m = points[0]?.length ?? 0;
  const order = points.map((_, i) => i);
  order.sort((i, j) => {
    const a = points[i] as readonly number[];
    const b = points[j] as readonly number[];
    for (let k = 0; k < m; k++) {
      const d = (a[k] as number) - (b[k] as number);
      if (d !== 0 && !Number.isNaN(d)) return d;
      if (a[k] !== b[k]) return (a[k] as number) < (b[k] as number) ? -1 : 1; // ±Infinity pairs
    }
    return i - j;
  });
  return order;
}

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

/** Indices of the non-dominated points (minimisation), ascending. Duplicates of a front point are all kept. */
export function paretoFront(points: Points): number[] {
  const m = checkPoints(points);
  if (points.length === 0) return [];
  const order = lexicographicOrder(points);
  let front: number[];
  if (m === 1) {
    const best = points[order[0] as number]?.[0] as number;
    front = order.filter((i) => points[i]?.[0] === best);
  } else if (m === 2) {
    front = front2d(points, order);
  } else if (m === 3) {
    front = front3d(points, order);
  } else {
    front = [];
    // In lexicographic order no later point dominates an earlier one: the front only grows.
    for (const i of order) {
      const p = points[i] as readonly number[];
      let dominated = false;
      for (let k = front.length - 1; k >= 0 && !dominated; k--) dominated = dominates(points[front[k] as number] as number[], p);
      if (!dominated) front.push(i);
    }
  }
  return front.sort((a, b) => a - b);
}

function front2d(points: Points, order: number[]): number[] {
  const front: number[] = [];
  let bestY = Infinity;
  let bestX = Infinity; // x of the first point reaching bestY (the smallest such x)
  let seen = false;
  for (const i of order) {
    const [x, y] = points[i] as [number, number];
    const dominated = seen && (bestY < y || (bestY === y && bestX < x));
    if (!dominated) {
      front.push(i);
      if (!seen || y < bestY) {
        bestY = y;
        bestX = x;
      }
      seen = true;
    }
  }
  return front;
}

/**
 * Kung's sweep for three objectives: in lexicographic order, keep the (f2, f3) staircase of the
 * accepted points (f2 ascending, f3 strictly descending, each with the smallest f1 that reached it);
 * a point is dominated when the staircase step at or left of its f2 is at or below its f3.
 */
function front3d(points: Points, order: number[]): number[] {
  const ys: number[] = [];
  const zs: number[] = [];
  const xs: number[] = [];
  const front: number[] = [];
  // Rightmost staircase index with ys[k] <= y, or -1.
  const floor = (y: number): number => {
    let lo = 0;
    let hi = ys.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((ys[mid] as number) <= y) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  };
  for (const i of order) {
    const [x, y, z] = points[i] as [number, number, number];
    const k = floor(y);
    if (k >= 0 && (zs[k] as number) <= z) {
      const duplicate = ys[k] === y && zs[k] === z && xs[k] === x;
      if (!duplicate) continue;
      front.push(i);
      continue;
    }
    front.push(i);
    // Insert (y, z) and drop the steps it covers: those right of it with f3 >= z.
    let start = k + 1;
    if (k >= 0 && ys[k] === y) start = k; // same f2, larger f3: replaced
    let end = start;
    while (end < ys.length && (zs[end] as number) >= z) end++;
    ys.splice(start, end - start, y);
    zs.splice(start, end - start, z);
    xs.splice(start, end - start, x);
  }
  return front;
}

/**
 * Non-dominated sorting into ranks (0 = the Pareto front). Two objectives: O(N log N) with a
 * binary search over fronts; more: efficient non-dominated sort with binary search (ENS-BS,
 * Zhang et al. 2015). Optional violations rank every feasible point before any infeasible one and
 * infeasible points by their total violation (Deb's constrained domination).
 */
export function nondominatedRanks(points: Points, violations?: readonly number[]): number[] {
  const m = checkPoints(points);
  if (violations && violations.length !== points.length) throw new InputError('violations', violations.length, `one per point (${points.length})`);
  const feasible = violations ? points.map((_, i) => i).filter((i) => (violations[i] as number) <= 0) : points.map((_, i) => i);
  const ranks = new Array<number>(points.length).fill(0);
  const sub = feasible.map((i) => points[i] as readonly number[]);
  const subRanks = m === 2 ? ranks2d(sub) : ranksEns(sub);
  let maxRank = -1;
  feasible.forEach((i, k) => {
    ranks[i] = subRanks[k] as number;
    if ((subRanks[k] as number) > maxRank) maxRank = subRanks[k] as number;
  });
  if (violations) {
    const infeasible = points.map((_, i) => i).filter((i) => !((violations[i] as number) <= 0));
    const levels = [...new Set(infeasible.map((i) => violations[i] as number))].sort((a, b) => a - b);
    const level = new Map(levels.map((v, k) => [v, k]));
    for (const i of infeasible) ranks[i] = maxRank + 1 + (level.get(violations[i] as number) as number);
  }
  return ranks;
}

function ranks2d(points: Points): number[] {
  const order = lexicographicOrder(points);
  const ranks = new Array<number>(points.length).fill(0);
  const minY: number[] = []; // per front: smallest f2 so far ...
  const xAtMin: number[] = []; // ... and the smallest f1 that reached it
  const dominatedBy = (k: number, x: number, y: number) => (minY[k] as number) < y || ((minY[k] as number) === y && (xAtMin[k] as number) < x);
  for (const i of order) {
    const [x, y] = points[i] as [number, number];
    // First front that does not dominate the point (monotone in k).
    let lo = 0;
    let hi = minY.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dominatedBy(mid, x, y)) lo = mid + 1;
      else hi = mid;
    }
    ranks[i] = lo;
    if (lo === minY.length) {
      minY.push(y);
      xAtMin.push(x);
    } else if (y < (minY[lo] as number)) {
      minY[lo] = y;
      xAtMin[lo] = x;
    }
  }
  return ranks;
}

function ranksEns(points: Points): number[] {
  const order = lexicographicOrder(points);
  const ranks = new Array<number>(points.length).fill(0);
  const fronts: number[][] = [];
  const dominatedByFront = (k: number, p: readonly number[]): boolean => {
    const f = fronts[k] as number[];
    for (let j = f.length - 1; j >= 0; j--) if (dominates(points[f[j] as number] as number[], p)) return true;
    return false;
  };
  for (const i of order) {
    const p = points[i] as readonly number[];
    // First front with no point dominating p: monotone in the front index, so binary search.
    let lo = 0;
    let hi = fronts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dominatedByFront(mid, p)) lo = mid + 1;
      else hi = mid;
    }
    const rank = lo;
    if (rank === fronts.length) fronts.push([]);
    (fronts[rank] as number[]).push(i);
    ranks[i] = rank;
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

/** NSGA-II crowding distance of the points of one front (boundary points: Infinity). */
export function crowdingDistance(points: Points): number[] {
  const m = checkPoints(points);
  const n = points.length;
  const distance = new Array<number>(n).fill(0);
  if (n <= 2) return distance.fill(Infinity);
  for (let k = 0; k < m; k++) {
    const order = points.map((_, i) => i).sort((i, j) => (points[i]?.[k] as number) - (points[j]?.[k] as number));
    const lo = points[order[0] as number]?.[k] as number;
    const hi = points[order[n - 1] as number]?.[k] as number;
    distance[order[0] as number] = Infinity;
    distance[order[n - 1] as number] = Infinity;
    const range = hi - lo;
    if (!(range > 0) || !Number.isFinite(range)) continue;
    for (let r = 1; r < n - 1; r++) {
      const i = order[r] as number;
      distance[i] = (distance[i] as number) + ((points[order[r + 1] as number]?.[k] as number) - (points[order[r - 1] as number]?.[k] as number)) / range;
    }
  }
  return distance;
}


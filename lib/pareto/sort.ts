import { InputError } from '../errors.js';
import { dominates } from './dominance.js';
import { checkPoints } from './objectives.js';

type Points = readonly (readonly number[])[];

/** Indices sorted lexicographically by the objective vectors (ties keep input order). */
function lexicographicOrder(points: Points): number[] {
  const m = points[0]?.length ?? 0;
  const first = Float64Array.from(points, (p) => p[0] as number);
  const order = points.map((_, i) => i);
  order.sort((i, j) => {
    const a0 = first[i] as number;
    const b0 = first[j] as number;
    if (a0 !== b0) return a0 < b0 ? -1 : 1;
    const a = points[i] as readonly number[];
    const b = points[j] as readonly number[];
    for (let k = 1; k < m; k++) {
      if (a[k] !== b[k]) return (a[k] as number) < (b[k] as number) ? -1 : 1;
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

/** Indices of the non-dominated points (minimisation), ascending. Duplicates of a front point are all kept. */
export function paretoFront(points: Points): number[] {
  const m = checkPoints(points);
  if (points.length === 0) return [];
  const candidates = points.length > 64 ? prefilter(points) : points.map((_, i) => i);
  const subset = candidates.length === points.length ? points : candidates.map((i) => points[i] as readonly number[]);
  const order = lexicographicOrder(subset);
  let front: number[];
  if (m === 1) {
    const best = subset[order[0] as number]?.[0] as number;
    front = order.filter((i) => subset[i]?.[0] === best);
  } else if (m === 2) {
    front = front2d(subset, order);
  } else if (m === 3) {
    front = front3d(subset, order);
  } else {
    front = [];
    // In lexicographic order no later point dominates an earlier one: the front only grows.
    for (const i of order) {
      const p = subset[i] as readonly number[];
      let dominated = false;
      for (let k = front.length - 1; k >= 0 && !dominated; k--) dominated = dominates(subset[front[k] as number] as number[], p);
      if (!dominated) front.push(i);
    }
  }
  const indices = subset === points ? front : front.map((k) => candidates[k] as number);
  return indices.sort((a, b) => a - b);
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
 * The (f2, f3) staircase of a set of 3-objective points visited in lexicographic order: f2
 * ascending, f3 strictly descending, each step remembering the smallest f1 that reached it. It
 * answers "does a point of the set dominate p?" in O(log n) for any p visited after the set.
 */
class Staircase {
  private readonly ys: number[] = [];
  private readonly zs: number[] = [];
  private readonly xs: number[] = [];

  /** Rightmost step with f2 <= y, or -1. */
  private floor(y: number): number {
    let lo = 0;
    let hi = this.ys.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ys[mid] as number) <= y) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  /** 'dominated', 'duplicate' (an equal point is in the set) or 'free'. */
  test(x: number, y: number, z: number): 'dominated' | 'duplicate' | 'free' {
    const k = this.floor(y);
    if (k < 0 || (this.zs[k] as number) > z) return 'free';
    return this.ys[k] === y && this.zs[k] === z && this.xs[k] === x ? 'duplicate' : 'dominated';
  }

  /** Adds a point that tested 'free': it replaces the steps it covers. */
  add(x: number, y: number, z: number): void {
    const k = this.floor(y);
    let start = k + 1;
    if (k >= 0 && this.ys[k] === y) start = k; // same f2, larger f3: replaced
    let end = start;
    while (end < this.ys.length && (this.zs[end] as number) >= z) end++;
    this.ys.splice(start, end - start, y);
    this.zs.splice(start, end - start, z);
    this.xs.splice(start, end - start, x);
  }
}

/** Kung's sweep for three objectives: one staircase of the accepted points. */
function front3d(points: Points, order: number[]): number[] {
  const stairs = new Staircase();
  const front: number[] = [];
  for (const i of order) {
    const [x, y, z] = points[i] as [number, number, number];
    const t = stairs.test(x, y, z);
    if (t === 'dominated') continue;
    front.push(i);
    if (t === 'free') stairs.add(x, y, z);
  }
  return front;
}

/** Ranks for three objectives: ENS-BS with a staircase per front, so each test is O(log n). */
function ranks3d(points: Points): number[] {
  const order = lexicographicOrder(points);
  const ranks = new Array<number>(points.length).fill(0);
  const fronts: Staircase[] = [];
  for (const i of order) {
    const [x, y, z] = points[i] as [number, number, number];
    let lo = 0;
    let hi = fronts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((fronts[mid] as Staircase).test(x, y, z) === 'dominated') lo = mid + 1;
      else hi = mid;
    }
    if (lo === fronts.length) fronts.push(new Staircase());
    const stairs = fronts[lo] as Staircase;
    if (stairs.test(x, y, z) === 'free') stairs.add(x, y, z);
    ranks[i] = lo;
  }
  return ranks;
}

/**
 * Non-dominated sorting into ranks (0 = the Pareto front). Two objectives: O(N log N) with a
 * binary search over fronts; three: the same search with a staircase per front, O(N log^2 N);
 * more: efficient non-dominated sort with binary search (ENS-BS, Zhang et al. 2015). Optional violations rank every feasible point before any infeasible one and
 * infeasible points by their total violation (Deb's constrained domination).
 */
export function nondominatedRanks(points: Points, violations?: readonly number[]): number[] {
  const m = checkPoints(points);
  if (violations && violations.length !== points.length) throw new InputError('violations', violations.length, `one per point (${points.length})`);
  const feasible = violations ? points.map((_, i) => i).filter((i) => (violations[i] as number) <= 0) : points.map((_, i) => i);
  const ranks = new Array<number>(points.length).fill(0);
  const sub = feasible.map((i) => points[i] as readonly number[]);
  const subRanks = m === 2 ? ranks2d(sub) : m === 3 ? ranks3d(sub) : ranksEns(sub);
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


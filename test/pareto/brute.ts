/**
 * Independent references for the Pareto engine's tests (issue 18): exact brute-force hypervolume,
 * exclusive contributions, Pareto front and non-dominated ranks, and seeded point-set generators
 * with ties, copies, points on or beyond the reference point and infinite coordinates.
 *
 * Nothing here imports lib/pareto: every answer comes from the definitions (minimisation throughout;
 * the measured region is { x : p <= x < ref for some p } with p strictly below ref in every objective).
 * They are slow on purpose (simple enough to check by eye) — keep n small:
 * - bruteHv, bruteContributions: the grid-cell method, O(N^m) cells x O(N m) per cell.
 * - bruteFront, bruteRanks: pairwise dominance, O(N^2 m) per front peeled.
 */
import type { Rng } from '../../lib/rng.js';

export type P = number[];

/** Sum of non-negative terms with Neumaier's compensation (the grid can hold ~10^5 cells). */
class Sum {
  private s = 0;
  private c = 0;
  private inf = false;
  add(x: number): void {
    if (x === Infinity) this.inf = true;
    if (this.inf) return;
    const t = this.s + x;
    if (Math.abs(this.s) >= Math.abs(x)) this.c += this.s - t + x;
    else this.c += x - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.inf ? Infinity : this.s + this.c;
  }
}

/** Every cell of the grid cut at the points' coordinates below ref and at ref: lower and upper corners. */
function* gridCells(points: readonly (readonly number[])[], ref: readonly number[]): Generator<{ lo: number[]; vol: number }> {
  const m = ref.length;
  const axes = ref.map((r, j) => [...new Set(points.map((p) => p[j]!).filter((v) => v < r)), r].sort((a, b) => a - b));
  if (axes.some((a) => a.length < 2)) return;
  const idx = new Array<number>(m).fill(0);
  for (;;) {
    const lo = idx.map((t, j) => axes[j]![t]!);
    let vol = 1;
    for (let j = 0; j < m; j++) vol *= axes[j]![idx[j]! + 1]! - lo[j]!;
    yield { lo, vol };
    let j = 0;
    while (j < m) {
      idx[j]!++;
      if (idx[j]! < axes[j]!.length - 1) break;
      idx[j] = 0;
      j++;
    }
    if (j === m) return;
  }
}

/** p weakly dominates the corner c (p <= c everywhere) and lies strictly below ref (so it counts). */
function covers(p: readonly number[], c: readonly number[], ref: readonly number[]): boolean {
  return p.every((v, j) => v <= c[j]! && v < ref[j]!);
}

/**
 * Exact hypervolume by the grid-cell method: split every axis at each point coordinate below the
 * reference and at the reference; a cell [lo, hi) is dominated iff its lower corner is weakly dominated
 * by some point strictly below ref; sum the dominated cells' volumes (compensated). Points on or beyond
 * ref in any objective count for nothing; a counted point with -Infinity gives Infinity; +Infinity is
 * never below ref. Shape: points N x m, ref length m >= 1. O(N^m) cells, each O(N m).
 */
export function bruteHv(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const total = new Sum();
  for (const { lo, vol } of gridCells(points, ref)) if (points.some((p) => covers(p, lo, ref))) total.add(vol);
  return total.value;
}

/**
 * Each point's exclusive hypervolume, summed directly over the cells that point i covers and no other
 * point covers (so no cancellation): 0 for a point on or beyond ref, for a point weakly dominated by
 * another, and for every copy of a repeated point. Input order. A covered cell of infinite volume gives
 * Infinity. O(N^m) cells, each O(N m).
 */
export function bruteContributions(points: readonly (readonly number[])[], ref: readonly number[]): number[] {
  const sums = points.map(() => new Sum());
  for (const { lo, vol } of gridCells(points, ref)) {
    let owner = -1;
    for (let i = 0; i < points.length; i++) {
      if (!covers(points[i]!, lo, ref)) continue;
      if (owner >= 0) {
        owner = -2;
        break;
      }
      owner = i;
    }
    if (owner >= 0) sums[owner]!.add(vol);
  }
  return sums.map((s) => s.value);
}

/** HV(S) - HV(S without point i) by two brute-force volumes (the definition, with its cancellation). */
export function bruteContributionsByDifference(points: readonly (readonly number[])[], ref: readonly number[]): number[] {
  const all = bruteHv(points, ref);
  return points.map((_, i) => all - bruteHv(points.filter((_, j) => j !== i), ref));
}

/** a is no worse everywhere and strictly better somewhere (minimisation). */
export function bruteDominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let j = 0; j < a.length; j++) {
    if (a[j]! > b[j]!) return false;
    if (a[j]! < b[j]!) better = true;
  }
  return better;
}

/** Indices (ascending) of the points no other point dominates; copies of a front point are all kept. O(N^2 m). */
export function bruteFront(points: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  points.forEach((p, i) => {
    if (!points.some((q, k) => k !== i && bruteDominates(q, p))) out.push(i);
  });
  return out;
}

/** Non-dominated ranks by peeling: rank 0 is the front of all points, rank r the front of what ranks < r leave. */
export function bruteRanks(points: readonly (readonly number[])[]): number[] {
  const ranks = new Array<number>(points.length).fill(-1);
  let left = points.map((_, i) => i);
  for (let r = 0; left.length > 0; r++) {
    const sub = left.map((i) => points[i]!);
    const front = new Set(bruteFront(sub));
    for (const k of front) ranks[left[k]!] = r;
    left = left.filter((_, k) => !front.has(k));
  }
  return ranks;
}

// ---------------------------------------------------------------------------------------------------
// Seeded sets

/**
 * 'grid': integers in [0, g), g in 2..6 (many ties and copies); 'real': uniform reals scaled per axis by
 * 10^-3..10^3; 'front': mutually non-dominated reals (on the simplex, scaled per axis); 'steps': a grid
 * front (integer coordinates summing to a constant: non-dominated with ties in every objective).
 */
export type SetKind = 'grid' | 'real' | 'front' | 'steps';
export const SET_KINDS: readonly SetKind[] = ['grid', 'real', 'front', 'steps'];

export interface SetOptions {
  /** Objectives, >= 1. */
  m: number;
  /** Points drawn before the extras (copies, dominated points, points beyond ref) are added. */
  n: number;
  kind: SetKind;
  /** Add copies of drawn points and dominated (or equal) variants: default true. */
  extras?: boolean;
  /** Move some points onto or beyond the reference in one objective: default true. */
  beyond?: boolean;
  /** Replace some coordinates by +Infinity ('pos') or by ±Infinity ('both'): default 'none'. */
  infinities?: 'none' | 'pos' | 'both';
}

/** A seeded set and a reference point that each of its points may or may not strictly dominate. */
export interface SeededSet {
  points: P[];
  ref: P;
  kind: SetKind;
}

/** The points strictly below ref in every objective (the kernels' precondition, what a tracker keeps). */
export function insideRef(points: readonly P[], ref: readonly number[]): P[] {
  return points.filter((p) => p.every((v, j) => v < ref[j]!));
}

export function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * One seeded set (see SetKind): `n` drawn points, then (unless turned off) up to n/3 + 1 copies and
 * dominated-or-equal variants of drawn points, some points put on the reference (equal) or beyond it in
 * one objective, and, on request, infinite coordinates. The reference sits near the top of the range
 * (grid: g, or g - 1 so that the top row of the grid lies on it; reals: 0.85..1.15 x the axis scale), so it also
 * clips some drawn points. Shuffled.
 */
export function seededSet(rng: Rng, options: SetOptions): SeededSet {
  const { m, n, kind } = options;
  const g = 2 + rng.int(5);
  const integer = kind === 'grid' || kind === 'steps';
  const scale = Array.from({ length: m }, () => (integer ? 1 : 10 ** (rng.int(7) - 3)));
  const stepSum = rng.int((g - 1) * m + 1);
  const draw = (): P => {
    if (kind === 'grid') return Array.from({ length: m }, () => rng.int(g));
    if (kind === 'real') return scale.map((f) => rng.next() * f);
    if (kind === 'steps') {
      // stepSum unit steps, each on a random objective still below g - 1: integers in [0, g) summing to stepSum
      const p = new Array<number>(m).fill(0);
      for (let t = 0; t < stepSum; t++) {
        let j = rng.int(m);
        while (p[j]! >= g - 1) j = (j + 1) % m;
        p[j]!++;
      }
      return p;
    }
    const w = Array.from({ length: m }, () => rng.next() + 1e-6);
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((v, j) => (v / sum) * scale[j]!);
  };
  // integer sets: the top grid row lies on the reference in 1 of max(2, m) sets (more would clip most points at m = 6)
  const top = rng.int(Math.max(2, m)) === 0 ? 1 : 0;
  const ref = Array.from({ length: m }, (_, j) => (integer ? g - top : scale[j]! * (0.85 + 0.3 * rng.next())));
  const points: P[] = [];
  for (let i = 0; i < n; i++) points.push(draw());
  if (options.extras !== false && points.length > 0) {
    const extras = rng.int(Math.floor(n / 3) + 2);
    for (let e = 0; e < extras; e++) {
      const p = rng.pick(points);
      if (rng.int(2) === 0) points.push(p.slice());
      else points.push(p.map((v, j) => v + (integer ? rng.int(2) : rng.int(3) === 0 ? 0 : rng.next() * 0.3 * scale[j]!)));
    }
  }
  if (options.beyond !== false) {
    for (const p of points) {
      if (rng.int(6) !== 0) continue;
      const j = rng.int(m);
      p[j] = rng.int(2) === 0 ? ref[j]! : ref[j]! + (integer ? 1 + rng.int(2) : rng.next() * scale[j]!);
    }
  }
  const inf = options.infinities ?? 'none';
  if (inf !== 'none') {
    for (const p of points) {
      if (rng.int(5) !== 0) continue;
      p[rng.int(m)] = inf === 'both' && rng.int(2) === 0 ? -Infinity : Infinity;
    }
  }
  return { points: shuffle(points, rng), ref, kind };
}

/** |got - want| <= tol * max(|want|, scale), and equal infinities; NaN never agrees. */
export function closeRel(got: number, want: number, tol: number, scale = 0): boolean {
  if (!Number.isFinite(want) || !Number.isFinite(got)) return got === want;
  return Math.abs(got - want) <= tol * Math.max(Math.abs(want), scale);
}

/**
 * Numeric edge cases of a seeded set (reference moved with it): 'negative' shifts every axis by a
 * negative integer (points and reference below 0), 'negzero' writes some zeros as -0, 'ulp' moves some
 * coordinates up by one ulp (near-ties that are not ties), 'tiny' and 'huge' scale by 1e-40 and 1e40
 * (no overflow up to m = 6).
 */
export type NumericEdge = 'negative' | 'negzero' | 'ulp' | 'tiny' | 'huge';
export const NUMERIC_EDGES: readonly NumericEdge[] = ['negative', 'negzero', 'ulp', 'tiny', 'huge'];

export function numericEdge(rng: Rng, set: SeededSet, edge: NumericEdge): SeededSet {
  const { points, ref } = set;
  const move = (f: (v: number, j: number) => number): SeededSet => ({
    kind: set.kind,
    points: points.map((p) => p.map(f)),
    ref: ref.map(f),
  });
  if (edge === 'negative') {
    const shift = ref.map(() => -(1 + rng.int(100)));
    return move((v, j) => v + shift[j]!);
  }
  if (edge === 'tiny' || edge === 'huge') {
    const f = edge === 'tiny' ? 1e-40 : 1e40;
    return move((v) => v * f);
  }
  const bump = (v: number): number => (v === 0 ? Number.MIN_VALUE : v * (1 + Number.EPSILON));
  return {
    kind: set.kind,
    ref: ref.slice(),
    points: points.map((p) =>
      p.map((v) => (edge === 'negzero' ? (v === 0 && rng.int(2) === 0 ? -0 : v) : rng.int(3) === 0 ? bump(v) : v)),
    ),
  };
}

/**
 * Degenerate sets of a few hundred points, reference 10 on every axis: one point copied 1,000 times, points
 * on a line (one objective varies), a chain (every point dominates the next), values in {0, 5} only, and
 * a two-level antichain (one objective 1, one 5, the rest 3). Few distinct coordinates: the grid-cell
 * brute force stays cheap.
 */
export function degenerateSets(rng: Rng, m: number): (SeededSet & { name: string })[] {
  const ref = new Array<number>(m).fill(10);
  const make = (name: string, n: number, draw: (i: number) => P) => ({ name, kind: 'grid' as const, ref: ref.slice(), points: Array.from({ length: n }, (_, i) => draw(i)) });
  return [
    make('copies', 1000, () => new Array<number>(m).fill(1)),
    make('line', 300, (i) => [i % 9, ...new Array<number>(m - 1).fill(2)]),
    make('chain', 300, (i) => new Array<number>(m).fill(i % 5)),
    make('two-valued', 500, () => Array.from({ length: m }, () => rng.int(2) * 5)),
    make('two-level antichain', 200, () => {
      const p = new Array<number>(m).fill(3);
      p[rng.int(m)] = 1;
      p[rng.int(m)] = 5;
      return p;
    }),
  ];
}

/**
 * Issue 18's "done when" for the hypervolume: the public `hypervolume` and `hypervolumeContributions`
 * agree to 1e-12 relative with
 * - the grid-cell brute force (test/pareto/brute.ts) on thousands of seeded small sets, m = 1..6, with
 *   ties, copies, dominated points, points on or beyond the reference point and ±Infinity;
 * - DEAP 1.3's C hypervolume (a second implementation: Fonseca, Paquete and López-Ibáñez's dimension
 *   sweep) on sets of 10^2..10^3 points, m = 2..5, and its leave-one-out differences for contributions.
 *
 * Contributions are compared with tolerance 1e-12 x max(|contribution|, HV(S)): a kernel obtains a
 * small contribution from volumes of the size of the whole set (box minus overlap, or HV(S) - HV(S \ p)),
 * so its rounding error scales with HV(S), not with the contribution.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hypervolume, hypervolumeContributions } from '../../lib/pareto/hypervolume.js';
import { createRng } from '../../lib/rng.js';
import {
  bruteContributions,
  bruteContributionsByDifference,
  bruteHv,
  closeRel,
  degenerateSets,
  NUMERIC_EDGES,
  numericEdge,
  seededSet,
  SET_KINDS,
  type SeededSet,
} from './brute.js';
import { expectNoFailures, hvAgainstBrute, infinitiesFor, TOL } from './check.js';
import { deapAnswers, HAVE_DEAP, NO_DEAP_REASON, type DeapAnswers } from './deap.js';


/** A short description of a failing case (the first few are shown when a check fails). */
const show = (what: string, s: { points: number[][]; ref: number[] }, want: unknown, got: unknown): string =>
  `${what}: points ${JSON.stringify(s.points)} ref ${JSON.stringify(s.ref)} want ${JSON.stringify(want)} got ${JSON.stringify(got)}`;

describe('the brute force itself, against hand-worked values', () => {
  it('unit cubes and boxes: the origin with ref 1 has volume 1 for m = 1..6; a 2 x 3 x 4 x 5 box 120', () => {
    for (let m = 1; m <= 6; m++) expect(bruteHv([new Array<number>(m).fill(0)], new Array<number>(m).fill(1))).toBe(1);
    expect(bruteHv([[0, 0, 0, 0]], [2, 3, 4, 5])).toBe(120);
    expect(bruteContributions([[0, 0, 0, 0]], [2, 3, 4, 5])).toEqual([120]);
  });
  it('two overlapping boxes: (0,1),(1,0) ref (2,2) is 2 + 2 - 1 = 3, each owns 1', () => {
    expect(bruteHv([[0, 1], [1, 0]], [2, 2])).toBe(3);
    expect(bruteContributions([[0, 1], [1, 0]], [2, 2])).toEqual([1, 1]);
  });
  it('3-D: two boxes, the unit vectors and a staircase, worked by inclusion-exclusion', () => {
    // (0,1,1) box 2x1x1 = 2, (1,0,0) box 1x2x2 = 4, overlap [1,2)x[1,2)x[1,2) = 1: union 5; owned 1 and 3
    expect(bruteHv([[0, 1, 1], [1, 0, 0]], [2, 2, 2])).toBe(5);
    expect(bruteContributions([[0, 1, 1], [1, 0, 0]], [2, 2, 2])).toEqual([1, 3]);
    // unit vectors with ref 2: [0,2)^3 minus [0,1)^3 = 7; staircase (0,2,2),(1,1,1),(2,0,0) ref 3: 20 - 7 + 1 = 14
    expect(bruteHv([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [2, 2, 2])).toBe(7);
    expect(bruteHv([[0, 2, 2], [1, 1, 1], [2, 0, 0]], [3, 3, 3])).toBe(14);
  });
  it('points on or beyond the reference count for nothing; copies own nothing; a dominated point owns nothing', () => {
    expect(bruteHv([[1, 0], [0, 3], [Infinity, 0]], [1, 2])).toBe(0);
    expect(bruteHv([[0.5, 0], [0, 2]], [1, 2])).toBe(1);
    expect(bruteContributions([[0, 1], [0, 1], [1, 0], [1, 1]], [2, 2])).toEqual([0, 0, 1, 0]);
    expect(bruteContributions([[3], [1], [2]], [5])).toEqual([0, 1, 0]);
  });
  it('-Infinity: infinite volume; an undominated point with -Infinity owns an infinite region', () => {
    expect(bruteHv([[-Infinity, 0.5]], [1, 1])).toBe(Infinity);
    expect(bruteContributions([[-Infinity, 0.5], [0, 0]], [1, 1])).toEqual([Infinity, 0.5]);
    expect(bruteContributions([[-Infinity, 0], [-Infinity, 0.5]], [1, 1])).toEqual([Infinity, 0]);
  });
  it('direct exclusive contributions equal HV(S) - HV(S without p) on 600 seeded sets', () => {
    const rng = createRng(180);
    const bad: string[] = [];
    for (let s = 0; s < 600; s++) {
      const m = 1 + (s % 4);
      const set = seededSet(rng, { m, n: rng.int(8), kind: SET_KINDS[s % 4]! });
      const total = bruteHv(set.points, set.ref);
      const a = bruteContributions(set.points, set.ref);
      const b = bruteContributionsByDifference(set.points, set.ref);
      if (a.some((v, i) => !closeRel(v, b[i]!, 1e-13, total))) bad.push(show('direct vs difference', set, b, a));
    }
    expect(bad.slice(0, 3)).toEqual([]);
  });
  it('the comparison can fail: 1e-11 relative off is rejected, infinities must match', () => {
    expect(closeRel(1 + 1e-11, 1, TOL)).toBe(false);
    expect(closeRel(1 + 1e-13, 1, TOL)).toBe(true);
    expect(closeRel(Infinity, 1, TOL)).toBe(false);
    expect(closeRel(NaN, NaN, TOL)).toBe(false);
  });
});

/** m: [sets, largest n drawn]; the grid-cell method is O(n^m) cells, so n shrinks as m grows. */
const BRUTE_PLAN: [m: number, sets: number, maxN: number][] = [
  [1, 400, 12],
  [2, 1200, 12],
  [3, 1000, 9],
  [4, 700, 7],
  [5, 600, 6],
  [6, 500, 5],
];

describe('hypervolume and contributions against the brute force, m = 1..6', () => {
  for (const [m, sets, maxN] of BRUTE_PLAN) {
    it(`m = ${m}: ${sets} seeded sets (grid, real, front, steps; copies, beyond ref, ±Infinity), 1e-12 relative`, () => {
      const rng = createRng(18_000 + m);
      const bad: string[] = [];
      for (let s = 0; s < sets; s++) {
        const set = seededSet(rng, { m, n: s % 40 === 0 ? 0 : 1 + rng.int(maxN), kind: SET_KINDS[s % SET_KINDS.length]!, infinities: infinitiesFor(s) });
        bad.push(...hvAgainstBrute(set, `set ${s}`));
      }
      expectNoFailures(bad, `of ${sets} checks`);
    });
  }
});

describe('numeric edges against the brute force: negative coordinates, -0, one-ulp near-ties, scales 1e-40 and 1e40', () => {
  it('1,500 seeded sets, m = 1..6, hypervolume and contributions to 1e-12 relative', () => {
    const rng = createRng(18_700);
    const bad: string[] = [];
    for (let s = 0; s < 1500; s++) {
      const m = 1 + (s % 6);
      const maxN = [12, 12, 9, 7, 6, 5][m - 1]!;
      const edge = NUMERIC_EDGES[s % NUMERIC_EDGES.length]!;
      const set = numericEdge(rng, seededSet(rng, { m, n: 1 + rng.int(maxN), kind: SET_KINDS[rng.int(4)]! }), edge);
      bad.push(...hvAgainstBrute(set, `set ${s}, ${edge}`));
    }
    expectNoFailures(bad);
  });
});

describe('degenerate sets against the brute force (copies, a line, a chain, two values, a two-level antichain)', () => {
  it('m = 1..6, five structures each: hypervolume and contributions to 1e-12 relative', () => {
    const rng = createRng(18_900);
    const bad: string[] = [];
    for (let m = 1; m <= 6; m++) {
      for (const set of degenerateSets(rng, m)) {
        bad.push(...hvAgainstBrute(set, `${set.name}, m = ${m}`));
      }
    }
    expectNoFailures(bad);
  });
});

describe('many points on small integer grids against the brute force (at most g^m cells, whatever n)', () => {
  // Kernels may switch algorithm with n (small-front fast paths); these sets reach past those sizes with
  // heavy ties and copies while the grid-cell method stays exact and cheap.
  const plan: [m: number, sets: number, maxN: number][] = [
    [2, 150, 400],
    [3, 150, 300],
    [4, 120, 200],
    [5, 60, 100],
    [6, 30, 40],
  ];
  for (const [m, sets, maxN] of plan) {
    it(`m = ${m}: ${sets} grid and grid-front sets of up to ${maxN} drawn points, 1e-12 relative`, () => {
      const rng = createRng(18_300 + m);
      const bad: string[] = [];
      for (let s = 0; s < sets; s++) {
        const set = seededSet(rng, { m, n: 20 + rng.int(maxN - 19), kind: s % 2 === 0 ? 'grid' : 'steps' });
        bad.push(...hvAgainstBrute(set, `set ${s}`));
      }
      expectNoFailures(bad);
    });
  }
});

/** Larger sets for DEAP: m = 2..5, n = 10^2..10^3 (near-front m = 5 stays at <= 300 points: DEAP needs ~1 s per 10^3), plus a few of 3,000..10^4. */
function deapSets(): { hv: SeededSet[]; hvc: SeededSet[] } {
  const rng = createRng(18_500);
  const hv: SeededSet[] = [];
  const hvc: SeededSet[] = [];
  for (const m of [2, 3, 4, 5]) {
    for (const n of [100, 300, 1000]) {
      for (const kind of SET_KINDS) {
        if (m === 5 && n === 1000 && (kind === 'front' || kind === 'steps')) continue;
        const copies = m <= 3 ? 3 : n === 1000 ? 1 : 2;
        for (let c = 0; c < copies; c++) hv.push(seededSet(rng, { m, n, kind }));
      }
    }
    for (const n of [40, 120]) for (const kind of SET_KINDS) hvc.push(seededSet(rng, { m, n, kind }));
  }
  // a few large sets (the kernels' asymptotic paths): 10^4 points in 2-D and 3-D, 3,000 in 4-D
  for (const [m, n] of [[2, 10_000], [3, 10_000], [4, 3000]] as const) {
    for (const kind of ['real', 'front'] as const) hv.push(seededSet(rng, { m, n, kind }));
  }
  // contributions of larger near-fronts (DEAP: one hypervolume per point)
  for (const [m, n] of [[3, 600], [4, 300]] as const) hvc.push(seededSet(rng, { m, n, kind: 'front' }));
  return { hv, hvc };
}

describe.skipIf(!HAVE_DEAP)(`against DEAP's C hypervolume, 10^2..10^4 points, m = 2..5${HAVE_DEAP ? '' : ` (${NO_DEAP_REASON})`}`, () => {
  const sets = deapSets();
  let deap: DeapAnswers;
  beforeAll(() => {
    deap = deapAnswers({ hv: sets.hv, hvc: sets.hvc });
  }, 120_000);

  it(`hypervolume: ${sets.hv.length} sets (uniform, near-front, integer grid and grid fronts with copies and points beyond ref)`, () => {
    expect(deap.hv.length).toBe(sets.hv.length);
    const bad: string[] = [];
    sets.hv.forEach((set, k) => {
      const got = hypervolume(set.points, set.ref);
      const want = deap.hv[k]!;
      if (!closeRel(got, want, TOL)) {
        bad.push(`set ${k} (${set.kind}, m = ${set.ref.length}, n = ${set.points.length}): DEAP ${want}, ours ${got}, relative ${Math.abs(got - want) / want}`);
      }
    });
    // hypervolume is not trivially 0: most sets keep points inside the reference
    expect(deap.hv.filter((v) => v > 0).length).toBeGreaterThan(sets.hv.length * 0.9);
    expect(bad).toEqual([]);
  });

  it(`contributions: ${sets.hvc.length} sets of 40 to 600 points against DEAP's leave-one-out differences`, () => {
    const bad: string[] = [];
    sets.hvc.forEach((set, k) => {
      const got = hypervolumeContributions(set.points, set.ref);
      const want = deap.hvc[k]!;
      const total = hypervolume(set.points, set.ref);
      const off = got.findIndex((g, i) => !closeRel(g, want[i]!, TOL, total));
      if (got.length !== want.length || off >= 0) {
        bad.push(`set ${k} (${set.kind}, m = ${set.ref.length}): point ${off} ${JSON.stringify(set.points[off])} DEAP ${want[off]}, ours ${got[off]}`);
      }
    });
    expect(bad).toEqual([]);
  });
});

/**
 * Issue 18's "done when" for fronts and ranks: the public `paretoFront`, `nondominatedRanks` and
 * `nondominatedSort` (lib/pareto/sort.ts) equal
 * - the pairwise brute force (test/pareto/brute.ts: front by pairwise dominance, ranks by peeling fronts)
 *   on thousands of seeded sets, m = 1..6, n up to a few hundred (past the > 64-point prefilter and any
 *   size threshold of the m >= 4 divide-and-conquer sort), with ties, copies and ±Infinity;
 * - DEAP 1.3's sortLogNondominated (Fortin, Grenier and Parizeau 2013: a second divide-and-conquer
 *   implementation) on sets of 10^2..10^3 points, m = 2..6, uniform, near-front and integer grids.
 * Fronts and ranks are exact (integers), so equality, not a tolerance.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nondominatedRanks, nondominatedSort, paretoFront } from '../../lib/pareto/sort.js';
import { createRng } from '../../lib/rng.js';
import { bruteDominates, bruteFront, bruteRanks, degenerateSets, NUMERIC_EDGES, numericEdge, seededSet, SET_KINDS, type SeededSet } from './brute.js';
import { expectNoFailures, infinitiesFor } from './check.js';
import { deapAnswers, HAVE_DEAP, NO_DEAP_REASON, type DeapAnswers } from './deap.js';

const show = (what: string, points: number[][], want: unknown, got: unknown): string =>
  `${what}: points [${points.map((p) => `[${p.map(String).join(',')}]`).join(',')}] want ${JSON.stringify(want)} got ${JSON.stringify(got)}`;

/** Deb's constrained ranks by their definition: feasible points (violation <= 0) peeled among themselves, then one rank per distinct violation, smallest first. */
function bruteConstrainedRanks(points: number[][], violations: number[]): number[] {
  const feasible = points.map((_, i) => i).filter((i) => violations[i]! <= 0);
  const ranks = new Array<number>(points.length).fill(-1);
  const sub = bruteRanks(feasible.map((i) => points[i]!));
  feasible.forEach((i, k) => (ranks[i] = sub[k]!));
  const next = sub.length === 0 ? 0 : Math.max(...sub) + 1;
  const levels = [...new Set(violations.filter((v) => v > 0))].sort((a, b) => a - b);
  points.forEach((_, i) => {
    if (violations[i]! > 0) ranks[i] = next + levels.indexOf(violations[i]!);
  });
  return ranks;
}

describe('the brute force itself, against hand-worked values', () => {
  it('dominance: better somewhere and no worse anywhere; equal points do not dominate each other', () => {
    expect(bruteDominates([1, 2], [2, 2])).toBe(true);
    expect(bruteDominates([1, 2], [1, 2])).toBe(false);
    expect(bruteDominates([1, 3], [2, 2])).toBe(false);
    expect(bruteDominates([-Infinity, 5], [0, 5])).toBe(true);
    expect(bruteDominates([Infinity, 0], [Infinity, 1])).toBe(true);
  });
  it('front and ranks of a worked 2-D set: (1,2),(2,1) and the copy of (1,2) rank 0, (2,2) rank 1, (3,3) rank 2', () => {
    const pts = [[1, 2], [2, 1], [2, 2], [1, 2], [3, 3]];
    expect(bruteFront(pts)).toEqual([0, 1, 3]);
    expect(bruteRanks(pts)).toEqual([0, 0, 1, 0, 2]);
  });
  it('a chain in 4-D ranks 0, 1, 2, ...; mutually non-dominated unit vectors all rank 0; 1-D ranks equal values together', () => {
    expect(bruteRanks([[3, 3, 3, 3], [1, 1, 1, 1], [2, 2, 2, 2]])).toEqual([2, 0, 1]);
    expect(bruteRanks([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])).toEqual([0, 0, 0, 0]);
    expect(bruteRanks([[2], [1], [2], [3]])).toEqual([1, 0, 1, 2]);
  });
  it('constrained: feasible points first, then one rank per distinct violation', () => {
    expect(bruteConstrainedRanks([[1, 2], [2, 1], [0, 0], [0, 0], [5, 5]], [0, 0, 2, 1, 2])).toEqual([0, 0, 2, 1, 2]);
    expect(bruteConstrainedRanks([[0, 0]], [3])).toEqual([0]);
  });
});

/**
 * m: [sets, largest n drawn]. Sorting brute force is O(n^2 m) per front, so sets may pass the 64-point
 * prefilter and, for m >= 4, the 128-point front past which paretoFront leaves its scan for the
 * divide-and-conquer (near-front kinds 'front' and 'steps').
 */
const BRUTE_PLAN: [m: number, sets: number, maxN: number][] = [
  [1, 400, 100],
  [2, 1000, 150],
  [3, 1000, 150],
  [4, 600, 300],
  [5, 500, 300],
  [6, 400, 300],
];

describe('fronts and ranks against the brute force, m = 1..6', () => {
  for (const [m, sets, maxN] of BRUTE_PLAN) {
    it(`m = ${m}: ${sets} seeded sets (grid, real, front, steps; copies, ±Infinity; half of them small, n <= 12)`, () => {
      const rng = createRng(18_100 + m);
      const bad: string[] = [];
      for (let s = 0; s < sets; s++) {
        const infinities = infinitiesFor(s);
        const n = rng.int(2) === 0 ? rng.int(13) : 13 + rng.int(maxN - 12);
        const { points } = seededSet(rng, { m, n, kind: SET_KINDS[s % SET_KINDS.length]!, infinities, beyond: false });
        const front = bruteFront(points);
        const ranks = bruteRanks(points);
        const gotFront = paretoFront(points);
        if (JSON.stringify(gotFront) !== JSON.stringify(front)) bad.push(show('paretoFront', points, front, gotFront));
        const gotRanks = nondominatedRanks(points);
        if (JSON.stringify(gotRanks) !== JSON.stringify(ranks)) bad.push(show('nondominatedRanks', points, ranks, gotRanks));
        const fronts: number[][] = [];
        ranks.forEach((r, i) => (fronts[r] ??= []).push(i));
        const gotSort = nondominatedSort(points);
        if (JSON.stringify(gotSort) !== JSON.stringify(fronts)) bad.push(show('nondominatedSort', points, fronts, gotSort));
      }
      expectNoFailures(bad);
    });
  }

  it('numeric edges: negative coordinates, -0 next to 0, one-ulp near-ties, scales 1e-40 and 1e40 (1,500 sets, m = 2..6)', () => {
    const rng = createRng(18_800);
    const bad: string[] = [];
    for (let s = 0; s < 1500; s++) {
      const m = 2 + (s % 5);
      const edge = NUMERIC_EDGES[s % NUMERIC_EDGES.length]!;
      const n = rng.int(2) === 0 ? rng.int(13) : 13 + rng.int(200);
      const { points } = numericEdge(rng, seededSet(rng, { m, n, kind: SET_KINDS[rng.int(4)]!, beyond: false }), edge);
      const want = bruteRanks(points);
      const got = nondominatedRanks(points);
      if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(show(`${edge} ranks`, points, want, got));
      const front = bruteFront(points);
      const gotFront = paretoFront(points);
      if (JSON.stringify(gotFront) !== JSON.stringify(front)) bad.push(show(`${edge} front`, points, front, gotFront));
    }
    expectNoFailures(bad);
  });

  it('degenerate sets, m = 1..6: copies, a line, a chain, two values, a two-level antichain', () => {
    const rng = createRng(18_901);
    const bad: string[] = [];
    for (let m = 1; m <= 6; m++) {
      for (const set of degenerateSets(rng, m)) {
        if (JSON.stringify(paretoFront(set.points)) !== JSON.stringify(bruteFront(set.points))) bad.push(`${set.name}, m = ${m}: front`);
        if (JSON.stringify(nondominatedRanks(set.points)) !== JSON.stringify(bruteRanks(set.points))) bad.push(`${set.name}, m = ${m}: ranks`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('constrained ranks (violations): 600 seeded sets, m = 2..6, against the definition', () => {
    const rng = createRng(18_200);
    const bad: string[] = [];
    for (let s = 0; s < 600; s++) {
      const m = 2 + (s % 5);
      const { points } = seededSet(rng, { m, n: rng.int(80), kind: SET_KINDS[s % SET_KINDS.length]!, beyond: false });
      const violations = points.map(() => (rng.int(3) === 0 ? rng.int(4) : rng.int(3) === 0 ? -rng.next() : 0));
      const want = bruteConstrainedRanks(points, violations);
      const got = nondominatedRanks(points, violations);
      if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(show(`violations ${JSON.stringify(violations)}`, points, want, got));
    }
    expect(bad.slice(0, 3)).toEqual([]);
  });
});

/** Larger sets for DEAP: m = 2..6, n = 100, 300, 1000, every kind (near-front = 'front' and 'steps'), and three near-fronts of 3,000..5,000. */
function deapSets(): SeededSet[] {
  const rng = createRng(18_600);
  const sets: SeededSet[] = [];
  for (const m of [2, 3, 4, 5, 6]) {
    for (const n of [100, 300, 1000]) {
      for (const kind of SET_KINDS) for (let c = 0; c < (n === 1000 ? 1 : 2); c++) sets.push(seededSet(rng, { m, n, kind, beyond: false }));
    }
  }
  // larger near-fronts, where the divide-and-conquer does the work
  for (const [m, n] of [[3, 5000], [4, 5000], [5, 3000]] as const) sets.push(seededSet(rng, { m, n, kind: 'front', beyond: false }));
  return sets;
}

describe.skipIf(!HAVE_DEAP)(`against DEAP's sortLogNondominated, 10^2..5x10^3 points, m = 2..6${HAVE_DEAP ? '' : ` (${NO_DEAP_REASON})`}`, () => {
  const sets = deapSets();
  let deap: DeapAnswers;
  beforeAll(() => {
    deap = deapAnswers({ sort: sets });
  }, 120_000);

  it(`${sets.length} sets: the same ranks, and the front is rank 0`, () => {
    expect(deap.sort.length).toBe(sets.length);
    const bad: string[] = [];
    let fronts = 0;
    sets.forEach((set, k) => {
      const want = deap.sort[k]!;
      const got = nondominatedRanks(set.points);
      const at = got.findIndex((r, i) => r !== want[i]);
      if (got.length !== want.length || at >= 0) {
        bad.push(`set ${k} (${set.kind}, m = ${set.ref.length}, n = ${set.points.length}): point ${at} DEAP rank ${want[at]}, ours ${got[at]}`);
      }
      const front = want.flatMap((r, i) => (r === 0 ? [i] : []));
      const gotFront = paretoFront(set.points);
      if (JSON.stringify(gotFront) !== JSON.stringify(front)) bad.push(`set ${k} (${set.kind}, m = ${set.ref.length}): front differs from DEAP's rank 0`);
      fronts = Math.max(fronts, Math.max(...want) + 1);
    });
    expect(bad).toEqual([]);
    expect(fronts).toBeGreaterThan(10); // the sets exercise deep rankings, not only one front
  });
});

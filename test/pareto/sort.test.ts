import { describe, expect, it } from 'vitest';
import { compare, constrainedCompare, dominates } from '../../lib/pareto/dominance.js';
import { crowdingDistance, nondominatedRanks, nondominatedSort, paretoFront, paretoFrontNaive } from '../../lib/pareto/sort.js';
import { createRng, type Rng } from '../../lib/rng.js';

/** Random points on a small integer grid (ties and duplicates are common), some copied outright. */
function randomSet(rng: Rng, n: number, m: number, grid: number): number[][] {
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && rng.next() < 0.15) pts.push([...(pts[rng.int(pts.length)] as number[])]);
    else pts.push(Array.from({ length: m }, () => (grid > 0 ? rng.int(grid) : rng.next())));
  }
  return pts;
}

/** Brute force: rank = how many times the front must be peeled before the point is on it. */
function bruteRanks(points: number[][], violations?: number[]): number[] {
  const v = violations ?? points.map(() => 0);
  const beats = (i: number, j: number) => constrainedCompare(points[i]!, Math.max(0, v[i]!), points[j]!, Math.max(0, v[j]!)) === -1;
  const ranks = new Array<number>(points.length).fill(-1);
  let remaining = points.map((_, i) => i);
  for (let r = 0; remaining.length > 0; r++) {
    const front = remaining.filter((i) => !remaining.some((j) => j !== i && beats(j, i)));
    for (const i of front) ranks[i] = r;
    remaining = remaining.filter((i) => ranks[i] === -1);
  }
  return ranks;
}

describe('dominance', () => {
  it('by hand: better somewhere and no worse anywhere', () => {
    expect(dominates([1, 2], [1, 3])).toBe(true);
    expect(dominates([1, 3], [1, 3])).toBe(false);
    expect(dominates([0, 4], [1, 3])).toBe(false);
    expect(compare([1, 3], [0, 4])).toBe(0);
    expect(compare([2, 3], [1, 3])).toBe(1);
    expect(dominates([-Infinity, 5], [0, 5])).toBe(true);
  });
  it('constrained: feasible first, then the smaller violation, equal violations incomparable', () => {
    expect(constrainedCompare([9, 9], 0, [0, 0], 1)).toBe(-1);
    expect(constrainedCompare([0, 0], 2, [9, 9], 1)).toBe(1);
    expect(constrainedCompare([0, 0], 1, [9, 9], 1)).toBe(0);
    expect(constrainedCompare([0, 0], 0, [1, 1], 0)).toBe(-1);
  });
});

describe('Pareto front and non-dominated sort against brute force', () => {
  for (const m of [1, 2, 3, 4, 5]) {
    it(`${m} objectives: 1,500 seeded sets with ties, duplicates and dominated points`, () => {
      const rng = createRng(100 + m);
      for (let t = 0; t < 1500; t++) {
        const n = 1 + rng.int(25);
        const pts = randomSet(rng, n, m, t % 3 === 0 ? 0 : 2 + rng.int(5));
        expect(paretoFront(pts)).toEqual(paretoFrontNaive(pts));
        const want = bruteRanks(pts);
        expect(nondominatedRanks(pts)).toEqual(want);
        expect(paretoFront(pts)).toEqual(want.flatMap((r, i) => (r === 0 ? [i] : [])));
      }
    });
  }
  it('with constraint violations: feasible ranks first, infeasible by total violation', () => {
    const rng = createRng(7);
    for (let t = 0; t < 1000; t++) {
      const m = 2 + rng.int(3);
      const pts = randomSet(rng, 1 + rng.int(20), m, 4);
      const violations = pts.map(() => (rng.next() < 0.4 ? rng.int(3) : 0));
      expect(nondominatedRanks(pts, violations)).toEqual(bruteRanks(pts, violations));
    }
  });
  it('±Infinity, one point and no points', () => {
    const pts = [[Infinity, 0], [0, Infinity], [-Infinity, 5], [1, 1], [-Infinity, 5]];
    expect(paretoFront(pts)).toEqual(paretoFrontNaive(pts));
    expect(nondominatedRanks(pts)).toEqual(bruteRanks(pts));
    expect(paretoFront([[3, 4, 5]])).toEqual([0]);
    expect(nondominatedSort([[3, 4, 5]])).toEqual([[0]]);
    expect(paretoFront([])).toEqual([]);
  });
  it('NaN is rejected, naming the point and the objective', () => {
    expect(() => paretoFront([[1, 2], [3, NaN]])).toThrow(/points\[1\]\[1\]: got NaN; allowed: a number/);
    expect(() => nondominatedRanks([[1, 2], [3]])).toThrow("points[1]: point 1 has 1 objectives, expected 2; allowed: 2 objectives, like points[0]");
  });
});

describe('crowding distance', () => {
  it('by hand: boundaries infinite, interior the normalised side lengths', () => {
    // f1: 0, 1, 3, 4 (range 4); f2: 4, 3, 1, 0 (range 4)
    const d = crowdingDistance([[0, 4], [1, 3], [3, 1], [4, 0]]);
    expect(d[0]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    expect(d[1]).toBeCloseTo((3 - 0) / 4 + (4 - 1) / 4, 12);
    expect(d[2]).toBeCloseTo((4 - 1) / 4 + (3 - 0) / 4, 12);
    expect(crowdingDistance([[1, 1], [2, 2]])).toEqual([Infinity, Infinity]);
  });
  it('a range that overflows still counts: the gaps are computed on halved values (worked by hand)', () => {
    // objective 0: gap 2e308 over range 2e308 = 1 (hi - lo overflows to Infinity); objective 1: gap 2 over 2 = 1
    expect(crowdingDistance([[-1e308, 0], [0, 1], [1e308, 2]])).toEqual([Infinity, 2, Infinity]);
    // Number.MAX_VALUE at both ends, inner points at -MAX/2 and MAX/2: gaps MAX*1.5 / (2 MAX) = 0.75 each on objective 0
    const M = Number.MAX_VALUE;
    const d = crowdingDistance([[-M, 0], [-M / 2, 1], [M / 2, 2], [M, 3]]);
    expect(d[1]).toBeCloseTo(0.75 + 2 / 3, 14);
    expect(d[2]).toBeCloseTo(0.75 + 2 / 3, 14);
    // below the overflow nothing changes: the same points scaled by 1e-300 give the same distances
    const small = crowdingDistance([[-M * 1e-300, 0], [(-M / 2) * 1e-300, 1], [(M / 2) * 1e-300, 2], [M * 1e-300, 3]]);
    expect(small[1]).toBeCloseTo(d[1] as number, 14);
  });
  it('an infinite end or a zero range adds nothing to inner points; boundaries stay Infinity', () => {
    // objective 0 ends at Infinity (no finite range): only objective 1 counts, gap 2 over range 2
    expect(crowdingDistance([[-Infinity, 0], [0, 1], [Infinity, 2]])).toEqual([Infinity, 1, Infinity]);
    expect(crowdingDistance([[5, 0], [5, 1], [5, 2]])).toEqual([Infinity, 1, Infinity]);
    // copies of an infinite value sort as ties (no NaN comparisons): the two -Infinity points are the ends on objective 0
    const d = crowdingDistance([[-Infinity, 0], [-Infinity, 3], [1, 1], [2, 2]]);
    expect(d.filter((x) => x === Infinity)).toHaveLength(3);
  });
});

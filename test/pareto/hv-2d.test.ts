/**
 * The 2-D kernels hv2d and hvc2d (lib/pareto/hv/hv2d.ts) on the packed layout, against hand-worked
 * cases, the grid-cell brute force (test/pareto/brute.ts) on seeded sets with ties, copies and dominated
 * points, and, on sets of up to 20,000 points, a plain lexicographic-sort sweep and leave-one-out
 * differences; 1e-12 relative.
 */
import { describe, expect, it } from 'vitest';
import { hv2d, hvc2d } from '../../lib/pareto/hv/hv2d.js';
import { pack } from '../../lib/pareto/hv/packed.js';
import { createRng } from '../../lib/rng.js';
import { bruteContributions, bruteHv, closeRel, seededSet, SET_KINDS } from './brute.js';

const TOL = 1e-12;

/** The kernel's precondition: only points strictly below ref. */
const inside = (points: number[][], ref: number[]): number[][] => points.filter((p) => p.every((v, j) => v < ref[j]!));

/** Independent sweep: builtin sort by (x, y), add a strip whenever y drops. */
function sweep(points: readonly number[][], ref: readonly number[]): number {
  const s = points.slice().sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let floor = ref[1]!;
  let area = 0;
  for (const [x, y] of s) {
    if (y! < floor) {
      area += (ref[0]! - x!) * (floor - y!);
      floor = y!;
    }
  }
  return area;
}

const run = (points: number[][], ref: number[]) => {
  const packed = pack(points, 2);
  const r = Float64Array.from(ref);
  return { hv: hv2d(packed, r), c: Array.from(hvc2d(packed, r)) };
};

describe('hv2d / hvc2d, worked by hand', () => {
  it('one point: its box', () => {
    expect(run([[1, 2]], [4, 4])).toEqual({ hv: 6, c: [6] });
  });
  it('staircase (0,2) (1,1) (2,0), ref (3,3): 6; each point 1', () => {
    expect(run([[2, 0], [0, 2], [1, 1]], [3, 3])).toEqual({ hv: 6, c: [1, 1, 1] });
  });
  it('copies contribute 0; a dominated point 0 and its owner only what the dominated point does not cover', () => {
    // ref (3,3). (0,1) box [0,3)x[1,3) = 6; (1,2) lies inside it; (2,0) twice adds [2,3)x[0,1) = 1: HV 7.
    // Without (0,1): (1,2)'s box 2 and (2,0)'s box 3 overlap in [2,3)x[2,3): 4, so (0,1) contributes 3.
    expect(run([[0, 1], [1, 2], [2, 0], [2, 0]], [3, 3])).toEqual({ hv: 7, c: [3, 0, 0, 0] });
  });
  it('points sharing x or y', () => {
    // ref (2,3). (0,1) covers [0,2)x[1,3) = 4 and dominates (0,2) and (1,1). Without it: (0,2)'s box 2 and
    // (1,1)'s box 2 overlap in [1,2)x[2,3): 3, so (0,1) contributes 1.
    expect(run([[0, 2], [0, 1], [1, 1]], [2, 3])).toEqual({ hv: 4, c: [0, 1, 0] });
  });
  it('never mutates its inputs', () => {
    const packed = pack([[3, 1], [1, 3], [2, 2], [2, 2]], 2);
    const copy = packed.data.slice();
    const ref = Float64Array.of(4, 4);
    hv2d(packed, ref);
    hvc2d(packed, ref);
    expect(Array.from(packed.data)).toEqual(Array.from(copy));
    expect(Array.from(ref)).toEqual([4, 4]);
  });
});

describe('hv2d / hvc2d against the grid-cell brute force', () => {
  it('4,000 seeded sets of 1..24 points (grids, reals, fronts, steps; copies, dominated points), 1e-12', () => {
    const rng = createRng(18_002);
    let checked = 0;
    for (let s = 0; s < 4000; s++) {
      const set = seededSet(rng, { m: 2, n: 1 + rng.int(18), kind: SET_KINDS[s % SET_KINDS.length]! });
      const points = inside(set.points, set.ref);
      if (points.length === 0) continue;
      const { hv, c } = run(points, set.ref);
      const want = bruteHv(points, set.ref);
      expect(closeRel(hv, want, TOL), `hv ${hv} vs ${want}`).toBe(true);
      const wantC = bruteContributions(points, set.ref);
      c.forEach((v, i) => expect(closeRel(v, wantC[i]!, TOL, want), `contribution ${i}: ${v} vs ${wantC[i]}`).toBe(true));
      checked++;
    }
    expect(checked).toBeGreaterThan(3500);
  });
});

describe('hv2d / hvc2d on large sets', () => {
  it('hv2d equals a lexicographic sweep on 60 sets of 300..20,000 points (radix path; grids with long ties)', () => {
    const rng = createRng(18_003);
    for (let s = 0; s < 60; s++) {
      const n = 300 + rng.int(19_700);
      const grid = s % 3 === 0;
      const points = Array.from({ length: n }, () => (grid ? [rng.int(40), rng.int(40)] : [rng.next(), s % 3 === 1 ? 1 - rng.next() ** 0.5 : rng.next()]));
      const ref = grid ? [40, 40] : [1.1, 1.1];
      const got = hv2d(pack(points, 2), Float64Array.from(ref));
      expect(closeRel(got, sweep(points, ref), TOL)).toBe(true);
    }
  });
  it('hvc2d equals leave-one-out differences of the sweep on 30 sets of 300..700 points (integer grids: ties and copies)', () => {
    const rng = createRng(18_004);
    for (let s = 0; s < 30; s++) {
      const n = 300 + rng.int(400);
      const g = s % 2 === 0 ? 25 : 1000;
      const points = Array.from({ length: n }, () => {
        const x = rng.int(g);
        return [x, Math.max(0, g - 1 - x - rng.int(4))]; // near a line: most points on or close to the front
      });
      const ref = [g, g];
      const c = hvc2d(pack(points, 2), Float64Array.from(ref));
      const all = sweep(points, ref);
      for (let i = 0; i < n; i++) {
        const want = all - sweep(points.filter((_, j) => j !== i), ref);
        expect(closeRel(c[i]!, want, TOL, all), `point ${i}: ${c[i]} vs ${want}`).toBe(true);
      }
    }
  });
});

describe('hv2d sort paths (insertion up to 25 points left, merge sort of pairs below 4,096, argsort above)', () => {
  it('equals a lexicographic sweep on near-front sets of 1..160 and 4,000..4,200 points (every path and both merge buffers; ties and copies)', () => {
    const rng = createRng(18_005);
    const sizes = [...Array.from({ length: 160 }, (_, i) => i + 1), 4000, 4095, 4096, 4097, 4200];
    for (const n of sizes) {
      for (const grid of [false, true]) {
        // near a line x + y = 1: the pivot pass keeps most points, so k (points left) ~ n
        const points = Array.from({ length: n }, () => {
          const x = grid ? rng.int(50) / 50 : rng.next();
          const y = grid ? Math.max(0, 49 - Math.round(x * 50) - rng.int(3)) / 50 : 1 - x + 0.01 * rng.next();
          return [x, y];
        });
        const got = hv2d(pack(points, 2), Float64Array.of(1.1, 1.1));
        const want = sweep(points, [1.1, 1.1]);
        expect(closeRel(got, want, TOL), `n ${n} grid ${grid}: ${got} vs ${want}`).toBe(true);
      }
    }
  });
  it('a worked front given in decreasing x (every insertion shifts) of 40 points: 1/40 steps', () => {
    // points (i/40, 1 - (i+1)/40), i = 39..0, ref (1, 1): staircase area = sum_i (1 - i/40) * (1/40)
    const points = Array.from({ length: 40 }, (_, t) => [(39 - t) / 40, 1 - (40 - t) / 40]);
    let want = 0;
    for (let i = 0; i < 40; i++) want += (1 - i / 40) * (1 / 40);
    expect(closeRel(hv2d(pack(points, 2), Float64Array.of(1, 1)), want, TOL)).toBe(true);
    expect(closeRel(want, 41 / 80, TOL)).toBe(true);
  });
  it('a large call then a small one (module scratch reused) gives the small set its own value', () => {
    const big = Array.from({ length: 5000 }, (_, i) => [i / 5000, 1 - i / 5000]);
    hv2d(pack(big, 2), Float64Array.of(2, 2));
    expect(hv2d(pack([[1, 3], [2, 1]], 2), Float64Array.of(4, 4))).toBe(7); // 3*1 + 2*2
  });
});

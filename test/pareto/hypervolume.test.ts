import { thrownInputError as thrown } from '../helpers.js';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import {
  hypervolume,
  hypervolumeContributions,
  idealPoint,
  nadirPoint,
  normalizePoints,
} from '../../lib/pareto/hypervolume.js';
import { createRng } from '../../lib/rng.js';
import type { Rng } from '../../lib/rng.js';
import { bruteContributionsByDifference as bruteContributions, bruteHv, shuffle } from './brute.js';

type P = number[];

type Mode = 'grid' | 'real' | 'front';
const MODES: readonly Mode[] = ['grid', 'real', 'front'];

/**
 * A random set with dominated points, duplicates and (on the grid) ties, plus a reference that clips
 * some points. 'grid': integer coordinates in [0, g), g in 3..6; 'real': uniform reals scaled per axis
 * by factors from 1e-3 to 1e3; 'front': mutually non-dominated points (on the simplex sum = 1, scaled
 * per axis) before the extras are added.
 */
function randomCase(rng: Rng, m: number, maxBase: number, mode: Mode): { points: P[]; ref: P } {
  const grid = mode === 'grid';
  const g = 3 + rng.int(4);
  const scale = Array.from({ length: m }, () => (grid ? 1 : 10 ** (rng.int(7) - 3)));
  const draw = (): P => {
    if (grid) return Array.from({ length: m }, () => rng.int(g));
    if (mode === 'real') return scale.map((f) => rng.next() * f);
    const w = Array.from({ length: m }, () => rng.next() + 1e-6);
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((v, j) => (v / sum) * scale[j]!);
  };
  const base = rng.int(maxBase + 1);
  const points: P[] = [];
  for (let i = 0; i < base; i++) points.push(draw());
  const extras = rng.int(3);
  for (let e = 0; e < extras && points.length > 0; e++) {
    const p = rng.pick(points);
    if (rng.int(2) === 0) points.push(p.slice()); // duplicate
    else points.push(p.map((v, j) => v + (grid ? rng.int(2) : rng.next() * 0.3 * scale[j]!))); // dominated (or equal)
  }
  const ref = Array.from({ length: m }, (_, j) => (grid ? g - rng.int(2) : scale[j]! * (0.8 + 0.4 * rng.next())));
  return { points: shuffle(points, rng), ref };
}

function close(got: number, want: number, scale: number): boolean {
  return Math.abs(got - want) <= 1e-9 * Math.max(Math.abs(want), scale);
}

describe('hypervolume, worked by hand', () => {
  it('one point (0,0), ref (1,1): the unit square, 1', () => {
    expect(hypervolume([[0, 0]], [1, 1])).toBe(1);
  });
  it('(0,1) and (1,0), ref (2,2): two 2x1 boxes overlapping in the unit square [1,2)^2, 2 + 2 - 1 = 3', () => {
    expect(hypervolume([[0, 1], [1, 0]], [2, 2])).toBe(3);
  });
  it('staircase (1,3),(2,2),(3,1), ref (4,4): strips y in [3,4) width 3, [2,3) width 2, [1,2) width 1 = 6', () => {
    expect(hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4])).toBe(6);
    // order, a dominated point (3,3) and a duplicate change nothing
    expect(hypervolume([[3, 3], [3, 1], [1, 3], [2, 2], [2, 2]], [4, 4])).toBe(6);
  });
  it('1-D: ref - min, 5 - 2 = 3', () => {
    expect(hypervolume([[4], [2], [3]], [5])).toBe(3);
  });
  it('unit cubes: the origin with ref 1 in 3-D and 4-D (and 5-D) has volume 1', () => {
    expect(hypervolume([[0, 0, 0]], [1, 1, 1])).toBe(1);
    expect(hypervolume([[0, 0, 0, 0]], [1, 1, 1, 1])).toBe(1);
    expect(hypervolume([[0, 0, 0, 0, 0]], [1, 1, 1, 1, 1])).toBe(1);
    // a box 2 x 3 x 4 x 5 = 120
    expect(hypervolume([[0, 0, 0, 0]], [2, 3, 4, 5])).toBe(120);
  });
  it('(1,0,0),(0,1,0),(0,0,1) with ref (1,1,1): each point touches the reference in one objective, so all clip: 0', () => {
    expect(hypervolume([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [1, 1, 1])).toBe(0);
  });
  it('the same points with ref (2,2,2): [0,2)^3 minus the one undominated cell [0,1)^3, 8 - 1 = 7', () => {
    // inclusion-exclusion: 3 boxes of 1x2x2 = 12, minus 3 pairwise (1x1x2) = 6, plus the triple (1x1x1) = 1 -> 7
    expect(hypervolume([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [2, 2, 2])).toBe(7);
  });
  it('4-D unit vectors with ref (2,2,2,2): only x in [0,1)^4 escapes, 16 - 1 = 15', () => {
    const e = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)));
    expect(hypervolume(e, [2, 2, 2, 2])).toBe(15);
    // 5-D likewise: 32 - 1
    const e5 = [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 1 : 0)));
    expect(hypervolume(e5, [2, 2, 2, 2, 2])).toBe(31);
  });
  it('3-D staircase (0,2,2),(1,1,1),(2,0,0) with ref (3,3,3): 27 minus the undominated part', () => {
    // boxes: 3x1x1 = 3, 2x2x2 = 8, 1x3x3 = 9. Pairwise: (1,2,2) 2x1x1 = 2, (2,2,2) 1, (2,1,1) 1x2x2 = 4;
    // triple (2,2,2) 1. Union = 20 - 7 + 1 = 14.
    expect(hypervolume([[0, 2, 2], [1, 1, 1], [2, 0, 0]], [3, 3, 3])).toBe(14);
  });
  it('empty sets and fully clipped sets have volume 0', () => {
    expect(hypervolume([], [1, 1])).toBe(0);
    expect(hypervolume([], [1, 1, 1, 1])).toBe(0);
    expect(hypervolume([[1, 0], [0, 2]], [1, 1])).toBe(0);
    expect(hypervolume([[5, 5, 5, 5]], [1, 1, 1, 1])).toBe(0);
  });
});

describe('hypervolume against the grid-cell brute force', () => {
  const plan: [m: number, sets: number, maxBase: number][] = [
    [2, 3000, 10],
    [3, 3000, 10],
    [4, 2000, 9],
    [5, 1000, 7],
  ];
  for (const [m, sets, maxBase] of plan) {
    it(`m = ${m}: ${sets} seeded sets (a third each on a small integer grid, uniform, on a front), exact to 1e-9`, () => {
      const rng = createRng(1000 + m);
      const bad: string[] = [];
      for (let s = 0; s < sets; s++) {
        const { points, ref } = randomCase(rng, m, maxBase, MODES[s % 3]!);
        const want = bruteHv(points, ref);
        const got = hypervolume(points, ref);
        if (!close(got, want, 0)) bad.push(JSON.stringify({ points, ref, want, got }));
      }
      expect(bad.slice(0, 3)).toEqual([]);
    });
  }
});

describe('hypervolume contributions', () => {
  it('staircase (1,3),(2,2),(3,1), ref (4,4): each point alone owns one unit square', () => {
    expect(hypervolumeContributions([[1, 3], [2, 2], [3, 1]], [4, 4])).toEqual([1, 1, 1]);
  });
  it('(0,1),(1,0) with ref (2,2): 3 - 2 = 1 each; a dominated point and a clipped one give 0', () => {
    expect(hypervolumeContributions([[0, 1], [1, 0], [1, 1], [2, 0]], [2, 2])).toEqual([1, 1, 0, 0]);
  });
  it('duplicates contribute 0 (removing one copy removes nothing), and do not change the others', () => {
    expect(hypervolumeContributions([[0, 1], [0, 1], [1, 0]], [2, 2])).toEqual([0, 0, 1]);
    // (1,1,0): box 1x1x2 = 2 minus its overlap with the copies' box, [1,2)^2 x [1,2) = 1
    expect(hypervolumeContributions([[0, 0, 1], [0, 0, 1], [1, 1, 0]], [2, 2, 2])).toEqual([0, 0, 1]);
    expect(hypervolumeContributions([[1, 1, 1, 1], [1, 1, 1, 1]], [2, 2, 2, 2])).toEqual([0, 0]);
  });
  it('a point touching the reference contributes 0; 1-D: only a unique minimum contributes (to the next value)', () => {
    expect(hypervolumeContributions([[1, 0, 0], [0, 0, 0]], [1, 1, 1])).toEqual([0, 1]);
    expect(hypervolumeContributions([[3], [1], [2]], [5])).toEqual([0, 1, 0]);
    expect(hypervolumeContributions([[1], [1], [2]], [5])).toEqual([0, 0, 0]);
    expect(hypervolumeContributions([[1]], [5])).toEqual([4]);
  });
  it('unit vectors with ref 2: each owns [1,2) x [0,1)^(m-1), volume 1', () => {
    for (const m of [3, 4, 5]) {
      const e = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 1 : 0)));
      expect(hypervolumeContributions(e, new Array<number>(m).fill(2))).toEqual(new Array<number>(m).fill(1));
    }
  });
  it('one point contributes its whole box; an empty set gives []', () => {
    expect(hypervolumeContributions([[0, 0, 0, 0]], [1, 2, 3, 4])).toEqual([24]);
    expect(hypervolumeContributions([], [1, 1])).toEqual([]);
  });

  const plan: [m: number, sets: number, maxBase: number][] = [
    [2, 600, 10],
    [3, 600, 10],
    [4, 300, 8],
    [5, 120, 6],
  ];
  for (const [m, sets, maxBase] of plan) {
    it(`m = ${m}: ${sets} seeded sets against brute-force HV(S) - HV(S without p), duplicates included`, () => {
      const rng = createRng(2000 + m);
      const bad: string[] = [];
      for (let s = 0; s < sets; s++) {
        const { points, ref } = randomCase(rng, m, maxBase, MODES[s % 3]!);
        const total = bruteHv(points, ref);
        const want = bruteContributions(points, ref);
        const got = hypervolumeContributions(points, ref);
        if (got.length !== want.length || got.some((g, i) => !close(g, want[i]!, total))) {
          bad.push(JSON.stringify({ points, ref, want, got }));
        }
      }
      expect(bad.slice(0, 3)).toEqual([]);
    });
  }

  it('2-D and 3-D fronts of a few hundred points: contributions equal hypervolume differences', () => {
    const rng = createRng(77);
    for (const m of [2, 3]) {
      const points = Array.from({ length: m === 2 ? 300 : 150 }, () => Array.from({ length: m }, () => rng.next()));
      points.push(points[5]!.slice()); // one duplicate pair
      const ref = new Array<number>(m).fill(1.1);
      const total = hypervolume(points, ref);
      const got = hypervolumeContributions(points, ref);
      points.forEach((_, i) => {
        const want = total - hypervolume(points.filter((_, j) => j !== i), ref);
        expect(Math.abs(got[i]! - want)).toBeLessThanOrEqual(1e-12);
      });
      expect(got[5]).toBe(0);
      expect(got[points.length - 1]).toBe(0);
    }
  });
});

describe('hypervolume on larger sets: independent paths agree', () => {
  /** Points on the positive unit-sphere octant: mutually non-dominated when minimising. */
  function sphere(rng: Rng, n: number, m: number): P[] {
    return Array.from({ length: n }, () => {
      const v = Array.from({ length: m }, () => rng.next() + 1e-3);
      const r = Math.hypot(...v);
      return v.map((x) => x / r);
    });
  }
  const rotate = (p: readonly number[], k: number): P => p.map((_, j) => p[(j + k) % p.length]!);

  it('permuting objectives changes nothing (3-D sweep axis, WFG slicing objective)', () => {
    const rng = createRng(5);
    for (const [m, n] of [
      [3, 2000],
      [4, 150],
      [5, 40],
    ] as const) {
      const points = sphere(rng, n, m);
      for (let i = 0; i < n / 5; i++) points.push(points[i]!.map((v) => v + 0.05 * rng.next())); // dominated
      const ref = Array.from({ length: m }, (_, j) => 1 + 0.1 * j);
      const base = hypervolume(points, ref);
      expect(base).toBeGreaterThan(0);
      for (let k = 1; k < m; k++) {
        const hv = hypervolume(
          points.map((p) => rotate(p, k)),
          rotate(ref, k),
        );
        expect(Math.abs(hv - base)).toBeLessThanOrEqual(1e-9 * base);
      }
    }
  });

  it('a constant extra objective multiplies by its depth (3-D sweep vs 4-D WFG, 2-D sweep vs 3-D sweep)', () => {
    const rng = createRng(6);
    const p3 = sphere(rng, 400, 3);
    const hv3 = hypervolume(p3, [1, 1, 1]);
    for (const lifted of [p3.map((p) => [...p, 0.5]), p3.map((p) => [0.5, ...p])]) {
      const ref = lifted[0]![0] === 0.5 ? [2.5, 1, 1, 1] : [1, 1, 1, 2.5];
      expect(Math.abs(hypervolume(lifted, ref) - 2 * hv3)).toBeLessThanOrEqual(1e-9 * hv3);
    }
    const p2 = sphere(rng, 3000, 2);
    const hv2 = hypervolume(p2, [1, 1]);
    expect(Math.abs(hypervolume(p2.map((p) => [...p, 0]), [1, 1, 3]) - 3 * hv2)).toBeLessThanOrEqual(1e-9 * hv2);
  });

  it('a dense 2-D quarter circle approaches 1 - pi/4, a 3-D octant 1 - pi/6', () => {
    const n = 20000;
    const arc = Array.from({ length: n }, (_, i) => {
      const t = ((i + 0.5) / n) * (Math.PI / 2);
      return [Math.cos(t), Math.sin(t)];
    });
    expect(hypervolume(arc, [1, 1])).toBeCloseTo(1 - Math.PI / 4, 4);
    const oct = sphere(createRng(8), 60000, 3);
    expect(hypervolume(oct, [1, 1, 1])).toBeCloseTo(1 - Math.PI / 6, 1);
  });
});

describe('infinite coordinates', () => {
  it('+Infinity never strictly dominates a finite reference: the point is clipped', () => {
    expect(hypervolume([[Infinity, 0]], [1, 1])).toBe(0);
    expect(hypervolume([[Infinity, 0], [0, 0]], [1, 1])).toBe(1);
    expect(hypervolumeContributions([[Infinity, 0], [0, 0]], [1, 1])).toEqual([0, 1]);
    expect(hypervolume([[0, 0, Infinity, 0]], [1, 1, 1, 1])).toBe(0);
  });
  it('-Infinity in a retained point makes the volume Infinity; clipped elsewhere it does not', () => {
    expect(hypervolume([[-Infinity, 0]], [1, 1])).toBe(Infinity);
    expect(hypervolume([[-Infinity, 0, 0, 0, 0]], [1, 1, 1, 1, 1])).toBe(Infinity);
    expect(hypervolume([[-Infinity, 1]], [1, 1])).toBe(0); // touches the reference in objective 1
    expect(hypervolume([[-Infinity, Infinity], [0, 0]], [1, 1])).toBe(1);
  });
  it('contributions: Infinity for an undominated point with -Infinity, 0 if dominated or copied, finite points exact', () => {
    // (-Inf, 0.5) owns (-Inf, 0) x [0.5, 1); (0, 0) owns [0, 1) x [0, 0.5) = 0.5
    expect(hypervolumeContributions([[-Infinity, 0.5], [0, 0]], [1, 1])).toEqual([Infinity, 0.5]);
    // (-Inf, 0) weakly dominates (-Inf, 0.5)
    expect(hypervolumeContributions([[-Infinity, 0], [-Infinity, 0.5]], [1, 1])).toEqual([Infinity, 0]);
    expect(hypervolumeContributions([[-Infinity, 0], [-Infinity, 0]], [1, 1])).toEqual([0, 0]);
    expect(hypervolumeContributions([[-Infinity, 0], [0, -Infinity]], [1, 1])).toEqual([Infinity, Infinity]);
    expect(hypervolumeContributions([[-Infinity], [0]], [1])).toEqual([Infinity, 0]);
    // 3-D: (0,0,0) is dominated by (-Inf, 0, 0); (0.5, -Inf, 0.5) is not dominated (nor dominates).
    expect(hypervolumeContributions([[-Infinity, 0, 0], [0, 0, 0], [0.5, -Infinity, 0.5]], [1, 1, 1])).toEqual([
      Infinity,
      0,
      Infinity,
    ]);
  });
  it('random sets with -Infinity agree with the limit of brute force as -Infinity -> -L, L large', () => {
    const rng = createRng(31);
    const bad: string[] = [];
    for (let s = 0; s < 400; s++) {
      const m = 2 + (s % 3);
      const { points, ref } = randomCase(rng, m, 6, 'grid');
      for (const p of points) if (rng.int(4) === 0) p[rng.int(m)] = -Infinity;
      const at = (L: number): number[] =>
        bruteContributions(
          points.map((p) => p.map((v) => (v === -Infinity ? -L : v))),
          ref,
        );
      const a = at(1000);
      const b = at(2000);
      const want = a.map((v, i) => (v === b[i] ? v : Infinity));
      const got = hypervolumeContributions(points, ref);
      if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(JSON.stringify({ points, ref, want, got }));
      const anyInf = points.some((p) => p.includes(-Infinity) && p.every((v, j) => v < ref[j]!));
      const hv = hypervolume(points, ref);
      if (anyInf ? hv !== Infinity : hv !== bruteHv(points, ref)) bad.push(JSON.stringify({ points, ref, hv }));
    }
    expect(bad.slice(0, 3)).toEqual([]);
  });
});

describe('input errors', () => {
  it('NaN names the point and the objective', () => {
    const e = thrown(() => hypervolume([[0, 0], [1, NaN]], [2, 2]));
    expect(e.field).toBe('points[1][1]');
    expect(e.message).toBe('points[1][1]: got NaN; allowed: a number (±Infinity allowed, NaN not)');
    expect(thrown(() => hypervolumeContributions([[NaN, 0, 0]], [1, 1, 1])).field).toBe('points[0][0]');
  });
  it('wrong dimensions', () => {
    const e = thrown(() => hypervolume([[0, 0], [0, 0, 0]], [1, 1]));
    expect(e.field).toBe('points[1]');
    expect(e.message).toContain('has 3 objectives, expected 2');
    expect(thrown(() => hypervolume([[0, 0, 0]], [1, 1])).field).toBe('points[0]');
  });
  it('empty, infinite or NaN reference', () => {
    expect(thrown(() => hypervolume([], [])).field).toBe('ref');
    expect(thrown(() => hypervolume([[0]], [Infinity])).field).toBe('ref[0]');
    expect(thrown(() => hypervolume([[0, 0]], [1, NaN])).field).toBe('ref[1]');
    expect(thrown(() => hypervolumeContributions([[0, 0]], [1, -Infinity])).field).toBe('ref[1]');
  });
});

describe('ideal, nadir, normalisation', () => {
  const pts = [
    [1, 10, 5],
    [3, 20, 5],
    [2, 15, 5],
  ];
  it('ideal and nadir are per-objective min and max', () => {
    expect(idealPoint(pts)).toEqual([1, 10, 5]);
    expect(nadirPoint(pts)).toEqual([3, 20, 5]);
    expect(idealPoint([[-Infinity, 1]])).toEqual([-Infinity, 1]);
  });
  it('scales to [0, 1] per objective; a zero range maps to 0', () => {
    expect(normalizePoints(pts)).toEqual([
      [0, 0, 0],
      [1, 1, 0],
      [0.5, 0.5, 0],
    ]);
  });
  it('explicit bounds: no clipping outside them; infinite coordinates stay infinite', () => {
    expect(normalizePoints([[0, 4], [Infinity, -Infinity]], [0, 0], [2, 2])).toEqual([
      [0, 2],
      [Infinity, -Infinity],
    ]);
  });
  it('empty set gives []; invalid bounds throw', () => {
    expect(normalizePoints([])).toEqual([]);
    expect(() => normalizePoints([[0, Infinity]])).toThrow(InputError);
    expect(() => normalizePoints(pts, [0, 0, 0], [1, 1])).toThrow(InputError);
    expect(() => normalizePoints(pts, [2, 0, 0], [1, 1, 1])).toThrow(InputError);
    expect(() => idealPoint([])).toThrow(InputError);
    expect(() => nadirPoint([[1], [NaN]])).toThrow('points[1][0]: got NaN; allowed: a number (±Infinity allowed, NaN not)');
  });
});

describe('hypervolume() fast path (one fused check-and-clip pass into reused module buffers)', () => {
  it('an error after a larger set was packed leaves the next call exact (m = 1..5, growing and shrinking sets)', () => {
    const rng = createRng(18_006);
    for (let round = 0; round < 60; round++) {
      const m = 1 + (round % 5);
      const n = round % 7 === 0 ? 900 + rng.int(300) : 1 + rng.int(9);
      const ref = new Array<number>(m).fill(4);
      const points = Array.from({ length: n }, () => Array.from({ length: m }, () => rng.int(5)));
      // a failing call first: every point but the last packed, then NaN / not a number / a short point
      const bad = points.map((p) => p.slice());
      if (round % 3 === 0) bad[n - 1]![m - 1] = NaN;
      else if (round % 3 === 1) (bad[n - 1] as unknown[])[0] = '1';
      else bad[n - 1] = bad[n - 1]!.slice(0, m - 1);
      const e = thrown(() => hypervolume(bad, ref));
      expect(e.field).toBe(round % 3 === 2 ? `points[${n - 1}]` : `points[${n - 1}][${round % 3 === 0 ? m - 1 : 0}]`);
      const small = points.slice(0, Math.min(n, 8));
      expect(hypervolume(small, ref), `round ${round}`).toBe(bruteHv(small.filter((p) => p.every((v, j) => v < ref[j]!)), ref));
    }
  });
  it('clipping, -Infinity and m = 1 through the fused pass', () => {
    expect(hypervolume([[5], [2], [3]], [4])).toBe(2); // 5 clipped, 4 - 2
    expect(hypervolume([[4, 0], [0, 4], [Infinity, 0]], [4, 4])).toBe(0); // every point touches or passes ref
    expect(hypervolume([[-Infinity, 3], [1, 1]], [4, 4])).toBe(Infinity);
    expect(hypervolume([[-Infinity, 5], [1, 1]], [4, 4])).toBe(9); // the -Infinity point is clipped
    expect(() => hypervolume([[-Infinity, 3], [1, NaN]], [4, 4])).toThrow(InputError); // NaN after -Infinity still reported
    // the same reference buffer per m is refilled each call
    expect(hypervolume([[0, 0]], [1, 2])).toBe(2);
    expect(hypervolume([[0, 0]], [3, 2])).toBe(6);
  });
});

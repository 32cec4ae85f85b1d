/**
 * The 3-D kernels hv3d (HV3D+) and hvc3d (HVC3D) on the kernel contract of lib/pareto/hv/packed.ts,
 * against three independent answers: the grid-cell brute force (test/pareto/brute.ts) on thousands of
 * small seeded sets, the pre-issue-18 treap sweep (hv-3d-old.ts) on larger ones, and DEAP's C
 * hypervolume (one Debian python3 process for every set). Agreement to 1e-12 relative (contributions:
 * relative to the set's hypervolume, the scale their cancellation works at).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HV3D_SMALL_BELOW, hv3d, hv3dRanked, hv3dSmall } from '../../lib/pareto/hv/hv3d.js';
import { hvc3d } from '../../lib/pareto/hv/hvc3d.js';
import { pack } from '../../lib/pareto/hv/packed.js';
import { pointSet } from '../../lib/bench/pointsets.js';
import { createRng } from '../../lib/rng.js';
import type { Rng } from '../../lib/rng.js';
import { bruteContributions, bruteHv, closeRel, insideRef, seededSet, SET_KINDS } from './brute.js';
import { oldContributions3, oldHv3 } from './hv-3d-old.js';

type P = number[];
const TOL = 1e-12;

const hv = (points: P[], ref: P): number => hv3d(pack(points, 3), Float64Array.from(ref));
const hvc = (points: P[], ref: P): number[] => Array.from(hvc3d(pack(points, 3), Float64Array.from(ref)));

/**
 * A small set with ties on every axis: seededSet's kinds (grid, real, front, steps; copies and
 * dominated variants), or one axis made constant, or a few points repeated many times.
 */
function smallCase(rng: Rng, s: number, maxN: number): { points: P[]; ref: P } {
  const kind = SET_KINDS[s % SET_KINDS.length]!;
  const { points, ref } = seededSet(rng, { m: 3, n: 1 + rng.int(maxN), kind, beyond: false });
  let kept = insideRef(points, ref);
  const twist = rng.int(6);
  if (twist === 0 && kept.length > 0) {
    const j = rng.int(3);
    const v = kept[0]![j]!;
    kept = kept.map((p) => p.map((u, k) => (k === j ? v : u)));
  } else if (twist === 1 && kept.length > 0) {
    const few = kept.slice(0, 1 + rng.int(3));
    kept = Array.from({ length: 2 + rng.int(6) }, () => rng.pick(few).slice());
  }
  return { points: kept, ref };
}

/** Calls `check` on `count` seeded {@link smallCase} sets (seed `seed`) that kept a point; returns how many. */
function eachSmallCase(seed: number, count: number, maxN: number, check: (points: P[], ref: P) => void): number {
  const rng = createRng(seed);
  let checked = 0;
  for (let s = 0; s < count; s++) {
    const { points, ref } = smallCase(rng, s, maxN);
    if (points.length === 0) continue;
    checked++;
    check(points, ref);
  }
  return checked;
}

function mismatches(got: readonly number[], want: readonly number[], scale: number): number[] {
  return got.flatMap((v, i) => (closeRel(v, want[i]!, TOL, scale) ? [] : [i]));
}

describe('hv3d and hvc3d, worked by hand', () => {
  it('staircase (0,2,2),(1,1,1),(2,0,0), ref (3,3,3): 14; contributions 3 - 2 - 1 + 1 = 1, 8 - 2 - 4 - 1 + 2 = 3, 9 - 4 - 1 + 1 = 5', () => {
    // boxes 3, 8, 9; pairwise overlaps (0,1) 2, (0,2) 1, (1,2) 4; triple 1.
    // contribution of i: box_i - (overlaps involving i) + triple, e.g. point 0: 3 - 2 - 1 + 1 = 1
    const pts = [[0, 2, 2], [1, 1, 1], [2, 0, 0]];
    expect(hv(pts, [3, 3, 3])).toBe(14);
    expect(hvc(pts, [3, 3, 3])).toEqual([1, 3, 5]);
  });
  it('unit vectors, ref (2,2,2): 8 - 1 = 7, each owns [1,2) x [0,1)^2 = 1', () => {
    const e = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    expect(hv(e, [2, 2, 2])).toBe(7);
    expect(hvc(e, [2, 2, 2])).toEqual([1, 1, 1]);
  });
  it('copies contribute 0 and change nothing else; a weakly dominated point contributes 0', () => {
    // (1,1,0): box 1x1x2 = 2 minus the overlap with the copies' box [1,2)^2 x [1,2) = 1
    expect(hvc([[0, 0, 1], [0, 0, 1], [1, 1, 0]], [2, 2, 2])).toEqual([0, 0, 1]);
    expect(hv([[0, 0, 1], [0, 0, 1], [1, 1, 0]], [2, 2, 2])).toBe(4 + 2 - 1);
    // (0,0,1) weakly dominates (0,1,1) (ties in x and z): 0; (0,0,1) owns its box 4 less what (0,1,1)
    // covers in it (2) and (1,1,0) covers outside that (the cell [1,2) x [1,2) x [1,2) is in both): 2
    expect(hvc([[0, 0, 1], [0, 1, 1], [1, 1, 0]], [2, 2, 2])).toEqual([2, 0, 1]);
  });
  it('one point: its box; a point on a tie in every axis with another is covered by it', () => {
    expect(hv([[0.5, 0.25, 0]], [1, 1, 1])).toBe(0.375);
    expect(hvc([[0.5, 0.25, 0]], [1, 1, 1])).toEqual([0.375]);
    // (1,1,1) covers the three others: its box 8 minus their union 3 x 4 - 3 x 2 + 1 = 7
    expect(hvc([[1, 1, 1], [1, 1, 2], [1, 2, 1], [2, 1, 1]], [3, 3, 3])).toEqual([1, 0, 0, 0]);
  });
  it('leaves its inputs alone', () => {
    const data = Float64Array.from([2, 0, 1, 0, 2, 1, 1, 1, 0]);
    const ref = Float64Array.from([3, 3, 3]);
    hv3d({ n: 3, m: 3, data }, ref);
    hvc3d({ n: 3, m: 3, data }, ref);
    expect(Array.from(data)).toEqual([2, 0, 1, 0, 2, 1, 1, 1, 0]);
    expect(Array.from(ref)).toEqual([3, 3, 3]);
  });
});

describe('hv3d and hvc3d against the grid-cell brute force', () => {
  it('hypervolume: 4,000 seeded sets of 1-14 points (grids, reals, fronts, steps; constant axes, copies), 1e-12', () => {
    const bad: string[] = [];
    const checked = eachSmallCase(318, 4000, 14, (points, ref) => {
      const want = bruteHv(points, ref);
      const got = hv(points, ref);
      if (!closeRel(got, want, TOL)) bad.push(JSON.stringify({ points, ref, want, got }));
    });
    expect(checked).toBeGreaterThan(3500);
    expect(bad.slice(0, 3)).toEqual([]);
  });
  it('contributions: 3,000 seeded sets of 1-12 points, each point against its cells no other point covers, 1e-12', () => {
    const bad: string[] = [];
    let zeros = 0;
    eachSmallCase(319, 3000, 12, (points, ref) => {
      const want = bruteContributions(points, ref);
      const got = hvc(points, ref);
      zeros += want.filter((v) => v === 0).length;
      if (mismatches(got, want, bruteHv(points, ref)).length > 0) bad.push(JSON.stringify({ points, ref, want, got }));
      else if (got.some((v, i) => want[i] === 0 && v !== 0)) bad.push(JSON.stringify({ zero: true, points, ref, want, got }));
    });
    expect(zeros).toBeGreaterThan(1000); // copies and dominated points were exercised
    expect(bad.slice(0, 3)).toEqual([]);
  });
});

describe('hv3d and hvc3d against the pre-issue-18 sweep on larger sets', () => {
  it('200 sets of 50-2,000 points: integer grids (many ties), reals, near-front shells; 1e-12', () => {
    const rng = createRng(320);
    const bad: string[] = [];
    for (let s = 0; s < 200; s++) {
      const n = 50 + rng.int(s < 150 ? 400 : 1950);
      const g = 5 + rng.int(60);
      let points: P[];
      if (s % 3 === 0) points = Array.from({ length: n }, () => [rng.int(g), rng.int(g), rng.int(g)]);
      else if (s % 3 === 1) points = Array.from({ length: n }, () => [rng.next(), rng.next() * 10, rng.next() / 10]);
      else points = pointSet('concave', n, 3, s);
      for (let c = rng.int(n >> 3); c > 0; c--) points.push(rng.pick(points).slice());
      const ref = s % 3 === 0 ? [g, g, g] : s % 3 === 1 ? [1.1, 11, 0.11] : [1.1, 1.1, 1.1];
      const want = oldHv3(points, ref);
      const got = hv(points, ref);
      if (!closeRel(got, want, TOL)) bad.push(`set ${s}: hv ${got} want ${want}`);
      const wantC = oldContributions3(points, ref);
      const wrong = mismatches(hvc(points, ref), wantC, want);
      if (wrong.length > 0) bad.push(`set ${s}: ${wrong.length} contributions differ, first point ${wrong[0]}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

describe("hv3d's two paths: the sorted-array sweep (below HV3D_SMALL_BELOW) and the rank space", () => {
  const ref64 = (ref: P): Float64Array => Float64Array.from(ref);
  it('each path alone: 4,000 seeded sets of 1-14 points against the grid-cell brute force, 1e-12', () => {
    const bad: string[] = [];
    const checked = eachSmallCase(330, 4000, 14, (points, ref) => {
      const want = bruteHv(points, ref);
      const small = hv3dSmall(pack(points, 3), ref64(ref));
      if (!closeRel(small, want, TOL)) bad.push(JSON.stringify({ path: 'small', points, ref, want, small }));
      if (points.length >= 2) {
        const ranked = hv3dRanked(pack(points, 3), ref64(ref));
        if (!closeRel(ranked, want, TOL)) bad.push(JSON.stringify({ path: 'ranked', points, ref, want, ranked }));
      }
    });
    expect(checked).toBeGreaterThan(3500);
    expect(bad.slice(0, 3)).toEqual([]);
  });
  it('each path alone: 90 sets of 20-1,500 points (grids, reals, near-front, signs and -0, copies; sizes at the cut-over) against the pre-issue-18 sweep, 1e-12', () => {
    const rng = createRng(331);
    const bad: string[] = [];
    const values = [-0, 0, -2.5, 2.5, 3];
    for (let s = 0; s < 90; s++) {
      const n = [20, HV3D_SMALL_BELOW - 1, HV3D_SMALL_BELOW, 131, 1500][s % 5]!;
      const g = 3 + rng.int(30);
      let points: P[];
      let ref: P = [1.1, 1.1, 1.1];
      if (s % 6 === 0) {
        points = Array.from({ length: n }, () => [rng.int(g), rng.int(g), rng.int(g)]);
        ref = [g, g, g];
      } else if (s % 6 === 1) points = Array.from({ length: n }, () => [rng.next(), rng.next(), rng.next()]);
      else if (s % 6 === 2) {
        points = Array.from({ length: n }, () => [0, 1, 2].map(() => (rng.int(3) === 0 ? rng.pick(values) : (rng.next() - 0.5) * 9)));
        ref = [5, 5, 5];
      } else points = pointSet('near-front', n, 3, s);
      for (let c = rng.int(n >> 2); c > 0; c--) points.push(rng.pick(points).slice());
      const want = oldHv3(points, ref);
      const small = hv3dSmall(pack(points, 3), ref64(ref));
      const ranked = hv3dRanked(pack(points, 3), ref64(ref));
      const dispatched = hv(points, ref);
      if (!closeRel(small, want, TOL)) bad.push(`set ${s} (n = ${points.length}): small ${small} want ${want}`);
      if (!closeRel(ranked, want, TOL)) bad.push(`set ${s} (n = ${points.length}): ranked ${ranked} want ${want}`);
      if (!closeRel(dispatched, want, TOL)) bad.push(`set ${s} (n = ${points.length}): hv3d ${dispatched} want ${want}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
  it('the small path reuses its scratch: a 3-point set after a 1,000-point set is worked by hand', () => {
    expect(hv3dSmall(pack(pointSet('near-front', 1000, 3, 1), 3), ref64([2, 2, 2]))).toBeGreaterThan(0);
    // the hand-worked staircase above: 14; one point: its box 2^3
    expect(hv3dSmall(pack([[0, 2, 2], [1, 1, 1], [2, 0, 0]], 3), ref64([3, 3, 3]))).toBe(14);
    expect(hv3dSmall(pack([[1, 1, 1]], 3), ref64([3, 3, 3]))).toBe(8);
  });
});

describe('hv3d and hvc3d on signs, zeros and magnitudes (the radix ranking of every path)', () => {
  it('40 sets of 30-6,000 points with negative coordinates, -0 next to 0, and magnitudes from 1e-300 to 1e3, against the pre-issue-18 sweep, 1e-12', () => {
    const rng = createRng(322);
    const bad: string[] = [];
    const values = [-0, 0, -1e-300, 1e-300, -2.5, 2.5, -1e3, 9.5, 3];
    for (let s = 0; s < 40; s++) {
      const n = [30, 63, 64, 500, 2047, 2048, 6000][s % 7]!;
      const points = Array.from({ length: n }, () =>
        [0, 1, 2].map(() => (rng.int(3) === 0 ? rng.pick(values) : Math.min(9.9, (rng.next() - 0.5) * 10 ** (rng.int(6) - 3)))),
      );
      const ref = [10, 10, 10];
      const want = oldHv3(points, ref);
      const got = hv(points, ref);
      if (!closeRel(got, want, TOL)) bad.push(`set ${s} (n = ${n}): hv ${got} want ${want}`);
      const wrong = mismatches(hvc(points, ref), oldContributions3(points, ref), want);
      if (wrong.length > 0) bad.push(`set ${s} (n = ${n}): ${wrong.length} contributions differ, first point ${wrong[0]}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

const DEAP_SCRIPT = `
import json, sys
from deap.tools._hypervolume import hv
req = json.load(sys.stdin)
vol = lambda pts, ref: float(hv.hypervolume(pts, ref)) if pts else 0.0
out = {"hv": [vol(c["points"], c["ref"]) for c in req["hv"]],
       "hvc": [[vol(c["points"], c["ref"]) - vol(c["points"][:i] + c["points"][i + 1:], c["ref"]) for i in range(len(c["points"]))] for c in req["hvc"]]}
json.dump(out, sys.stdout)
`;
const PYTHON = '/usr/bin/python3';
const haveDeap = spawnSync(PYTHON, ['-c', 'import deap.tools._hypervolume.hv'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!haveDeap)("hv3d and hvc3d against DEAP's C hypervolume (python3-deap)", () => {
  it('300 hypervolumes (10-3,000 points) and 40 sets of leave-one-out contributions (10-150 points), 1e-12', () => {
    const rng = createRng(321);
    const make = (s: number, n: number): { points: P[]; ref: P } => {
      const g = 4 + rng.int(30);
      const points =
        s % 3 === 0
          ? Array.from({ length: n }, () => [rng.int(g), rng.int(g), rng.int(g)])
          : s % 3 === 1
            ? pointSet('uniform', n, 3, s)
            : pointSet('concave', n, 3, s);
      for (let c = rng.int(4); c > 0; c--) points.push(rng.pick(points).slice());
      return { points, ref: s % 3 === 0 ? [g, g, g] : [1.1, 1.1, 1.1] };
    };
    const hvSets = Array.from({ length: 300 }, (_, s) => make(s, 10 + rng.int(s < 250 ? 300 : 3000)));
    const hvcSets = Array.from({ length: 40 }, (_, s) => make(s, 10 + rng.int(140)));
    const r = spawnSync(PYTHON, ['-c', DEAP_SCRIPT], {
      input: JSON.stringify({ hv: hvSets, hvc: hvcSets }),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    expect(r.stderr).toBe('');
    const deap = JSON.parse(r.stdout) as { hv: number[]; hvc: number[][] };
    const bad: string[] = [];
    hvSets.forEach(({ points, ref }, s) => {
      const got = hv(points, ref);
      if (!closeRel(got, deap.hv[s]!, TOL)) bad.push(`hv set ${s}: ${got} DEAP ${deap.hv[s]}`);
    });
    hvcSets.forEach(({ points, ref }, s) => {
      const got = hvc(points, ref);
      // DEAP's leave-one-out differences carry the cancellation error of two volumes (~1e-16 x HV)
      const wrong = mismatches(got, deap.hvc[s]!, hv(points, ref));
      if (wrong.length > 0) bad.push(`hvc set ${s}: point ${wrong[0]} ${got[wrong[0]!]} DEAP ${deap.hvc[s]![wrong[0]!]}`);
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

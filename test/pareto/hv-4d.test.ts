/**
 * The 4-D kernels hv4d (HV4D+) and hvc4d (HVC4D) called directly (kernel contract: lib/pareto/hv/packed.ts),
 * against the grid-cell brute force (test/pareto/brute.ts) on thousands of small seeded sets with ties
 * on every axis, copies and dominated points, against DEAP's C hypervolume on larger sets (one python
 * process), and against the WFG kernels (hv/wfg.ts, hv/hvc-wfg.ts) as a third implementation.
 * Agreement: 1e-12 relative (contributions relative to the set's hypervolume, which bounds their error).
 */
import { describe, expect, it } from 'vitest';
import { hv4d } from '../../lib/pareto/hv/hv4d.js';
import { hvc4d } from '../../lib/pareto/hv/hvc4d.js';
import { hvWfg } from '../../lib/pareto/hv/wfg.js';
import { hvcWfg } from '../../lib/pareto/hv/hvc-wfg.js';
import { pack, type Packed } from '../../lib/pareto/hv/packed.js';
import { pointSet } from '../../lib/bench/pointsets.js';
import { createRng } from '../../lib/rng.js';
import { SET_KINDS, bruteContributions, bruteHv, closeRel, insideRef, seededSet, type P } from './brute.js';
import { HAVE_DEAP, NO_DEAP_REASON, deapAnswers } from './deap.js';

const TOL = 1e-12;

function run(points: readonly P[], ref: readonly number[]): { hv: number; hvc: number[]; packed: Packed } {
  const packed = pack(points, 4);
  const before = packed.data.slice();
  const r = Float64Array.from(ref);
  const hv = hv4d(packed, r);
  const hvc = Array.from(hvc4d(packed, r));
  expect(packed.data).toEqual(before); // inputs never mutated
  expect(Array.from(r)).toEqual(ref);
  return { hv, hvc, packed };
}

describe('hv4d / hvc4d on hand-worked sets', () => {
  it('one box, two overlapping boxes, a dominated point and a copy', () => {
    const ref = [4, 4, 4, 4];
    expect(run([[1, 2, 3, 0]], ref).hv).toBe(3 * 2 * 1 * 4);
    // boxes 3*3*3*3 = 81 and 2*2*2*2 = 16 overlapping in 2*2*2*2 when one is (2,2,2,2) and the other (1,1,1,1): union 81
    expect(run([[1, 1, 1, 1], [2, 2, 2, 2]], ref)).toMatchObject({ hv: 81, hvc: [65, 0] });
    // (0,3,3,3) box 4*1*1*1 = 4, (3,0,3,3) box 1*4*1*1 = 4, overlap [3,4)^4 = 1: union 7, each alone 3
    expect(run([[0, 3, 3, 3], [3, 0, 3, 3]], ref)).toMatchObject({ hv: 7, hvc: [3, 3] });
    // a copy of each: both copies of a repeated point contribute 0, the volume is unchanged
    expect(run([[0, 3, 3, 3], [3, 0, 3, 3], [0, 3, 3, 3]], ref)).toMatchObject({ hv: 7, hvc: [0, 3, 0] });
    // (1,1,1,3) dominates-in-3-D (2,2,2,1) but is worse in w: (2,2,2,1)'s box 2^3*3 = 24, (1,1,1,3)'s 27*1 = 27,
    // overlap [2,4)^3 x [3,4) = 8: union 43; alone 16 and 19
    expect(run([[2, 2, 2, 1], [1, 1, 1, 3]], ref)).toMatchObject({ hv: 43, hvc: [16, 19] });
    // (3,0,3,3) (box 4) meets (1,1,1,1)'s box in [3,4)x[1,4)x[3,4)x[3,4) = 3, of which (2,2,2,2) covers 2:
    // (1,1,1,1) alone 81 - (16 + 3 - 2) = 64, (3,0,3,3) alone 4 - 3 = 1
    expect(run([[1, 1, 1, 1], [2, 2, 2, 2], [3, 0, 3, 3]], ref)).toMatchObject({ hv: 81 + 1, hvc: [64, 0, 1] });
  });
});

describe('hv4d / hvc4d against the grid-cell brute force', () => {
  it('3,200 seeded sets (integer grids, reals, fronts, integer fronts; copies, dominated points)', () => {
    const rng = createRng(4_004);
    const bad: string[] = [];
    let sets = 0;
    for (let t = 0; t < 3_200; t++) {
      const kind = SET_KINDS[t % SET_KINDS.length]!;
      const set = seededSet(rng, { m: 4, n: 1 + rng.int(7), kind });
      const points = insideRef(set.points, set.ref);
      if (points.length === 0) continue;
      sets++;
      const want = bruteHv(points, set.ref);
      const wantC = bruteContributions(points, set.ref);
      const { hv, hvc } = run(points, set.ref);
      if (!closeRel(hv, want, TOL)) bad.push(`hv ${kind} ${JSON.stringify(points)} ref ${set.ref}: ${hv} vs ${want}`);
      // exact zeros where the brute force finds none (weakly dominated points, copies)
      if (hvc.some((c, i) => (wantC[i] === 0 ? c !== 0 : !closeRel(c, wantC[i]!, TOL, want)))) {
        bad.push(`hvc ${kind} ${JSON.stringify(points)} ref ${set.ref}: ${hvc} vs ${wantC}`);
      }
    }
    expect(sets).toBeGreaterThan(2_500);
    expect(bad.slice(0, 3)).toEqual([]);
  });

  it('sets with 12..30 points on a 3x3x3x3 grid (many ties and copies per axis)', () => {
    const rng = createRng(44);
    for (let t = 0; t < 60; t++) {
      const n = 12 + rng.int(19);
      const points = Array.from({ length: n }, () => Array.from({ length: 4 }, () => rng.int(3)));
      const ref = [3, 3, 3, 3];
      const want = bruteHv(points, ref);
      const wantC = bruteContributions(points, ref);
      const { hv, hvc } = run(points, ref);
      expect(hv).toBe(want); // integers: exact
      expect(hvc).toEqual(wantC);
    }
  });
});

describe('hv4d / hvc4d against WFG (hv/wfg.ts, hv/hvc-wfg.ts)', () => {
  it('120 sets of 20..300 points (uniform, near-front, integer grids)', () => {
    const rng = createRng(404);
    for (let t = 0; t < 120; t++) {
      const n = 20 + rng.int(281);
      const shape = t % 3;
      const points =
        shape === 0
          ? pointSet('uniform', n, 4, 1000 + t)
          : shape === 1
            ? pointSet('concave', n, 4, 1000 + t)
            : Array.from({ length: n }, () => Array.from({ length: 4 }, () => rng.int(6) / 6));
      const ref = [1.1, 1.1, 1.1, 1.1];
      const packed = pack(points, 4);
      const r = Float64Array.from(ref);
      const want = hvWfg(packed, r);
      expect(closeRel(hv4d(packed, r), want, TOL)).toBe(true);
      if (n <= 120) {
        const wantC = hvcWfg(packed, r);
        const gotC = hvc4d(packed, r);
        const off = Array.from(gotC).findIndex((c, i) => !closeRel(c, wantC[i]!, TOL, want));
        expect(off).toBe(-1);
      }
    }
  });
});

describe.skipIf(!HAVE_DEAP)(`hv4d / hvc4d against DEAP 1.3 C hypervolume${HAVE_DEAP ? '' : ` (${NO_DEAP_REASON})`}`, () => {
  it('hv4d on 40 sets of 100..2,000 points and hvc4d on 6 sets (leave-one-out) agree to 1e-12', () => {
    const hvSets: { points: number[][]; ref: number[] }[] = [];
    for (let t = 0; t < 40; t++) {
      const n = 100 + ((t * 487) % 1_901);
      hvSets.push({ points: pointSet(t % 2 === 0 ? 'concave' : 'uniform', n, 4, 77 + t), ref: [1.1, 1.1, 1.1, 1.1] });
    }
    hvSets.push({ points: pointSet('concave', 131, 4, 131), ref: [1.1, 1.1, 1.1, 1.1] });
    const hvcSets = [0, 1, 2, 3, 4, 5].map((t) => ({ points: pointSet(t % 2 === 0 ? 'concave' : 'uniform', 40 + 10 * t, 4, 9 + t), ref: [1.1, 1.1, 1.1, 1.1] }));
    const answers = deapAnswers({ hv: hvSets, hvc: hvcSets });
    hvSets.forEach((set, k) => {
      const got = hv4d(pack(set.points, 4), Float64Array.from(set.ref));
      expect(closeRel(got, answers.hv[k]!, TOL), `set ${k}: ${got} vs DEAP ${answers.hv[k]}`).toBe(true);
    });
    hvcSets.forEach((set, k) => {
      const packed = pack(set.points, 4);
      const r = Float64Array.from(set.ref);
      const total = hv4d(packed, r);
      const got = hvc4d(packed, r);
      const want = answers.hvc[k]!;
      const off = Array.from(got).findIndex((c, i) => !closeRel(c, want[i]!, TOL, total));
      expect(off, `set ${k} point ${off}`).toBe(-1);
    });
  });
});

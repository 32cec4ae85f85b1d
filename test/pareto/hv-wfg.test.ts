/**
 * The WFG kernels (lib/pareto/hv/wfg.ts hvWfg, lib/pareto/hv/hvc-wfg.ts hvcWfg) called directly on packed
 * sets, against hand-worked volumes, the grid-cell brute force (test/pareto/brute.ts) on seeded sets of
 * m = 2..6 objectives with ties, copies and dominated points, and DEAP's C hypervolume on larger sets.
 */
import { describe, expect, it } from 'vitest';
import { pointSet } from '../../lib/bench/pointsets.js';
import { hvcWfg } from '../../lib/pareto/hv/hvc-wfg.js';
import { pack } from '../../lib/pareto/hv/packed.js';
import { hvWfg } from '../../lib/pareto/hv/wfg.js';
import { createRng } from '../../lib/rng.js';
import { SET_KINDS, bruteContributions, bruteHv, closeRel, seededSet } from './brute.js';
import { HAVE_DEAP, NO_DEAP_REASON, deapAnswers } from './deap.js';

type P = number[];

function run(points: P[], ref: P): { hv: number; hvc: number[] } {
  const m = ref.length;
  const packed = pack(points, m);
  const r = Float64Array.from(ref);
  return { hv: hvWfg(packed, r), hvc: Array.from(hvcWfg(packed, r)) };
}

/** A seeded set reduced to the kernel precondition: at least one point, every coordinate below ref. */
function kernelSet(seed: number, m: number, n: number, kind: (typeof SET_KINDS)[number]): { points: P[]; ref: P } {
  const rng = createRng(seed);
  for (;;) {
    const { points, ref } = seededSet(rng, { m, n, kind });
    const kept = points.filter((p) => p.every((v, j) => v < ref[j]!));
    if (kept.length > 0) return { points: kept, ref };
  }
}

describe('hvWfg and hvcWfg, worked by hand', () => {
  it('one 5-D point (0,0,0,0,0), ref (1,2,3,4,5): its box, 120; its contribution, 120', () => {
    const { hv, hvc } = run([[0, 0, 0, 0, 0]], [1, 2, 3, 4, 5]);
    expect(hv).toBe(120);
    expect(hvc).toEqual([120]);
  });
  it('the five 5-D points with 0 in one objective and 1 elsewhere, ref 2^5: [1,2)^5 plus one slab each, 1 + 5 = 6; each contributes its slab, 1', () => {
    const points = [0, 1, 2, 3, 4].map((k) => [1, 1, 1, 1, 1].map((v, j) => (j === k ? 0 : v)));
    const { hv, hvc } = run(points, [2, 2, 2, 2, 2]);
    expect(hv).toBe(6);
    expect(hvc).toEqual([1, 1, 1, 1, 1]);
  });
  it('6-D: (0,...,0) with a copy and a dominated (1,...,1), ref 2^6: volume 64; the copies and the dominated point contribute 0', () => {
    const z = [0, 0, 0, 0, 0, 0];
    const { hv, hvc } = run([z, [1, 1, 1, 1, 1, 1], z.slice()], [2, 2, 2, 2, 2, 2]);
    expect(hv).toBe(64);
    expect(hvc).toEqual([0, 0, 0]);
  });
  it('5-D: (0,0,0,0,1) and (1,1,1,1,0), ref 2^5: boxes 16 and 2 overlapping in [1,2)^5, 16 + 2 - 1 = 17; contributions 16 - 1 = 15 and 2 - 1 = 1', () => {
    const { hv, hvc } = run([[0, 0, 0, 0, 1], [1, 1, 1, 1, 0]], [2, 2, 2, 2, 2]);
    expect(hv).toBe(17);
    expect(hvc).toEqual([15, 1]);
  });
  it('leaves the points and the reference as they were', () => {
    const packed = pack([[0.5, 0.1, 0.3, 0.2, 0.9], [0.1, 0.5, 0.3, 0.9, 0.2], [0.3, 0.3, 0.1, 0.5, 0.5]], 5);
    const before = Array.from(packed.data);
    const ref = Float64Array.from([1, 1, 1, 1, 1]);
    hvWfg(packed, ref);
    hvcWfg(packed, ref);
    expect(Array.from(packed.data)).toEqual(before);
    expect(Array.from(ref)).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('hvWfg and hvcWfg agree with the grid-cell brute force to 1e-12 relative', () => {
  // sizes keep the O(N^m) brute force quick; 'steps' and 'grid' bring ties in every objective and copies
  const SIZES: Record<number, { n: number; sets: number }> = {
    2: { n: 14, sets: 200 },
    3: { n: 11, sets: 200 },
    4: { n: 9, sets: 160 },
    5: { n: 7, sets: 120 },
    6: { n: 5, sets: 60 },
  };
  for (const m of [2, 3, 4, 5, 6]) {
    for (const kind of SET_KINDS) {
      it(`m = ${m}, ${kind} sets`, () => {
        const { n, sets } = SIZES[m]!;
        let checked = 0;
        for (let s = 0; s < sets; s++) {
          const { points, ref } = kernelSet(1000 * m + 17 * s + SET_KINDS.indexOf(kind), m, 1 + (s % n), kind);
          const { hv, hvc } = run(points, ref);
          const want = bruteHv(points, ref);
          expect(closeRel(hv, want, 1e-12), `hv of ${JSON.stringify(points)} ref ${JSON.stringify(ref)}: ${hv} vs ${want}`).toBe(true);
          const wantC = bruteContributions(points, ref);
          for (let i = 0; i < points.length; i++) {
            expect(closeRel(hvc[i]!, wantC[i]!, 1e-12, want), `contribution ${i} of ${JSON.stringify(points)} ref ${JSON.stringify(ref)}`).toBe(true);
          }
          checked++;
        }
        expect(checked).toBe(sets);
      });
    }
  }
});

if (!HAVE_DEAP) console.warn(NO_DEAP_REASON);

describe.skipIf(!HAVE_DEAP)('hvWfg and hvcWfg agree with DEAP 1.3 C hypervolume on larger sets', () => {
  it('uniform and near-front sets, m = 5 and 6, up to 300 points: volumes and leave-one-out contributions', () => {
    const sets: { points: P[]; ref: P }[] = [];
    for (const kind of ['uniform', 'concave'] as const) {
      for (const [m, n] of [[5, 300], [5, 120], [6, 150], [6, 60], [7, 40]] as const) {
        sets.push({ points: pointSet(kind, n, m, 31 * n + m), ref: new Array<number>(m).fill(1.1) });
      }
    }
    const small = sets.filter((s) => s.points.length <= 120);
    const deap = deapAnswers({ hv: sets, hvc: small });
    sets.forEach(({ points, ref }, k) => {
      const got = hvWfg(pack(points, ref.length), Float64Array.from(ref));
      expect(closeRel(got, deap.hv[k]!, 1e-12), `set ${k}: ${got} vs DEAP ${deap.hv[k]}`).toBe(true);
    });
    small.forEach(({ points, ref }, k) => {
      const got = hvcWfg(pack(points, ref.length), Float64Array.from(ref));
      const total = hvWfg(pack(points, ref.length), Float64Array.from(ref));
      // DEAP's contributions are differences of two volumes: agreement is relative to the set's volume
      points.forEach((_, i) => expect(closeRel(got[i]!, deap.hvc[k]![i]!, 1e-12, total), `set ${k} point ${i}`).toBe(true));
      expect(got.some((c) => c > 0)).toBe(true);
    });
  });
});

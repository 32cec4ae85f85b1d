/**
 * HypervolumeTracker (lib/pareto/hv/incremental.ts) against independent answers: after every add, its
 * value equals the grid-cell brute force of the points added so far (small seeded sequences, m = 1..6,
 * with ties, copies, dominated points, points on or beyond the reference and ±Infinity) and, on long
 * sequences, the public `hypervolume` of the prefix (a different path: whole-set kernels, themselves
 * checked against brute force and DEAP in crosscheck-hv.test.ts). 1e-12 relative: the tracker sums
 * one exclusive volume per add, so its rounding grows with the number of adds (~k eps after k adds,
 * far below 1e-12 for the few hundred adds here).
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { HypervolumeTracker } from '../../lib/pareto/hv/incremental.js';
import { hypervolume } from '../../lib/pareto/hypervolume.js';
import { createRng } from '../../lib/rng.js';
import { bruteFront, bruteHv, closeRel, insideRef, seededSet, SET_KINDS } from './brute.js';
import { expectNoFailures, infinitiesFor, TOL } from './check.js';


/** Distinct non-dominated points among those strictly below ref (what the tracker keeps). */
function keptCount(points: readonly number[][], ref: readonly number[]): number {
  const inside = insideRef(points, ref);
  return new Set(bruteFront(inside).map((i) => inside[i]!.join(','))).size;
}

const seq = (points: number[][]): string => `[${points.map((p) => `[${p.map(String).join(',')}]`).join(',')}]`;

describe('HypervolumeTracker, worked by hand', () => {
  it('(0,1) then (1,0) then a copy and a dominated point, ref (2,2): 2, 3, 3, 3', () => {
    const t = new HypervolumeTracker([2, 2]);
    expect(t.value).toBe(0);
    expect([[0, 1], [1, 0], [1, 0], [1, 1]].map((p) => t.add(p))).toEqual([2, 3, 3, 3]);
    expect(t.size).toBe(2);
  });
  it('3-D unit vectors with ref 2: 4, 6, 7 (the union is [0,2)^3 minus [0,1)^3); a point on the reference adds 0', () => {
    const t = new HypervolumeTracker([2, 2, 2]);
    expect([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 2, 0]].map((p) => t.add(p))).toEqual([4, 6, 7, 7]);
    // the origin dominates all three: [0,2)^3
    expect(t.add([0, 0, 0])).toBe(8);
    expect(t.size).toBe(1);
  });
  it('-Infinity inside the reference makes the value Infinity from then on', () => {
    const t = new HypervolumeTracker([1, 1, 1, 1]);
    expect(t.add([0, 0, 0, 0])).toBe(1);
    expect(t.add([-Infinity, 0, 0, 2])).toBe(1); // beyond ref in objective 3: ignored
    expect(t.add([-Infinity, 0.5, 0.5, 0.5])).toBe(Infinity);
    expect(t.add([0, 0, 0, 0])).toBe(Infinity);
  });
  it('bad input: one InputError naming the field', () => {
    const field = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof InputError ? e.field : 'not an InputError';
      }
      return undefined;
    };
    expect(field(() => new HypervolumeTracker([]))).toBe('ref');
    expect(field(() => new HypervolumeTracker([1, Infinity]))).toBe('ref[1]');
    expect(field(() => new HypervolumeTracker([1, 1]).add([0, NaN]))).toBe('point[1]');
    expect(field(() => new HypervolumeTracker([1, 1]).add([0, 0, 0]))).toBe('point');
  });
});

describe('HypervolumeTracker after every add equals the brute force of the prefix, m = 1..6', () => {
  const plan: [m: number, sequences: number, maxN: number][] = [
    [1, 200, 12],
    [2, 400, 12],
    [3, 300, 9],
    [4, 250, 7],
    [5, 150, 6],
    [6, 100, 5],
  ];
  for (const [m, sequences, maxN] of plan) {
    it(`m = ${m}: ${sequences} seeded sequences (grid, real, front, steps; copies, beyond ref, ±Infinity)`, () => {
      const rng = createRng(18_400 + m);
      const bad: string[] = [];
      for (let s = 0; s < sequences; s++) {
        const infinities = infinitiesFor(s);
        const { points, ref } = seededSet(rng, { m, n: 1 + rng.int(maxN), kind: SET_KINDS[s % SET_KINDS.length]!, infinities });
        const t = new HypervolumeTracker(ref);
        for (let k = 1; k <= points.length; k++) {
          const got = t.add(points[k - 1]!);
          const want = bruteHv(points.slice(0, k), ref);
          if (!closeRel(got, want, TOL) || t.value !== got) {
            bad.push(`after ${k} of ${seq(points)} ref ${seq([ref])}: want ${want}, got ${got}`);
            break;
          }
          if (t.size !== keptCount(points.slice(0, k), ref)) {
            bad.push(`size after ${k} of ${seq(points)} ref ${seq([ref])}: want ${keptCount(points.slice(0, k), ref)}, got ${t.size}`);
            break;
          }
        }
      }
      expectNoFailures(bad, 'sequences');
    });
  }
});

describe('HypervolumeTracker on long sequences equals hypervolume() of every prefix', () => {
  const plan: [m: number, sequences: number, n: number][] = [
    [2, 6, 600],
    [3, 6, 300],
    [4, 4, 150],
    [5, 3, 80],
    [6, 2, 40],
  ];
  for (const [m, sequences, n] of plan) {
    it(`m = ${m}: ${sequences} sequences of ${n} drawn points (every kind), checked after every add`, () => {
      const rng = createRng(18_450 + m);
      const bad: string[] = [];
      for (let s = 0; s < sequences; s++) {
        const set = seededSet(rng, { m, n, kind: SET_KINDS[s % SET_KINDS.length]! });
        const t = new HypervolumeTracker(set.ref);
        for (let k = 1; k <= set.points.length; k++) {
          const got = t.add(set.points[k - 1]!);
          const want = hypervolume(set.points.slice(0, k), set.ref);
          if (!closeRel(got, want, TOL)) {
            bad.push(`${set.kind} sequence ${s}, after ${k} adds: hypervolume() ${want}, tracker ${got}`);
            break;
          }
        }
      }
      expect(bad).toEqual([]);
    });
  }
});

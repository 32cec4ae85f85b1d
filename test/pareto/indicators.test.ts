import { thrownInputError as thrown } from '../helpers.js';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { additiveEpsilon, gd, igd, igdPlus } from '../../lib/pareto/indicators.js';
import { createRng } from '../../lib/rng.js';
import type { Rng } from '../../lib/rng.js';

function randomSet(rng: Rng, n: number, m: number): number[][] {
  // a third of the coordinates on the integer grid 0..3, for ties
  return Array.from({ length: n }, () => Array.from({ length: m }, () => (rng.int(3) === 0 ? rng.int(4) : rng.next() * 4)));
}


describe('additive epsilon, worked by hand', () => {
  it('A = {(1,2)}, B = {(0,3)}: max(1 - 0, 2 - 3) = 1', () => {
    expect(additiveEpsilon([[1, 2]], [[0, 3]])).toBe(1);
  });
  it('A = {(0,0)}, B = {(1,1),(2,0)}: b = (1,1) gives max(-1,-1) = -1, b = (2,0) gives max(-2,0) = 0; max = 0', () => {
    expect(additiveEpsilon([[0, 0]], [[1, 1], [2, 0]])).toBe(0);
  });
  it('A = {(1,3),(3,1)}, B = {(2,2)}: min(max(-1,1), max(1,-1)) = 1, and I(B, A) = 1 too', () => {
    expect(additiveEpsilon([[1, 3], [3, 1]], [[2, 2]])).toBe(1);
    expect(additiveEpsilon([[2, 2]], [[1, 3], [3, 1]])).toBe(1);
  });
  it('A strictly better by 0.5 everywhere: -0.5', () => {
    expect(additiveEpsilon([[0.5, 1.5, 2.5]], [[1, 2, 3]])).toBe(-0.5);
  });
});

describe('additive epsilon, properties on random sets', () => {
  it('I(A, A) = 0; A weakly dominating B gives <= 0; shifting A by -d lowers it by d', () => {
    const rng = createRng(11);
    for (let s = 0; s < 500; s++) {
      const m = 1 + rng.int(5);
      const a = randomSet(rng, 1 + rng.int(12), m);
      expect(additiveEpsilon(a, a)).toBe(0);
      const b = a.map((p) => p.map((v) => v + (rng.int(2) === 0 ? 0 : rng.next())));
      expect(additiveEpsilon(a, b)).toBeLessThanOrEqual(0);
      const c = randomSet(rng, 1 + rng.int(12), m);
      const d = rng.int(5) / 4;
      expect(additiveEpsilon(a.map((p) => p.map((v) => v - d)), c)).toBeCloseTo(additiveEpsilon(a, c) - d, 12);
      // any B: I(A, B) <= 0 iff every b is weakly dominated by some a
      const covered = c.every((q) => a.some((p) => p.every((v, j) => v <= q[j]!)));
      expect(additiveEpsilon(a, c) <= 0).toBe(covered);
    }
  });
});

describe('IGD, IGD+ and GD, worked by hand', () => {
  it('IGD: approx {(0,0)}, reference {(3,4),(0,1)}: distances 5 and 1, mean 3', () => {
    expect(igd([[0, 0]], [[3, 4]])).toBe(5);
    expect(igd([[0, 0]], [[3, 4], [0, 1]])).toBe(3);
  });
  it('IGD uses the nearest approximation point: approx {(0,0),(3,4)}, reference {(3,4),(0,1)}: (0 + 1)/2', () => {
    expect(igd([[0, 0], [3, 4]], [[3, 4], [0, 1]])).toBe(0.5);
  });
  it('IGD+: approx {(1,1)}, reference {(0,2),(2,0)}: only the worse coordinate counts, 1 each (IGD: sqrt 2)', () => {
    expect(igdPlus([[1, 1]], [[0, 2], [2, 0]])).toBe(1);
    expect(igd([[1, 1]], [[0, 2], [2, 0]])).toBe(Math.SQRT2);
  });
  it('IGD+ is 0 when the approximation dominates the reference; IGD is not', () => {
    expect(igdPlus([[0, 0]], [[1, 2], [2, 1]])).toBe(0);
    expect(igd([[0, 0]], [[1, 2], [2, 1]])).toBe(Math.sqrt(5));
  });
  it('GD averages over the approximation: approx {(0,0),(3,4)}, reference {(0,0)}: (0 + 5)/2', () => {
    expect(gd([[0, 0], [3, 4]], [[0, 0]])).toBe(2.5);
    expect(igd([[0, 0], [3, 4]], [[0, 0]])).toBe(0);
  });
});

describe('IGD, IGD+ and GD, properties', () => {
  it('IGD(A, A) = IGD+(A, A) = GD(A, A) = 0; IGD+ <= IGD; IGD(A, B) = GD(B, A)', () => {
    const rng = createRng(12);
    for (let s = 0; s < 500; s++) {
      const m = 1 + rng.int(5);
      const a = randomSet(rng, 1 + rng.int(12), m);
      const b = randomSet(rng, 1 + rng.int(12), m);
      expect(igd(a, a)).toBe(0);
      expect(igdPlus(a, a)).toBe(0);
      expect(gd(a, a)).toBe(0);
      expect(igdPlus(a, b)).toBeLessThanOrEqual(igd(a, b));
      expect(igd(a, b)).toBe(gd(b, a));
      // IGD+ is 0 exactly when every reference point is weakly dominated by an approximation point
      const covered = b.every((q) => a.some((p) => p.every((v, j) => v <= q[j]!)));
      expect(igdPlus(a, b) === 0).toBe(covered);
    }
  });
});

describe('edge cases', () => {
  it('one-point sets', () => {
    expect(additiveEpsilon([[2]], [[5]])).toBe(-3);
    expect(igd([[2]], [[5]])).toBe(3);
    expect(igdPlus([[2]], [[5]])).toBe(0);
    expect(gd([[2]], [[5]])).toBe(3);
  });
  it('empty sets: the set searched may be empty (Infinity); the set averaged or maximised over may not', () => {
    expect(additiveEpsilon([], [[1, 1]])).toBe(Infinity);
    expect(igd([], [[1, 1]])).toBe(Infinity);
    expect(igdPlus([], [[1, 1]])).toBe(Infinity);
    expect(gd([[1, 1]], [])).toBe(Infinity);
    expect(thrown(() => additiveEpsilon([[1, 1]], [])).field).toBe('b');
    expect(thrown(() => igd([[1, 1]], [])).field).toBe('reference');
    expect(thrown(() => igdPlus([], [])).field).toBe('reference');
    expect(thrown(() => gd([], [[1, 1]])).field).toBe('approx');
  });
  it('infinite coordinates: equal infinities differ by 0, others propagate', () => {
    const a = [
      [Infinity, 0],
      [0, -Infinity],
    ];
    expect(additiveEpsilon(a, a)).toBe(0);
    expect(igd(a, a)).toBe(0);
    expect(gd(a, a)).toBe(0);
    expect(additiveEpsilon([[Infinity, 0]], [[0, 0]])).toBe(Infinity);
    expect(additiveEpsilon([[-Infinity, 0]], [[0, 0]])).toBe(0);
    expect(igd([[Infinity, 0]], [[0, 0]])).toBe(Infinity);
    expect(igdPlus([[-Infinity, 0]], [[0, 0]])).toBe(0); // better by infinitely much is no penalty
    expect(gd([[0, 0], [1, 1]], [[Infinity, Infinity], [0, 0]])).toBe(Math.SQRT2 / 2);
  });
  it('NaN names the set, the point and the objective; dimensions must agree', () => {
    const e = thrown(() => igd([[0, 0]], [[1, 1], [2, NaN]]));
    expect(e.field).toBe('reference[1][1]');
    expect(e.message).toBe('reference[1][1]: got NaN; allowed: a number (±Infinity allowed, NaN not)');
    expect(thrown(() => additiveEpsilon([[NaN, 0]], [[0, 0]])).field).toBe('a[0][0]');
    expect(thrown(() => gd([[0, 0], [0, 0, 0]], [[0, 0]])).field).toBe('approx[1]');
    expect(thrown(() => igdPlus([[0, 0]], [[0, 0, 0]])).field).toBe('reference[0]');
    expect(thrown(() => additiveEpsilon([[0, 0]], [[0]])).field).toBe('b[0]');
  });
});

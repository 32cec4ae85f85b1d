import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { createRng } from '../../lib/rng.js';
import { exactUpperTail, mannWhitneyU, MAX_EXACT_CELLS } from '../../lib/stats/mann-whitney.js';
import { close, HAVE_SCIPY, sample, scipy } from './scipy.js';

/** U of every way to give m of the ranks 1..m+n to the first sample (by enumeration: the null distribution, no formula). */
function enumerateU(m: number, n: number): number[] {
  const us: number[] = [];
  const pick = (start: number, left: number, sum: number) => {
    if (left === 0) { us.push(sum - (m * (m + 1)) / 2); return; }
    for (let r = start; r <= m + n - left + 1; r++) pick(r + 1, left - 1, sum + r);
  };
  pick(1, m, 0);
  return us;
}

/** Pairs a > b, a = b by counting all n1 n2 pairs. */
function countPairs(a: number[], b: number[]): { greater: number; equal: number; less: number } {
  let greater = 0, equal = 0, less = 0;
  for (const x of a) for (const y of b) { if (x > y) greater++; else if (x === y) equal++; else less++; }
  return { greater, equal, less };
}

describe('Mann-Whitney U, worked by hand', () => {
  it('3 x 3 by enumeration: the 20 splits of ranks 1..6; a = 1 2 3 vs b = 4 5 6 has U1 = 0, p = 2 / 20', () => {
    const us = enumerateU(3, 3);
    expect(us).toHaveLength(20);
    for (let u = 0; u <= 9; u++) expect(exactUpperTail(u, 3, 3)).toBeCloseTo(us.filter((v) => v >= u).length / 20, 15);
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(r).toMatchObject({ u: 0, method: 'exact', n1: 3, n2: 3, effect: { cliffsDelta: -1, a12: 0 } });
    expect(r.p).toBeCloseTo(0.1, 15); // the smallest two-sided p of 3 vs 3 runs
    expect(mannWhitneyU([4, 5, 6], [1, 2, 3]).u).toBe(9);
  });
  it('the exact tail equals enumeration for every u of unequal sizes up to 5 x 7', () => {
    for (const [m, n] of [[1, 1], [1, 4], [2, 5], [4, 3], [5, 7]] as const) {
      const us = enumerateU(m, n);
      for (let u = 0; u <= m * n; u++) expect(close(exactUpperTail(u, m, n), us.filter((v) => v >= u).length / us.length, 1e-15)).toBe(true);
    }
  });
  it('effect sizes count pairs: Cliff delta = P(a > b) - P(a < b), A12 = P(a > b) + P(a = b) / 2', () => {
    const a = [1, 3, 3, 7], b = [3, 0, 2];
    // 1: > 0, < 3, < 2; each 3: > 0, > 2, = 3; 7: > all three -> greater 1 + 2 + 2 + 3 = 8, equal 2, less 2
    const c = countPairs(a, b);
    expect(c).toEqual({ greater: 8, equal: 2, less: 2 });
    const r = mannWhitneyU(a, b);
    expect(r.u).toBe(9); // 8 + 2 / 2
    expect(r.effect.cliffsDelta).toBeCloseTo((8 - 2) / 12, 15);
    expect(r.effect.a12).toBeCloseTo(9 / 12, 15);
    expect(r.method).toBe('asymptotic'); // ties
  });
  it('all-tied input: no difference, p = 1 (asymptotic: s = 0)', () => {
    expect(mannWhitneyU([2, 2, 2], [2, 2])).toMatchObject({ u: 3, p: 1, method: 'asymptotic', effect: { cliffsDelta: 0, a12: 0.5 } });
  });
  it('bad input: empty sample, non-finite value, unknown method, exact beyond the table bound', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(InputError);
    expect(() => mannWhitneyU([1], [], { names: { a: 'random', b: 'evolution' } })).toThrow(/^evolution: got no values; allowed: at least one finite number$/);
    expect(() => mannWhitneyU([1, Number.NaN], [2])).toThrow(/^a\[1\]: got NaN; allowed: a finite number$/);
    expect(() => mannWhitneyU([1], [2], { method: 'fast' as 'exact' })).toThrow(/^method: got "fast"; allowed: auto, exact or asymptotic$/);
    const big = Array.from({ length: 200 }, (_, i) => i);
    expect(() => mannWhitneyU(big, big.map((v) => v + 0.5), { method: 'exact' })).toThrow(new RegExp(`exact needs n1\\*n2 <= ${MAX_EXACT_CELLS}, got 200\\*200`));
  });
});

describe.skipIf(!HAVE_SCIPY)('Mann-Whitney U against scipy 1.10.1 (mannwhitneyu, two-sided, use_continuity=True)', () => {
  it('auto / exact / asymptotic on tied and untied samples, n = 1..14, the 8-sample boundary: U and p equal within 1e-9', () => {
    const rng = createRng(20);
    const cases: { a: number[]; b: number[]; method: 'auto' | 'exact' | 'asymptotic' }[] = [];
    const sizes: [number, number][] = [[1, 1], [1, 5], [2, 2], [3, 3], [3, 4], [5, 5], [7, 8], [8, 8], [8, 9], [9, 8], [9, 9], [8, 30], [12, 14], [4, 40]];
    for (const [n1, n2] of sizes) {
      for (const method of ['auto', 'exact', 'asymptotic'] as const) {
        cases.push({ a: sample(rng, n1, { real: true, lo: -10, hi: 10 }), b: sample(rng, n2, { real: true, lo: -8, hi: 12 }), method }); // no ties
        cases.push({ a: sample(rng, n1, { lo: -2, hi: 3 }), b: sample(rng, n2, { lo: 0, hi: 4 }), method }); // ties
      }
      const a = sample(rng, n1, { real: true, lo: 0, hi: 1 });
      cases.push({ a, b: sample(rng, n2, { real: true, lo: 0.5, hi: 1.5 }), method: 'auto' }); // shifted
    }
    cases.push({ a: [1, 2, 3], b: [4, 5, 6], method: 'auto' }, { a: [5, 5, 5], b: [5, 5], method: 'auto' }, { a: [1, 2, 3, 4, 5, 6, 7, 8], b: [9, 10, 11, 12, 13, 14, 15, 16, 17], method: 'auto' });
    const expected = scipy<[number, number][]>(`out([list(stats.mannwhitneyu(c['a'], c['b'], method=c['method'])) for c in data])`, cases);
    const bad: string[] = [];
    const methods = new Set<string>();
    cases.forEach((c, i) => {
      const [u, p] = expected[i] as [number, number];
      const r = mannWhitneyU(c.a, c.b, { method: c.method });
      methods.add(`${c.a.length}x${c.b.length} ${c.method}->${r.method}`);
      if (!close(r.u, u) || !close(r.p, p)) bad.push(`case ${i} ${c.a.length}x${c.b.length} ${c.method}: got U ${r.u} p ${r.p} (${r.method}), scipy U ${u} p ${p}`);
    });
    expect(bad).toEqual([]);
    // the 'auto' rule: exact up to 8 in either sample (untied), asymptotic from 9 and 9
    expect(methods).toContain('8x9 auto->exact');
    expect(methods).toContain('9x8 auto->exact');
    expect(methods).toContain('9x9 auto->asymptotic');
    expect(methods).toContain('8x30 auto->exact');
  });
});

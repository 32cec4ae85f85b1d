import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { createRng } from '../../lib/rng.js';
import { kendallTauB, pearson, rank, spearman } from '../../lib/stats/rank-correlation.js';
import { close, HAVE_SCIPY, sample, scipy } from './scipy.js';

/** Tau-b by counting every pair (O(n^2)): the definition, a second implementation. */
function tauByPairs(x: number[], y: number[]): number {
  let c = 0, d = 0, tx = 0, ty = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const sx = Math.sign((x[j] as number) - (x[i] as number));
    const sy = Math.sign((y[j] as number) - (y[i] as number));
    if (sx === 0) tx++;
    if (sy === 0) ty++;
    if (sx * sy > 0) c++;
    else if (sx * sy < 0) d++;
  }
  const p = (n * (n - 1)) / 2;
  return (c - d) / Math.sqrt((p - tx) * (p - ty));
}

describe('rank correlation, worked by hand', () => {
  it('average ranks for ties (scipy rankdata "average")', () => {
    expect(rank([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(rank([3, 3, 3])).toEqual([2, 2, 2]);
    expect(rank([-1, -2, 7, -2, 7, 7])).toEqual([3, 1.5, 5, 1.5, 5, 5]);
  });
  it('tau-b by counting pairs: x = 1 2 2 3, y = 1 3 2 2', () => {
    // pairs (6): (1,2) C, (1,3) C, (1,4) C, (2,3) tied in x, (2,4) y 3 > 2 while x 2 < 3: D, (3,4) tied in y
    // C = 3, D = 1, T_x = 1, T_y = 1: tau-b = 2 / sqrt(5 * 5) = 0.4
    expect(kendallTauB([1, 2, 2, 3], [1, 3, 2, 2])).toBeCloseTo(0.4, 15);
    // Spearman: ranks x 1 2.5 2.5 4, y 1 4 2.5 2.5, deviations from 2.5: (-1.5 0 0 1.5), (-1.5 1.5 0 0)
    // -> sum of products 2.25 over sqrt(4.5 * 4.5) = 0.5
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 2])).toBeCloseTo(0.5, 15);
  });
  it('Knight O(n log n) tau-b equals counting every pair, on tied random data', () => {
    const rng = createRng(11);
    for (let t = 0; t < 200; t++) {
      const n = 2 + rng.int(60);
      const x = sample(rng, n, { lo: 0, hi: 1 + rng.int(8) });
      const y = sample(rng, n, { lo: -3, hi: rng.int(8) });
      expect(close(kendallTauB(x, y), tauByPairs(x, y), 1e-12)).toBe(true);
    }
  });
  it('NaN where scipy gives nan: n < 2, a constant sample', () => {
    for (const f of [pearson, spearman, kendallTauB]) {
      expect(f([], [])).toBeNaN();
      expect(f([1], [2])).toBeNaN();
      expect(f([1, 1, 1], [1, 2, 3])).toBeNaN();
      expect(f([1, 2, 3], [4, 4, 4])).toBeNaN();
    }
    expect([pearson([1, 2], [3, 1]), spearman([1, 2], [3, 1]), kendallTauB([1, 2], [3, 1])]).toEqual([-1, -1, -1]);
  });
  it('unequal lengths and non-finite values are input errors naming the sample', () => {
    expect(() => spearman([1, 2], [1])).toThrow(InputError);
    expect(() => spearman([1, 2], [1], { names: { x: 'naswot', y: 'accuracy' } })).toThrow(/^accuracy: got 1 values; allowed: as many values as naswot \(2\)$/);
    expect(() => kendallTauB([1, Number.NaN], [1, 2])).toThrow(/^x\[1\]: got NaN; allowed: a finite number$/);
    expect(() => pearson([1, 2], [1, Infinity], { names: { x: 'a', y: 'b' } })).toThrow(/^b\[1\]: got Infinity/);
  });
});

describe.skipIf(!HAVE_SCIPY)('rank correlation against scipy 1.10.1 (spearmanr, kendalltau, pearsonr)', () => {
  it('n = 2..50, tied integers and negatives, reals, constant samples: equal within 1e-9', () => {
    const rng = createRng(2026);
    const cases: { x: number[]; y: number[] }[] = [];
    for (let n = 2; n <= 50; n++) {
      cases.push({ x: sample(rng, n, { lo: -3, hi: 3 }), y: sample(rng, n, { lo: -2, hi: 4 }) }); // many ties
      cases.push({ x: sample(rng, n, { real: true, lo: -100, hi: 100 }), y: sample(rng, n, { real: true, lo: -1, hi: 1 }) });
      const x = sample(rng, n, { real: true });
      cases.push({ x, y: x.map((v) => Math.round(2 * v + rng.next())) }); // strong, tied y
    }
    cases.push({ x: [1, 1, 1, 1], y: [1, 2, 3, 4] }, { x: [5, 5], y: [5, 5] }, { x: [2, 1], y: [1, 2] });
    const expected = scipy<[number, number, number][]>(
      `out([[stats.spearmanr(c['x'], c['y'])[0], stats.kendalltau(c['x'], c['y'])[0],
             stats.pearsonr(c['x'], c['y'])[0] if len(set(c['x'])) > 1 and len(set(c['y'])) > 1 else float('nan')] for c in data])`,
      cases,
    );
    const bad: string[] = [];
    cases.forEach((c, i) => {
      const [s, k, p] = expected[i] as [number, number, number];
      const got = [spearman(c.x, c.y), kendallTauB(c.x, c.y), pearson(c.x, c.y)];
      if (!close(got[0] as number, s) || !close(got[1] as number, k) || !close(got[2] as number, p)) bad.push(`case ${i} n=${c.x.length}: got ${got}, scipy ${[s, k, p]}`);
    });
    expect(bad).toEqual([]);
    // scipy's nan cases are exactly the constant samples
    const constant = (v: number[]) => v.every((e) => e === v[0]);
    expect(cases.map((c, i) => [i, Number.isNaN((expected[i] as number[])[0])])).toEqual(cases.map((c, i) => [i, constant(c.x) || constant(c.y)]));
  });
});

describe.skipIf(!HAVE_SCIPY)('Pearson r of values near 1e-300 and 1e308 (scale-free: scipy.stats.pearsonr of the same values times a power of 2)', () => {
  it('the sums of squares neither underflow to 0 nor overflow: r is scipy\'s r of the rescaled values', () => {
    const rng = createRng(20);
    const cases: { x: number[]; y: number[]; kx: number; ky: number }[] = [];
    for (const [kx, ky] of [[-1000, 0], [1015, 0], [-990, 1000], [1019, -1010], [0, 0]] as const) {
      const x = sample(rng, 9, { real: true }).map((v) => v * 2 ** kx);
      const y = sample(rng, 9, { real: true }).map((v) => v * 2 ** ky);
      cases.push({ x, y, kx, ky });
    }
    cases.push({ x: [0, 5e-300, 0, 1e-300], y: [7, 7, 1, 3], kx: -990, ky: 0 }); // scipy itself: 0.5134; simple-statistics alone: 1
    cases.push({ x: [1e308, -1e308, 1.7e308, 4], y: [2, 3, 4, 1], kx: 1000, ky: 0 }); // scipy itself: 0 (its mean overflows); alone: NaN
    const want = scipy<number[]>('out([stats.pearsonr(np.ldexp(np.array(c["x"]), -c["kx"]), np.ldexp(np.array(c["y"]), -c["ky"]))[0] for c in data])', cases);
    cases.forEach((c, i) => {
      const r = pearson(c.x, c.y);
      expect(close(r, want[i] as number, 1e-12), `case ${i}: ${r} vs scipy ${want[i]}`).toBe(true);
    });
    expect(close(want[5] as number, 0.5134360308102702, 1e-12)).toBe(true);
    // Spearman is Pearson of ranks: unaffected by the scale
    expect(spearman(cases[1]!.x, cases[1]!.y)).toBe(spearman(cases[1]!.x.map((v) => v * 2 ** -1015), cases[1]!.y));
  });
});

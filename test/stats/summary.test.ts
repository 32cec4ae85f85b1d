import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { createRng } from '../../lib/rng.js';
import { mean, median, quantile, QUANTILE_RULE, sampleSd } from '../../lib/stats/summary.js';
import { close, HAVE_SCIPY, sample, scipy } from './scipy.js';

/**
 * The rule as QUANTILE_RULE states it, written again from the sentence (a second implementation):
 * h = n * p in double precision, 1-based order statistics.
 */
function byTheRule(values: number[], p: number): number {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  const at = (k: number) => x[k - 1] as number;
  if (p === 0) return at(1);
  if (p === 1) return at(n);
  const h = n * p;
  if (!Number.isInteger(h)) return at(Math.ceil(h));
  return n % 2 === 0 ? (at(h) + at(h + 1)) / 2 : at(h + 1);
}

describe('the one quantile rule, worked by hand', () => {
  it('states the rule it applies', () => {
    expect(QUANTILE_RULE).toMatch(/x\(ceil\(h\)\).*R type 1.*\(x\(h\) \+ x\(h\+1\)\) \/ 2 when n is even.*x\(h\+1\) when n is odd/);
  });
  it('each branch: ends, non-integer h, integer h with n even and with n odd; input unsorted and kept', () => {
    const five = [5, 1, 4, 2, 3];
    expect(quantile(five, 0)).toBe(1);
    expect(quantile(five, 1)).toBe(5);
    expect(quantile(five, 0.5)).toBe(3); // h = 2.5 -> x(3)
    expect(quantile(five, 0.3)).toBe(2); // h = 1.5 -> x(2)
    expect(quantile(five, 0.4)).toBe(3); // h = 2 integer, n odd -> x(3) (R type 2 would say 2.5)
    expect(five).toEqual([5, 1, 4, 2, 3]);
    const four = [40, 10, 30, 20];
    expect(quantile(four, 0.25)).toBe(15); // h = 1, n even -> (x(1) + x(2)) / 2
    expect(quantile(four, 0.5)).toBe(25);
    expect(quantile(four, 0.6)).toBe(30); // h = 2.4 -> x(3)
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // h = 3 * 0.1 = 0.30000000000000004 in double: not an integer -> x(1); 10 * 0.3 = 3 exactly -> (x(3) + x(4)) / 2
    expect(quantile([7, 8, 9], 0.1)).toBe(7);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.3)).toBe(3.5);
  });
  it('equals the rule written again on random tied data, every p = k/40', () => {
    const rng = createRng(3);
    for (let t = 0; t < 200; t++) {
      const v = sample(rng, 1 + rng.int(30), { lo: -4, hi: 4 });
      for (let k = 0; k <= 40; k++) expect(quantile(v, k / 40)).toBe(byTheRule(v, k / 40));
    }
  });
  it('mean and sample sd by hand; sd of one value is NaN (undefined)', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(sampleSd([3])).toBeNaN();
    expect(sampleSd([])).toBeNaN();
  });
  it('bad input: no values, a non-finite value, p outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(InputError);
    expect(() => median([], 'hypervolume')).toThrow(/^hypervolume: got 0 values; allowed: at least 1 number$/);
    expect(() => mean([1, Number.NaN])).toThrow(/^values\[1\]: got NaN; allowed: a finite number$/);
    expect(() => quantile([1], 1.5)).toThrow(/^p: got 1.5; allowed: a number in \[0, 1\]$/);
    expect(() => quantile([1], Number.NaN)).toThrow(/^p: got NaN/);
  });
});

describe.skipIf(!HAVE_SCIPY)('summary statistics against numpy 1.24', () => {
  it('mean, std(ddof=1), and quantiles where numpy has the same rule (dyadic p: inverted_cdf / averaged_inverted_cdf)', () => {
    const rng = createRng(9);
    const cases = Array.from({ length: 60 }, (_, i) => sample(rng, 2 + i, i % 2 ? { lo: -3, hi: 3 } : { real: true, lo: -50, hi: 50 }));
    const ps = [0.125, 0.25, 0.5, 0.75, 0.875];
    const expected = scipy<{ mean: number; sd: number; q: number[] }[]>(
      `out([{'mean': np.mean(v), 'sd': np.std(v, ddof=1), 'q': [float(np.quantile(v, p, method=('averaged_inverted_cdf' if float(len(v) * p).is_integer() and len(v) % 2 == 0 else 'inverted_cdf'))) for p in ${JSON.stringify(ps)}]} for v in data])`,
      cases,
    );
    const bad: string[] = [];
    cases.forEach((v, i) => {
      const e = expected[i] as { mean: number; sd: number; q: number[] };
      if (!close(mean(v), e.mean) || !close(sampleSd(v), e.sd)) bad.push(`case ${i}: mean ${mean(v)} sd ${sampleSd(v)}, numpy ${e.mean} ${e.sd}`);
      ps.forEach((p, k) => { if (!close(quantile(v, p), e.q[k] as number)) bad.push(`case ${i} n=${v.length} p=${p}: ${quantile(v, p)}, numpy ${e.q[k]}`); });
    });
    expect(bad).toEqual([]);
  });
});

describe.skipIf(!HAVE_SCIPY)('summary statistics of values near 1e-300 and 1e308 (numpy of the same values times a power of 2, scaled back exactly)', () => {
  it('mean, std(ddof=1) and quantiles neither overflow nor underflow; an sd beyond double precision is an InputError', () => {
    const rng = createRng(308);
    const cases: { v: number[]; k: number }[] = [
      { v: [1.7e308, 1.7e308], k: 1020 }, // simple-statistics alone: mean NaN, median Infinity
      { v: [1e-300, 2e-300, 4e-300], k: -990 }, // numpy alone: sd 0
      { v: [1.7e308, 1.6e308, -1e308, 1.5e308], k: 1020 },
      { v: [1.7e308, -1.7e308], k: 1020 }, // sd 2.4e308: beyond double precision
    ];
    for (const k of [-1000, -990, -500, 500, 1015, 1020]) for (const n of [2, 5, 8]) cases.push({ v: sample(rng, n, { real: true, lo: -4, hi: 4 }).map((x) => x * 2 ** k), k });
    const ps = [0.125, 0.25, 0.5, 0.75, 0.875];
    const want = scipy<{ mean: number; sd: number; q: number[] }[]>(`
res = []
for c in data['cases']:
    v = np.ldexp(np.array(c['v']), -c['k']); k = c['k']
    with np.errstate(over='ignore'):
        q = [np.ldexp(np.quantile(v, p, method=('averaged_inverted_cdf' if float(len(v) * p).is_integer() and len(v) % 2 == 0 else 'inverted_cdf')), k) for p in data['ps']]
        res.append({'mean': np.ldexp(np.mean(v), k), 'sd': np.ldexp(np.std(v, ddof=1), k), 'q': q})
out(res)`, { cases, ps });
    const bad: string[] = [];
    let overflows = 0;
    cases.forEach(({ v }, i) => {
      const e = want[i] as { mean: number; sd: number; q: number[] };
      const rel = (a: number, b: number) => close(a, b, 1e-13 * Math.abs(b));
      if (!rel(mean(v), e.mean)) bad.push(`case ${i}: mean ${mean(v)}, numpy ${e.mean}`);
      if (Number.isFinite(e.sd)) { if (!rel(sampleSd(v), e.sd)) bad.push(`case ${i}: sd ${sampleSd(v)}, numpy ${e.sd}`); }
      else { overflows++; expect(() => sampleSd(v, 'hypervolume')).toThrow(/^hypervolume: its standard deviation overflows double precision \(above 1\.8e\+308\); allowed: values whose standard deviation is at most 1\.8e\+308$/); }
      ps.forEach((p, k) => { if (quantile(v, p) !== e.q[k]) bad.push(`case ${i} p=${p}: ${quantile(v, p)}, numpy ${e.q[k]}`); });
    });
    expect(bad).toEqual([]);
    expect(overflows).toBe(1); // [1.7e308, -1.7e308]
    expect(mean([1.7e308, 1.7e308])).toBe(1.7e308);
    expect(median([1.7e308, 1.7e308])).toBe(1.7e308);
    expect(close(sampleSd([1e-300, 2e-300, 4e-300]), 1.5275252316519468e-300, 1e-314)).toBe(true); // statistics.stdev: exact fractions
    // two values 1 ulp apart near 1e-300: the sd (about 1.6e-316) is subnormal, a few bits only: said, not returned
    expect(() => sampleSd([1e-300, 1e-300 * (1 + 2 ** -52)])).toThrow(/^values: its standard deviation underflows double precision \(below 2\.2e-308\); allowed: values whose standard deviation is 0 or at least 2\.2e-308$/);
    expect(sampleSd([1e-300, 1e-300])).toBe(0);
  });
  it('not an array: one InputError line naming the field', () => {
    expect(() => quantile(null as unknown as number[], 0.5)).toThrow(/^values: got null; allowed: an array of finite numbers$/);
    expect(() => median('12' as unknown as number[], 'latency')).toThrow(/^latency: got "12"; allowed: an array of finite numbers$/);
    expect(() => mean({} as unknown as number[])).toThrow(InputError);
    expect(() => sampleSd(undefined as unknown as number[])).toThrow(InputError);
  });
});

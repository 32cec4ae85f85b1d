import { describe, expect, it } from 'vitest';
import { createRng } from '../../lib/rng.js';
import { bootstrapInterval } from '../../lib/stats/bootstrap.js';
import { spearman } from '../../lib/stats/rank-correlation.js';
import { quantile } from '../../lib/stats/summary.js';
import { HAVE_SCIPY, scipy } from './scipy.js';

const gauss = (rng: { next(): number }) => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());

describe('percentile bootstrap', () => {
  it('the interval is the 2.5% and 97.5% quantile of the finite statistics the resamples gave; NaN ones counted out', () => {
    // 3 pairs: a resample of one pair three times (3 of 27 draws) has constant x and y: Spearman NaN
    const x = [1, 2, 3];
    const y = [2, 1, 3];
    const seen: number[] = [];
    const r = bootstrapInterval(3, (idx) => { const v = spearman(idx.map((i) => x[i] as number), idx.map((i) => y[i] as number)); seen.push(v); return v; }, { seed: 4, resamples: 500 });
    const finite = seen.filter(Number.isFinite);
    expect(seen).toHaveLength(500);
    expect(500 - finite.length).toBeGreaterThan(30); // about 500 / 9 = 56
    expect(500 - finite.length).toBeLessThan(85);
    expect(r).toEqual({ low: quantile(finite, 0.025), high: quantile(finite, 0.975), resamples: 500, used: finite.length, method: 'percentile' });
  });
  it('draws n indices in 0..n-1 with replacement, reproducibly for a seed', () => {
    const draws: number[][] = [];
    const stat = (idx: readonly number[]) => { draws.push(idx as number[]); return idx.reduce((s, i) => s + i, 0); }; // kept, not copied
    const a = bootstrapInterval(5, stat, { seed: 1, resamples: 200 });
    expect(draws.every((d) => d.length === 5 && d.every((i) => Number.isInteger(i) && i >= 0 && i < 5))).toBe(true);
    expect(draws.some((d) => new Set(d).size < 5)).toBe(true); // with replacement
    expect(new Set(draws.flat()).size).toBe(5);
    expect(new Set(draws).size).toBe(draws.length); // each resample its own array
    expect(bootstrapInterval(5, stat, { seed: 1, resamples: 200 })).toEqual(a);
    expect(bootstrapInterval(5, stat, { seed: 2, resamples: 200 })).not.toEqual(a);
  });
  it('the interval of a mean of 60 standard normal values has about the width 2 * 1.96 / sqrt(60) and covers the sample mean', () => {
    const rng = createRng(12);
    const v = Array.from({ length: 60 }, () => gauss(rng));
    const m = v.reduce((s, e) => s + e, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, e) => s + (e - m) ** 2, 0) / (v.length - 1));
    const r = bootstrapInterval(60, (idx) => idx.reduce((s, i) => s + (v[i] as number), 0) / idx.length, { seed: 3, resamples: 4000 });
    expect(r.low).toBeLessThan(m);
    expect(r.high).toBeGreaterThan(m);
    expect((r.high - r.low) / ((2 * 1.96 * sd) / Math.sqrt(60))).toBeGreaterThan(0.85);
    expect((r.high - r.low) / ((2 * 1.96 * sd) / Math.sqrt(60))).toBeLessThan(1.15);
  });
  it('no finite statistic: NaN ends, used 0; bad options are input errors', () => {
    expect(bootstrapInterval(3, () => Number.NaN, { seed: 0, resamples: 10 })).toMatchObject({ used: 0, resamples: 10 });
    expect(bootstrapInterval(3, () => Number.NaN, { seed: 0, resamples: 10 }).low).toBeNaN();
    expect(() => bootstrapInterval(0, () => 1, { seed: 0 })).toThrow(/^n: got 0; allowed: an integer >= 1$/);
    expect(() => bootstrapInterval(3, () => 1, { seed: 0.5 })).toThrow(/^seed: got 0.5/);
    expect(() => bootstrapInterval(3, () => 1, { seed: 0, resamples: 0 })).toThrow(/^resamples: got 0/);
    expect(() => bootstrapInterval(3, () => 1, { seed: 0, confidence: 1 })).toThrow(/^confidence: got 1/);
  });
});

describe('bootstrap seeds', () => {
  it('a seed is an integer in 0..2^32-1: -1, 2^32 (which would alias 0), 2^40, 1.5 and "3" are input errors', () => {
    for (const seed of [-1, 2 ** 32, 2 ** 40, 1.5, '3' as unknown as number, Number.NaN]) {
      expect(() => bootstrapInterval(3, () => 1, { seed }), String(seed)).toThrow(/^seed: got .*; allowed: an integer from 0 to 4294967295 \(2\^32 - 1\)$/);
    }
    expect(bootstrapInterval(3, () => 1, { seed: 2 ** 32 - 1, resamples: 5 }).used).toBe(5);
  });
  it.skipIf(!HAVE_SCIPY)('seed s draws its indices from mulberry32 started at state s (a second implementation in Python)', () => {
    const seeds = [0, 1, 12345, 2 ** 31, 2 ** 32 - 1];
    const drawn = seeds.map((seed) => { const all: number[][] = []; bootstrapInterval(7, (idx) => { all.push([...idx]); return 0; }, { seed, resamples: 3 }); return all; });
    const want = scipy<number[][][]>(`
M = 0xffffffff
def draws(seed, n, resamples):
    state = seed
    def nxt():
        nonlocal state
        state = (state + 0x6d2b79f5) & M
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & M
        t = (t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & M)) & M)) & M
        return ((t ^ (t >> 14)) & M) / 4294967296
    return [[math.floor(nxt() * n) for _ in range(n)] for _ in range(resamples)]
out([draws(s, 7, 3) for s in data])`, seeds);
    expect(drawn).toEqual(want);
    expect(new Set(drawn.map((d) => JSON.stringify(d))).size).toBe(seeds.length);
  });
});

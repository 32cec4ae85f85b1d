import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { createRng, type Rng } from '../../lib/rng.js';
import { pearson, spearman } from '../../lib/stats/rank-correlation.js';
import { attenuatedPearson, reliability, spearmanFromPearson, varianceComponents } from '../../lib/stats/variance-components.js';
import { close, HAVE_SCIPY, sample, scipy } from './scipy.js';

/** A standard normal draw (Box-Muller). */
const gauss = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());

describe('variance components, worked by hand', () => {
  it('balanced: [1 3] [5 7] [9 11] -> MSB 32, MSW 2, n0 2, arch (32 - 2) / 2 = 15, noise 2, F 16', () => {
    expect(varianceComponents([[1, 3], [5, 7], [9, 11]])).toEqual({ arch: 15, noise: 2, clipped: false, candidates: 3, evaluations: 6, n0: 2, msb: 32, msw: 2, f: 16,
      scale: 8, scaled: { arch: 15 / 64, noise: 2 / 64, msb: 32 / 64, msw: 2 / 64 }, unrepresentable: [] }); // values / 2^3 (largest 11)
  });
  it('unbalanced: [1 2 3] [4 6] [10] -> n0 = (6 - 14/6) / 2 = 11/6', () => {
    const c = varianceComponents([[1, 2, 3], [4, 6], [10]]);
    // means 2, 5, 10; grand mean 26/6 = 13/3; SSB = 3(2 - 13/3)^2 + 2(5 - 13/3)^2 + (10 - 13/3)^2 = 147/9 + 8/9 + 289/9 = 148/3; MSB = 74/3
    // SSW = 2 + 2 + 0 = 4 over N - a = 3: MSW = 4/3; arch = (74/3 - 4/3) / (11/6) = 140/11; F = 74/4
    expect(c.n0).toBeCloseTo(11 / 6, 14);
    expect(c.msb).toBeCloseTo(74 / 3, 13);
    expect(c.msw).toBeCloseTo(4 / 3, 14);
    expect(c.arch).toBeCloseTo(140 / 11, 13);
    expect(c.f).toBeCloseTo(74 / 4, 13);
  });
  it('a negative estimate is clipped at 0 and says so; no within variance gives F = Infinity', () => {
    const c = varianceComponents([[0, 10], [1, 9]]); // equal means: MSB 0 < MSW 41
    expect(c).toMatchObject({ arch: 0, clipped: true, msb: 0, msw: 41 });
    expect(varianceComponents([[1, 1], [2, 2]])).toMatchObject({ noise: 0, f: Infinity, arch: 0.5 });
    expect(varianceComponents([[1, 1], [1, 1]]).f).toBeNaN();
  });
  it('bad input: one candidate, an empty group, no repeats at all, a non-finite value', () => {
    expect(() => varianceComponents([[1, 2]])).toThrow(/^groups: got 1; allowed: at least 2 candidates$/);
    expect(() => varianceComponents([[1, 2], []])).toThrow(/^groups\[1\]: got \[\]; allowed: at least one evaluation$/);
    expect(() => varianceComponents([[1], [2], [3]])).toThrow(/no repeated evaluations: the noise cannot be estimated/);
    expect(() => varianceComponents([[1, Infinity], [2, 3]])).toThrow(InputError);
  });
  it('recovers known components from simulated unbalanced data (sigma^2 arch 4, noise 1; 2..4 evaluations each)', () => {
    const rng = createRng(5);
    const groups = Array.from({ length: 600 }, () => { const t = 2 * gauss(rng); return Array.from({ length: 2 + rng.int(3) }, () => t + gauss(rng)); });
    const c = varianceComponents(groups);
    expect(c.arch).toBeGreaterThan(3.5);
    expect(c.arch).toBeLessThan(4.5);
    expect(c.noise).toBeGreaterThan(0.9);
    expect(c.noise).toBeLessThan(1.1);
  });
});

describe('reliability relations (NNGPT, papers/004)', () => {
  it('by hand: Spearman-Brown reliability, attenuation, Pearson 1907', () => {
    expect(reliability({ arch: 3, noise: 2 }, 2)).toBe(0.75);
    expect(reliability({ arch: 0, noise: 0 }, 1)).toBeNaN();
    expect(attenuatedPearson(0.81, 0.64)).toBeCloseTo(0.72, 15);
    expect(spearmanFromPearson(1)).toBeCloseTo(1, 15);
    expect(spearmanFromPearson(0)).toBe(0);
    expect(spearmanFromPearson(0.5)).toBeCloseTo((6 / Math.PI) * Math.asin(0.25), 15);
    expect(() => spearmanFromPearson(1.2)).toThrow(/^rhoP: got 1.2; allowed: a correlation in \[-1, 1\]$/);
    expect(reliability({ arch: 1, noise: 1 }, 11 / 6)).toBeCloseTo(1 / (1 + 6 / 11), 15); // n0 of unbalanced repeats
    expect(() => reliability({ arch: 1, noise: 1 }, 0)).toThrow(/^k: got 0; allowed: a number > 0 \(evaluations per mean\)$/);
  });
  it('simulated: two noisy measurements of one quantity reach sqrt(Rx Ry), and Spearman follows (6/pi) asin(r/2)', () => {
    const rng = createRng(77);
    const arch = 1, noiseX = 0.5, noiseY = 2, kX = 1, kY = 2;
    const x: number[] = [], y: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const t = Math.sqrt(arch) * gauss(rng);
      x.push(t + Math.sqrt(noiseX / kX) * gauss(rng));
      y.push(t + Math.sqrt(noiseY / kY) * gauss(rng));
    }
    const r = attenuatedPearson(reliability({ arch, noise: noiseX }, kX), reliability({ arch, noise: noiseY }, kY)); // sqrt(2/3 * 1/2) = 0.577
    expect(r).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(Math.abs(pearson(x, y) - r)).toBeLessThan(0.02);
    expect(Math.abs(spearman(x, y) - spearmanFromPearson(r))).toBeLessThan(0.02);
  });
});

describe.skipIf(!HAVE_SCIPY)('variance components against scipy 1.10.1 (f_oneway) and numpy', () => {
  it('F, MSB, MSW and n0 of random unbalanced groups equal within 1e-9', () => {
    const rng = createRng(41);
    const cases = Array.from({ length: 40 }, (_, i) => Array.from({ length: 2 + rng.int(6) }, () => sample(rng, 1 + rng.int(5) + (i % 3 === 0 ? 1 : 0), i % 2 ? { lo: -3, hi: 3 } : { real: true, lo: -20, hi: 20 })))
      .filter((g) => g.some((v) => v.length > 1));
    const expected = scipy<{ f: number; msb: number; msw: number; n0: number }[]>(`
res = []
for groups in data:
    N = sum(len(g) for g in groups); a = len(groups); grand = np.mean(np.concatenate(groups))
    msb = sum(len(g) * (np.mean(g) - grand) ** 2 for g in groups) / (a - 1)
    msw = sum(((np.asarray(g) - np.mean(g)) ** 2).sum() for g in groups) / (N - a)
    res.append({'f': stats.f_oneway(*groups)[0], 'msb': msb, 'msw': msw, 'n0': (N - sum(len(g) ** 2 for g in groups) / N) / (a - 1)})
out(res)`, cases);
    const bad: string[] = [];
    cases.forEach((g, i) => {
      const c = varianceComponents(g);
      const e = expected[i] as { f: number; msb: number; msw: number; n0: number };
      const fOk = Number.isFinite(e.f) ? close(c.f, e.f, 1e-9 * Math.max(1, Math.abs(e.f))) : Object.is(c.f, e.f);
      if (!fOk || !close(c.msb, e.msb) || !close(c.msw, e.msw) || !close(c.n0, e.n0)) bad.push(`case ${i}: ${JSON.stringify(c)} vs ${JSON.stringify(e)}`);
    });
    expect(bad).toEqual([]);
  });
});

describe.skipIf(!HAVE_SCIPY)('variance components of values near 1e-300 and 1e308 (exact rational arithmetic in Python, scipy f_oneway)', () => {
  it('sigma^2 scales back by scale^2 when that is a double; otherwise NaN and named, never Infinity or a false 0; F is scale-free', () => {
    const rng = createRng(300);
    const cases: { groups: number[][]; k: number }[] = [
      { groups: [[1e-300, 2e-300], [5e-300, 6e-300]], k: -990 }, // simple sums: sigma^2 0 / 0, "varies neither"
      { groups: [[1.7e308, 1.7e308], [-1.7e308, -1.6e308]], k: 1020 }, // simple sums: arch NaN, noise Infinity
    ];
    for (const k of [-1000, -520, -500, 0, 500, 520, 1015]) {
      cases.push({ groups: Array.from({ length: 3 + rng.int(4) }, () => sample(rng, 2 + rng.int(3), { real: true, lo: -4, hi: 4 }).map((v) => v * 2 ** k)), k });
    }
    const results = cases.map((c) => varianceComponents(c.groups));
    // flow: 1 overflows, -1 underflows (a non-zero value below 2^-1022), 0 a double
    type Want = Record<'arch' | 'noise' | 'msb' | 'msw', number> & { flow: Record<string, number>; f: number; scaled: Record<string, number>; clipped: boolean };
    const want = scipy<Want[]>(`
from fractions import Fraction as Q
def flow(q):
    try: v = float(q)
    except OverflowError: return 1
    return -1 if q != 0 and abs(v) < 2.0 ** -1022 else 0
def as_double(q): return 0.0 if flow(q) else float(q)
res = []
for c, r in zip(data['cases'], data['results']):
    g = [[Q(v) for v in grp] for grp in c['groups']]
    N = sum(len(x) for x in g); a = len(g)
    means = [sum(x) / len(x) for x in g]; grand = sum(sum(x) for x in g) / N
    msb = sum(len(x) * (m - grand) ** 2 for x, m in zip(g, means)) / (a - 1)
    msw = sum(sum((v - m) ** 2 for v in x) for x, m in zip(g, means)) / (N - a)
    n0 = (N - Q(sum(len(x) ** 2 for x in g), N)) / (a - 1)
    raw = (msb - msw) / n0
    exact = {'arch': max(raw, Q(0)), 'noise': msw, 'msb': msb, 'msw': msw}
    s2 = Q(r['scale']) ** 2
    f = stats.f_oneway(*[np.ldexp(np.array(x), -c['k']) for x in c['groups']])[0]
    res.append({**{k: as_double(v) for k, v in exact.items()}, 'flow': {k: flow(v) for k, v in exact.items()}, 'scaled': {k: float(v / s2) for k, v in exact.items()}, 'f': f, 'clipped': raw < 0})
out(res)`, { cases, results });
    const bad: string[] = [];
    results.forEach((r, i) => {
      const w = want[i] as Want;
      if (!close(r.f, w.f, 1e-9 * Math.abs(w.f)) || r.clipped !== w.clipped) bad.push(`case ${i}: F ${r.f} vs ${w.f}, clipped ${r.clipped} vs ${w.clipped}`);
      if (!Number.isInteger(Math.log2(r.scale))) bad.push(`case ${i}: scale ${r.scale} is not a power of 2`);
      for (const k of ['arch', 'noise', 'msb', 'msw'] as const) {
        const e = w[k];
        if (!close(r.scaled[k], w.scaled[k] as number, 1e-12 * Math.abs(w.scaled[k] as number) + 1e-300)) bad.push(`case ${i} scaled.${k}: ${r.scaled[k]} vs ${w.scaled[k]}`);
        if (w.flow[k] !== 0) { if (!Number.isNaN(r[k]) || !r.unrepresentable.includes(k)) bad.push(`case ${i} ${k}: ${r[k]} but it ${(w.flow[k] as number) > 0 ? 'over' : 'under'}flows`); }
        else if (!close(r[k], e, 1e-12 * Math.abs(e)) || r.unrepresentable.includes(k)) bad.push(`case ${i} ${k}: ${r[k]} vs ${e}`);
      }
    });
    expect(bad).toEqual([]);
    // what the cases reach: underflow (1e-300, 2^-1000, 2^-520), overflow (1e308, 2^520, 2^1015), and plain doubles (2^-500, 1, 2^500)
    expect(results.map((r) => r.unrepresentable.length > 0)).toEqual([true, true, true, true, false, false, false, true, true]);
    expect(results[0]!.f).toBeCloseTo(32, 10); // [1 2] [5 6]: MSB 16 / MSW 0.5
  });
});

/**
 * correlateObservations against scipy 1.10.1 (Debian's /usr/bin/python3, run in the test on the same
 * data): Spearman, Kendall tau-b and Pearson of per-candidate means with ties, the bootstrap interval
 * recomputed by scipy over the same resample indices, and the variance components against
 * scipy.stats.f_oneway and a hand-worked ANOVA.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { createRng } from '../../lib/rng.js';
import { correlateObservations, type Observation } from '../../lib/report/correlation.js';
import { loadCorrelationSources } from '../../lib/report/correlation-sources.js';
import { FIXTURES, thrownInputError } from '../helpers.js';
import { pythonHas, runPython } from '../helpers-python.js';

const HAVE_SCIPY = pythonHas('scipy.stats, numpy');
if (!HAVE_SCIPY) console.warn('python3-scipy is not installed: the correlate cross-checks against scipy are skipped (npm run setup installs it)');

const CSV = `${FIXTURES}correlation/proxy-vs-full.csv`;

async function python(script: string, input: unknown): Promise<unknown> {
  const r = await runPython(['-c', `import json, sys\ndata = json.loads(sys.argv[1])\n${script}`, JSON.stringify(input)], 120_000);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** scipy on the CSV fixture, read by Python's csv module: per-key means of the non-empty cells, keys with both. */
/** One-way random-effects ANOVA (method of moments, unbalanced) written out in numpy, beside scipy's f_oneway. */
const PY_ANOVA = `def anova(groups):
    a = len(groups); N = sum(len(g) for g in groups)
    grand = sum(sum(g) for g in groups) / N
    msb = sum(len(g) * (np.mean(g) - grand) ** 2 for g in groups) / (a - 1)
    msw = sum(sum((v - np.mean(g)) ** 2 for v in g) for g in groups) / (N - a)
    n0 = (N - sum(len(g) ** 2 for g in groups) / N) / (a - 1)
    return dict(msb=msb, msw=msw, n0=n0, arch=max(0.0, (msb - msw) / n0), F=float(stats.f_oneway(*groups).statistic))`;

const SCIPY_ON_CSV = `
import csv
import numpy as np
from scipy import stats
rows = list(csv.DictReader(open(data['path'])))
keys = []
vals = {}
for r in rows:
    if r['key'] not in vals:
        keys.append(r['key']); vals[r['key']] = ([], [])
    if r['proxy'] != '': vals[r['key']][0].append(float(r['proxy']))
    if r['full'] != '': vals[r['key']][1].append(float(r['full']))
keys = [k for k in keys if vals[k][0] and vals[k][1]]
mx = [sum(vals[k][0]) / len(vals[k][0]) for k in keys]
my = [sum(vals[k][1]) / len(vals[k][1]) for k in keys]
${PY_ANOVA}
print(json.dumps(dict(keys=keys, n=len(keys),
  spearman=float(stats.spearmanr(mx, my).correlation),
  kendall=float(stats.kendalltau(mx, my).correlation),
  pearson=float(stats.pearsonr(mx, my)[0]),
  x=anova([vals[k][0] for k in keys]), y=anova([vals[k][1] for k in keys]))))
`;

describe.skipIf(!HAVE_SCIPY)('correlateObservations against scipy', () => {
  it('Spearman, Kendall tau-b, Pearson and the variance components of a tied CSV with repeats equal scipy to 1e-9', async () => {
    const { observations } = loadCorrelationSources([CSV], { x: 'proxy', y: 'full' });
    const result = correlateObservations(observations, { x: 'proxy', y: 'full' }, { resamples: 200, seed: 3 });
    const expected = (await python(SCIPY_ON_CSV, { path: CSV })) as {
      keys: string[]; n: number; spearman: number; kendall: number; pearson: number;
      x: { msb: number; msw: number; n0: number; arch: number; F: number }; y: { msb: number; msw: number; n0: number; arch: number; F: number };
    };
    expect(result.means.map((m) => m.key)).toEqual(expected.keys);
    expect(result.n).toBe(10);
    expect(result.n).toBe(expected.n);
    // ties: c02 and c04 share proxy 12.0 and full 0.69 as means; c03, c11 share proxy 9.0 / 9.25
    expect(result.spearman.value).toBeCloseTo(expected.spearman, 9);
    expect(result.kendall.value).toBeCloseTo(expected.kendall, 9);
    expect(result.pearson.value).toBeCloseTo(expected.pearson, 9);
    for (const axis of ['x', 'y'] as const) {
      const v = result.reliability[axis];
      const e = expected[axis];
      expect(v).not.toBeNull();
      expect(v?.f).toBeCloseTo(e.F, 9);
      expect(v?.msb).toBeCloseTo(e.msb, 12);
      expect(v?.msw).toBeCloseTo(e.msw, 12);
      expect(v?.k).toBeCloseTo(e.n0, 12);
      expect(v?.arch).toBeCloseTo(e.arch, 12);
      expect(v?.noise).toBeCloseTo(e.msw, 12);
      expect(v?.reliability).toBeCloseTo(e.arch / (e.arch + e.msw / e.n0), 12);
    }
    const rx = result.reliability.x?.reliability as number;
    const ry = result.reliability.y?.reliability as number;
    expect(result.reliability.predictedSpearman).toBeCloseTo((6 / Math.PI) * Math.asin(Math.sqrt(rx * ry) / 2), 12);
    expect(result.notes.some((n) => /proxy: SNR = sigma\^2_arch \/ sigma\^2_noise = [\d.]+: NNGPT's condition .* (holds|does not hold)/.test(n))).toBe(true);
  });

  it('the bootstrap interval is the percentile interval of scipy spearmanr over the same resampled candidates', async () => {
    const obs: Observation[] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8].map((v, i) => ({ key: `k${i}`, x: [v], y: [(v * 7) % 11 + (i % 3)] }));
    const resamples = 300;
    const result = correlateObservations(obs, { x: 'a', y: 'b' }, { resamples, seed: 11 });
    // the indices bootstrapInterval draws: createRng(seed).int(n), n per resample
    const rng = createRng(11);
    const indices = Array.from({ length: resamples }, () => Array.from({ length: obs.length }, () => rng.int(obs.length)));
    const expected = (await python(
      `
from scipy import stats
import math, warnings
warnings.simplefilter('ignore')
x = data['x']; y = data['y']
vals = []
for idx in data['indices']:
    r = stats.spearmanr([x[i] for i in idx], [y[i] for i in idx]).correlation
    if not math.isnan(r): vals.append(float(r))
vals.sort()
def q(p):
    # simple-statistics quantileSorted (lib/stats QUANTILE_RULE)
    n = len(vals); h = n * p
    if p == 0: return vals[0]
    if p == 1: return vals[-1]
    if h != int(h): return vals[math.ceil(h) - 1]
    h = int(h)
    return (vals[h - 1] + vals[h]) / 2 if n % 2 == 0 else vals[h]
tail = (1 - 0.95) / 2
print(json.dumps(dict(used=len(vals), low=q(tail), high=q(1 - tail))))
`,
      { x: obs.map((o) => o.x[0]), y: obs.map((o) => o.y[0]), indices },
    )) as { used: number; low: number; high: number };
    expect(result.spearman.used).toBe(expected.used);
    expect(result.spearman.ci[0]).toBeCloseTo(expected.low, 12);
    expect(result.spearman.ci[1]).toBeCloseTo(expected.high, 12);
    expect(result.spearman.ci[0]).toBeLessThan(result.spearman.ci[1]);
  });
});

describe.skipIf(!HAVE_SCIPY)('correlateObservations at the edge of double range', () => {
  it('repeats near 1.7e308: finite per-candidate means (no overflow of the sum), Pearson, F, SNR and reliability as scipy computes them on the values / 2^1023; sigma^2 beyond double range said, never NaN or Infinity shown', async () => {
    const obs: Observation[] = [
      { key: '1', x: [1.7e308, 1.6e308], y: [2, 2.5] },
      { key: '2', x: [-1.7e308, -1.6e308], y: [3, 3] },
      { key: '3', x: [1e308], y: [1] },
      { key: '4', x: [5], y: [7] },
    ];
    const r = correlateObservations(obs, { x: 'a', y: 'b' }, { resamples: 100 });
    const expected = (await python(
      `
import numpy as np
from scipy import stats
s = 2.0 ** 1023
gx = [np.array(g) / s for g in data['x']]
mx = [float(np.mean(g)) for g in gx]
my = [float(np.mean(g)) for g in data['y']]
${PY_ANOVA}
def ratios(groups):
    c = anova(groups)
    return dict(F=c['F'], snr=c['arch'] / c['msw'], reliability=c['arch'] / (c['arch'] + c['msw'] / c['n0']))
print(json.dumps(dict(mx=[m * s for m in mx], pearson=float(stats.pearsonr(mx, my)[0]), spearman=float(stats.spearmanr(mx, my).correlation), x=ratios(gx))))
`,
      { x: obs.map((o) => o.x), y: obs.map((o) => o.y) },
    )) as { mx: number[]; pearson: number; spearman: number; x: { F: number; snr: number; reliability: number } };
    expect(r.means.map((m) => m.x)).toEqual(expected.mx);
    expect((r.means[0]?.x as number) / 1.65e308).toBeCloseTo(1, 15); // (1.7e308 + 1.6e308) / 2 by hand
    expect(r.pearson.value).toBeCloseTo(expected.pearson, 9);
    expect(r.spearman.value).toBeCloseTo(expected.spearman, 9);
    const v = r.reliability.x;
    expect(v?.f).toBeCloseTo(expected.x.F, 6);
    expect((v?.snr as number) / expected.x.snr).toBeCloseTo(1, 12);
    expect(v?.reliability).toBeCloseTo(expected.x.reliability, 12);
    expect(v?.unrepresentable).toEqual(['arch', 'noise', 'msb', 'msw']);
    expect(v?.arch).toBeNaN();
    expect(r.reliability.y?.unrepresentable).toEqual([]);
    expect(r.notes).toContain("a: sigma^2_arch, sigma^2_noise, MSB, MSW in a's unit squared are beyond double range (above 1.8e308 or below 2.2e-308): not shown; SNR, F and reliability are ratios and are given");
  });
});

describe('correlateObservations by hand', () => {
  it('a balanced 3 x 2 design: MSB, MSW, sigma^2_arch, reliability and the predicted rho worked by hand', () => {
    // x: candidate means 1, 3, 5 (each +-1): MSW = (6 * 1) / (6 - 3) = 2; MSB = 2 * ((1-3)^2 + 0 + (5-3)^2) / 2 = 8
    // arch = (8 - 2) / 2 = 3; reliability of a 2-mean = 3 / (3 + 2/2) = 0.75; y without repeats: reliability 1
    const obs: Observation[] = [
      { key: 'a', x: [0, 2], y: [10] },
      { key: 'b', x: [2, 4], y: [30] },
      { key: 'c', x: [4, 6], y: [20] },
    ];
    const r = correlateObservations(obs, { x: 'proxy', y: 'accuracy' }, { resamples: 100 });
    expect(r.reliability.x).toMatchObject({ msb: 8, msw: 2, arch: 3, noise: 2, k: 2, reliability: 0.75, snr: 1.5, candidates: 3, evaluations: 6, f: 4, clipped: false });
    expect(r.reliability.y).toBeNull();
    expect(r.reliability.predictedSpearman).toBeCloseTo((6 / Math.PI) * Math.asin(Math.sqrt(0.75) / 2), 14);
    // means x = 1, 3, 5 and y = 10, 30, 20: ranks (1,2,3) and (1,3,2): rho = 1 - 6 * 2 / (3 * 8) = 0.5; tau-b = (2 - 1) / 3
    expect(r.spearman.value).toBeCloseTo(0.5, 14);
    expect(r.kendall.value).toBeCloseTo(1 / 3, 14);
    expect(r.notes).toContain('accuracy has one value per candidate: its reliability counts as 1 in the predicted Spearman rho (no repeats to estimate its noise)');
    expect(r.notes.some((n) => n.startsWith('proxy: SNR = sigma^2_arch / sigma^2_noise = 1.50') && n.endsWith('does not hold'))).toBe(true);
  });

  it('a negative between-candidate estimate is clipped at 0 and said', () => {
    const r = correlateObservations([
      { key: 'a', x: [0, 10], y: [1] },
      { key: 'b', x: [1, 9], y: [2] },
      { key: 'c', x: [2, 8], y: [3] },
    ], { x: 'p', y: 'q' }, { resamples: 100 });
    expect(r.reliability.x?.clipped).toBe(true);
    expect(r.reliability.x?.arch).toBe(0);
    expect(r.reliability.predictedSpearman).toBe(0);
    expect(r.notes.some((n) => n.includes('set to 0'))).toBe(true);
  });

  it('a constant metric gives NaN with the reason, never 0; fewer than 3 candidates and bad options are InputErrors', () => {
    const r = correlateObservations(['a', 'b', 'c', 'd'].map((key, i) => ({ key, x: [i], y: [7] })), { x: 'p', y: 'q' }, { resamples: 100 });
    expect(r.spearman.value).toBeNaN();
    expect(r.spearman.reason).toBe('q is the same for every candidate');
    expect(r.notes).toContain('q is the same for every candidate: no correlation is defined');
    const few = thrownInputError(() => correlateObservations([{ key: 'a', x: [1], y: [2] }, { key: 'b', x: [2], y: [] }, { key: 'c', x: [3], y: [1] }], { x: 'p', y: 'q' }));
    expect(few.message).toBe('candidates: got 2 after matching; allowed: at least 3 candidates with both p and q');
    expect(() => correlateObservations([], { x: 'p', y: 'q' }, { resamples: 99 })).toThrow(InputError);
    expect(thrownInputError(() => correlateObservations([{ key: 'a', x: [NaN], y: [1] }], { x: 'p', y: 'q' })).message).toMatch(/^x \(p\) of a: got NaN/);
  });

  it('on simulated bivariate normal data with known noise, the predicted rho matches the measured one and the true components are recovered', () => {
    // true score t ~ N(0, 1) (sigma^2_arch = 1); x = t + N(0, 0.3^2), y = t + N(0, 0.5^2), 2 repeats each:
    // R_x = 1 / (1 + 0.09 / 2), R_y = 1 / (1 + 0.25 / 2); the population rho_S = (6/pi) asin(sqrt(R_x R_y) / 2) = 0.91536
    const rng = createRng(42);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const obs: Observation[] = Array.from({ length: 3000 }, (_, i) => {
      const t = normal();
      return { key: `k${i}`, x: [t + 0.3 * normal(), t + 0.3 * normal()], y: [t + 0.5 * normal(), t + 0.5 * normal()] };
    });
    const r = correlateObservations(obs, { x: 'proxy', y: 'full' }, { resamples: 100 });
    const truth = (6 / Math.PI) * Math.asin(Math.sqrt((1 / (1 + 0.09 / 2)) * (1 / (1 + 0.25 / 2))) / 2);
    expect(truth).toBeCloseTo(0.91536, 5);
    expect(Math.abs((r.reliability.predictedSpearman as number) - truth)).toBeLessThan(0.01);
    expect(Math.abs(r.spearman.value - truth)).toBeLessThan(0.01);
    expect(r.reliability.x?.noise).toBeCloseTo(0.09, 1);
    expect(r.reliability.y?.noise).toBeCloseTo(0.25, 1);
    expect(Math.abs((r.reliability.x?.arch as number) - 1)).toBeLessThan(0.1);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const obs = Array.from({ length: 15 }, (_, i) => ({ key: `k${i}`, x: [Math.sin(i)], y: [Math.sin(i) + 0.5 * Math.cos(3 * i)] }));
    const a = correlateObservations(obs, { x: 'p', y: 'q' }, { seed: 1, resamples: 500 });
    const b = correlateObservations(obs, { x: 'p', y: 'q' }, { seed: 1, resamples: 500 });
    const c = correlateObservations(obs, { x: 'p', y: 'q' }, { seed: 2, resamples: 500 });
    expect(a.spearman.ci).toEqual(b.spearman.ci);
    expect(a.kendall.ci).not.toEqual(c.kendall.ci);
  });
});

/**
 * `paretonas correlate` end to end through correlateCommand (the lead wires it into the CLI): text
 * and JSON output of the fixture runs and the tied CSV, the --plot page, the scatter's data, and
 * the one-line errors for bad flags.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { correlateCommand, CORRELATE_COMMAND } from '../../lib/cli/correlate.js';
import { correlateObservations } from '../../lib/report/correlation.js';
import { loadCorrelationSources } from '../../lib/report/correlation-sources.js';
import { correlationScatterFigure, correlationScatterInfo } from '../../lib/report/figures.js';
import { FIXTURES, rejection } from '../helpers.js';

const RUNS = `${FIXTURES}correlation/campaigns/`;
const CSV = `${FIXTURES}correlation/proxy-vs-full.csv`;

describe('paretonas correlate', () => {
  it('prints n, the three statistics with intervals, and the left-out candidates for three runs', async () => {
    const out = await correlateCommand([`${RUNS}proxy`, `${RUNS}trained`, `${RUNS}trained-seed9`, '--x', 'naswot', '--y', 'accuracy', '--resamples', '500']);
    const direct = correlateObservations(loadCorrelationSources([`${RUNS}proxy`, `${RUNS}trained`, `${RUNS}trained-seed9`], { x: 'naswot', y: 'accuracy' }).observations, { x: 'naswot', y: 'accuracy' }, { resamples: 500 });
    const lines = out.split('\n');
    expect(lines[0]).toBe(`x: naswot (NASWOT score) from ${RUNS}proxy (run, seed 5, 8 evaluation records)`);
    expect(lines[2]).toBe('n = 6 candidates, matched by candidate key');
    expect(out).toContain(`Spearman rho   ${direct.spearman.value.toFixed(3)}  [${direct.spearman.ci.map((v) => v.toFixed(3)).join(', ')}]`);
    expect(out).toContain(`Kendall tau-b  ${direct.kendall.value.toFixed(3)}`);
    expect(out).toContain('intervals: percentile bootstrap over candidates, 500 resamples, seed 0');
    expect(out).toContain('note: left out: 2 candidates with naswot but no accuracy; 3 candidates with accuracy but no naswot (6 candidates matched)');
    expect(out).not.toMatch(/NaN/);
  });

  it('--json has the issue\'s shape first ({"n", "spearman": {"value", "ci"}, ...}) and the variance components of a CSV with repeats', async () => {
    const json = JSON.parse(await correlateCommand([CSV, '--x', 'proxy', '--y', 'full', '--json', '--seed', '7', '--resamples', '300']));
    expect(Object.keys(json).slice(0, 4)).toEqual(['n', 'spearman', 'kendall', 'pearson']);
    expect(json.n).toBe(10);
    const direct = correlateObservations(loadCorrelationSources([CSV], { x: 'proxy', y: 'full' }).observations, { x: 'proxy', y: 'full' }, { seed: 7, resamples: 300 });
    expect(json.spearman).toEqual({ value: direct.spearman.value, ci: direct.spearman.ci, used: 300 });
    expect(json.reliability.x.arch).toBe(direct.reliability.x?.arch);
    expect(json.reliability.predictedSpearman).toBe(direct.reliability.predictedSpearman);
    expect(json.seed).toBe(7);
  });

  it('the text names sigma^2_arch, sigma^2_noise, SNR and the predicted rho beside the measured one', async () => {
    const out = await correlateCommand([CSV, '--x', 'proxy', '--y', 'full', '--resamples', '200']);
    const direct = correlateObservations(loadCorrelationSources([CSV], { x: 'proxy', y: 'full' }).observations, { x: 'proxy', y: 'full' }, { resamples: 200 });
    expect(out).toContain('sigma^2_arch  sigma^2_noise');
    expect(out).toContain(`predicted Spearman rho ${direct.reliability.predictedSpearman?.toFixed(3)} (NNGPT`);
    expect(out).toContain(`measured ${direct.spearman.value.toFixed(3)}`);
    expect(out).toContain('n = 10 candidates, matched by column key; correlated over per-candidate means');
  });

  it('--plot FILE.html writes an offline page with the scatter; the figure has units, means and repeats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-correlate-'));
    const out = await correlateCommand([CSV, '--x', 'proxy', '--y', 'full', '--resamples', '100', '--plot', join(dir, 'sub', 'corr.html')]);
    expect(out.split('\n').pop()).toBe(`scatter: ${join(dir, 'sub', 'corr.html')}`);
    const page = readFileSync(join(dir, 'sub', 'corr.html'), 'utf8');
    expect(page).toContain('Plotly.newPlot');
    expect(page).toContain('candidate means');
    const loaded = loadCorrelationSources([`${RUNS}proxy`], { x: 'naswot', y: 'macs' });
    const result = correlateObservations(loaded.observations, { x: 'naswot', y: 'macs' }, { resamples: 100 });
    const info = correlationScatterInfo(result, loaded.observations);
    expect(info.xTitle).toBe('NASWOT score');
    expect(info.yTitle).toBe('MACs (M)');
    expect(info.means.map((m) => m.y)).toEqual(result.means.map((m) => m.y / 1e6));
    expect(info.ranged).toBe(false);
    expect(info.means.every((m) => m.xRange === null && m.yRange === null)).toBe(true);
    expect(info.title).toContain(`Spearman rho ${result.spearman.value.toFixed(3)}`);
    expect(info.title).toContain('n = 8');
    expect(correlationScatterFigure(info).data).toHaveLength(1);
  });

  it('with repeats, each candidate is its means with bars from its lowest to its highest single evaluation (no made-up (x, y) points); the legend and hover say so', () => {
    // k1: x 1, 3 (mean 2), y 10; k2: x 5, y 20, 26, 23 (mean 23); k3: x 4, y 30
    const obs = [{ key: 'k1', x: [1, 3], y: [10] }, { key: 'k2', x: [5], y: [20, 26, 23] }, { key: 'k3', x: [4], y: [30] }];
    const result = correlateObservations(obs, { x: 'p', y: 'q' }, { resamples: 100 });
    const info = correlationScatterInfo(result, obs);
    expect(info.means.map((m) => [m.x, m.y, m.xRange, m.yRange])).toEqual([[2, 10, [1, 3], null], [5, 23, null, [20, 26]], [4, 30, null, null]]);
    expect(info.means[1]?.text).toBe('k2<br>1 p value: 5<br>3 q values: 20, 26, 23');
    const figure = correlationScatterFigure(info);
    expect(figure.data).toHaveLength(1);
    const trace = figure.data[0] as { name: string; error_x: { array: number[]; arrayminus: number[] }; error_y: { array: number[]; arrayminus: number[] } };
    expect(trace.name).toBe('candidate means; bars: lowest to highest single evaluation (x and y repeats are not paired)');
    expect([trace.error_x.arrayminus, trace.error_x.array]).toEqual([[1, 0, 0], [1, 0, 0]]);
    expect([trace.error_y.arrayminus, trace.error_y.array]).toEqual([[0, 3, 0], [0, 3, 0]]);
    expect(figure.layout.showlegend).toBe(true);
  });

  it('bad flags are one line naming the flag, the value and what is allowed', async () => {
    expect((await rejection(correlateCommand([CSV, '--x', 'proxy', '--y', 'full', '--resamples', '99']))).message).toBe('--resamples: got "99"; allowed: an integer from 100 to 100000');
    expect((await rejection(correlateCommand([CSV, '--y', 'full']))).message).toBe('--x: is required; allowed: a metric name or CSV column');
    expect((await rejection(correlateCommand([CSV, '--x', 'proxy', '--y', 'full', '--plot', '/tmp/corr.pdf']))).message).toBe('--plot: got "/tmp/corr.pdf": ends in ".pdf"; allowed: a file ending in .html, .png or .svg');
    const inside = join(RUNS, 'proxy', 'corr.html');
    expect((await rejection(correlateCommand([`${RUNS}proxy`, '--x', 'naswot', '--y', 'macs', '--plot', inside]))).message).toMatch(/^--plot: got ".*corr.html": is inside the run directory/);
    expect(existsSync(inside)).toBe(false);
    expect((await rejection(correlateCommand([tmpCsv(), '--x', 'a', '--y', 'b']))).message).toBe('candidates: got 2 after matching; allowed: at least 3 candidates with both a and b');
  });

  it('repeats near 1.7e308 (means whose plain sum overflows) are correlated; sigma^2 beyond double range is said, no NaN or Infinity printed', async () => {
    const csv = join(mkdtempSync(join(tmpdir(), 'paretonas-correlate-')), 'huge.csv');
    writeFileSync(csv, 'key,a,b\n1,1.7e308,2\n1,1.6e308,2.5\n2,-1.7e308,3\n2,-1.6e308,3\n3,1e308,1\n4,5,7\n');
    const out = await correlateCommand([csv, '--x', 'a', '--y', 'b', '--resamples', '100']);
    expect(out).toContain('n = 4 candidates');
    expect(out).toMatch(/\na {16}4 {12}6 {2}1\.44 {2}beyond double range {2}beyond double range {3}540 /);
    expect(out).not.toMatch(/NaN|Infinity/);
  });

  it('one metric from two sources: the variance rows and the notes say x and y (never "accuracy or accuracy")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-correlate-'));
    writeFileSync(join(dir, 'one.csv'), 'key,accuracy\nk1,0.5\nk2,0.6\nk3,0.7\nk4,0.4\n');
    writeFileSync(join(dir, 'five.csv'), 'key,accuracy\nk1,0.7\nk1,0.72\nk2,0.8\nk2,0.78\nk3,0.9\nk3,0.9\nk4,0.5\nk4,0.52\nk5,0.1\n');
    const out = await correlateCommand([join(dir, 'one.csv'), join(dir, 'five.csv'), '--x', 'accuracy', '--y', 'accuracy', '--resamples', '100']);
    const rows = out.split('\n').filter((l) => /^[xy]: accuracy \(/.test(l));
    expect(rows.map((l) => l.slice(0, l.indexOf(')') + 1))).toEqual([`x: accuracy (${join(dir, 'one.csv')})`, `y: accuracy (${join(dir, 'five.csv')})`]);
    expect(rows[0]).toMatch(/ 1 \(no repeats\)$/);
    expect(out).toContain('note: left out: 1 candidate with accuracy (y) but no accuracy (x) (4 candidates matched)');
    expect(out).toContain('note: accuracy (x) has one value per candidate: its reliability counts as 1 in the predicted Spearman rho (no repeats to estimate its noise)');
    expect(out).toMatch(/note: accuracy \(y\): SNR = sigma\^2_arch \/ sigma\^2_noise = [\d.]+: /);
    expect(out).not.toMatch(/accuracy or accuracy|accuracy and accuracy|\naccuracy /);
  });

  it('--json writes an infinite SNR or an undefined reliability as null with a reason, never "Infinity" or "NaN"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-correlate-'));
    // x: every repeat equal (sigma^2_noise = 0 < sigma^2_arch: SNR and F infinite); y: constant with repeats (0 / 0: undefined)
    writeFileSync(join(dir, 'd.csv'), 'key,a,b\nk1,1,5\nk1,1,5\nk2,2,5\nk2,2,5\nk3,4,5\nk3,4,5\n');
    const text = await correlateCommand([join(dir, 'd.csv'), '--x', 'a', '--y', 'b', '--json', '--resamples', '100']);
    expect(text).not.toMatch(/Infinity|NaN/);
    const json = JSON.parse(text);
    expect(json.reliability.x).toMatchObject({ noise: 0, snr: null, f: null, reliability: 1, reason: 'snr, f: infinite: no noise (every repeat of a candidate equal, sigma^2_noise = 0)' });
    expect(json.reliability.x.arch).toBeCloseTo(7 / 3, 14); // means 1, 2, 4: MSB = 2 * (16 + 1 + 25) / 9 / 2 = 14/3, n0 = 2
    expect(json.reliability.y).toMatchObject({ arch: 0, noise: 0, snr: null, f: null, reliability: null, reason: 'snr, f, reliability: undefined: the metric varies neither between nor within candidates' });
    expect(json.spearman).toEqual({ value: null, ci: null, used: 0, reason: 'b is the same for every candidate' });
  });

  it('the help says where x and y come from; its example is the README\'s and its JSON shape lists the keys --json prints', async () => {
    expect(CORRELATE_COMMAND.notes?.[0]).toContain('x from the first, y from the others');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`npx ${CORRELATE_COMMAND.example}`);
    const json = JSON.parse(await correlateCommand([CSV, '--x', 'proxy', '--y', 'full', '--json', '--resamples', '100']));
    const help = CORRELATE_COMMAND.flags.json.help as string;
    expect(help).toContain(`{${Object.keys(json).map((k) => `"${k}"`).join(', ').replace('"spearman"', '"spearman": {' + Object.keys(json.spearman).filter((k) => k !== 'reason').map((k) => `"${k}"`).join(', ') + '}')}}`);
  });
});

function tmpCsv(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paretonas-correlate-'));
  const path = join(dir, 'two.csv');
  writeFileSync(path, 'a,b\n1,2\n2,1\n');
  return path;
}

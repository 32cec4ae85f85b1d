/**
 * `paretonas correlate CSV|RUN... --x METRIC --y METRIC`: Spearman rho, Kendall tau-b and Pearson r
 * of two metrics over the same candidates, with seeded bootstrap intervals, the variance
 * components of repeated evaluations and NNGPT's predicted rho beside the measured one
 * (lib/report/correlation.ts; sources and matching: lib/report/correlation-sources.ts).
 */
import { extname } from 'node:path';
import { formatValue, InputError } from '../errors.js';
import { metricInfo } from '../metrics.js';
import { correlateObservations, type CorrelationResult, type CorrelationStatistic, type VarianceSummary } from '../report/correlation.js';
import { loadCorrelationSources, type LoadedSources, type SourceSummary } from '../report/correlation-sources.js';
import { correlationScatterFigure, correlationScatterInfo } from '../report/figures/correlation-scatter.js';
import { textTable } from '../report/text-table.js';
import { checkPositionals, intFlag, jsonOut, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { prepareOutput, writeOutput } from './output-file.js';

export const CORRELATE_COMMAND = defineCommand({
  name: 'correlate',
  args: 'CSV|RUN_DIR [CSV|RUN_DIR...]',
  summary: 'rank correlation of two metrics over the same candidates (Spearman, Kendall tau-b, Pearson, bootstrap intervals); with repeated evaluations, sigma^2_arch, sigma^2_noise and NNGPT\'s predicted rho',
  example: 'paretonas correlate runs/one-epoch runs/five-epochs --x accuracy --y accuracy --plot corr.html',
  flags: {
    x: { type: 'string', value: 'METRIC', required: true, help: 'the x metric (a run\'s metric name or a CSV column); with several sources, read from the FIRST' },
    y: { type: 'string', value: 'METRIC', required: true, help: 'the y metric; with several sources, read from every source after the first' },
    by: { type: 'string', value: 'COLUMN', default: 'key when the CSV has that column, else rows pair as they stand', help: 'a CSV\'s candidate key column (runs match by candidate key)' },
    json: { type: 'boolean', help: 'print the result as JSON: {"n", "spearman": {"value", "ci", "used"}, "kendall", "pearson", "x", "y", "resamples", "seed", "confidence", "reliability", "sources", "candidates", "notes"} (an undefined number is null with a "reason")' },
    resamples: { type: 'string', value: 'N', default: '2000', help: 'bootstrap resamples, 100 to 100,000' },
    seed: { type: 'string', value: 'N', default: '0', help: 'bootstrap seed, 0 to 2^31-1' },
    plot: { type: 'string', value: 'FILE', help: 'write the scatter: FILE.html (offline page), FILE.png or FILE.svg (headless Chromium)' },
  },
  notes: [
    'One source: x and y both come from it. Several: x from the first, y from the others, so one metric can be compared across runs (1 epoch against 50 epochs: --x accuracy --y accuracy).',
    'Candidates are matched by key; several values of one candidate (seeds, several y runs) are repeated evaluations: the correlation is over per-candidate means.',
  ],
});
export const CORRELATE_USAGE = usageLine(CORRELATE_COMMAND);

const PLOT_FORMATS = ['.html', '.png', '.svg'] as const;

/** A correlation for a person: `0.912`, or why there is none (never NaN). */
const shown = (s: CorrelationStatistic): [string, string] => {
  if (Number.isNaN(s.value)) return ['undefined', s.reason ?? ''];
  const ci = s.ci.every(Number.isFinite) ? `[${s.ci[0].toFixed(3)}, ${s.ci[1].toFixed(3)}]` : 'undefined (no resample had a value)';
  return [s.value.toFixed(3), ci];
};

/** A variance in the metric's display unit squared: `0.0123`, `12.5 ms^2`. */
function variance(name: string, v: number): string {
  if (Number.isNaN(v)) return 'beyond double range';
  const m = metricInfo(name);
  const text = Number((v / (m.scale * m.scale)).toPrecision(4)).toString();
  return m.unit ? `${text} ${m.unit}^2` : text;
}

const snr = (v: VarianceSummary): string => (Number.isFinite(v.snr) ? v.snr.toPrecision(3) : v.noise === 0 ? 'no noise' : 'undefined');

function describeSources(sources: readonly SourceSummary[], role: 'x' | 'y'): string {
  return sources
    .filter((s) => s.role === role || s.role === 'x and y')
    .map((s) => `${s.path} (${s.kind === 'run' ? `run${s.seed !== undefined ? `, seed ${s.seed}` : ''}, ${s.entries} evaluation records` : `CSV, ${s.entries} rows, keyed by ${s.keyedBy}`})`)
    .join(', ');
}

/** The text report: sources, n, the three statistics with intervals, variance components, notes. */
export function renderCorrelation(result: CorrelationResult, loaded: LoadedSources): string {
  const label = (name: string) => (metricInfo(name).label !== name ? `${name} (${metricInfo(name).label})` : name);
  const keyedBy = [...new Set(loaded.sources.map((s) => s.keyedBy))].join(' / ');
  const level = `${Math.round(result.confidence * 1000) / 10} %`;
  const lines = [
    `x: ${label(result.x)} from ${describeSources(loaded.sources, 'x')}`,
    `y: ${label(result.y)} from ${describeSources(loaded.sources, 'y')}`,
    `n = ${result.n} candidates, matched by ${keyedBy}${result.means.some((m) => m.xCount > 1 || m.yCount > 1) ? '; correlated over per-candidate means' : ''}`,
    '',
    textTable(
      ['statistic', 'value', `${level} interval`],
      [
        ['Spearman rho', ...shown(result.spearman)],
        ['Kendall tau-b', ...shown(result.kendall)],
        ['Pearson r', ...shown(result.pearson)],
      ],
    ),
    `intervals: percentile bootstrap over candidates, ${result.resamples} resamples, seed ${result.seed}`,
  ];
  const { x, y, predictedSpearman } = result.reliability;
  // one metric from two sources (accuracy after 1 and after 5 epochs): rows say which side and where from
  const rowLabel = (axis: 'x' | 'y'): string =>
    result.x !== result.y ? result[axis] : `${axis}: ${result[axis]} (${loaded.sources.filter((s) => s.role === axis || s.role === 'x and y').map((s) => s.path).join(', ')})`;
  if (x || y) {
    lines.push('', 'Repeated evaluations (one-way random-effects ANOVA, method of moments; k: effective evaluations per candidate, n0):');
    lines.push(
      textTable(
        ['metric', 'candidates', 'evaluations', 'k', 'sigma^2_arch', 'sigma^2_noise', 'SNR', 'reliability of the mean'],
        ([[result.x, x, 'x'], [result.y, y, 'y']] as const).map(([name, v, axis]) => (v ? [rowLabel(axis), v.candidates, v.evaluations, Number(v.k.toPrecision(3)), variance(name, v.arch), variance(name, v.noise), snr(v), Number.isNaN(v.reliability) ? 'undefined' : v.reliability.toFixed(3)] : [rowLabel(axis), '—', '—', 1, '—', '—', '—', '1 (no repeats)'])),
      ),
    );
    if (predictedSpearman !== null) {
      const measured = Number.isNaN(result.spearman.value) ? 'undefined' : result.spearman.value.toFixed(3);
      lines.push(`predicted Spearman rho ${predictedSpearman.toFixed(3)} (NNGPT: (6/pi) arcsin(rho_P / 2) with rho_P = sqrt(R_x R_y), the highest rho the noise in x and y allows), measured ${measured}`);
    }
  }
  const notes = [...loaded.notes, ...result.notes];
  if (notes.length) lines.push('', ...notes.map((n) => `note: ${n}`));
  return lines.join('\n');
}

/**
 * A VarianceSummary for JSON: a non-finite number (an infinite SNR or F without noise, an undefined
 * reliability, a sigma^2 beyond double range) is null, and `reason` says why (as the statistics' own).
 */
function jsonVariance(v: VarianceSummary | null): unknown {
  if (!v) return null;
  const reasons: string[] = [];
  const nonFinite = (fields: readonly (keyof VarianceSummary)[]) => fields.filter((f) => typeof v[f] === 'number' && !Number.isFinite(v[f]));
  const ratios = nonFinite(['snr', 'f', 'reliability']);
  if (ratios.length) reasons.push(`${ratios.join(', ')}: ${v.noise === 0 && v.arch > 0 ? 'infinite: no noise (every repeat of a candidate equal, sigma^2_noise = 0)' : 'undefined: the metric varies neither between nor within candidates'}`);
  if (v.unrepresentable.length) reasons.push(`${v.unrepresentable.join(', ')}: beyond double range in the metric's unit squared (above 1.8e308 or below 2.2e-308)`);
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(v)) out[k] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
  return reasons.length ? { ...out, reason: reasons.join('; ') } : out;
}

/** The JSON output: the issue's shape first ({"n", "spearman": {"value", "ci"}, ...}), extras after; an undefined value is null with its reason. */
function jsonResult(result: CorrelationResult, loaded: LoadedSources): unknown {
  const stat = (s: CorrelationStatistic) => ({ value: Number.isNaN(s.value) ? null : s.value, ci: s.ci.every(Number.isFinite) ? s.ci : null, used: s.used, ...(s.reason ? { reason: s.reason } : {}) });
  return {
    n: result.n,
    spearman: stat(result.spearman),
    kendall: stat(result.kendall),
    pearson: stat(result.pearson),
    x: result.x,
    y: result.y,
    resamples: result.resamples,
    seed: result.seed,
    confidence: result.confidence,
    reliability: { x: jsonVariance(result.reliability.x), y: jsonVariance(result.reliability.y), predictedSpearman: result.reliability.predictedSpearman },
    sources: loaded.sources,
    candidates: result.means,
    notes: [...loaded.notes, ...result.notes],
  };
}

/** Checks --plot's extension and place (and Chromium for PNG/SVG) before any work. */
async function checkPlot(path: string, runDirs: readonly string[]): Promise<'.html' | '.png' | '.svg'> {
  const ext = extname(path).toLowerCase();
  if (!(PLOT_FORMATS as readonly string[]).includes(ext)) throw new InputError('--plot', path, 'a file ending in .html, .png or .svg', `got ${formatValue(path)}: ends in ${formatValue(ext || 'no extension')}`);
  for (const runDir of runDirs) prepareOutput('--plot', path, { runDir, refuse: 'inside' });
  prepareOutput('--plot', path);
  if (ext !== '.html') {
    const { findChromium, CHROMIUM_MISSING_MESSAGE } = await import('../report/browser.js');
    if (!findChromium()) throw new InputError('--plot', path, `a .html file, or ${CHROMIUM_MISSING_MESSAGE}`, `got ${formatValue(path)}: ${ext} needs headless Chromium`);
  }
  return ext as '.html' | '.png' | '.svg';
}

export async function correlateCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, CORRELATE_COMMAND.flags);
  checkPositionals('SOURCE', positionals, 'one or more CSV files or run directories', 1, Infinity);
  if (values.x === undefined) throw new InputError('--x', undefined, 'a metric name or CSV column', 'is required');
  if (values.y === undefined) throw new InputError('--y', undefined, 'a metric name or CSV column', 'is required');
  const resamples = intFlag('resamples', values.resamples, 100, 100_000) ?? 2000;
  const seed = intFlag('seed', values.seed, 0, 2 ** 31 - 1) ?? 0;
  const loaded = loadCorrelationSources(positionals, { x: values.x, y: values.y, ...(values.by !== undefined ? { by: values.by } : {}) });
  const format = values.plot !== undefined ? await checkPlot(values.plot, loaded.sources.filter((s) => s.kind === 'run').map((s) => s.path)) : undefined;
  const result = correlateObservations(loaded.observations, { x: values.x, y: values.y }, { resamples, seed });
  const out = values.json ? jsonOut(jsonResult(result, loaded)) : renderCorrelation(result, loaded);
  if (values.plot === undefined || format === undefined) return out;
  const figure = correlationScatterFigure(correlationScatterInfo(result, loaded.observations));
  if (format === '.html') {
    const { figureHtml } = await import('../report/html.js');
    const page = `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>paretonas correlate: ${escapeHtml(`${result.y} against ${result.x}`)}</title></head>\n<body>\n${figureHtml(figure, { includeLibrary: true })}\n</body></html>\n`;
    writeOutput('--plot', values.plot, page);
  } else {
    const { writeFigureImages } = await import('../report/figure-images.js');
    await writeFigureImages([{ figure, path: values.plot, format: format === '.png' ? 'png' : 'svg' }]);
  }
  return values.json ? out : `${out}\nscatter: ${values.plot}`;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

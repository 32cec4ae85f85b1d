import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { findChromium, renderHtmlToDom } from '../../lib/report/chromium.js';
import { writeRunReport } from '../../lib/report/html-report.js';
import { loadRun } from '../../lib/report/campaign-report.js';
import { buildRunReport } from '../../lib/report/run-report.js';
import { readRecords } from '../../lib/campaign/records.js';
import { toCsv, toMarkdown } from '../../lib/report/render-table.js';
import { proposal, writeRun } from './run-records.js';
import { ROOT } from '../helpers.js';

const run = `${ROOT}notebooks/data/llm-runs/qwen2.5-3b`;
if (!findChromium()) console.warn('Chromium is not installed: the rendered-report check is skipped (npm run setup installs it)');

describe('the offline HTML report of a run', () => {
  const report = buildRunReport(run);
  const out = mkdtempSync(`${tmpdir()}/report-`);
  const files = writeRunReport(report, out);

  it('holds the tables (also as Markdown, CSV, LaTeX), the figures and the explanations', () => {
    expect(report.tables.map((t) => t.id)).toEqual(['pareto-front', 'table-iii', 'rejections']);
    // objectives naswot:max, macs:min, params:min: NASWOT against each other objective, and the three in 3-D
    expect(report.figures.map((f) => f.id)).toEqual(['pareto-2d', 'pareto-2d-params', 'pareto-3d', 'hypervolume', 'rejections', 'layers']);
    expect(report.figures.slice(0, 3).map((f) => f.title)).toEqual(['Pareto front: NASWOT score against MACs', 'Pareto front: NASWOT score against params', 'Pareto front in 3-D: NASWOT score, MACs, params']);
    const front = (id: string) => report.figures.find((f) => f.id === id)!.figure.data.find((t) => t.name === 'Pareto front')!.x as unknown[];
    expect(front('pareto-2d')).toHaveLength(report.counters.evaluated > 0 ? loadRun(run).front.size : 0);
    expect(front('pareto-3d')).toHaveLength(loadRun(run).front.size);
    expect(report.explanations.length).toBe(15);
    expect(files.filter((f) => f.endsWith('.tex'))).toHaveLength(3);
  });

  it.skipIf(!findChromium())('opened in headless Chromium: every 2-D plot drew its points, and the page asked the network for nothing', async () => {
    const { dom, networkRequests } = await renderHtmlToDom(`${out}/index.html`, { budgetMs: 8000 });
    expect(networkRequests).toEqual([]);
    const divs = dom.split('<div id="paretonas-figure-').slice(1);
    expect(divs).toHaveLength(report.figures.length);
    // the Pareto scatter: one marker per evaluated candidate plus one per front member (the joined front)
    const scatter = report.figures[0]!.figure.data.filter((t) => String(t.mode ?? '').includes('markers'));
    const expected = scatter.reduce((n, t) => n + (t.x as unknown[]).length, 0);
    // class "point", plus "plotly-customdata" where points carry their proposal index (customdata)
    expect(divs[0]!.match(/class="point(?: plotly-customdata)?"/g)?.length).toBe(expected);
    for (const [i, d] of divs.entries()) if (report.figures[i]!.id !== 'pareto-3d') expect(d, report.figures[i]!.id).toContain('class="main-svg"');
  }, 60_000);
});

describe('issue 19: a report a person can read', () => {
  const out = mkdtempSync(`${tmpdir()}/report19-`);
  const html = (dir: string) => readFileSync(`${dir}/index.html`, 'utf8');
  /** Inline scripts over 1 MB: plotly.js copies (a figure's spec is a few kB). */
  const plotlyCopies = (page: string) => [...page.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].filter((m) => m[1]!.length > 1e6).length;

  it('the LLM run: plotly.js inlined once for its 6 figures (minified build: under 5 MB), cards with units and the architecture', () => {
    const report = buildRunReport(run);
    writeRunReport(report, `${out}/qwen`);
    const page = html(`${out}/qwen`);
    expect(report.figures).toHaveLength(6);
    expect(plotlyCopies(page)).toBe(1);
    expect(page.match(/Plotly\.newPlot\("paretonas-figure-/g)).toHaveLength(6);
    expect(statSync(`${out}/qwen/index.html`).size).toBeLessThan(5e6); // 10,863,961 bytes with plotly.js-dist's full build
    const card = report.explanations[0]!;
    expect(page).toContain(`<p class="metrics">${card.metricsText.join(', ')}</p>`);
    expect(page.split('<div class="card">')[1]!.match(/<li>/g)).toHaveLength(card.architecture.length);
    // the per-layer plot marks the run's SRAM limit (sramMaxBytes 327,680 B = 320 KiB), not the candidate's peak
    const start = readRecords(`${run}/records.jsonl`).records[0] as unknown as { config: { sramMaxBytes: number } };
    const layers = report.figures.find((f) => f.id === 'layers')!.figure;
    const dashed = (layers.layout.shapes as { y0: number; line: { dash?: string } }[]).filter((s) => s.line.dash === 'dash');
    expect(dashed.map((s) => s.y0)).toEqual([start.config.sramMaxBytes / 1024]);
  });

  it('an evolution run without rejections: a sentence instead of an empty rejections table and plot', () => {
    const dir = `${out}/evolution-16`;
    mkdirSync(dir, { recursive: true });
    copyFileSync(`${ROOT}test/golden/tables/evolution-16.records.jsonl`, `${dir}/records.jsonl`);
    const report = buildRunReport(dir);
    expect(report.figures.map((f) => f.id)).not.toContain('rejections');
    const sentence = 'none: every one of the 16 proposals passed every check; the evolution proposer screens its offspring with the cost estimators (MAC range, SRAM limit) and skips repeats before proposing.';
    expect(report.figureNotes).toEqual([{ id: 'rejections', title: 'Rejections over the run', text: sentence }]);
    writeRunReport(report, `${out}/evo`);
    const page = html(`${out}/evo`);
    expect(page).toContain(`<p id="rejections-note">${sentence}</p>`);
    const table = page.slice(page.indexOf('<table id="rejections">'), page.indexOf('</table>', page.indexOf('<table id="rejections">')));
    expect(table).not.toContain('<thead>');
    expect(table).toContain(`<td class="empty" colspan="4">${sentence}</td>`);
    expect(plotlyCopies(page)).toBe(1);
  });
});

describe('the failures table keeps the whole message', () => {
  it('a 300-character trainer message: whole in the table and CSV, cut at a word with … in Markdown', () => {
    const tmp = mkdtempSync(`${tmpdir()}/report-failures-`);
    const message = `trainer exited with code 3 without a result line; stderr:\n${'Traceback line with words '.repeat(11)}end`;
    const dir = writeRun(tmp, 'crash', {}, [proposal(0), { type: 'failure', index: 0, key: 'k0', kind: 'crash', message, details: null }]);
    const report = buildRunReport(dir);
    const t = report.tables.find((x) => x.id === 'failures')!;
    expect(t.rows).toEqual([['crash', 1, 0, message]]);
    expect(toCsv(t)).toContain(`"${message}"`);
    const shown = toMarkdown(t).split('\n').find((l) => l.startsWith('| crash'))!.split(' | ')[3]!.replace(/ \|$/, '');
    // by hand: 58 characters of prefix + 7 × 26 = 240: the first 240 end in "words " (a space at 239), so the cut keeps 239
    expect(shown).toBe(`${message.slice(0, 239).replace('\n', '<br>')}…`);
    expect(message.slice(0, 239).endsWith('with words')).toBe(true);
  });
});

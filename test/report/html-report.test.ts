import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { findChromium, renderHtmlToDom } from '../../lib/report/chromium.js';
import { writeRunReport } from '../../lib/report/html-report.js';
import { loadRun } from '../../lib/report/campaign-report.js';
import { buildRunReport } from '../../lib/report/run-report.js';
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
    expect(divs[0]!.match(/class="point"/g)?.length).toBe(expected);
    for (const [i, d] of divs.entries()) if (report.figures[i]!.id !== 'pareto-3d') expect(d, report.figures[i]!.id).toContain('class="main-svg"');
  }, 60_000);
});

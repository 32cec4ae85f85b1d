import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { compareCommand } from '../../lib/cli/compare.js';
import { InputError } from '../../lib/errors.js';
import { hypervolume } from '../../lib/pareto/hypervolume.js';
import { findChromium, launchOfflineBrowser } from '../../lib/report/browser.js';
import { compareGroups } from '../../lib/report/compare-groups.js';
import { compareHtml, compareTables } from '../../lib/report/compare-html.js';
import { compareRuns } from '../../lib/report/compare.js';
import { groupHypervolumeFigure, groupHypervolumeInfo } from '../../lib/report/figures.js';
import { plotlyScriptPath } from '../../lib/report/html.js';
import { formatCell } from '../../lib/report/render-table.js';
import { runCampaign } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { campaignProposer } from '../../lib/campaign/llm-proposer.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { evaluation, proposal, writeRun } from './run-records.js';

const tmp = mkdtempSync(`${tmpdir()}/compare-html-`);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const two = { objectives: [{ name: 'accuracy', direction: 'max' as const }, { name: 'macs', direction: 'min' as const }] };
type Points = [number, number][];
const run = (name: string, proposer: string, seed: number, points: Points) =>
  writeRun(tmp, name, { ...two, proposer, seed }, [...points.flatMap(([a, m], i) => [proposal(i), evaluation(i, { accuracy: a, macs: m })]), { type: 'campaign-end', stopped: 'budget', summary: { seconds: 10 + seed } }]);

// Every point is on its run's front except (10, 60) of rnd-3, dominated by (12, 50).
const EVO: Points[] = [[[10, 20], [20, 60]], [[20, 50]], [[30, 50]]];
const RND: Points[] = [[[5, 50]], [[40, 90]], [[12, 50], [10, 60]]];
const evo = EVO.map((p, i) => run(`evo-${i + 1}`, 'evolution', i + 1, p));
const rnd = RND.map((p, i) => run(`rnd-${i + 1}`, 'random', i + 1, p));
const REF = [0, 100];

/** A second computation: lib/pareto's hypervolume (all minimised) of accuracy negated, against (0, 100). */
const hvOf = (points: Points) => hypervolume(points.map(([a, m]) => [-a, m]), [-REF[0]!, REF[1]!]);
const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sdOf = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - meanOf(xs)) ** 2, 0) / (xs.length - 1));

/** The cells of each body row of the table with this id, as the page shows them. */
function tableRows(page: string, id: string): string[][] {
  const table = page.split(`<table id="${id}">`)[1]?.split('</table>')[0];
  if (table === undefined) throw new Error(`no table ${id}`);
  const body = table.split('<tbody>')[1]!.split('</tbody>')[0]!;
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!));
}

/** Inline scripts over 1 MB: plotly.js copies (a figure's spec is a few kB). */
const plotlyCopies = (page: string) => [...page.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].filter((m) => m[1]!.length > 1e6).length;
/** The page without its inline scripts: what a reader's markup asks for. */
const markup = (page: string) => page.replace(/<script type="text\/javascript">[\s\S]*?<\/script>/g, '');
/** The figure's spec, as the page hands it to Plotly.newPlot. */
const figureSpec = (page: string) => JSON.parse(/var f = (\{[\s\S]*?\}); Plotly\.newPlot/.exec(page)![1]!) as { data: { x: number[]; y: number[]; error_y?: { array: number[] } }[]; layout: { yaxis: { title: { text: string } }; title: { text: string } } };

describe('compare --html: the groups page', () => {
  const c = compareRuns([...evo, ...rnd], { ref: REF });
  const grouped = compareGroups(c, 'proposer');
  const page = compareHtml(c, grouped);
  const evoHv = EVO.map(hvOf);
  const rndHv = RND.map(hvOf);

  it('the second computation agrees with the hand-worked hypervolumes', () => {
    // (10, 20), (20, 60) against (0, 100): 10 * 80 + 20 * 40 - 10 * 40 = 1200; a single (a, m) covers a * (100 - m)
    expect(evoHv).toEqual([1200, 1000, 1500]);
    expect(rndHv).toEqual([250, 400, 600]);
  });

  it('the groups table holds each group\'s runs, seeds, hypervolume mean, sd and values, valid rate and wall time', () => {
    const rows = tableRows(page, 'groups');
    expect(rows.map((r) => r.slice(0, 3))).toEqual([['evolution', '3', '1, 2, 3'], ['random', '3', '1, 2, 3']]);
    // mean 3700 / 3 = 1,233.3333, sd sqrt(190000 / 3) = 251.6611; random: 1250 / 3 = 416.6667, sd 175.5942
    expect(rows.map((r) => r.slice(3, 6))).toEqual([
      [formatCell(meanOf(evoHv)), formatCell(sdOf(evoHv)), evoHv.join(', ')],
      [formatCell(meanOf(rndHv)), formatCell(sdOf(rndHv)), rndHv.join(', ')],
    ]);
    expect(rows[0]!.slice(3, 5)).toEqual(['1,233.3333', '251.6611']);
    expect(rows[1]!.slice(3, 5)).toEqual(['416.6667', '175.5942']);
    // every point evaluated: valid rate 100 %; wall times 11, 12, 13 s: mean 12
    expect(rows.map((r) => r.slice(6))).toEqual([['100', '100, 100, 100', '12'], ['100', '100, 100, 100', '12']]);
    expect(page).toContain('(given with --ref): accuracy 0, macs 100 (--ref &quot;0,100&quot; gives these hypervolumes again); in the product of the objectives&#39; recorded units (accuracy &#215; MACs');
  });

  it('the Mann-Whitney table: every evolution run above every random run, U = 9 of 9, exact p = 2 / C(6, 3) = 0.1', () => {
    expect(tableRows(page, 'mann-whitney')).toEqual([['evolution', 'random', '3', '3', '9', '0.1', 'exact', '0.1', '0.1', '1', '1']]);
  });

  it('the notes say the 3 vs 3 test cannot reach significance', () => {
    expect(page).toContain('<li>evolution vs random: with 3 vs 3 runs the smallest two-sided p any outcome can give is 0.1: this test cannot reach significance at 5 % (run more seeds)</li>');
  });

  it('the Table III-style and search tables: TC, PC and the hypervolume of each run', () => {
    const front = tableRows(page, 'table-iii');
    expect(front.map((r) => [r[0], r[2], r[3]])).toEqual([...evo.map((d, i) => [d, String(EVO[i]!.length), String(EVO[i]!.length)]), ...rnd.map((d, i) => [d, String(RND[i]!.length), '1'])]); // rnd-3's (10, 60) is dominated: TC 2, PC 1
    expect(front.map((r) => r.slice(2, 4))).toEqual([['2', '2'], ['1', '1'], ['1', '1'], ['1', '1'], ['1', '1'], ['2', '1']]);
    const search = tableRows(page, 'search');
    expect(search.map((r) => [r[0], r[6]])).toEqual([...evo, ...rnd].map((d, i) => [d, formatCell([...evoHv, ...rndHv][i]!)]));
  });

  it('the figure: each run\'s hypervolume a point, the group mean ± sd beside it, the axis in the objectives\' units', () => {
    const f = figureSpec(page);
    expect(f.data[0]!.y).toEqual([...evoHv, ...rndHv]);
    expect(f.data[1]!.y.map((y) => Number(y.toFixed(9)))).toEqual([meanOf(evoHv), meanOf(rndHv)].map((y) => Number(y.toFixed(9))));
    expect(f.data[1]!.error_y!.array.map((y) => Number(y.toFixed(9)))).toEqual([sdOf(evoHv), sdOf(rndHv)].map((y) => Number(y.toFixed(9))));
    expect(f.layout.yaxis.title.text).toBe('hypervolume (accuracy × MACs, recorded units)');
    expect(f.layout.title.text).toContain('reference point accuracy 0, macs 100 (given with --ref)');
    // compute first: the page's figure is the figure of the info
    expect(groupHypervolumeFigure(groupHypervolumeInfo(grouped, c.objectives)).data[0]!.y).toEqual(f.data[0]!.y);
  });

  it('offline: plotly.js\'s minified build inlined exactly once, no network URL in the markup', () => {
    expect(plotlyScriptPath()).toMatch(/plotly\.min\.js$/);
    expect(plotlyCopies(page)).toBe(1);
    expect(page.length).toBeLessThan(5e6);
    expect(markup(page)).not.toMatch(/https?:\/\//);
    expect(markup(page)).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('without --group-by: the comparison tables alone, no plotly.js', () => {
    const plain = compareHtml(c);
    expect(plotlyCopies(plain)).toBe(0);
    expect(plain).not.toContain('<table id="groups">');
    expect(tableRows(plain, 'search')).toHaveLength(6);
    expect(compareTables(c).figure).toBeNull();
  });

  it('a group of one run: its point and mean without a bar, no test, and the note says why', () => {
    const one = compareRuns([evo[0]!, evo[1]!, rnd[0]!], { ref: REF });
    const g = compareGroups(one, 'proposer');
    const p = compareHtml(one, g);
    expect(tableRows(p, 'groups')[1]!.slice(3, 6)).toEqual(['250', '&#8212;', '250']); // an em dash: one run, no sd
    expect(p).toContain('<td class="empty" colspan="11">no test: a Mann-Whitney U test needs two groups of two runs or more');
    expect(p).toContain('<li>random: 1 run(s): no test against it');
    const bars = figureSpec(p).data[1]!.error_y!.array;
    expect(bars[0]).toBeCloseTo(100 * Math.SQRT2, 9); // 1200, 1000: sd sqrt(20000)
    expect(bars[1]).toBe(0);
  });
});

describe('compare --html on real campaigns (runCampaign, Fashion-MNIST space, cost evaluator, two proposers x two seeds)', async () => {
  const dirs: string[] = [];
  for (const proposer of ['evolution', 'random']) {
    for (const seed of [1, 2]) {
      const dir = `${tmp}/real-${proposer}-${seed}`;
      await runCampaign(dir, configFromSpace(resolveSpace('tinyml-fashion-mnist'), { space: 'tinyml-fashion-mnist', proposer, evaluator: 'cost', budget: 60, seed }), { createProposer: campaignProposer, createEvaluator });
      dirs.push(dir);
    }
  }
  const ref = [1.5e7, 5e6]; // macs:min, params:min; the space's MAC range is 2.8 M to 14 M
  /** Every evaluated (macs, params) of a run's records: the hypervolume of all of them is its front's (dominated points add nothing). */
  const evaluated = (dir: string) =>
    readFileSync(`${dir}/records.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; metrics?: { macs: number; params: number } }).filter((r) => r.type === 'evaluation' && r.metrics).map((r) => [r.metrics!.macs, r.metrics!.params]);

  it('the page\'s groups table and figure hold the hypervolumes recomputed from the records', () => {
    const c = compareRuns(dirs, { ref });
    const page = compareHtml(c, compareGroups(c, 'proposer'));
    const hv = dirs.map((d) => hypervolume(evaluated(d), ref));
    expect(hv.every((v) => v > 0)).toBe(true);
    expect(hv.every((v) => v > 0)).toBe(true);
    expect(figureSpec(page).data[0]!.y.map((y) => y / hv[0]!)).toEqual(hv.map((v) => expect.closeTo(v / hv[0]!, 12)));
    const rows = tableRows(page, 'groups');
    expect(rows.map((r) => r[0])).toEqual(['evolution', 'random']);
    for (const [g, row] of rows.entries()) {
      const values = hv.slice(2 * g, 2 * g + 2);
      expect(row.slice(3, 6)).toEqual([formatCell(meanOf(values)), formatCell(sdOf(values)), values.map((v) => String(Number(v.toPrecision(6)))).join(', ')]);
    }
    // 2 vs 2 runs: U counted by hand from the recomputed values
    const [e1, e2, s1, s2] = hv as [number, number, number, number];
    const u = [e1, e2].reduce((n, x) => n + [s1, s2].reduce((m, y) => m + (x > y ? 1 : x === y ? 0.5 : 0), 0), 0);
    expect(tableRows(page, 'mann-whitney')[0]!.slice(0, 5)).toEqual(['evolution', 'random', '2', '2', formatCell(u)]);
  });
});

describe('compare --html FILE (compareCommand)', () => {
  it('writes the page and prints the text output with its path', () => {
    const file = `${tmp}/pages/groups.html`;
    const out = compareCommand([...evo, ...rnd, '--group-by', 'proposer', '--ref', '0,100', '--html', file]);
    expect(out).toMatch(/Groups by proposer/);
    expect(out.endsWith(`\npage: ${file}`)).toBe(true);
    expect(tableRows(readFileSync(file, 'utf8'), 'mann-whitney')[0]!.slice(4, 6)).toEqual(['9', '0.1']);
    const json = compareCommand([...evo, '--json', '--html', `${tmp}/pages/plain.html`]);
    expect(JSON.parse(json).runs).toHaveLength(3); // --json stays JSON
    expect(statSync(`${tmp}/pages/plain.html`).size).toBeGreaterThan(0);
  });

  it('refuses a path inside a run directory and a path not ending in .html, in one line, before any work', () => {
    const cases: [string, RegExp][] = [
      [`${evo[1]}/page.html`, /^--html: got ".*evo-2\/page\.html": is inside the run directory \(page\.html\); its files are never overwritten; allowed: a path outside the run directory .*evo-2$/],
      [`${tmp}/page.htm`, /^--html: got ".*page\.htm": ends in "\.htm"; allowed: a file ending in \.html$/],
      [`${tmp}/page`, /^--html: got ".*page": ends in "no extension"; allowed: a file ending in \.html$/],
    ];
    for (const [file, message] of cases) {
      let error: unknown;
      try {
        compareCommand([...evo, '--group-by', 'proposer', '--html', file]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      expect(existsSync(file)).toBe(false);
    }
  });
});

describe.skipIf(!findChromium())('compare --html in headless Chromium', () => {
  it('draws the figure (an svg.main-svg with a point per run) with no console error and no network request', async () => {
    const file = `${tmp}/chromium.html`;
    compareCommand([...evo, ...rnd, '--group-by', 'proposer', '--ref', '0,100', '--html', file]);
    const offline = await launchOfflineBrowser();
    try {
      const tab = await offline.browser.newPage();
      const errors: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      tab.on('pageerror', (e) => errors.push(String(e)));
      await tab.goto(`file://${file}`, { waitUntil: 'load' });
      await tab.waitForSelector('svg.main-svg', { timeout: 30_000 });
      const drawn = await tab.evaluate(() => ({ svgs: document.querySelectorAll('svg.main-svg').length, points: document.querySelectorAll('.scatterlayer .trace:first-child .point').length, ticks: [...document.querySelectorAll('.xtick text')].map((t) => t.textContent) }));
      expect(drawn.svgs).toBeGreaterThan(0);
      expect(drawn.points).toBe(6);
      expect(drawn.ticks).toEqual(['evolution', 'random']);
      expect(errors).toEqual([]);
      expect(offline.networkRequests).toEqual([]);
    } finally {
      await offline.close();
    }
  });
});

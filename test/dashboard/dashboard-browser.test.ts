/**
 * The dashboard in real Chromium (Debian's chromium driven by puppeteer-core through
 * launchOfflineBrowser: every request off the machine is refused and counted). Two seeds of one
 * configuration are written by real campaigns (random proposer, cost evaluator) into a folder
 * two levels down; the page must list them, draw every trial (one table row per proposal record),
 * overlay their fronts with the front the campaign itself recorded (front-change records), open
 * a trial's view on a click, pick up a third run started after the page opened, and fetch
 * nothing from the network. A screenshot goes to reports/screenshots/dashboard.png (gitignored).
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { readRecords, type CampaignRecord } from '../../lib/campaign/records.js';
import { startDashboard, type Dashboard } from '../../lib/dashboard/server.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { createProposer } from '../../lib/propose/registry.js';
import { launchOfflineBrowser, findChromium, type OfflineBrowser } from '../../lib/report/browser.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { lowerBlockNet, spaceNetOptions } from '../../lib/space/lower-blocks.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { ROOT } from '../helpers.js';
import { evaluation, llmCall, proposal, writeRun } from '../report/run-records.js';

const SPACE = 'tinyml-fashion-mnist';

/** A real campaign: random proposals, costs as the evaluation; MACs up, peak SRAM and params down (a trade-off). About a third pass the space's limits, the rest are rejected (MACs, SRAM). */
async function campaign(dir: string, seed: number, budget: number): Promise<void> {
  const config = configFromSpace(resolveSpace(SPACE), {
    space: SPACE,
    proposer: 'random',
    evaluator: 'cost',
    budget,
    seed,
    objectives: [{ name: 'macs', direction: 'max' }, { name: 'peakSramBytes', direction: 'min' }, { name: 'params', direction: 'min' }],
  });
  await runCampaign(dir, config, { createProposer: (n, o) => createProposer(n, o), createEvaluator: (s, o) => createEvaluator(s, o) });
}

const records = (dir: string): CampaignRecord[] => readRecords(join(dir, 'records.jsonl')).records;

/** The front as the campaign recorded it while running: keys added by front-change records, less the ones they removed. */
function recordedFront(rs: readonly CampaignRecord[]): Set<number> {
  const front = new Map<string, number>();
  for (const r of rs) {
    if (r.type !== 'front-change') continue;
    for (const k of (r.removed as string[] | undefined) ?? []) front.delete(k);
    if (r.added !== false) front.set(r.key as string, r.index as number);
  }
  return new Set(front.values());
}

const chromium = findChromium();

describe.skipIf(chromium === null)('paretonas dashboard in Chromium', () => {
  let root: string;
  let dashboard: Dashboard;
  let browser: OfflineBrowser;
  let page: Page;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dashboard-'));
    await campaign(join(root, 'random-cost', 'seed-1'), 1, 60);
    await campaign(join(root, 'random-cost', 'seed-2'), 2, 60);
    dashboard = await startDashboard({ dir: root, port: 0, pollMs: 200 });
    browser = await launchOfflineBrowser({ allowLoopbackPorts: [dashboard.port] });
    page = await browser.browser.newPage();
    await page.setViewport({ width: 1500, height: 1100, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(dashboard.url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    expect(errors).toEqual([]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  it('lists both runs (two levels down) and draws every trial of the one shown: a row per proposal record', async () => {
    expect(await page.$$eval('#runs tbody tr', (rows) => rows.map((r) => r.getAttribute('data-run')))).toEqual(['random-cost/seed-1', 'random-cost/seed-2']);
    for (const id of ['random-cost/seed-1', 'random-cost/seed-2']) {
      await page.select('#table-run', id);
      const rs = records(join(root, id));
      const proposals = rs.filter((r) => r.type === 'proposal').map((r) => r.index as number);
      const rejected = rs.filter((r) => r.type === 'rejection').map((r) => r.index as number);
      expect(proposals.length).toBe(60);
      expect(rejected.length).toBeGreaterThan(0);
      expect(rejected.length).toBeLessThan(60);
      const rows = await page.$$eval('#trials tbody tr', (trs) => trs.map((tr) => ({ index: Number(tr.getAttribute('data-index')), rejected: tr.classList.contains('rejected') })));
      expect(rows.map((r) => r.index)).toEqual(proposals);
      expect(rows.filter((r) => r.rejected).map((r) => r.index)).toEqual(rejected);
      expect(await page.$eval('#trial-count', (e) => e.textContent)).toBe(`60 of 60 trials`);
      // A proposal rejected for its MACs shows the MACs its rejection estimated, marked as estimated.
      const r = rs.find((x) => x.type === 'rejection' && x.reason === 'macs') as CampaignRecord & { index: number; details: { macs: number } };
      const cell = await page.$eval(`#trials tbody tr[data-index="${r.index}"]`, (tr) => {
        const col = [...document.querySelectorAll('#trials thead th')].findIndex((th) => th.getAttribute('data-column') === 'm:macs');
        const td = tr.querySelectorAll('td')[col] as HTMLElement;
        return { text: td.textContent, estimated: td.classList.contains('estimated') };
      });
      // The number only: the header "MACs (M)" names the unit.
      expect(cell).toEqual({ text: `${(r.details.macs / 1e6).toFixed(1)}`, estimated: true });
    }
  });

  it('overlays the runs\' fronts: each front trace holds exactly the trials the campaign recorded on its front', async () => {
    const traces = await page.$eval('#fronts', (div) => (div as unknown as { data: { name: string; customdata: [string, number][] }[] }).data.map((t) => ({ name: t.name, points: t.customdata.map((c) => c[1]) })));
    for (const id of ['random-cost/seed-1', 'random-cost/seed-2']) {
      const front = traces.find((t) => t.name.startsWith(`${id}: front`));
      expect(front, `a front trace for ${id}`).toBeDefined();
      expect(new Set(front?.points)).toEqual(recordedFront(records(join(root, id))));
    }
    // A 3-D view of any three metrics: same front points, one scatter3d trace per run and kind.
    await page.select('#axis-z', 'params');
    const kinds = await page.$eval('#fronts', (div) => (div as unknown as { data: { type: string }[] }).data.map((t) => t.type));
    expect(new Set(kinds)).toEqual(new Set(['scatter3d']));
    await page.select('#axis-z', '-');
  });

  it('sorts and filters the table', async () => {
    await page.select('#table-run', 'random-cost/seed-1');
    const rs = records(join(root, 'random-cost/seed-1'));
    const evals = rs.filter((r) => r.type === 'evaluation') as (CampaignRecord & { index: number; metrics: Record<string, number> })[];
    await page.click('#trials th[data-column="m:peakSramBytes"]');
    const first = await page.$eval('#trials tbody tr', (tr) => Number(tr.getAttribute('data-index')));
    const least = Math.min(...evals.map((e) => e.metrics.peakSramBytes as number));
    expect(evals.find((e) => e.index === first)?.metrics.peakSramBytes).toBe(least);
    await page.select('#status-filter', 'evaluated');
    expect(await page.$$eval('#trials tbody tr', (trs) => trs.length)).toBe(evals.length);
    await page.select('#status-filter', '');
  });

  it('a click on a trial opens its view: blocks, per-layer costs against the SRAM limit, the network graph, its records', async () => {
    const rs = records(join(root, 'random-cost/seed-1'));
    const evaluated = rs.find((r) => r.type === 'evaluation') as CampaignRecord & { index: number };
    await page.click(`#trials tbody tr[data-index="${evaluated.index}"]`);
    await page.waitForSelector(`#trial-view[data-index="${evaluated.index}"]:not([data-loading])`, { timeout: 20_000 });
    const proposal = rs.find((r) => r.type === 'proposal' && r.index === evaluated.index) as CampaignRecord & { candidate: Candidate };
    const title = await page.$eval('#trial-title', (e) => e.textContent);
    expect(title).toBe(`random-cost/seed-1 · trial #${evaluated.index} · evaluated`);
    expect(await page.$$eval('#trial-blocks table tr', (trs) => trs.length)).toBe(proposal.candidate.blocks.length + 1);
    const graph = lowerBlockNet(proposal.candidate, spaceNetOptions(resolveSpace(SPACE)));
    expect(await page.$eval('#trial-graph svg', (s) => Number(s.getAttribute('data-nodes')))).toBe(graph.nodes.length);
    expect(await page.$eval('#trial-layers', (d) => (d as unknown as { data?: unknown[] }).data?.length ?? 0)).toBeGreaterThan(0);
    // The space's SRAM limit (tinyml-fashion-mnist: 65,536 bytes), drawn and labelled in the plot.
    expect(await page.$$eval('#trial-layers .annotation-text', (ts) => ts.map((t) => t.textContent))).toContain('SRAM limit 64 KiB');
    const shown = await page.$eval('#trial-records', (e) => (e.textContent ?? '').split('\n').map((l) => JSON.parse(l).seq));
    expect(shown).toEqual(rs.filter((r) => r.index === evaluated.index).map((r) => r.seq));
    // Layout: the close button covers neither the title nor the key; the architecture table fits the panel (no sideways scroll); every graph label fits its box.
    const boxes = await page.evaluate(() => {
      const r = (id: string) => { const b = (document.getElementById(id) as HTMLElement).getBoundingClientRect(); return { l: b.left, r: b.right, t: b.top, b: b.bottom }; };
      const key = (document.querySelector('#trial-summary .key') as HTMLElement).getBoundingClientRect();
      const blocks = document.getElementById('trial-blocks') as HTMLElement;
      const scroll = blocks.querySelector('.table-scroll') as HTMLElement;
      const labels = [...document.querySelectorAll('#trial-graph svg g')].map((g) => [(g.querySelector('text') as SVGTextElement).getBBox().width, Number((g.querySelector('rect') as SVGRectElement).getAttribute('width'))]);
      return { close: r('trial-close'), title: r('trial-title'), key: { l: key.left, r: key.right, t: key.top, b: key.bottom }, overflow: scroll.scrollWidth - scroll.clientWidth, labels };
    });
    const overlap = (a: typeof boxes.close, b: typeof boxes.close) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
    expect(overlap(boxes.close, boxes.key)).toBe(false);
    expect(overlap(boxes.close, boxes.title)).toBe(false);
    expect(boxes.overflow).toBeLessThanOrEqual(0);
    expect(boxes.labels.length).toBe(graph.nodes.length);
    for (const [text, box] of boxes.labels) expect(text as number).toBeLessThan((box as number) - 4);
  });

  it('a click on a point of a front opens that trial', async () => {
    await page.evaluate(() => document.getElementById('fronts')?.scrollIntoView({ block: 'start' }));
    // The pixel position of the first point of seed-2's front trace, from plotly's own axes.
    const target = await page.$eval('#fronts', (div) => {
      const d = div as unknown as { data: { name: string; x: number[]; y: number[]; customdata: [string, number][] }[]; _fullLayout: { xaxis: { l2p(v: number): number }; yaxis: { l2p(v: number): number }; _size: { l: number; t: number } } };
      const trace = d.data.find((t) => t.name.startsWith('random-cost/seed-2: front')) as (typeof d.data)[number];
      const box = div.getBoundingClientRect();
      const L = d._fullLayout;
      return { index: (trace.customdata[0] as [string, number])[1], x: box.left + L._size.l + L.xaxis.l2p(trace.x[0] as number), y: box.top + L._size.t + L.yaxis.l2p(trace.y[0] as number) };
    });
    await page.mouse.move(target.x, target.y);
    await page.mouse.click(target.x, target.y);
    await page.waitForSelector(`#trial-view[data-run="random-cost/seed-2"][data-index="${target.index}"]:not([data-loading])`, { timeout: 20_000 });
  });

  it('picks up a run started after the page opened, and its seed group shows three runs', async () => {
    await campaign(join(root, 'random-cost', 'seed-3'), 3, 30);
    await page.waitForSelector('#runs tbody tr[data-run="random-cost/seed-3"]', { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelector('#groups h3')?.textContent?.includes('3 runs'), { timeout: 20_000 });
    // Its table holds every proposal once the records are read to the end.
    await page.select('#table-run', 'random-cost/seed-3');
    await page.waitForFunction(() => document.querySelectorAll('#trials tbody tr').length === 30, { timeout: 20_000 });
    await page.select('#table-run', 'random-cost/seed-2'); // the run of the open trial, for the screenshot
    // Two screenshots for the README: the overview (runs, fronts, progress) and the trials with one trial open.
    const shots = join(ROOT, 'reports', 'screenshots');
    mkdirSync(shots, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'dashboard.png') });
    await page.evaluate(() => document.getElementById('trials-row')?.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(shots, 'dashboard-trial.png') });
  }, 60_000);

  it('a trial of an LLM run shows its explanation and its LLM calls (prompt and reply as text, never as HTML)', async () => {
    // One proposal of seed-1 re-recorded as an LLM run's: its LLM call, its evaluation and an explanation.
    const p = records(join(root, 'random-cost/seed-1')).find((r) => r.type === 'proposal') as CampaignRecord & { candidate: Candidate; key: string };
    const llmRoot = mkdtempSync(join(tmpdir(), 'dashboard-llm-'));
    writeRun(llmRoot, 'llm', { space: SPACE, proposer: 'ollama:llama3.2:3b', evaluator: 'command:train', budget: 1 }, [
      { ...llmCall('proposal', 812, 95, 4200), index: 0, messages: [{ role: 'user', content: 'Propose <b>one</b> architecture' }], reply: '{"blocks": []}' },
      { type: 'proposal', index: 0, candidate: p.candidate, note: 'llm', key: p.key },
      { type: 'evaluation', index: 0, key: p.key, metrics: { accuracy: 0.8125, macs: 3.5e6, params: 1e5 }, seconds: 60, details: null },
      { type: 'explanation', index: 0, key: p.key, model: 'llama3.2:3b', text: 'Stride 2 early keeps <peak SRAM> low.' },
    ]);
    const d = await startDashboard({ dir: llmRoot, port: 0, pollMs: 200 });
    const llmBrowser = await launchOfflineBrowser({ allowLoopbackPorts: [d.port] });
    try {
      const tab = await llmBrowser.browser.newPage();
      await tab.goto(d.url, { waitUntil: 'load' });
      await tab.waitForSelector('#trials tbody tr[data-index="0"]', { timeout: 30_000 });
      await tab.click('#trials tbody tr[data-index="0"]');
      await tab.waitForSelector('#trial-view[data-index="0"]:not([data-loading])', { timeout: 20_000 });
      expect(await tab.$eval('#trial-explanation pre', (e) => e.textContent)).toBe('Stride 2 early keeps <peak SRAM> low.');
      expect(await tab.$eval('#trial-llm summary', (e) => e.textContent)).toBe('call 1: llama3.2:3b, proposal, 4.2 s, 812 prompt + 95 reply tokens');
      expect(await tab.$$eval('#trial-llm pre', (ps) => ps.map((e) => e.textContent))).toEqual(['Propose <b>one</b> architecture', '{"blocks": []}']);
      expect(await tab.$$eval('#trial-llm b', (bs) => bs.length)).toBe(0); // shown as text
      expect(await tab.$$eval('#trials thead th', (ths) => ths.map((t) => t.textContent))).toEqual(expect.arrayContaining(['accuracy ↑', 'MACs (M) ↓', 'params (M) ↓', 'LLM calls']));
      expect(await tab.$eval('#trials tbody tr', (tr) => [...tr.querySelectorAll('td')].map((t) => t.textContent))).toEqual(expect.arrayContaining(['0.8125', '3.5', '0.100', '1'])); // numbers only: the headers name the units
      expect(llmBrowser.networkRequests).toEqual([]);
    } finally {
      await llmBrowser.close();
      await d.close();
    }
  }, 90_000);

  it('over an empty folder: the page loads without errors, says so, and shows the first run once a campaign starts there', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dashboard-empty-'));
    const d = await startDashboard({ dir: empty, port: 0, pollMs: 200 });
    const b = await launchOfflineBrowser({ allowLoopbackPorts: [d.port] });
    try {
      const tab = await b.browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      await tab.goto(d.url, { waitUntil: 'load' });
      await tab.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      expect(await tab.$eval('#trial-count', (e) => e.textContent)).toBe('no run yet');
      await campaign(join(empty, 'first'), 5, 10);
      await tab.waitForFunction(() => document.querySelectorAll('#trials tbody tr').length === 10, { timeout: 20_000 });
      expect(errors).toEqual([]);
      expect(b.networkRequests).toEqual([]);
    } finally {
      await b.close();
      await d.close();
    }
  }, 90_000);

  it('a single run given as DIR is named by its folder; with no evaluated trial yet the fronts and hypervolume say so on axes from 0', async () => {
    const lone = writeRun(mkdtempSync(join(tmpdir(), 'dashboard-lone-')), 'lonely-run', { space: SPACE }, [proposal(0)]);
    const d = await startDashboard({ dir: lone, port: 0, pollMs: 200 });
    const b = await launchOfflineBrowser({ allowLoopbackPorts: [d.port] });
    try {
      const tab = await b.browser.newPage();
      await tab.goto(d.url, { waitUntil: 'load' });
      await tab.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await tab.waitForFunction(() => document.querySelectorAll('#trials tbody tr').length === 1, { timeout: 20_000 });
      expect(await tab.$eval('#table-run', (s) => [...(s as HTMLSelectElement).options].map((o) => o.textContent))).toEqual(['lonely-run']);
      for (const id of ['fronts', 'hypervolume']) {
        expect(await tab.$$eval(`#${id} .annotation-text`, (ts) => ts.map((t) => t.textContent))).toContain('no evaluated trial yet');
        const range = await tab.$eval(`#${id}`, (div) => { const l = (div as unknown as { _fullLayout: { xaxis: { range: number[] }; yaxis: { range: number[] } } })._fullLayout; return { xaxis: { range: [...l.xaxis.range] }, yaxis: { range: [...l.yaxis.range] } }; });
        expect(range.xaxis.range[0]).toBe(0);
        expect(range.xaxis.range[1]).toBeGreaterThanOrEqual(1);
        expect(range.yaxis.range[0]).toBe(0);
      }
      expect(b.networkRequests).toEqual([]);
    } finally {
      await b.close();
      await d.close();
    }
  }, 90_000);

  it('many runs: the 8 most recently changed are ticked and overlaid; a run id is shown as text in legends; a bad line appended to a live run shows as a red line naming file and line, with what was read before', async () => {
    const many = mkdtempSync(join(tmpdir(), 'dashboard-many-'));
    const names = [...Array.from({ length: 10 }, (_, i) => `r${String(i).padStart(2, '0')}`), '<b>x&y'];
    names.forEach((name, i) => {
      const dir = writeRun(many, name, { space: SPACE }, [proposal(0), evaluation(0, { accuracy: 0.5 + i / 100, macs: 1e6 * (i + 1), params: 1e4 })]);
      const t = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
      utimesSync(join(dir, 'records.jsonl'), t, t);
    });
    const newest = names.slice(-8).sort();
    const d = await startDashboard({ dir: many, port: 0, pollMs: 200 });
    const b = await launchOfflineBrowser({ allowLoopbackPorts: [d.port] });
    try {
      const tab = await b.browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      await tab.goto(d.url, { waitUntil: 'load' });
      await tab.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      expect(await tab.$$eval('#runs tbody tr[data-run]', (trs) => trs.length)).toBe(11);
      const ticked = await tab.$$eval('#runs tbody tr[data-run]', (trs) => trs.filter((tr) => (tr.querySelector('input') as HTMLInputElement).checked).map((tr) => tr.getAttribute('data-run')));
      expect(ticked.sort()).toEqual(newest);
      const fronts = await tab.$eval('#fronts', (div) => (div as unknown as { data: { customdata: [string, number][] }[] }).data.map((t) => t.customdata[0]?.[0]));
      expect(new Set(fronts)).toEqual(new Set(newest));
      // plotly reads <b> as markup: the legend must show the id as written, with no <b> element made of it.
      const legend = await tab.$$eval('#fronts .legendtext', (ts) => ts.map((t) => t.textContent));
      expect(legend).toContain('<b>x&y: front (1)');
      expect(await tab.$$eval('#fronts .legend b, #fronts .legendtext tspan[style*="bold"]', (bs) => bs.length)).toBe(0);
      // A whole bad line appended to a live run, then a valid line: the run shows the error, names the line, keeps its first records.
      appendFileSync(join(many, 'r09', 'records.jsonl'), '{"type":"proposal","time":"x"}\n' + JSON.stringify({ type: 'proposal', time: new Date(0).toISOString(), seq: 4, index: 1, candidate: { blocks: [] }, note: null, key: 'k1' }) + '\n');
      await tab.waitForSelector('#runs tr.read-error[data-error-of="r09"]', { timeout: 20_000 });
      expect(await tab.$eval('#runs tr.read-error[data-error-of="r09"]', (tr) => tr.textContent)).toMatch(/r09\/records\.jsonl line 4: .*seq/);
      await tab.select('#table-run', 'r09');
      await tab.waitForFunction(() => !(document.getElementById('table-error') as HTMLElement).hidden, { timeout: 20_000 });
      expect(await tab.$eval('#table-error', (e) => e.textContent)).toMatch(/r09\/records\.jsonl line 4/);
      expect(await tab.$$eval('#trials tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-index')))).toEqual(['0']);
      expect(errors).toEqual([]);
      expect(b.networkRequests).toEqual([]);
    } finally {
      await b.close();
      await d.close();
    }
  }, 90_000);

  it('fetched nothing from the network', () => {
    expect(browser.networkRequests).toEqual([]);
  });
});

describe('the served page', () => {
  it('loads plotly from the dashboard itself and no other script or stylesheet', () => {
    const html = readFileSync(join(ROOT, 'lib', 'dashboard', 'client', 'index.html'), 'utf8');
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.sort()).toEqual(['/app.js', '/plotly.min.js', '/style.css']);
  });
});

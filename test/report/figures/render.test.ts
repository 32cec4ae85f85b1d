/**
 * Figures drawn by plotly in headless Chromium (lib/report/browser.ts). Layer costs: every tick
 * label, axis title and annotation lies inside the image (the first layer name was cut before), and
 * the dashed line sits at the SRAM limit's pixel height, above the peak marker; the same check on
 * the layout before the fix finds the cut label, so the check can fail. The run figures of the
 * fixture runs: every text inside the image too, no network request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateCosts } from '../../../lib/cost/estimate.js';
import { CHROMIUM_MISSING_MESSAGE, findChromium, launchOfflineBrowser, type OfflineBrowser } from '../../../lib/report/browser.js';
import {
  hypervolumeOverRunFigure,
  hypervolumeOverRunInfo,
  layerCostsFigure,
  layerCostsInfo,
  paretoScatter3dFigure,
  paretoScatter3dInfo,
  paretoScatterFigure,
  paretoScatterInfo,
  rejectionsOverRunFigure,
  rejectionsOverRunInfo,
  type Figure,
} from '../../../lib/report/figures.js';
import { plotlyScriptPath } from '../../../lib/report/html.js';
import { REFERENCE_DIR, referenceModels } from '../../../lib/report/reference.js';
import { resolveSpace } from '../../../lib/space/builtin.js';
import { loadModelFile } from '../../../lib/space/formats.js';
import { fixtureRuns } from './hand-run.js';

interface Box {
  what: string;
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const chromium = findChromium();
if (!chromium) console.warn(`[layer-costs render tests] skipped: ${CHROMIUM_MISSING_MESSAGE}`);

let offline: OfflineBrowser;
const dir = mkdtempSync(join(tmpdir(), 'layer-costs-render-'));
const page = join(dir, 'page.html');
writeFileSync(page, `<!DOCTYPE html><html><head><meta charset="utf-8"><script src="${pathToFileURL(plotlyScriptPath()).href}"></script></head><body style="margin:0"><div id="f"></div></body></html>`);

/** Draws `figure` and returns the boxes (px, page coordinates) of its texts. */
async function textBoxes(figure: Figure): Promise<{ width: number; height: number; boxes: Box[]; limitY: number | null; peakY: number | null }> {
  const p = await offline.browser.newPage();
  try {
    await p.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    return await p.evaluate(async (spec: string) => {
      const f = JSON.parse(spec) as { data: unknown[]; layout: { width: number; height: number } };
      const Plotly = (globalThis as unknown as { Plotly: { newPlot(gd: HTMLElement, d: unknown, l: unknown, c: unknown): Promise<unknown> } }).Plotly;
      const gd = document.getElementById('f') as HTMLElement;
      await Plotly.newPlot(gd, f.data, f.layout, { displayModeBar: false, staticPlot: true });
      const root = gd.getBoundingClientRect();
      const boxes = [...gd.querySelectorAll('g.xtick text, g.ytick text, g.x2tick text, g.y2tick text, .g-xtitle text, .g-ytitle text, .g-x2title text, .g-y2title text, .annotation-text, .gtitle')].map((el) => {
        const r = el.getBoundingClientRect();
        return { what: el.getAttribute('class') ?? el.tagName, text: el.textContent ?? '', left: r.left - root.left, right: r.right - root.left, top: r.top - root.top, bottom: r.bottom - root.top };
      });
      const line = gd.querySelector('.shapelayer path');
      const star = [...gd.querySelectorAll('.scatterlayer .point')].at(-1);
      const mid = (el: Element | null | undefined) => (el ? el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2 - root.top : null);
      return { width: f.layout.width, height: f.layout.height, boxes, limitY: mid(line), peakY: mid(star) };
    }, JSON.stringify(figure));
  } finally {
    await p.close();
  }
}

const outside = (r: { width: number; height: number; boxes: Box[] }) => r.boxes.filter((b) => b.text !== '' && (b.left < -0.5 || b.top < -0.5 || b.right > r.width + 0.5 || b.bottom > r.height + 0.5));

describe.skipIf(!chromium)('figures drawn in Chromium', () => {
  beforeAll(async () => {
    offline = await launchOfflineBrowser();
  });
  afterAll(async () => {
    await offline?.close();
  });

  const model = referenceModels().find((r) => r.id === 'LMaNet-Core')!;
  const { graph } = loadModelFile(`${REFERENCE_DIR}${model.file}`, { format: model.format, resolution: model.resolution, classes: model.classes, space: resolveSpace(), name: model.id });
  const cost = estimateCosts(graph, { model: 'mcunet' });
  const figure = layerCostsFigure(layerCostsInfo(cost, { sramLimitBytes: 320 * 1024 }));

  it('no label is cut; the limit line is above the 300 KiB peak marker', async () => {
    const r = await textBoxes(figure);
    const names = cost.layers.map((l) => l.node);
    const ticks = r.boxes.filter((b) => names.includes(b.text));
    expect(ticks.length).toBeGreaterThan(0);
    expect(r.boxes.some((b) => b.text === cost.layers.find((l) => l.op === 'Conv')!.node)).toBe(true);
    expect(outside(r)).toEqual([]);
    expect(r.boxes.some((b) => b.text === 'SRAM limit 320 KiB')).toBe(true);
    // 320 KiB is higher on the axis than 300 KiB: a smaller pixel y.
    expect(r.limitY).not.toBeNull();
    expect(r.limitY!).toBeLessThan(r.peakY!);
    expect(offline.networkRequests).toEqual([]);
  }, 120_000);

  it('the same check finds the cut first label in the layout before the fix (default margins, no automargin)', async () => {
    const { margin: _margin, ...rest } = figure.layout;
    const before: Figure = { data: figure.data, layout: { ...rest, xaxis2: { ...(rest.xaxis2 as object), automargin: false }, yaxis2: { ...(rest.yaxis2 as object), automargin: false } } };
    const cut = outside(await textBoxes(before));
    const first = graph.nodes.find((n) => cost.layers.some((l) => l.node === n.name && (l.op === 'Conv' || l.op === 'Gemm')))!.name;
    expect(cut.map((b) => b.text)).toContain(first);
    // (its rotated text ran past the image's bottom edge)
    expect(cut.find((b) => b.text === first)!.bottom).toBeGreaterThan(before.layout.height as number);
  }, 120_000);

  it('the run figures of the fixture runs: every text inside the image', async () => {
    const { hand, clean } = fixtureRuns();
    const figures: [string, Figure][] = [
      ['pareto 2-D', paretoScatterFigure(paretoScatterInfo(hand.state, 'macs', 'peakSramBytes', { records: hand.records }))],
      ['hypervolume', hypervolumeOverRunFigure(hypervolumeOverRunInfo(hand.state))],
      ['rejections', rejectionsOverRunFigure(rejectionsOverRunInfo(hand.records))],
      ['no rejections', rejectionsOverRunFigure(rejectionsOverRunInfo(clean.records))],
    ];
    for (const [name, f] of figures) {
      const r = await textBoxes(f);
      expect(r.boxes.length, name).toBeGreaterThan(3);
      expect(outside(r), name).toEqual([]);
    }
    // the 3-D scene draws its axes in WebGL: its title and legend only
    expect(outside(await textBoxes(paretoScatter3dFigure(paretoScatter3dInfo(hand.state, ['accuracy', 'macs', 'params']))))).toEqual([]);
    expect(offline.networkRequests).toEqual([]);
  }, 120_000);
});

/**
 * Figures drawn by plotly in headless Chromium (lib/report/browser.ts). Layer costs: every tick
 * label, axis title and annotation lies inside the image (the first layer name was cut before), and
 * the dashed line sits at the SRAM limit's pixel height, above the peak marker; the same check on
 * the layout before the fix finds the cut label, so the check can fail. The run figures of the
 * fixture runs: every text inside the image too, no network request. The 3-D scene (WebGL, no DOM
 * text): each axis title's pixels, found by blanking it, lie whole inside the scene at the report's
 * 900 × 520; one evaluated point: plotly's params and MACs axes start at 0 or above.
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
import { loadRun } from '../../../lib/report/campaign-report.js';
import { evaluation, proposal, writeRun } from '../run-records.js';

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

/** Pixel bounds (image coordinates, inclusive) of what one scene axis title draws, and the scene's box. */
interface SceneTitle {
  axis: string;
  /** null: the title drew no pixel at all (wholly cut, or not drawn). */
  box: { left: number; right: number; top: number; bottom: number } | null;
}

/**
 * The 3-D scene draws its ticks and axis titles in WebGL (no DOM text), cut at the scene's box. Each
 * axis title's pixels are found as the difference between a screenshot of the figure and one with
 * only that title blanked; returns those pixel boxes and the scene's box (px, image coordinates).
 */
async function sceneTitleBoxes(figure: Figure, width: number, height: number): Promise<{ scene: { left: number; right: number; top: number; bottom: number }; titles: SceneTitle[] }> {
  const p = await offline.browser.newPage();
  try {
    await p.setViewport({ width, height, deviceScaleFactor: 1 });
    await p.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    const shot = async (f: Figure) => {
      await p.evaluate(async (spec: string, w: number, h: number) => {
        const g = JSON.parse(spec) as { data: unknown[]; layout: Record<string, unknown> };
        const Plotly = (globalThis as unknown as { Plotly: { newPlot(gd: HTMLElement, d: unknown, l: unknown, c: unknown): Promise<unknown>; purge(gd: HTMLElement): void } }).Plotly;
        const gd = document.getElementById('f') as HTMLElement;
        Plotly.purge(gd);
        await Plotly.newPlot(gd, g.data, { ...g.layout, width: w, height: h }, { displayModeBar: false });
      }, JSON.stringify(f), width, height);
      return (await p.screenshot({ clip: { x: 0, y: 0, width, height }, encoding: 'base64' })) as string;
    };
    const full = await shot(figure);
    const scene = await p.evaluate(() => {
      const fl = (document.getElementById('f') as unknown as { _fullLayout: { _size: { l: number; t: number; w: number; h: number }; scene: { domain: { x: number[]; y: number[] } } } })._fullLayout;
      const s = fl._size;
      const d = fl.scene.domain;
      return { left: s.l + d.x[0]! * s.w, right: s.l + d.x[1]! * s.w, top: s.t + (1 - d.y[1]!) * s.h, bottom: s.t + (1 - d.y[0]!) * s.h };
    });
    const titles: SceneTitle[] = [];
    for (const axis of ['xaxis', 'yaxis', 'zaxis']) {
      const sceneLayout = figure.layout.scene as Record<string, Record<string, unknown>>;
      const blank: Figure = { data: figure.data, layout: { ...figure.layout, scene: { ...sceneLayout, [axis]: { ...sceneLayout[axis], title: { text: '' } } } } };
      const without = await shot(blank);
      const box = await p.evaluate(async (a: string, b: string) => {
        const pixels = async (png: string) => {
          const img = new Image();
          img.src = `data:image/png;base64,${png}`;
          await img.decode();
          const c = document.createElement('canvas');
          c.width = img.width;
          c.height = img.height;
          const ctx = c.getContext('2d') as CanvasRenderingContext2D;
          ctx.drawImage(img, 0, 0);
          return ctx.getImageData(0, 0, c.width, c.height);
        };
        const [pa, pb] = [await pixels(a), await pixels(b)];
        let box: { left: number; right: number; top: number; bottom: number } | null = null;
        for (let y = 0; y < pa.height; y++) {
          for (let x = 0; x < pa.width; x++) {
            const i = (y * pa.width + x) * 4;
            const diff = Math.abs(pa.data[i]! - pb.data[i]!) + Math.abs(pa.data[i + 1]! - pb.data[i + 1]!) + Math.abs(pa.data[i + 2]! - pb.data[i + 2]!);
            if (diff < 60) continue;
            box = box ? { left: Math.min(box.left, x), right: Math.max(box.right, x), top: Math.min(box.top, y), bottom: Math.max(box.bottom, y) } : { left: x, right: x, top: y, bottom: y };
          }
        }
        return box;
      }, full, without);
      titles.push({ axis, box });
    }
    return { scene, titles };
  } finally {
    await p.close();
  }
}

/** Titles that drew nothing, or whose pixels reach the scene's edge (within 2 px: cut there), or lie outside the image. */
const cutSceneTitles = (r: Awaited<ReturnType<typeof sceneTitleBoxes>>, width: number, height: number): string[] =>
  r.titles
    .filter(({ box: b }) => !b || b.left <= Math.max(0, r.scene.left) + 2 || b.top <= Math.max(0, r.scene.top) + 2 || b.right >= Math.min(width, r.scene.right) - 3 || b.bottom >= Math.min(height, r.scene.bottom) - 3)
    .map((t) => t.axis);

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

  // The report exports every figure at 900 × 520 (lib/cli/report.ts); the 3-D scene's axis titles were cut at its bottom.
  const scene3d = () => paretoScatter3dFigure(paretoScatter3dInfo(fixtureRuns().hand.state, ['accuracy', 'macs', 'params']));
  for (const [w, h] of [[900, 520], [760, 600]] as const) {
    it(`3-D Pareto figure at ${w} × ${h}: each scene axis title is drawn whole, inside the scene and the image`, async () => {
      const r = await sceneTitleBoxes(scene3d(), w, h);
      expect(r.titles.every((t) => t.box !== null)).toBe(true);
      expect(cutSceneTitles(r, w, h)).toEqual([]);
      expect(r.scene.left).toBeGreaterThanOrEqual(0);
      expect(r.scene.bottom).toBeLessThanOrEqual(h);
    }, 120_000);
  }

  it('the same check finds the cut axis titles in the 3-D layout before the fix (default margins, legend and camera) at 900 × 520', async () => {
    const { margin: _m, legend: _l, ...rest } = scene3d().layout;
    const { camera: _c, ...scene } = rest.scene as Record<string, unknown>;
    const before: Figure = { data: scene3d().data, layout: { ...rest, scene } };
    const cut = cutSceneTitles(await sceneTitleBoxes(before, 900, 520), 900, 520);
    // the MACs title (y axis) ran past the scene's bottom edge
    expect(cut).toContain('yaxis');
  }, 120_000);

  it('one evaluated point: the params and MACs axes plotly draws start at 0 or above (they went from -0.5 before)', async () => {
    const one = loadRun(writeRun(dir, 'one-point', {}, [proposal(0), evaluation(0, { accuracy: 0.6, macs: 10e6, params: 0.2e6 })]));
    const ranges = async (f: Figure) => {
      const p = await offline.browser.newPage();
      try {
        await p.goto(pathToFileURL(page).href, { waitUntil: 'load' });
        return await p.evaluate(async (spec: string) => {
          const g = JSON.parse(spec) as { data: unknown[]; layout: unknown };
          const Plotly = (globalThis as unknown as { Plotly: { newPlot(gd: HTMLElement, d: unknown, l: unknown): Promise<unknown> } }).Plotly;
          const gd = document.getElementById('f') as HTMLElement;
          await Plotly.newPlot(gd, g.data, g.layout);
          const fl = (gd as unknown as { _fullLayout: Record<string, { range: number[] }> })._fullLayout;
          return { x: fl.xaxis!.range, y: fl.yaxis!.range };
        }, JSON.stringify(f));
      } finally {
        await p.close();
      }
    };
    const f = paretoScatterFigure(paretoScatterInfo(one, 'params', 'macs'));
    const r = await ranges(f);
    expect(r.x[0]).toBeGreaterThanOrEqual(0);
    expect(r.y[0]).toBeGreaterThanOrEqual(0);
    expect(r.x[1]).toBeGreaterThan(0.2);
    // the same figure without rangemode: plotly's autorange around a single 0.2 M reaches below 0
    const strip = (a: unknown) => Object.fromEntries(Object.entries(a as object).filter(([k]) => k !== 'rangemode'));
    const before = await ranges({ data: f.data, layout: { ...f.layout, xaxis: strip(f.layout.xaxis), yaxis: strip(f.layout.yaxis) } });
    expect(before.x[0]).toBeLessThan(0);
  }, 120_000);
});

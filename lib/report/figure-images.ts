/**
 * Plotly figures written as PNG or SVG by ONE offline headless Chromium (lib/report/browser.ts):
 * one page loads plotly.js once (the minified build at plotlyScriptPath()), then each figure is
 * drawn into it in turn, so a report's N images cost one browser start and one plotly parse, not N.
 *
 * PNG: a screenshot of the page holding only the figure at width × height pixels (device scale 1).
 * SVG: `Plotly.toImage(gd, { format: 'svg' })`, decoded from its data URL.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'puppeteer-core';
import { launchOfflineBrowser, requireChromium, type OfflineBrowser, type OfflineBrowserOptions } from './browser.js';
import type { Figure } from './figures.js';
import { plotlyScriptPath } from './html.js';

export interface FigureImageJob {
  figure: Figure;
  /** Where the image goes; parent folders are created. */
  path: string;
  format: 'png' | 'svg';
  /** Pixels; default the figure's layout width (or 700). */
  width?: number;
  /** Pixels; default the figure's layout height (or 450). */
  height?: number;
}

/** Called before each image: `index` counts from 1 to `total`. */
export type FigureImageProgress = (index: number, total: number, path: string) => void;

function layoutSize(figure: Figure, key: 'width' | 'height', fallback: number): number {
  const v = figure.layout[key];
  return typeof v === 'number' && v > 0 ? v : fallback;
}

/** An SVG data URL (plotly's `data:image/svg+xml,<percent-encoded>`, or base64) as text. */
export function decodeSvgDataUrl(url: string): string {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:image/svg+xml') || comma < 0) throw new Error(`plotly's SVG export is not an SVG data URL: ${url.slice(0, 80)}`);
  const meta = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

/** The page's HTML: plotly.js from its file (Chromium parses and caches it as a file, faster than an injected string). */
function figurePageHtml(): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>html, body { margin: 0; padding: 0; overflow: hidden; background: #fff; } .modebar-container { display: none !important; }</style>
<script type="text/javascript" charset="utf-8" src="${pathToFileURL(plotlyScriptPath()).href}"></script></head>
<body><div id="figure"></div></body></html>
`;
}

/** A page (a file in `workDir`) with plotly.js loaded and an empty #figure div. */
async function openFigurePage(offline: OfflineBrowser, workDir: string): Promise<Page> {
  const page = await offline.browser.newPage();
  const pagePath = join(workDir, 'figure.html');
  await writeFile(pagePath, figurePageHtml(), 'utf8');
  await page.goto(pathToFileURL(pagePath).href, { waitUntil: 'load' });
  const version = await page.evaluate(() => (globalThis as { Plotly?: { version?: string } }).Plotly?.version);
  if (!version) throw new Error(`plotly.js (${plotlyScriptPath()}) did not load in Chromium`);
  return page;
}

interface Drawn {
  figure: Figure;
  width: number;
  height: number;
}

/**
 * Draws one figure into the page (unless `drawn` is that same figure object at that size, as when
 * a PNG and an SVG of it follow each other) and writes its image. Returns what is drawn now and
 * the absolute path written.
 */
async function drawFigure(page: Page, job: FigureImageJob, drawn: Drawn | undefined): Promise<{ drawn: Drawn; target: string }> {
  const width = Math.round(job.width ?? layoutSize(job.figure, 'width', 700));
  const height = Math.round(job.height ?? layoutSize(job.figure, 'height', 450));
  const redraw = !(drawn && drawn.figure === job.figure && drawn.width === width && drawn.height === height);
  const target = resolve(job.path);
  mkdirSync(dirname(target), { recursive: true });
  await rm(target, { force: true }); // so a stale file cannot pass for this image
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  const svgUrl = await page.evaluate(
    async (spec: string, w: number, h: number, format: string, redraw: boolean) => {
      type PlotlyApi = {
        purge(gd: HTMLElement): void;
        newPlot(gd: HTMLElement, data: unknown, layout: unknown, config: unknown): Promise<unknown>;
        toImage(gd: HTMLElement, opts: unknown): Promise<string>;
      };
      const Plotly = (globalThis as unknown as { Plotly: PlotlyApi }).Plotly;
      const gd = document.getElementById('figure') as HTMLElement;
      if (redraw) {
        Plotly.purge(gd);
        const f = JSON.parse(spec) as { data: unknown; layout: Record<string, unknown> };
        await Plotly.newPlot(gd, f.data, { ...f.layout, width: w, height: h }, { displayModeBar: false });
      }
      return format === 'svg' ? Plotly.toImage(gd, { format: 'svg', width: w, height: h }) : '';
    },
    redraw ? JSON.stringify(job.figure) : '',
    width,
    height,
    job.format,
    redraw,
  );
  if (job.format === 'svg') {
    await writeFile(target, decodeSvgDataUrl(svgUrl), 'utf8');
  } else {
    await page.screenshot({ path: target as `${string}.png`, type: 'png', clip: { x: 0, y: 0, width, height } });
    const head = await readFile(target).catch(() => null);
    if (!head || head.length < 8) throw new Error(`chromium wrote no screenshot to ${target}`);
  }
  return { drawn: { figure: job.figure, width, height }, target };
}

export interface FigureImagesOptions extends OfflineBrowserOptions {
  onProgress?: FigureImageProgress;
  /** A browser to reuse (left open); default: one launched for these images and closed after. */
  browser?: OfflineBrowser;
}

/**
 * Writes every job's image with one browser and one page, in order; returns the absolute paths.
 * A failing image throws one line naming it (`figure 3/6 (layers.png): ...`); the browser is
 * closed either way. Throws ChromiumMissing when there is no Chromium.
 */
export async function writeFigureImages(jobs: readonly FigureImageJob[], options: FigureImagesOptions = {}): Promise<string[]> {
  if (jobs.length === 0) return [];
  if (!options.browser) requireChromium();
  const offline = options.browser ?? (await launchOfflineBrowser(options));
  const written: string[] = [];
  const workDir = await mkdtemp(join(tmpdir(), 'paretonas-figures-'));
  try {
    const page = await openFigurePage(offline, workDir);
    let drawn: Drawn | undefined;
    for (const [i, job] of jobs.entries()) {
      options.onProgress?.(i + 1, jobs.length, job.path);
      try {
        const done = await drawFigure(page, job, drawn);
        drawn = done.drawn;
        written.push(done.target);
      } catch (e) {
        const why = (e as Error).message.split('\n')[0];
        throw new Error(`figure ${i + 1}/${jobs.length} (${basename(job.path)}): ${why}`);
      }
    }
    await page.close();
    return written;
  } finally {
    if (!options.browser) await offline.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

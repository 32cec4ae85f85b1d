/**
 * One-shot uses of the offline headless Chromium (lib/report/browser.ts): an HTML file's DOM after
 * its scripts ran, and one plotly figure as PNG/SVG. Each call launches and closes a browser; to
 * write many images use writeFigureImages (lib/report/figure-images.ts), which shares one.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchOfflineBrowser, requireChromium } from './browser.js';
import { writeFigureImages } from './figure-images.js';
import type { Figure } from './figures.js';

export { CHROMIUM_MISSING_MESSAGE, ChromiumMissing, findChromium, launchOfflineBrowser, OFFLINE_FLAGS } from './browser.js';
export type { OfflineBrowser, OfflineBrowserOptions } from './browser.js';

export interface ChromiumRunOptions {
  /** Give up after this long (Chromium is then killed); default 30 s. */
  timeoutMs?: number;
}

export interface RenderedDom {
  /** The document serialized after its scripts ran. */
  dom: string;
  /** Every request the page (or anything in the browser) tried to send off the machine; refused. */
  networkRequests: string[];
  /** Chromium's own start-up checks, redirected to the proxy's address (never left the machine). */
  browserRequests: string[];
}

/** Rejects with `message` after `ms`, unless `work` settles first. */
async function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_ok, fail) => (timer = setTimeout(() => fail(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Loads an HTML file in headless Chromium, lets its scripts run for `budgetMs` of virtual time
 * (default 5000; as `--virtual-time-budget`: timers are fast-forwarded while no fetch is pending,
 * so this is rarely wall time) and returns the serialized DOM.
 */
export async function renderHtmlToDom(htmlPath: string, options: { budgetMs?: number } & ChromiumRunOptions = {}): Promise<RenderedDom> {
  requireChromium();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const url = pathToFileURL(resolve(htmlPath)).href;
  const offline = await launchOfflineBrowser({ protocolTimeoutMs: timeoutMs });
  try {
    const page = await offline.browser.newPage();
    const cdp = await page.createCDPSession();
    const expired = new Promise<void>((ok) => cdp.once('Emulation.virtualTimeBudgetExpired', () => ok()));
    // the document's own scripts run on real time up to DOMContentLoaded; from there virtual time runs for the budget
    await within(page.goto(url, { waitUntil: 'domcontentloaded', timeout: 0 }), timeoutMs, `chromium did not load ${url} within ${timeoutMs} ms`);
    await cdp.send('Emulation.setVirtualTimePolicy', { policy: 'pauseIfNetworkFetchesPending', budget: options.budgetMs ?? 5000 });
    await within(expired, timeoutMs, `chromium did not finish ${url}'s ${options.budgetMs ?? 5000} ms virtual-time budget within ${timeoutMs} ms`);
    const dom = await page.content();
    return { dom, networkRequests: [...offline.networkRequests], browserRequests: [...offline.browserRequests] };
  } finally {
    await offline.close();
  }
}

export interface FigureImageOptions extends ChromiumRunOptions {
  format: 'png' | 'svg';
  /** Pixels; default the figure's layout width (or 700). */
  width?: number;
  /** Pixels; default the figure's layout height (or 450). */
  height?: number;
  /** Accepted for compatibility; plotly's draw is awaited instead of a virtual-time budget. */
  budgetMs?: number;
}

/**
 * Renders a plotly figure in headless Chromium (plotly.js from the local package, no network) and
 * writes it to `outPath`: PNG as a screenshot of width × height pixels; SVG from
 * `Plotly.toImage(gd, {format: 'svg'})`. Returns the written (absolute) path.
 * Throws {@link ChromiumMissing} when there is no Chromium.
 */
export async function figureToImage(figure: Figure, outPath: string, options: FigureImageOptions): Promise<string> {
  const [written] = await writeFigureImages([{ figure, path: outPath, format: options.format, width: options.width, height: options.height }], {
    protocolTimeoutMs: options.timeoutMs ?? 30_000,
  });
  return written as string;
}

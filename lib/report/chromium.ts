/**
 * Headless Chromium (Debian's `chromium`) kept off the network: pages render from files, and
 * every request the browser tries goes to a proxy of ours on loopback that records it and refuses
 * it, so a page that reaches for the network is counted (and fails) instead of leaving the machine.
 *
 * Chromium's own background traffic is turned off by flags; what flags cannot turn off (the
 * component updater's and the account service's start-up checks) is pointed at the proxy itself
 * and reported apart, as `browserRequests`.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Figure } from './figures.js';
import { figureHtml } from './html.js';

export const CHROMIUM_MISSING_MESSAGE =
  "headless Chromium not found: install Debian's chromium (apt-get install -y chromium) or set PARETONAS_CHROMIUM to its path";

/** Thrown when no Chromium can be found (see {@link findChromium}). */
export class ChromiumMissing extends Error {
  constructor(detail?: string) {
    super(detail ? `${CHROMIUM_MISSING_MESSAGE} (${detail})` : CHROMIUM_MISSING_MESSAGE);
    this.name = 'ChromiumMissing';
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium to run: `PARETONAS_CHROMIUM` when set (null if that is no executable file: an
 * explicit choice is not silently replaced), else /usr/bin/chromium, else `chromium` on PATH.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env.PARETONAS_CHROMIUM;
  if (chosen) return isExecutableFile(chosen) ? chosen : null;
  if (isExecutableFile('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutableFile(join(dir, 'chromium'))) return join(dir, 'chromium');
  }
  return null;
}

function requireChromium(): string {
  const found = findChromium();
  if (found) return found;
  const chosen = process.env.PARETONAS_CHROMIUM;
  throw new ChromiumMissing(chosen ? `PARETONAS_CHROMIUM=${chosen} is not an executable file` : undefined);
}

/**
 * Flags of every run: headless, no sandbox (root), no GPU, no QUIC (UDP would bypass the proxy),
 * none of Chromium's background networking, no WebRTC UDP outside the proxy.
 */
export const OFFLINE_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--no-default-browser-check',
  // the browser's own background fetches (network time, optimization-guide hints and models), not the page's
  '--disable-features=NetworkTimeServiceQuerying,OptimizationHints,OptimizationHintsFetching,OptimizationGuideModelDownloading,OptimizationTargetPrediction,MediaRouter',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--hide-scrollbars',
  '--mute-audio',
];

interface RefusingProxy {
  port: number;
  /** Requests for anywhere but the proxy itself: "GET http://host/path", "CONNECT host:443". */
  networkRequests: string[];
  /** Requests Chromium sent to the proxy's own address (its redirected start-up checks). */
  browserRequests: string[];
  close(): Promise<void>;
}

/** An HTTP proxy on 127.0.0.1 that records every request (plain, CONNECT, upgrade) and refuses it. */
async function startRefusingProxy(): Promise<RefusingProxy> {
  const networkRequests: string[] = [];
  const browserRequests: string[] = [];
  let port = 0;
  const record = (req: IncomingMessage) => {
    const target = req.url ?? '';
    const own = target.startsWith('/') || target.startsWith(`http://127.0.0.1:${port}/`) || target === `127.0.0.1:${port}`;
    (own ? browserRequests : networkRequests).push(`${req.method ?? '?'} ${target}`);
  };
  const server = createServer((req, res) => {
    record(req);
    req.resume();
    res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' });
    res.end('refused: paretonas renders offline\n');
  });
  const refuseSocket = (req: IncomingMessage, socket: import('node:stream').Duplex) => {
    record(req);
    socket.on('error', () => {});
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  };
  server.on('connect', refuseSocket);
  server.on('upgrade', refuseSocket);
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    networkRequests,
    browserRequests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

export interface ChromiumRunOptions {
  /** Kill Chromium (its whole process group) after this long; default 30 s. */
  timeoutMs?: number;
}

interface ChromiumRun {
  stdout: string;
  networkRequests: string[];
  browserRequests: string[];
}

/** Runs Chromium once on `url` with the offline flags, a fresh profile and the refusing proxy. */
async function runChromium(url: string, args: readonly string[], options: ChromiumRunOptions = {}): Promise<ChromiumRun> {
  const chromium = requireChromium();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const profile = await mkdtemp(join(tmpdir(), 'paretonas-chromium-profile-'));
  const proxy = await startRefusingProxy();
  const sink = `http://127.0.0.1:${proxy.port}`;
  const fullArgs = [
    ...OFFLINE_FLAGS,
    `--user-data-dir=${profile}`,
    `--proxy-server=${sink}`,
    '--proxy-bypass-list=<-loopback>', // loopback goes through the proxy too
    `--component-updater=url-source=${sink}/component-updater`,
    `--gaia-url=${sink}`,
    ...args,
    url,
  ];
  try {
    const { stdout } = await new Promise<{ stdout: string }>((ok, fail) => {
      const child = spawn(chromium, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const out: Buffer[] = [];
      let err = '';
      let timedOut = false;
      const killGroup = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, timeoutMs);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => {
        err = (err + d.toString('utf8')).slice(-8000);
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        fail(e.code === 'ENOENT' ? new ChromiumMissing(`${chromium}: ${e.message}`) : e);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        killGroup(); // helpers left behind, if any
        if (timedOut) fail(new Error(`chromium did not finish within ${timeoutMs} ms (killed) on ${url}`));
        else if (code !== 0) {
          const tail = err.split('\n').filter((l) => l.trim() && !l.includes('dbus')).slice(-15).join('\n');
          fail(new Error(`chromium failed (${signal ?? `exit code ${code}`}) on ${url}:\n${tail}`));
        } else ok({ stdout: Buffer.concat(out).toString('utf8') });
      });
    });
    return { stdout, networkRequests: [...proxy.networkRequests], browserRequests: [...proxy.browserRequests] };
  } finally {
    await proxy.close();
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
  }
}

export interface RenderedDom {
  /** The document serialized after its scripts ran (`--dump-dom`). */
  dom: string;
  /** Every request the page (or anything in the browser) tried to send off the machine; refused. */
  networkRequests: string[];
  /** Chromium's own start-up checks, redirected to the proxy's address (never left the machine). */
  browserRequests: string[];
}

/**
 * Loads an HTML file in headless Chromium, lets its scripts run for `budgetMs` of virtual time
 * (default 5000; timers are fast-forwarded, so this is rarely wall time) and returns the DOM.
 */
export async function renderHtmlToDom(htmlPath: string, options: { budgetMs?: number } & ChromiumRunOptions = {}): Promise<RenderedDom> {
  const run = await runChromium(pathToFileURL(resolve(htmlPath)).href, [`--virtual-time-budget=${options.budgetMs ?? 5000}`, '--dump-dom'], options);
  return { dom: run.stdout, networkRequests: run.networkRequests, browserRequests: run.browserRequests };
}

export interface FigureImageOptions extends ChromiumRunOptions {
  format: 'png' | 'svg';
  /** Pixels; default the figure's layout width (or 700). */
  width?: number;
  /** Pixels; default the figure's layout height (or 450). */
  height?: number;
  /** Virtual time for plotly to draw (and export); default 5000 ms. */
  budgetMs?: number;
}

function layoutSize(figure: Figure, key: 'width' | 'height', fallback: number): number {
  const v = figure.layout[key];
  return typeof v === 'number' && v > 0 ? v : fallback;
}

function unescapeHtmlText(s: string): string {
  return s.replace(/&(lt|gt|quot|#39|nbsp|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: '\u00a0', amp: '&' })[e] ?? _m);
}

/** An SVG data URL (plotly's `data:image/svg+xml,<percent-encoded>`, or base64) as text. */
function decodeSvgDataUrl(url: string): string {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:image/svg+xml') || comma < 0) throw new Error(`plotly's SVG export is not an SVG data URL: ${url.slice(0, 80)}`);
  const meta = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

const SVG_MARKER = 'paretonas-svg-export';

/**
 * Renders a plotly figure in headless Chromium (plotly.js inlined, no network) and writes it to
 * `outPath`: PNG as a screenshot of a page holding only the figure at width × height; SVG from
 * `Plotly.toImage(gd, {format: 'svg'})`, read back from the DOM. Returns the written path.
 * Throws {@link ChromiumMissing} when there is no Chromium.
 */
export async function figureToImage(figure: Figure, outPath: string, options: FigureImageOptions): Promise<string> {
  requireChromium();
  const width = Math.round(options.width ?? layoutSize(figure, 'width', 700));
  const height = Math.round(options.height ?? layoutSize(figure, 'height', 450));
  const sized: Figure = { data: figure.data, layout: { ...figure.layout, width, height } };
  const target = resolve(outPath);
  mkdirSync(dirname(target), { recursive: true });
  const exportScript =
    options.format === 'svg'
      ? `<pre id="${SVG_MARKER}"></pre>
<script type="text/javascript">(function () {
  var out = document.getElementById("${SVG_MARKER}");
  var gd = document.querySelector('div[id^="paretonas-figure-"]');
  Plotly.toImage(gd, { format: "svg", width: ${width}, height: ${height} }).then(
    function (url) { out.textContent = url; },
    function (e) { out.textContent = "error: " + e; });
})();</script>`
      : '';
  const page = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>html, body { margin: 0; padding: 0; overflow: hidden; background: #fff; } .modebar-container { display: none !important; }</style></head>
<body>${figureHtml(sized, { includeLibrary: true })}
${exportScript}</body></html>
`;
  const work = await mkdtemp(join(tmpdir(), 'paretonas-figure-'));
  try {
    const pagePath = join(work, 'figure.html');
    await writeFile(pagePath, page, 'utf8');
    const budget = `--virtual-time-budget=${options.budgetMs ?? 5000}`;
    if (options.format === 'png') {
      await rm(target, { force: true }); // so a stale file cannot pass for the screenshot
      await runChromium(pathToFileURL(pagePath).href, [budget, `--window-size=${width},${height}`, `--screenshot=${target}`], options);
      const head = await readFile(target).catch(() => null);
      if (!head || head.length < 8) throw new Error(`chromium wrote no screenshot to ${target}`);
      return target;
    }
    const run = await runChromium(pathToFileURL(pagePath).href, [budget, '--dump-dom'], options);
    const match = new RegExp(`<pre id="${SVG_MARKER}">([^<]*)</pre>`).exec(run.stdout);
    const text = unescapeHtmlText(match?.[1] ?? '').trim();
    if (!text) throw new Error(`plotly did not export the SVG within the ${options.budgetMs ?? 5000} ms budget`);
    if (text.startsWith('error: ')) throw new Error(`plotly could not export the SVG: ${text.slice(7)}`);
    await writeFile(target, decodeSvgDataUrl(text), 'utf8');
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

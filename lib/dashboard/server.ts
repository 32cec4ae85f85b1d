/**
 * The dashboard's HTTP server (node:http, no framework). It serves the page and its script
 * (client/, plain files), plotly's minified build from node_modules, and a JSON API computed by
 * the report's pure functions from the runs' records; `/api/events` is a server-sent-events
 * stream that says which runs changed (the page then fetches them again).
 *
 * Routes: GET / · /app.js (and the modules it imports: common, plots, table, trial) · /style.css · /plotly.min.js · /api/runs · /api/run?id=RUN ·
 * /api/trial?run=RUN&index=N · /api/groups[?ids&id=RUN&id=RUN] (only the groups holding those runs; with the Mann-Whitney table between them) · /api/events
 * (first event: every run, `full: true`; then only the changed runs' listings). Anything else: 404;
 * a method other than GET/HEAD: 405. On a loopback address (127.0.0.0/8, ::1, localhost), a request
 * whose Host header names another host is refused (403), so a web page elsewhere cannot reach the
 * dashboard through DNS rebinding.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { plotlyScriptPath } from '../report/html.js';
import { RunWatcher } from './run-watcher.js';
import { groupSignificance } from './seed-groups.js';
import { trialDetail } from './trial-detail.js';

const CLIENT = new URL('./client/', import.meta.url);

/** The files the page is made of: URL path -> file name in client/ and content type. */
const STATIC: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  ...Object.fromEntries(['app', 'common', 'plots', 'table', 'trial'].map((m) => [`/${m}.js`, { file: `${m}.js`, type: 'text/javascript; charset=utf-8' }])),
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

export interface DashboardOptions {
  /** A run directory or a folder of runs. */
  dir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** How often the records are polled, ms (default 1000). */
  pollMs?: number;
}

export interface Dashboard {
  url: string;
  port: number;
  host: string;
  watcher: RunWatcher;
  /** Stops polling, ends the event streams and closes the server. */
  close(): Promise<void>;
}

/** Whether `host` (an address or name, IPv6 with or without brackets) is a loopback address: 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) or localhost. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) return v4[1] === '127' && v4.slice(2).every((o) => Number(o) <= 255);
  return /^(?:0{0,4}:){2,7}0{0,3}1$/.test(h) || h === '::1';
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown): void => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));

/** Starts the dashboard over `dir`; resolves once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const watcher = new RunWatcher(options.dir, options.pollMs ?? 1000);
  /** The significance table per groups answer (the watcher returns the same array until a run of those groups changes). */
  const significanceCache = new WeakMap<object, { significance: ReturnType<typeof groupSignificance>; significanceError?: string }>();
  const streams = new Set<ServerResponse>();
  const files = new Map<string, Buffer>();
  const file = (path: string): Buffer => {
    let b = files.get(path);
    if (!b) files.set(path, (b = readFileSync(path)));
    return b;
  };
  watcher.onChange((changed) => {
    const payload = `event: runs\ndata: ${JSON.stringify({ changed, runs: watcher.listing(changed) })}\n\n`;
    for (const s of streams) s.write(payload);
  });

  const handle = (req: IncomingMessage, res: ServerResponse, port: number): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n');
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (isLoopback(host) && !isLoopback(hostHeader)) return send(res, 403, 'text/plain', `the dashboard answers on ${host}:${port} only\n`);
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const page = STATIC[url.pathname];
    if (page) return send(res, 200, page.type, file(fileURLToPath(new URL(page.file, CLIENT))));
    switch (url.pathname) {
      case '/plotly.min.js':
        return send(res, 200, 'text/javascript; charset=utf-8', file(plotlyScriptPath()));
      case '/api/runs':
        return json(res, 200, { dir: options.dir, runs: watcher.listing() });
      case '/api/run': {
        const data = watcher.data(url.searchParams.get('id') ?? '');
        return data ? json(res, 200, data) : json(res, 404, { error: `no run ${JSON.stringify(url.searchParams.get('id'))} (runs: ${watcher.listing().map((r) => r.id).join(', ') || 'none yet'})` });
      }
      case '/api/trial': {
        const id = url.searchParams.get('run') ?? '';
        const run = watcher.runs.get(id);
        const indexText = url.searchParams.get('index') ?? '';
        if (!run) return json(res, 404, { error: `no run ${JSON.stringify(id)}` });
        if (!/^\d{1,9}$/.test(indexText)) return json(res, 400, { error: `index: got ${JSON.stringify(indexText)}; allowed: a proposal index (0, 1, 2, ...)` });
        const index = Number(indexText);
        try {
          return json(res, 200, trialDetail(id, run.ref.dir, run.tail.records, index));
        } catch (err) {
          return json(res, 404, { error: (err as Error).message });
        }
      }
      case '/api/groups': {
        // { groups: the seed groups, significance: compare --group-by proposer's Mann-Whitney table between them (null for one group), or significanceError }
        const groups = watcher.groups(url.searchParams.has('ids') ? url.searchParams.getAll('id') : undefined);
        let cached = significanceCache.get(groups);
        if (!cached) {
          try {
            cached = { significance: groupSignificance(groups, (id) => watcher.runs.get(id)?.ref.dir) };
          } catch (err) {
            cached = { significance: null, significanceError: (err as Error).message };
          }
          significanceCache.set(groups, cached);
        }
        return json(res, 200, { groups, ...cached });
      }
      case '/api/events': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(`event: runs\ndata: ${JSON.stringify({ changed: [], full: true, runs: watcher.listing() })}\n\n`);
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      default:
        return send(res, 404, 'text/plain', `no such page: ${url.pathname}\n`);
    }
  };

  watcher.start();
  const server: Server = createServer((req, res) => {
    try {
      handle(req, res, (server.address() as AddressInfo).port);
    } catch (err) {
      if (!res.headersSent) json(res, 500, { error: (err as Error).message });
      else res.end();
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    host,
    watcher,
    close: async () => {
      watcher.stop();
      for (const s of streams) s.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium, launchOfflineBrowser, offlineLaunchArgs } from '../../lib/report/browser.js';
import { writeFigureImages } from '../../lib/report/figure-images.js';
import { scatterFigure } from '../../lib/report/figures.js';
import { ROOT } from '../helpers.js';

const chromium = findChromium();
const dir = mkdtempSync(join(tmpdir(), 'paretonas-browser-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const countOf = (text: string, needle: string) => text.split(needle).length - 1;

/** A loopback server that records the paths asked of it; `/` is `html`, `/data` JSON, `/events` one SSE event. */
async function recordingServer(html: string): Promise<{ server: Server; port: number; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (req.url === '/data') res.writeHead(200, { 'content-type': 'application/json' }).end('{"trials":150}');
    else if (req.url === '/events') res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: {"proposed":151}\n\n');
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return { server, port: (server.address() as AddressInfo).port, paths };
}

const closeServer = (server: Server) => new Promise<void>((ok) => server.close(() => ok()));

describe('launchOfflineBrowser', () => {
  it('routes only the allowed loopback ports around the proxy', () => {
    const args = offlineLaunchArgs(40001, [8123, 9000]);
    expect(args).toContain('--proxy-server=http://127.0.0.1:40001');
    expect(args).toContain('--proxy-bypass-list=<-loopback>;127.0.0.1:8123;127.0.0.1:9000');
    expect(args).not.toContain('--headless'); // puppeteer sets --headless=new itself
    expect(offlineLaunchArgs(40001)).toContain('--proxy-bypass-list=<-loopback>');
  });

  it.skipIf(!chromium)('refuses a port that is no TCP port, naming it', async () => {
    await expect(launchOfflineBrowser({ allowLoopbackPorts: [0] })).rejects.toThrow(/allowLoopbackPorts: 0 is not a TCP port/);
    await expect(launchOfflineBrowser({ allowLoopbackPorts: [65536] })).rejects.toThrow(RangeError);
  });

  it.skipIf(!chromium)('serves a page from an allowed loopback port (fetch and server-sent events work); another port and the internet are refused and recorded', async () => {
    const other = await recordingServer('<p>other</p>');
    const page = `<!DOCTYPE html><html><body><div id="data">pending</div><div id="sse">pending</div><div id="other">pending</div><div id="net">pending</div><script>
const show = (id, text) => { document.getElementById(id).textContent = text; };
fetch('/data').then((r) => r.json()).then((j) => show('data', 'trials ' + j.trials), () => show('data', 'failed'));
const es = new EventSource('/events'); es.onmessage = (e) => { show('sse', 'proposed ' + JSON.parse(e.data).proposed); es.close(); };
fetch('http://127.0.0.1:${other.port}/x').then((r) => show('other', 'status ' + r.status), () => show('other', 'failed'));
fetch('http://example.com/y').then((r) => show('net', 'status ' + r.status), () => show('net', 'failed'));
</script></body></html>`;
    const allowed = await recordingServer(page);
    const offline = await launchOfflineBrowser({ allowLoopbackPorts: [allowed.port] });
    try {
      const tab = await offline.browser.newPage();
      await tab.goto(`http://127.0.0.1:${allowed.port}/`, { waitUntil: 'load' });
      await tab.waitForFunction(() => [...document.querySelectorAll('div')].every((d) => d.textContent !== 'pending'), { timeout: 20_000 });
      const shown = await tab.evaluate(() => [...document.querySelectorAll('div')].map((d) => `${d.id}: ${d.textContent}`));
      expect(shown).toEqual(['data: trials 150', 'sse: proposed 151', 'other: failed', 'net: failed']);
      expect(allowed.paths).toEqual(expect.arrayContaining(['/', '/data', '/events']));
      expect(other.paths).toEqual([]);
      expect([...offline.networkRequests].sort()).toEqual([`GET http://127.0.0.1:${other.port}/x`, 'GET http://example.com/y']);
    } finally {
      await offline.close();
      await closeServer(allowed.server);
      await closeServer(other.server);
    }
  });

  it.skipIf(!chromium)('without allowed ports a loopback server is unreachable too: the request is refused and recorded', async () => {
    const local = await recordingServer('<p>local</p>');
    const offline = await launchOfflineBrowser();
    try {
      const tab = await offline.browser.newPage();
      const response = await tab.goto(`http://127.0.0.1:${local.port}/`).catch(() => null);
      expect(response === null || response.status() === 403).toBe(true);
      expect(local.paths).toEqual([]);
      expect(offline.networkRequests).toContain(`GET http://127.0.0.1:${local.port}/`);
    } finally {
      await offline.close();
      await closeServer(local.server);
    }
  });
});

/** True while a process (or a zombie not yet reaped) with this pid exists. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('launchOfflineBrowser on Ctrl-C', () => {
  it.skipIf(!chromium)('a SIGINT to the program kills Chromium (its own process group, which the terminal does not signal), removes the profile and ends the program by SIGINT', async () => {
    const script = join(dir, 'hold-browser.ts');
    writeFileSync(
      script,
      `import { launchOfflineBrowser } from ${JSON.stringify(`${ROOT}lib/report/browser.ts`)};
const b = await launchOfflineBrowser();
const profile = (b.browser.process()?.spawnargs ?? []).find((a) => a.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
console.log('READY ' + b.browser.process()?.pid + ' ' + profile);
setInterval(() => {}, 1000);
`,
    );
    const child = spawn(process.execPath, [`${ROOT}node_modules/vite-node/vite-node.mjs`, script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const ended = new Promise<{ code: number | null; signal: string | null }>((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
    const ready = await new Promise<string>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = /READY (\d+) (\S+)/.exec(out);
        if (line) ok(line[0]);
      });
      void ended.then(() => fail(new Error(`the script ended before launching: ${out}`)));
    });
    const [, pidText, profile] = ready.split(' ') as [string, string, string];
    const pid = Number(pidText);
    try {
      expect(alive(pid)).toBe(true);
      expect(existsSync(profile)).toBe(true);
      child.kill('SIGINT');
      expect(await ended).toEqual({ code: null, signal: 'SIGINT' });
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((ok) => setTimeout(ok, 100));
      expect(alive(pid)).toBe(false);
      expect(existsSync(profile)).toBe(false);
    } finally {
      // never leave the script or its browser behind, whatever failed
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (alive(pid)) process.kill(-pid, 'SIGKILL');
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

describe('writeFigureImages', () => {
  const three = scatterFigure([{ name: 'a', x: [1, 2, 3], y: [3, 1, 2] }], { title: 'three points', xTitle: 'MACs (M)', yTitle: 'accuracy' });
  const five = scatterFigure([{ name: 'b', x: [1, 2, 3, 4, 5], y: [5, 4, 3, 2, 1] }], { title: 'five points', xTitle: 'params', yTitle: 'NASWOT' });
  const pngSize = (path: string) => {
    const png = readFileSync(path);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    return [png.readUInt32BE(16), png.readUInt32BE(20)];
  };

  it.skipIf(!chromium)('writes PNGs and SVGs of several figures with one browser, in order, reporting progress; each image is its own figure at its own size', async () => {
    const offline = await launchOfflineBrowser();
    const progress: string[] = [];
    try {
      const jobs = [
        { figure: three, path: join(dir, 'img', 'three.png'), format: 'png' as const, width: 640, height: 400 },
        { figure: three, path: join(dir, 'img', 'three.svg'), format: 'svg' as const, width: 640, height: 400 },
        { figure: five, path: join(dir, 'img', 'five.svg'), format: 'svg' as const, width: 800, height: 500 },
        { figure: five, path: join(dir, 'img', 'five.png'), format: 'png' as const, width: 500, height: 300 },
      ];
      const written = await writeFigureImages(jobs, { browser: offline, onProgress: (i, n, p) => progress.push(`${i}/${n} ${p.split('/').pop()}`) });
      expect(written).toEqual(jobs.map((j) => j.path));
      expect(progress).toEqual(['1/4 three.png', '2/4 three.svg', '3/4 five.svg', '4/4 five.png']);
      expect(offline.browser.connected).toBe(true); // a browser passed in is left open
      expect(pngSize(jobs[0]!.path)).toEqual([640, 400]);
      expect(pngSize(jobs[3]!.path)).toEqual([500, 300]);
      const svgThree = readFileSync(jobs[1]!.path, 'utf8');
      const svgFive = readFileSync(jobs[2]!.path, 'utf8');
      expect([countOf(svgThree, '<path class="point"'), countOf(svgFive, '<path class="point"')]).toEqual([3, 5]);
      expect(svgThree).toContain('width="640" height="400"');
      expect(svgFive).toContain('width="800" height="500"');
      expect(svgThree).toContain('three points');
      expect(svgFive).toContain('five points');
      expect(svgFive).not.toContain('three points');
      expect(offline.networkRequests).toEqual([]);
    } finally {
      await offline.close();
    }
    expect(offline.browser.connected).toBe(false);
  });

  it.skipIf(!chromium)('a failing image stops with one line naming it and its place', async () => {
    writeFileSync(join(dir, 'a-file'), 'not a directory');
    const jobs = [
      { figure: three, path: join(dir, 'ok.svg'), format: 'svg' as const },
      { figure: five, path: join(dir, 'a-file', 'five.png'), format: 'png' as const },
    ];
    await expect(writeFigureImages(jobs)).rejects.toThrow(/^figure 2\/2 \(five\.png\): .*(EEXIST|ENOTDIR)[^\n]*$/);
  });
});

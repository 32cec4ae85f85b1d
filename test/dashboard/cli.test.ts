/**
 * `paretonas dashboard` flags (bad input: one InputError naming the flag; the CLI prints it and
 * exits 2), its stop on SIGINT, and the server's answers to what the page does not ask for.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dashboardCommand } from '../../lib/cli/dashboard.js';
import { startDashboard } from '../../lib/dashboard/server.js';
import { InputError } from '../../lib/errors.js';
import { plotlyScriptPath } from '../../lib/report/html.js';
import { evaluation, proposal, writeRun } from '../report/run-records.js';

async function refusal(args: string[]): Promise<InputError> {
  const err = await dashboardCommand(args).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

/** GET with a chosen Host header (fetch does not let one set it). */
function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('paretonas dashboard flags', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dash-cli-'));
  writeFileSync(join(tmp, 'a-file'), '');

  it('refuses a port out of range, a missing DIR, a DIR that is a file, no DIR, an unknown flag', async () => {
    expect((await refusal(['--port', '70000', tmp])).message).toMatch(/--port.*70000/);
    expect((await refusal(['--port', '-1', tmp])).message).toMatch(/--port/);
    expect((await refusal([join(tmp, 'nowhere')])).message).toMatch(/DIR.*nowhere.*no such directory/);
    expect((await refusal([join(tmp, 'a-file')])).message).toMatch(/DIR.*a-file.* is not a directory/);
    expect((await refusal([])).message).toMatch(/DIR/);
    expect((await refusal(['--prot', '1', tmp])).message).toMatch(/--prot/);
    expect((await refusal(['--host', 'a b', tmp])).message).toMatch(/--host/);
  });

  afterEach(() => vi.restoreAllMocks());

  it('serves until SIGINT, then stops cleanly; the line on stderr gives the URL', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
    const done = dashboardCommand(['--port', '0', tmp]);
    await vi.waitFor(() => expect(lines.join('')).toMatch(/http:\/\/127\.0\.0\.1:\d+\//), { timeout: 10_000 });
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(lines.join(''))?.[1]);
    expect(lines.join('')).toMatch(/no run yet: waiting for one/);
    expect((await get(port, '/api/runs')).status).toBe(200);
    process.emit('SIGINT');
    expect(await done).toBe('dashboard stopped');
    await expect(get(port, '/api/runs')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('paretonas dashboard --host', () => {
  afterEach(() => vi.restoreAllMocks());

  it('another address than loopback: a warning line first, then it serves there', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
    const done = dashboardCommand(['--host', '0.0.0.0', '--port', '0', mkdtempSync(join(tmpdir(), 'dash-host-'))]);
    await vi.waitFor(() => expect(lines.join('')).toMatch(/http:\/\/0\.0\.0\.0:\d+\//), { timeout: 10_000 });
    expect(lines[0]).toMatch(/^paretonas dashboard: warning: listening on 0\.0\.0\.0, not loopback: .*no password\n$/);
    process.emit('SIGINT');
    expect(await done).toBe('dashboard stopped');
  });
});

describe('the dashboard server', () => {
  it('serves plotly whole, refuses other Host headers (DNS rebinding), 404s unknown paths and runs', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'dash-srv-'));
    writeRun(tmp, 'r', {}, [proposal(0), evaluation(0, { accuracy: 0.5, macs: 1, params: 1 })]);
    const d = await startDashboard({ dir: tmp, port: 0, pollMs: 100_000 });
    try {
      const plotly = await get(d.port, '/plotly.min.js');
      expect(plotly.status).toBe(200);
      expect(Buffer.byteLength(plotly.body)).toBe(statSync(plotlyScriptPath()).size);
      expect((await get(d.port, '/', 'evil.example:80')).status).toBe(403);
      expect((await get(d.port, '/', `localhost:${d.port}`)).status).toBe(200);
      expect((await get(d.port, '/../package.json')).status).toBe(404);
      expect((await get(d.port, '/api/run?id=nope')).status).toBe(404);
      const runs = JSON.parse((await get(d.port, '/api/runs')).body);
      expect(runs.runs.map((r: { id: string; records: number }) => [r.id, r.records])).toEqual([['r', 3]]);
      expect((await get(d.port, '/api/trial?run=r')).status).toBe(400);
      expect((await get(d.port, '/api/trial?run=r&index=-1')).status).toBe(400);
      const trial = await get(d.port, '/api/trial?run=r&index=7');
      expect(trial.status).toBe(404);
      expect(JSON.parse(trial.body).error).toMatch(/INDEX/);
    } finally {
      await d.close();
    }
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../lib/cli/report.js';
import { findChromium } from '../../lib/report/browser.js';
import { buildRunReport } from '../../lib/report/run-report.js';
import { ROOT } from '../helpers.js';

const run = `${ROOT}notebooks/data/llm-runs/qwen2.5-3b`;
const out = mkdtempSync(join(tmpdir(), 'paretonas-report-images-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('paretonas report --png --svg', () => {
  it.skipIf(!findChromium())('writes a PNG and an SVG of every figure, saying each on stderr as "figure i/n: file"', async () => {
    const ids = buildRunReport(run).figures.map((f) => f.id);
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    let summary: string;
    try {
      summary = await reportCommand([run, '-o', out, '--png', '--svg']);
    } finally {
      spy.mockRestore();
    }
    const n = ids.length * 2;
    const expected = ids.flatMap((id, i) => [`figure ${2 * i + 1}/${n}: ${id}.png\n`, `figure ${2 * i + 2}/${n}: ${id}.svg\n`]);
    expect(lines).toEqual(expected);
    expect(summary).toContain(`${n} images in ${join(out, 'figures')}`);
    for (const id of ids) {
      const png = readFileSync(join(out, 'figures', `${id}.png`));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], id).toEqual([900, 520]);
      const svg = readFileSync(join(out, 'figures', `${id}.svg`), 'utf8');
      expect(svg.startsWith('<svg'), id).toBe(true);
      expect(svg, id).toContain('width="900" height="520"');
    }
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CHROMIUM_MISSING_MESSAGE, ChromiumMissing, figureToImage, findChromium, renderHtmlToDom } from '../../lib/report/chromium.js';
import { scatterFigure } from '../../lib/report/figures.js';
import { figureHtml } from '../../lib/report/html.js';

const chromium = findChromium();
if (!chromium) console.warn(`[chromium tests] skipped: ${CHROMIUM_MISSING_MESSAGE}`);

const dir = mkdtempSync(join(tmpdir(), 'paretonas-chromium-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const xs = [1, 2, 3, 4, 5, 6, 7];
const ys = [3, 1, 4, 1, 5, 9, 2];
const figure = scatterFigure([{ name: 'candidates', x: xs, y: ys }], { title: 'seven candidates', xTitle: 'MACs (M)', yTitle: 'accuracy' });

function page(body: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>test</title></head><body>${body}</body></html>\n`;
}

const countOf = (text: string, needle: string) => text.split(needle).length - 1;

describe('headless Chromium', () => {
  it('reports ChromiumMissing with the install hint when PARETONAS_CHROMIUM names no executable', async () => {
    vi.stubEnv('PARETONAS_CHROMIUM', join(dir, 'no-such-chromium'));
    try {
      expect(findChromium()).toBeNull();
      const attempt = figureToImage(figure, join(dir, 'never.png'), { format: 'png' });
      await expect(attempt).rejects.toBeInstanceOf(ChromiumMissing);
      await expect(attempt).rejects.toThrow(/apt-get install -y chromium/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.skipIf(!chromium)('renders a plotly scatter offline: main-svg, 7 points in the scatter trace, no network request', async () => {
    const path = join(dir, 'scatter.html');
    writeFileSync(path, page(figureHtml(figure, { includeLibrary: true })));
    const { dom, networkRequests } = await renderHtmlToDom(path, { budgetMs: 5000 });
    expect(dom).toMatch(/<svg class="main-svg"/);
    const trace = dom.slice(dom.indexOf('class="trace scatter'));
    expect(trace.length).toBeLessThan(dom.length);
    expect(countOf(trace, '<path class="point"')).toBe(7);
    expect(countOf(dom, '<path class="point"')).toBe(7);
    expect(dom).toContain('seven candidates');
    expect(networkRequests).toEqual([]);
  });

  it.skipIf(!chromium)('counts (and refuses) a request the page makes, so the check can fail', async () => {
    const path = join(dir, 'fetch.html');
    writeFileSync(
      path,
      page(`<div id="out">pending</div><script>
fetch("http://example.com/x").then(
  function (r) { document.getElementById("out").textContent = "status " + r.status; },
  function () { document.getElementById("out").textContent = "failed"; });
</script>`),
    );
    const { dom, networkRequests } = await renderHtmlToDom(path, { budgetMs: 3000 });
    expect(networkRequests).toContain('GET http://example.com/x');
    expect(dom).toContain('<div id="out">failed</div>');
  });

  it.skipIf(!chromium)('runs timers on virtual time up to the budget: a 4 s timer fires within a 5 s budget, a 9 s one does not', async () => {
    const path = join(dir, 'timers.html');
    writeFileSync(
      path,
      page(`<div id="four">pending</div><div id="nine">pending</div><script>
setTimeout(function () { document.getElementById("four").textContent = "fired"; }, 4000);
setTimeout(function () { document.getElementById("nine").textContent = "fired"; }, 9000);
</script>`),
    );
    const { dom } = await renderHtmlToDom(path, { budgetMs: 5000 });
    expect(dom).toContain('<div id="four">fired</div>');
    expect(dom).toContain('<div id="nine">pending</div>');
  });

  it.skipIf(!chromium)('exports the figure as PNG (a screenshot of width × height)', async () => {
    const out = await figureToImage(figure, join(dir, 'img', 'scatter.png'), { format: 'png', width: 640, height: 400 });
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 400]);
    expect(png.length).toBeGreaterThan(3_000);
    expect(png.length).toBeLessThan(2_000_000);
  });

  it.skipIf(!chromium)('exports the figure as SVG through Plotly.toImage', async () => {
    const out = await figureToImage(figure, join(dir, 'img', 'scatter.svg'), { format: 'svg' });
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('width="720" height="420"');
    expect(countOf(svg, '<path class="point"')).toBe(7);
    expect(svg).toContain('seven candidates');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });
});

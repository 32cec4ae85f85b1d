import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { histogramFigure } from '../../lib/report/figures.js';
import { figureHtml, plotlyLibraryHtml, plotlyScriptPath } from '../../lib/report/html.js';

describe('figure HTML', () => {
  it('inlines plotly.js 2.35.3 minified (plotly.js-dist-min), once, at about its file size', () => {
    const path = plotlyScriptPath();
    expect(path.endsWith(join('plotly.js-dist-min', 'plotly.min.js'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dirname(path), 'package.json'), 'utf8')).version).toBe('2.35.3');
    const source = readFileSync(path, 'utf8');
    expect(source.slice(0, 200)).toContain('plotly.js v2.35.3');
    const bytes = statSync(path).size;
    expect(bytes).toBeLessThan(5_000_000); // plotly.js-dist's unminified plotly.js of the same release is 10,810,504 bytes
    const html = plotlyLibraryHtml();
    expect(html.split('<script').length - 1).toBe(1);
    expect(Math.abs(html.length - bytes) / bytes).toBeLessThan(0.01); // only the \u escapes and the tag differ
  });
  it('inlines plotly.js as ASCII that still parses (a page read as Latin-1 once broke on π and BOMs)', () => {
    const html = plotlyLibraryHtml();
    expect(/[^\x00-\x7f]/.test(html)).toBe(false);
    const source = html.slice('<script type="text/javascript">'.length, -'</script>'.length);
    expect(source.length).toBeGreaterThan(1_000_000);
    expect(() => new Script(source)).not.toThrow();
  });
  it('carries the figure spec intact, escaped, with the histogram values and the limit line', () => {
    const figure = histogramFigure([1, 2, 2, 3], { title: 'peak ≤ 320 KiB </script>', xTitle: 'KiB', limit: { x: 320, label: '320 KiB' } });
    const html = figureHtml(figure);
    expect(/[^\x00-\x7f]/.test(html)).toBe(false);
    expect(html).not.toContain('</script>"');
    const spec = /var f = (.*); Plotly\.newPlot/.exec(html)?.[1] as string;
    expect(JSON.parse(spec)).toEqual(figure);
    expect(figure.data[0]).toMatchObject({ type: 'histogram', x: [1, 2, 2, 3] });
    expect((figure.layout.shapes as { x0: number }[])[0]?.x0).toBe(320);
  });
});

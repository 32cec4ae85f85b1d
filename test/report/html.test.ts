import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { histogramFigure } from '../../lib/report/figures.js';
import { figureHtml, plotlyLibraryHtml } from '../../lib/report/html.js';

describe('figure HTML', () => {
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

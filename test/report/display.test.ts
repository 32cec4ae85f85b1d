import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { createDisplay } from '../../lib/report/display.js';
import type { Figure } from '../../lib/report/figures/figure.js';
import { plotlyScriptPath } from '../../lib/report/html.js';
import { toHtml, toMarkdown } from '../../lib/report/render-table.js';
import type { Table } from '../../lib/report/table.js';

// The banner plotly.min.js opens with ("* plotly.js v2.35.3"), read from the file itself.
const banner = readFileSync(plotlyScriptPath(), 'utf8').match(/\* plotly\.js v\d+\.\d+\.\d+/)![0];
const copies = (html: string) => html.split(banner).length - 1;

const figure = (n: number): Figure => ({ data: [{ type: 'scatter', x: [n, n + 1], y: [2 * n, 3 * n] }], layout: { title: { text: `figure ${n}` } } });
const table: Table = { id: 't', caption: 'two rows', columns: ['model', 'MACs (M)'], rows: [['a', 1.5], ['b', 12]] };

describe('display (the tslab adapter) keeps notebook outputs small', () => {
  it('inlines plotly.js with the first figure only, and each figure carries its own spec', () => {
    const shown: string[] = [];
    const display = createDisplay((h) => shown.push(h));
    for (const n of [1, 2, 3]) display(figure(n));
    expect(shown.map(copies)).toEqual([1, 0, 0]);
    expect(shown[0]!.length).toBeGreaterThan(4_000_000);
    for (const [i, html] of shown.entries()) {
      expect(html).toContain(`"x":[${i + 1},${i + 2}]`);
      expect(html).toContain(`Plotly.newPlot(`);
    }
    expect(shown[1]!.length).toBeLessThan(1_000);
  });

  it('a table becomes toHtml unless another renderer is given, and does not use up the library', () => {
    const shown: string[] = [];
    const display = createDisplay((h) => shown.push(h));
    display(table);
    display(table, { tableHtml: toMarkdown });
    display(figure(1));
    expect(shown[0]).toBe(toHtml(table));
    expect(shown[1]).toBe(toMarkdown(table));
    expect(copies(shown[2]!)).toBe(1);
  });

  it('each display function is its own page: a second one inlines plotly.js again', () => {
    const a: string[] = [];
    const b: string[] = [];
    const da = createDisplay((h) => a.push(h));
    const db = createDisplay((h) => b.push(h));
    da(figure(1));
    db(figure(2));
    da(figure(3));
    expect(a.map(copies)).toEqual([1, 0]);
    expect(b.map(copies)).toEqual([1]);
  });
});

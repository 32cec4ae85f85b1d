import { createRequire } from 'node:module';
import type { Figure } from './figures.js';
import { figureHtml } from './html.js';
import type { Table } from './table.js';

let libraryShown = false;

function isFigure(x: Table | Figure): x is Figure {
  return 'data' in x && 'layout' in x;
}

/**
 * The one tslab adapter: shows a table or a figure inline in a notebook. plotly.js is inlined
 * with the first figure of the kernel session only.
 */
export function display(item: Table | Figure, render?: { tableHtml: (t: Table) => string }): void {
  const tslab = createRequire(import.meta.url)('tslab') as { display: { html(s: string): void } };
  if (isFigure(item)) {
    tslab.display.html(figureHtml(item, { includeLibrary: !libraryShown }));
    libraryShown = true;
    return;
  }
  if (!render) throw new Error('display(table) needs a table renderer (toHtml from lib/report/render-table.ts)');
  tslab.display.html(render.tableHtml(item));
}

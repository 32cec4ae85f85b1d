import { createRequire } from 'node:module';
import type { Figure } from './figures/figure.js';
import { figureHtml } from './html.js';
import { toHtml } from './render-table.js';
import type { Table } from './table.js';

/** How a table becomes HTML (toHtml from lib/report/render-table.ts unless given). */
export interface TableRenderer {
  tableHtml: (t: Table) => string;
}

/** Shows one table or figure. */
export type DisplayFn = (item: Table | Figure, render?: TableRenderer) => void;

function isFigure(x: Table | Figure): x is Figure {
  return 'data' in x && 'layout' in x;
}

/**
 * A display function that hands each item's HTML fragment to `sink`. plotly.js (the minified
 * build, 4.6 MB) is inlined with the first figure it shows only; later figures call the page's
 * `Plotly`, so an executed notebook carries the library once however many figures it shows
 * (scripts/run-notebooks.mjs refuses a copy that carries it twice). One display function = one
 * page: a notebook kernel session uses {@link display}; a test makes its own.
 */
export function createDisplay(sink: (html: string) => void): DisplayFn {
  let libraryShown = false;
  return (item, render = { tableHtml: toHtml }) => {
    if (isFigure(item)) {
      sink(figureHtml(item, { includeLibrary: !libraryShown }));
      libraryShown = true;
      return;
    }
    sink(render.tableHtml(item));
  };
}

let notebookDisplay: DisplayFn | undefined;

/**
 * The one tslab adapter: shows a table (as HTML, toHtml unless `render` is given) or a figure inline
 * in a notebook, plotly.js with the first figure of the kernel session only. Restarting the kernel
 * and running every cell from the top inlines it again with the first figure; re-running a later
 * figure cell alone never does, so a notebook saved after clearing the first figure's output shows
 * no figures until it is run from the top.
 */
export function display(item: Table | Figure, render?: TableRenderer): void {
  notebookDisplay ??= createDisplay((html) => {
    const tslab = createRequire(import.meta.url)('tslab') as { display: { html(s: string): void } };
    tslab.display.html(html);
  });
  notebookDisplay(item, render);
}

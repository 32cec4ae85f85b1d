// What an executed notebook carries, and whether it is small enough to keep.
//
// An executed copy holds every output of every cell; a figure shown with plotly.js inlined
// (figureHtml(fig, { includeLibrary: true })) puts the whole library into the file again each time.
// plotly.js-dist-min 2.35.3 is 4.56 MB (4.67 MB once JSON-escaped in a notebook), so the size limit
// below leaves ~1.3 MB for everything else and a second copy of the library always exceeds it.
// Figures go through `display()` (lib/report/display.ts), which inlines the library with the first
// figure of the kernel session only.

import { readFileSync } from 'node:fs';

/** Largest executed notebook kept, in bytes (6 MB = 6,000,000 bytes). */
export const MAX_NOTEBOOK_BYTES = 6_000_000;
/** How many times plotly.js may be inlined in one executed notebook. */
export const MAX_PLOTLY_INLINES = 1;

// Both plotly.js bundles (plotly.js-dist's plotly.js and plotly.js-dist-min's plotly.min.js) open with
// this banner comment, once per copy ("* plotly.js v2.35.3"); a figure spec or its data never contain it.
const PLOTLY_BANNER = /\*\s*plotly\.js v\d+\.\d+\.\d+/g;

const joined = (v) => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');

/**
 * Size and plotly.js copies of an executed notebook.
 * @param {string} text the .ipynb file's text (nbformat 4 JSON)
 * @returns {{ bytes: number, plotlyInlines: number, largestOutput: { cell: number, bytes: number } | null }}
 *   bytes: UTF-8 size of the file; plotlyInlines: copies of plotly.js in the cells' HTML and
 *   JavaScript outputs; largestOutput: the 1-based cell whose outputs are largest (JSON bytes).
 * @throws SyntaxError when the text is not JSON
 */
export function inspectNotebook(text) {
  const nb = JSON.parse(text);
  let plotlyInlines = 0;
  let largestOutput = null;
  (nb.cells ?? []).forEach((cell, i) => {
    const outputs = cell.outputs ?? [];
    for (const o of outputs) {
      const data = o.data ?? {};
      for (const mime of ['text/html', 'application/javascript']) {
        plotlyInlines += (joined(data[mime]).match(PLOTLY_BANNER) ?? []).length;
      }
    }
    const bytes = Buffer.byteLength(JSON.stringify(outputs));
    if (outputs.length > 0 && (largestOutput === null || bytes > largestOutput.bytes)) largestOutput = { cell: i + 1, bytes };
  });
  return { bytes: Buffer.byteLength(text), plotlyInlines, largestOutput };
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * The one-line reason an executed notebook is too large, or null when it is fine.
 * @param {string} name the notebook's name as the runner prints it
 * @param {{ bytes: number, plotlyInlines: number, largestOutput: { cell: number, bytes: number } | null }} stats from inspectNotebook
 * @param {{ maxBytes?: number, maxPlotlyInlines?: number }} [limits]
 */
export function notebookOutputProblem(name, stats, limits = {}) {
  const maxBytes = limits.maxBytes ?? MAX_NOTEBOOK_BYTES;
  const maxInlines = limits.maxPlotlyInlines ?? MAX_PLOTLY_INLINES;
  const problems = [];
  if (stats.plotlyInlines > maxInlines) {
    problems.push(`inlines plotly.js ${stats.plotlyInlines} times (allowed: at most ${maxInlines}; show figures with display(), which inlines it with the first figure only)`);
  }
  if (stats.bytes > maxBytes) {
    const where = stats.largestOutput ? `; largest outputs: cell ${stats.largestOutput.cell}, ${mb(stats.largestOutput.bytes)}` : '';
    problems.push(`is ${mb(stats.bytes)} (${stats.bytes} bytes; allowed: at most ${mb(maxBytes)}${where})`);
  }
  return problems.length > 0 ? `executed ${name} ${problems.join(' and ')}` : null;
}

/** inspectNotebook + notebookOutputProblem for a file. */
export function checkExecutedNotebook(path, name = path, limits = {}) {
  const stats = inspectNotebook(readFileSync(path, 'utf8'));
  return { stats, problem: notebookOutputProblem(name, stats, limits) };
}

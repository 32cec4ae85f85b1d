import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Figure } from './figures.js';

let plotlySource: string | undefined;

/** plotly.js itself, inlined (notebooks and reports work offline). Include it once per page. */
export function plotlyLibraryHtml(): string {
  plotlySource ??= readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist'), 'utf8');
  return `<script type="text/javascript">${plotlySource}</script>`;
}

let figureCount = 0;

/** A figure as an HTML fragment; with includeLibrary it carries plotly.js too. */
export function figureHtml(figure: Figure, options: { includeLibrary?: boolean } = {}): string {
  const id = `paretonas-figure-${Date.now().toString(36)}-${figureCount++}`;
  const spec = JSON.stringify(figure).replaceAll('</', '<\\/');
  return `${options.includeLibrary ? plotlyLibraryHtml() : ''}<div id="${id}"></div>
<script type="text/javascript">(function () { var f = ${spec}; Plotly.newPlot("${id}", f.data, f.layout); })();</script>`;
}

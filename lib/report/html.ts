import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Figure } from './figures.js';

let plotlySource: string | undefined;

/**
 * Absolute path of plotly.js's minified build (`plotly.js-dist-min`'s plotly.min.js, 2.35.3,
 * about 4.6 MB): the one file inlined into reports and notebooks and served by the dashboard.
 */
export function plotlyScriptPath(): string {
  return createRequire(import.meta.url).resolve('plotly.js-dist-min');
}

/**
 * Script text with every non-ASCII UTF-16 unit as a \u escape (valid in JS strings, regexes and
 * identifiers). Byte-order marks, which bundlers leave at module starts where they act as
 * whitespace, become spaces: an escaped one would not parse there.
 */
function asciiOnly(script: string): string {
  return script.replaceAll('\ufeff', ' ').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * plotly.js itself (the minified build at {@link plotlyScriptPath}), inlined: notebooks and
 * reports work offline. Include it once per page.
 * Non-ASCII characters (plotly uses names such as π) are written as \u escapes, so the script
 * parses whatever charset the page is read with.
 */
export function plotlyLibraryHtml(): string {
  plotlySource ??= asciiOnly(readFileSync(plotlyScriptPath(), 'utf8'));
  return `<script type="text/javascript">${plotlySource}</script>`;
}

let figureCount = 0;

/** A figure as an HTML fragment; with includeLibrary it carries plotly.js too. */
export function figureHtml(figure: Figure, options: { includeLibrary?: boolean } = {}): string {
  const id = `paretonas-figure-${Date.now().toString(36)}-${figureCount++}`;
  const spec = asciiOnly(JSON.stringify(figure).replaceAll('</', '<\\/'));
  return `${options.includeLibrary ? plotlyLibraryHtml() : ''}<div id="${id}"></div>
<script type="text/javascript">(function () { var f = ${spec}; Plotly.newPlot("${id}", f.data, f.layout); })();</script>`;
}

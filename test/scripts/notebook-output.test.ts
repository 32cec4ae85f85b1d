import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { ROOT } from '../helpers.js';
// @ts-expect-error: a plain .mjs script without types
import { MAX_NOTEBOOK_BYTES, inspectNotebook, notebookOutputProblem } from '../../scripts/notebook-output.mjs';

const PLOTLY = readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist-min'), 'utf8');

/** An nbformat 4 notebook whose cells carry the given text/html outputs (one cell per entry). */
function notebook(htmlPerCell: string[][]): string {
  return JSON.stringify(
    {
      cells: htmlPerCell.map((htmls, i) => ({
        cell_type: 'code',
        execution_count: i + 1,
        metadata: {},
        source: ['x'],
        // nbformat splits multi-line strings into lines; the check must see a banner split across them.
        outputs: htmls.map((h) => ({ output_type: 'display_data', metadata: {}, data: { 'text/html': h.split(/(?<=\n)/), 'text/plain': ['<html>'] } })),
      })),
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}

describe('executed notebook checks', () => {
  it('counts plotly.js copies in HTML outputs, not figure specs that only call Plotly', () => {
    const fig = '<div id="f"></div><script>Plotly.newPlot("f", [], {title: "plotly.js v2 figure"});</script>';
    expect(inspectNotebook(notebook([[fig]])).plotlyInlines).toBe(0);
    expect(inspectNotebook(notebook([[`<script>${PLOTLY}</script>${fig}`], [fig, fig]])).plotlyInlines).toBe(1);
    expect(inspectNotebook(notebook([[`<script>${PLOTLY}</script>${fig}`], [fig], [`<script>${PLOTLY}</script>`]])).plotlyInlines).toBe(2);
  });

  it('measures the file in UTF-8 bytes and names the cell with the largest outputs', () => {
    const text = notebook([['<p>small</p>'], [`<script>${PLOTLY}</script>`], ['<p>é</p>']]);
    const stats = inspectNotebook(text);
    expect(stats.bytes).toBe(Buffer.byteLength(text, 'utf8'));
    expect(stats.largestOutput.cell).toBe(2);
    expect(stats.largestOutput.bytes).toBeGreaterThan(PLOTLY.length);
  });

  it('one minified plotly.js fits the limit; two do not, and the message names the notebook and both faults', () => {
    const once = inspectNotebook(notebook([[`<script>${PLOTLY}</script>`]]));
    expect(once.bytes).toBeLessThan(MAX_NOTEBOOK_BYTES);
    expect(notebookOutputProblem('reports/notebooks/x.ipynb', once)).toBeNull();
    const twice = inspectNotebook(notebook([[`<script>${PLOTLY}</script>`], [`<script>${PLOTLY}</script>`]]));
    expect(twice.bytes).toBeGreaterThan(MAX_NOTEBOOK_BYTES);
    const problem = notebookOutputProblem('reports/notebooks/x.ipynb', twice);
    expect(problem).toMatch(/^executed reports\/notebooks\/x\.ipynb inlines plotly\.js 2 times \(allowed: at most 1;/);
    expect(problem).toContain(`(${twice.bytes} bytes; allowed: at most 6.0 MB; largest outputs: cell `);
    expect(problem.split('\n')).toHaveLength(1);
  });

  it('a small notebook with plotly twice fails on the count alone', () => {
    const banner = '/**\n* plotly.js v2.35.3\n*/';
    const stats = inspectNotebook(notebook([[banner], [banner]]));
    expect(stats.bytes).toBeLessThan(10_000);
    expect(notebookOutputProblem('n.ipynb', stats)).toMatch(/^executed n\.ipynb inlines plotly\.js 2 times/);
    expect(notebookOutputProblem('n.ipynb', stats, { maxPlotlyInlines: 2 })).toBeNull();
  });
});

const hasJupyter = spawnSync('jupyter', ['nbconvert', '--version'], { stdio: 'ignore' }).status === 0;
const ready = hasJupyter && existsSync(join(ROOT, '.jupyter', 'kernels', 'tslab', 'kernel.json'));

describe.skipIf(!ready)('npm run notebooks refuses a large executed copy', () => {
  it('names the notebook that inlines plotly.js twice, exit 1', () => {
    const nb = join(ROOT, 'test', 'fixtures', 'notebooks', 'plotly-twice.ipynb');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'run-notebooks.mjs'), nb], { encoding: 'utf8', timeout: 180_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/plotly-twice\.ipynb \.\.\. FAILED \([\d.]+ s, [\d.]+ MB, plotly\.js inlined 2x\)/);
    const executed = join(ROOT, 'reports', 'notebooks', 'plotly-twice.ipynb');
    const bytes = statSync(executed).size;
    expect(bytes).toBeGreaterThan(2 * PLOTLY.length);
    expect(r.stderr).toContain(`executed reports/notebooks/plotly-twice.ipynb inlines plotly.js 2 times`);
    expect(r.stderr).toContain(`(${bytes} bytes; allowed: at most 6.0 MB; largest outputs: cell 1`);
    expect(r.stderr).toMatch(/1 of 1 notebook\(s\) failed: test\/fixtures\/notebooks\/plotly-twice\.ipynb/);
  });
});

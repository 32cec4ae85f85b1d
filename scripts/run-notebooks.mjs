#!/usr/bin/env node
// Executes notebooks headless with the tslab (TypeScript) Jupyter kernel and
// fails when any notebook fails, or when its executed copy is too large to keep (over
// MAX_NOTEBOOK_BYTES, or plotly.js inlined more than once: scripts/notebook-output.mjs).
//
//   node scripts/run-notebooks.mjs [NAME|notebook.ipynb ...]      (npm run notebooks -- 03 06)
//
// Without arguments it runs every notebooks/*.ipynb (sorted); a NAME runs the notebooks whose file
// name contains it. The kernel is always this checkout's own (.jupyter/kernels/tslab, written by
// setup, first on JUPYTER_PATH), whatever tslab kernelspec is registered elsewhere. Executed copies
// are written to reports/notebooks/ (gitignored). Each notebook runs with its
// own directory as the working directory, so relative paths and
// `import ... from "paretonas"` (via node_modules/paretonas) resolve from there.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jupyterEnv, kernelspecProblem } from './jupyter-env.mjs';
import { checkExecutedNotebook } from './notebook-output.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NOTEBOOK_DIR = join(ROOT, 'notebooks');
const OUT_DIR = join(ROOT, 'reports', 'notebooks');
const TIMEOUT_S = 600;
const TAIL_LINES = 40;

const log = (msg) => console.log(`[notebooks] ${msg}`);
function die(msg, code = 1) {
  console.error(`[notebooks] ${msg}`);
  process.exit(code);
}
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

// tslab reports an exception as a stderr stream and an execute_reply without
// ename/evalue, so nbconvert's own message ends in a useless "<Error>: ".
// This nbconvert config hooks nbclient's on_cell_error to print the failing
// cell's outputs between markers, which the runner shows instead.
const BEGIN = '=====paretonas-cell-error-begin=====';
const END = '=====paretonas-cell-error-end=====';
const NBCONVERT_CONFIG = `
import sys

def _report_cell_error(cell, cell_index, execute_reply, **kw):
    parts = []
    for o in cell.get("outputs", []):
        kind = o.get("output_type")
        if kind == "stream":
            parts.append(o.get("text", ""))
        elif kind == "error":
            parts.append("\\n".join(o.get("traceback") or []) or "%s: %s" % (o.get("ename"), o.get("evalue")))
        elif kind in ("execute_result", "display_data"):
            parts.append(o.get("data", {}).get("text/plain", ""))
    content = execute_reply.get("content", {}) if execute_reply else {}
    if content.get("ename") or content.get("evalue"):
        parts.append("%s: %s" % (content.get("ename"), content.get("evalue")))
    sys.stderr.write("${BEGIN}\\n")
    sys.stderr.write("cell %d:\\n%s\\n------------------\\n" % (cell_index + 1, cell.get("source", "")))
    sys.stderr.write("".join(p if p.endswith("\\n") else p + "\\n" for p in parts))
    sys.stderr.write("${END}\\n")
    sys.stderr.flush()

c.ExecutePreprocessor.on_cell_error = _report_cell_error
`;

// Notebooks to run -------------------------------------------------------------
const all = existsSync(NOTEBOOK_DIR)
  ? readdirSync(NOTEBOOK_DIR)
      .filter((f) => f.endsWith('.ipynb'))
      .sort()
      .map((f) => join(NOTEBOOK_DIR, f))
  : [];
let notebooks = all;
const args = process.argv.slice(2);
if (args.length > 0) {
  notebooks = [];
  for (const a of args) {
    const asPath = resolve(process.cwd(), a);
    const picked = a.endsWith('.ipynb') && existsSync(asPath) ? [asPath] : all.filter((nb) => basename(nb).includes(a));
    if (picked.length === 0) die(`no notebook matches ${JSON.stringify(a)}; allowed: a path to a .ipynb file or part of a name in notebooks/ (${all.map((nb) => basename(nb)).join(', ')})`, 2);
    for (const nb of picked) if (!notebooks.includes(nb)) notebooks.push(nb);
  }
}
if (notebooks.length === 0) {
  log('no notebooks to run (notebooks/*.ipynb is empty)');
  process.exit(0);
}

// Preconditions ------------------------------------------------------------------
const missing = [];
if (!existsSync(join(ROOT, 'node_modules', 'paretonas'))) missing.push('node_modules/paretonas');
if (!existsSync(join(ROOT, 'dist', 'index.js'))) missing.push('dist/index.js');
if (!existsSync(join(ROOT, 'node_modules', '.bin', 'tslab'))) missing.push('node_modules/.bin/tslab');
if (missing.length > 0) die(`missing ${missing.join(', ')}: run \`npm run setup\` first`);
const kernelProblem = kernelspecProblem();
if (kernelProblem) die(kernelProblem);
const nbconvert = spawnSync('jupyter', ['nbconvert', '--version'], { stdio: 'ignore' });
if (nbconvert.error || nbconvert.status !== 0) die('jupyter nbconvert is not available: run `npm run setup` first');

mkdirSync(OUT_DIR, { recursive: true });
const configDir = mkdtempSync(join(tmpdir(), 'paretonas-nbconvert-'));
const configFile = join(configDir, 'nbconvert_config.py');
writeFileSync(configFile, NBCONVERT_CONFIG);
process.on('exit', () => rmSync(configDir, { recursive: true, force: true }));

// Run ----------------------------------------------------------------------------------
const failed = [];
for (const nb of notebooks) {
  const name = relative(ROOT, nb).startsWith('..') ? nb : relative(ROOT, nb);
  process.stdout.write(`[notebooks] ${name} ... `);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    'jupyter',
    [
      'nbconvert',
      `--config=${configFile}`,
      '--to',
      'notebook',
      '--execute',
      '--ExecutePreprocessor.kernel_name=tslab',
      `--ExecutePreprocessor.timeout=${TIMEOUT_S}`,
      '--output-dir',
      OUT_DIR,
      nb,
    ],
    {
      cwd: dirname(nb),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      env: { ...jupyterEnv(), PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    },
  );
  const secs = (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1);
  if (!r.error && r.status === 0) {
    const executed = join(OUT_DIR, basename(nb));
    const { stats, problem } = checkExecutedNotebook(executed, relative(ROOT, executed));
    const size = `${(stats.bytes / 1e6).toFixed(2)} MB, plotly.js inlined ${stats.plotlyInlines}x`;
    if (!problem) {
      console.log(`ok (${secs} s, ${size})`);
      continue;
    }
    console.log(`FAILED (${secs} s, ${size})`);
    console.error(`[notebooks] ${problem}`);
    failed.push(name);
    continue;
  }
  const why = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
  console.log(`FAILED (${secs} s, ${why})`);
  const all = stripAnsi(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  const b = all.lastIndexOf(BEGIN);
  const e = all.indexOf(END, b);
  const cellError = b >= 0 && e > b;
  const output = (cellError ? all.slice(b + BEGIN.length, e) : all).trim().split('\n');
  const tail = output.slice(-TAIL_LINES);
  const what = cellError ? 'failing cell' : 'output';
  console.error(`[notebooks] --- ${basename(nb)}: ${what} (last ${tail.length} lines) ---`);
  console.error(tail.join('\n'));
  console.error(`[notebooks] --- end of ${basename(nb)} ---`);
  failed.push(name);
}

if (failed.length > 0) {
  die(`${failed.length} of ${notebooks.length} notebook(s) failed: ${failed.join(', ')}`);
}
log(`all ${notebooks.length} notebook(s) ok; executed copies in ${relative(ROOT, OUT_DIR)}/`);

#!/usr/bin/env node
// Runs Jupyter with this checkout's tslab kernel first (see jupyter-env.mjs), e.g.
//
//   npm run jupyter -- lab            (or: notebook, nbconvert ..., kernelspec list)
//
// so the notebooks open with the kernel of this checkout whatever else is registered.

import { spawnSync } from 'node:child_process';
import { jupyterEnv, kernelspecProblem } from './jupyter-env.mjs';

const args = process.argv.slice(2);
const problem = kernelspecProblem();
if (problem) {
  console.error(`[jupyter] ${problem}`);
  process.exit(2);
}
if (args.length === 0) {
  console.error('[jupyter] usage: npm run jupyter -- lab|notebook|nbconvert|kernelspec ... (Jupyter with this checkout\'s tslab kernel)');
  process.exit(2);
}
const r = spawnSync('jupyter', args, { stdio: 'inherit', env: { ...jupyterEnv(), PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
if (r.error) {
  console.error(`[jupyter] could not run jupyter: ${r.error.message} (run \`npm run setup\`)`);
  process.exit(1);
}
process.exit(r.status ?? 1);

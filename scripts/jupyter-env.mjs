// This checkout's Jupyter environment: its own tslab kernelspec first on JUPYTER_PATH.
//
// Jupyter looks kernels up in JUPYTER_PATH before the user folder (JUPYTER_DATA_DIR, e.g.
// ~/.local/share/jupyter) and the system folders, so a `tslab` kernelspec registered there by
// another checkout (or one that was deleted since) is never the one used here.

import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Written by `npm run setup` (scripts/setup.mjs); gitignored. */
export const KERNELS_ROOT = join(ROOT, '.jupyter');
export const KERNEL_JSON = join(KERNELS_ROOT, 'kernels', 'tslab', 'kernel.json');

/** process.env with this checkout's kernel folder first on JUPYTER_PATH. */
export function jupyterEnv(env = process.env) {
  const rest = (env.JUPYTER_PATH ?? '').split(delimiter).filter((p) => p && resolve(p) !== KERNELS_ROOT);
  return { ...env, JUPYTER_PATH: [KERNELS_ROOT, ...rest].join(delimiter) };
}

/** Null when the kernelspec is in place, else what to run. */
export function kernelspecProblem() {
  return existsSync(KERNEL_JSON) ? null : `${KERNEL_JSON} is missing: run \`npm run setup\` first`;
}

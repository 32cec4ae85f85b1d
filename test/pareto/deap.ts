/**
 * DEAP as a second implementation for the cross-implementation tests: one Debian python3 process per
 * test file runs test/pareto/deap-answers.py on every set at once (its docstring defines the answers).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's python3 (the first python3 on PATH may lack python3-deap); the same as test/helpers-python.ts. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./deap-answers.py', import.meta.url));

/** Whether python3-deap (with its C hypervolume) is importable; `npm run setup` installs it. */
export const HAVE_DEAP =
  spawnSync(PYTHON, ['-c', 'import deap.tools._hypervolume.hv, deap.tools.emo'], { encoding: 'utf8' }).status === 0;
export const NO_DEAP_REASON = 'python3-deap is not installed (npm run setup installs it): DEAP cross-checks skipped';

type Sets = { points: number[][]; ref?: number[] }[];
export interface DeapRequest {
  hv?: Sets;
  hvc?: Sets;
  sort?: Sets;
}
export interface DeapAnswers {
  hv: number[];
  hvc: number[][];
  sort: number[][];
}

/** Runs DEAP on every set of `request` in one process. Throws with python's stderr when it fails. */
export function deapAnswers(request: DeapRequest): DeapAnswers {
  const dir = mkdtempSync(join(tmpdir(), 'paretonas-deap-'));
  try {
    const file = join(dir, 'request.json');
    writeFileSync(file, JSON.stringify(request));
    const r = spawnSync(PYTHON, [SCRIPT, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`${PYTHON} deap-answers.py failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
    return JSON.parse(r.stdout) as DeapAnswers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

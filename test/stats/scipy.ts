/**
 * scipy 1.10.1 (Debian's /usr/bin/python3) as the independent reference of the stats tests: runs a
 * Python snippet with `data` (JSON) as `data` and returns what it printed as JSON (`out(value)`).
 * NaN and infinities travel as the strings 'nan', 'inf', '-inf' (JSON has none).
 */
import { spawnSync } from 'node:child_process';
import { PYTHON, pythonHas } from '../helpers-python.js';

export const HAVE_SCIPY = pythonHas('scipy, numpy');
if (!HAVE_SCIPY) console.warn('python3-scipy is not installed: the scipy cross-checks of lib/stats are skipped (npm run setup installs it)');

const PRELUDE = `
import json, math, sys, warnings
import numpy as np
from scipy import stats, special
warnings.simplefilter('ignore')
data = json.loads(sys.stdin.read())
def clean(v):
    if isinstance(v, (list, tuple, np.ndarray)): return [clean(e) for e in v]
    if isinstance(v, dict): return {k: clean(e) for k, e in v.items()}
    if isinstance(v, (bool, np.bool_)): return bool(v)
    if isinstance(v, (int, np.integer)): return int(v)
    f = float(v)
    return 'nan' if math.isnan(f) else ('inf' if f == math.inf else ('-inf' if f == -math.inf else f))
def out(v): print(json.dumps(clean(v)))
`;

/** Runs `script` (after PRELUDE) with `data` on stdin; the last line it printed, parsed. */
export function scipy<T = unknown>(script: string, data: unknown): T {
  const r = spawnSync(PYTHON, ['-c', PRELUDE + script], { input: JSON.stringify(data), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string, (_k, v) => (v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v)) as T;
}

/** Seeded test data: n values, integers in [lo, hi] (ties when the range is small) or reals (mulberry32 via createRng). */
export function sample(rng: { next(): number; int(n: number): number }, n: number, options: { lo?: number; hi?: number; real?: boolean } = {}): number[] {
  const lo = options.lo ?? -5;
  const hi = options.hi ?? 5;
  return Array.from({ length: n }, () => (options.real ? lo + (hi - lo) * rng.next() : lo + rng.int(hi - lo + 1)));
}

/** |actual - expected| <= tol (NaN equals NaN). */
export function close(actual: number, expected: number, tol = 1e-9): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= tol;
}

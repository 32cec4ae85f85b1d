/**
 * scripts/bench_peers.py (the peer side of `npm run bench:peers`) on small seeded files: what it reports
 * for DEAP and Optuna is what paretonas computes on the same points (front size, the size of every front,
 * the hypervolume of the set and of the front to 1e-12 relative), so the bench's agreement column can be
 * trusted; --skip and --budget report a stopped operation instead of running it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pointSet, toCsv, type PointSetKind } from '../../lib/bench/pointsets.js';
import { hypervolume } from '../../lib/pareto/hypervolume.js';
import { nondominatedRanks, paretoFront } from '../../lib/pareto/sort.js';
import { ROOT } from '../helpers.js';
import { PYTHON, pythonHas } from '../helpers-python.js';

const HAVE_PEERS = pythonHas('deap.tools._hypervolume.hv, optuna, numpy');
if (!HAVE_PEERS) console.warn('python3-deap / python3-optuna are not installed: bench_peers.py checks skipped (npm run setup installs them)');

const dir = mkdtempSync(join(tmpdir(), 'paretonas-bench-peers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Timed {
  ms?: number;
  runs?: number;
  timeout?: number;
  skipped?: boolean;
}
type PeerReport = Record<string, Timed & { front?: number; fronts?: number[]; value?: number }> & { n: number; m: number };

function peers(files: string[], extra: string[] = []): PeerReport[] {
  const r = spawnSync(PYTHON, [`${ROOT}scripts/bench_peers.py`, '--budget', '20', ...extra, ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench_peers.py failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line) => JSON.parse(line) as PeerReport);
}

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

describe.skipIf(!HAVE_PEERS)('bench_peers.py (DEAP 1.3, Optuna 3.1) against paretonas on the same file', () => {
  const cases: [PointSetKind, number, number][] = [
    ['uniform', 2, 300],
    ['uniform', 4, 300],
    ['near-front', 3, 120],
    ['near-front', 4, 60],
  ];
  const sets = cases.map(([kind, m, n]) => {
    const points = pointSet(kind, n, m, 7 * n + m);
    const file = join(dir, `${kind}-${m}-${n}.csv`);
    writeFileSync(file, toCsv(points));
    return { kind, m, n, points, file };
  });

  it('reports the front sizes, the size of every front and the hypervolumes paretonas computes', () => {
    const reports = peers(
      sets.map((s) => s.file),
      ['--slow-sort-max', '100'],
    );
    expect(reports).toHaveLength(sets.length);
    sets.forEach(({ points, m, n }, k) => {
      const rep = reports[k] as PeerReport;
      expect([rep.n, rep.m]).toEqual([n, m]);
      const ref = new Array<number>(m).fill(1.1);
      const front = paretoFront(points);
      const frontPoints = front.map((i) => points[i] as number[]);
      const sizes: number[] = [];
      for (const r of nondominatedRanks(points)) sizes[r] = (sizes[r] ?? 0) + 1;
      expect(rep.deapLogFront?.front).toBe(front.length);
      expect(rep.optunaFront?.front).toBe(front.length);
      expect(rep.deapLogRanks?.fronts).toEqual(sizes);
      // the slow sort runs only up to --slow-sort-max points
      expect(rep.deapSlowFront?.front).toBe(n <= 100 ? front.length : undefined);
      expect(relErr(rep.deapHvSet?.value as number, hypervolume(points, ref))).toBeLessThan(1e-12);
      expect(relErr(rep.deapHvFront?.value as number, hypervolume(frontPoints, ref))).toBeLessThan(1e-12);
      expect(relErr(rep.optunaHvFront?.value as number, hypervolume(frontPoints, ref))).toBeLessThan(1e-12);
      for (const key of ['deapLogFront', 'deapLogRanks', 'deapHvSet', 'deapHvFront', 'optunaFront', 'optunaHvFront']) {
        expect(rep[key]?.runs).toBe(3);
        expect(rep[key]?.ms).toBeGreaterThan(0);
      }
    });
  });

  it('reports an operation as stopped when it is skipped or outlasts the budget', () => {
    const big = pointSet('near-front', 1_500, 4, 1);
    const file = join(dir, 'near-front-4-1500.csv');
    writeFileSync(file, toCsv(big));
    // Optuna's O(N^2) Python front of 1,500 near-front 4-D points takes tens of seconds: a 2 s budget stops it
    const [rep] = peers([file], ['--budget', '2', '--skip', 'optunaHvFront,deapHvSet']);
    expect(rep?.optunaFront).toEqual({ timeout: 2 });
    expect(rep?.optunaHvFront).toEqual({ skipped: true });
    expect(rep?.deapHvSet).toEqual({ skipped: true });
    expect(rep?.deapLogFront?.front).toBe(paretoFront(big).length);
  });
});

describe('npm run bench:peers refuses bad flags before running anything (one line on stderr, exit 2)', () => {
  const BUDGET = 'allowed: a positive finite decimal number of seconds (e.g. 5, 0.5 or 2e1; no hex, 0, Infinity or 1e400)';
  const USAGE = 'allowed: --quick | --full, --markdown, --budget SECONDS (or --budget=SECONDS)';
  const cases: [string[], string][] = [
    [['--bogus'], `bench:peers "--bogus": an unknown flag or argument; ${USAGE}`],
    [['--quick', 'extra'], `bench:peers "extra": an unknown flag or argument; ${USAGE}`],
    [['x\u001b[2J'], `bench:peers "x\\u001b[2J": an unknown flag or argument; ${USAGE}`],
    [['--budget=abc'], `bench:peers --budget: got "abc"; ${BUDGET}`],
    [['--budget', '0x1'], `bench:peers --budget: got "0x1"; ${BUDGET}`],
    [['--budget', '1e400'], `bench:peers --budget: got "1e400"; ${BUDGET}`],
    [['--budget', '1e-400'], `bench:peers --budget: got "1e-400"; ${BUDGET}`],
    [['--budget', '0'], `bench:peers --budget: got "0"; ${BUDGET}`],
    [['--budget', '-5'], `bench:peers --budget: got "-5"; ${BUDGET}`],
    [['--budget', 'Infinity'], `bench:peers --budget: got "Infinity"; ${BUDGET}`],
    [['--budget', ' 5'], `bench:peers --budget: got " 5"; ${BUDGET}`],
    [['--budget='], `bench:peers --budget: got ""; ${BUDGET}`],
    [['--budget'], `bench:peers --budget: got nothing; ${BUDGET}`],
    [['--budget', '--quick'], `bench:peers --budget: got "--quick"; ${BUDGET}`],
    [['--budget', '5', '--budget=6'], `bench:peers --budget: given twice; ${USAGE}`],
    [['--quick', '--full'], 'bench:peers --quick --full: contradictory (--quick runs fewer sets, --full more); give one of them'],
    [['--full', '--markdown', '--quick'], 'bench:peers --quick --full: contradictory (--quick runs fewer sets, --full more); give one of them'],
  ];
  it(`${cases.length} refused command lines, each its exact line`, () => {
    for (const [args, line] of cases) {
      const r = spawnSync(process.execPath, [`${ROOT}scripts/bench-peers.mjs`, ...args], { encoding: 'utf8', timeout: 30_000 });
      expect({ args, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, status: 2, stdout: '', stderr: `${line}\n` });
    }
  });
});

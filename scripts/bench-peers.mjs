#!/usr/bin/env node
// npm run bench:peers: Optuna's and DEAP's Pareto functions (Debian python3-optuna, python3-deap)
// against paretonas on the same seeded point files, timed in the same run; prints the ratios.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { pointSet, toCsv } from '../dist/bench/pointsets.js';
import { nondominatedRanks, paretoFront } from '../dist/pareto/sort.js';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./bench_peers.py', import.meta.url));
const have = spawnSync(PYTHON, ['-c', 'import optuna, deap'], { encoding: 'utf8' });
if (have.status !== 0) {
  console.log('bench:peers needs Debian python3-optuna and python3-deap: apt-get install -y python3-optuna python3-deap');
  process.exit(0);
}
const quick = process.argv.includes('--quick');
const sets = [
  ['uniform', 3, 10_000],
  ['uniform', 2, 10_000],
  ['uniform', 4, 10_000],
  ['concave', 3, 1_000],
  ...(quick ? [] : [['concave', 2, 10_000]]),
];
const dir = mkdtempSync(`${tmpdir()}/paretonas-peers-`);
const ms = (fn) => {
  let runs = 0;
  const start = performance.now();
  do {
    fn();
    runs++;
  } while (performance.now() - start < 300 && runs < 100);
  return (performance.now() - start) / runs;
};
console.log('paretonas against its peers on the same point files (minimisation), one core');
for (const [kind, m, n] of sets) {
  const points = pointSet(kind, n, m, 7 * n + m);
  const file = `${dir}/${kind}-${m}-${n}.csv`;
  writeFileSync(file, toCsv(points));
  const r = spawnSync(PYTHON, [script, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.log(`${kind} m=${m} n=${n}: peer script failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    continue;
  }
  const peers = JSON.parse(r.stdout);
  const ourFront = ms(() => paretoFront(points));
  const ourSort = ms(() => nondominatedRanks(points));
  const front = paretoFront(points).length;
  const line = (label, peer, ours, peerFront) =>
    `  ${label.padEnd(44)} ${(peer * 1000).toFixed(1).padStart(10)} ms  ours ${ours.toFixed(3).padStart(8)} ms  ${(peer * 1000 / ours).toFixed(0).padStart(6)}x faster${peerFront !== undefined && peerFront !== front ? `  (front size differs: ${peerFront} vs ${front})` : ''}`;
  console.log(`${kind} m=${m} n=${n.toLocaleString('en-US')} (front ${front})`);
  if (peers.optuna?.seconds !== undefined) console.log(line(`Optuna ${peers.optuna.version} Pareto front`, peers.optuna.seconds, ourFront, peers.optuna.front));
  if (peers.deapFirstFront?.seconds !== undefined) console.log(line('DEAP sortNondominated(first_front_only)', peers.deapFirstFront.seconds, ourFront, peers.deapFirstFront.front));
  if (peers.deapSort?.seconds !== undefined) console.log(line(`DEAP ${peers.deapSort.version} sortNondominated (all fronts)`, peers.deapSort.seconds, ourSort));
}
console.log('targets: >= 20x Optuna and >= 5x DEAP sortNondominated on 10^4 points, 3 objectives (uniform row)');

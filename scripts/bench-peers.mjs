#!/usr/bin/env node
// npm run bench:peers [-- --quick | --full] [--markdown] [--budget SECONDS (a peer's Python call; 5, --full 60)]
// (unknown flags, a repeated flag, --quick with --full and a budget that is not a positive finite decimal are refused: one line, exit 2)
// DEAP 1.3's and Optuna 3.1's Pareto fronts, non-dominated sort and hypervolume (Debian python3-deap,
// python3-optuna; scripts/bench_peers.py) against paretonas (dist/, so build first) on the same seeded
// point files in the same run. Each time is the median of 3 samples of computation only (objects built
// before the clock; ours after >= 100 ms of warm-up calls; a sample loops the call until it lasts >= 20 ms;
// a call over 5 s is timed once).
// Prints one row per set and operation: peer time, ours, peer / ours, and whether the results agree
// (front sizes, the size of every front, hypervolumes to 1e-9 relative); a disagreement is marked MISMATCH.
// Default sets: uniform and near-front, m = 2, 3, 4 at n = 10^3 and 10^4, m = 5 at 10^3, and a 131-point
// 4-D front (the front of 4,500 uniform points): a few minutes. --full adds n = 10^5 (m = 2..4) and
// m = 5 at 10^4 (long); --quick runs m = 2..4 at n = 10^3 and the small front only. Exits 0 with one line when the peers are missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const USAGE = 'allowed: --quick | --full, --markdown, --budget SECONDS (or --budget=SECONDS)';
/** A usage error: one line on stderr, exit 2 (nothing was run). */
function refuse(line) {
  console.error(`bench:peers ${line}`);
  process.exit(2);
}
/** A positive finite decimal number of seconds ("5", "0.5", "2e1"); hex, NaN, Infinity, 1e400 and 0 refused. */
const SECONDS = /^\+?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const args = process.argv.slice(2);
const seen = new Set();
let budgetText;
for (let k = 0; k < args.length; k++) {
  const arg = args[k];
  const eq = arg.startsWith('--budget=') ? arg.indexOf('=') : -1;
  const name = eq >= 0 ? '--budget' : arg;
  if (!['--quick', '--full', '--markdown', '--budget'].includes(name)) refuse(`${JSON.stringify(arg).replace(/[\u007f-\u009f]/g, '?')}: an unknown flag or argument; ${USAGE}`);
  if (seen.has(name)) refuse(`${name}: given twice; ${USAGE}`);
  seen.add(name);
  if (name === '--budget') budgetText = eq >= 0 ? arg.slice(eq + 1) : args[++k];
}
if (seen.has('--quick') && seen.has('--full')) refuse('--quick --full: contradictory (--quick runs fewer sets, --full more); give one of them');
const quick = seen.has('--quick');
const full = seen.has('--full');
const markdown = seen.has('--markdown');
let budget = full ? 60 : 5; // a peer's Python call, seconds
if (seen.has('--budget')) {
  budget = budgetText !== undefined && SECONDS.test(budgetText) ? Number(budgetText) : NaN;
  if (!(budget > 0 && Number.isFinite(budget))) {
    refuse(`--budget: got ${budgetText === undefined ? 'nothing' : JSON.stringify(budgetText)}; allowed: a positive finite decimal number of seconds (e.g. 5, 0.5 or 2e1; no hex, 0, Infinity or 1e400)`);
  }
}
const cBudget = Math.max(budget, full ? 600 : 120); // DEAP's C hypervolume (run in a child that is killed)

let lib;
try {
  lib = {
    ...(await import('../dist/bench/pointsets.js')),
    ...(await import('../dist/pareto/sort.js')),
    ...(await import('../dist/pareto/hypervolume.js')),
  };
} catch (e) {
  console.log(`bench:peers needs the build in dist/ (npm run build): ${String(e.message ?? e).split('\n')[0]}`);
  process.exit(1);
}
const { pointSet, toCsv, paretoFront, nondominatedRanks, hypervolume } = lib;

const have = spawnSync(PYTHON, ['-c', 'import optuna, deap, numpy; from deap.tools._hypervolume import hv'], { encoding: 'utf8' });
if (have.status !== 0) {
  console.log(`bench:peers skipped: it needs Debian's ${PYTHON} with python3-deap, python3-optuna and numpy (npm run setup installs them)`);
  process.exit(0);
}

/**
 * Median of 3 samples (ms per call) of fn, after >= 100 ms of warm-up calls (V8 optimises the code first;
 * Python has no JIT); a sample loops fn until it lasts >= 20 ms; a first call over 5 s is the only one.
 */
function measure(fn) {
  let t0 = performance.now();
  const result = fn();
  const first = performance.now() - t0;
  if (first > 5000) return { ms: first, runs: 1, result };
  let perCall = first;
  if (first < 100) {
    let calls = 0;
    t0 = performance.now();
    do {
      fn();
      calls++;
    } while (performance.now() - t0 < 100);
    perCall = (performance.now() - t0) / calls;
  }
  const loops = perCall >= 20 ? 1 : Math.min(100_000, Math.ceil(20 / Math.max(perCall, 1e-4)));
  const samples = first >= 1000 ? [first] : [];
  while (samples.length < 3) {
    t0 = performance.now();
    for (let i = 0; i < loops; i++) fn();
    samples.push((performance.now() - t0) / loops);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[1], runs: 3, result };
}

/** Runs every operation on small sets of every kind and m once, so no row pays for compiling shared code. */
function warmUp() {
  for (const kind of ['uniform', 'near-front']) {
    for (const m of [2, 3, 4, 5]) {
      const points = pointSet(kind, 300, m, m);
      const ref = new Array(m).fill(1.1);
      for (let i = 0; i < 20; i++) {
        paretoFront(points);
        nondominatedRanks(points);
        hypervolume(points, ref);
      }
    }
  }
}

const sizesOfRanks = (ranks) => {
  const sizes = [];
  for (const r of ranks) sizes[r] = (sizes[r] ?? 0) + 1;
  return Array.from(sizes, (s) => s ?? 0);
};
const sameHv = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : ms >= 0.1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`);
const fmtRatio = (r) => (r >= 10 ? `${r.toFixed(0)}x` : r >= 1 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`);

// [label, kind, m, n, frontOnly]: frontOnly = the file holds only the front of the set
const sets = [];
for (const n of quick ? [1_000] : full ? [1_000, 10_000, 100_000] : [1_000, 10_000]) {
  for (const kind of ['uniform', 'near-front']) {
    for (const m of quick ? [2, 3, 4] : [2, 3, 4, 5]) {
      if (m === 5 && n > (full ? 10_000 : 1_000)) continue;
      sets.push([`${kind} m=${m} n=${n.toLocaleString('en-US')}`, kind, m, n, false]);
    }
  }
}
sets.unshift(['front', 'uniform', 4, 4_500, true]); // the front of 4,500 uniform points: 131 points

/** Peer operations stopped at the budget on a smaller set of the same kind and m: not run again on larger ones. */
const timedOut = new Set();

const dir = mkdtempSync(`${tmpdir()}/paretonas-peers-`);
const rows = [];
let mismatches = 0;
let versions = {};
const started = performance.now();
warmUp();
const header = ['set', 'operation (input)', 'peer', 'peer time', 'ours', 'peer / ours', 'results'];
const widths = [24, 23, 42, 10, 10, 11, 0];
const printRow = (cells) => {
  if (markdown) console.log(`| ${cells.join(' | ')} |`);
  else console.log(cells.map((c, i) => (i >= 3 && i <= 5 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(' ').trimEnd());
};

for (const [label, kind, m, n, frontOnly] of sets) {
  let points = pointSet(kind, n, m, 7 * n + m);
  if (frontOnly) points = paretoFront(points).map((i) => points[i]);
  const setLabel = frontOnly ? `${points.length}-point front, m=${m}` : label;
  const file = `${dir}/${kind}-${m}-${n}${frontOnly ? '-front' : ''}.csv`;
  writeFileSync(file, toCsv(points));
  const skip = [...timedOut].filter((k) => k.startsWith(`${kind}/${m}/`)).map((k) => k.split('/')[2]);
  const r = spawnSync(PYTHON, [fileURLToPath(new URL('./bench_peers.py', import.meta.url)), '--budget', String(budget), '--c-budget', String(cBudget), '--slow-sort-max', '1000', '--skip', skip.join(',') || '-', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) {
    console.log(`${setLabel}: peer script failed: ${r.stderr.trim().split('\n').slice(-1)[0]}`);
    mismatches++;
    continue;
  }
  const peers = JSON.parse(r.stdout.trim().split('\n').pop());
  versions = peers.versions;
  if (rows.length === 0) {
    const cpu = cpus();
    console.log(`paretonas against DEAP ${versions.deap} and Optuna ${versions.optuna} (Python ${versions.python}, numpy ${versions.numpy}) on the same seeded files, minimisation, reference point 1.1 in every objective`);
    console.log(`machine: ${cpu[0]?.model.trim()}, ${cpu.length} cores; Node ${process.version}; times are medians of 3, computation only; peer / ours > 1 means paretonas is faster`);
    console.log("DEAP's hv.hypervolume is called on a Python list of lists: its time includes DEAP's conversion of the list to a C array (ours includes validating and packing the JS arrays)");
    if (markdown) console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
    else printRow(header);
  }
  const ref = new Array(m).fill(1.1);
  const front = measure(() => paretoFront(points));
  const frontPoints = front.result.map((i) => points[i]);
  const ops = [
    ['front', 'deapLogFront', 'DEAP sortLogNondominated(first_front_only)', () => front, (p, o) => (p.front === o.length ? 'same front size' : `front ${p.front} vs ours ${o.length}`), (p, o) => p.front === o.length],
    ['ranks (all fronts)', 'deapLogRanks', 'DEAP sortLogNondominated (all fronts)', () => measure(() => nondominatedRanks(points)), (p, o) => { const s = sizesOfRanks(o); return JSON.stringify(p.fronts) === JSON.stringify(s) ? `same ${s.length} front sizes` : `front sizes ${JSON.stringify(p.fronts).slice(0, 40)} vs ours ${JSON.stringify(s).slice(0, 40)}`; }, (p, o) => JSON.stringify(p.fronts) === JSON.stringify(sizesOfRanks(o))],
    ['front', 'deapSlowFront', 'DEAP sortNondominated(first_front_only)', () => front, (p, o) => (p.front === o.length ? 'same front size' : `front ${p.front} vs ours ${o.length}`), (p, o) => p.front === o.length],
    ['front', 'optunaFront', `Optuna ${versions.optuna} Pareto front (best_trials)`, () => front, (p, o) => (p.front === o.length ? 'same front size' : `front ${p.front} vs ours ${o.length}`), (p, o) => p.front === o.length],
    ['hypervolume (whole set)', 'deapHvSet', 'DEAP C hv.hypervolume (list in)', () => measure(() => hypervolume(points, ref)), (p, o) => (sameHv(p.value, o) ? 'same hypervolume' : `hv ${p.value} vs ours ${o}`), (p, o) => sameHv(p.value, o)],
    ['hypervolume (front)', 'deapHvFront', 'DEAP C hv.hypervolume (list in)', () => measure(() => hypervolume(frontPoints, ref)), (p, o) => (sameHv(p.value, o) ? 'same hypervolume' : `hv ${p.value} vs ours ${o}`), (p, o) => sameHv(p.value, o)],
    ['hypervolume (front)', 'optunaHvFront', `Optuna ${versions.optuna} WFG().compute`, () => measure(() => hypervolume(frontPoints, ref)), (p, o) => (sameHv(p.value, o) ? 'same hypervolume' : `hv ${p.value} vs ours ${o}`), (p, o) => sameHv(p.value, o)],
  ];
  const ours = new Map();
  for (const [op, key, peerName, oursFn, describe, agrees] of ops) {
    const peer = peers[key];
    if (peer === undefined) continue;
    if (frontOnly && key === 'deapHvSet') continue; // the set is its front: the (front) rows say it
    if (peer.missing) {
      printRow([setLabel, op, peerName, 'missing', '', '', peer.missing]);
      continue;
    }
    // the same measurement of ours serves every peer of an operation (input)
    const o = ours.get(op) ?? oursFn();
    ours.set(op, o);
    const oursCell = `${fmtMs(o.ms)}${o.runs === 1 ? '¹' : ''}`;
    if (peer.skipped) {
      printRow([setLabel, op, peerName, 'not run', oursCell, '', 'not run: stopped at the budget on a smaller set']);
      continue;
    }
    if (peer.timeout) {
      if (!frontOnly) timedOut.add(`${kind}/${m}/${key}`);
      printRow([setLabel, op, peerName, `> ${peer.timeout} s`, oursCell, `> ${fmtRatio((peer.timeout * 1000) / o.ms)}`, 'stopped at the budget (not checked)']);
      rows.push({ setLabel, op, peerName, ratio: Infinity });
      continue;
    }
    const ok = agrees(peer, o.result);
    if (!ok) mismatches++;
    printRow([setLabel, op, peerName, `${fmtMs(peer.ms)}${peer.runs === 1 ? '¹' : ''}`, oursCell, fmtRatio(peer.ms / o.ms), ok ? describe(peer, o.result) : `MISMATCH: ${describe(peer, o.result)}`]);
    rows.push({ setLabel, op, peerName, ratio: peer.ms / o.ms });
  }
}
rmSync(dir, { recursive: true, force: true });
if (rows.length > 0) printSummary();
if (rows.length > 0) {
  console.log(`¹ timed once (a call over 5 s); "> t s": the peer was stopped after t s (--budget ${budget} s for Python code, ${cBudget} s for DEAP's C hypervolume)`);
  console.log(`whole run ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
if (mismatches > 0) {
  console.log(`MISMATCH: ${mismatches} result(s) above disagree with the peer (or the peer script failed)`);
  process.exit(1);
}
if (rows.length > 0) console.log('every checked result agrees with the peer');

/** The issue-18 view: one line a set, peer time / ours against DEAP for the front, the ranks and the C hypervolume. */
function printSummary() {
  const columns = [
    ['front', 'DEAP sortLogNondominated(first_front_only)', 'front vs DEAP sortLogNondominated'],
    ['ranks (all fronts)', 'DEAP sortLogNondominated (all fronts)', 'ranks vs DEAP sortLogNondominated'],
    ['hypervolume (whole set)', 'DEAP C hv.hypervolume (list in)', 'hypervolume (whole set) vs DEAP C hv'],
    ['hypervolume (front)', 'DEAP C hv.hypervolume (list in)', 'hypervolume (front) vs DEAP C hv'],
  ];
  const cell = (label, op, peer) => {
    const r = rows.find((x) => x.setLabel === label && x.op === op && x.peerName === peer);
    return r === undefined ? '' : Number.isFinite(r.ratio) ? fmtRatio(r.ratio) : 'peer stopped';
  };
  const labels = [...new Set(rows.map((r) => r.setLabel))];
  const head = ['set (peer time / ours)', ...columns.map((c) => c[2])];
  console.log('\nsummary: peer time / ours (targets at n <= 10^4: front and ranks >= 10x, hypervolume >= 1x)');
  if (markdown) console.log(`\n| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  else console.log(head.map((h, i) => (i === 0 ? h.padEnd(26) : h.padStart(h.length))).join('  '));
  for (const label of labels) {
    const cells = [label, ...columns.map(([op, peer]) => cell(label, op, peer))];
    if (markdown) console.log(`| ${cells.join(' | ')} |`);
    else console.log(cells.map((c, i) => (i === 0 ? c.padEnd(26) : c.padStart(head[i].length))).join('  '));
  }
}

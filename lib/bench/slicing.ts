/**
 * node dist/bench/slicing.js: optimal architectural slicing (LAMDA Algorithm 1) on seeded
 * chain-like graphs of 10^3, 10^4 and 10^5 operators. Times the published O(N^2) dynamic
 * program (`sliceOptimal`) against the O(N + E) sliding-window version (`sliceOptimalFast`),
 * both measured in this run; the O(N^2) one is skipped at a size where its time, extrapolated by
 * N^2 from the previous size, would exceed 20 s.
 */
import { type Edge, sliceNaive, sliceOptimal, sliceOptimalFast } from '../lamda/slice.js';
import { createRng } from '../rng.js';
import { fmt, time } from './timing.js';


/**
 * A ResNet/Inception-like operator sequence: 15-60 tokens per operator line, a chain edge into
 * almost every operator, a residual skip closing every block of 3-6 operators and, now and then,
 * a 3-way branch that a concat joins.
 */
function chainLikeModel(n: number, seed: number): { tokens: number[]; edges: Edge[] } {
  const rng = createRng(seed);
  const tokens = Array.from({ length: n }, () => 15 + rng.int(46));
  const edges: Edge[] = [];
  let blockStart = 0;
  let blockLength = 3 + rng.int(4);
  for (let c = 1; c < n; c++) {
    edges.push([c - 1, c]);
    if (c - blockStart === blockLength) {
      edges.push([blockStart, c]); // residual add
      if (rng.next() < 0.2 && c >= 3) edges.push([c - 3, c], [c - 2, c]); // concat of branches
      blockStart = c;
      blockLength = 3 + rng.int(4);
    }
  }
  return { tokens, edges };
}

const T_MAX = 2048;
const LIMIT_MS = 20_000;
console.log(`paretonas slicing benchmark (one core, tMax = ${T_MAX} tokens): time per call; "speed-up" = published O(N^2) DP / O(N) sliding window, same run`);
console.log(
  `${'operators'.padStart(9)} ${'edges'.padStart(8)} ${'slices'.padStart(7)} ${'cut (opt)'.padStart(10)} ${'cut (naive)'.padStart(12)} ${'O(N^2) DP'.padStart(11)} ${'O(N) window'.padStart(12)} ${'speed-up'.padStart(9)}`,
);
// Warm the JIT on a small model so the first row times optimised code.
const warm = chainLikeModel(2_000, 1);
for (let k = 0; k < 5; k++) {
  sliceOptimal(warm.tokens, warm.edges, T_MAX);
  sliceOptimalFast(warm.tokens, warm.edges, T_MAX);
}
let previous: { n: number; ms: number } | undefined;
for (const n of [1_000, 10_000, 100_000]) {
  const { tokens, edges } = chainLikeModel(n, n);
  const fast = time(() => sliceOptimalFast(tokens, edges, T_MAX));
  const naive = sliceNaive(tokens, edges, T_MAX);
  const predicted = previous ? previous.ms * (n / previous.n) ** 2 : 0;
  let quadratic = '';
  let speedUp = '';
  if (predicted > LIMIT_MS) {
    quadratic = `skipped*`;
    speedUp = `~${(predicted / fast.ms).toFixed(0)}x*`;
    console.log(`* O(N^2) DP not run at N = ${n.toLocaleString('en-US')}: ${fmt(previous?.ms ?? 0)} at N = ${previous?.n.toLocaleString('en-US')} scaled by N^2 predicts ${fmt(predicted)} (> 20 s)`);
  } else {
    const slow = time(() => sliceOptimal(tokens, edges, T_MAX), 0);
    if (slow.result.cutEdges !== fast.result.cutEdges || slow.result.boundaries.join() !== fast.result.boundaries.join()) {
      throw new Error(`N = ${n}: the two algorithms disagree (${slow.result.cutEdges} vs ${fast.result.cutEdges} cut edges)`);
    }
    quadratic = fmt(slow.ms);
    speedUp = `${(slow.ms / fast.ms).toFixed(0)}x`;
    previous = { n, ms: slow.ms };
  }
  console.log(
    `${n.toLocaleString('en-US').padStart(9)} ${edges.length.toLocaleString('en-US').padStart(8)} ${String(fast.result.slices.length).padStart(7)} ${String(fast.result.cutEdges).padStart(10)} ${String(naive.cutEdges).padStart(12)} ${quadratic.padStart(11)} ${fmt(fast.ms).padStart(12)} ${speedUp.padStart(9)}`,
  );
}

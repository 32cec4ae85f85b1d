/**
 * npm run bench (second part): the Pareto front, the non-dominated sort and the hypervolume of the front
 * on seeded point sets (uniform and near-front, m = 2..4 at 10^3..10^5 points, m = 5 at 10^3 and 10^4),
 * with the O(N^2) pairwise filter measured in the same run as the baseline. Times are means per call
 * (lib/bench/timing.ts); the peers (DEAP, Optuna) are in `npm run bench:peers`.
 */
import { hypervolume } from '../pareto/hypervolume.js';
import { nondominatedRanks, paretoFront, paretoFrontNaive } from '../pareto/sort.js';
import { POINT_SET_KINDS, pointSet } from './pointsets.js';
import { fmt, time } from './timing.js';

/** Largest set the pairwise baseline runs on in full; above it, it runs on a subset and scales by N^2. */
const NAIVE_FULL = 20_000;
/** Largest front whose 5-objective hypervolume (WFG, exponential in m) is timed. */
const HV_M5_MAX_FRONT = 2_000;

const SIZES: Record<number, number[]> = { 2: [1_000, 10_000, 100_000], 3: [1_000, 10_000, 100_000], 4: [1_000, 10_000, 100_000], 5: [1_000, 10_000] };

console.log('paretonas Pareto benchmark (one core): times per call; "x" = speed-up over the O(N^2) pairwise filter in this run');
console.log(`${'set'.padEnd(25)} ${'front'.padStart(8)} ${'front time'.padStart(11)} ${'pairwise'.padStart(12)} ${'speed-up'.padStart(9)} ${'sort (ranks)'.padStart(13)} ${'hypervolume'.padStart(12)}`);
for (const kind of POINT_SET_KINDS) {
  for (const m of [2, 3, 4, 5]) {
    for (const n of SIZES[m] ?? []) {
      const points = pointSet(kind, n, m, 1000 * m + n);
      const front = time(() => paretoFront(points));
      const sample = n > NAIVE_FULL ? points.slice(0, NAIVE_FULL) : points;
      const naive = time(() => paretoFrontNaive(sample), 100);
      const naiveMs = naive.ms * (n / sample.length) ** 2;
      const sort = time(() => nondominatedRanks(points), 100);
      const frontPoints = front.result.map((i) => points[i] as number[]);
      const ref = new Array<number>(m).fill(1.1);
      const hv = m < 5 || frontPoints.length <= HV_M5_MAX_FRONT ? time(() => hypervolume(frontPoints, ref), 100) : undefined;
      console.log(
        `${`${kind} m=${m} n=${n.toLocaleString('en-US')}`.padEnd(25)} ${String(frontPoints.length).padStart(8)} ${fmt(front.ms).padStart(11)} ${`${fmt(naiveMs)}${n > NAIVE_FULL ? '*' : ''}`.padStart(12)} ${`${(naiveMs / front.ms).toFixed(0)}x`.padStart(9)} ${fmt(sort.ms).padStart(13)} ${(hv ? fmt(hv.ms) : 'not timed†').padStart(12)}`,
      );
    }
  }
}
console.log(`* pairwise filter run on the first ${NAIVE_FULL.toLocaleString('en-US')} points and scaled by (N / ${NAIVE_FULL.toLocaleString('en-US')})^2`);
console.log(`† the exact 5-objective hypervolume (WFG) of a front above ${HV_M5_MAX_FRONT.toLocaleString('en-US')} points is not timed here`);

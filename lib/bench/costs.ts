/**
 * npm run bench: cost evaluations per second of random candidates, graph path (lower to a Graph,
 * then estimate) against the fast path (closed form memoised per stage), measured in one run.
 */
import { graphTotals } from '../cost/estimate.js';
import { createFastEvaluator } from '../cost/fast.js';
import { lowerBlockNet } from '../graph/lower-blocks.js';
import { createRng } from '../rng.js';
import { resolveSpace } from '../space/builtin.js';
import type { Candidate } from '../space/candidate.js';
import { sampleCandidates } from '../space/sample.js';

function rate(label: string, candidates: readonly Candidate[], evaluate: (c: Candidate) => number, minMs = 1500): number {
  let n = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (const c of candidates) sink += evaluate(c);
    n += candidates.length;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  const perSecond = (n / elapsed) * 1000;
  console.log(`${label.padEnd(44)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} candidates/s  (${n.toLocaleString('en-US')} in ${(elapsed / 1000).toFixed(2)} s${sink < 0 ? '!' : ''})`);
  return perSecond;
}

const space = resolveSpace();
const candidates = sampleCandidates(space, createRng(42), 20_000);
const options = { model: 'mcunet' as const };
console.log(`paretonas cost benchmark: ${space.name}, ${candidates.length.toLocaleString('en-US')} seeded random candidates, SRAM model ${options.model}, one core`);

const graph = rate('graph path (lower + MACs/params/flash/SRAM)', candidates.slice(0, 5000), (c) => graphTotals(lowerBlockNet(c), options).macs);
const cold = createFastEvaluator(space, options);
const fastCold = rate('fast path, first pass (memo filling)', candidates, (c) => cold(c).macs, 0);
const fastWarm = rate('fast path, memo warm', candidates, (c) => cold(c).macs);

console.log('');
console.log(`fast (warm) / graph = ${(fastWarm / graph).toFixed(1)}x   fast (first pass) / graph = ${(fastCold / graph).toFixed(1)}x`);
console.log(`aims: fast path > 1,000,000/s (${fastWarm > 1e6 ? 'met' : 'NOT met'}), graph path > 20,000/s (${graph > 2e4 ? 'met' : 'NOT met'})`);

/**
 * npm run bench: cost evaluations per second of random candidates, graph path (lower to a Graph,
 * then estimate) against the fast path (closed form memoised per stage), measured in one run; then
 * validation (lower, estimate, check every limit) with the paper's two limits against all limits on.
 */
import { NoveltyIndex } from '../campaign/novelty.js';
import { validateProposal, type ValidationSettings, type ValidationState } from '../campaign/validate.js';
import { graphTotals } from '../cost/estimate.js';
import { loadDevice } from '../device/profile.js';
import { createLatencyEstimator } from '../latency/select.js';
import { createFastEvaluator } from '../space/fast-cost.js';
import { lowerBlockNet } from '../space/lower-blocks.js';
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

// Validation throughput (issue 15): the paper's two limits against every limit on, one run.
const validationSet = candidates.slice(0, 3000);
const validationRate = (label: string, settings: ValidationSettings) => {
  const state = (): ValidationState => ({ seen: new Map(), novelty: new NoveltyIndex() });
  return rate(label, validationSet, (c) => (validateProposal(c, settings, state()).ok ? 1 : 0));
};
const open = { space, limits: [{ name: 'macs', min: 0, max: 1e12 }, { name: 'peakSramBytes', max: 1e12 }], sramModel: 'mcunet' as const };
const paperFirst = validationRate('validation, paper limits (MACs, SRAM) passed', open);
const predictor = await createLatencyEstimator('predictor', { onNote: () => {} });
const cortexM = await createLatencyEstimator('cortex-m', { device: loadDevice('stm32f746') });
const allOpen = [...open.limits, { name: 'flashBytes', max: 1e12 }, { name: 'params', max: 1e12 }, { name: 'latencyMs', max: 1e12 }];
const allPredictor = validationRate('validation, + flash, params, latency (predictor)', { ...open, limits: allOpen, latency: predictor });
const allCortexM = validationRate('validation, + flash, params, latency (Cortex-M)', { ...open, limits: allOpen, latency: cortexM });
// Measured again after the others (JIT warm-up favours later runs): the baseline is the faster of the two.
const paper = Math.max(paperFirst, validationRate('validation, paper limits, again', open));
console.log('');
console.log(`all limits / paper limits = ${(allPredictor / paper).toFixed(2)}x (predictor), ${(allCortexM / paper).toFixed(2)}x (Cortex-M)   aim: >= 0.50x (${Math.min(allPredictor, allCortexM) / paper >= 0.5 ? 'met' : 'NOT met'})`);

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationInput, Evaluator } from '../../lib/evaluate/types.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { canonicalKey } from '../../lib/space/key.js';
import { sampleCandidate } from '../../lib/space/sample.js';

export interface EvaluatorContractOptions {
  /** Same input, same metrics (default true). */
  deterministic?: boolean;
  /** Input resolution of the sampled candidates (default 32; the space's own is 160). */
  resolution?: number;
  /** Sampling seeds, one candidate each (default [1, 2, 3]). */
  seeds?: readonly number[];
}

/** Seeded candidates of the default space, lowered at a small resolution so evaluation is quick. */
export function sampledInputs(seeds: readonly number[] = [1, 2, 3], resolution = 32, seed = 7): EvaluationInput[] {
  const space = resolveSpace();
  return seeds.map((s) => {
    const candidate = sampleCandidate(space, createRng(s));
    const graph = lowerBlockNet(candidate, { resolution, classes: space.classes, name: `sample${s}` });
    return { candidate, key: canonicalKey(candidate), graph, space, seed };
  });
}

/** What every Evaluator must do; each implementation runs this suite. */
export function evaluatorContract(name: string, make: () => Evaluator, options: EvaluatorContractOptions = {}): void {
  describe(`Evaluator contract: ${name}`, () => {
    const inputs = sampledInputs(options.seeds, options.resolution ?? 32);
    let evaluator: Evaluator;
    beforeAll(() => {
      evaluator = make();
    });
    afterAll(async () => {
      await evaluator.close?.();
    });

    it('names itself and its metrics', () => {
      expect(evaluator.name.length).toBeGreaterThan(0);
      expect(evaluator.metrics.length).toBeGreaterThan(0);
      expect(new Set(evaluator.metrics).size).toBe(evaluator.metrics.length);
    });

    it('returns every declared metric as a finite number, and seconds >= 0', async () => {
      for (const input of inputs) {
        const e = await evaluator.evaluate(input);
        for (const m of evaluator.metrics) {
          expect(typeof e.metrics[m], `${input.key}: ${m}`).toBe('number');
          expect(Number.isFinite(e.metrics[m]), `${input.key}: ${m} = ${e.metrics[m]}`).toBe(true);
        }
        for (const [m, v] of Object.entries(e.metrics)) expect(Number.isFinite(v), `${m} = ${v}`).toBe(true);
        expect(e.seconds).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(e.seconds)).toBe(true);
      }
    });

    if (options.deterministic ?? true) {
      it('gives the same metrics for the same input twice', async () => {
        for (const input of inputs) {
          const a = await evaluator.evaluate(input);
          const b = await evaluator.evaluate(input);
          expect(b.metrics).toEqual(a.metrics);
        }
      });
    }
  });
}

import { describe, expect, it } from 'vitest';
import { createRng } from '../../lib/rng.js';
import { holm } from '../../lib/stats/multiple-testing.js';

/** Holm's step-down procedure at level alpha (Holm 1979): the set it rejects, straight from the definition. */
function holmRejects(p: number[], alpha: number): boolean[] {
  const order = p.map((_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number));
  const rejected = p.map(() => false);
  for (let j = 0; j < order.length; j++) {
    if ((p[order[j] as number] as number) > alpha / (p.length - j)) break;
    rejected[order[j] as number] = true;
  }
  return rejected;
}

describe('Holm-Bonferroni adjusted p-values', () => {
  it('by hand: 0.01 0.04 0.03 0.005 -> 0.03 0.06 0.06 0.02; capped at 1; empty', () => {
    // sorted 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> 0.06 (monotone)
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 15));
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
    expect(holm([0.2])).toEqual([0.2]);
    expect(holm([])).toEqual([]);
  });
  it('adjusted p <= alpha exactly when the step-down procedure rejects at alpha (random p-values, many alphas)', () => {
    const rng = createRng(8);
    for (let t = 0; t < 300; t++) {
      const p = Array.from({ length: 1 + rng.int(8) }, () => (rng.next() < 0.3 ? rng.next() * 0.02 : rng.next()));
      const adjusted = holm(p);
      for (const alpha of [0.001, 0.01, 0.05, 0.1, 0.2]) expect(adjusted.map((a) => a <= alpha)).toEqual(holmRejects(p, alpha));
    }
  });
  it('a p outside [0, 1] or NaN is an input error naming its index', () => {
    expect(() => holm([0.1, 1.5])).toThrow(/^p\[1\]: got 1.5; allowed: a p-value in \[0, 1\]$/);
    expect(() => holm([Number.NaN])).toThrow(/^p\[0\]: got NaN/);
  });
});

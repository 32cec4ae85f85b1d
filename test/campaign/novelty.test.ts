import { describe, expect, it } from 'vitest';
import { blockTokens, exactJaccard, NoveltyIndex } from '../../lib/campaign/novelty.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { mutateCandidate, sampleCandidate } from '../../lib/space/sample.js';

describe('MinHash novelty', () => {
  it('estimates Jaccard similarity: identical is 1; the error has the binomial spread of 128 hashes', () => {
    const space = resolveSpace();
    const rng = createRng(3);
    const index = new NoveltyIndex(128);
    const errors: number[] = [];
    for (let t = 0; t < 300; t++) {
      const a = sampleCandidate(space, rng);
      let b = a;
      for (let k = rng.int(12); k > 0; k--) b = mutateCandidate(space, b, rng).candidate;
      const ta = blockTokens(a);
      const tb = blockTokens(b);
      const est = NoveltyIndex.similarity(index.signature(ta), index.signature(tb));
      errors.push(Math.abs(est - exactJaccard(ta, tb)));
      if (t === 0) expect(NoveltyIndex.similarity(index.signature(ta), index.signature(ta))).toBe(1);
    }
    // sd of the estimate <= sqrt(0.25 / 128) = 0.044
    expect(errors.reduce((s, e) => s + e, 0) / errors.length).toBeLessThan(0.05);
    expect(Math.max(...errors)).toBeLessThan(0.2);
  });
  it('by hand: 50 tokens, two fields of one stage changed: Jaccard 48 / 52', () => {
    const space = resolveSpace();
    const a = sampleCandidate(space, createRng(1));
    const b = { ...a, blocks: a.blocks.map((blk, i) => (i === 0 ? { ...blk, output_channels: blk.output_channels === 16 ? 24 : 16, kernel_size: blk.kernel_size === 3 ? 5 : 3 } : blk)) };
    // 2 of 50 tokens differ: intersection 48, union 52
    expect(exactJaccard(blockTokens(a), blockTokens(b))).toBeCloseTo(48 / 52, 12);
    const index = new NoveltyIndex();
    index.add('7', blockTokens(a));
    expect(index.nearest(blockTokens(b))?.id).toBe('7');
  });
});

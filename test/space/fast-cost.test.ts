import { describe, expect, it } from 'vitest';
import { graphTotals } from '../../lib/cost/estimate.js';
import { createFastEvaluator } from '../../lib/space/fast-cost.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { parseSpace } from '../../lib/space/space.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { mutateCandidate, sampleCandidate } from '../../lib/space/sample.js';
import { REFERENCE, readJson } from '../helpers.js';

const space = resolveSpace('tinyml-cifar100');
const variants = [
  { model: 'mcunet' as const, inplaceDepthwise: false },
  { model: 'mcunet' as const, inplaceDepthwise: true },
  { model: 'liveness' as const, inplaceDepthwise: false },
  { model: 'liveness' as const, inplaceDepthwise: true },
];

describe('fast path equals the graph path', () => {
  for (const options of variants) {
    it(`on 2,500 seeded samples and their mutants (${options.model}${options.inplaceDepthwise ? ', in-place dw' : ''})`, () => {
      const fast = createFastEvaluator(space, options);
      const rng = createRng(2024);
      const mismatches: string[] = [];
      for (let i = 0; i < 2500; i++) {
        const base = sampleCandidate(space, rng);
        for (const c of [base, mutateCandidate(space, base, rng).candidate]) {
          const want = graphTotals(lowerBlockNet(c), options);
          const got = fast(c);
          if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(JSON.stringify({ c, want, got }));
        }
      }
      expect(mismatches.slice(0, 3)).toEqual([]);
    });
  }

  it('on configs outside the space (LMaNet expansion 2) and at other resolutions', () => {
    for (const name of ['LMaNet-Core', 'LMaNet-Elite', 'QwNet-Core']) {
      const c = (readJson(`${REFERENCE}${name}.json`) as { candidate_config: Candidate }).candidate_config;
      for (const resolution of [96, 160, 224]) {
        for (const options of variants) {
          const want = graphTotals(lowerBlockNet(c, { resolution }), options);
          expect(createFastEvaluator(space, { ...options, resolution })(c)).toEqual(want);
        }
      }
    }
  });

  it('on a space with other input channels, odd sizes, stride 3, kernel 9, stage overrides, no input_channels', () => {
    const odd = parseSpace({
      ...(readJson(`${REFERENCE}../tinyml-cifar100.json`) as object),
      name: 'odd',
      input: { channels: 1, resolution: 97 },
      classes: 7,
      stages: 4,
      stageOverrides: { '0': { stride: [2, 3], kernel_size: [9] }, '3': { output_channels: [200], num_layers: [1, 5] } },
      seRatios: [0.1, 0.3, 0.5],
    });
    const rng = createRng(77);
    const mismatches: string[] = [];
    for (const options of variants) {
      const fast = createFastEvaluator(odd, options);
      for (let i = 0; i < 500; i++) {
        const { input_channels: _dropped, ...c } = sampleCandidate(odd, rng);
        const want = graphTotals(lowerBlockNet(c, { resolution: 97, classes: 7, inputChannels: 1 }), options);
        if (JSON.stringify(want) !== JSON.stringify(fast(c))) mismatches.push(JSON.stringify({ c, want, got: fast(c) }));
      }
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('beyond the memo key packing (a 70,001-pixel input) it computes instead of colliding', () => {
    const c = sampleCandidate(space, createRng(3));
    for (const resolution of [70_001, 4_465]) {
      expect(createFastEvaluator(space, { model: 'liveness', resolution })(c)).toEqual(graphTotals(lowerBlockNet(c, { resolution }), { model: 'liveness' }));
    }
  });

  it('LMaNet-Core through the fast path: 453,220 params, 76,432,000 MACs', () => {
    const c = (readJson(`${REFERENCE}LMaNet-Core.json`) as { candidate_config: Candidate }).candidate_config;
    const t = createFastEvaluator(space, { model: 'mcunet' })(c);
    expect([t.params, t.macs]).toEqual([453_220, 76_432_000]);
  });
});

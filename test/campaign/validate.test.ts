import { describe, expect, it } from 'vitest';
import { NoveltyIndex } from '../../lib/campaign/novelty.js';
import { rememberCandidate, validateProposal, type ValidationSettings } from '../../lib/campaign/validate.js';
import { createFastEvaluator } from '../../lib/space/fast-cost.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { BlockConfig, Candidate } from '../../lib/space/candidate.js';
import { REFERENCE, readJson } from '../helpers.js';

const space = resolveSpace();
const settings: ValidationSettings = { space, macs: { min: 70e6, max: 350e6 }, sramMaxBytes: 320 * 1024, sramModel: 'mcunet' };
const fresh = () => ({ seen: new Map<string, number>(), novelty: new NoveltyIndex() });
const elite = (readJson(`${REFERENCE}LMaNet-Elite.json`) as { candidate_config: Candidate }).candidate_config;
const fast = createFastEvaluator(space, { model: 'mcunet' });
const withBlocks = (patch: (b: BlockConfig, i: number) => Partial<BlockConfig>): Candidate => ({ ...elite, blocks: elite.blocks.map((b, i) => ({ ...b, ...patch(b, i) })) });

describe('validation in the paper order, with feedback text', () => {
  it('LMaNet-Elite (82.0 M MACs, 200 KiB) passes', () => {
    const v = validateProposal(elite, settings, fresh());
    expect(v.ok).toBe(true);
    if (v.ok) expect([v.costs.macs, v.costs.peakSramBytes]).toEqual([81_963_264, 200 * 1024]);
  });
  it('schema first: the message lists every bad field with the allowed values', () => {
    const v = validateProposal(withBlocks((_, i) => (i === 1 ? { kernel_size: 4 } : {})), settings, fresh());
    expect(v).toMatchObject({ ok: false, reason: 'schema' });
    if (!v.ok) expect(v.message).toContain('block 2 (blocks[1]) field kernel_size: value 4 is not allowed; allowed: 3, 5, 7');
  });
  it('MACs above the range: the current value (second implementation: the fast path) and the range', () => {
    const big = withBlocks(() => ({ stride: 1, expansion_factor: 6, conv_type: 'mbconv', output_channels: 160 }));
    const v = validateProposal(big, settings, fresh());
    expect(v).toMatchObject({ ok: false, reason: 'macs' });
    if (!v.ok) {
      expect(v.message).toContain(`Estimated MACs are ${(fast(big).macs / 1e6).toFixed(1)} M, above the allowed range 70.0 M to 350.0 M`);
      expect(v.message).toMatch(/Reduce output_channels/);
    }
  });
  it('MACs below the range', () => {
    const small = withBlocks((_, i) => ({ output_channels: 16, num_layers: 1, stride: i < 4 ? 2 : 1, conv_type: 'depthwise' }));
    const v = validateProposal(small, settings, fresh());
    expect(v).toMatchObject({ ok: false, reason: 'macs' });
    if (!v.ok) expect(v.message).toMatch(/below the allowed range 70\.0 M to 350\.0 M\. Increase/);
  });
  it('SRAM over the limit: the estimate, the limit and where the peak is', () => {
    const qw = (readJson(`${REFERENCE}QwNet-Core.json`) as { candidate_config: Candidate }).candidate_config;
    const q = { ...qw, blocks: qw.blocks.map((b) => ({ ...b, expansion_factor: 4, use_se: false, se_ratio: 0 })) };
    const v = validateProposal(q, settings, fresh());
    expect(v).toMatchObject({ ok: false, reason: 'sram' });
    // by hand: stage 2, layer 1 expands 16 x 80 x 80 (102,400 B) to 64 x 80 x 80 (409,600 B): 512,000 B
    // = 500 KiB; its stride-2 depthwise conv (409,600 B in, 102,400 B out) ties, and the first step is named
    if (!v.ok) expect(v.message).toMatch(/Estimated peak SRAM is 500\.0 KiB \(int8 activations, mcunet model\), above the 320\.0 KiB limit; the peak is at stage2\.layer1 \(Conv with output 64x80x80\)/);
  });
  it('duplicates after that, then novelty when a threshold is set', () => {
    const state = fresh();
    const first = validateProposal(elite, settings, state);
    if (!first.ok) throw new Error('expected valid');
    rememberCandidate(state, first.key, 4, first.candidate);
    // depthwise stages ignore E: a different-looking but equal network
    const same = withBlocks((b) => (b.conv_type === 'depthwise' ? { expansion_factor: 6 } : {}));
    expect(validateProposal(same, settings, state)).toMatchObject({ ok: false, reason: 'duplicate', details: { sameAs: 4 } });
    const near = withBlocks((_, i) => (i === 4 ? { activation: 'swish' } : {}));
    expect(validateProposal(near, settings, state).ok).toBe(true);
    expect(validateProposal(near, { ...settings, noveltyThreshold: 0.8 }, state)).toMatchObject({ ok: false, reason: 'novelty', details: { nearest: '4' } });
  });
});

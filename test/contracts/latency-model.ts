import { expect, it } from 'vitest';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import type { LatencyModel } from '../../lib/runtime/latency.js';

/** What every LatencyModel must do; each implementation runs this suite. */
export function latencyModelContract(make: () => LatencyModel): void {
  const tiny = lowerBlockNet({
    blocks: [{ output_channels: 8, num_layers: 1, kernel_size: 3, stride: 2, expansion_factor: 3, use_se: false, se_ratio: 0, conv_type: 'depthwise', skip_op: 'identity', activation: 'relu6' }],
  }, { resolution: 32, classes: 10 });
  it('names itself', () => {
    expect(make().name.length).toBeGreaterThan(0);
  });
  it('gives finite, ordered, positive statistics', async () => {
    const s = await make().latency(tiny);
    expect(s.medianMs).toBeGreaterThan(0);
    expect(s.p10Ms).toBeLessThanOrEqual(s.medianMs);
    expect(s.medianMs).toBeLessThanOrEqual(s.p90Ms);
    expect(Number.isFinite(s.meanMs) && Number.isFinite(s.stdMs)).toBe(true);
  });
  it('ranks a 1.8 G-MAC network above a 0.05 M-MAC one', async () => {
    const model = make();
    const small = await model.latency(tiny);
    const large = await model.latency(buildZooModel('resnet18'));
    expect(large.medianMs).toBeGreaterThan(small.medianMs * 5);
  });
}

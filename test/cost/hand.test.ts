import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { nodeCost } from '../../lib/cost/layer-costs.js';
import { peakSram } from '../../lib/cost/sram.js';
import { GraphBuilder } from '../../lib/graph/builder.js';

/** x (4x8x8 = 256 B) -> 1x1 conv to 8 ch (512 B) -> ReLU -> 1x1 conv to 4 ch (256 B) [-> Add x]. */
function pointwisePair(residual: boolean) {
  const g = new GraphBuilder('pair');
  const x = g.input('x', [1, 4, 8, 8]);
  const h = g.add('Relu', [g.conv(x, { out: 8, kernel: 1 })], {});
  const y = g.conv(h, { out: 4, kernel: 1 });
  return g.finish([residual ? g.add('Add', [y, x], {}) : y]);
}

/** x (4x8x8) -> expand 1x1 to 8 -> depthwise 3x3 (8 ch) -> project 1x1 to 4 -> Add x. */
function invertedResidual() {
  const g = new GraphBuilder('mb');
  const x = g.input('x', [1, 4, 8, 8]);
  const e = g.conv(x, { out: 8, kernel: 1 });
  const d = g.conv(e, { out: 8, kernel: 3, group: 8 });
  const p = g.conv(d, { out: 4, kernel: 1 });
  return g.finish([g.add('Add', [p, x], {})]);
}

describe('liveness memory model, worked by hand', () => {
  it('without a residual, x dies after the first conv: peak 768 = 256 + 512', () => {
    const r = peakSram(pointwisePair(false), { model: 'liveness' });
    expect(r.stepBytes).toEqual([768, 512, 768]);
    expect(r.peakBytes).toBe(768);
  });
  it('a residual keeps x live until the Add: second conv holds 512 + 256 + 256 = 1024', () => {
    const r = peakSram(pointwisePair(true), { model: 'liveness' });
    // conv1: x + h; relu in place: x + h; conv2: x + h + y; add: x + y + out
    expect(r.stepBytes).toEqual([768, 768, 1024, 768]);
    expect(r.peakBytes).toBe(1024);
  });
  it('inverted residual: depthwise step holds x + expanded + dw output = 1280', () => {
    expect(peakSram(invertedResidual(), { model: 'liveness' }).stepBytes).toEqual([768, 1280, 1024, 768]);
  });
  it('in-place depthwise overwrites its input and needs one output plane (64 B): 256 + 512 + 64', () => {
    expect(peakSram(invertedResidual(), { model: 'liveness', inplaceDepthwise: true }).stepBytes).toEqual([768, 832, 1024, 768]);
  });
});

/** x (4x8x8) -> depthwise 3x3 (4 ch) -> project 1x1 to 4 -> Add x: a DWSep block with an identity skip. */
function separableResidual() {
  const g = new GraphBuilder('dwsep');
  const x = g.input('x', [1, 4, 8, 8]);
  const p = g.conv(g.conv(x, { out: 4, kernel: 3, group: 4 }), { out: 4, kernel: 1 });
  return g.finish([g.add('Add', [p, x], {})]);
}

describe('mcunet memory rule, worked by hand', () => {
  it('counts a skip that is the depthwise input once (mcunet itself has no such block)', () => {
    // dw: x 256 + out 256; project: 256 + 256. x is the dw input, so it is not charged again.
    expect(peakSram(separableResidual(), { model: 'mcunet' }).stepBytes).toEqual([512, 512, 0]);
    // liveness: x stays live to the Add: dw 512, project x + d + p = 768, add x + p + out = 768
    expect(peakSram(separableResidual(), { model: 'liveness' }).stepBytes).toEqual([512, 768, 768]);
    // x cannot be overwritten in place, since the Add still needs it
    expect(peakSram(separableResidual(), { model: 'liveness', inplaceDepthwise: true }).stepBytes).toEqual([512, 768, 768]);
  });
  it('charges every conv its input + output, and a depthwise conv the residual live across it', () => {
    const r = peakSram(invertedResidual(), { model: 'mcunet' });
    expect(r.stepBytes).toEqual([768, 512 + 512 + 256, 512 + 256, 0]);
    expect(r.peakBytes).toBe(1280);
  });
  it('ignores the residual at the pointwise convs (as mcunet does)', () => {
    expect(peakSram(pointwisePair(true), { model: 'mcunet' }).stepBytes).toEqual([768, 0, 768, 0]);
  });
});

describe('MACs, params and flash of single layers, worked by hand', () => {
  it('3x3 stride-2 conv 3->16 on 160x160: 80*80*16*27 MACs, 432 weights', () => {
    const g = new GraphBuilder('stem');
    const y = g.bn(g.conv(g.input('x', [1, 3, 160, 160]), { out: 16, kernel: 3, stride: 2 }));
    const graph = g.finish([y]);
    expect(graph.tensors[y]?.shape).toEqual([1, 16, 80, 80]);
    const r = estimateCosts(graph);
    expect(r.macs).toBe(80 * 80 * 16 * 27);
    expect(r.params).toBe(432 + 32); // conv weights + BN gamma and beta
    expect(r.flashBytes).toBe(432 + 16 * 8); // BN folded; int32 bias + scale per channel
  });
  it('depthwise 5x5 on 32 channels at 20x20, stride 1: 20*20*32*25 MACs, 800 weights', () => {
    const g = new GraphBuilder('dw');
    const graph = g.finish([g.conv(g.input('x', [1, 32, 20, 20]), { out: 32, kernel: 5, group: 32 })]);
    const c = nodeCost(graph.nodes[0]!, graph);
    expect(c).toEqual({ macs: 20 * 20 * 32 * 25, params: 800, flashBytes: 800 + 32 * 8 });
  });
  it('linear 160 -> 100 with bias: 16,000 MACs, 16,100 params', () => {
    const g = new GraphBuilder('fc');
    const graph = g.finish([g.classifierHead(g.input('x', [1, 160, 5, 5]), 100, 0.2)]);
    const r = estimateCosts(graph);
    expect(r.macs).toBe(16_000);
    expect(r.params).toBe(16_100);
  });
  it('squeeze-excitation on 64 channels with ratio 0.25: two 1x1 convs with bias', () => {
    const g = new GraphBuilder('se');
    const graph = g.finish([g.squeezeExcite(g.input('x', [1, 64, 10, 10]), 16, 'sigmoid')]);
    const r = estimateCosts(graph);
    expect(r.macs).toBe(64 * 16 * 2);
    expect(r.params).toBe(64 * 16 + 16 + 16 * 64 + 64);
    expect(graph.tensors[graph.outputs[0]!]?.shape).toEqual([1, 64, 10, 10]);
  });
});

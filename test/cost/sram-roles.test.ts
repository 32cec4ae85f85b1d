import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { peakSram } from '../../lib/cost/sram.js';
import { GraphBuilder } from '../../lib/graph/builder.js';
import { OPS } from '../../lib/graph/ops/index.js';
import { OP_TYPES } from '../../lib/graph/types.js';

/** x [1, 4, 8] (32 B) -> Linear to 6 (24 B) -> Reshape [1, 24] (a view) -> Gemm to 10 (10 B). */
function linearReshape() {
  const g = new GraphBuilder('seq');
  const x = g.input('x', [1, 4, 8]);
  const y = g.add('Linear', [x], { outFeatures: 6, bias: true });
  const r = g.add('Reshape', [y], { shape: [1, 24] });
  return g.finish([g.add('Gemm', [r], { outFeatures: 10, bias: false })]);
}

/** x [1, 4, 8] (32 B) -> Transpose [1, 8, 4] (32 B) -> MatMul(x, t) [1, 4, 4] (16 B): attention scores. */
function scores() {
  const g = new GraphBuilder('att');
  const x = g.input('x', [1, 4, 8]);
  const t = g.add('Transpose', [x], { perm: [0, 2, 1] });
  return g.finish([g.add('MatMul', [x, t], {})]);
}

describe('SRAM roles of the op table, worked by hand', () => {
  it('the roles: compute = Conv, ConvTranspose, Gemm, Linear, MatMul; inplace = activations, BN, LN, Flatten, Reshape', () => {
    expect(OP_TYPES.filter((op) => OPS[op].sram === 'compute')).toEqual(['Conv', 'ConvTranspose', 'Gemm', 'Linear', 'MatMul']);
    expect(OP_TYPES.filter((op) => OPS[op].sram === 'inplace')).toEqual(
      OP_TYPES.filter((op) => OPS[op].family === 'activation' || OPS[op].family === 'norm' || op === 'Flatten' || op === 'Reshape'),
    );
  });
  it('mcunet charges Linear its input + output (32 + 24) and Gemm 24 + 10; the Reshape nothing', () => {
    expect(peakSram(linearReshape(), { model: 'mcunet' }).stepBytes).toEqual([56, 0, 34]);
  });
  it('liveness runs the Reshape in its input\'s buffer: 56, 24, 24 + 10', () => {
    expect(peakSram(linearReshape(), { model: 'liveness' }).stepBytes).toEqual([56, 24, 34]);
  });
  it('mcunet charges a MatMul both inputs and its output (32 + 32 + 16); the Transpose (copy) nothing', () => {
    expect(peakSram(scores(), { model: 'mcunet' }).stepBytes).toEqual([0, 80]);
    // liveness: x and its transpose both live at the MatMul, then the scores
    expect(peakSram(scores(), { model: 'liveness' }).stepBytes).toEqual([64, 80]);
  });
  it('MACs: Linear 4 x 8 x 6 = 192 per image, MatMul of two activations 4 x 4 x 8 = 128, no params', () => {
    const lin = estimateCosts(linearReshape());
    expect([lin.macs, lin.params]).toEqual([192 + 240, 48 + 6 + 240]);
    const att = estimateCosts(scores());
    expect([att.macs, att.params, att.flashBytes]).toEqual([128, 0, 0]);
  });
});

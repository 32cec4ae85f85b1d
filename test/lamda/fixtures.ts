import { graphTotals } from '../../lib/cost/estimate.js';
import type { Graph } from '../../lib/graph/types.js';
import type { LatencyEstimator } from '../../lib/lamda/verify.js';

/** A hand-countable model: conv 3->16 (3x3, stride 2) on 32x32 = 16*16*16*27 = 110,592 MACs; Gemm 16->10 = 160. */
export const TINY = [
  'graph tiny input t0:1x3x32x32',
  't1 = Conv(t0) cin=3 out=16 k=3x3 s=2x2 p=1,1,1,1 g=1 bias=0 | block=stem',
  't2 = Relu(t1) | block=stem',
  't3 = GlobalAveragePool(t2) | block=head',
  't4 = Flatten(t3) axis=1 | block=head',
  't5 = Gemm(t4) cin=16 out=10 bias=1 | block=head',
  'output t5',
].join('\n');

/** A stand-in for a trained predictor whose answers can be worked by hand: 1 ms per million MACs. */
export const MACS_ESTIMATOR: LatencyEstimator = { name: 'macs/1e6', predictMs: (g: Graph) => graphTotals(g).macs / 1e6 };


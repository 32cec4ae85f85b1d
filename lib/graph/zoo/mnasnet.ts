/** MNASNet 1.0 (the B1 variant) as torchvision builds it (mnasnet.py, model version 2). */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../types.js';
import type { ZooSettings } from './common.js';
import { convBnAct } from './common.js';

/** mnasnet._round_to_multiple_of: round to a multiple of `divisor`, up unless within 10% above. */
function roundToMultipleOf(val: number, divisor: number, roundUpBias = 0.9): number {
  const rounded = Math.max(divisor, Math.floor(Math.trunc(val + divisor / 2) / divisor) * divisor);
  return rounded >= roundUpBias * val ? rounded : rounded + divisor;
}

/** mnasnet._get_depths. */
function depths(alpha: number): number[] {
  return [32, 16, 24, 40, 80, 96, 192, 320].map((d) => roundToMultipleOf(d * alpha, 8));
}

/** The six _stack calls: kernel, first stride, expansion factor, repeats (channels come from depths). */
const STACKS: readonly (readonly [number, number, number, number])[] = [
  [3, 2, 3, 3],
  [5, 2, 3, 3],
  [5, 2, 6, 3],
  [3, 1, 6, 2],
  [5, 2, 6, 4],
  [3, 1, 6, 1],
];

/** mnasnet._InvertedResidual: pointwise + BN + ReLU, depthwise + BN + ReLU, linear pointwise + BN. */
function invertedResidual(g: GraphBuilder, x: number, out: number, kernel: number, stride: number, expansion: number): number {
  const inCh = g.shape(x)[1] as number;
  const mid = inCh * expansion;
  let y = convBnAct(g, x, { out: mid, kernel: 1, act: 'relu' }, 'expand');
  y = convBnAct(g, y, { out: mid, kernel, stride, group: mid, pad: Math.floor(kernel / 2), act: 'relu' }, 'dw');
  y = convBnAct(g, y, { out, kernel: 1 }, 'project');
  return inCh === out && stride === 1 ? g.add('Add', [y, x], {}, 'add') : y;
}

function mnasnet(name: string, alpha: number, { resolution, classes }: ZooSettings): Graph {
  const d = depths(alpha);
  const g = new GraphBuilder(name);
  let x = g.input('input', [1, 3, resolution, resolution]);
  g.setBlock('layers.stem');
  x = convBnAct(g, x, { out: d[0]!, kernel: 3, stride: 2, pad: 1, act: 'relu' });
  // Depthwise separable, no skip.
  x = convBnAct(g, x, { out: d[0]!, kernel: 3, pad: 1, group: d[0]!, act: 'relu' }, 'dw');
  x = convBnAct(g, x, { out: d[1]!, kernel: 1 }, 'project');
  STACKS.forEach(([kernel, stride, expansion, repeats], s) => {
    for (let i = 0; i < repeats; i++) {
      g.setBlock(`layers.${8 + s}.${i}`); // the stacks are layers[8..13] of the nn.Sequential
      x = invertedResidual(g, x, d[s + 2]!, kernel, i === 0 ? stride : 1, expansion);
    }
  });
  g.setBlock('layers.head');
  x = convBnAct(g, x, { out: 1280, kernel: 1, act: 'relu' });
  // forward: x.mean([2, 3]) (a global average pool that also drops H and W), Dropout(0.2), Linear.
  g.setBlock('classifier');
  return g.finish([g.classifierHead(x, classes, 0.2)]);
}

export function mnasnet1_0(settings: ZooSettings): Graph {
  return mnasnet('mnasnet1_0', 1.0, settings);
}

/** MobileNetV2 and MobileNetV3-Small as torchvision builds them (mobilenetv2.py, mobilenetv3.py). */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../types.js';
import type { ZooSettings } from './common.js';
import { convBnAct, dropout, flatten, linear, makeDivisible } from './common.js';

/** mobilenetv2.inverted_residual_setting: expand ratio t, channels c, repeats n, first stride s. */
const V2_SETTING: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** Python's round() (halves to even), as in hidden_dim = int(round(inp * expand_ratio)). */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function mobilenetV2({ resolution, classes }: ZooSettings): Graph {
  const g = new GraphBuilder('mobilenet_v2');
  let x = g.input('input', [1, 3, resolution, resolution]);
  let inp = makeDivisible(32, 8);
  g.setBlock('features.0');
  x = convBnAct(g, x, { out: inp, kernel: 3, stride: 2, act: 'relu6' });
  let index = 1;
  for (const [t, c, n, s] of V2_SETTING) {
    const oup = makeDivisible(c, 8);
    for (let i = 0; i < n; i++) {
      g.setBlock(`features.${index++}`);
      const stride = i === 0 ? s : 1;
      const hidden = pyRound(inp * t);
      let y = x;
      if (t !== 1) y = convBnAct(g, y, { out: hidden, kernel: 1, act: 'relu6' }, 'expand');
      y = convBnAct(g, y, { out: hidden, kernel: 3, stride, group: hidden, act: 'relu6' }, 'dw');
      y = convBnAct(g, y, { out: oup, kernel: 1 }, 'project');
      x = stride === 1 && inp === oup ? g.add('Add', [x, y], {}, 'add') : y;
      inp = oup;
    }
  }
  g.setBlock(`features.${index}`);
  x = convBnAct(g, x, { out: makeDivisible(1280, 8), kernel: 1, act: 'relu6' });
  g.setBlock('classifier');
  return g.finish([g.classifierHead(x, classes, 0.2)]);
}

/** _mobilenet_v3_conf("mobilenet_v3_small"): input, kernel, expanded, out, use_se, activation, stride. */
const V3_SMALL: readonly (readonly [number, number, number, number, boolean, 'RE' | 'HS', number])[] = [
  [16, 3, 16, 16, true, 'RE', 2],
  [16, 3, 72, 24, false, 'RE', 2],
  [24, 3, 88, 24, false, 'RE', 1],
  [24, 5, 96, 40, true, 'HS', 2],
  [40, 5, 240, 40, true, 'HS', 1],
  [40, 5, 240, 40, true, 'HS', 1],
  [40, 5, 120, 48, true, 'HS', 1],
  [48, 5, 144, 48, true, 'HS', 1],
  [48, 5, 288, 96, true, 'HS', 2],
  [96, 5, 576, 96, true, 'HS', 1],
  [96, 5, 576, 96, true, 'HS', 1],
];

/** MobileNetV3's BatchNorm2d(eps=0.001, momentum=0.01). */
const V3_EPS = 1e-3;

export function mobilenetV3Small({ resolution, classes }: ZooSettings): Graph {
  const adjust = (c: number): number => makeDivisible(c, 8); // width_mult 1.0
  const g = new GraphBuilder('mobilenet_v3_small');
  let x = g.input('input', [1, 3, resolution, resolution]);
  g.setBlock('features.0');
  x = convBnAct(g, x, { out: adjust(V3_SMALL[0]![0]), kernel: 3, stride: 2, act: 'h_swish', eps: V3_EPS });
  V3_SMALL.forEach(([cin, kernel, exp, cout, useSe, activation, stride], i) => {
    g.setBlock(`features.${i + 1}`);
    const [input, expanded, out] = [adjust(cin), adjust(exp), adjust(cout)];
    const act = activation === 'HS' ? 'h_swish' : 'relu';
    let y = x;
    if (expanded !== input) y = convBnAct(g, y, { out: expanded, kernel: 1, act, eps: V3_EPS }, 'expand');
    y = convBnAct(g, y, { out: expanded, kernel, stride, group: expanded, act, eps: V3_EPS }, 'dw');
    // ops.misc.SqueezeExcitation: avgpool, fc1 (bias), ReLU, fc2 (bias), Hardsigmoid, scale * input.
    if (useSe) y = g.squeezeExcite(y, makeDivisible(Math.floor(expanded / 4), 8), 'h_sigmoid');
    y = convBnAct(g, y, { out, kernel: 1, eps: V3_EPS }, 'project');
    x = stride === 1 && input === out ? g.add('Add', [y, x], {}, 'add') : y;
  });
  g.setBlock(`features.${V3_SMALL.length + 1}`);
  const lastIn = adjust(V3_SMALL[V3_SMALL.length - 1]![3]);
  x = convBnAct(g, x, { out: 6 * lastIn, kernel: 1, act: 'h_swish', eps: V3_EPS });
  g.setBlock('classifier');
  x = flatten(g, g.add('GlobalAveragePool', [x], {}, 'avgpool'));
  x = g.act(linear(g, x, adjust(1024)), 'h_swish');
  x = dropout(g, x, 0.2);
  return g.finish([linear(g, x, classes)]);
}

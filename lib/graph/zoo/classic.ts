/** AlexNet, VGG-16 and SqueezeNet 1.0 / 1.1 as torchvision builds them (alexnet.py, vgg.py, squeezenet.py). */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../types.js';
import type { ZooSettings } from './common.js';
import { adaptiveAvgPool, dropout, flatten, linear } from './common.js';

/** nn.Conv2d with bias (these models have no BatchNorm) followed by ReLU. */
function convRelu(g: GraphBuilder, x: number, out: number, kernel: number, stride = 1, pad = Math.floor(kernel / 2), label = 'conv'): number {
  return g.act(g.conv(x, { out, kernel, stride, pad, bias: true }, label), 'relu');
}

export function alexnet({ resolution, classes }: ZooSettings): Graph {
  const g = new GraphBuilder('alexnet');
  let x = g.input('input', [1, 3, resolution, resolution]);
  g.setBlock('features');
  x = convRelu(g, x, 64, 11, 4, 2);
  x = g.pool('MaxPool', x, { kernel: 3, stride: 2 });
  x = convRelu(g, x, 192, 5, 1, 2);
  x = g.pool('MaxPool', x, { kernel: 3, stride: 2 });
  x = convRelu(g, x, 384, 3, 1, 1);
  x = convRelu(g, x, 256, 3, 1, 1);
  x = convRelu(g, x, 256, 3, 1, 1);
  x = g.pool('MaxPool', x, { kernel: 3, stride: 2 });
  g.setBlock('avgpool');
  x = adaptiveAvgPool(g, x, 6, 'alexnet', resolution);
  g.setBlock('classifier');
  x = flatten(g, x);
  x = dropout(g, x, 0.5);
  x = g.act(linear(g, x, 4096), 'relu');
  x = dropout(g, x, 0.5);
  x = g.act(linear(g, x, 4096), 'relu');
  return g.finish([linear(g, x, classes)]);
}

/** vgg.py cfgs["D"]: numbers are 3x3 convs (padding 1, bias) + ReLU, 'M' a 2x2 max pool. */
const VGG16_CFG: readonly (number | 'M')[] = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];

export function vgg16({ resolution, classes }: ZooSettings): Graph {
  const g = new GraphBuilder('vgg16');
  let x = g.input('input', [1, 3, resolution, resolution]);
  g.setBlock('features');
  for (const v of VGG16_CFG) x = v === 'M' ? g.pool('MaxPool', x, { kernel: 2, stride: 2 }) : convRelu(g, x, v, 3, 1, 1);
  g.setBlock('avgpool');
  x = adaptiveAvgPool(g, x, 7, 'vgg16', resolution);
  g.setBlock('classifier');
  x = flatten(g, x);
  x = g.act(linear(g, x, 4096), 'relu');
  x = dropout(g, x, 0.5);
  x = g.act(linear(g, x, 4096), 'relu');
  x = dropout(g, x, 0.5);
  return g.finish([linear(g, x, classes)]);
}

/** squeezenet.Fire: 1x1 squeeze, then 1x1 and 3x3 expands concatenated along channels. */
function fire(g: GraphBuilder, x: number, squeeze: number, expand1x1: number, expand3x3: number): number {
  const s = convRelu(g, x, squeeze, 1, 1, 0, 'squeeze');
  const e1 = convRelu(g, s, expand1x1, 1, 1, 0, 'expand1x1');
  const e3 = convRelu(g, s, expand3x3, 3, 1, 1, 'expand3x3');
  return g.add('Concat', [e1, e3], { axis: 1 }, 'concat');
}

type SqueezeLayer = 'pool' | readonly [number, number, number];

const SQUEEZENET: Record<'1_0' | '1_1', { stem: { out: number; kernel: number }; layers: readonly SqueezeLayer[] }> = {
  '1_0': {
    stem: { out: 96, kernel: 7 },
    layers: ['pool', [16, 64, 64], [16, 64, 64], [32, 128, 128], 'pool', [32, 128, 128], [48, 192, 192], [48, 192, 192], [64, 256, 256], 'pool', [64, 256, 256]],
  },
  '1_1': {
    stem: { out: 64, kernel: 3 },
    layers: ['pool', [16, 64, 64], [16, 64, 64], 'pool', [32, 128, 128], [32, 128, 128], 'pool', [48, 192, 192], [48, 192, 192], [64, 256, 256], [64, 256, 256]],
  },
};

export function squeezenet(version: '1_0' | '1_1', { resolution, classes }: ZooSettings): Graph {
  const spec = SQUEEZENET[version];
  const g = new GraphBuilder(`squeezenet${version}`);
  let x = g.input('input', [1, 3, resolution, resolution]);
  g.setBlock('features.0');
  x = convRelu(g, x, spec.stem.out, spec.stem.kernel, 2, 0);
  spec.layers.forEach((layer, i) => {
    g.setBlock(`features.${i + 2}`); // features.1 is the stem's ReLU
    x = layer === 'pool' ? g.pool('MaxPool', x, { kernel: 3, stride: 2, ceilMode: true }) : fire(g, x, ...layer);
  });
  g.setBlock('classifier');
  x = dropout(g, x, 0.5);
  x = convRelu(g, x, classes, 1, 1, 0, 'final_conv');
  x = g.add('GlobalAveragePool', [x], {}, 'avgpool');
  return g.finish([flatten(g, x)]);
}

/**
 * GoogLeNet (Inception v1) as torchvision builds it (googlenet.py) with aux_logits=False: the
 * auxiliary heads only run in training, and the published weights drop them. transform_input
 * (a per-channel affine of the input) is elementwise and left out.
 */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../types.js';
import type { ZooSettings } from './common.js';
import { convBnAct } from './common.js';

/** googlenet.BasicConv2d: Conv2d(bias=False), BatchNorm2d(eps=0.001), ReLU. */
function basicConv(g: GraphBuilder, x: number, out: number, kernel: number, stride = 1, pad = 0, label = 'conv'): number {
  return convBnAct(g, x, { out, kernel, stride, pad, act: 'relu', eps: 1e-3 }, label);
}

/** Inception(in, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj): four branches concatenated. */
type InceptionSpec = readonly [number, number, number, number, number, number];

function inception(g: GraphBuilder, x: number, [ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj]: InceptionSpec): number {
  const b1 = basicConv(g, x, ch1x1, 1, 1, 0, 'branch1');
  const b2 = basicConv(g, basicConv(g, x, ch3x3red, 1, 1, 0, 'branch2_reduce'), ch3x3, 3, 1, 1, 'branch2');
  // torchvision's "5x5" branch uses a 3x3 kernel (a known, kept bug: pytorch/vision#906).
  const b3 = basicConv(g, basicConv(g, x, ch5x5red, 1, 1, 0, 'branch3_reduce'), ch5x5, 3, 1, 1, 'branch3');
  const pooled = g.pool('MaxPool', x, { kernel: 3, stride: 1, pad: 1, ceilMode: true }, 'branch4_pool');
  const b4 = basicConv(g, pooled, poolProj, 1, 1, 0, 'branch4');
  return g.add('Concat', [b1, b2, b3, b4], { axis: 1 }, 'concat');
}

/** The network after the stem: inception blocks by name, 'pool3' = MaxPool(3, 2, ceil), 'pool2' = MaxPool(2, 2, ceil). */
const BODY: readonly (readonly [string, InceptionSpec] | 'pool3' | 'pool2')[] = [
  ['inception3a', [64, 96, 128, 16, 32, 32]],
  ['inception3b', [128, 128, 192, 32, 96, 64]],
  'pool3',
  ['inception4a', [192, 96, 208, 16, 48, 64]],
  ['inception4b', [160, 112, 224, 24, 64, 64]],
  ['inception4c', [128, 128, 256, 24, 64, 64]],
  ['inception4d', [112, 144, 288, 32, 64, 64]],
  ['inception4e', [256, 160, 320, 32, 128, 128]],
  'pool2',
  ['inception5a', [256, 160, 320, 32, 128, 128]],
  ['inception5b', [384, 192, 384, 48, 128, 128]],
];

export function googlenet({ resolution, classes }: ZooSettings): Graph {
  const g = new GraphBuilder('googlenet');
  let x = g.input('input', [1, 3, resolution, resolution]);
  g.setBlock('stem');
  x = basicConv(g, x, 64, 7, 2, 3, 'conv1');
  x = g.pool('MaxPool', x, { kernel: 3, stride: 2, ceilMode: true }, 'maxpool1');
  x = basicConv(g, x, 64, 1, 1, 0, 'conv2');
  x = basicConv(g, x, 192, 3, 1, 1, 'conv3');
  x = g.pool('MaxPool', x, { kernel: 3, stride: 2, ceilMode: true }, 'maxpool2');
  let pools = 2;
  for (const item of BODY) {
    if (item === 'pool3' || item === 'pool2') {
      pools += 1;
      g.setBlock(`maxpool${pools}`);
      const k = item === 'pool3' ? 3 : 2;
      x = g.pool('MaxPool', x, { kernel: k, stride: 2, ceilMode: true }, `maxpool${pools}`);
    } else {
      g.setBlock(item[0]);
      x = inception(g, x, item[1]);
    }
  }
  g.setBlock('fc');
  return g.finish([g.classifierHead(x, classes, 0.2)]);
}

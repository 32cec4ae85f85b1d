/** ResNet-18 and ResNet-50 as torchvision builds them (resnet.py: BasicBlock, Bottleneck v1.5, ResNet). */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../types.js';
import type { ZooSettings } from './common.js';
import { convBnAct } from './common.js';

type BlockKind = 'basic' | 'bottleneck';

const EXPANSION: Record<BlockKind, number> = { basic: 1, bottleneck: 4 };

/**
 * One residual block in forward order: the main branch, then the downsample branch
 * (conv1x1 with the block's stride + BN) when the stride or width changes, then the add and ReLU.
 */
function block(g: GraphBuilder, x: number, kind: BlockKind, planes: number, stride: number): number {
  const inplanes = g.shape(x)[1] as number;
  const out = planes * EXPANSION[kind];
  let y: number;
  if (kind === 'basic') {
    y = convBnAct(g, x, { out: planes, kernel: 3, stride, act: 'relu' }, 'conv1');
    y = convBnAct(g, y, { out: planes, kernel: 3 }, 'conv2');
  } else {
    // torchvision's Bottleneck puts the stride on the 3x3 conv (ResNet v1.5).
    y = convBnAct(g, x, { out: planes, kernel: 1, act: 'relu' }, 'conv1');
    y = convBnAct(g, y, { out: planes, kernel: 3, stride, act: 'relu' }, 'conv2');
    y = convBnAct(g, y, { out, kernel: 1 }, 'conv3');
  }
  const identity = stride !== 1 || inplanes !== out ? convBnAct(g, x, { out, kernel: 1, stride }, 'downsample') : x;
  return g.act(g.add('Add', [y, identity], {}, 'add'), 'relu');
}

function resnet(name: string, kind: BlockKind, layers: readonly number[], { resolution, classes }: ZooSettings): Graph {
  const g = new GraphBuilder(name);
  let x = g.input('input', [1, 3, resolution, resolution]);
  g.setBlock('stem');
  x = convBnAct(g, x, { out: 64, kernel: 7, stride: 2, pad: 3, act: 'relu' }, 'conv1');
  x = g.pool('MaxPool', x, { kernel: 3, stride: 2, pad: 1 });
  layers.forEach((blocks, stage) => {
    const planes = 64 * 2 ** stage;
    for (let i = 0; i < blocks; i++) {
      g.setBlock(`layer${stage + 1}.${i}`);
      x = block(g, x, kind, planes, i === 0 && stage > 0 ? 2 : 1);
    }
  });
  g.setBlock('fc');
  return g.finish([g.classifierHead(x, classes, 0)]);
}

export function resnet18(settings: ZooSettings): Graph {
  return resnet('resnet18', 'basic', [2, 2, 2, 2], settings);
}

export function resnet50(settings: ZooSettings): Graph {
  return resnet('resnet50', 'bottleneck', [3, 4, 6, 3], settings);
}

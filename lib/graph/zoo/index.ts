/**
 * Reference model zoo: torchvision classification models rebuilt as Graphs with torchvision's
 * exact layer structure (torchvision 0.14, builder names as in torchvision.models), so that
 * their costs can be checked against torchvision's own counts and published figures.
 */
import { InputError } from '../../errors.js';
import type { Graph } from '../types.js';
import { alexnet, squeezenet, vgg16 } from './classic.js';
import type { ZooOptions, ZooSettings } from './common.js';
import { zooSettings } from './common.js';
import { googlenet } from './googlenet.js';
import { mnasnet1_0 } from './mnasnet.js';
import { mobilenetV2, mobilenetV3Small } from './mobilenet.js';
import type { PublishedFigures } from './published.js';
import { TORCHVISION_PUBLISHED as PUBLISHED } from './published.js';
import { resnet18, resnet50 } from './resnet.js';

export const ZOO_MODELS = [
  'alexnet',
  'resnet18',
  'resnet50',
  'mobilenet_v2',
  'mnasnet1_0',
  'googlenet',
  'vgg16',
  'squeezenet1_0',
  'squeezenet1_1',
  'mobilenet_v3_small',
] as const;
export type ZooModel = (typeof ZOO_MODELS)[number];
export type { ZooOptions, PublishedFigures };

/** torchvision's published parameter counts and GFLOPS (MACs / 1e9) at 224x224 with 1000 classes. */
export const TORCHVISION_PUBLISHED: Record<ZooModel, PublishedFigures> = PUBLISHED;

const BUILDERS: Record<ZooModel, (settings: ZooSettings) => Graph> = {
  alexnet,
  resnet18,
  resnet50,
  mobilenet_v2: mobilenetV2,
  mnasnet1_0,
  googlenet,
  vgg16,
  squeezenet1_0: (s) => squeezenet('1_0', s),
  squeezenet1_1: (s) => squeezenet('1_1', s),
  mobilenet_v3_small: mobilenetV3Small,
};

export function isZooModel(name: string): name is ZooModel {
  return (ZOO_MODELS as readonly string[]).includes(name);
}

/** Builds a zoo model at `resolution` x `resolution` (default 224) with `classes` outputs (default 1000). */
export function buildZooModel(name: string, options: ZooOptions = {}): Graph {
  if (!isZooModel(name)) throw new InputError('zoo model', name, ZOO_MODELS.join(', '));
  return BUILDERS[name](zooSettings(options));
}

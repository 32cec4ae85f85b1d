/**
 * Pieces the torchvision zoo models share. Every builder here mirrors a torchvision module
 * (torchvision 0.14, torchvision/models/*.py and torchvision/ops/misc.py), in forward order.
 */
import { InputError } from '../../errors.js';
import type { GraphBuilder } from '../builder.js';

export interface ZooOptions {
  /** Input height and width (default 224). */
  resolution?: number;
  /** Classifier outputs (default 1000). */
  classes?: number;
}

export interface ZooSettings {
  resolution: number;
  classes: number;
}

export function zooSettings(options: ZooOptions = {}): ZooSettings {
  const resolution = options.resolution ?? 224;
  const classes = options.classes ?? 1000;
  if (!Number.isInteger(resolution) || resolution < 1) throw new InputError('resolution', resolution, 'a positive integer');
  if (!Number.isInteger(classes) || classes < 1) throw new InputError('classes', classes, 'a positive integer');
  return { resolution, classes };
}

/** torchvision.models._utils._make_divisible (round to the nearest multiple, never more than 10% down). */
export function makeDivisible(v: number, divisor: number, minValue = divisor): number {
  const rounded = Math.max(minValue, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

export interface ConvNormActOptions {
  out: number;
  kernel: number;
  stride?: number;
  group?: number;
  /** Default: (kernel - 1) // 2, as in Conv2dNormActivation. */
  pad?: number;
  /** Activation after the norm ('relu', 'relu6', 'h_swish', ...); none when omitted. */
  act?: string;
  /** BatchNorm epsilon (torchvision's default 1e-5; GoogLeNet and MobileNetV3 use 1e-3). */
  eps?: number;
}

/** Conv (no bias) + BatchNorm + optional activation: torchvision's Conv2dNormActivation / BasicConv2d. */
export function convBnAct(g: GraphBuilder, x: number, o: ConvNormActOptions, label = 'conv'): number {
  const pad = o.pad ?? Math.floor((o.kernel - 1) / 2);
  let y = g.conv(x, { out: o.out, kernel: o.kernel, stride: o.stride ?? 1, group: o.group ?? 1, pad, bias: false }, label);
  y = g.add('BatchNormalization', [y], { epsilon: o.eps ?? 1e-5 }, 'bn');
  return o.act ? g.act(y, o.act) : y;
}

/** nn.Linear (with bias) on a rank-2 tensor. */
export function linear(g: GraphBuilder, x: number, out: number, label = 'linear'): number {
  return g.add('Gemm', [x], { outFeatures: out, bias: true }, label);
}

export function dropout(g: GraphBuilder, x: number, ratio: number): number {
  return g.add('Dropout', [x], { ratio }, 'dropout');
}

export function flatten(g: GraphBuilder, x: number): number {
  return g.add('Flatten', [x], { axis: 1 }, 'flatten');
}

/**
 * nn.AdaptiveAvgPool2d((target, target)) for AlexNet and VGG. At the map size the model was
 * designed for it is an identity (PyTorch computes nothing, so no node); when the map is a
 * multiple of the target, PyTorch's bins are exactly an AveragePool with kernel = stride =
 * size / target. Other sizes (upsampling or uneven bins) are not representable here.
 */
export function adaptiveAvgPool(g: GraphBuilder, x: number, target: number, model: string, resolution: number): number {
  const [, , h, w] = g.shape(x) as [number, number, number, number];
  if (h === target && w === target) return x;
  if (h % target === 0 && w % target === 0) {
    const kh = h / target;
    const kw = w / target;
    return g.add('AveragePool', [x], { kernel: [kh, kw], strides: [kh, kw], pads: [0, 0, 0, 0], ceilMode: false, countIncludePad: true }, 'avgpool');
  }
  throw new InputError(
    'resolution',
    resolution,
    `a resolution whose ${model} feature map is a multiple of ${target}x${target}`,
    `${model} at ${resolution}x${resolution} ends with a ${h}x${w} map, which AdaptiveAvgPool2d((${target}, ${target})) cannot reduce evenly`,
  );
}

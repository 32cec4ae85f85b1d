import { InputError } from '../errors.js';
import { GraphBuilder } from '../graph/builder.js';
import type { Graph } from '../graph/types.js';

/** The subset of the ProxylessNAS / MCUNet JSON config that shapes the network. */
export interface McunetConfig {
  name?: string;
  resolution?: number;
  first_conv: { in_channels: number; out_channels: number; kernel_size: number; stride: number; act_func?: string | null; use_bn?: boolean };
  blocks: {
    mobile_inverted_conv: McunetInvertedConv | { name: 'ZeroLayer' } | null;
    shortcut: { name: string } | null;
  }[];
  feature_mix_layer: { in_channels: number; out_channels: number; kernel_size: number; act_func?: string | null; use_bn?: boolean } | null;
  classifier: { in_features: number; out_features: number; bias?: boolean; dropout_rate?: number };
}

export interface McunetInvertedConv {
  name: 'MBInvertedConvLayer';
  in_channels: number;
  out_channels: number;
  kernel_size: number;
  stride: number;
  expand_ratio: number;
  mid_channels: number | null;
  act_func: string;
  use_se: boolean | null;
}

/** Python's round(): halves go to the even neighbour. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** once-for-all's make_divisible (used for the SE bottleneck width). */
function makeDivisible(v: number, divisor: number): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

export interface McunetOptions {
  resolution?: number;
  /** Replace the classifier's output width (e.g. 100 for CIFAR-100). */
  classes?: number;
  name?: string;
}

/** A declared width must be the width that actually arrives. */
function expectChannels(field: string, declared: number, actual: number): void {
  if (declared !== actual) throw new InputError(field, declared, `${actual} (the channels the previous layer produces)`);
}

/** Lowers an MCUNet / ProxylessNAS config to a Graph (mcunet's MBInvertedConvLayer semantics). */
export function lowerMcunet(config: McunetConfig, options: McunetOptions = {}): Graph {
  const resolution = options.resolution ?? config.resolution ?? 224;
  const g = new GraphBuilder(options.name ?? config.name ?? 'mcunet');
  const fc = config.first_conv;
  let x = g.input('input', [1, fc.in_channels, resolution, resolution]);
  g.setBlock('first_conv');
  x = g.conv(x, { out: fc.out_channels, kernel: fc.kernel_size, stride: fc.stride }, 'conv');
  if (fc.use_bn !== false) x = g.bn(x);
  if (fc.act_func) x = g.act(x, fc.act_func);

  config.blocks.forEach((block, i) => {
    g.setBlock(`blocks.${i}`);
    const mb = block.mobile_inverted_conv;
    if (!mb || mb.name === 'ZeroLayer') {
      if (!block.shortcut) throw new InputError(`blocks[${i}]`, block, 'a conv, a shortcut or both');
      return; // an identity block: no computation
    }
    if (mb.name !== 'MBInvertedConvLayer') throw new InputError(`blocks[${i}].mobile_inverted_conv.name`, (mb as { name: string }).name, 'MBInvertedConvLayer, ZeroLayer');
    const input = x;
    expectChannels(`blocks[${i}].mobile_inverted_conv.in_channels`, mb.in_channels, g.shape(x)[1] as number);
    const mid = mb.mid_channels ?? pyRound(mb.in_channels * mb.expand_ratio);
    let y = x;
    if (mb.expand_ratio !== 1) y = g.act(g.bn(g.conv(y, { out: mid, kernel: 1 }, 'expand')), mb.act_func);
    y = g.act(g.bn(g.conv(y, { out: mid, kernel: mb.kernel_size, stride: mb.stride, group: mid }, 'dw')), mb.act_func);
    if (mb.use_se) y = g.squeezeExcite(y, makeDivisible(Math.floor(mid / 4), 8), 'h_sigmoid'); // once-for-all SEModule: channel // 4
    y = g.bn(g.conv(y, { out: mb.out_channels, kernel: 1 }, 'project'));
    x = block.shortcut ? g.add('Add', [y, input], {}, 'add') : y;
  });

  const fm = config.feature_mix_layer;
  if (fm) {
    g.setBlock('feature_mix_layer');
    expectChannels('feature_mix_layer.in_channels', fm.in_channels, g.shape(x)[1] as number);
    x = g.conv(x, { out: fm.out_channels, kernel: fm.kernel_size }, 'conv');
    if (fm.use_bn !== false) x = g.bn(x);
    if (fm.act_func) x = g.act(x, fm.act_func);
  }
  g.setBlock('classifier');
  expectChannels('classifier.in_features', config.classifier.in_features, g.shape(x)[1] as number);
  const classes = options.classes ?? config.classifier.out_features;
  return g.finish([g.classifierHead(x, classes, config.classifier.dropout_rate ?? 0)]);
}

import type { Candidate, LayerSpec } from './candidate.js';
import { blockLayers } from './candidate.js';
import type { SearchSpace } from './space.js';
import { GraphBuilder } from '../graph/builder.js';
import type { Graph } from '../graph/types.js';

export interface BlockNetOptions {
  resolution?: number;
  classes?: number;
  /** Input channels when the candidate does not say (default 3). */
  inputChannels?: number;
  /** Dropout before the classifier (LMaNet uses one; it changes no cost). */
  dropout?: number;
  name?: string;
}

/** The lowering options a search space sets: its input, classes and head dropout. */
export function spaceNetOptions(space: Pick<SearchSpace, 'input' | 'classes' | 'head'>): BlockNetOptions {
  return { resolution: space.input.resolution, classes: space.classes, inputChannels: space.input.channels, dropout: space.head.dropout };
}

/** Lowers an LMaNet-style block list to a Graph, following LLMGenModel in the LMaNet code. */
export function lowerBlockNet(candidate: Candidate, options: BlockNetOptions = {}): Graph {
  const resolution = options.resolution ?? 160;
  const g = new GraphBuilder(options.name ?? 'candidate');
  let channels = candidate.input_channels ?? options.inputChannels ?? 3;
  let x = g.input('input', [1, channels, resolution, resolution]);
  candidate.blocks.forEach((block, b) => {
    blockLayers(block, channels).forEach((layer, l) => {
      g.setBlock(`stage${b + 1}.layer${l + 1}`);
      x = lowerLayer(g, x, layer);
    });
    channels = block.output_channels;
  });
  g.setBlock('head');
  return g.finish([g.classifierHead(x, options.classes ?? 100, options.dropout ?? 0.2)]);
}

function lowerLayer(g: GraphBuilder, x: number, l: LayerSpec): number {
  let y = x;
  if (l.type === 'mbconv') y = g.act(g.bn(g.conv(y, { out: l.mid, kernel: 1 }, 'expand')), l.activation);
  y = g.act(g.bn(g.conv(y, { out: l.mid, kernel: l.kernel, stride: l.stride, group: l.mid }, 'dw')), l.activation);
  if (l.seMid > 0) y = g.squeezeExcite(y, l.seMid, 'sigmoid');
  y = g.bn(g.conv(y, { out: l.cout, kernel: 1 }, 'project'));
  if (l.shortcut === 'none') return y;
  const skip = l.shortcut === 'identity' ? x : g.bn(g.conv(x, { out: l.cout, kernel: 1 }, 'shortcut'));
  return g.add('Add', [y, skip], {}, 'add');
}

/** A candidate: the block list of the official LMaNet code (`candidate_config`). */
export const CONV_TYPES = ['mbconv', 'depthwise'] as const;
export const SKIP_OPS = ['residual', 'identity'] as const;
export const BLOCK_ACTIVATIONS = ['relu6', 'leakyrelu', 'swish', 'relu'] as const;

export interface BlockConfig {
  output_channels: number;
  num_layers: number;
  kernel_size: number;
  stride: number;
  expansion_factor: number;
  use_se: boolean;
  se_ratio: number;
  conv_type: (typeof CONV_TYPES)[number];
  skip_op: (typeof SKIP_OPS)[number];
  activation: (typeof BLOCK_ACTIVATIONS)[number];
}

export interface Candidate {
  input_channels?: number;
  blocks: BlockConfig[];
  pool_type?: string;
}

/** The nine Table I fields plus the SE ratio, in a fixed order. */
export const BLOCK_FIELDS = [
  'output_channels',
  'kernel_size',
  'stride',
  'expansion_factor',
  'use_se',
  'se_ratio',
  'conv_type',
  'skip_op',
  'activation',
  'num_layers',
] as const satisfies readonly (keyof BlockConfig)[];
export type BlockField = (typeof BLOCK_FIELDS)[number];

/** One layer of a block once it is expanded num_layers times (LMaNet builder semantics). */
export interface LayerSpec {
  type: BlockConfig['conv_type'];
  cin: number;
  cout: number;
  kernel: number;
  stride: number;
  /** Expanded width of an mbconv layer; cin for a depthwise layer. */
  mid: number;
  /** SE bottleneck width, 0 when there is no SE. */
  seMid: number;
  /** 'none', 'identity' (plain add) or 'projection' (1x1 conv + BN on the shortcut). */
  shortcut: 'none' | 'identity' | 'projection';
  activation: BlockConfig['activation'];
}

export function blockHasSe(b: BlockConfig): boolean {
  return b.use_se && b.se_ratio > 0;
}

/** Expands a block to its layers: the first takes the block's stride and maps in→out. */
export function blockLayers(b: BlockConfig, cin: number): LayerSpec[] {
  const layers: LayerSpec[] = [];
  for (let i = 0; i < b.num_layers; i++) {
    const inC = i === 0 ? cin : b.output_channels;
    const stride = i === 0 ? b.stride : 1;
    const mid = b.conv_type === 'mbconv' ? inC * b.expansion_factor : inC;
    const residual = b.skip_op === 'residual' && stride === 1;
    layers.push({
      type: b.conv_type,
      cin: inC,
      cout: b.output_channels,
      kernel: b.kernel_size,
      stride,
      mid,
      seMid: blockHasSe(b) ? Math.max(1, Math.floor(mid * b.se_ratio)) : 0,
      shortcut: !residual ? 'none' : inC === b.output_channels ? 'identity' : 'projection',
      activation: b.activation,
    });
  }
  return layers;
}

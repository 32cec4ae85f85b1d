/**
 * The one graph every model becomes. Nodes run in array order (a topological order, which is
 * also the execution order the memory models use). Nodes refer to tensors by their index in
 * `tensors` (names stay for display and export; indices keep cost evaluation free of hashing).
 * Shapes include the batch dimension (NCHW or NF); weights are not stored: a node's attributes
 * say everything the costs need.
 */
export const OP_TYPES = [
  // conv family (lib/graph/ops/conv.ts)
  'Conv',
  'ConvTranspose',
  // pool family (ops/pool.ts): windows and reductions
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'ReduceMean',
  'Resize',
  // norm family (ops/norm.ts)
  'BatchNormalization',
  'LayerNormalization',
  // activation family (ops/activation.ts): one tensor in, the same shape out
  'Relu',
  'Clip',
  'LeakyRelu',
  'PRelu',
  'Elu',
  'Sigmoid',
  'Swish',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Gelu',
  'Erf',
  'Sqrt',
  'Softmax',
  'LogSoftmax',
  'Dropout',
  // elementwise family (ops/elementwise.ts): two operands, broadcast
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  // matmul family (ops/matmul.ts)
  'Gemm',
  'Linear',
  'MatMul',
  // shape family (ops/shape.ts): data movement, no arithmetic
  'Flatten',
  'Reshape',
  'Transpose',
  'Concat',
  'Slice',
  'Pad',
] as const;
export type OpType = (typeof OP_TYPES)[number];

/**
 * Conv and ConvTranspose over 1 to 3 spatial axes (NCL, NCHW, NCDHW). `kernel`, `strides` and
 * `dilations` have one value per spatial axis; `pads` has two per axis in ONNX order (all begins,
 * then all ends: for 2-D top, left, bottom, right).
 */
export interface ConvAttrs {
  outChannels: number;
  kernel: readonly number[];
  strides: readonly number[];
  pads: readonly number[];
  /** Absent: all 1. */
  dilations?: readonly number[];
  group: number;
  bias: boolean;
}

export interface ConvTransposeAttrs extends ConvAttrs {
  /** Extra cells at the end of each spatial axis (ONNX output_padding). Absent: all 0. */
  outputPadding?: readonly number[];
}

export interface PoolAttrs {
  kernel: readonly number[];
  strides: readonly number[];
  /** Two per spatial axis, ONNX order (as ConvAttrs.pads). */
  pads: readonly number[];
  /** Round the output size up (PyTorch / ONNX ceil_mode); a window may not start in the right padding. */
  ceilMode?: boolean;
  /** AveragePool: divide by the full window, padding included (PyTorch's default). */
  countIncludePad?: boolean;
}

/**
 * The constant operand of an element-wise op (a bias, a scale, a layer scale, the 3 of a hard
 * swish). `weight` is its shape (trailing-aligned broadcast onto the other input). A one-element
 * constant is arithmetic, not a parameter, and keeps its value in `scalar`; a larger one is a
 * learned parameter. `constantFirst`: the constant is the left operand (1 - x, 1 / x).
 */
export interface ConstantOperand {
  weight?: readonly number[];
  scalar?: number;
  constantFirst?: boolean;
}

export interface GemmAttrs {
  outFeatures: number;
  bias: boolean;
}

export interface NodeAttrs {
  Conv: ConvAttrs;
  ConvTranspose: ConvTransposeAttrs;
  MaxPool: PoolAttrs;
  AveragePool: PoolAttrs;
  /** Any rank >= 3: [N, C, ...] -> [N, C, 1, ...]. */
  GlobalAveragePool: Record<string, never>;
  /** Mean over `axes` (non-negative, sorted); keepdims keeps them as 1. */
  ReduceMean: { axes: readonly number[]; keepdims: boolean };
  /**
   * Nearest or (bi)linear resampling of the spatial axes to `size` (one value per spatial axis).
   * `coordinateMode` is ONNX's coordinate_transformation_mode; `nearestMode` ONNX's nearest_mode.
   */
  Resize: { size: readonly number[]; mode: 'nearest' | 'linear'; coordinateMode: ResizeCoordinateMode; nearestMode?: ResizeNearestMode };
  BatchNormalization: { epsilon: number };
  /** Normalises over the axes from `axis` on (non-negative); scale and bias of that shape. */
  LayerNormalization: { axis: number; epsilon: number };
  Relu: Record<string, never>;
  Clip: { min: number; max: number };
  LeakyRelu: { alpha: number };
  /** slope: the shape of the learned slope (one value, or one per channel: [C, 1, 1]); always a parameter. */
  PRelu: { slope: readonly number[] };
  Elu: { alpha: number };
  Sigmoid: Record<string, never>;
  Swish: Record<string, never>;
  HardSigmoid: { alpha: number; beta: number };
  HardSwish: Record<string, never>;
  Tanh: Record<string, never>;
  Gelu: { approximate: 'none' | 'tanh' };
  Erf: Record<string, never>;
  Sqrt: Record<string, never>;
  Softmax: { axis: number };
  LogSoftmax: { axis: number };
  Dropout: { ratio: number };
  Add: ConstantOperand;
  Sub: ConstantOperand;
  Mul: ConstantOperand;
  Div: ConstantOperand;
  Pow: ConstantOperand;
  /** Rank-2 input [N, K] -> [N, outFeatures]. */
  Gemm: GemmAttrs;
  /** A linear layer over the last axis at any rank >= 2: [..., K] -> [..., outFeatures] (ONNX MatMul with a constant [K, out] weight, + Add bias). */
  Linear: GemmAttrs;
  /** Two activations, batched: [..., M, K] x [..., K, N] -> [..., M, N]; no weights. */
  MatMul: Record<string, never>;
  Flatten: { axis: number };
  /** The resolved target shape, batch included (no 0 or -1). */
  Reshape: { shape: readonly number[] };
  Transpose: { perm: readonly number[] };
  Concat: { axis: number };
  /** starts / ends / steps per listed axis, resolved: 0 <= start, end clamped, step >= 1. */
  Slice: { axes: readonly number[]; starts: readonly number[]; ends: readonly number[]; steps: readonly number[] };
  /** A Pad that could not join the next Conv or pool: two values per axis (ONNX order), mode and fill value. */
  Pad: { pads: readonly number[]; mode: 'constant' | 'reflect' | 'edge'; value: number };
}

export const RESIZE_COORDINATE_MODES = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'] as const;
export type ResizeCoordinateMode = (typeof RESIZE_COORDINATE_MODES)[number];
export const RESIZE_NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const;
export type ResizeNearestMode = (typeof RESIZE_NEAREST_MODES)[number];

export type GraphNode = {
  [K in OpType]: {
    name: string;
    op: K;
    attrs: NodeAttrs[K];
    /** Tensor indices. */
    inputs: readonly number[];
    outputs: readonly number[];
    /** The architectural unit the node belongs to (e.g. "stage2.layer1"), for breakdowns. */
    block: string;
    /**
     * The name of an earlier node whose stored weights this node reads (one module applied twice):
     * its params and flash are counted once, on that node (PyTorch's parameters() counts a shared
     * tensor once). Absent: the node owns its weights.
     */
    shares?: string;
  };
}[OpType];

export interface TensorInfo {
  name: string;
  shape: readonly number[];
  /** Elements (the product of the shape), kept because every cost model needs it. */
  elements: number;
}

export interface Graph {
  name: string;
  /** Tensor indices of the graph inputs and outputs. */
  inputs: readonly number[];
  outputs: readonly number[];
  tensors: readonly TensorInfo[];
  nodes: readonly GraphNode[];
}

export function tensorElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensorOf(graph: Graph, index: number): TensorInfo {
  const tensor = graph.tensors[index];
  if (!tensor) throw new Error(`graph ${graph.name}: tensor #${index} is not defined`);
  return tensor;
}

/** The first input and the output of a node (every op here has one output). */
export function nodeIo(graph: Graph, node: GraphNode): { input: TensorInfo; output: TensorInfo } {
  return { input: tensorOf(graph, node.inputs[0] as number), output: tensorOf(graph, node.outputs[0] as number) };
}

export function isDepthwiseConv(node: GraphNode, graph: Graph): boolean {
  if (node.op !== 'Conv') return false;
  const cin = tensorOf(graph, node.inputs[0] as number).shape[1];
  return node.attrs.group > 1 && node.attrs.group === cin && node.attrs.outChannels === cin;
}

/**
 * The one graph every model becomes. Nodes run in array order (a topological order, which is
 * also the execution order the memory models use). Nodes refer to tensors by their index in
 * `tensors` (names stay for display and export; indices keep cost evaluation free of hashing).
 * Shapes include the batch dimension (NCHW or NF); weights are not stored: a node's attributes
 * say everything the costs need.
 */
export const OP_TYPES = [
  'Conv',
  'BatchNormalization',
  'Relu',
  'Clip',
  'LeakyRelu',
  'Sigmoid',
  'Swish',
  'HardSigmoid',
  'HardSwish',
  'Add',
  'Mul',
  'GlobalAveragePool',
  'AveragePool',
  'MaxPool',
  'Flatten',
  'Gemm',
  'Concat',
  'Dropout',
] as const;
export type OpType = (typeof OP_TYPES)[number];

/** Ops that map one tensor to one tensor of the same shape, element by element. */
export const UNARY_ELEMENTWISE_OPS: ReadonlySet<OpType> = new Set<OpType>([
  'BatchNormalization',
  'Relu',
  'Clip',
  'LeakyRelu',
  'Sigmoid',
  'Swish',
  'HardSigmoid',
  'HardSwish',
  'Dropout',
]);

export interface ConvAttrs {
  outChannels: number;
  kernel: readonly [number, number];
  strides: readonly [number, number];
  /** top, left, bottom, right */
  pads: readonly [number, number, number, number];
  group: number;
  bias: boolean;
}

export interface PoolAttrs {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  pads: readonly [number, number, number, number];
  /** Round the output size up (PyTorch / ONNX ceil_mode); a window may not start in the right padding. */
  ceilMode?: boolean;
  /** AveragePool: divide by the full window, padding included (PyTorch's default). */
  countIncludePad?: boolean;
}

/** An Add or Mul may also take a learned constant (a bias or a scale) of this shape. */
export interface ConstantOperand {
  weight?: readonly number[];
}

export interface GemmAttrs {
  outFeatures: number;
  bias: boolean;
}

export interface NodeAttrs {
  Conv: ConvAttrs;
  BatchNormalization: { epsilon: number };
  Relu: Record<string, never>;
  Clip: { min: number; max: number };
  LeakyRelu: { alpha: number };
  Sigmoid: Record<string, never>;
  Swish: Record<string, never>;
  HardSigmoid: { alpha: number; beta: number };
  HardSwish: Record<string, never>;
  Add: ConstantOperand;
  Mul: ConstantOperand;
  GlobalAveragePool: Record<string, never>;
  AveragePool: PoolAttrs;
  MaxPool: PoolAttrs;
  Flatten: { axis: number };
  Gemm: GemmAttrs;
  Concat: { axis: number };
  Dropout: { ratio: number };
}

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

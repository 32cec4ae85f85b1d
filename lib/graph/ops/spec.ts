/**
 * The op descriptor: everything the project knows about one op, in one place. The table in
 * ./index.ts is `{ [K in OpType]: OpSpec<K> }`, so a new op in OP_TYPES does not compile until
 * every facet below exists. Shapes (graph/shapes.ts), costs and SRAM (cost/), ONNX export
 * (onnx/export.ts), the DSL (lamda/dsl-*.ts), the latency features (lamda/features.ts), LAMDA's
 * width scaling and the PyTorch interpreter (trainers/torch/graph_module.py) read it; none of
 * them keeps a per-op switch of its own.
 *
 * graph/ is near the bottom of the folder DAG, so the facets that belong to upper layers (ONNX,
 * DSL, features) are plain data here; the upper layer turns them into protobuf, text or numbers.
 */
import type { Graph, GraphNode, NodeAttrs, OpType } from '../types.js';

export type Shape = readonly number[];

/** The node of one op type. */
export type NodeOf<K extends OpType> = Extract<GraphNode, { op: K }>;

/** What shape inference sees: name (already shown for errors), op and attributes. */
export interface ShapeNode<K extends OpType> {
  name: string;
  op: K;
  attrs: NodeAttrs[K];
}

export const OP_FAMILIES = ['conv', 'pool', 'norm', 'activation', 'elementwise', 'matmul', 'shape'] as const;
export type OpFamily = (typeof OP_FAMILIES)[number];

/** Compute and storage of one node, under the conventions of the README's "How costs are counted". */
export interface OpCost {
  /** Multiply-accumulates per image as counted for this op (0 for ops that are not MACs). */
  macs: number;
  /** Learned elements the node stores: weights, biases, BN/LN gamma and beta, PRelu slope; not running statistics, not one-element arithmetic constants. */
  params: number;
  /** int8 deployment with BN folded: 1 byte a weight, + 4 bytes bias + 4 bytes scale per output channel of a conv / linear. */
  flashBytes: number;
}

/**
 * How the SRAM models treat the op.
 * - `compute`: a kernel with weights reading its input and writing its output; the `mcunet` rule
 *   charges input + output (Conv, ConvTranspose, Gemm, Linear, MatMul).
 * - `inplace`: same shape as its input; `liveness` lets the output take the input's buffer when
 *   the input dies there (activations, BN, LN, Dropout; Flatten and Reshape too, as views).
 * - `copy`: writes a new buffer; `mcunet` does not charge it, `liveness` holds both.
 */
export type SramRole = 'compute' | 'inplace' | 'copy';

/** How a DSL attribute value is written: `count` positive integer, `dims` 3x3 (or 3), `pads` 1,1,1,1, `bool` 0/1, `shape` 1x64x1x1 or scalar, `ints` 0,2,1,3, `word` one of a list. */
export type AttrKind = 'count' | 'int' | 'dims' | 'pads' | 'bool' | 'float' | 'shape' | 'ints' | 'word';

export interface AttrSpec {
  /** The key in the text (`k` in `k=3x3`). */
  key: string;
  /** The NodeAttrs property; `cin` (the input channels) has none: it is derived, checked on parse. */
  prop?: string;
  kind: AttrKind;
  /** Optional in NodeAttrs: written only when the graph sets it. */
  optional?: boolean;
  /** `word` kind: the allowed words. */
  words?: readonly string[];
  /** What a value looks like, for error messages ("a kernel like 3x3"). */
  expected: string;
}

/**
 * The kernel a node runs as in onnxruntime's CPU provider, for the latency features
 * (lamda/features.ts). 'fused' is never a base kind: features.ts decides fusion from the graph.
 */
export const KERNEL_KINDS = [
  'conv',
  'conv-pointwise',
  'conv-depthwise',
  'conv-grouped',
  'gemm',
  'pool',
  'global-pool',
  'elementwise',
  'concat',
  'activation',
  'fused',
  'free',
] as const;
export type KernelKind = (typeof KERNEL_KINDS)[number];

/** An ONNX attribute value as plain data (onnx/export.ts turns it into an AttributeProto). */
export type OnnxAttrValue = number | readonly number[] | string | { float: number };

/**
 * How an exported weight is drawn (seeded by the exporter): He-normal with this fan-in, zeros,
 * ones, a fixed value (every element), 'uniform' in [0.5, 1.5) (a scale near 1, as weights.ts
 * uniform(rng, n, 0.5, 1.5)), `gaussian` normal with mean 0 and this std (a bias near 0), BN
 * statistics; `int64`: an INT64 tensor holding exactly these values (Reshape targets, Slice
 * starts/ends/axes/steps, Pad pads), not drawn.
 */
export type WeightInit =
  | { he: number }
  | 'zeros'
  | 'ones'
  | { value: number }
  | 'uniform'
  | { gaussian: number }
  | { int64: readonly number[] }
  | 'bn-scale'
  | 'bn-bias'
  | 'bn-mean'
  | 'bn-var';

/** An initializer an exported node reads: named `${node.name}.${suffix}`. */
export interface OnnxWeight {
  suffix: string;
  dims: readonly number[];
  init: WeightInit;
}

/**
 * One ONNX node of an op's export. `inputs` are, in order: `{ tensor: i }` the node's i-th graph
 * input, `{ weight }` an initializer, `{ from: k }` the output of the k-th sketch of the same
 * export, or '' (an absent optional input). The last sketch writes the node's output.
 */
export interface OnnxSketch {
  opType: string;
  /**
   * Names of a sketch that is not the last: its ONNX node is `<node name>.<name>` and it writes
   * the tensor `<node's output tensor name>.<output>` (Swish: name 'sigmoid', output 'gate', as
   * exports have always been named). Absent: `.<k>`, k the sketch's index. The last sketch is
   * always named as the graph node and writes the node's output tensor.
   */
  name?: string;
  output?: string;
  inputs: readonly ({ tensor: number } | { weight: OnnxWeight } | { from: number } | '')[];
  attributes: Readonly<Record<string, OnnxAttrValue>>;
}

/** The one descriptor of an op. */
export interface OpSpec<K extends OpType> {
  family: OpFamily;
  /** Graph tensor inputs (constants are attributes, not inputs): [min, max]. */
  arity: readonly [number, number];
  /**
   * The output shape from the input shapes, after checking attributes (finite floats, axes in
   * range, kernels that fit) and sizes against graph/bounds.ts.
   * @throws InputError naming `${node.name}.${attribute}`, the value and what is allowed.
   */
  shape(node: ShapeNode<K>, inputs: readonly Shape[]): Shape;
  /** Costs of one node whose shapes are already inferred (graph tensors hold them); ignores `shares` (cost/ handles it). */
  cost(node: NodeOf<K>, graph: Graph): OpCost;
  sram: SramRole;
  /** The node as ONNX nodes and initializers (weights drawn by the exporter). */
  onnx(node: NodeOf<K>, graph: Graph): readonly OnnxSketch[];
  /** ONNX op types whose import handlers may produce this op (onnx/import/ has a handler for each). */
  onnxImport: readonly string[];
  /** DSL attributes in written order (lamda/dsl-write.ts, dsl-read.ts). */
  dsl: readonly AttrSpec[];
  /** The base kernel kind for the latency features (before fusion). */
  kernelKind(node: NodeOf<K>, graph: Graph): KernelKind;
  /** Element-wise ops onnxruntime fuses into a preceding conv / Gemm (features.ts); false for the rest. */
  fusable: boolean;
  /** Output channels (or features) LAMDA's width search may scale; null: width scaling does not apply. */
  width: { get(attrs: NodeAttrs[K]): number; set(attrs: NodeAttrs[K], channels: number): NodeAttrs[K] } | null;
  /** Its PyTorch counterpart, as trainers/torch/graph_module.py builds it (a conformance test runs both). */
  torch: string;
}

export type OpTable = { readonly [K in OpType]: OpSpec<K> };

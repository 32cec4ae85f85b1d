/**
 * nn-Meter-style latency features: every node is classified into the kernel it runs as in
 * onnxruntime's CPU provider (with BN folded into the conv before it, and activations fused
 * into the conv or Gemm before them), and per kernel kind the features sum node counts, MACs
 * and bytes moved (float32 activations in and out, weights). The predictor is linear in these,
 * so a graph's latency splits into per-node contributions.
 *
 * What the kinds and columns are was chosen by measurement (held-out and leave-one-family-out
 * error of the fitted predictor, and profiles of onnxruntime sessions):
 * - convs split by kind (regular, 1x1, depthwise, other grouped) and by layout: onnxruntime's
 *   NCHWc transformer runs most convs in a blocked layout with channels padded to the CPU's
 *   block (MLAS: 16 floats with AVX-512, 8 without; see runsNchwc), others plain (im2col +
 *   GEMM), 2-3x slower for depthwise convs; blocked MACs are counted padded;
 * - regular conv MACs split into 3x3-and-smaller and 5x5-and-larger kernels, depthwise MACs into
 *   stride 1 and strided: their MAC rates differ;
 * - `reorder.io_mb`: activations converted between the plain and blocked layouts;
 * - BN after a conv is folded into it, Relu / Clip / LeakyRelu / Sigmoid / HardSigmoid after a
 *   conv or Gemm fused ('fused'); Flatten and Dropout cost nothing ('free').
 * Tried and dropped (no better held-out error): large-Gemm weights beyond the cache, small-map,
 * small-channel and wide-layer MAC partitions, first-conv (cin < 16) partitions, depthwise
 * kernel-size partitions.
 */
import { nodeCost } from '../cost/layer-costs.js';
import { InputError } from '../errors.js';
import { OPS } from '../graph/ops/index.js';
import type { OpFamily } from '../graph/ops/spec.js';
import { KERNEL_KINDS, type KernelKind } from '../graph/ops/spec.js';
import type { ConvAttrs, Graph, GraphNode, OpType } from '../graph/types.js';
import { isDepthwiseConv } from '../graph/types.js';

export { KERNEL_KINDS, type KernelKind } from '../graph/ops/spec.js';

export interface GraphFeatures {
  names: string[];
  values: number[];
  /** The NCHWc block the layout features were computed with (absent in old records: NCHWC_BLOCK, 16). */
  nchwcBlock?: number;
}

export interface NodeFeatureRow {
  node: string;
  op: string;
  kind: KernelKind;
  /** Aligned with FEATURE_NAMES. */
  values: number[];
}

/**
 * onnxruntime's NCHWc block on the reference CPU the shipped predictor was trained on (16 floats
 * with AVX-512; MLAS uses 8 on other x86-64 CPUs, see mlasNchwcBlockSize in runtime/device.ts).
 * The default of every function here that takes a block.
 */
export const NCHWC_BLOCK = 16;

/** The NCHWc block sizes MLAS uses: 1 (no NCHWc kernels: not x86-64), 8 (x86-64), 16 (AVX-512F). */
export const NCHWC_BLOCKS: readonly number[] = [1, 8, 16];

function checkBlock(block: number): number {
  if (!NCHWC_BLOCKS.includes(block)) throw new InputError('nchwcBlock', block, `${NCHWC_BLOCKS.join(', ')} (the NCHWc block sizes of onnxruntime's MLAS)`);
  return block;
}

/**
 * The ops onnxruntime's graph optimizer fuses into: BatchNormalization folds into a Conv
 * (ConvBNFusion); a fusable activation (OPS[op].fusable) into a Conv (ConvActivationFusion) or a
 * Gemm (GemmActivationFusion).
 */
const BN_FOLDS_INTO: ReadonlySet<OpType> = new Set<OpType>(['Conv']);
const ACTIVATION_FUSES_INTO: ReadonlySet<OpType> = new Set<OpType>(['Conv', 'Gemm']);

/** The base kernel kind of a node: its descriptor's kernelKind (graph/ops). */
function baseKind(node: GraphNode, graph: Graph): KernelKind {
  return (OPS[node.op].kernelKind as (n: GraphNode, g: Graph) => KernelKind)(node, graph);
}

const MEGA = 1e6;

/** A per-node measurement a feature column sums. */
interface NodeFacts {
  kind: KernelKind;
  macs: number;
  /** float32 bytes of the activations read and written, in MB. */
  ioMB: number;
  /** float32 bytes of the weights, in MB. */
  weightMB: number;
  /** Whether onnxruntime runs the conv in its blocked NCHWc layout (runsNchwc). */
  nchwc: boolean;
  /** MACs with channel counts padded to the NCHWc block (what the blocked kernel computes). */
  paddedMacs: number;
  /** MB of activations onnxruntime reorders between the plain and the NCHWc layout before this node. */
  reorderMB: number;
  /** Kernel height and stride (convs; 0 for other ops). */
  kernel: number;
  stride: number;
}

type Column = { name: string; value: (f: NodeFacts) => number };

const CONV_KINDS: readonly KernelKind[] = ['conv', 'conv-pointwise', 'conv-depthwise', 'conv-grouped'];

function columns(): Column[] {
  const cols: Column[] = [{ name: 'graph.constant', value: () => 0 }];
  for (const kind of CONV_KINDS) {
    for (const layout of ['nchwc', 'plain'] as const) {
      const on = (f: NodeFacts) => f.kind === kind && f.nchwc === (layout === 'nchwc');
      cols.push({ name: `${kind}.${layout}.count`, value: (f) => (on(f) ? 1 : 0) });
      const macs = (f: NodeFacts) => (layout === 'nchwc' ? f.paddedMacs : f.macs) / MEGA;
      if (kind === 'conv') {
        // Large regular kernels (5x5 and up: stems, AlexNet) run at another MAC rate than 3x3.
        cols.push({ name: `${kind}.${layout}.mmacs`, value: (f) => (on(f) && f.kernel <= 3 ? macs(f) : 0) });
        cols.push({ name: `${kind}.${layout}.mmacs_k5plus`, value: (f) => (on(f) && f.kernel > 3 ? macs(f) : 0) });
      } else if (kind === 'conv-depthwise') {
        // A strided depthwise conv reads four inputs a MAC output position: another rate.
        cols.push({ name: `${kind}.${layout}.mmacs`, value: (f) => (on(f) && f.stride === 1 ? macs(f) : 0) });
        cols.push({ name: `${kind}.${layout}.mmacs_s2`, value: (f) => (on(f) && f.stride > 1 ? macs(f) : 0) });
      } else {
        cols.push({ name: `${kind}.${layout}.mmacs`, value: (f) => (on(f) ? macs(f) : 0) });
      }
      cols.push({ name: `${kind}.${layout}.io_mb`, value: (f) => (on(f) ? f.ioMB : 0) });
      cols.push({ name: `${kind}.${layout}.weight_mb`, value: (f) => (on(f) ? f.weightMB : 0) });
    }
  }
  cols.push({ name: 'gemm.count', value: (f) => (f.kind === 'gemm' ? 1 : 0) });
  cols.push({ name: 'gemm.mmacs', value: (f) => (f.kind === 'gemm' ? f.macs / MEGA : 0) });
  cols.push({ name: 'gemm.weight_mb', value: (f) => (f.kind === 'gemm' ? f.weightMB : 0) });
  cols.push({ name: 'reorder.io_mb', value: (f) => f.reorderMB });
  for (const kind of ['pool', 'global-pool', 'elementwise', 'concat', 'activation'] as const) {
    cols.push({ name: `${kind}.count`, value: (f) => (f.kind === kind ? 1 : 0) });
    cols.push({ name: `${kind}.io_mb`, value: (f) => (f.kind === kind ? f.ioMB : 0) });
  }
  cols.push({ name: 'fused.io_mb', value: (f) => (f.kind === 'fused' ? f.ioMB : 0) });
  return cols;
}

const COLUMNS = columns();

const ALL_COLUMNS: readonly number[] = COLUMNS.map((_, k) => k).slice(1);
/** The columns a node of each kind can be non-zero in (named `kind.*`), and the reorder column every node has. */
const KIND_COLUMNS = new Map<string, number[]>(
  KERNEL_KINDS.map((kind) => [kind, ALL_COLUMNS.filter((k) => (COLUMNS[k] as Column).name.startsWith(`${kind}.`) || (COLUMNS[k] as Column).name === 'reorder.io_mb')]),
);

/** The feature names, in the order of every values array. */
export const FEATURE_NAMES: readonly string[] = COLUMNS.map((c) => c.name);

/** Which node produced each tensor, and how many nodes read it. */
function topology(graph: Graph): { producer: number[]; consumers: number[] } {
  const producer = graph.tensors.map(() => -1);
  const consumers = graph.tensors.map(() => 0);
  graph.nodes.forEach((node, i) => {
    for (const t of node.outputs) producer[t] = i;
    for (const t of node.inputs) consumers[t] = (consumers[t] as number) + 1;
  });
  for (const t of graph.outputs) consumers[t] = (consumers[t] as number) + 1;
  return { producer, consumers };
}

/**
 * The kernel kind of every node: its descriptor's kernelKind, except that a BatchNormalization
 * right after a Conv (its only reader) is folded into it, and a fusable activation (OPS[op].fusable:
 * Relu, Clip, LeakyRelu, Sigmoid, HardSigmoid) right after a Conv or a Gemm (possibly through
 * such a BN) is fused into it: both are 'fused'.
 */
export function nodeKinds(graph: Graph): KernelKind[] {
  const { producer, consumers } = topology(graph);
  const kinds: KernelKind[] = [];
  graph.nodes.forEach((node) => {
    const from = producer[node.inputs[0] as number] as number;
    const fromNode = from >= 0 ? graph.nodes[from] : undefined;
    const single = (consumers[node.inputs[0] as number] as number) === 1;
    const base = baseKind(node, graph);
    let kind: KernelKind = base;
    if (node.op === 'BatchNormalization') {
      if (fromNode !== undefined && BN_FOLDS_INTO.has(fromNode.op) && single) kind = 'fused';
    } else if (OPS[node.op].fusable) {
      const intoConv = fromNode !== undefined && single && (ACTIVATION_FUSES_INTO.has(fromNode.op) || (fromNode.op === 'BatchNormalization' && kinds[from] === 'fused'));
      if (intoConv) kind = 'fused';
    }
    kinds.push(kind);
  });
  return kinds;
}

/** Rounds channels up to the NCHWc block. */
function padded(channels: number, block: number): number {
  return Math.ceil(channels / block) * block;
}

/**
 * Whether onnxruntime's NCHWc transformer runs this conv in the blocked layout on a CPU whose
 * MLAS NCHWc block is `block` (TransformConv in onnxruntime/core/optimizer/nchwc_transformer.cc;
 * checked against the kernels onnxruntime 1.30 runs on AVX2, block 8, and AVX-512, block 16).
 * Channels are padded up to the block, and the plain-to-blocked input reorder needs a multiple
 * of 4 channels:
 * - group 1: cin < block (the conv then reads its plain NCHW input as it is), or cin a
 *   multiple of 4; cout is free (padded);
 * - depthwise (group = cin = cout): channels a multiple of 4;
 * - other grouped convs: cin / group and cout / group both multiples of the block.
 * Block 1 means MLAS has no NCHWc kernels on the CPU: every conv runs plain; 1-D and 3-D convs
 * and ConvTranspose always run plain.
 */
export function runsNchwc(graph: Graph, node: GraphNode, block: number): boolean {
  checkBlock(block);
  // The NCHWc transformer rewrites 2-D convs only (a 4-D weight).
  if (node.op !== 'Conv' || block <= 1 || node.attrs.kernel.length !== 2) return false;
  const cin = graph.tensors[node.inputs[0] as number]?.shape[1] as number;
  const cout = node.attrs.outChannels;
  const group = node.attrs.group;
  if (group === 1) return cin < block || cin % 4 === 0;
  if (isDepthwiseConv(node, graph)) return cout % 4 === 0;
  return cin % group === 0 && cout % group === 0 && (cin / group) % block === 0 && (cout / group) % block === 0;
}

/**
 * Whether a conv that runs blocked reads its input reordered into the blocked layout: all but a
 * group-1 conv with cin < block, which reads its plain NCHW input (a grouped one is reordered even then).
 */
function readsBlockedInput(group: number, cin: number, block: number): boolean {
  return group > 1 || cin >= block;
}

/** Op families whose nodes keep the layout of their (first) input in onnxruntime's NCHWc graph. */
const LAYOUT_PRESERVING_FAMILIES: ReadonlySet<OpFamily> = new Set<OpFamily>(['norm', 'activation', 'elementwise', 'pool']);

/**
 * Whether a node keeps its first input's layout (blocked stays blocked): the element-wise,
 * normalisation, activation and pooling families, except nodes that run as nothing ('free':
 * Dropout), which read the plain layout.
 */
function preservesLayout(node: GraphNode, graph: Graph): boolean {
  return LAYOUT_PRESERVING_FAMILIES.has(OPS[node.op].family) && baseKind(node, graph) !== 'free';
}

function factsOf(graph: Graph, kinds: readonly KernelKind[], block: number): NodeFacts[] {
  // Layout propagation: which tensors are in the blocked layout, and what gets reordered where.
  const blocked = graph.tensors.map(() => false);
  const reordered = new Set<number>();
  return graph.nodes.map((node, i) => {
    const kind = kinds[i] as KernelKind;
    const cost = nodeCost(node, graph);
    const out = graph.tensors[node.outputs[0] as number];
    const inElements = node.inputs.reduce((s, t) => s + (graph.tensors[t]?.elements ?? 0), 0);
    const ioMB = ((inElements + (out?.elements ?? 0)) * 4) / MEGA;
    const inShape = graph.tensors[node.inputs[0] as number]?.shape ?? [];
    const outShape = out?.shape ?? [];
    const cin = (inShape[1] as number) ?? 0;
    const cout = (outShape[1] as number) ?? 0;
    const nchwc = runsNchwc(graph, node, block);
    let reorderMB = 0;
    const reorder = (t: number) => {
      if (reordered.has(t)) return;
      reordered.add(t);
      reorderMB += ((graph.tensors[t]?.elements ?? 0) * 4) / MEGA;
    };
    let outBlocked = false;
    if (node.op === 'Conv' && nchwc) {
      const x = node.inputs[0] as number;
      if (!blocked[x] && readsBlockedInput(node.attrs.group, cin, block)) reorder(x);
      outBlocked = true;
    } else if (preservesLayout(node, graph)) {
      outBlocked = blocked[node.inputs[0] as number] as boolean;
      for (const t of node.inputs.slice(1)) if (blocked[t] !== outBlocked) reorder(t);
    } else if (node.op === 'Concat') {
      outBlocked = node.inputs.every((t) => blocked[t] && (graph.tensors[t]?.shape[1] as number) % block === 0);
      if (!outBlocked) for (const t of node.inputs) if (blocked[t]) reorder(t);
    } else {
      for (const t of node.inputs) if (blocked[t]) reorder(t);
    }
    for (const t of node.outputs) blocked[t] = outBlocked;
    const paddedMacs = node.op === 'Conv' && nchwc ? cost.macs * (padded(cout, block) / cout) * (cin >= block && !isDepthwiseConv(node, graph) ? padded(cin, block) / cin : 1) : cost.macs;
    // The weights the node reads (its cost's params, shared ones too: every call reads them); only the conv and gemm columns use them.
    const weightMB = (cost.params * 4) / MEGA;
    // Kernel and stride of the first spatial axis (the height of a 2-D conv).
    const window = OPS[node.op].family === 'conv' ? (node.attrs as ConvAttrs) : undefined;
    const kernel = window?.kernel[0] ?? 0;
    const stride = window?.strides[0] ?? 0;
    return { kind, macs: cost.macs, paddedMacs, reorderMB, ioMB, weightMB, nchwc, kernel, stride };
  });
}

/**
 * Per-node feature rows (the graph constant is in no row: graphFeatures adds it), with the
 * layout features of a CPU whose NCHWc block is `nchwcBlock` (default: the reference CPU's 16).
 */
export function nodeFeatures(graph: Graph, nchwcBlock: number = NCHWC_BLOCK): NodeFeatureRow[] {
  const kinds = nodeKinds(graph);
  const facts = factsOf(graph, kinds, checkBlock(nchwcBlock));
  return graph.nodes.map((node, i) => {
    const f = facts[i] as NodeFacts;
    return { node: node.name, op: node.op, kind: f.kind, values: COLUMNS.map((c) => c.value(f)) };
  });
}

/** The graph's features: the column sums of nodeFeatures, plus graph.constant = 1 (block as for nodeFeatures, and recorded). */
export function graphFeatures(graph: Graph, nchwcBlock: number = NCHWC_BLOCK): GraphFeatures {
  const values = COLUMNS.map(() => 0);
  // The column sums of nodeFeatures without building its rows (validation asks this per candidate).
  for (const f of factsOf(graph, nodeKinds(graph), checkBlock(nchwcBlock))) {
    for (const k of KIND_COLUMNS.get(f.kind) ?? ALL_COLUMNS) values[k] = (values[k] as number) + (COLUMNS[k] as Column).value(f);
  }
  values[0] = 1;
  return { names: [...FEATURE_NAMES], values, nchwcBlock };
}

/**
 * nn-Meter-style latency features: every node is classified into the kernel it runs as in
 * onnxruntime's CPU provider (with BN folded into the conv before it, and activations fused
 * into the conv or Gemm before them), and per kernel kind the features sum node counts, MACs
 * and bytes moved (float32 activations in and out, weights). The predictor is linear in these,
 * so a graph's latency splits into per-node contributions.
 */
import { nodeCost } from '../cost/layer-costs.js';
import type { Graph, GraphNode, OpType } from '../graph/types.js';
import { isDepthwiseConv } from '../graph/types.js';

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

export interface GraphFeatures {
  names: string[];
  values: number[];
}

export interface NodeFeatureRow {
  node: string;
  op: string;
  kind: KernelKind;
  /** Aligned with FEATURE_NAMES. */
  values: number[];
}

/** onnxruntime's NCHWc block on this kind of CPU (16 floats with AVX-512, 8 with AVX2). */
export const NCHWC_BLOCK = 16;

const FUSABLE_ACTIVATIONS: ReadonlySet<OpType> = new Set<OpType>(['Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'HardSigmoid']);

const MEGA = 1e6;

/** A per-node measurement a feature column sums. */
interface NodeFacts {
  kind: KernelKind;
  macs: number;
  /** float32 bytes of the activations read and written, in MB. */
  ioMB: number;
  /** float32 bytes of the weights, in MB. */
  weightMB: number;
  /** Whether onnxruntime can run the conv in its blocked NCHWc layout (channel counts multiples of the block). */
  nchwc: boolean;
  /** Output channels (conv/gemm), spatial output positions. */
  cout: number;
  cin: number;
  positions: number;
}

type Column = { name: string; value: (f: NodeFacts) => number };

const CONV_KINDS: readonly KernelKind[] = ['conv', 'conv-pointwise', 'conv-depthwise', 'conv-grouped'];

function columns(): Column[] {
  const cols: Column[] = [{ name: 'graph.constant', value: () => 0 }];
  for (const kind of CONV_KINDS) {
    for (const layout of ['nchwc', 'plain'] as const) {
      const on = (f: NodeFacts) => f.kind === kind && f.nchwc === (layout === 'nchwc');
      cols.push({ name: `${kind}.${layout}.count`, value: (f) => (on(f) ? 1 : 0) });
      cols.push({ name: `${kind}.${layout}.mmacs`, value: (f) => (on(f) ? f.macs / MEGA : 0) });
      cols.push({ name: `${kind}.${layout}.io_mb`, value: (f) => (on(f) ? f.ioMB : 0) });
      cols.push({ name: `${kind}.${layout}.weight_mb`, value: (f) => (on(f) ? f.weightMB : 0) });
    }
  }
  cols.push({ name: 'gemm.count', value: (f) => (f.kind === 'gemm' ? 1 : 0) });
  cols.push({ name: 'gemm.mmacs', value: (f) => (f.kind === 'gemm' ? f.macs / MEGA : 0) });
  cols.push({ name: 'gemm.weight_mb', value: (f) => (f.kind === 'gemm' ? f.weightMB : 0) });
  for (const kind of ['pool', 'global-pool', 'elementwise', 'concat', 'activation'] as const) {
    cols.push({ name: `${kind}.count`, value: (f) => (f.kind === kind ? 1 : 0) });
    cols.push({ name: `${kind}.io_mb`, value: (f) => (f.kind === kind ? f.ioMB : 0) });
  }
  cols.push({ name: 'fused.io_mb', value: (f) => (f.kind === 'fused' ? f.ioMB : 0) });
  return cols;
}

const COLUMNS = columns();

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
 * The kernel kind of every node. A BatchNormalization right after a conv (its only reader) is
 * folded into it; a Relu / Clip / LeakyRelu / Sigmoid / HardSigmoid right after a conv or a
 * Gemm (possibly through such a BN) is fused into it: both are 'fused'.
 */
export function nodeKinds(graph: Graph): KernelKind[] {
  const { producer, consumers } = topology(graph);
  const kinds: KernelKind[] = [];
  graph.nodes.forEach((node, i) => {
    const from = producer[node.inputs[0] as number] as number;
    const fromNode = from >= 0 ? graph.nodes[from] : undefined;
    const single = (consumers[node.inputs[0] as number] as number) === 1;
    let kind: KernelKind;
    switch (node.op) {
      case 'Conv':
        if (isDepthwiseConv(node, graph)) kind = 'conv-depthwise';
        else if (node.attrs.group > 1) kind = 'conv-grouped';
        else if (node.attrs.kernel[0] === 1 && node.attrs.kernel[1] === 1) kind = 'conv-pointwise';
        else kind = 'conv';
        break;
      case 'Gemm':
        kind = 'gemm';
        break;
      case 'MaxPool':
      case 'AveragePool':
        kind = 'pool';
        break;
      case 'GlobalAveragePool':
        kind = 'global-pool';
        break;
      case 'Add':
      case 'Mul':
        kind = 'elementwise';
        break;
      case 'Concat':
        kind = 'concat';
        break;
      case 'Flatten':
      case 'Dropout':
        kind = 'free';
        break;
      case 'BatchNormalization':
        kind = fromNode?.op === 'Conv' && single ? 'fused' : 'activation';
        break;
      default: {
        const intoConv = fromNode !== undefined && single && (fromNode.op === 'Conv' || fromNode.op === 'Gemm' || (fromNode.op === 'BatchNormalization' && kinds[from] === 'fused'));
        kind = FUSABLE_ACTIVATIONS.has(node.op) && intoConv ? 'fused' : 'activation';
      }
    }
    kinds.push(kind);
    void i;
  });
  return kinds;
}

function factsOf(graph: Graph, node: GraphNode, kind: KernelKind): NodeFacts {
  const cost = nodeCost(node, graph);
  const out = graph.tensors[node.outputs[0] as number];
  const inElements = node.inputs.reduce((s, t) => s + (graph.tensors[t]?.elements ?? 0), 0);
  const ioMB = ((inElements + (out?.elements ?? 0)) * 4) / MEGA;
  const inShape = graph.tensors[node.inputs[0] as number]?.shape ?? [];
  const outShape = out?.shape ?? [];
  const cin = (inShape[1] as number) ?? 0;
  const cout = (outShape[1] as number) ?? 0;
  const positions = outShape.slice(2).reduce((p, d) => p * d, 1);
  let nchwc = false;
  if (node.op === 'Conv') {
    if (kind === 'conv-depthwise') nchwc = cout % NCHWC_BLOCK === 0;
    else if (node.attrs.group === 1) nchwc = cout % NCHWC_BLOCK === 0 && (cin % NCHWC_BLOCK === 0 || cin < NCHWC_BLOCK);
  }
  const weightMB = node.op === 'Conv' || node.op === 'Gemm' ? (cost.params * 4) / MEGA : 0;
  return { kind, macs: cost.macs, ioMB, weightMB, nchwc, cout, cin, positions };
}

/** Per-node feature rows (the graph constant is in no row: graphFeatures adds it). */
export function nodeFeatures(graph: Graph): NodeFeatureRow[] {
  const kinds = nodeKinds(graph);
  return graph.nodes.map((node, i) => {
    const kind = kinds[i] as KernelKind;
    const facts = factsOf(graph, node, kind);
    return { node: node.name, op: node.op, kind, values: COLUMNS.map((c) => c.value(facts)) };
  });
}

/** The graph's features: the column sums of nodeFeatures, plus graph.constant = 1. */
export function graphFeatures(graph: Graph): GraphFeatures {
  const values = COLUMNS.map(() => 0);
  for (const row of nodeFeatures(graph)) row.values.forEach((v, k) => (values[k] = (values[k] as number) + v));
  values[0] = 1;
  return { names: [...FEATURE_NAMES], values };
}

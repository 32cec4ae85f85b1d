import type { Graph, GraphNode } from '../graph/types.js';
import { isDepthwiseConv, tensorElements, tensorOf, UNARY_ELEMENTWISE_OPS } from '../graph/types.js';

export const SRAM_MODELS = ['mcunet', 'liveness'] as const;
export type SramModel = (typeof SRAM_MODELS)[number];

export interface SramOptions {
  model: SramModel;
  /** Depthwise convs write over their own input (TinyEngine style); see README. */
  inplaceDepthwise?: boolean;
}

export interface SramProfile {
  peakBytes: number;
  /** Bytes the model charges at each node's step, aligned with graph.nodes (0 where it charges nothing). */
  stepBytes: number[];
}

const BYTES_PER_ELEMENT = 1; // int8 activations

/** Index of the last node that reads each tensor (graph outputs live to the end). */
function lastUse(graph: Graph): Map<string, number> {
  const last = new Map<string, number>();
  graph.nodes.forEach((node, i) => node.inputs.forEach((id) => last.set(id, i)));
  for (const id of graph.outputs) last.set(id, graph.nodes.length);
  return last;
}

function bytes(graph: Graph, id: string): number {
  return tensorElements(tensorOf(graph, id).shape) * BYTES_PER_ELEMENT;
}

/** One output plane of a depthwise conv: the scratch an in-place depthwise kernel needs. */
function depthwisePlane(graph: Graph, node: GraphNode): number {
  const s = tensorOf(graph, node.outputs[0] as string).shape;
  return (s[2] as number) * (s[3] as number) * BYTES_PER_ELEMENT;
}

export function peakSram(graph: Graph, options: SramOptions): SramProfile {
  return options.model === 'mcunet' ? mcunetRule(graph, options) : liveness(graph, options);
}

/**
 * mcunet's count_peak_activation_size, stated on a graph: every Conv or Gemm costs its input
 * plus its output; a depthwise conv also pays for every tensor that is live across it (the
 * block input a residual Add still needs). Other ops are not charged.
 */
function mcunetRule(graph: Graph, options: SramOptions): SramProfile {
  const last = lastUse(graph);
  const born = new Map<string, number>();
  for (const id of graph.inputs) born.set(id, -1);
  graph.nodes.forEach((node, i) => born.set(node.outputs[0] as string, i));
  const stepBytes = graph.nodes.map((node, i) => {
    if (node.op !== 'Conv' && node.op !== 'Gemm') return 0;
    const input = node.inputs[0] as string;
    const output = node.outputs[0] as string;
    if (!isDepthwiseConv(node, graph)) return bytes(graph, input) + bytes(graph, output);
    const own = options.inplaceDepthwise && last.get(input) === i
      ? Math.max(bytes(graph, input), bytes(graph, output)) + depthwisePlane(graph, node)
      : bytes(graph, input) + bytes(graph, output);
    let across = 0;
    for (const [id, end] of last) {
      if (id !== input && (born.get(id) ?? Infinity) < i && end > i) across += bytes(graph, id);
    }
    return own + across;
  });
  return { peakBytes: Math.max(0, ...stepBytes), stepBytes };
}

/**
 * Tensor lifetimes over the execution order: a tensor is live from its producer to its last
 * consumer. Unary element-wise ops (BN, activations, dropout) and Flatten run in place when
 * their input dies there (they are fused into the producer in an int8 deployment); with
 * inplaceDepthwise a depthwise conv whose input dies there writes over it.
 */
function liveness(graph: Graph, options: SramOptions): SramProfile {
  const last = lastUse(graph);
  const size = new Map<string, number>();
  let live = 0;
  for (const id of graph.inputs) {
    size.set(id, bytes(graph, id));
    live += size.get(id) as number;
  }
  const stepBytes = graph.nodes.map((node, i) => {
    const input = node.inputs[0] as string;
    const output = node.outputs[0] as string;
    const inputDiesHere = last.get(input) === i && node.inputs.length === 1;
    const outBytes = bytes(graph, output);
    let step: number;
    if (inputDiesHere && (UNARY_ELEMENTWISE_OPS.has(node.op) || node.op === 'Flatten')) {
      step = live; // the output takes the input's buffer
      live += outBytes - (size.get(input) as number);
      size.set(input, 0);
    } else if (inputDiesHere && options.inplaceDepthwise && isDepthwiseConv(node, graph)) {
      const inBytes = size.get(input) as number;
      step = live - inBytes + Math.max(inBytes, outBytes) + depthwisePlane(graph, node);
      live += outBytes - inBytes;
      size.set(input, 0);
    } else {
      live += outBytes;
      step = live;
    }
    size.set(output, outBytes);
    for (const id of new Set(node.inputs)) {
      if (last.get(id) === i) {
        live -= size.get(id) as number;
        size.set(id, 0);
      }
    }
    return step;
  });
  return { peakBytes: Math.max(0, ...stepBytes), stepBytes };
}

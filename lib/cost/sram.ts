import { OPS } from '../graph/ops/index.js';
import type { Graph, GraphNode } from '../graph/types.js';
import { isDepthwiseConv, nodeIo } from '../graph/types.js';

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

interface Lifetimes {
  /** Step that produces each tensor (-1 for graph inputs). */
  born: number[];
  /** Last step that reads each tensor (graph outputs live past the last step). */
  last: number[];
  bytes: number[];
}

function lifetimes(graph: Graph): Lifetimes {
  const n = graph.tensors.length;
  const born: number[] = new Array<number>(n).fill(-1);
  const last: number[] = new Array<number>(n).fill(-1);
  const bytes: number[] = graph.tensors.map((t) => t.elements * BYTES_PER_ELEMENT);
  for (let step = 0; step < graph.nodes.length; step++) {
    const node = graph.nodes[step] as GraphNode;
    for (const t of node.inputs) last[t] = step;
    for (const t of node.outputs) born[t] = step;
  }
  for (const t of graph.outputs) last[t] = graph.nodes.length;
  return { born, last, bytes };
}

function profile(stepBytes: number[]): SramProfile {
  let peakBytes = 0;
  for (const b of stepBytes) if (b > peakBytes) peakBytes = b;
  return { peakBytes, stepBytes };
}

/** One output plane of a depthwise conv (its spatial axes, 1-D to 3-D): the scratch an in-place depthwise kernel needs. */
function depthwisePlane(graph: Graph, node: GraphNode): number {
  let plane = 1;
  for (const d of nodeIo(graph, node).output.shape.slice(2)) plane *= d;
  return plane * BYTES_PER_ELEMENT;
}

export function peakSram(graph: Graph, options: SramOptions): SramProfile {
  return options.model === 'mcunet' ? mcunetRule(graph, options) : liveness(graph, options);
}

/**
 * mcunet's count_peak_activation_size, stated on a graph: every node whose op has the SRAM role
 * 'compute' (Conv, ConvTranspose, Gemm, Linear, MatMul: graph/ops) costs its inputs plus its
 * output (MatMul: both inputs); a depthwise conv also pays for every tensor that is live across
 * it (the block input a residual Add still needs). Other ops are not charged.
 */
function mcunetRule(graph: Graph, options: SramOptions): SramProfile {
  const { born, last, bytes } = lifetimes(graph);
  const steps = graph.nodes.length;
  // across[s]: bytes of tensors produced before step s and read after it (difference array).
  const across: number[] = new Array<number>(steps + 1).fill(0);
  for (let t = 0; t < bytes.length; t++) {
    const from = (born[t] as number) + 1;
    const to = last[t] as number;
    if (from < to) {
      across[from] = (across[from] as number) + (bytes[t] as number);
      across[to] = (across[to] as number) - (bytes[t] as number);
    }
  }
  for (let s = 1; s <= steps; s++) across[s] = (across[s] as number) + (across[s - 1] as number);
  const stepBytes = graph.nodes.map((node, s) => {
    if (OPS[node.op].sram !== 'compute') return 0;
    const input = node.inputs[0] as number;
    let inBytes = 0;
    for (const t of node.inputs) inBytes += bytes[t] as number;
    const outBytes = bytes[node.outputs[0] as number] as number;
    if (!isDepthwiseConv(node, graph)) return inBytes + outBytes;
    const inputDies = last[input] === s;
    const own = options.inplaceDepthwise && inputDies ? Math.max(inBytes, outBytes) + depthwisePlane(graph, node) : inBytes + outBytes;
    return own + (across[s] as number) - (inputDies ? 0 : inBytes);
  });
  return profile(stepBytes);
}

/**
 * Tensor lifetimes over the execution order: a tensor is live from its producer to its last
 * consumer. Ops with the SRAM role 'inplace' (activations, BN, LN, Dropout; Flatten and Reshape as
 * views: graph/ops) run in place when their only input dies there (they are fused into the
 * producer in an int8 deployment); with
 * inplaceDepthwise a depthwise conv whose input dies there writes over it.
 */
function liveness(graph: Graph, options: SramOptions): SramProfile {
  const { last, bytes } = lifetimes(graph);
  const held: number[] = new Array<number>(bytes.length).fill(0); // bytes each tensor currently occupies
  let live = 0;
  for (const t of graph.inputs) {
    held[t] = bytes[t] as number;
    live += held[t] as number;
  }
  const stepBytes = graph.nodes.map((node, s) => {
    const input = node.inputs[0] as number;
    const output = node.outputs[0] as number;
    const inputDiesHere = last[input] === s && node.inputs.length === 1;
    const outBytes = bytes[output] as number;
    const inBytes = held[input] as number;
    let step: number;
    if (inputDiesHere && OPS[node.op].sram === 'inplace') {
      step = live; // the output takes the input's buffer
      live += outBytes - inBytes;
      held[input] = 0;
    } else if (inputDiesHere && options.inplaceDepthwise && isDepthwiseConv(node, graph)) {
      step = live - inBytes + Math.max(inBytes, outBytes) + depthwisePlane(graph, node);
      live += outBytes - inBytes;
      held[input] = 0;
    } else {
      live += outBytes;
      step = live;
    }
    held[output] = outBytes;
    for (const t of node.inputs) {
      if (last[t] === s) {
        live -= held[t] as number;
        held[t] = 0;
      }
    }
    return step;
  });
  return profile(stepBytes);
}

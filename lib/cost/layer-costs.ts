import type { Graph, GraphNode } from '../graph/types.js';
import { nodeIo } from '../graph/types.js';

/** Compute and storage of one node, under the conventions stated in the README. */
export interface NodeCost {
  /** Multiply-accumulates of Conv and Gemm; 0 for every other op. */
  macs: number;
  /** Learnable weights and biases, BN gamma and beta included, running statistics not. */
  params: number;
  /** int8 deployment with BN folded: 1 byte a weight, 4 bytes bias + 4 bytes scale per output channel. */
  flashBytes: number;
}

const ZERO: NodeCost = { macs: 0, params: 0, flashBytes: 0 };

export function nodeCost(node: GraphNode, graph: Graph): NodeCost {
  switch (node.op) {
    case 'Conv': {
      const a = node.attrs;
      const { input, output } = nodeIo(graph, node);
      const cin = input.shape[1] as number;
      const weights = a.outChannels * (cin / a.group) * a.kernel[0] * a.kernel[1];
      return {
        macs: output.elements * (cin / a.group) * a.kernel[0] * a.kernel[1],
        params: weights + (a.bias ? a.outChannels : 0),
        flashBytes: weights + 8 * a.outChannels,
      };
    }
    case 'Gemm': {
      const inShape = nodeIo(graph, node).input.shape;
      const inFeatures = inShape[1] as number;
      const weights = inFeatures * node.attrs.outFeatures;
      return {
        macs: (inShape[0] as number) * weights,
        params: weights + (node.attrs.bias ? node.attrs.outFeatures : 0),
        flashBytes: weights + 8 * node.attrs.outFeatures,
      };
    }
    case 'Add':
    case 'Mul': {
      const weights = node.attrs.weight ? node.attrs.weight.reduce((p, d) => p * d, 1) : 0;
      return { macs: 0, params: weights, flashBytes: weights };
    }
    case 'BatchNormalization': {
      const channels = nodeIo(graph, node).input.shape[1] as number;
      return { macs: 0, params: 2 * channels, flashBytes: 0 };
    }
    default:
      return ZERO;
  }
}

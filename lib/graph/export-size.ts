import { InputError, showName } from '../errors.js';
import { MAX_EXPORT_WEIGHTS } from './bounds.js';
import type { Graph, GraphNode } from './types.js';

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * The weight elements an ONNX export of `graph` allocates: conv and linear weights and biases, BN's
 * four vectors, constant operands of Add and Mul, the two Clip bounds.
 */
export function exportWeightElements(graph: Graph): number {
  let total = 0;
  const channels = (node: GraphNode): number => graph.tensors[node.inputs[0] as number]?.shape[1] ?? 0;
  for (const node of graph.nodes) {
    switch (node.op) {
      case 'Conv':
        total += node.attrs.outChannels * (channels(node) / node.attrs.group) * node.attrs.kernel[0] * node.attrs.kernel[1] + node.attrs.outChannels;
        break;
      case 'Gemm':
        total += (channels(node) + 1) * node.attrs.outFeatures;
        break;
      case 'BatchNormalization':
        total += 4 * channels(node);
        break;
      case 'Add':
      case 'Mul':
        total += node.attrs.weight ? node.attrs.weight.reduce((p, d) => p * d, 1) : 0;
        break;
      case 'Clip':
        total += 2;
        break;
      default:
    }
  }
  return total;
}

/**
 * Refuses a graph whose weights would not fit an export (MAX_EXPORT_WEIGHTS), before any is drawn.
 * @throws InputError naming the graph, its weight count and the bound.
 */
export function checkExportable(graph: Graph): void {
  const weights = exportWeightElements(graph);
  if (!(weights <= MAX_EXPORT_WEIGHTS)) {
    throw new InputError(
      `model ${showName(graph.name)} weights`,
      weights,
      `at most ${fmt(MAX_EXPORT_WEIGHTS)} weight elements (2^28, 1 GiB of float32) for export, parse and latency`,
      `needs ${Number.isFinite(weights) && weights < 1e21 ? fmt(weights) : String(weights)} weight elements (${(weights * 4 / 2 ** 30).toPrecision(3)} GiB of float32)`,
    );
  }
}

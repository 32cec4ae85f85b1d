import { InputError, showName } from '../errors.js';
import { MAX_EXPORT_WEIGHTS } from './bounds.js';
import { OPS } from './ops/index.js';
import type { OnnxSketch } from './ops/index.js';
import type { Graph, GraphNode } from './types.js';

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * The weight elements an ONNX export of `graph` allocates: the product of the dims of every
 * initializer its ops' ONNX sketches (graph/ops, the `onnx` facet) read: conv and linear weights
 * and biases, BN's four vectors, constant operands, Clip bounds, index tensors. A node that
 * `shares` another's weights reads that node's initializers and adds none. A Conv without bias
 * counts the C_out bias that folding a following BN gives it (export --fold-bn), so the bound holds
 * for either export.
 */
export function exportWeightElements(graph: Graph): number {
  let total = 0;
  for (const node of graph.nodes) {
    if (node.shares !== undefined) continue;
    const sketches = (OPS[node.op].onnx as (n: GraphNode, g: Graph) => readonly OnnxSketch[])(node, graph);
    for (const sketch of sketches) {
      for (const input of sketch.inputs) {
        if (typeof input === 'object' && 'weight' in input) total += input.weight.dims.reduce((p, d) => p * d, 1);
      }
    }
    if (node.op === 'Conv' && !node.attrs.bias) total += node.attrs.outChannels;
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

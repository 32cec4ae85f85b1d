/**
 * Per-node costs, read from the op table (graph/ops): each op's descriptor counts its own MACs,
 * params and flash under the README's "How costs are counted". This module adds the one rule that
 * spans nodes: a node that `shares` another's weights (one module applied twice) stores nothing
 * of its own, so the totals count its params and flash as 0 (its MACs still count: it runs).
 */
import { OPS } from '../graph/ops/index.js';
import type { OpCost } from '../graph/ops/index.js';
import type { Graph, GraphNode } from '../graph/types.js';

/** Compute and storage of one node: MACs per image, learned elements, int8 flash bytes. */
export type NodeCost = OpCost;

/** The node's own costs as its op counts them (a node with `shares` still shows the weights it reads). */
export function nodeCost(node: GraphNode, graph: Graph): NodeCost {
  return (OPS[node.op].cost as (n: GraphNode, g: Graph) => OpCost)(node, graph);
}

/**
 * What the node adds to the model's totals: its costs, except that a node with `shares` adds no
 * params and no flash (the weights are stored, and counted, once on the node it shares with).
 */
export function countedCost(node: GraphNode, graph: Graph, own: NodeCost = nodeCost(node, graph)): NodeCost {
  return node.shares === undefined ? own : { macs: own.macs, params: 0, flashBytes: 0 };
}

/**
 * The rule for `GraphNode.shares` (one module applied again): a node may read the stored weights
 * of an earlier node only when that node is the SAME op, owns its weights (does not itself share)
 * and its weights are exactly what this node would store: the same initializers (suffix, dims and
 * constant fill) in the op's ONNX sketches, which is what onnx/export.ts writes (a sharing node
 * reads `${owner}.${suffix}`). A node whose op stores no weights (Relu; an Add of a scalar: not a
 * parameter) cannot share. Anything else would count the weights wrong (a 4->8 3x3 conv "sharing"
 * a 3->4 1x1 conv adds 0 params for 296 of its own) and export a file onnxruntime refuses.
 *
 * Called by checkShapes (graph/builder.ts), the DSL parser (per node, at its line) and the ONNX
 * importer (after marking readers of one stored tensor).
 */
import { InputError, showName } from '../errors.js';
import { OPS } from './ops/index.js';
import type { OnnxSketch, OnnxWeight } from './ops/spec.js';
import type { Graph, GraphNode } from './types.js';

/** The initializers the node's export writes (suffix, dims, fill), in sketch order. */
export function storedWeights(node: GraphNode, graph: Graph): OnnxWeight[] {
  const sketches = (OPS[node.op].onnx as (n: GraphNode, g: Graph) => readonly OnnxSketch[])(node, graph);
  const out: OnnxWeight[] = [];
  for (const s of sketches) for (const i of s.inputs) if (i !== '' && 'weight' in i) out.push(i.weight);
  return out;
}

/** Whether the node stores learned weights (its op counts params for it: a scalar constant does not). */
export function hasWeights(node: GraphNode, graph: Graph): boolean {
  const cost = (OPS[node.op].cost as (n: GraphNode, g: Graph) => { params: number })(node, graph);
  return cost.params > 0;
}

/** `weight [4, 3, 1, 1], bias [4]`: the weights as an error shows them. */
export const describeWeights = (weights: readonly OnnxWeight[]): string => weights.map((w) => `${w.suffix} [${w.dims.join(', ')}]`).join(', ');

/** Same initializers: suffixes, dims and fills (a fill depends on the dims and constants only). */
const sameWeights = (a: readonly OnnxWeight[], b: readonly OnnxWeight[]): boolean =>
  a.length === b.length && a.every((w, i) => w.suffix === b[i]?.suffix && w.dims.join(',') === b[i]?.dims.join(',') && JSON.stringify(w.init) === JSON.stringify(b[i]?.init));

/**
 * Checks the `shares` of node `index` of graph.nodes against the nodes before it (graph tensors
 * must hold the inferred shapes up to this node).
 * @throws InputError `"conv_2".shares: got "conv_1" whose weights are weight [4, 3, 1, 1]; allowed: an earlier Conv node whose weights have the same dims weight [8, 4, 3, 3], bias [8] (one module applied again)`
 */
export function checkNodeShares(graph: Graph, index: number): void {
  const node = graph.nodes[index] as GraphNode;
  if (node.shares === undefined) return;
  const field = `${showName(node.name)}.shares`;
  if (!hasWeights(node, graph)) {
    const why = OPS[node.op].family === 'elementwise' ? `its one-element constant is not a parameter` : `${node.op} stores none`;
    throw new InputError(field, node.shares, `no shares on a node without weights (${why})`, `got ${showName(node.shares)}`);
  }
  const own = storedWeights(node, graph);
  const allowed = `the name of an earlier ${node.op} node that owns weights with the same dims ${describeWeights(own)} (one module applied again)`;
  const ownerIndex = graph.nodes.findIndex((n) => n.name === node.shares);
  if (ownerIndex < 0) throw new InputError(field, node.shares, allowed, `got ${showName(node.shares)} (no such node)`);
  if (ownerIndex >= index) throw new InputError(field, node.shares, allowed, `got ${showName(node.shares)} (${ownerIndex === index ? 'the node itself' : 'a later node'})`);
  const owner = graph.nodes[ownerIndex] as GraphNode;
  if (owner.op !== node.op) throw new InputError(field, node.shares, allowed, `got ${showName(owner.name)} (a ${owner.op} node)`);
  if (owner.shares !== undefined) throw new InputError(field, node.shares, `${allowed}: here ${showName(owner.shares)}`, `got ${showName(owner.name)}, which itself shares ${showName(owner.shares)}`);
  if (!hasWeights(owner, graph)) throw new InputError(field, node.shares, allowed, `got ${showName(owner.name)}, which stores no weights (a one-element constant is not a parameter)`);
  const theirs = storedWeights(owner, graph);
  if (!sameWeights(own, theirs)) {
    const same = describeWeights(own) === describeWeights(theirs);
    throw new InputError(field, node.shares, allowed, `got ${showName(owner.name)} whose weights are ${describeWeights(theirs)}${same ? ' with other constant values' : ''}`);
  }
}

/**
 * Checks every node's `shares` (see the module comment).
 * @throws InputError naming the first node whose `shares` breaks the rule, its value and what is allowed
 */
export function checkShares(graph: Graph): void {
  graph.nodes.forEach((node, index) => {
    if (node.shares !== undefined) checkNodeShares(graph, index);
  });
}

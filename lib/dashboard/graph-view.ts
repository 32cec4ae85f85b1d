/**
 * A lowered network as a layered drawing, as plain data the page draws as SVG: each node's level
 * is its longest path from a graph input (so every edge points down), its column its place among
 * the nodes of that level (in execution order). Edges follow tensors: producer -> consumer.
 */
import type { Graph } from '../graph/types.js';

export interface GraphViewNode {
  name: string;
  op: string;
  /** Architectural unit (e.g. "stage2.layer1", "head"). */
  block: string;
  /** Output shape, e.g. [1, 16, 80, 80]. */
  shape: readonly number[];
  level: number;
  column: number;
}

export interface GraphView {
  nodes: GraphViewNode[];
  /** [producer, consumer] as indices into `nodes`. */
  edges: [number, number][];
  levels: number;
  /** Most nodes on one level. */
  width: number;
}

export function graphView(graph: Graph): GraphView {
  const producer = new Map<number, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((t) => producer.set(t, i)));
  const edges: [number, number][] = [];
  const level: number[] = [];
  graph.nodes.forEach((n, i) => {
    let l = 0;
    for (const t of n.inputs) {
      const p = producer.get(t);
      if (p === undefined) continue; // a graph input or a stored weight
      edges.push([p, i]);
      l = Math.max(l, (level[p] as number) + 1);
    }
    level.push(l);
  });
  const perLevel: number[] = [];
  const nodes = graph.nodes.map((n, i): GraphViewNode => {
    const l = level[i] as number;
    const column = perLevel[l] ?? 0;
    perLevel[l] = column + 1;
    const out = n.outputs[0];
    return { name: n.name, op: n.op, block: n.block, shape: out === undefined ? [] : (graph.tensors[out]?.shape ?? []), level: l, column };
  });
  return { nodes, edges, levels: perLevel.length, width: Math.max(0, ...perLevel) };
}

import { GraphBuilder } from '../../lib/graph/builder.js';
import type { Graph } from '../../lib/graph/types.js';

/**
 * One module applied twice (torch: `y = fc(gap(relu(body(relu(body(relu(stem(x))))))))`): stem conv
 * 3->16 k3 p1 + bias, ReLU, conv 16->16 k3 p1 + bias, ReLU, the same conv again, ReLU, GAP,
 * Flatten, Gemm 16->10, on a 3x8x8 input. With `shared` the third conv reads the second's weights
 * (`shares`); without it, it is a conv of its own (the same shapes and MACs).
 */
export function convAppliedTwice(shared = true): Graph {
  const g = new GraphBuilder('twice');
  let x = g.input('x', [1, 3, 8, 8]);
  x = g.add('Relu', [g.conv(x, { out: 16, kernel: 3, bias: true }, 'stem')], {});
  x = g.add('Relu', [g.conv(x, { out: 16, kernel: 3, bias: true }, 'body')], {});
  x = g.add('Relu', [g.conv(x, { out: 16, kernel: 3, bias: true }, 'again')], {});
  x = g.add('Flatten', [g.add('GlobalAveragePool', [x], {})], { axis: 1 });
  const graph = g.finish([g.add('Gemm', [x], { outFeatures: 10, bias: true }, 'fc')]);
  if (!shared) return graph;
  const body = graph.nodes.find((n) => n.name.startsWith('body'))?.name as string;
  return { ...graph, nodes: graph.nodes.map((n) => (n.name.startsWith('again') ? { ...n, shares: body } : n)) };
}

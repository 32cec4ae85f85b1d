/** The layered drawing of a graph: levels by longest path from the input, edges producer -> consumer. */
import { describe, expect, it } from 'vitest';
import { graphView } from '../../lib/dashboard/graph-view.js';
import { GraphBuilder } from '../../lib/graph/builder.js';

describe('graphView', () => {
  it('a residual block by hand: conv1 level 0, conv2 level 1, the Add level 2 with both inputs as edges', () => {
    const g = new GraphBuilder('residual');
    const x = g.input('input', [1, 8, 16, 16]);
    g.setBlock('stage1');
    const a = g.conv(x, { out: 8, kernel: 3 }, 'conv1');
    const b = g.conv(a, { out: 8, kernel: 3 }, 'conv2');
    const y = g.add('Add', [a, b], {} as never, 'add');
    const v = graphView(g.finish([y]));
    expect(v.nodes.map((n) => [n.op, n.level, n.column, n.block])).toEqual([
      ['Conv', 0, 0, 'stage1'],
      ['Conv', 1, 0, 'stage1'],
      ['Add', 2, 0, 'stage1'],
    ]);
    expect(v.edges).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(v.nodes[2]?.shape).toEqual([1, 8, 16, 16]);
    expect([v.levels, v.width]).toEqual([3, 1]);
  });

  it('two branches of one input share a level, in execution order', () => {
    const g = new GraphBuilder('branches');
    const x = g.input('input', [1, 4, 8, 8]);
    const a = g.conv(x, { out: 4, kernel: 1 }, 'left');
    const b = g.conv(x, { out: 4, kernel: 3 }, 'right');
    const y = g.add('Add', [a, b], {} as never, 'add');
    const v = graphView(g.finish([y]));
    expect(v.nodes.map((n) => [n.level, n.column])).toEqual([[0, 0], [0, 1], [1, 0]]);
    expect([v.levels, v.width]).toEqual([2, 2]);
  });
});

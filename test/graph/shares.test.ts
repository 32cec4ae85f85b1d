/**
 * The `shares` rule (graph/shares.ts; issue 17 adversarial finding 4): a node may read the stored
 * weights of an EARLIER node of the SAME op whose weights have exactly the same dims (what the
 * ONNX export writes), one module applied again. Checked by the DSL parser (at the node's line),
 * by checkShapes and by the importer. Counts of valid shares worked by hand; their export runs in
 * onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { checkShapes } from '../../lib/graph/builder.js';
import { checkShares } from '../../lib/graph/shares.js';
import type { Graph, GraphNode } from '../../lib/graph/types.js';
import { parseGraph } from '../../lib/lamda/dsl-read.js';
import { serializeGraph } from '../../lib/lamda/dsl-write.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { thrownInputError } from '../helpers.js';

const HEAD = 'graph a input t0:1x3x8x8\n';
const conv = (out: string, x: string, cin: number, cout: number, k: string, p: string, more = '') => `${out} = Conv(${x}) cin=${cin} out=${cout} k=${k} s=1x1 p=${p} g=1 bias=0${more}\n`;
/** The parser's one-line error for a text. */
function parseError(text: string): string {
  try {
    parseGraph(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('parsed');
}

describe('the DSL refuses a shares that is not the same module (finding 4)', () => {
  it('a 4->8 3x3 conv sharing a 3->4 1x1 conv (sh_diff: params 12 shown, 308 true; export refused by onnxruntime)', () => {
    const text = `${HEAD}${conv('t1', 't0', 3, 4, '1x1', '0,0,0,0')}t2 = Conv(t1) cin=4 out=8 k=3x3 s=1x1 p=1,1,1,1 g=1 bias=1 shares=t1\noutput t2\n`;
    expect(parseError(text)).toBe('line 3, column 67: expected the output id of an earlier Conv node that owns weights with the same dims weight [8, 4, 3, 3], bias [8] (one module applied again), got "t1" whose weights are weight [4, 3, 1, 1]');
  });

  it('a g=3 conv sharing a g=1 conv (sh_group: params 81 shown, 108 true)', () => {
    const text = `${HEAD}${conv('t1', 't0', 3, 3, '3x3', '1,1,1,1')}t2 = Conv(t1) cin=3 out=3 k=3x3 s=1x1 p=1,1,1,1 g=3 bias=0 shares=t1\noutput t2\n`;
    expect(parseError(text)).toBe('line 3, column 67: expected the output id of an earlier Conv node that owns weights with the same dims weight [3, 1, 3, 3] (one module applied again), got "t1" whose weights are weight [3, 3, 3, 3]');
  });

  it('an Add of a [1, 3, 1, 1] constant sharing a scalar Add (sh_add_scalar: params 0 shown, 3 true)', () => {
    const text = `${HEAD}t1 = Add(t0) w=scalar s=2\nt2 = Add(t1) w=1x3x1x1 shares=t1\noutput t2\n`;
    expect(parseError(text)).toBe('line 3, column 31: expected the output id of an earlier Add node that owns weights with the same dims weight [1, 3, 1, 1] (one module applied again), got "t1", which stores no weights (a one-element constant is not a parameter)');
  });

  it('shares on a Relu (an op without weights) and on a scalar Add', () => {
    expect(parseError(`${HEAD}t1 = Relu(t0)\nt2 = Relu(t1) shares=t1\noutput t2\n`)).toBe('line 3, column 22: expected no shares on a node without weights (Relu stores none), got "t1"');
    expect(parseError(`${HEAD}t1 = Add(t0) w=scalar s=2\nt2 = Add(t1) w=scalar s=2 shares=t1\noutput t2\n`)).toBe('line 3, column 34: expected no shares on a node without weights (its one-element constant is not a parameter), got "t1"');
  });

  it('a Mul constant [3, 1, 1] sharing a [1, 3, 1, 1] one, and a share of a node that itself shares', () => {
    expect(parseError(`${HEAD}t1 = Mul(t0) w=1x3x1x1\nt2 = Mul(t1) w=3x1x1 shares=t1\noutput t2\n`)).toContain('expected the output id of an earlier Mul node that owns weights with the same dims weight [3, 1, 1] (one module applied again), got "t1" whose weights are weight [1, 3, 1, 1]');
    const chain = `${HEAD}${conv('t1', 't0', 3, 3, '1x1', '0,0,0,0')}${conv('t2', 't1', 3, 3, '1x1', '0,0,0,0', ' shares=t1')}${conv('t3', 't2', 3, 3, '1x1', '0,0,0,0', ' shares=t2')}output t3\n`;
    expect(parseError(chain)).toBe('line 4, column 67: expected the output id of an earlier Conv node that owns weights with the same dims weight [3, 3, 1, 1] (one module applied again): here "t1", got "t2", which itself shares "t1"');
  });
});

describe('a valid shares counts its weights once', () => {
  it('a 3x3 conv applied twice (once dilated): params 81 once, MACs 2 x 5,184; serialize keeps shares; the export runs in onnxruntime', async () => {
    const text = `${HEAD}${conv('t1', 't0', 3, 3, '3x3', '1,1,1,1')}t2 = Conv(t1) cin=3 out=3 k=3x3 s=1x1 p=2,2,2,2 g=1 bias=0 d=2x2 shares=t1\noutput t2\n`;
    const g = parseGraph(text);
    const r = estimateCosts(g);
    expect([r.macs, r.params]).toEqual([2 * 3 * 64 * 27, 81]);
    expect(serializeGraph(g)).toContain('shares=t1');
    const session = await ort.InferenceSession.create(exportOnnx(g));
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(192), [1, 3, 8, 8]) });
    expect([...out[session.outputNames[0]!]!.dims]).toEqual([1, 3, 8, 8]);
  });

  it('a one-value PRelu slope shared: 1 param, counted once', () => {
    const g = parseGraph(`${HEAD}t1 = PRelu(t0) slope=1\nt2 = PRelu(t1) slope=1 shares=t1\noutput t2\n`);
    expect(estimateCosts(g).params).toBe(1);
  });
});

describe('checkShapes and checkShares refuse a graph built with a bad shares', () => {
  const base = parseGraph(`${HEAD}${conv('t1', 't0', 3, 3, '1x1', '0,0,0,0')}${conv('t2', 't1', 3, 3, '1x1', '0,0,0,0', ' shares=t1')}t3 = Relu(t2)\noutput t3\n`);
  const withNode = (i: number, change: (n: GraphNode) => GraphNode): Graph => ({ ...base, nodes: base.nodes.map((n, j) => (j === i ? change(n) : n)) });

  it('the valid graph passes', () => {
    expect(() => checkShapes(base)).not.toThrow();
  });

  it('shares naming a later node, an unknown node, a node of another op, or itself', () => {
    expect(thrownInputError(() => checkShares(withNode(0, (n) => ({ ...n, shares: 'conv_1' })))).message).toBe('"conv_0".shares: got "conv_1" (a later node); allowed: the name of an earlier Conv node that owns weights with the same dims weight [3, 3, 1, 1] (one module applied again)');
    expect(thrownInputError(() => checkShapes(withNode(1, (n) => ({ ...n, shares: 'nope' })))).message).toBe('"conv_1".shares: got "nope" (no such node); allowed: the name of an earlier Conv node that owns weights with the same dims weight [3, 3, 1, 1] (one module applied again)');
    expect(thrownInputError(() => checkShapes(withNode(1, (n) => ({ ...n, shares: 'conv_1' })))).message).toContain('got "conv_1" (the node itself)');
    const reluShares = withNode(2, (n) => ({ ...n, shares: 'conv_0' }));
    expect(thrownInputError(() => checkShapes(reluShares)).message).toBe('"relu_2".shares: got "conv_0"; allowed: no shares on a node without weights (Relu stores none)');
  });
});

/**
 * The LAMDA text over the whole op table: a graph with every op of OP_TYPES (1-D and 2-D windows,
 * dilations, output padding, every value kind) survives serialize -> parse, shared weights
 * (GraphNode.shares, written `shares=tN`) survive too, and bad values of the kinds dims, pads,
 * ints and word are DslSyntaxErrors at their line and column.
 */
import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { checkShapes, GraphBuilder } from '../../lib/graph/builder.js';
import type { Graph, GraphNode, NodeAttrs } from '../../lib/graph/types.js';
import { OP_TYPES } from '../../lib/graph/types.js';
import { DslSyntaxError, graphDifference, graphsEqual, parseGraph, serializeGraph } from '../../lib/lamda/dsl.js';

const conv2d = (o: Partial<NodeAttrs['Conv']>): NodeAttrs['Conv'] => ({ outChannels: 8, kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 1, bias: false, ...o });

/** Every op once or more, on 1-D, 2-D and token-shaped tensors; every tensor no node reads is an output. */
function everyOpGraph(): Graph {
  const g = new GraphBuilder('every_op');
  const x = g.input('x', [1, 4, 8, 8]);
  const seq = g.input('seq', [1, 4, 16]);
  g.setBlock('conv');
  const conv = g.add('Conv', [x], conv2d({ pads: [2, 2, 2, 2], dilations: [2, 2], group: 2, bias: true })); // [1, 8, 8, 8]
  const convT = g.add('ConvTranspose', [conv], { outChannels: 4, kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], outputPadding: [1, 0], group: 1, bias: false }); // [1, 4, 17, 16]
  const conv1d = g.add('Conv', [seq], { outChannels: 4, kernel: [3], strides: [2], pads: [1, 1], group: 4, bias: false }); // [1, 4, 8]
  g.setBlock('pool');
  const maxPool = g.add('MaxPool', [conv], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0], ceilMode: true }); // [1, 8, 4, 4]
  const avgPool = g.add('AveragePool', [conv], { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], countIncludePad: false });
  const pool1d = g.add('MaxPool', [conv1d], { kernel: [2], strides: [2], pads: [0, 0] }); // [1, 4, 4]
  const gap = g.add('GlobalAveragePool', [conv], {}); // [1, 8, 1, 1]
  const mean = g.add('ReduceMean', [conv], { axes: [2, 3], keepdims: false }); // [1, 8]
  const up = g.add('Resize', [conv], { size: [16, 16], mode: 'linear', coordinateMode: 'half_pixel' });
  const down = g.add('Resize', [conv], { size: [4, 4], mode: 'nearest', coordinateMode: 'asymmetric', nearestMode: 'floor' });
  g.setBlock('act');
  const bn = g.add('BatchNormalization', [conv], { epsilon: 1e-5 });
  const ln = g.add('LayerNormalization', [conv], { axis: 2, epsilon: 1e-6 });
  let a = g.add('Relu', [bn], {});
  a = g.add('Clip', [a], { min: 0, max: 6 });
  a = g.add('LeakyRelu', [a], { alpha: 0.1 });
  a = g.add('PRelu', [a], { slope: [8, 1, 1] });
  a = g.add('Elu', [a], { alpha: 0.5 });
  a = g.add('Sigmoid', [a], {});
  a = g.add('Swish', [a], {});
  a = g.add('HardSigmoid', [a], { alpha: 1 / 6, beta: 0.5 });
  a = g.add('HardSwish', [a], {});
  a = g.add('Tanh', [a], {});
  a = g.add('Gelu', [a], { approximate: 'tanh' });
  a = g.add('Erf', [a], {});
  a = g.add('Sqrt', [g.add('Sigmoid', [a], {})], {});
  a = g.add('Softmax', [a], { axis: 1 });
  a = g.add('LogSoftmax', [a], { axis: -1 });
  a = g.add('Dropout', [a], { ratio: 0.2 });
  g.setBlock('arith');
  let e = g.add('Add', [a, ln], {});
  e = g.add('Sub', [e], { weight: [8, 1, 1] });
  e = g.add('Mul', [e], { weight: [], scalar: 0.5 });
  e = g.add('Div', [e], { weight: [1], scalar: 2, constantFirst: true });
  e = g.add('Pow', [e], { weight: [], scalar: 2 });
  g.setBlock('dense');
  const flat = g.add('Flatten', [gap], { axis: 1 }); // [1, 8]
  const gemm = g.add('Gemm', [flat], { outFeatures: 5, bias: true });
  const tokens = g.add('Transpose', [g.add('Reshape', [e], { shape: [1, 8, 64] })], { perm: [0, 2, 1] }); // [1, 64, 8]
  const linear = g.add('Linear', [tokens], { outFeatures: 6, bias: false }); // [1, 64, 6]
  const scores = g.add('MatMul', [linear, g.add('Transpose', [linear], { perm: [0, 2, 1] })], {}); // [1, 64, 64]
  g.setBlock('move');
  const cat = g.add('Concat', [maxPool, down, maxPool], { axis: 1 }); // [1, 24, 4, 4]
  const slice = g.add('Slice', [conv], { axes: [1, 3], starts: [0, 1], ends: [4, 7], steps: [1, 2] }); // [1, 4, 8, 3]
  const pad = g.add('Pad', [conv], { pads: [0, 0, 1, 1, 0, 0, 1, 1], mode: 'reflect', value: 0 }); // [1, 8, 10, 10]
  const fill = g.add('Pad', [conv1d], { pads: [0, 0, 2, 0, 0, 3], mode: 'constant', value: -1.5 }); // [1, 4, 13]
  return g.finish([convT, pool1d, avgPool, mean, up, gemm, scores, cat, slice, pad, fill]);
}

/** The graph with node `reader` reading the weights of node `owner` (both found by name prefix order: indices). */
function sharing(graph: Graph, reader: number, owner: number): Graph {
  const name = (graph.nodes[owner] as GraphNode).name;
  return { ...graph, nodes: graph.nodes.map((n, i) => (i === reader ? ({ ...n, shares: name } as GraphNode) : n)) };
}

/** One conv applied twice: conv -> relu -> the same conv (node 2 shares node 0's weights). */
function sharedGraph(): Graph {
  const g = new GraphBuilder('shared');
  const x = g.input('x', [1, 4, 6, 6]);
  const c = conv2d({ outChannels: 4, bias: true });
  const y = g.add('Conv', [g.add('Relu', [g.add('Conv', [x], c)], {})], c);
  return sharing(g.finish([y]), 2, 0);
}

function roundTrip(g: Graph): { text: string; parsed: Graph } {
  const text = serializeGraph(g);
  const parsed = parseGraph(text);
  expect(graphDifference(g, parsed)).toBeUndefined();
  checkShapes(parsed);
  expect(serializeGraph(parsed)).toBe(text);
  return { text, parsed };
}

/** The DslSyntaxError of parsing `text`. */
function errorOf(text: string): DslSyntaxError {
  try {
    parseGraph(text);
  } catch (err) {
    expect(err).toBeInstanceOf(DslSyntaxError);
    return err as DslSyntaxError;
  }
  throw new Error(`no error for\n${text}`);
}

describe('LAMDA text over every op', () => {
  const g = everyOpGraph();

  it('the graph holds every op of OP_TYPES', () => {
    expect([...new Set(g.nodes.map((n) => n.op))].sort()).toEqual([...OP_TYPES].sort());
  });

  it('serialize -> parse gives the same graph, shapes and costs, and the text is a fixed point', () => {
    const { parsed } = roundTrip(g);
    expect(parsed.tensors.map((t) => t.shape)).toEqual(g.tensors.map((t) => t.shape));
    const [a, b] = [estimateCosts(g), estimateCosts(parsed)];
    expect([b.macs, b.params, b.flashBytes, b.peakSramBytes]).toEqual([a.macs, a.params, a.flashBytes, a.peakSramBytes]);
  });

  it('writes each value kind as the grammar says', () => {
    const lines = serializeGraph(g).split('\n');
    const line = (op: string, nth = 0) => lines.filter((l) => l.includes(` = ${op}(`))[nth];
    expect(line('Conv')).toBe('t2 = Conv(t0) cin=4 out=8 k=3x3 s=1x1 p=2,2,2,2 g=2 bias=1 d=2x2 | block=conv');
    expect(line('ConvTranspose')).toBe('t3 = ConvTranspose(t2) cin=8 out=4 k=2x2 s=2x2 p=0,0,0,0 g=1 bias=0 op=1,0 | block=conv');
    expect(line('Conv', 1)).toBe('t4 = Conv(t1) cin=4 out=4 k=3 s=2 p=1,1 g=4 bias=0 | block=conv');
    expect(line('MaxPool', 1)).toBe('t7 = MaxPool(t4) k=2 s=2 p=0,0 | block=pool');
    expect(line('ReduceMean')).toBe('t9 = ReduceMean(t2) axes=2,3 keep=0 | block=pool');
    expect(line('Resize')).toBe('t10 = Resize(t2) size=16x16 mode=linear coord=half_pixel | block=pool');
    expect(line('Resize', 1)).toBe('t11 = Resize(t2) size=4x4 mode=nearest coord=asymmetric nearest=floor | block=pool');
    expect(line('PRelu')).toMatch(/ = PRelu\(t\d+\) slope=8x1x1 \| block=act$/);
    expect(line('Gelu')).toMatch(/ = Gelu\(t\d+\) approx=tanh \| block=act$/);
    expect(line('Mul')).toMatch(/ = Mul\(t\d+\) w=scalar s=0\.5 \| block=arith$/);
    expect(line('Div')).toMatch(/ = Div\(t\d+\) w=1 s=2 cf=1 \| block=arith$/);
    expect(line('Transpose')).toMatch(/ = Transpose\(t\d+\) perm=0,2,1 \| block=dense$/);
    expect(line('Slice')).toMatch(/ = Slice\(t2\) axes=1,3 starts=0,1 ends=4,7 steps=1,2 \| block=move$/);
    expect(line('Pad', 1)).toMatch(/ = Pad\(t4\) pads=0,0,2,0,0,3 mode=constant value=-1\.5 \| block=move$/);
    expect(line('MatMul')).toMatch(/ = MatMul\(t\d+,t\d+\) \| block=dense$/);
  });

  it('leaves out neutral optional values (dilations all 1, output padding all 0): texts of older graphs stay as they were', () => {
    const build = (dilations?: number[], outputPadding?: number[]) => {
      const b = new GraphBuilder('n');
      const x = b.input('x', [1, 2, 5, 5]);
      const c = b.add('Conv', [x], conv2d({ outChannels: 2, ...(dilations ? { dilations } : {}) }));
      return b.finish([b.add('ConvTranspose', [c], { outChannels: 2, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 1, bias: true, ...(outputPadding ? { outputPadding } : {}) })]);
    };
    const plain = build();
    const explicit = build([1, 1], [0, 0]);
    expect(serializeGraph(explicit)).toBe(serializeGraph(plain));
    expect(serializeGraph(plain)).toBe(
      'graph n input t0:1x2x5x5\nt1 = Conv(t0) cin=2 out=2 k=3x3 s=1x1 p=1,1,1,1 g=1 bias=0\nt2 = ConvTranspose(t1) cin=2 out=2 k=3x3 s=2x2 p=1,1,1,1 g=1 bias=1\noutput t2\n',
    );
    expect(graphsEqual(plain, explicit)).toBe(true);
    // A value that is not neutral is written and compared.
    expect(serializeGraph(build([1, 1], [1, 0]))).toContain(' op=1,0\n');
    expect(graphsEqual(plain, build([2, 2]))).toBe(false);
  });
});

describe('shared weights in the LAMDA text', () => {
  it('shares is written as the output id of the node whose weights are read, and read back', () => {
    const g = sharedGraph();
    const { text, parsed } = roundTrip(g);
    expect(text).toBe(
      [
        'graph shared input t0:1x4x6x6',
        't1 = Conv(t0) cin=4 out=4 k=3x3 s=1x1 p=1,1,1,1 g=1 bias=1',
        't2 = Relu(t1)',
        't3 = Conv(t2) cin=4 out=4 k=3x3 s=1x1 p=1,1,1,1 g=1 bias=1 shares=t1',
        'output t3',
        '',
      ].join('\n'),
    );
    expect(parsed.nodes[2]?.shares).toBe(parsed.nodes[0]?.name);
    expect(parsed.nodes[0]?.shares).toBeUndefined();
    // Shared weights count once: 4*4*9 + 4.
    expect(estimateCosts(parsed).params).toBe(4 * 4 * 9 + 4);
  });

  it('equality sees shares: dropped, or pointing elsewhere', () => {
    const g = sharedGraph();
    const owned = { ...g, nodes: g.nodes.map((n) => ({ ...n, shares: undefined }) as GraphNode) };
    expect(graphDifference(g, owned)).toMatch(/nodes\[2\]\.shares: 1 vs undefined/);
    // Non-canonical text: any ids, shares among the attributes.
    const parsed = parseGraph('graph shared input a:1x4x6x6\nb = Conv(a) out=4 k=3x3 s=1x1 p=1,1,1,1 g=1 bias=1\nc = Relu(b)\nd = Conv(c) shares=b out=4 k=3x3 s=1x1 p=1,1,1,1 g=1 bias=1\noutput d\n');
    expect(graphsEqual(g, parsed)).toBe(true);
  });

  it('a shares name no earlier node of the op has is an InputError on writing', () => {
    const g = sharedGraph();
    const dangling = { ...g, nodes: g.nodes.map((n, i) => (i === 2 ? ({ ...n, shares: 'nowhere' } as GraphNode) : n)) };
    expect(() => serializeGraph(dangling)).toThrow('"shared": node "conv_2" shares: got "nowhere": no earlier node has that name; allowed: the name of one earlier Conv node');
    expect(() => serializeGraph(sharing(g, 2, 1))).toThrow('"shared": node "conv_2" shares: got "relu_1": that node is a Relu; allowed: the name of one earlier Conv node');
    expect(() => graphDifference(dangling, g)).toThrow(/no earlier node has that name/);
  });

  it('a bad shares is a DslSyntaxError at its value', () => {
    const text = (to: string) => sharedText().replace('shares=t1', to);
    const at = sharedText().split('\n')[3]?.indexOf('shares=t1') as number;
    const value = at + 'shares='.length + 1;
    const expected = 'expected the output id of an earlier Conv node whose weights this one reads, like shares=t5';
    const cases: [string, string][] = [
      ['shares=t0', `line 4, column ${value}: ${expected}, got "t0" (a graph input)`],
      ['shares=t2', `line 4, column ${value}: ${expected}, got "t2" (the output of a Relu)`],
      ['shares=t3', `line 4, column ${value}: ${expected}, got "t3"`],
      ['shares=t9', `line 4, column ${value}: ${expected}, got "t9"`],
      ['shares=1', `line 4, column ${value}: ${expected}, got "1"`],
      ['shares=t1 shares=t1', `line 4, column ${at + 'shares=t1 '.length + 1}: expected each attribute of Conv once, got a second "shares"`],
    ];
    for (const [to, message] of cases) expect(errorOf(text(to)).message, to).toBe(message);
  });
});

/** The canonical text of sharedGraph. */
function sharedText(): string {
  return serializeGraph(sharedGraph());
}

describe('bad values of the kinds dims, pads, ints and word', () => {
  const base = [
    'graph kinds input t0:1x4x8x8,t1:1x4x16',
    't2 = Conv(t1) cin=4 out=4 k=3 s=2 p=1,1 g=4 bias=0',
    't3 = Conv(t0) cin=4 out=8 k=3x3 s=1x1 p=2,2,2,2 g=1 bias=0 d=2x2',
    't4 = Transpose(t3) perm=0,2,3,1',
    't5 = Resize(t3) size=4x4 mode=nearest coord=asymmetric nearest=floor',
    't6 = Slice(t3) axes=-3 starts=0 ends=7 steps=1',
    't7 = Pad(t2) pads=0,0,1,0,0,1 mode=edge value=0',
    'output t4,t5,t6,t7',
  ];
  it('the base text parses (axes=-3: ints may be negative)', () => {
    const parsed = parseGraph(base.join('\n'));
    expect(parsed.tensors.map((t) => t.shape.join('x'))).toEqual(['1x4x8x8', '1x4x16', '1x4x8', '1x8x8x8', '1x8x8x8', '1x8x4x4', '1x7x8x8', '1x4x10']);
  });

  /** Replaces `from` (`key=value`) by `to` on line `line` (1-based) and returns the error, which must point at the value of `to`. */
  function errorAt(line: number, from: string, to: string): DslSyntaxError {
    const lines = [...base];
    expect(lines[line - 1]).toContain(from);
    lines[line - 1] = (lines[line - 1] as string).replace(from, to);
    const e = errorOf(lines.join('\n'));
    expect([e.line, e.column], `${from} -> ${to}`).toEqual([line, (lines[line - 1] as string).indexOf(to) + to.indexOf('=') + 2]);
    return e;
  }

  it('dims: 1 to 3 positive integers joined by x, one per spatial axis of the input', () => {
    expect(errorAt(3, 'k=3x3', 'k=3x3x3x3').message).toMatch(/expected a kernel like 3x3 \(or 3, 3x3x3\), got "3x3x3x3"$/);
    expect(errorAt(3, 'k=3x3', 'k=3x0').message).toMatch(/expected a kernel like 3x3 \(or 3, 3x3x3\), got "3x0"$/);
    expect(errorAt(3, 'd=2x2', 'd=2,2').message).toMatch(/expected dilations like 2x2 \(or 2, 2x2x2\), got "2,2"$/);
    expect(errorAt(3, 'd=2x2', 'd=2').message).toBe('line 3, column 62: expected dilations like 2x2 (or 2, 2x2x2) with 2 values (one per spatial axis of t0, 1x4x8x8), got "2"');
    expect(errorAt(2, 's=2', 's=2x2').message).toMatch(/expected strides like 2x2 \(or 2, 2x2x2\) with 1 value \(one per spatial axis of t1, 1x4x16\), got "2x2"$/);
    expect(errorAt(5, 'size=4x4', 'size=4x4x4').message).toMatch(/expected output sizes like 32x32 .* with 2 values .*, got "4x4x4"$/);
  });

  it('pads: naturals, two per spatial axis of a window (as many as the kernel has, doubled), two per axis for Pad', () => {
    expect(errorAt(2, 'p=1,1', 'p=1,1,1,1').message).toMatch(/expected pads like 1,1,1,1 .* with 2 values \(begins then ends of each spatial axis of t1, 1x4x16\), got "1,1,1,1"$/);
    expect(errorAt(2, 'p=1,1', 'p=1').message).toMatch(/expected pads like 1,1,1,1 .*, got "1"$/);
    expect(errorAt(2, 'p=1,1', 'p=1,-1').message).toMatch(/expected pads like 1,1,1,1 .*, got "1,-1"$/);
    expect(errorAt(7, 'pads=0,0,1,0,0,1', 'pads=0,1,0,1').message).toMatch(/expected two pads per axis, .* with 6 values \(begins then ends of each axis of t2, 1x4x8\), got "0,1,0,1"$/);
  });

  it('ints: comma-separated integers, negative allowed', () => {
    expect(errorAt(4, 'perm=0,2,3,1', 'perm=0,2,3,1.5').message).toMatch(/expected a permutation of the axes, like 0,2,1,3, got "0,2,3,1\.5"$/);
    expect(errorAt(4, 'perm=0,2,3,1', 'perm=0,2,,1').message).toMatch(/got "0,2,,1"$/);
    expect(errorAt(4, 'perm=0,2,3,1', 'perm=0x2x3x1').message).toMatch(/got "0x2x3x1"$/);
    expect(errorAt(6, 'axes=-3', 'axes=--3').message).toMatch(/expected the sliced axes, like 1 or 2,3, got "--3"$/);
  });

  it('word: one of the listed words', () => {
    expect(errorAt(5, 'mode=nearest', 'mode=cubic').message).toMatch(/expected nearest or linear, got "cubic"$/);
    expect(errorAt(5, 'nearest=floor', 'nearest=Floor').message).toMatch(/expected a nearest mode: round_prefer_floor, round_prefer_ceil, floor, ceil, got "Floor"$/);
    expect(errorAt(7, 'mode=edge', 'mode=wrap').message).toMatch(/expected the pad mode, constant, reflect or edge, got "wrap"$/);
  });

  it('arity from the descriptor', () => {
    const lines = [...base.slice(0, 3), 't4 = MatMul(t3)', 'output t4'];
    const e = errorOf(lines.join('\n'));
    expect(e.message).toBe('line 4, column 6: expected 2 inputs for MatMul, got 1 input');
    expect(errorOf([...base.slice(0, 3), 't4 = Add(t3,t3,t3)', 'output t4'].join('\n')).message).toBe('line 4, column 6: expected 1 or 2 inputs for Add, got 3 inputs');
  });
});

describe('an unknown op', () => {
  const text = (op: string) => `graph g input t0:1x3x8x8\nt1 = ${op}(t0)\noutput t1\n`;
  it('names the ops close to it and where the whole list is, in a line that stays short', () => {
    expect(errorOf(text('Con')).message).toBe(
      `line 2, column 6: expected an op (Conv, ConvTranspose, Pow, Concat, or one of the ${OP_TYPES.length} ops in docs/dsl-grammar.md: Conv, Gemm, Relu, Add, ...), got "Con"`,
    );
    expect(errorOf(text('Sigmiod')).message).toContain('(Sigmoid, or one of');
    expect(errorOf(text('Frobnicate')).message).toBe(`line 2, column 6: expected an op (one of the ${OP_TYPES.length} ops in docs/dsl-grammar.md: Conv, Gemm, Relu, Add, ...), got "Frobnicate"`);
  });
});

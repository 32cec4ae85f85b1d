import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { checkShapes, GraphBuilder } from '../../lib/graph/builder.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import type { Graph, GraphNode, NodeAttrs } from '../../lib/graph/types.js';
import { OP_TYPES } from '../../lib/graph/types.js';
import { buildZooModel, ZOO_MODELS } from '../../lib/graph/zoo/index.js';
import { DslSyntaxError, graphDifference, graphsEqual, parseGraph, serializeGraph, serializeNodeLines } from '../../lib/lamda/dsl.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { decodeModel, importModel } from '../../lib/onnx/import.js';
import { createRng, type Rng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { loadModelFile } from '../../lib/space/formats.js';
import { sampleCandidate } from '../../lib/space/sample.js';
import { REFERENCE } from '../helpers.js';

/** parse(serialize(g)) equals g, the parse passes checkShapes, the canonical text is a fixed point, costs survive. */
function expectRoundTrip(g: Graph, costs = true): string {
  const text = serializeGraph(g);
  const parsed = parseGraph(text);
  expect(graphDifference(g, parsed)).toBeUndefined();
  checkShapes(parsed);
  expect(serializeGraph(parsed)).toBe(text);
  if (costs) {
    const [a, b] = [estimateCosts(g), estimateCosts(parsed)];
    expect([b.macs, b.params, b.flashBytes, b.peakSramBytes]).toEqual([a.macs, a.params, a.flashBytes, a.peakSramBytes]);
  }
  return text;
}

/** A quick check for the bulk loops (no expect per field, one failure message with the difference). */
function roundTripDifference(g: Graph): string | undefined {
  const text = serializeGraph(g);
  const parsed = parseGraph(text);
  const d = graphDifference(g, parsed);
  if (d) return d;
  checkShapes(parsed);
  if (serializeGraph(parsed) !== text) return 'serialize(parse(text)) !== text';
  const [a, b] = [estimateCosts(g), estimateCosts(parsed)];
  if (a.macs !== b.macs || a.params !== b.params) return `costs ${a.macs}/${a.params} vs ${b.macs}/${b.params}`;
  return undefined;
}

const NAMES = ['net', 'my net "v2"', 'ünï|code', '', 'a=b', 'input', '#x', 'back\\slash\ttab'];
const BLOCKS = ['', 'stem', 'stage1.layer2', 'a b', 'x|y', '"q"', 'block=3', '#h', '/features/features.0/Conv', 'output'];

function randomFloat(rng: Rng): number {
  switch (rng.int(6)) {
    case 0:
      return 0;
    case 1:
      return rng.next() * 10 ** -(1 + rng.int(8));
    case 2:
      return -rng.next() * 1e3;
    case 3:
      return rng.int(2) ? Infinity : -Infinity;
    default:
      return rng.next();
  }
}

const maybe = <T>(rng: Rng, value: T): T | undefined => (rng.int(3) === 0 ? undefined : value);

/** The ops randomDag builds (every op of OP_TYPES has its own round trip in dsl-ops.test.ts). */
const RANDOM_DAG_OPS = ['Add', 'AveragePool', 'BatchNormalization', 'Clip', 'Concat', 'Conv', 'Dropout', 'Flatten', 'Gemm', 'GlobalAveragePool', 'HardSigmoid', 'HardSwish', 'LeakyRelu', 'MaxPool', 'Mul', 'Relu', 'Sigmoid', 'Swish'];

/** A random 2-D DAG with the ops of RANDOM_DAG_OPS, branches merged by Add / Mul / Concat, odd attributes and names. */
function randomDag(seed: number): Graph {
  const rng = createRng(seed);
  const g = new GraphBuilder(rng.pick(NAMES));
  const maps: number[] = [];
  for (let i = 0, n = 1 + (rng.int(4) === 0 ? 1 : 0); i < n; i++) {
    maps.push(g.input(`in${i}`, [1 + rng.int(2), 1 + rng.int(8), 4 + rng.int(20), 4 + rng.int(20)]));
  }
  const steps = 4 + rng.int(24);
  for (let s = 0; s < steps; s++) {
    g.setBlock(rng.pick(BLOCKS));
    const x = rng.pick(maps);
    const [, c, h, w] = g.shape(x) as [number, number, number, number];
    const pair = (max: number): [number, number] => [1 + rng.int(Math.min(max, h)), 1 + rng.int(Math.min(max, w))];
    const pads = (): [number, number, number, number] => [rng.int(3), rng.int(3), rng.int(3), rng.int(3)];
    try {
      let y: number;
      switch (rng.int(8)) {
        case 0: {
          const divisors = Array.from({ length: c }, (_, i) => i + 1).filter((d) => c % d === 0);
          const group = rng.pick(divisors);
          y = g.add('Conv', [x], { outChannels: group * (1 + rng.int(4)), kernel: pair(5), strides: [1 + rng.int(3), 1 + rng.int(3)], pads: pads(), group, bias: rng.int(2) === 1 });
          break;
        }
        case 1: {
          const attrs: NodeAttrs['MaxPool'] = { kernel: pair(4), strides: [1 + rng.int(3), 1 + rng.int(3)], pads: [0, rng.int(2), 0, rng.int(2)] };
          const ceilMode = maybe(rng, rng.int(2) === 1);
          const countIncludePad = maybe(rng, rng.int(2) === 1);
          y = g.add(rng.int(2) ? 'MaxPool' : 'AveragePool', [x], { ...attrs, ...(ceilMode === undefined ? {} : { ceilMode }), ...(countIncludePad === undefined ? {} : { countIncludePad }) });
          break;
        }
        case 2: {
          const unary: (() => number)[] = [
            () => g.add('BatchNormalization', [x], { epsilon: randomFloat(rng) }),
            () => g.add('Relu', [x], {}),
            () => g.add('Clip', [x], { min: randomFloat(rng), max: randomFloat(rng) }),
            () => g.add('LeakyRelu', [x], { alpha: randomFloat(rng) }),
            () => g.add('Sigmoid', [x], {}),
            () => g.add('Swish', [x], {}),
            () => g.add('HardSigmoid', [x], { alpha: randomFloat(rng), beta: randomFloat(rng) }),
            () => g.add('HardSwish', [x], {}),
            () => g.add('Dropout', [x], { ratio: randomFloat(rng) }),
          ];
          y = rng.pick(unary)();
          break;
        }
        case 3:
        case 4: {
          const op = rng.int(2) ? 'Add' : 'Mul';
          const same = maps.filter((t) => g.shape(t).join('x') === g.shape(x).join('x'));
          const operands = [x, ...Array.from({ length: rng.int(3) }, () => rng.pick(same))];
          if (op === 'Mul' && rng.int(2)) operands.push(g.add('GlobalAveragePool', [x], {}));
          const weight = rng.pick([undefined, [c, 1, 1], [1, c, 1, 1], [], [1]]);
          if (operands.length === 1 && weight === undefined) operands.push(x);
          y = g.add(op, operands, weight === undefined ? {} : { weight });
          break;
        }
        case 5: {
          const same = maps.filter((t) => {
            const [n2, , h2, w2] = g.shape(t);
            return n2 === g.shape(x)[0] && h2 === h && w2 === w;
          });
          const branch = g.add('Conv', [rng.pick(same)], { outChannels: 1 + rng.int(6), kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], group: 1, bias: false });
          const parts = [x, branch, ...Array.from({ length: rng.int(3) }, () => rng.pick(same))];
          y = g.add('Concat', parts, { axis: rng.int(2) ? 1 : -3 });
          break;
        }
        case 6:
          y = g.add('GlobalAveragePool', [x], {});
          break;
        default:
          y = g.add('Conv', [x], { outChannels: 1 + rng.int(12), kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], group: 1, bias: true });
      }
      maps.push(y);
    } catch {
      // Attributes that do not fit the input (e.g. a ceil-mode window past the edge): skip the step.
    }
  }
  g.setBlock(rng.pick(BLOCKS));
  const last = maps[maps.length - 1] as number;
  const outputs = [last];
  if (rng.int(2)) {
    let v = g.add('Flatten', [last], { axis: rng.int(5) });
    if (rng.int(2)) v = g.add('Dropout', [v], { ratio: rng.next() });
    v = g.add('Gemm', [v], { outFeatures: 1 + rng.int(20), bias: rng.int(2) === 1 });
    outputs.push(v);
  }
  if (rng.int(3) === 0) outputs.push(rng.pick(maps));
  return g.finish(outputs);
}

/** The same graph with its tensors array in another order (indices and names only change). */
function shuffleTensors(g: Graph, rng: Rng): Graph {
  const order = g.tensors.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const where = new Map(order.map((old, i) => [old, i]));
  const map = (t: number) => where.get(t) as number;
  return {
    name: g.name,
    inputs: g.inputs.map(map),
    outputs: g.outputs.map(map),
    tensors: order.map((old) => ({ ...(g.tensors[old] as Graph['tensors'][number]), name: `x${old}` })),
    nodes: g.nodes.map((n) => ({ ...n, name: `renamed_${n.name}`, inputs: n.inputs.map(map), outputs: n.outputs.map(map) }) as GraphNode),
  };
}

describe('LAMDA text round trip', () => {
  it.each(ZOO_MODELS)('zoo %s', (name) => {
    expectRoundTrip(buildZooModel(name));
  });

  const space = resolveSpace();
  const referenceFiles = readdirSync(REFERENCE).filter((f) => f.endsWith('.json') && f !== 'published.json');
  it('covers the shipped reference configs', () => expect(referenceFiles.length).toBeGreaterThanOrEqual(6));
  it.each(referenceFiles)('reference config %s', (file) => {
    expectRoundTrip(loadModelFile(`${REFERENCE}${file}`, { space }).graph);
  });

  it.each(['mobilenet_v2', 'googlenet', 'squeezenet1_1', 'mobilenet_v3_small'])('%s exported to ONNX and imported back', (name) => {
    const imported = importModel(decodeModel(exportOnnx(buildZooModel(name, { resolution: 64, classes: 10 }))));
    const text = expectRoundTrip(imported);
    expect(text).toMatch(/\| block=stem\.conv1_0\n|\| block=features\.0\.conv_0\n|\| block=features\.0\.\w+_0\n/);
  });

  it('2000 random search-space candidates', () => {
    const rng = createRng(2024);
    for (let i = 0; i < 2000; i++) {
      const g = lowerBlockNet(sampleCandidate(space, rng), { resolution: space.input.resolution, classes: space.classes, dropout: space.head.dropout });
      const d = roundTripDifference(g);
      if (d) throw new Error(`candidate ${i}: ${d}`);
    }
  });

  it('1500 random DAGs with branches, 18 ops and odd names (tensors shuffled too)', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 1500; seed++) {
      const g = randomDag(seed);
      for (const n of g.nodes) seen.add(n.op);
      const d = roundTripDifference(g);
      if (d) throw new Error(`dag ${seed}: ${d}\n${serializeGraph(g)}`);
      if (seed % 5 === 0) {
        const shuffled = shuffleTensors(g, createRng(seed));
        if (!graphsEqual(g, shuffled)) throw new Error(`dag ${seed}: shuffling tensors changed the graph`);
        if (serializeGraph(shuffled) !== serializeGraph(g)) throw new Error(`dag ${seed}: the text depends on tensor order`);
      }
    }
    expect([...seen].sort()).toEqual(RANDOM_DAG_OPS);
  });

  it('keeps optional attributes as they are: absent stays absent, false stays false', () => {
    const g = new GraphBuilder('opt');
    const x = g.input('x', [1, 4, 9, 9]);
    const a = g.add('MaxPool', [x], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0] });
    const b = g.add('AveragePool', [a], { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceilMode: false, countIncludePad: true });
    const c = g.add('Mul', [b], { weight: [] });
    const graph = g.finish([c]);
    const text = expectRoundTrip(graph);
    expect(text).toContain('t1 = MaxPool(t0) k=3x3 s=2x2 p=0,0,0,0\n');
    expect(text).toContain('t2 = AveragePool(t1) k=2x2 s=2x2 p=0,0,0,0 ceil=0 countpad=1\n');
    expect(text).toContain('t3 = Mul(t2) w=scalar\n');
    const parsed = parseGraph(text);
    expect('ceilMode' in (parsed.nodes[0]?.attrs ?? {})).toBe(false);
    const withCeil = parseGraph(text.replace('p=0,0,0,0\n', 'p=0,0,0,0 ceil=0\n'));
    expect(graphsEqual(graph, withCeil)).toBe(false);
    expect(graphDifference(graph, withCeil)).toContain('ceilMode');
  });

  it('graphsEqual sees every structural change and ignores names', () => {
    const g = buildZooModel('resnet18', { resolution: 32, classes: 10 });
    const renamed = { ...g, tensors: g.tensors.map((t, i) => ({ ...t, name: `v${i}` })), nodes: g.nodes.map((n, i) => ({ ...n, name: `n${i}` }) as GraphNode) };
    expect(graphsEqual(g, renamed)).toBe(true);
    expect(graphsEqual(g, { ...g, name: 'other' })).toBe(false);
    expect(graphsEqual(g, { ...g, name: 'other' }, { ignoreName: true })).toBe(true);
    const nodes = [...g.nodes];
    const i = nodes.findIndex((n) => n.op === 'Add');
    const add = nodes[i] as GraphNode;
    nodes[i] = { ...add, inputs: [add.inputs[1] as number, add.inputs[0] as number] } as GraphNode;
    expect(graphDifference(g, { ...g, nodes })).toMatch(/nodes\[\d+\]\.inputs\[0\]/);
    nodes[i] = { ...add, block: 'elsewhere' } as GraphNode;
    expect(graphDifference(g, { ...g, nodes })).toMatch(/\.block/);
  });
});

describe('LAMDA text format', () => {
  const g = buildZooModel('mobilenet_v2');

  it('writes one line per node between a header and an output line', () => {
    const lines = serializeNodeLines(g);
    expect(lines).toHaveLength(g.nodes.length + 2);
    expect(`${lines.join('\n')}\n`).toBe(serializeGraph(g));
    expect(lines.slice(0, 4)).toEqual([
      'graph mobilenet_v2 input t0:1x3x224x224',
      't1 = Conv(t0) cin=3 out=32 k=3x3 s=2x2 p=1,1,1,1 g=1 bias=0 | block=features.0',
      't2 = BatchNormalization(t1) eps=0.00001 | block=features.0',
      't3 = Clip(t2) min=0 max=6 | block=features.0',
    ]);
    expect(lines[lines.length - 1]).toBe(`output t${g.nodes.length}`);
    expect(lines.some((l) => /^t\d+ = Add\(t\d+,t\d+\) \| block=features\.\d+$/.test(l))).toBe(true);
  });

  it('names parsed nodes after their block and op, and takes a name option', () => {
    const parsed = parseGraph(serializeGraph(g), { name: 'renamed' });
    expect(parsed.name).toBe('renamed');
    expect(parsed.nodes[0]?.name).toBe('features.0.conv_0');
    expect(parsed.tensors[1]?.name).toBe('t1');
    expect(graphsEqual(g, parsed, { ignoreName: true })).toBe(true);
  });

  it('reads non-canonical text: any ids, spaces, comments, CRLF, attributes in any order, cin left out', () => {
    const text = [
      '# a hand-written net',
      'graph "tiny net"   input img:1x3x32x32',
      '',
      'stem = Conv( img ) k=3x3 out=16 s=1x1 p=1,1,1,1 bias=1 g=1 |block=stem',
      'a=Relu(stem)|block=stem',
      '  b = Add(a, stem)',
      'pool = GlobalAveragePool(b) | block="the head"',
      'flat = Flatten(pool) axis=1 | block="the head"',
      'logits = Gemm(flat) bias=1 out=10 | block="the head"',
      'output logits',
    ].join('\r\n');
    const parsed = parseGraph(text);
    checkShapes(parsed);
    expect(serializeGraph(parsed)).toBe(
      [
        'graph "tiny net" input t0:1x3x32x32',
        't1 = Conv(t0) cin=3 out=16 k=3x3 s=1x1 p=1,1,1,1 g=1 bias=1 | block=stem',
        't2 = Relu(t1) | block=stem',
        't3 = Add(t2,t1)',
        't4 = GlobalAveragePool(t3) | block="the head"',
        't5 = Flatten(t4) axis=1 | block="the head"',
        't6 = Gemm(t5) cin=16 out=10 bias=1 | block="the head"',
        'output t6',
        '',
      ].join('\n'),
    );
    expect(parsed.tensors.map((t) => t.name)).toEqual(['img', 'stem', 'a', 'b', 'pool', 'flat', 'logits']);
    expect(parsed.tensors[6]?.shape).toEqual([1, 10]);
  });

  it('writes several inputs and outputs', () => {
    const b = new GraphBuilder('two');
    const x = b.input('x', [1, 2, 8, 8]);
    const y = b.input('y', [1, 3, 8, 8]);
    const z = b.add('Concat', [x, y, x], { axis: 1 });
    const text = expectRoundTrip(b.finish([z, x]));
    expect(text).toBe('graph two input t0:1x2x8x8,t1:1x3x8x8\nt2 = Concat(t0,t1,t0) axis=1\noutput t2,t0\n');
  });
});

describe('LAMDA text errors', () => {
  const base = [
    'graph tiny input t0:1x3x32x32',
    't1 = Conv(t0) cin=3 out=16 k=3x3 s=1x1 p=1,1,1,1 g=1 bias=0 | block=stem',
    't2 = Relu(t1) | block=stem',
    't3 = Add(t2,t1) | block=stem',
    't4 = MaxPool(t3) k=2x2 s=2x2 p=0,0,0,0 | block=pool',
    'output t4',
  ];
  it('the base text parses', () => {
    expect(serializeGraph(parseGraph(base.join('\n')))).toBe(`${base.join('\n')}\n`);
  });

  /** Replaces `from` by `to` on line `line` (1-based), parses, returns the error. */
  function errorOf(line: number, from: string, to: string): DslSyntaxError {
    const lines = [...base];
    expect(lines[line - 1]).toContain(from);
    lines[line - 1] = (lines[line - 1] as string).replace(from, to);
    try {
      parseGraph(lines.join('\n'));
    } catch (err) {
      expect(err).toBeInstanceOf(DslSyntaxError);
      return err as DslSyntaxError;
    }
    throw new Error(`no error for ${lines[line - 1]}`);
  }
  const col = (line: number, from: string, to: string, needle: string) => (base[line - 1] as string).replace(from, to).indexOf(needle) + 1;

  it('a missing "="', () => {
    const e = errorOf(3, 't2 = Relu', 't2 Relu');
    expect([e.line, e.column]).toEqual([3, 4]);
    expect(e.message).toBe('line 3, column 4: expected "=" after the output tensor id, got "Relu"');
  });

  it('a bad kernel', () => {
    // `3` is a 1-D kernel: the count is checked against the input's spatial axes, at the value.
    const e = errorOf(2, 'k=3x3', 'k=3');
    expect(e.message).toBe(`line 2, column ${col(2, 'k=3x3', 'k=3', 'k=3') + 2}: expected a kernel like 3x3 (or 3, 3x3x3) with 2 values (one per spatial axis of t0, 1x3x32x32), got "3"`);
    expect(e.expected).toBe('a kernel like 3x3 (or 3, 3x3x3) with 2 values (one per spatial axis of t0, 1x3x32x32)');
    expect(errorOf(5, 'k=2x2', 'k=2x0').message).toMatch(/^line 5, column \d+: expected a kernel like 3x3 \(or 3, 3x3x3\), got "2x0"$/);
    expect(errorOf(5, 'k=2x2', 'k=2x2x2x2').message).toMatch(/^line 5, column 20: expected a kernel like 3x3 \(or 3, 3x3x3\), got "2x2x2x2"$/);
  });

  it('an unknown op, naming it, the ops close to it and where the list is', () => {
    const e = errorOf(3, 'Relu', 'Relu6');
    expect([e.line, e.column]).toEqual([3, 6]);
    expect(e.message).toContain('got "Relu6"');
    expect(e.message).toContain(`expected an op (Relu, PRelu, Elu, Gelu, or one of the ${OP_TYPES.length} ops in docs/dsl-grammar.md`);
  });

  it('an input id not defined earlier, naming the id and the line', () => {
    const e = errorOf(4, 'Add(t2,t1)', 'Add(t2,t9)');
    expect(e.message).toBe(`line 4, column ${col(4, 'Add(t2,t1)', 'Add(t2,t9)', 't9')}: expected a tensor id defined on an earlier line, got "t9"`);
    const later = errorOf(3, 'Relu(t1)', 'Relu(t4)');
    expect([later.line, later.found]).toEqual([3, '"t4"']);
    expect(errorOf(6, 'output t4', 'output t7').message).toMatch(/^line 6, column 8: .*got "t7"$/);
  });

  it('a cin that does not match the input channels', () => {
    const e = errorOf(2, 'cin=3', 'cin=4');
    expect(e.message).toBe(`line 2, column ${col(2, 'cin=3', 'cin=4', 'cin=4') + 4}: expected cin=3 (the channels of t0), got "4"`);
  });

  it('other mistakes', () => {
    const cases: [number, string, string, RegExp][] = [
      [2, ' g=1', '', /^line 2, column 57: expected the Conv attribute g=\.\.\. \(a group count, a positive integer\), got "\|"$/],
      [2, 'g=1', 'g=1 g=1', /expected each attribute of Conv once, got a second "g"/],
      [2, 'bias=0', 'bias=false', /expected bias, 0 or 1, got "false"/],
      [3, '| block=stem', 'alpha=1 | block=stem', /column 15: expected no attributes for Relu: "\|" or end of line, got "alpha"/],
      [5, 'k=2x2', 'kernel=2x2', /expected an attribute of MaxPool \(k, s, p, ceil, countpad\), "\|" or end of line, got "kernel"/],
      [5, 'p=0,0,0,0', 'p=0,0', /column 32: expected pads like 1,1,1,1 \(top,left,bottom,right; all begins, then all ends\) with 4 values \(begins then ends of each spatial axis of t3, 1x16x32x32\), got "0,0"$/],
      [5, 'p=0,0,0,0', 'p=0,0,0', /column 32: expected pads like 1,1,1,1 .*, got "0,0,0"$/],
      [3, 'Relu(t1)', 'Relu(t1,t0)', /expected one input for Relu, got 2 inputs/],
      [3, 't2 =', 't1 =', /^line 3, column 1: expected a new tensor id, got "t1" \(already defined on line 2\)$/],
      [4, 'Add(t2,t1)', 'Add(t2,t0)', /^line 4, column 6: expected inputs and attributes that fit Add .*got input shapes 1x16x32x32, 1x3x32x32$/],
      [2, 'g=1', 'g=2', /fit Conv \(group: .*a divisor of input channels 3/],
      [1, 'graph tiny', 'graf tiny', /^line 1, column 1: expected the header/],
      [1, 't0:1x3x32x32', 't0:1x3x32x', /^line 1, column 21: expected an input shape like 1x3x224x224, got "1x3x32x"$/],
      [3, '| block=stem', '| stem', /expected "block=" and the block name after "\|"/],
      [3, 'block=stem', 'block=stem extra', /expected end of line, got "extra"/],
      [6, 'output t4', 'output t4\nt5 = Relu(t4)', /^line 7, column 1: expected end of text after the output line/],
      [6, 'output t4', '', /^line 6, column 1: expected the line "output t\.\.\." naming the graph outputs, got end of text$/],
    ];
    for (const [line, from, to, pattern] of cases) expect(errorOf(line, from, to).message, `${from} -> ${to}`).toMatch(pattern);
  });
});

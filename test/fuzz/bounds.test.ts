/**
 * The bounds the readers keep, at their edges (values worked by hand): export weights (2^28),
 * exact integers in the text (2^53 - 1), tensor sizes (2^40), ONNX data against dims, and the
 * CSV number grammar.
 */
import { describe, expect, it } from 'vitest';
import { csvNumber, numericColumn, parseCsv } from '../../lib/csv.js';
import { showName } from '../../lib/errors.js';
import { checkExportable, exportWeightElements, MAX_EXPORT_WEIGHTS, MAX_KERNEL, MAX_STRIDE } from '../../lib/graph/bounds.js';
import { DslSyntaxError, graphsEqual, parseGraph, serializeGraph } from '../../lib/lamda/dsl.js';
import { decodeModel, importModel } from '../../lib/onnx/import.js';
import { onnx, toNumber, type NodeProto } from '../../lib/onnx/proto.js';
import { checkTensor } from '../../lib/onnx/tensors.js';
import { thrownInputError } from '../helpers.js';

const gemm = (out: number) => parseGraph(`graph fc input t0:1x16384\nt1 = Gemm(t0) cin=16384 out=${out} bias=1\noutput t1\n`);

function syntaxError(text: string): DslSyntaxError {
  try {
    parseGraph(text);
  } catch (err) {
    if (err instanceof DslSyntaxError) return err;
    throw err;
  }
  throw new Error('parsed');
}

describe('export weight bound', () => {
  it('16384 x 16383 + 16383 = 268,435,455 weights export; 16385 x 16384 = 268,451,840 do not', () => {
    expect(MAX_EXPORT_WEIGHTS).toBe(268_435_456);
    expect(exportWeightElements(gemm(16383))).toBe(268_435_455);
    expect(() => checkExportable(gemm(16383))).not.toThrow();
    expect(exportWeightElements(gemm(16384))).toBe(268_451_840);
    expect(thrownInputError(() => checkExportable(gemm(16384))).message).toBe(
      'model "fc" weights: needs 268,451,840 weight elements (1.00 GiB of float32); allowed: at most 268,435,456 weight elements (2^28, 1 GiB of float32) for export, parse and latency',
    );
  });
});

describe('LAMDA text integers', () => {
  it('past 2^53 - 1 is refused as inexact; up to it, sizes meet the 2^40 tensor bound', () => {
    const e = syntaxError('graph g input t0:1x3x8x8\nt1 = Conv(t0) cin=3 out=9007199254740992 k=1x1 s=1x1 p=0,0,0,0 g=1 bias=0\noutput t1\n');
    expect([e.line, e.column, e.found]).toEqual([2, 25, '"9007199254740992"']);
    expect(e.expected).toBe('output channels, a positive integer, each integer at most 9007199254740991 (2^53 - 1)');
    const bound = syntaxError('graph g input t0:1x3x8x8\nt1 = Conv(t0) cin=3 out=9007199254740991 k=1x1 s=1x1 p=0,0,0,0 g=1 bias=0\noutput t1\n');
    expect(bound.expected).toMatch(/outChannels: got 9007199254740991; allowed: a positive integer, at most 1,099,511,627,776/);
    expect(syntaxError('graph g input t0:1x3x1048576x1048576\nt1 = Relu(t0)\noutput t1\n').expected).toMatch(/has more than 1,099,511,627,776 elements/);
    expect(syntaxError('graph g input t0:1x3x8x8\nt1 = LeakyRelu(t0) alpha=1e999\noutput t1\n').expected).toMatch(/alpha: got Infinity; allowed: a finite number/);
  });
});

describe('ONNX tensors against their dims', () => {
  const t = (o: Record<string, unknown>) => onnx.TensorProto.decode(onnx.TensorProto.encode(onnx.TensorProto.fromObject({ name: 'w', dataType: 1, ...o })).finish());
  it('raw bytes, typed values and external data', () => {
    expect(checkTensor(t({ dims: [2, 3], rawData: new Uint8Array(24) }), 'w')).toEqual({ dims: [2, 3], elements: 6 });
    expect(thrownInputError(() => checkTensor(t({ dims: [2, 3], rawData: new Uint8Array(20) }), 'w')).message).toBe('w raw_data: holds 20 bytes; allowed: 6 elements x 4 bytes = 24 bytes for dims [2, 3]');
    expect(thrownInputError(() => checkTensor(t({ dims: [2, 3], floatData: [1, 2] }), 'w')).message).toBe('w data: holds 2 values in float_data; allowed: 6 values for dims [2, 3] (raw_data or one typed field)');
    expect(thrownInputError(() => checkTensor(t({ dims: [4] }), 'w')).message).toMatch(/holds no data/);
    expect(checkTensor(t({ dims: [4], dataLocation: 1 }), 'w').elements).toBe(4);
    expect(checkTensor(t({ dims: [0] }), 'w').elements).toBe(0); // legal ONNX; refused where used as a weight
    expect(thrownInputError(() => checkTensor(t({ dims: ['9007199254740993'] }), 'w')).message).toMatch(/dimension 0 is Infinity/);
    expect(toNumber(onnx.TensorProto.decode(onnx.TensorProto.encode({ dims: [2 ** 53 + 2] }).finish()).dims?.[0])).toBe(Infinity);
  });
});

describe('CSV numbers', () => {
  it('decimal only (inf allowed); spaces around a field ignored', () => {
    const ok: [string, number][] = [['12', 12], ['-0.5', -0.5], ['1.5e6', 1.5e6], ['+.5', 0.5], ['7.', 7], ['inf', Infinity], ['-Infinity', -Infinity], ['+INF', Infinity]];
    for (const [text, value] of ok) expect(csvNumber(text)).toBe(value);
    for (const text of ['0x10', '0b11', '0o7', '1e', '', '.', 'NaN', '1_000', '1e999', ' 1', '١']) expect(csvNumber(text)).toBeUndefined();
    const table = parseCsv('a,b\n\n 1 ,"2"\n"x\ny",3\n', 't.csv');
    expect(table.rows).toEqual([['1', '2'], ['x\ny', '3']]);
    // RFC 4180: a quote opens a quoted field only right after the comma; ' "2"' keeps its quotes (not a number)
    expect(parseCsv('a,b\n1, "2"\n').rows).toEqual([['1', '"2"']]);
    expect(numericColumn(table, 'b', 't.csv')).toEqual([2, 3]);
    expect(thrownInputError(() => numericColumn(table, 'a', 't.csv')).message).toMatch(/^t\.csv line 4 column a: got "x\\ny"/);
  });
});

/** A one-node LAMDA text on a 1x3x8x8 input. */
const oneNode = (line: string, input = '1x3x8x8') => `graph g input t0:${input}\nt1 = ${line}\noutput t1\n`;
const conv = (attrs: string) => oneNode(`Conv(t0) cin=3 out=4 ${attrs} g=1 bias=0`);
const pool = (attrs: string) => oneNode(`MaxPool(t0) ${attrs}`);

describe('window and float attribute bounds (shape inference, so every reader)', () => {
  it('strides: 1 to 64; 4294967297 (2^32 + 1) and 100000 are refused naming node, attribute and bound', () => {
    expect(MAX_STRIDE).toBe(64);
    const huge = syntaxError(conv('k=1x1 s=4294967297x1 p=0,0,0,0'));
    expect([huge.line, huge.column]).toEqual([2, 6]);
    expect(huge.expected).toBe('inputs and attributes that fit Conv (strides[0]: got 4294967297; allowed: an integer from 1 to 64)');
    expect(syntaxError(pool('k=2x2 s=100000x2 p=0,0,0,0')).expected).toBe('inputs and attributes that fit MaxPool (strides[0]: got 100000; allowed: an integer from 1 to 64)');
    expect(syntaxError(pool('k=2x2 s=2x65 p=0,0,0,0')).expected).toMatch(/strides\[1\]: got 65; allowed: an integer from 1 to 64\)$/);
    // stride 64 on an 8-pixel side: one window, output 1x1 (floor((8 - 1) / 64) + 1)
    expect(parseGraph(conv('k=1x1 s=64x64 p=0,0,0,0')).tensors[1]?.shape).toEqual([1, 4, 1, 1]);
  });
  it('kernel: 1 to 4096 and within the padded input; pads below the kernel side', () => {
    expect(MAX_KERNEL).toBe(4096);
    expect(syntaxError(pool('k=9x1 s=1x1 p=0,0,0,0')).expected).toBe('inputs and attributes that fit MaxPool (kernel[0]: got 9, larger than the padded input 8 (8 + pads 0 and 0); allowed: an integer from 1 to 4096, no larger than the padded input 8)');
    expect(parseGraph(pool('k=9x1 s=1x1 p=1,0,0,0')).tensors[1]?.shape).toEqual([1, 3, 1, 8]);
    expect(syntaxError(oneNode('MaxPool(t0) k=4097x1 s=1x1 p=2048,0,2048,0', '1x1x8192x8')).expected).toMatch(/kernel\[0\]: got 4097; allowed: an integer from 1 to 4096, no larger than the padded input\)$/);
    // a pool's pads stay below its kernel side (onnxruntime refuses wider ones)
    expect(syntaxError(pool('k=3x3 s=1x1 p=1,3,1,1')).expected).toMatch(/pads\[1\]: got 3; allowed: an integer from 0 to 2 \(less than the kernel side 3\)\)$/);
    expect(syntaxError(pool('k=1x1 s=1x1 p=0,0,0,1')).expected).toMatch(/pads\[3\]: got 1; allowed: an integer from 0 to 0 \(less than the kernel side 1\)\)$/);
    // a conv's may be wider (PyTorch's Conv1d(kernel_size=3, padding=4) exports so), up to 4096
    expect(parseGraph(conv('k=1x1 s=1x1 p=0,0,0,1')).tensors[1]?.shape).toEqual([1, 4, 8, 9]);
    expect(syntaxError(conv('k=3x3 s=1x1 p=1,4097,1,1')).expected).toMatch(/pads\[1\]: got 4097; allowed: an integer from 0 to 4096\)$/);
  });
  it('BN epsilon above 0 and below 1; Clip min <= max; LeakyRelu alpha finite; Dropout ratio in [0, 1)', () => {
    for (const eps of ['99999999999999999999', '0', '1', '-1e-5', 'inf']) {
      expect(syntaxError(oneNode(`BatchNormalization(t0) eps=${eps}`)).expected, eps).toMatch(/^inputs and attributes that fit BatchNormalization \(epsilon: got .*; allowed: a finite number above 0 and below 1\)$/);
    }
    expect(syntaxError(oneNode('BatchNormalization(t0) eps=0')).expected).toContain('epsilon: got 0;');
    expect(parseGraph(oneNode('BatchNormalization(t0) eps=0.999')).nodes[0]?.attrs).toEqual({ epsilon: 0.999 });
    expect(syntaxError(oneNode('Clip(t0) min=6 max=0')).expected).toMatch(/min: got 6; allowed: a lower bound at most the upper bound 0\)$/);
    expect(syntaxError(oneNode('LeakyRelu(t0) alpha=-inf')).expected).toMatch(/alpha: got -Infinity; allowed: a finite number\)$/);
    expect(syntaxError(oneNode('Dropout(t0) ratio=1')).expected).toMatch(/ratio: got 1; allowed: a finite number at least 0 and below 1\)$/);
  });
  it('at the bounds estimate accepts, serialize writes and parse reads back the same graph', () => {
    const text = [
      'graph edge input t0:1x3x64x64',
      't1 = Conv(t0) cin=3 out=4 k=7x7 s=64x64 p=6,6,6,6 g=1 bias=0',
      't2 = BatchNormalization(t1) eps=5e-324',
      't3 = Clip(t2) min=-inf max=-inf',
      't4 = MaxPool(t3) k=4x4 s=1x1 p=3,3,3,3 ceil=1',
      't5 = Dropout(t4) ratio=0.9999999999999999',
      'output t5',
      '',
    ].join('\n');
    const graph = parseGraph(text);
    expect(graph.tensors.map((t) => t.shape)).toEqual([[1, 3, 64, 64], [1, 4, 2, 2], [1, 4, 2, 2], [1, 4, 2, 2], [1, 4, 5, 5], [1, 4, 5, 5]]);
    expect(graphsEqual(parseGraph(serializeGraph(graph)), graph)).toBe(true);
  });
});

describe('names from files in errors (showName)', () => {
  it('quoted, controls and U+FFFD escaped, a long one cut with its length, never half an escape', () => {
    expect(showName('stage2.layer1.relu6_13\uFFFDmin')).toBe('"stage2.layer1.relu6_13\\ufffdmin"');
    expect(showName('a\u0012b')).toBe('"a\\u0012b"');
    expect(showName('Con$')).toBe('"Con$"');
    expect(showName('x\u200by\u00a0z \u{1F600}\ud800"\\')).toBe('"x\\u200by\\u00a0z \u{1F600}\\ud800\\"\\\\"');
    expect(showName('\u0085'.repeat(50), 39)).toBe(`"${'\\u0085'.repeat(5)}... (50 characters)`); // "\u00 of the sixth dropped
    expect(showName('n'.repeat(200))).toBe(`"${'n'.repeat(76)}... (200 characters)`);
  });
  it('ONNX: a mutated node name and op type read the same in every message', () => {
    const model = (nodes: NodeProto[], inits: { name: string; dims: number[] }[] = []) =>
      decodeModel(
        onnx.ModelProto.encode(
          onnx.ModelProto.fromObject({
            irVersion: 7,
            opsetImport: [{ version: 14 }],
            graph: {
              name: 'g\uFFFD',
              node: nodes,
              initializer: inits.map((t) => ({ ...t, dataType: 1, rawData: new Uint8Array(4 * t.dims.reduce((p, d) => p * d, 1)) })),
              input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [1, 3, 8, 8].map((d) => ({ dimValue: d })) } } } }],
              output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
            },
          }),
        ).finish(),
      );
    const bad = (m: ReturnType<typeof model>) => thrownInputError(() => importModel(m)).message;
    expect(bad(model([{ name: 'c\u0012v', opType: 'Con$', input: ['x'], output: ['y'] }]))).toMatch(/^node "c\\u0012v": op type "Con\$" is not supported; allowed: Conv,/);
    const clip = { name: 'relu6_13\uFFFDmin', opType: 'Clip', input: ['x', 'lo', 'hi'], output: ['y'] };
    expect(bad(model([clip], [{ name: 'lo', dims: [] }]))).toBe('node "relu6_13\\ufffdmin" (Clip) input 2: got "hi"; allowed: a constant maximum (initializer, Constant node or constant-foldable subgraph)');
    const strided = { name: 'p\uFFFD', opType: 'MaxPool', input: ['x'], output: ['y'], attribute: [{ name: 'kernel_shape', type: 7, ints: [2, 2] }, { name: 'strides', type: 7, ints: [4294967297, 1] }] };
    expect(bad(model([strided]))).toBe('"p\\ufffd.maxpool_0".strides[0]: got 4294967297; allowed: an integer from 1 to 64');
    const eps = { name: 'bn\u0007', opType: 'BatchNormalization', input: ['x', 's', 'b', 'm', 'v'], output: ['y'], attribute: [{ name: 'epsilon', type: 1, f: 0 }] };
    expect(bad(model([eps], ['s', 'b', 'm', 'v'].map((name) => ({ name, dims: [3] }))))).toBe('"bn\\u0007.bn_0".epsilon: got 0; allowed: a finite number above 0 and below 1');
    const pad = { name: 'pad', opType: 'Pad', input: ['x'], output: ['y'], attribute: [{ name: 'mode', type: 3, s: new TextEncoder().encode('refl\u0012ect') }, { name: 'pads', type: 7, ints: [0, 0, 1, 1, 0, 0, 1, 1] }] };
    expect(bad(model([pad]))).toBe('node "pad" (Pad) mode: got "refl\\u0012ect"; allowed: constant, reflect, edge');
  });
});

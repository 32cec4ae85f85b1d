/**
 * The bounds the readers keep, at their edges (values worked by hand): export weights (2^28),
 * exact integers in the text (2^53 - 1), tensor sizes (2^40), ONNX data against dims, and the
 * CSV number grammar.
 */
import { describe, expect, it } from 'vitest';
import { csvNumber, numericColumn, parseCsv } from '../../lib/csv.js';
import { checkExportable, exportWeightElements, MAX_EXPORT_WEIGHTS } from '../../lib/graph/bounds.js';
import { DslSyntaxError, parseGraph } from '../../lib/lamda/dsl.js';
import { onnx, toNumber } from '../../lib/onnx/proto.js';
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

/**
 * Bounds of constant folding (adversarial findings of issue 17): the rank of every constant and
 * tensor (at most 64), the total work of folding in a file (MAX_FOLD_WORK), a linear Concat fold,
 * Expand / ConstantOfShape shapes checked, Squeeze of a size other than 1 and repeated Unsqueeze
 * axes refused, a Slice step of INT64 max accepted, non-finite values shown as Infinity / NaN.
 * Models are built inline; each bad one must give ONE InputError line (exit 2 through the CLI).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { importModel } from '../../lib/onnx/import.js';
import { concat, transpose } from '../../lib/onnx/import/fold.js';
import { MAX_FOLD_WORK } from '../../lib/onnx/import/constants.js';
import { onnx, type ModelProto, type NodeProto } from '../../lib/onnx/proto.js';
import { ROOT, runNode, thrownInputError } from '../helpers.js';
import { tinyModel } from './tiny-model.js';

const BIN = `${ROOT}dist/cli/main.js`;
const tmp = mkdtempSync(`${tmpdir()}/fold-bounds-`);
const AT = onnx.AttributeProto.AttributeType;
const DT = onnx.TensorProto.DataType;
const INT64_MAX = '9223372036854775807';
const INT64_MIN = '-9223372036854775808';

/** A Constant node holding a tensor: int64 (strings allowed for INT64 min / max) or float. */
const constant = (name: string, dims: number[], values: (number | string)[], float = false): NodeProto =>
  onnx.NodeProto.fromObject({
    name,
    opType: 'Constant',
    output: [name],
    attribute: [{ name: 'value', type: AT.TENSOR, t: float ? { dims, dataType: DT.FLOAT, floatData: values } : { dims, dataType: DT.INT64, int64Data: values } }],
  });
const op = (opType: string, input: string[], output: string, attribute: object[] = []): NodeProto => onnx.NodeProto.fromObject({ name: output, opType, input, output: [output], attribute });
const relu = op('Relu', ['x'], 'y');

/** A model of these nodes (and raw float initializers), input x [1, 3, 8, 8] unless given, output y. */
const modelOf = (nodes: NodeProto[], inits: { name: string; dims: number[] }[] = [], inputDims = [1, 3, 8, 8]): ModelProto => tinyModel(nodes, inits, { inputDims, name: 'fold' });
const messageOf = (model: ModelProto) => thrownInputError(() => importModel(model)).message;

/** Runs `estimate` on the encoded model: exit status, stderr lines and seconds taken. */
async function estimate(model: ModelProto, file: string) {
  const path = `${tmp}/${file}`;
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
  const start = Date.now();
  const r = await runNode([BIN, 'estimate', path]);
  return { status: r.status, lines: r.stderr.trim().split('\n'), seconds: (Date.now() - start) / 1000 };
}

describe('rank: at most 64 dimensions for every constant and tensor', () => {
  it('an initializer of a million dims of size 1 read by 3000 Unsqueeze: one line, exit 2, within seconds (was: 4.3 GB, out of memory)', async () => {
    const axes = constant('ax', [1], [0]);
    const nodes = [axes, ...Array.from({ length: 3000 }, (_, i) => op('Unsqueeze', ['a', 'ax'], `u${i}`)), relu];
    const r = await estimate(modelOf(nodes, [{ name: 'a', dims: new Array<number>(1_000_000).fill(1) }]), 'rank_million.onnx');
    expect(r.status).toBe(2);
    expect(r.lines).toEqual(['paretonas estimate: initializer "a" (read by node "u0") dims: has 1000000 dimensions; allowed: at most 64 dimensions (the most PyTorch tensors take)']);
    expect(r.seconds).toBeLessThan(30);
  }, 60_000);

  it('a folded Unsqueeze past 64 dims, and a graph input of 65 dims, are refused', () => {
    const nodes = [constant('s', [64], new Array(64).fill(1)), op('ConstantOfShape', ['s'], 'c'), constant('ax', [1], [0]), op('Unsqueeze', ['c', 'ax'], 'u'), relu];
    expect(messageOf(modelOf(nodes))).toBe('node "u" (Unsqueeze) axes: 64 dimensions + 1 axes give 65; allowed: axes giving at most 64 dimensions');
    expect(messageOf(modelOf([relu], [], new Array<number>(65).fill(1)))).toBe('input "x": has 65 dimensions; allowed: at most 64 dimensions (the most PyTorch tensors take)');
  });
});

describe('total folding work is bounded (MAX_FOLD_WORK) and linear', () => {
  it('10000 Add(a, a) of a 4096-value rank-64 constant stop at the 63rd with one line, within seconds (was: minutes)', () => {
    const dims = [...new Array<number>(62).fill(1), 64, 64];
    const adds = Array.from({ length: 10_000 }, (_, i) => op('Add', ['c', 'c'], `o${i}`));
    const start = Date.now();
    const message = messageOf(modelOf([constant('s', [64], dims), op('ConstantOfShape', ['s'], 'c'), ...adds, relu]));
    // ConstantOfShape: 4096 x 65 + 65 steps, each Add the same: the 64th fold (o62) passes 2^24
    const perFold = 4096 * 65 + 65;
    expect(Math.floor(MAX_FOLD_WORK / perFold)).toBe(63);
    expect(message).toBe(
      `node "o62" (Add): brings the file's constant folding to ${64 * perFold} steps; allowed: at most 16777216 (2^24) steps of constant folding in a file (values computed x (rank + 1)); shape arithmetic takes a few thousand`,
    );
    expect((Date.now() - start) / 1000).toBeLessThan(20);
  }, 60_000);

  it('1500 Concat nodes of 4096 one-value constants fold in seconds (the concat fold was quadratic: 60 s)', () => {
    const parts = new Array<string>(4096).fill('a');
    const nodes = [constant('a', [1], [7]), ...Array.from({ length: 1500 }, (_, i) => op('Concat', parts, `o${i}`, [{ name: 'axis', type: AT.INT, i: 0 }])), relu];
    const start = Date.now();
    expect(importModel(modelOf(nodes)).nodes.map((n) => n.op)).toEqual(['Relu']);
    expect((Date.now() - start) / 1000).toBeLessThan(20);
  }, 60_000);

  it('a Split of a constant into 200000 outputs folds in seconds (the start of each part was summed again: quadratic)', () => {
    const outputs = Array.from({ length: 200_000 }, (_, i) => `p${i}`);
    const split = onnx.NodeProto.fromObject({ name: 'sp', opType: 'Split', input: ['c'], output: outputs });
    const nodes = [constant('s', [1], [400_000]), op('ConstantOfShape', ['s'], 'c'), split, op('Shape', ['p199999'], 'n'), constant('t', [2], [96, -1]), op('Concat', ['n', 't'], 'sh', [{ name: 'axis', type: AT.INT, i: 0 }]), op('Reshape', ['x', 'sh'], 'y')];
    const start = Date.now();
    // the last part has 2 elements: x [1, 3, 8, 8] reshaped to [2, 96, 1]
    const g = importModel(modelOf(nodes));
    expect([...g.tensors[g.outputs[0]!]!.shape]).toEqual([2, 96, 1]);
    expect((Date.now() - start) / 1000).toBeLessThan(20);
  }, 60_000);

  it('concat and transpose give the values numpy gives (hand-worked)', () => {
    // np.concatenate([[[1, 2], [3, 4]], [[5], [6]]], axis=1) = [[1, 2, 5], [3, 4, 6]]
    const a = { dims: [2, 2], values: [1, 2, 3, 4], int: true };
    const b = { dims: [2, 1], values: [5, 6], int: true };
    expect(concat([a, { dims: [2, 0], values: [], int: true }, b], 1)).toEqual({ dims: [2, 3], values: [1, 2, 5, 3, 4, 6], int: true });
    expect(concat([a, { dims: [1, 2], values: [7, 8], int: true }], 0)).toEqual({ dims: [3, 2], values: [1, 2, 3, 4, 7, 8], int: true });
    // np.arange(6).reshape(1, 2, 3).transpose(2, 0, 1).ravel() = [0, 3, 1, 4, 2, 5]
    expect(transpose({ dims: [1, 2, 3], values: [0, 1, 2, 3, 4, 5], int: true }, [2, 0, 1])).toEqual({ dims: [3, 1, 2], values: [0, 3, 1, 4, 2, 5], int: true });
  });
});

describe('Expand and ConstantOfShape shapes are checked', () => {
  const expandTo = (shape: NodeProto[]): ModelProto =>
    modelOf([constant('a', [1], [1], true), ...shape, op('Expand', ['a', 's'], 'e'), op('Shape', ['e'], 'sh'), op('Reshape', ['x', 'sh'], 'y')]);
  const allowed = 'allowed: non-negative integers, at most 1,099,511,627,776 (2^40) elements in all';

  it('shape [-1] through the CLI: one line, exit 2 (was: internal error RangeError, exit 1)', async () => {
    const r = await estimate(expandTo([constant('s', [1], [-1])]), 'expand_neg.onnx');
    expect(r.status).toBe(2);
    expect(r.lines).toEqual([`paretonas estimate: node "e" (Expand) shape: got [-1]; ${allowed}`]);
  }, 60_000);

  it('[1.5], NaN (0 / 0 in floats), Infinity (int 4 / 0) and 2^60 elements are refused, non-finite values shown as such', () => {
    expect(messageOf(expandTo([constant('s', [1], [1.5], true)]))).toBe(`node "e" (Expand) shape: got [1.5]; ${allowed}`);
    expect(messageOf(expandTo([constant('z', [1], [0], true), op('Div', ['z', 'z'], 's')]))).toBe(`node "e" (Expand) shape: got [NaN]; ${allowed}`);
    expect(messageOf(expandTo([constant('n', [1], [4]), constant('z', [1], [0]), op('Div', ['n', 'z'], 's')]))).toBe(`node "e" (Expand) shape: got [Infinity]; ${allowed}`);
    expect(messageOf(expandTo([constant('s', [3], [2 ** 20, 2 ** 20, 2 ** 20])]))).toBe(`node "e" (Expand) shape: got [1048576,1048576,1048576]; ${allowed}`);
    const cos = modelOf([constant('s', [2], [-2, 3]), op('ConstantOfShape', ['s'], 'c'), op('Shape', ['c'], 'sh'), op('Reshape', ['x', 'sh'], 'y')]);
    expect(messageOf(cos)).toBe(`node "c" (ConstantOfShape) shape: got [-2,3]; ${allowed}`);
  });

  it('a valid Expand still folds: [3, 1] to [1, 1, 64] is [1, 3, 64] (numpy broadcasting), the Reshape target of x', () => {
    const nodes = [constant('a', [3, 1], [1, 2, 3], true), constant('s', [3], [1, 1, 64]), op('Expand', ['a', 's'], 'e'), op('Shape', ['e'], 'sh'), op('Reshape', ['x', 'sh'], 'y')];
    const g = importModel(modelOf(nodes));
    expect([...g.tensors[g.outputs[0]!]!.shape]).toEqual([1, 3, 64]);
  });
});

describe('Squeeze, Unsqueeze and Slice on constants', () => {
  it('Squeeze of an axis of size 2 is refused, as on activations', () => {
    const nodes = [constant('ax', [1], [0]), op('Squeeze', ['w0', 'ax'], 'w'), op('Conv', ['x', 'w'], 'y')];
    expect(messageOf(modelOf(nodes, [{ name: 'w0', dims: [2, 4, 3, 3, 3] }]))).toBe('node "w" (Squeeze) axes: got [0]; allowed: axes of size 1 (input shape [2, 4, 3, 3, 3])');
  });

  it('repeated Unsqueeze axes: one clear line (was: "dimension 2 of [1, 1, undefined] is undefined")', () => {
    const nodes = [constant('a', [3], [1, 1, -1]), constant('ax', [2], [0, 0]), op('Unsqueeze', ['a', 'ax'], 'u'), op('Shape', ['u'], 'sh'), op('Reshape', ['x', 'sh'], 'y')];
    expect(messageOf(modelOf(nodes))).toBe('node "u" (Unsqueeze) axes: got [0,0]; allowed: distinct axes');
  });

  it('a Slice step of INT64 max (valid ONNX) takes one element, as onnxruntime: [1, 3, 8, 8] -> [1, 3, 1, 8]', async () => {
    const nodes = [constant('st', [1], [INT64_MIN]), constant('en', [1], [INT64_MAX]), constant('ax', [1], [2]), constant('sp', [1], [INT64_MAX]), op('Slice', ['x', 'st', 'en', 'ax', 'sp'], 'y')];
    const model = modelOf(nodes);
    const g = importModel(model);
    const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish());
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(192), [1, 3, 8, 8]) });
    expect([...out[session.outputNames[0]!]!.dims]).toEqual([1, 3, 1, 8]);
    expect([...g.tensors[g.outputs[0]!]!.shape]).toEqual([1, 3, 1, 8]);
  });

  it('folded: [10, 20, 30][0 : INT64 max : INT64 max] = [10] and [-1 : INT64 min : INT64 min] = [30] (numpy: a[::big] and a[::-big])', () => {
    for (const [start, end, step, want] of [[0, INT64_MAX, INT64_MAX, 10], [-1, INT64_MIN, INT64_MIN, 30]] as const) {
      const nodes = [
        constant('a', [3], [10, 20, 30]),
        constant('st', [1], [start]),
        constant('en', [1], [end]),
        constant('ax', [1], [0]),
        constant('sp', [1], [step]),
        op('Slice', ['a', 'st', 'en', 'ax', 'sp'], 's'),
        constant('k', [1], [want]),
        op('Div', ['s', 'k'], 'one'), // [1] only when the slice is [want]
        constant('head', [2], [3, 64]),
        op('Concat', ['one', 'head'], 't', [{ name: 'axis', type: AT.INT, i: 0 }]),
        op('Reshape', ['x', 't'], 'y'),
      ];
      expect([...importModel(modelOf(nodes)).tensors.at(-1)!.shape]).toEqual([1, 3, 64]);
    }
  });
});

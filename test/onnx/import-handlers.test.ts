/**
 * Handler fixes of the ONNX importer (adversarial findings of issue 17): Gemm's C input, values
 * written twice, Resize with both scales and sizes, uneven Split, zero-size inputs, ReduceMean
 * with noop_with_empty_axes, ConvTranspose output_shape, and the `estimate` header of 1-D and 3-D
 * inputs. Tiny models built inline; valid ones are compared with onnxruntime's output shape and
 * hand-worked counts, invalid ones must give one InputError line naming the field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { estimateCommand } from '../../lib/cli/estimate.js';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { importModel } from '../../lib/onnx/import.js';
import { onnx, type ModelProto, type NodeProto } from '../../lib/onnx/proto.js';
import { thrownInputError } from '../helpers.js';
import { ortDims, outputShapeOf, tinyModel, type TinyInit } from './tiny-model.js';

const tmp = mkdtempSync(`${tmpdir()}/import-handlers-`);
const AT = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]) => ({ name, type: AT.INTS, ints: v });
const int = (name: string, i: number) => ({ name, type: AT.INT, i });
const float = (name: string, f: number) => ({ name, type: AT.FLOAT, f });

const modelOf = (nodes: NodeProto[], inits: TinyInit[] = [], inputDims: number[] = [1, 3, 8, 8], opset = 14): ModelProto => tinyModel(nodes, inits, { inputDims, opset });

const outOf = outputShapeOf;
const flatten: NodeProto = { name: 'f', opType: 'Flatten', input: ['x'], output: ['f'] };
/** Gemm 192 -> 10 on the flattened [1, 3, 8, 8] input, with C = `c` (and attributes). */
const gemmWith = (c: string, attribute: NodeProto['attribute'] = []): NodeProto[] => [flatten, { name: 'fc', opType: 'Gemm', input: ['f', 'w', c], output: ['y'], attribute }];
const W = { name: 'w', dims: [192, 10] };

describe('Gemm C (input 2)', () => {
  it('a computed C (a residual) is Gemm without bias + Add of the two tensors: params 1920 + 100, MACs the same', async () => {
    const model = modelOf(
      [flatten, { name: 'g1', opType: 'Gemm', input: ['f', 'w'], output: ['g'] }, { name: 'r', opType: 'Relu', input: ['g'], output: ['r'] }, { name: 'g2', opType: 'Gemm', input: ['r', 'w2', 'g'], output: ['y'] }],
      [W, { name: 'w2', dims: [10, 10] }],
    );
    const g = importModel(model);
    const r = estimateCosts(g);
    expect([r.macs, r.params]).toEqual([192 * 10 + 10 * 10, 192 * 10 + 10 * 10]);
    const add = g.nodes.find((n) => n.op === 'Add')!;
    // the residual edge is kept: the Add reads the second Gemm's product and the first Gemm's output
    const producer = (t: number) => g.nodes.find((n) => n.outputs[0] === t)?.op;
    expect(add.inputs.map(producer)).toEqual(['Gemm', 'Gemm']);
    expect(add.inputs[1]).toBe(g.nodes.find((n) => n.op === 'Gemm')!.outputs[0]);
    expect(g.nodes.filter((n) => n.op === 'Gemm').map((n) => n.attrs)).toEqual([{ outFeatures: 10, bias: false }, { outFeatures: 10, bias: false }]);
    expect(outOf(g)).toEqual(await ortDims(model, [1, 3, 8, 8]));
  });

  it('a C of one value per output is the bias ([10] and [1, 10]: 10 params); a one-value C is a scalar, not a parameter', async () => {
    for (const dims of [[10], [1, 10]]) {
      const r = estimateCosts(importModel(modelOf(gemmWith('b'), [W, { name: 'b', dims }])));
      expect([r.macs, r.params], dims.join('x')).toEqual([1920, 1930]);
    }
    // alpha and beta scale only: accepted, no count changes; the scalar carries beta x C
    const model = modelOf(gemmWith('b', [float('alpha', 0.5), float('beta', 2)]), [W, { name: 'b', dims: [], floats: [3] }]);
    const g = importModel(model);
    expect(estimateCosts(g).params).toBe(1920);
    expect(g.nodes.at(-1)!.op).toBe('Add');
    expect(g.nodes.at(-1)!.attrs).toEqual({ weight: [], scalar: 6 });
    expect(outOf(g)).toEqual(await ortDims(model, [1, 3, 8, 8]));
  });

  it('a C that does not broadcast to [N, out] is refused, naming C and the shapes allowed', () => {
    const allowed = 'allowed: a shape that broadcasts to the output [1, 10]: [10], [1, 10], [1, 1] or one value';
    for (const dims of [[7], [1000, 10], [1, 1, 10]]) {
      const e = thrownInputError(() => importModel(modelOf(gemmWith('b'), [W, { name: 'b', dims }])));
      expect(e.message).toBe(`node "fc" (Gemm) C: input "b" has shape [${dims.join(', ')}]; ${allowed}`);
    }
  });

  it('alpha or beta not finite is refused', () => {
    for (const [key, v] of [['alpha', NaN], ['beta', Infinity]] as const) {
      const e = thrownInputError(() => importModel(modelOf(gemmWith('b', [float(key, v)]), [W, { name: 'b', dims: [10] }])));
      expect(e.message).toBe(`node "fc" (Gemm) ${key}: got ${v}; allowed: a finite number (a scale of the product or of C)`);
    }
  });
});

describe('invalid ONNX is refused in one line', () => {
  it('Unsqueeze of an activation with an axis twice, and Squeeze of an axis that is not 1', () => {
    const unsq = modelOf([{ name: 'u', opType: 'Unsqueeze', input: ['x', 'ax'], output: ['y'] }], [{ name: 'ax', dims: [2], ints: [0, 0] }]);
    expect(thrownInputError(() => importModel(unsq)).message).toBe('node "u" (Unsqueeze) axes: got [0,0]; allowed: distinct axes');
    const sq = modelOf([{ name: 's', opType: 'Squeeze', input: ['x', 'ax'], output: ['y'] }], [{ name: 'ax', dims: [1], ints: [1] }]);
    expect(thrownInputError(() => importModel(sq)).message).toBe('node "s" (Squeeze) axes: got [1]; allowed: axes of size 1 (input shape [1, 3, 8, 8])');
    const ok = modelOf([{ name: 'u', opType: 'Unsqueeze', input: ['x', 'ax'], output: ['y'] }], [{ name: 'ax', dims: [2], ints: [0, -1] }]);
    expect(outOf(importModel(ok))).toEqual([1, 1, 3, 8, 8, 1]);
  });

  it('a value written by two nodes names the value and both nodes', () => {
    const model = modelOf([
      { name: 'a1', opType: 'Relu', input: ['x'], output: ['a'] },
      { name: 'a2', opType: 'Sigmoid', input: ['x'], output: ['a'] },
      { name: 'r', opType: 'Relu', input: ['a'], output: ['y'] },
    ]);
    expect(thrownInputError(() => importModel(model)).message).toBe('ONNX value "a": written by node "a1" ("Relu") and by node "a2" ("Sigmoid"); allowed: a value written by one node only (ONNX graphs are SSA)');
  });

  it('a Resize with both scales and sizes (onnxruntime refuses it too)', async () => {
    const model = modelOf([{ name: 'up', opType: 'Resize', input: ['x', 'roi', 'sc', 'sz'], output: ['y'] }], [
      { name: 'roi', dims: [0] },
      { name: 'sc', dims: [4], floats: [1, 1, 2, 2] },
      { name: 'sz', dims: [4], ints: [1, 3, 5, 5] },
    ]);
    expect(thrownInputError(() => importModel(model)).message).toBe(
      'node "up" (Resize) scales/sizes: got both: scales [1, 1, 2, 2] and sizes [1, 3, 5, 5]; allowed: only one of scales and sizes (the other empty or left out)',
    );
    await expect(ortDims(model, [1, 3, 8, 8])).rejects.toThrow();
  });

  it('a Split without sizes before opset 18 needs equal parts; at opset 18 num_outputs makes the last part smaller', async () => {
    const split = (opset: number, attribute: NodeProto['attribute']) =>
      modelOf([{ name: 'sp', opType: 'Split', input: ['x'], output: ['a', 'b'], attribute: [int('axis', 1), ...(attribute ?? [])] }, { name: 'i', opType: 'Identity', input: ['b'], output: ['y'] }], [], [1, 3, 8, 8], opset);
    expect(thrownInputError(() => importModel(split(14, []))).message).toBe(
      'node "sp" (Split) split: none given for an axis of length 3 into 2 outputs; allowed: split sizes, or an axis length divisible by the 2 outputs (equal parts before opset 18)',
    );
    const v18 = split(18, [int('num_outputs', 2)]);
    const g = importModel(v18);
    expect(g.nodes.map((n) => n.attrs)).toEqual([{ axes: [1], starts: [0], ends: [2], steps: [1] }, { axes: [1], starts: [2], ends: [3], steps: [1] }]);
    expect(outOf(g)).toEqual([1, 1, 8, 8]);
    expect(outOf(g)).toEqual(await ortDims(v18, [1, 3, 8, 8]));
    expect(thrownInputError(() => importModel(split(18, [int('num_outputs', 3)]))).message).toBe('node "sp" (Split) num_outputs: got 3; allowed: the node\'s 2 outputs');
  });

  it('an input with a dimension of 0 is a zero-size tensor (batch or spatial), a negative one is said to be negative', () => {
    const relu: NodeProto[] = [{ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }];
    const allowed = 'allowed: positive sizes (or a dynamic size with --input, e.g. --input 1x3x224x224)';
    expect(thrownInputError(() => importModel(modelOf(relu, [], [0, 3, 8, 8]))).message).toBe(`input "x": dimension 0 is 0: a zero-size tensor; ${allowed}`);
    expect(thrownInputError(() => importModel(modelOf(relu, [], [1, 3, 0, 8]))).message).toBe(`input "x": dimension 2 is 0: a zero-size tensor; ${allowed}`);
    expect(thrownInputError(() => importModel(modelOf(relu, [], [1, 3, -5, 8]))).message).toBe(`input "x": dimension 2 is negative (-5); ${allowed}`);
    // --input chooses the shape instead
    expect(outOf(importModel(modelOf(relu, [], [0, 3, 8, 8]), { inputShape: [1, 3, 8, 8] }))).toEqual([1, 3, 8, 8]);
    // ... but only the batch and dynamic dims: a fixed 8x8 is not 4x4
    expect(thrownInputError(() => importModel(modelOf(relu, [], [0, 3, 8, 8]), { inputShape: [1, 3, 4, 4] })).message).toMatch(/^--input: got "1x3x4x4"; allowed: the file's fixed shape Nx3x8x8/);
  });
});

describe('handlers that imported valid files wrongly', () => {
  it('ReduceMean (opset 18) with no axes and noop_with_empty_axes = 1 passes the tensor through', async () => {
    const rm = (noop: number) => modelOf([{ name: 'rm', opType: 'ReduceMean', input: ['x', 'ax'], output: ['y'], attribute: [int('noop_with_empty_axes', noop)] }], [{ name: 'ax', dims: [0], ints: [] }], [1, 3, 8, 8], 18);
    const g = importModel(rm(1));
    expect(g.nodes).toEqual([]);
    expect(outOf(g)).toEqual([1, 3, 8, 8]);
    expect(outOf(g)).toEqual(await ortDims(rm(1), [1, 3, 8, 8]));
    // without the flag: every axis reduced
    expect(outOf(importModel(rm(0)))).toEqual(await ortDims(rm(0), [1, 3, 8, 8]));
    expect(outOf(importModel(rm(0)))).toEqual([1, 1, 1, 1]);
  });

  it('a ConvTranspose output_shape of 0, negative or out of reach names output_shape (not pads)', () => {
    const ct = (outputShape: number[]) => modelOf([{ name: 'up', opType: 'ConvTranspose', input: ['x', 'w'], output: ['y'], attribute: [ints('output_shape', outputShape)] }], [{ name: 'w', dims: [3, 4, 3, 3] }]);
    for (const o of [[0, 0], [-5, -5]]) {
      expect(thrownInputError(() => importModel(ct(o))).message).toBe(`node "up" (ConvTranspose) output_shape: got ${JSON.stringify(o)}; allowed: two positive spatial sizes (or the 4-D output shape)`);
    }
    // stride 1, kernel 3, input 8: 10 with no pad, down to 6 with a pad of 2 = kernel - 1 per side
    expect(thrownInputError(() => importModel(ct([5, 5]))).message).toBe(
      'node "up" (ConvTranspose) output_shape: got [5,5]; allowed: spatial sizes the transposed convolution reaches (6 to 10, 6 to 10; input 8x8, stride 1x1, kernel 3x3)',
    );
    expect(outOf(importModel(ct([6, 10])))).toEqual([1, 4, 6, 10]);
  });
});

describe('estimate header', () => {
  it('shows the input\'s spatial sizes as they are: "128" for [1, 32, 128], "8x8x8" for [1, 2, 8, 8, 8]', () => {
    const cases: [number[], string][] = [
      [[1, 32, 128], '128'],
      [[1, 2, 8, 8, 8], '8x8x8'],
      [[1, 3, 16, 8], '16x8'],
    ];
    for (const [dims, text] of cases) {
      const file = `${tmp}/relu-${dims.join('x')}.onnx`;
      writeFileSync(file, onnx.ModelProto.encode(modelOf([{ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }], [], dims)).finish());
      expect(estimateCommand([file]).split('\n')[0]).toBe(`${file} (onnx, ${text}, ${dims[1]} classes)`);
    }
  });
});

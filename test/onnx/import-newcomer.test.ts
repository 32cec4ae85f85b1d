/**
 * Findings of a newcomer who exported their own PyTorch models (issue 17): a batch given by
 * --input is read at batch 1 (costs per image), a fixed-batch Reshape that merges batch and tokens,
 * an unknown op with a long type name, --input contradicting the file's fixed dims, estimate's
 * table rows adding up to the totals, Gather at a constant index and LogSoftmax, and small counts
 * shown in K or exact. Tiny models built inline; shapes checked against onnxruntime, counts worked
 * by hand (MACs = output elements x K; params = stored floats the graph uses).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { estimateCommand } from '../../lib/cli/estimate.js';
import { latencyCommand } from '../../lib/cli/latency.js';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { IMPORTABLE_OPS_REFERENCE, importModel } from '../../lib/onnx/import/index.js';
import { onnx, type ModelProto, type NodeProto } from '../../lib/onnx/proto.js';
import { thrownInputError } from '../helpers.js';
import { ortDims, outputShapeOf, tinyModel, type TinyInit } from './tiny-model.js';

const tmp = mkdtempSync(`${tmpdir()}/import-newcomer-`);
const AT = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]) => ({ name, type: AT.INTS, ints: v });
const int = (name: string, i: number) => ({ name, type: AT.INT, i });

interface Init {
  name: string;
  dims: number[];
  ints?: number[];
}

/** A model of these nodes and initializers (float 0.01s; int64 when `ints`), input x of `dims` (a string is a dynamic dim), output y. */
const modelOf = (nodes: NodeProto[], inits: TinyInit[], dims: (number | string)[], opset = 14): ModelProto => tinyModel(nodes, inits, { inputDims: dims, opset, name: 'newcomer', fill: 0.01 });

function save(model: ModelProto, name: string): string {
  const path = `${tmp}/${name}.onnx`;
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
  return path;
}

/** onnxruntime's output dims on a zero input of `dims`. */
const outOf = outputShapeOf;

/** Runs estimate in-process: stdout text and what went to stderr. */
function estimate(args: string[]): { text: string; stderr: string[] } {
  const stderr: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
  return { text: estimateCommand(args), stderr };
}
afterEach(() => vi.restoreAllMocks());

/** Conv 1 -> 4, 3x3, pad 1 on [N, 1, 8, 8]: 8*8*4*9 = 2,304 MACs an image; 36 + 4 params. */
const conv: NodeProto = { name: 'c', opType: 'Conv', input: ['x', 'w', 'b'], output: ['y'], attribute: [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])] };
const convInits: Init[] = [{ name: 'w', dims: [4, 1, 3, 3] }, { name: 'b', dims: [4] }];

describe('--input with a batch above 1', () => {
  it('is read at batch 1 with a note: MACs and SRAM per image (2,304; the batch-1 run gives the same)', () => {
    const file = save(modelOf([conv], convInits, ['N', 1, 8, 8]), 'dyn-conv');
    const notes: string[] = [];
    const g = importModel(modelOf([conv], convInits, ['N', 1, 8, 8]), { inputShape: [8, 1, 8, 8], onNote: (t) => notes.push(t) });
    expect(g.tensors[g.inputs[0]!]!.shape).toEqual([1, 1, 8, 8]);
    expect(notes).toEqual(['--input 8x1x8x8 has a batch of 8: read at batch 1 (costs are per image)']);
    const run8 = estimate([file, '--input', '8x1x8x8', '--json']);
    expect(run8.stderr).toEqual(['note: --input 8x1x8x8 has a batch of 8: read at batch 1 (costs are per image)\n']);
    const at8 = JSON.parse(run8.text);
    const at1 = JSON.parse(estimateCommand([file, '--input', '1x1x8x8', '--json']));
    expect([at8.macs, at8.params, at8.peakSramBytes]).toEqual([2_304, 40, 64 + 256]);
    expect([at1.macs, at1.peakSramBytes]).toEqual([at8.macs, at8.peakSramBytes]);
  });
});

describe('a fixed-batch Reshape that merges batch and tokens (x.reshape(B*T, D) with B = 8)', () => {
  // [8, 16, 32] -> Reshape [128, 32] -> MatMul W[32, 64] -> Reshape [8, 16, 64]
  const nodes: NodeProto[] = [
    { name: 'flat', opType: 'Reshape', input: ['x', 's1'], output: ['f'] },
    { name: 'fc', opType: 'MatMul', input: ['f', 'w'], output: ['m'] },
    { name: 'back', opType: 'Reshape', input: ['m', 's2'], output: ['y'] },
  ];
  const inits = (s1: number[]): Init[] => [{ name: 's1', dims: [s1.length], ints: s1 }, { name: 'w', dims: [32, 64] }, { name: 's2', dims: [3], ints: [8, 16, 64] }];

  it('divides the batch out of the merged dim: [16, 32] per image, 16*32*64 = 32,768 MACs, 2,048 params', async () => {
    const model = modelOf(nodes, inits([128, 32]), [8, 16, 32]);
    const notes: string[] = [];
    const g = importModel(model, { onNote: (t) => notes.push(t) });
    expect(outOf(g)).toEqual([1, 16, 64]);
    expect((await ortDims(model, [8, 16, 32])).slice(1)).toEqual([16, 64]);
    expect([estimateCosts(g).macs, estimateCosts(g).params]).toEqual([32_768, 2_048]);
    expect(notes).toEqual(['input "x" has a fixed batch of 8: read at batch 1 (costs are per image; pass --input to choose another shape)']);
  });

  it('a target with no dim divisible by the batch is refused, saying the batch was read as 1', () => {
    const model = modelOf([{ name: 'r', opType: 'Reshape', input: ['x', 's'], output: ['y'] }], [{ name: 's', dims: [2], ints: [6, 10] }], [4, 3, 5]);
    expect(thrownInputError(() => importModel(model)).message).toBe(
      'node "r" (Reshape) shape: got [6,10] (the file\'s batch 4 was read as 1); allowed: a shape holding the input\'s 15 elements (1x3x5): at most one -1, 0 copies the input\'s dim',
    );
  });
});

describe('an unknown op with a long type name', () => {
  it('names the node and the op type; the op list by reference when it does not fit 400 characters', () => {
    const model = modelOf([{ name: '/gn/InstanceNormalization', opType: 'InstanceNormalization', input: ['x', 's', 'b'], output: ['y'] }], [{ name: 's', dims: [3] }, { name: 'b', dims: [3] }], [1, 3, 8, 8]);
    const message = thrownInputError(() => importModel(model)).message;
    expect(message).toBe(`node "/gn/InstanceNormalization": op type "InstanceNormalization" is not supported; allowed: ${IMPORTABLE_OPS_REFERENCE}`);
    expect(`paretonas estimate: ${message}`.length).toBeLessThan(400);
  });
});

describe('--input against the file\'s fixed dims', () => {
  const relu: NodeProto[] = [{ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }];
  it('a contradicting fixed dim or rank is refused in one line naming --input, the value and the fixed shape', () => {
    const model = modelOf(relu, [], [1, 40, 101]);
    expect(thrownInputError(() => importModel(model, { inputShape: [1, 3, 32, 32] })).message).toBe(
      '--input: got "1x3x32x32"; allowed: the file\'s fixed shape Nx40x101 (only dynamic dims, shown ?, may be set; the batch N may differ)',
    );
    expect(thrownInputError(() => importModel(modelOf(relu, [], [1, 16, 32]), { inputShape: [1, 16, 48] })).message).toBe(
      '--input: got "1x16x48"; allowed: the file\'s fixed shape Nx16x32 (only dynamic dims, shown ?, may be set; the batch N may differ)',
    );
  });
  it('dynamic dims and the batch may be set', () => {
    expect(outOf(importModel(modelOf(relu, [], [1, 40, 101]), { inputShape: [4, 40, 101] }))).toEqual([1, 40, 101]);
    expect(outOf(importModel(modelOf(relu, [], ['N', 3, 'H', 'W']), { inputShape: [1, 3, 20, 24] }))).toEqual([1, 3, 20, 24]);
  });
});

describe('estimate\'s table', () => {
  it('shows every layer with MACs or params, so the params column adds up to the total (40 + 4 + 4 = 48)', () => {
    // Conv (36 + 4), PRelu slope [4, 1, 1] (4), a layer scale Mul [4, 1, 1] (4), a scalar Mul (0: arithmetic)
    const model = modelOf(
      [
        { ...conv, output: ['c'] },
        { name: 'p', opType: 'PRelu', input: ['c', 'slope'], output: ['p'] },
        { name: 'scale', opType: 'Mul', input: ['p', 'gamma'], output: ['s'] },
        { name: 'half', opType: 'Mul', input: ['s', 'h'], output: ['y'] },
      ],
      [...convInits, { name: 'slope', dims: [4, 1, 1] }, { name: 'gamma', dims: [4, 1, 1] }, { name: 'h', dims: [] }],
      [1, 1, 8, 8],
    );
    const { text } = estimate([save(model, 'rows')]);
    const lines = text.split('\n');
    const rows = lines.slice(3, lines.indexOf('')); // after the title, the header and its rule
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['c', 'p', 'scale']);
    expect(rows.map((r) => Number(r.split(/\s+/)[4]))).toEqual([40, 4, 4]);
    expect(text).toContain('params        48  learned weights');
    expect(text).toContain('MACs          2,304 (2.30 K)  conv + linear');
  });
});

describe('Gather at a constant index and LogSoftmax', () => {
  it('x[:, 0] of [1, 17, 32] is a Slice and a Reshape to [1, 32] (onnxruntime agrees); a 1-D run [1, 3] a Slice with step 2', async () => {
    const model = modelOf([{ name: 'cls', opType: 'Gather', input: ['x', 'i'], output: ['y'], attribute: [int('axis', 1)] }], [{ name: 'i', dims: [], ints: [0] }], [1, 17, 32]);
    const g = importModel(model);
    expect(g.nodes.map((n) => n.op)).toEqual(['Slice', 'Flatten']);
    expect(outOf(g)).toEqual(await ortDims(model, [1, 17, 32]));
    const run = modelOf([{ name: 'g', opType: 'Gather', input: ['x', 'i'], output: ['y'], attribute: [int('axis', 1)] }], [{ name: 'i', dims: [2], ints: [1, 3] }], [1, 17, 32]);
    expect(importModel(run).nodes.map((n) => [n.op, n.attrs])).toEqual([['Slice', { axes: [1], starts: [1], ends: [4], steps: [2] }]]);
    expect(outOf(importModel(run))).toEqual(await ortDims(run, [1, 17, 32]));
    const scattered = modelOf([{ name: 'g', opType: 'Gather', input: ['x', 'i'], output: ['y'], attribute: [int('axis', 1)] }], [{ name: 'i', dims: [3], ints: [0, 2, 3] }], [1, 17, 32]);
    expect(thrownInputError(() => importModel(scattered)).message).toBe('node "g" (Gather) indices: got [0,2,3]; allowed: a scalar index or a 1-D run with one positive step, each in [-17, 16] (axis 1 of [1, 17, 32])');
  });

  it('F.log_softmax after a linear layer imports as LogSoftmax (axis kept; 0 MACs, 0 params of its own)', async () => {
    const model = modelOf(
      [{ name: 'fc', opType: 'Gemm', input: ['x', 'w', 'b'], output: ['z'], attribute: [int('transB', 1)] }, { name: 'ls', opType: 'LogSoftmax', input: ['z'], output: ['y'], attribute: [int('axis', 1)] }],
      [{ name: 'w', dims: [10, 16] }, { name: 'b', dims: [10] }],
      [1, 16],
    );
    const g = importModel(model);
    expect(g.nodes.map((n) => [n.op, n.attrs])).toEqual([['Gemm', { outFeatures: 10, bias: true }], ['LogSoftmax', { axis: 1 }]]);
    expect(outOf(g)).toEqual(await ortDims(model, [1, 16]));
    expect([estimateCosts(g).macs, estimateCosts(g).params]).toEqual([160, 170]);
  });
});

describe('small counts', () => {
  it('latency says 2,304 MACs an image (not 0.0 M)', async () => {
    const file = save(modelOf([conv], convInits, [1, 1, 8, 8]), 'small-latency');
    const out = await latencyCommand([file, '--runs', '1', '--warmup', '0', '--no-record']);
    expect(out.split('\n')[0]).toBe(`small-latency (${file}), input 1x1x8x8, 2,304 MACs an image`);
  });
});

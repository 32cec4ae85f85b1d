import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { decodeModel, importModel, importOnnxFile, IMPORTABLE_OPS, IMPORTABLE_OPS_TEXT } from '../../lib/onnx/import.js';
import { IMPORTABLE_OPS_REFERENCE } from '../../lib/onnx/import/index.js';
import { onnx, type ModelProto, type NodeProto } from '../../lib/onnx/proto.js';
import * as ort from 'onnxruntime-node';
import { HAVE_TORCH, torchExport } from '../helpers-python.js';
import { ortDims, outputShapeOf, tinyModel, type TinyInit } from './tiny-model.js';

const tmp = mkdtempSync(`${tmpdir()}/import-`);

describe.skipIf(!HAVE_TORCH)('ONNX files written by PyTorch (torch.onnx.export, Debian python3-torch)', () => {
  it('a net using every listed op imports; MACs and params equal what PyTorch counts', () => {
    const t = torchExport('opcoverage', `${tmp}/opcoverage.onnx`);
    const graph = importOnnxFile(t.file);
    const ops = new Set(decodeModel(readFileSync(t.file)).graph?.node?.map((n) => n.opType));
    // what this PyTorch writes for it: shape arithmetic and padding included
    for (const op of ['Conv', 'Clip', 'Relu', 'Add', 'Mul', 'Concat', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'ReduceMean', 'Flatten', 'Reshape', 'Gemm', 'MatMul', 'HardSigmoid', 'Sigmoid', 'Constant', 'Pad', 'Shape', 'Gather']) {
      expect(ops.has(op), op).toBe(true);
    }
    const r = estimateCosts(graph);
    expect([r.macs, r.params]).toEqual([t.macs, t.params]);
    expect(graph.tensors[graph.outputs[0]!]!.shape).toEqual([1, 6]);
  });

  it('opset 17 (HardSwish written as such) and training mode (BN kept, Dropout written): params by the convention', () => {
    const v17 = torchExport('mobilenet_v3_small', `${tmp}/mv3-17.onnx`, ['--opset', '17', '--resolution', '96']);
    expect(new Set(decodeModel(readFileSync(v17.file)).graph?.node?.map((n) => n.opType)).has('HardSwish')).toBe(true);
    const r17 = estimateCosts(importOnnxFile(v17.file));
    expect([r17.macs, r17.params]).toEqual([v17.macs, v17.params]);
    const train = torchExport('resnet18', `${tmp}/r18-train.onnx`, ['--training', '--resolution', '96']);
    const ops = new Set(decodeModel(readFileSync(train.file)).graph?.node?.map((n) => n.opType));
    expect(ops.has('BatchNormalization')).toBe(true);
    const rt = estimateCosts(importOnnxFile(train.file));
    // BN kept: gamma and beta count, running statistics do not, which is PyTorch's own parameter count
    expect([rt.macs, rt.params]).toEqual([train.macs, train.torchParams]);
  });

  it('a PyTorch file imported and exported again runs in onnxruntime with the same MACs', async () => {
    const t = torchExport('opcoverage', `${tmp}/opcoverage2.onnx`);
    const graph = importOnnxFile(t.file);
    const again = exportOnnx(graph);
    const session = await ort.InferenceSession.create(again);
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(3 * 224 * 224).fill(0.5), [1, 3, 224, 224]) });
    expect(out[session.outputNames[0]!]!.dims).toEqual([1, 6]);
    expect(estimateCosts(importModel(decodeModel(again))).macs).toBe(t.macs);
  });

  for (const name of ['resnet18', 'mobilenet_v3_small', 'googlenet', 'squeezenet1_0'] as const) {
    it(`torchvision ${name}: imported MACs equal PyTorch's count and the zoo graph's`, () => {
      const t = torchExport(name, `${tmp}/${name}.onnx`, ['--resolution', '160']);
      const r = estimateCosts(importOnnxFile(t.file));
      expect(r.macs).toBe(t.macs);
      expect(r.params).toBe(t.params); // BN folded by PyTorch: weights + biases
      expect(r.macs).toBe(estimateCosts(buildZooModel(name, { resolution: 160 })).macs);
    });
  }
});

function modelWith(nodes: NodeProto[], inputDims: (number | string)[] = [1, 3, 8, 8]): Uint8Array {
  const dim = inputDims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({
      irVersion: 7,
      opsetImport: [{ version: 14 }],
      graph: {
        name: 'tiny',
        node: nodes,
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim } } } }],
        output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
      },
    }),
  ).finish();
}

describe('import errors', () => {
  it('an unsupported op names the op type, the node and the supported list', () => {
    const bytes = modelWith([{ name: 'rnn_7', opType: 'LSTM', input: ['x'], output: ['y'] }]);
    expect(() => importModel(decodeModel(bytes))).toThrow(`node "rnn_7": op type "LSTM" is not supported; allowed: ${IMPORTABLE_OPS_TEXT}`);
    // the list names every importable op: "Max/Average/GlobalAveragePool" is MaxPool, AveragePool, GlobalAveragePool
    const named = IMPORTABLE_OPS_TEXT.split(',').flatMap((group) => {
      const parts = group.split('/');
      const suffix = (parts[parts.length - 1] as string).split(/(?=[A-Z])/).pop() as string;
      return parts.map((p, i) => (i === parts.length - 1 ? p : p + suffix));
    });
    expect(named.sort()).toEqual([...IMPORTABLE_OPS].sort());
    // the whole CLI line ("paretonas estimate: " + message) stays under 400 characters, whatever the names
    for (const [name, op] of [['conv_3', 'Foo'], ['n'.repeat(5000), 'LSTM'], ['x', '\u0000'.repeat(900)], ['\u2028'.repeat(300), 'o'.repeat(300)]]) {
      const long = modelWith([{ name, opType: op, input: ['x'], output: ['y'] }]);
      let message = '';
      try {
        importModel(decodeModel(long));
      } catch (err) {
        message = (err as Error).message;
      }
      // the node and the op type are always named; the list itself when it fits, else where it is
      expect(message).toMatch(/^node ".*: op type ".* is not supported; allowed: /s); // a long name is cut with its length
      expect([`; allowed: ${IMPORTABLE_OPS_TEXT}`, `; allowed: ${IMPORTABLE_OPS_REFERENCE}`].filter((end) => message.endsWith(end))).toHaveLength(1);
      if (op === 'Foo') expect(message).toBe(`node "conv_3": op type "Foo" is not supported; allowed: ${IMPORTABLE_OPS_TEXT}`);
      expect(`paretonas estimate: ${message}`.length).toBeLessThanOrEqual(400);
    }
  });
  it('a dynamic input needs --input; with it the shapes follow', () => {
    const bytes = modelWith([{ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }], ['N', 3, 'H', 'W']);
    expect(() => importModel(decodeModel(bytes))).toThrow(/input "x": has a dynamic shape; allowed: a fixed shape; pass --input, e.g. --input 1x3x224x224/);
    const g = importModel(decodeModel(bytes), { inputShape: [1, 3, 32, 32] });
    expect(g.tensors[g.outputs[0]!]!.shape).toEqual([1, 3, 32, 32]);
  });
  it('malformed nodes get errors naming the node and what is allowed, never a crash', () => {
    const weight = (name: string, dims: number[]) => ({ name, dims, dataType: 1, rawData: new Uint8Array(4 * dims.reduce((p, d) => p * d, 1)) });
    const withInit = (nodes: NodeProto[], inits: ReturnType<typeof weight>[]) => {
      const model = decodeModel(modelWith(nodes));
      model.graph!.initializer = inits;
      return model;
    };
    const cases: [string, ReturnType<typeof withInit>, RegExp][] = [
      ['pool without kernel', withInit([{ name: 'mp', opType: 'MaxPool', input: ['x'], output: ['y'] }], []), /node "mp" kernel_shape: got nothing; allowed: two positive integers/],
      ['rank-2 conv weight', withInit([{ name: 'c', opType: 'Conv', input: ['x', 'w'], output: ['y'] }], [weight('w', [4, 3])]), /node "c" \(Conv\) weight: got \[4,3\]; allowed: a rank-4/],
      ['channel mismatch', withInit([{ name: 'c', opType: 'Conv', input: ['x', 'w'], output: ['y'] }], [weight('w', [4, 5, 3, 3])]), /with in \/ group x group = 3 input channels/],
      ['stride 0', withInit([{ name: 'c', opType: 'Conv', input: ['x', 'w'], output: ['y'], attribute: [{ name: 'strides', type: 7, ints: [0, 0] }] }], [weight('w', [4, 3, 3, 3])]), /node "c" strides: got \[0,0\]/],
      ['1-D matmul weight', withInit([{ name: 'f', opType: 'Flatten', input: ['x'], output: ['f'] }, { name: 'mm', opType: 'MatMul', input: ['f', 'w'], output: ['y'] }], [weight('w', [192])]), /node "mm" \(MatMul\) weight: got \[192\]/],
    ];
    for (const [label, model, message] of cases) expect(() => importModel(model), label).toThrow(message);
  });

  it('a constant operand of Add or Mul is a learned weight: counted, and written back on export', async () => {
    const model = decodeModel(modelWith([{ name: 'scale', opType: 'Mul', input: ['x', 'g'], output: ['y'] }]));
    model.graph!.initializer = [{ name: 'g', dims: [3, 1, 1], dataType: 1, rawData: new Uint8Array(12) }];
    const graph = importModel(model);
    expect(estimateCosts(graph).params).toBe(3);
    const session = await ort.InferenceSession.create(exportOnnx(graph));
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(3 * 64).fill(1), [1, 3, 8, 8]) });
    expect(out[session.outputNames[0]!]!.dims).toEqual([1, 3, 8, 8]);
  });

  it('zeros from a Pad node count in the average of the pool that follows it', () => {
    const model = decodeModel(modelWith([
      { name: 'p', opType: 'Pad', input: ['x', 'pads'], output: ['xp'] },
      { name: 'ap', opType: 'AveragePool', input: ['xp'], output: ['y'], attribute: [{ name: 'kernel_shape', type: 7, ints: [3, 3] }] },
    ]));
    model.graph!.initializer = [{ name: 'pads', dims: [8], dataType: 7, int64Data: [0, 0, 1, 1, 0, 0, 1, 1] }];
    const node = importModel(model).nodes[0]!;
    expect(node.op === 'AveragePool' && node.attrs).toMatchObject({ pads: [1, 1, 1, 1], countIncludePad: true });
  });

  it('a truncated file, random bytes and a JSON file get clear errors', () => {
    const good = exportOnnx(buildZooModel('squeezenet1_1', { resolution: 64 }));
    const cases: [string, Uint8Array][] = [
      ['truncated', good.slice(0, Math.floor(good.length / 2))],
      ['random', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)],
      ['json', new TextEncoder().encode('{"candidate_config": {}}')],
      ['empty', new Uint8Array()],
    ];
    for (const [label, bytes] of cases) {
      writeFileSync(`${tmp}/${label}.onnx`, bytes);
      expect(() => importOnnxFile(`${tmp}/${label}.onnx`), label).toThrow(new RegExp(`${tmp}/${label}\\.onnx: .*allowed: an ONNX model`));
    }
  });
});

/** A model of these nodes with initializers (float unless int64 values are given) and input dims. */
const modelOf = (nodes: NodeProto[], inits: TinyInit[], inputDims: number[] = [1, 3, 8, 8]): ModelProto => tinyModel(nodes, inits, { inputDims });
const A = (name: string, ints: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints });
const S = (name: string, s: string) => ({ name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(s) });

const outOf = outputShapeOf;

describe('import handlers (hand-built files, shapes checked against onnxruntime)', () => {
  it('a MatMul whose weight K is not the input\'s last axis names the input\'s rank and shape and the weight\'s K', () => {
    const model = modelOf([{ name: 'fc', opType: 'MatMul', input: ['x', 'w'], output: ['y'] }], [{ name: 'w', dims: [22, 8] }], [1, 22, 64]);
    expect(() => importModel(model)).toThrow('node "fc" (MatMul) input: input "x" has rank 3, shape [1, 22, 64], last axis 64; allowed: an input of rank 2 or more whose last axis is the weight\'s K = 22 (weight [22, 8])');
  });

  it('ConvTranspose output_shape becomes pads; output_padding is kept', async () => {
    const model = modelOf([{ name: 'up', opType: 'ConvTranspose', input: ['x', 'w'], output: ['y'], attribute: [A('strides', [2, 2]), A('output_shape', [15, 16])] }], [{ name: 'w', dims: [3, 2, 3, 3] }]);
    const g = importModel(model);
    expect(g.nodes[0]!.attrs).toEqual({ outChannels: 2, kernel: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1], group: 1, bias: false });
    expect(outOf(g)).toEqual(await ortDims(model, [1, 3, 8, 8]));
    expect(estimateCosts(g).macs).toBe(3 * 8 * 8 * 2 * 9); // in_elements x C_out x k
  });

  it('a Pad no Conv can absorb is a Pad node (reflect; before a Relu; before an AveragePool that does not count its own pads)', async () => {
    const pads = { name: 'p', dims: [8], ints: [0, 0, 1, 2, 0, 0, 1, 0] };
    const cases: [string, NodeProto[]][] = [
      ['reflect', [{ name: 'pad', opType: 'Pad', input: ['x', 'p'], output: ['y'], attribute: [S('mode', 'reflect')] }]],
      ['relu', [{ name: 'pad', opType: 'Pad', input: ['x', 'p'], output: ['q'] }, { name: 'r', opType: 'Relu', input: ['q'], output: ['y'] }]],
      ['avgpool', [{ name: 'pad', opType: 'Pad', input: ['x', 'p'], output: ['q'] }, { name: 'ap', opType: 'AveragePool', input: ['q'], output: ['y'], attribute: [A('kernel_shape', [3, 3]), A('pads', [1, 1, 1, 1])] }]],
    ];
    for (const [label, nodes] of cases) {
      const model = modelOf(nodes, [pads]);
      const g = importModel(model);
      expect(g.nodes[0]!.op, label).toBe('Pad');
      expect(g.nodes[0]!.attrs, label).toMatchObject({ pads: [0, 0, 1, 2, 0, 0, 1, 0] });
      expect(outOf(g), label).toEqual(await ortDims(model, [1, 3, 8, 8]));
    }
    // zeros before a Conv join its pads: no Pad node
    const joined = importModel(modelOf([{ name: 'pad', opType: 'Pad', input: ['x', 'p'], output: ['q'] }, { name: 'c', opType: 'Conv', input: ['q', 'w'], output: ['y'], attribute: [A('pads', [1, 1, 1, 1])] }], [pads, { name: 'w', dims: [4, 3, 3, 3] }]));
    expect(joined.nodes.map((n) => [n.op, n.op === 'Conv' && n.attrs.pads])).toEqual([['Conv', [2, 3, 2, 1]]]);
  });

  it('Split on a computed tensor is one Slice per output; a reversing Slice of a computed tensor is refused', async () => {
    const model = modelOf([
      { name: 'sp', opType: 'Split', input: ['x', 's'], output: ['a', 'b'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
      { name: 'cat', opType: 'Concat', input: ['b', 'a'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
    ], [{ name: 's', dims: [2], ints: [1, 2] }]);
    const g = importModel(model);
    expect(g.nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['Slice', { axes: [1], starts: [0], ends: [1], steps: [1] }],
      ['Slice', { axes: [1], starts: [1], ends: [3], steps: [1] }],
      ['Concat', { axis: 1 }],
    ]);
    expect(outOf(g)).toEqual(await ortDims(model, [1, 3, 8, 8]));
    const reversed = modelOf([{ name: 'rev', opType: 'Slice', input: ['x', 'st', 'en', 'ax', 'step'], output: ['y'] }], [
      { name: 'st', dims: [1], ints: [-1] }, { name: 'en', dims: [1], ints: [-100] }, { name: 'ax', dims: [1], ints: [3] }, { name: 'step', dims: [1], ints: [-1] },
    ]);
    expect(() => importModel(reversed)).toThrow(/node "rev" \(Slice\) steps: got \[-1\]; allowed: positive integers/);
  });

  it('folds Equal / Where / Range / Expand on constants: a Reshape target computed from the input shape', async () => {
    // target = Where(Equal(t, 0), Shape(x)[0:2] ++ [1, 1], t) with t = [0, 0, -1, 4] -> [1, 3, 16, 4]
    const model = modelOf([
      { name: 'sh', opType: 'Shape', input: ['x'], output: ['shape'] },
      { name: 'r', opType: 'Range', input: ['zero', 'four', 'one'], output: ['idx'] },
      { name: 'g', opType: 'Gather', input: ['shape', 'idx'], output: ['dims'] },
      { name: 'eq', opType: 'Equal', input: ['t', 'z4'], output: ['isZero'] },
      { name: 'wh', opType: 'Where', input: ['isZero', 'dims', 't'], output: ['target'] },
      { name: 'ex', opType: 'Expand', input: ['zero', 'four1'], output: ['z4'] },
      { name: 'rs', opType: 'Reshape', input: ['x', 'target'], output: ['y'] },
    ].sort((p, q) => (p.name === 'ex' ? -1 : q.name === 'ex' ? 1 : 0)), [
      { name: 'zero', dims: [], ints: [0] }, { name: 'four', dims: [], ints: [4] }, { name: 'one', dims: [], ints: [1] },
      { name: 't', dims: [4], ints: [0, 0, -1, 4] }, { name: 'four1', dims: [1], ints: [4] },
    ]);
    const g = importModel(model);
    expect(g.nodes.map((n) => [n.op, n.attrs])).toEqual([['Reshape', { shape: [1, 3, 16, 4] }]]);
    expect(outOf(g)).toEqual(await ortDims(model, [1, 3, 8, 8]));
  });

  it('a file at a fixed batch: Reshape targets that start with the batch start with 1; one note', () => {
    const notes: string[] = [];
    const model = modelOf([{ name: 'rs', opType: 'Reshape', input: ['x', 't'], output: ['f'] }, { name: 'fc', opType: 'MatMul', input: ['f', 'w'], output: ['y'] }], [
      { name: 't', dims: [2], ints: [4, -1] }, { name: 'w', dims: [192, 10] },
    ], [4, 3, 8, 8]);
    const g = importModel(model, { onNote: (t) => notes.push(t) });
    expect([outOf(g), g.nodes.map((n) => n.op), notes.length]).toEqual([[1, 10], ['Flatten', 'Gemm'], 1]);
  });

  it('a weight read by two MatMul nodes is owned by the first: the second shares it', () => {
    const model = modelOf([
      { name: 'a', opType: 'MatMul', input: ['x', 'w'], output: ['h'] },
      { name: 'b', opType: 'MatMul', input: ['h', 'w'], output: ['y'] },
    ], [{ name: 'w', dims: [16, 16] }], [1, 5, 16]);
    const g = importModel(model);
    expect(g.nodes.map((n) => [n.op, n.shares])).toEqual([['Linear', undefined], ['Linear', g.nodes[0]!.name]]);
  });

  it('refuses nodes that read only constants but cannot be folded, and zero-size constant operands', () => {
    const onConstant = modelOf([{ name: 'r', opType: 'Relu', input: ['c'], output: ['y'] }], [{ name: 'c', dims: [3] }]);
    expect(() => importModel(onConstant)).toThrow(/node "r" \(Relu\): all its inputs are constants \["c"\]; allowed: a node reading a computed tensor/);
    // op types that are names of Object's own methods are unknown ops like any other
    for (const op of ['toString', 'constructor', '__proto__']) {
      expect(() => importModel(modelOf([{ name: 'o', opType: op, input: ['c'], output: ['y'] }], [{ name: 'c', dims: [3] }])), op).toThrow(/node "o": op type .* is not supported/);
    }
    const empty = modelOf([{ name: 'm', opType: 'Mul', input: ['x', 'c'], output: ['y'] }], [{ name: 'c', dims: [0] }]);
    expect(() => importModel(empty)).toThrow(/"m\.mul_0"\.weight: is a zero-size tensor: dimension 0 of \[0\] is 0/);
  });
});

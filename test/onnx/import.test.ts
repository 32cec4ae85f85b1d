import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { decodeModel, importModel, importOnnxFile, IMPORTABLE_OPS } from '../../lib/onnx/import.js';
import { onnx, type NodeProto } from '../../lib/onnx/proto.js';
import { HAVE_TORCH, torchExport } from '../helpers-python.js';

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
    expect(() => importModel(decodeModel(bytes))).toThrow(`node rnn_7: op type LSTM is not supported; allowed: ${IMPORTABLE_OPS.join(', ')}`);
  });
  it('a dynamic input needs --input; with it the shapes follow', () => {
    const bytes = modelWith([{ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }], ['N', 3, 'H', 'W']);
    expect(() => importModel(decodeModel(bytes))).toThrow(/input x: has a dynamic shape; allowed: a fixed shape; pass --input, e.g. --input 1x3x224x224/);
    const g = importModel(decodeModel(bytes), { inputShape: [1, 3, 32, 32] });
    expect(g.tensors[g.outputs[0]!]!.shape).toEqual([1, 3, 32, 32]);
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

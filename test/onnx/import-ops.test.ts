/**
 * The ONNX ops the importer gained, as PyTorch 1.13 writes them (test/onnx/import-ops.py exports
 * ten small modules): each file imports with PyTorch's MACs (forward hooks, plus its matmuls of
 * two tensors) and parameter count, and the imported output shape equals onnxruntime's (a real
 * session on a zero input) and PyTorch's.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { estimateCosts } from '../../lib/cost/estimate.js';
import type { Graph } from '../../lib/graph/types.js';
import { importOnnxFile } from '../../lib/onnx/import.js';
import { HAVE_TORCH, runPython } from '../helpers-python.js';

interface Exported {
  name: string;
  file: string;
  input: number[];
  output: number[];
  opset: number;
  macs: number;
  params: number;
}

/** Graph ops each file must import as (what the new handlers produce). */
const OPS: Record<string, string[]> = {
  upsample_nearest: ['Conv', 'Resize', 'Conv'],
  upsample_bilinear_size: ['Conv', 'Resize', 'Conv'],
  upsample_opset9: ['Conv', 'Resize', 'Conv'],
  activations: ['Conv', 'PRelu', 'Elu', 'Div', 'Erf', 'Add', 'Mul', 'Mul', 'Tanh', 'PRelu', 'Softmax'],
  split_branches: ['Slice', 'Slice', 'Conv', 'Conv', 'Concat', 'GlobalAveragePool', 'Flatten'],
  volumes: ['Conv', 'MaxPool'],
  sequence1d: ['Conv', 'MaxPool', 'Conv'],
  decoder: ['ConvTranspose', 'Pad', 'Conv'],
  layernorm_opset17: ['LayerNormalization', 'Linear'],
};

const runOrt = async (file: string, dims: number[]) => {
  const session = await ort.InferenceSession.create(file);
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(dims.reduce((p, d) => p * d, 1)), dims) });
  return [...out[session.outputNames[0]!]!.dims];
};
const outShape = (g: Graph) => [...g.tensors[g.outputs[0]!]!.shape];

describe.skipIf(!HAVE_TORCH)('ONNX ops written by PyTorch 1.13 (test/onnx/import-ops.py)', () => {
  const exported = new Map<string, Exported>();
  beforeAll(async () => {
    const dir = mkdtempSync(`${tmpdir()}/import-ops-`);
    const r = await runPython(['test/onnx/import-ops.py', dir]);
    if (r.status !== 0) throw new Error(`import-ops.py failed: ${r.stderr.slice(-2000)}`);
    for (const line of r.stdout.trim().split('\n')) {
      const e = JSON.parse(line) as Exported;
      exported.set(e.name, e);
    }
  }, 300_000);

  for (const name of ['layernorm_opset17', 'upsample_nearest', 'upsample_bilinear_size', 'upsample_opset9', 'activations', 'attention', 'split_branches', 'volumes', 'sequence1d', 'decoder']) {
    it(`${name}: MACs and params as PyTorch counts them, output shape as onnxruntime and PyTorch give it`, async () => {
      const e = exported.get(name)!;
      const graph = importOnnxFile(e.file);
      const r = estimateCosts(graph);
      expect({ macs: r.macs, params: r.params }).toEqual({ macs: e.macs, params: e.params });
      expect(outShape(graph)).toEqual(e.output);
      expect(await runOrt(e.file, e.input)).toEqual(e.output);
      if (OPS[name]) expect(graph.nodes.map((n) => n.op)).toEqual(OPS[name]);
    });
  }

  it('resize attributes: nearest at opset 13 (asymmetric, floor as PyTorch writes it), bilinear to a size from a folded Shape subgraph, Upsample at opset 9', () => {
    const attrs = (name: string) => importOnnxFile(exported.get(name)!.file).nodes.find((n) => n.op === 'Resize')?.attrs;
    expect(attrs('upsample_nearest')).toEqual({ size: [16, 16], mode: 'nearest', coordinateMode: 'asymmetric', nearestMode: 'floor' });
    expect(attrs('upsample_bilinear_size')).toEqual({ size: [12, 10], mode: 'linear', coordinateMode: 'half_pixel' });
    expect(attrs('upsample_opset9')).toEqual({ size: [16, 16], mode: 'nearest', coordinateMode: 'asymmetric', nearestMode: 'floor' });
  });

  it('attention: LayerNorm decomposition with gamma / beta as params, three Linear on [1, 10, 32], two MatMul of tensors, ReduceMean of the last axis', () => {
    const graph = importOnnxFile(exported.get('attention')!.file);
    const ops = graph.nodes.map((n) => n.op);
    expect(ops.filter((op) => op === 'Linear').length).toBe(4);
    expect(ops.filter((op) => op === 'MatMul').length).toBe(2);
    expect(graph.nodes.filter((n) => n.op === 'ReduceMean').map((n) => n.attrs)).toEqual([{ axes: [2], keepdims: true }, { axes: [2], keepdims: true }, { axes: [2], keepdims: false }]);
    // the scalars of the decomposition (2 of Pow, epsilon, the 4 of the division) are not parameters
    const scalars = graph.nodes.filter((n) => 'scalar' in (n.attrs as object));
    expect(scalars.length).toBeGreaterThanOrEqual(3);
    const rows = estimateCosts(graph).layers.filter((l) => ['Mul', 'Add'].includes(l.op) && l.params > 0);
    expect(rows.map((l) => l.params)).toEqual([32, 32]);
  });
});

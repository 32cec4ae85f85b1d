/**
 * The import cases of /work/shared/cases/README.md (copied into test/fixtures/cases/import/): files
 * PyTorch wrote that the importer read wrongly or refused. Each must import with the README's
 * values (PyTorch forward-hook MACs, stored float tensors counted once, per image), and every
 * imported graph's output shape must equal what onnxruntime computes for the same file.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { latencyCommand } from '../../lib/cli/latency.js';
import { estimateCosts } from '../../lib/cost/estimate.js';
import type { Graph } from '../../lib/graph/types.js';
import { importOnnxFile } from '../../lib/onnx/import.js';

const DIR = 'test/fixtures/cases/import';
const file = (name: string) => `${DIR}/${name}.onnx`;
const outShape = (g: Graph) => g.tensors[g.outputs[0]!]!.shape;

/** README values: MACs and params per image (PyTorch hooks; each stored tensor once, scalars not counted). */
const CASES: Record<string, { macs: number; params: number }> = {
  conv_applied_twice: { macs: 322_720, params: 2_938 },
  fixed_batch_4: { macs: 129_184, params: 1_562 },
  hardswish_written_out: { macs: 71_760, params: 386 },
  linear_on_sequence: { macs: 360_448, params: 16_640 },
  channel_shuffle: { macs: 2_560, params: 52 },
  conv_transpose: { macs: 22_016, params: 356 },
  dilated_conv: { macs: 262_696, params: 925 },
  conv1d: { macs: 205_824, params: 3_104 },
  zeropad_opset13: { macs: 13_824, params: 224 },
};

describe('import cases (test/fixtures/cases/import)', () => {
  it('every .onnx case file has its README values here', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.onnx')).map((f) => f.replace(/\.onnx$/, ''));
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const [name, want] of Object.entries(CASES)) {
    it(`${name}: MACs ${want.macs}, params ${want.params}, output shape as onnxruntime computes it`, async () => {
      const graph = importOnnxFile(file(name));
      const r = estimateCosts(graph);
      expect({ macs: r.macs, params: r.params }).toEqual(want);
      const session = await ort.InferenceSession.create(file(name));
      const inShape = graph.tensors[graph.inputs[0]!]!.shape;
      const batch = name === 'fixed_batch_4' ? 4 : 1;
      const dims = [batch, ...inShape.slice(1)];
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(dims.reduce((p, d) => p * d, 1)), dims) });
      const ortDims = [...out[session.outputNames[0]!]!.dims];
      expect(ortDims[0]).toBe(batch);
      expect(outShape(graph)).toEqual([1, ...ortDims.slice(1)]);
    });
  }

  it('conv_applied_twice: the second Conv reading block.weight shares the first; flash counts the stored tensor once', () => {
    const graph = importOnnxFile(file('conv_applied_twice'));
    const convs = graph.nodes.filter((n) => n.op === 'Conv');
    expect(convs.map((n) => n.shares)).toEqual([undefined, undefined, convs[1]!.name]);
    expect(convs[1]!.block).toBe('/block/Conv');
    expect(convs[2]!.block).toBe('/block_1/Conv');
    // int8: 16x3x3x3 + 8x16 + 16x16x3x3 + 8x16 + 10x16 + 8x10 (the shared conv once)
    expect(estimateCosts(graph).flashBytes).toBe(3_232);
  });

  it('fixed_batch_4: read at batch 1 with one note; per-image peak SRAM (mcunet) 3,072 B', () => {
    const notes: string[] = [];
    const graph = importOnnxFile(file('fixed_batch_4'), { onNote: (t) => notes.push(t) });
    expect(graph.tensors[graph.inputs[0]!]!.shape).toEqual([1, 3, 16, 16]);
    expect(graph.tensors.every((t) => t.shape[0] === 1)).toBe(true);
    expect(notes).toEqual(['input "input" has a fixed batch of 4: read at batch 1 (costs are per image; pass --input to choose another shape)']);
    expect(estimateCosts(graph).peakSramBytes).toBe(3_072);
    // --input with a batch of 4 is read at batch 1 too (costs are per image), with its own note
    const again: string[] = [];
    const at4 = importOnnxFile(file('fixed_batch_4'), { inputShape: [4, 3, 16, 16], onNote: (t) => again.push(t) });
    expect([again, outShape(at4)]).toEqual([['--input 4x3x16x16 has a batch of 4: read at batch 1 (costs are per image)'], [1, 10]]);
    expect(estimateCosts(at4).peakSramBytes).toBe(3_072);
  });

  it('fixed_batch_4: latency times the file at its batch of 4 and records MACs per image (129,184)', async () => {
    const dir = mkdtempSync(`${tmpdir()}/cases-latency-`);
    const out = JSON.parse(await latencyCommand([file('fixed_batch_4'), '--runs', '2', '--warmup', '0', '--dataset', `${dir}/m.jsonl`, '--json']));
    expect([out.batch, out.macsPerImage, out.params]).toEqual([4, 129_184, 1_562]);
    const record = JSON.parse(readFileSync(`${dir}/m.jsonl`, 'utf8').trim());
    expect([record.batch, record.macs, record.params]).toEqual([4, 129_184, 1_562]);
    await expect(latencyCommand([file('fixed_batch_4'), '--batch', '2', '--no-record'])).rejects.toThrow("--batch: got 2; allowed: 4 (the file's input has a fixed batch of 4)");
  });

  it('hardswish_written_out: the 3 and 1/6 are scalars of arithmetic (weight [] and their value), not parameters', () => {
    const graph = importOnnxFile(file('hardswish_written_out'));
    const arithmetic = graph.nodes.filter((n) => n.op === 'Add' || n.op === 'Mul');
    expect(arithmetic.map((n) => [n.op, n.attrs])).toEqual([
      ['Add', { weight: [], scalar: 3 }],
      ['Mul', {}],
      ['Mul', { weight: [], scalar: 1 / 6 }], // the float32 1/6 the file stores, read as 1/6
    ]);
  });

  it('linear_on_sequence: MatMul on [1, 22, 64] with a [64, 256] weight and the Add after it is one Linear with bias', () => {
    const graph = importOnnxFile(file('linear_on_sequence'));
    expect(graph.nodes.map((n) => [n.op, n.attrs])).toEqual([['Linear', { outFeatures: 256, bias: true }]]);
    expect(outShape(graph)).toEqual([1, 22, 256]);
  });

  it('channel_shuffle: Slice of channels from a folded Shape/Gather/Div, Reshape to 5-D, Transpose, Reshape back', () => {
    const graph = importOnnxFile(file('channel_shuffle'));
    expect(graph.nodes.map((n) => n.op)).toEqual(['Conv', 'Slice', 'Slice', 'Conv', 'Concat', 'Reshape', 'Transpose', 'Reshape']);
    const slices = graph.nodes.filter((n) => n.op === 'Slice').map((n) => n.attrs);
    expect(slices).toEqual([
      { axes: [1], starts: [0], ends: [4], steps: [1] },
      { axes: [1], starts: [4], ends: [8], steps: [1] },
    ]);
  });

  it('zeropad_opset13: the pads subgraph (ConstantOfShape, Concat, Reshape, Slice step -1, Transpose, Cast) folds into the Conv pads', () => {
    const graph = importOnnxFile(file('zeropad_opset13'));
    expect(graph.nodes.map((n) => n.op)).toEqual(['Conv', 'Relu']);
    expect(graph.nodes[0]!.op === 'Conv' && graph.nodes[0]!.attrs.pads).toEqual([0, 0, 1, 1]);
  });

  it('conv_transpose, dilated_conv and conv1d keep their geometry', () => {
    const ct = importOnnxFile(file('conv_transpose')).nodes.find((n) => n.op === 'ConvTranspose');
    expect(ct?.attrs).toEqual({ outChannels: 4, kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], group: 1, bias: true });
    const dilated = importOnnxFile(file('dilated_conv')).nodes.filter((n) => n.op === 'Conv').map((n) => n.op === 'Conv' && n.attrs.dilations);
    expect(dilated).toEqual([[2, 2], [3, 3]]);
    const c1 = importOnnxFile(file('conv1d')).nodes[0]!;
    expect(c1.attrs).toEqual({ outChannels: 32, kernel: [3], strides: [2], pads: [4, 4], group: 1, bias: true });
  });
});

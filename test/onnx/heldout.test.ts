/**
 * Held-out models (issue 17's "Done when"): eight kinds of model a researcher brings, none of them
 * in lib/graph/zoo/, exported by PyTorch itself (scripts/heldout-models.py, Debian's python3-torch
 * 1.13 / torchvision 0.14, weights=None, eval mode, constant folding, batch 1) and imported by
 * paretonas. MACs must EQUAL PyTorch's forward-hook count, params the exported file's parameters by
 * the README's counting rules (shared constants once, one-element arithmetic constants not), and the
 * graph's output shape the model's.
 *
 * The script's own counts are held to torchvision's published figures first (num_params, which
 * torchvision 0.14 ships in each weights enum's metadata, and GFLOPS from torchvision's model table),
 * so the reference itself is checked independently of paretonas.
 *
 * Skipped with a warning (helpers-python.ts) where python3-torch is missing. Exports run
 * asynchronously (runPython) so no synchronous call blocks the worker; files and JSON are kept in a
 * temp folder for the run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { estimateCosts, type CostReport } from '../../lib/cost/estimate.js';
import type { Graph } from '../../lib/graph/types.js';
import { importOnnxFile } from '../../lib/onnx/import.js';
import { HAVE_TORCH, heldoutExport, type HeldoutCounts } from '../helpers-python.js';

interface HeldoutCase {
  /** Test name and file name. */
  id: string;
  model: string;
  opset?: number;
  resolution?: number;
  /** ONNX ops the export must contain (what this case is about). */
  onnxOps: string[];
  /** Conv features the export must show. */
  convs?: Partial<HeldoutCounts['convs']>;
  /** torchvision's published figures: num_params (exact) and GFLOPS (= G MACs) rounded to 2 decimals. */
  published?: { params: number; gflops?: number };
  output: number[];
}

const CASES: HeldoutCase[] = [
  // channel shuffle: view/transpose/view -> Reshape, Transpose; chunk -> Slice (with the Shape arithmetic around them)
  { id: 'shufflenet_v2_x0_5', model: 'shufflenet_v2_x0_5', onnxOps: ['Reshape', 'Transpose', 'Slice', 'Shape', 'Gather', 'ReduceMean', 'Gemm'], published: { params: 1_366_792, gflops: 0.04 }, output: [1, 1000] },
  // Linear on NHWC (MatMul on rank 4), LayerNorm decomposed (opset 13), GELU with Erf, layer scale Mul [C,1,1]
  { id: 'convnext_tiny', model: 'convnext_tiny', onnxOps: ['MatMul', 'Transpose', 'ReduceMean', 'Sub', 'Pow', 'Sqrt', 'Div', 'Erf', 'Mul'], published: { params: 28_589_128, gflops: 4.46 }, output: [1, 1000] },
  // the same at opset 17: native LayerNormalization (64x64 to keep it fast)
  { id: 'convnext_tiny-opset17-64', model: 'convnext_tiny', opset: 17, resolution: 64, onnxOps: ['LayerNormalization', 'MatMul', 'Erf'], published: { params: 28_589_128 }, output: [1, 1000] },
  // dilated depthwise convs, HardSwish/HardSigmoid, a sigmoid gate, bilinear Resize to the input size
  { id: 'lraspp_mobilenet_v3_large', model: 'lraspp_mobilenet_v3_large', onnxOps: ['Resize', 'HardSigmoid', 'Sigmoid', 'GlobalAveragePool'], convs: { dilated: 3 }, published: { params: 3_221_538 }, output: [1, 21, 224, 224] },
  // Conv1d (strided, depthwise, pointwise) with BN1d folded, MaxPool1d, AvgPool1d (Pad + AveragePool), AdaptiveAvgPool1d, Linear
  { id: 'kws1d', model: 'kws1d', onnxOps: ['Conv', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Gemm'], convs: { spatialRanks: [1], grouped: 2 }, output: [1, 12] },
  // ConvTranspose2d k2 s2 with bias, skip Concat, MaxPool2d, a 1x1 head to one class
  { id: 'unet_small', model: 'unet_small', onnxOps: ['ConvTranspose', 'Concat', 'MaxPool'], output: [1, 1, 64, 64] },
  // torchvision models outside the zoo: SiLU (Sigmoid + Mul) and squeeze-excitation; grouped convs; dense Concat with BN kept
  { id: 'efficientnet_b0', model: 'efficientnet_b0', onnxOps: ['Sigmoid', 'Mul', 'GlobalAveragePool'], published: { params: 5_288_548, gflops: 0.39 }, output: [1, 1000] },
  { id: 'regnet_x_400mf', model: 'regnet_x_400mf', onnxOps: ['Conv', 'Add', 'Relu'], published: { params: 5_495_976, gflops: 0.41 }, output: [1, 1000] },
  { id: 'densenet121', model: 'densenet121', onnxOps: ['BatchNormalization', 'Concat', 'AveragePool', 'Pad'], published: { params: 7_978_856, gflops: 2.83 }, output: [1, 1000] },
];

const tmp = mkdtempSync(`${tmpdir()}/heldout-`);

/** PyTorch's counts for a case, exported once a run. */
const exports = new Map<string, Promise<HeldoutCounts>>();
function exported(c: HeldoutCase): Promise<HeldoutCounts> {
  let p = exports.get(c.id);
  if (!p) {
    p = heldoutExport(c.model, `${tmp}/${c.id}.onnx`, { opset: c.opset, resolution: c.resolution });
    exports.set(c.id, p);
  }
  return p;
}

const MAC_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'Linear', 'MatMul']);

/** Which layers' MACs the hooks and the graph do not share (multisets), and params by op, for a failure message. */
function diagnosis(t: HeldoutCounts, r: CostReport): string {
  const left = new Map<number, number>();
  for (const l of t.layerMacs) left.set(l.macs, (left.get(l.macs) ?? 0) + 1);
  const graphOnly: string[] = [];
  for (const l of r.layers) {
    if (l.macs === 0 && !MAC_OPS.has(l.op)) continue;
    const n = left.get(l.macs) ?? 0;
    if (n > 0) left.set(l.macs, n - 1);
    else graphOnly.push(`${l.op} ${l.node} ${l.inputShape.join('x')}->${l.outputShape.join('x')}: ${l.macs}`);
  }
  const hooksOnly = t.layerMacs.filter((l) => {
    const n = left.get(l.macs) ?? 0;
    if (n > 0) left.set(l.macs, n - 1);
    return n > 0;
  });
  const byOp: Record<string, number> = {};
  for (const l of r.layers) if (l.params > 0) byOp[l.op] = (byOp[l.op] ?? 0) + l.params;
  return [
    `MACs ${r.macs} vs PyTorch ${t.macs}; params ${r.params} vs ${t.params}`,
    `graph layers without an equal hook: ${graphOnly.slice(0, 8).join('; ') || 'none'}`,
    `hooked modules without an equal layer: ${hooksOnly.slice(0, 8).map((l) => `${l.module} ${l.name}: ${l.macs}`).join('; ') || 'none'}`,
    `params by op: graph ${JSON.stringify(byOp)}, file by reading ONNX op ${JSON.stringify(t.paramsByOp)}`,
  ].join('\n');
}

function outputShape(graph: Graph): readonly number[] | undefined {
  return graph.tensors[graph.outputs[0] as number]?.shape;
}

describe.skipIf(!HAVE_TORCH)('held-out PyTorch models (scripts/heldout-models.py, Debian python3-torch)', () => {
  describe.each(CASES.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    it('PyTorch exports the ops this case is about; its counts agree with torchvision\'s published figures', async () => {
      const t = await exported(c);
      expect(t.output).toEqual(c.output);
      for (const op of c.onnxOps) expect(t.onnxOps, op).toContain(op);
      if (c.convs) expect(t.convs).toMatchObject(c.convs);
      // the hook total is the sum of its layers (nothing added by hand: none of the eight has a MatMul of two activations)
      expect(t.layerMacs.reduce((s, l) => s + l.macs, 0)).toBe(t.macs);
      if (c.published) {
        expect(t.torchParams).toBe(c.published.params);
        if (c.published.gflops !== undefined) expect(Number((t.macs / 1e9).toFixed(2))).toBe(c.published.gflops);
      }
    }, 600_000);

    it('imports with MACs, params and output shape equal to PyTorch\'s', async () => {
      const t = await exported(c);
      const graph = importOnnxFile(t.file);
      const r = estimateCosts(graph);
      const why = diagnosis(t, r);
      expect({ macs: r.macs, params: r.params }, why).toEqual({ macs: t.macs, params: t.params });
      expect(outputShape(graph)).toEqual(t.output);
      expect(graph.inputs.map((i) => graph.tensors[i]?.shape)).toEqual([t.input]);
    }, 600_000);
  });

  it('without BN (ConvNeXt) the file\'s parameters are PyTorch\'s own; with BN folded they lose exactly one value a channel', async () => {
    const convnext = await exported(CASES.find((c) => c.id === 'convnext_tiny') as HeldoutCase);
    expect(convnext.params).toBe(convnext.torchParams);
    // kws1d: five BatchNorm1d (64, 64, 96, 96, 128 channels) folded into their convs: gamma+beta (2C) become a bias (C)
    const kws = await exported(CASES.find((c) => c.id === 'kws1d') as HeldoutCase);
    expect(kws.torchParams - kws.params).toBe(64 + 64 + 96 + 96 + 128);
    // hand count: 40*64*5 + 64*3 + 64*96 + 96*3 + 96*128 conv weights, 448 folded biases, 128*12 + 12 linear
    expect(kws.params).toBe(12_800 + 192 + 6_144 + 288 + 12_288 + 448 + 1_548);
    // Conv1d k5 s2 p2 on 98 frames -> 49; MaxPool1d(2) -> 24; AvgPool1d(2) -> 12
    expect(kws.macs).toBe(64 * 49 * 40 * 5 + 64 * 49 * 3 + 96 * 49 * 64 + 96 * 24 * 3 + 128 * 24 * 96 + 128 * 12);
  }, 600_000);

  it('the U-Net\'s transposed convs count in_elements x C_out x k x k (hand count)', async () => {
    const t = await exported(CASES.find((c) => c.id === 'unet_small') as HeldoutCase);
    const up = t.layerMacs.filter((l) => l.module === 'ConvTranspose2d').map((l) => l.macs);
    // up2: 64 x 16 x 16 in, 32 out, 2x2; up1: 32 x 32 x 32 in, 16 out, 2x2
    expect(up).toEqual([64 * 16 * 16 * 32 * 4, 32 * 32 * 32 * 16 * 4]);
    // BN folded (320 channels): conv weights + biases, the transposed convs' weights [C_in, C_out, 2, 2] + biases
    expect(t.params).toBe(t.torchParams - (16 + 16 + 32 + 32 + 64 + 64 + 32 + 32 + 16 + 16));
    expect(t.paramsByOp['ConvTranspose']).toBe(64 * 32 * 4 + 32 + 32 * 16 * 4 + 16);
  }, 600_000);
});

/**
 * The PyTorch interpreter (trainers/torch/graph_module.py) on every op of OP_TYPES: a small hand-written
 * Graph per op (N-D windows, asymmetric pads, every Resize path, broadcasting, shared weights) is built
 * and run by real torch; its forward output shape must equal the declared one and its trainable
 * parameters the count worked out here by hand by the plan's rules (scalars 0, PRelu slope counted,
 * LayerNormalization 2 x prod(normalised shape), a shared weight once). One python process runs all.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../lib/graph/types.js';
import { HAVE_TORCH, PYTHON } from '../helpers-python.js';
import { outputDifference, ROOT } from '../helpers.js';

const PROBE = `${ROOT}test/scripts/graph_module_probe.py`;

interface Step {
  op: string;
  attrs?: Record<string, unknown>;
  /** The declared output shape. */
  out: number[];
  /** Input tensor indices (0 is the graph input, i + 1 the output of step i); default: the previous tensor. */
  from?: number[];
  name?: string;
  shares?: string;
}

/** A Graph whose tensor 0 is the input and whose step i writes tensor i + 1; the last tensor is the output. */
function chain(name: string, input: number[], steps: Step[]): Graph {
  const shapes = [input, ...steps.map((s) => s.out)];
  return {
    name,
    inputs: [0],
    outputs: [steps.length],
    tensors: shapes.map((shape, i) => ({ name: `t${i}`, shape, elements: shape.reduce((p, d) => p * d, 1) })),
    nodes: steps.map((s, i) => ({
      name: s.name ?? `n${i}`,
      op: s.op,
      attrs: s.attrs ?? {},
      inputs: s.from ?? [i],
      outputs: [i + 1],
      block: 'b',
      ...(s.shares ? { shares: s.shares } : {}),
    })),
  } as unknown as Graph;
}

interface OnnxSpec {
  opset?: number;
  nodes: { op: string; inputs: string[]; output: string; attrs?: Record<string, unknown> }[];
  inits?: Record<string, { dims: number[]; values?: number[]; int64?: number[] }>;
}

interface ProbeItem {
  graph: Graph;
  batch?: number;
  onnx?: string;
  input?: string;
  output?: string;
  onnxSpec?: OnnxSpec;
}

interface ProbeResult {
  outputShape?: number[];
  params?: number;
  graphParams?: number;
  paramTensors?: number;
  finite?: boolean;
  batchShape?: number[];
  loaded?: number;
  error?: string;
}

/** Runs the items through graph_module.py in one python process; returns OPS and one result per item. */
function probe(items: ProbeItem[]): { ops: string[]; results: ProbeResult[] } {
  const r = spawnSync(PYTHON, [PROBE], { input: JSON.stringify({ items }), encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`graph_module_probe.py failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  return { ops: lines[0].ops, results: lines.slice(1) };
}

const conv = (outChannels: number, kernel: number[], strides: number[], pads: number[], extra: Record<string, unknown> = {}) => ({
  outChannels,
  kernel,
  strides,
  pads,
  group: 1,
  bias: true,
  ...extra,
});
const NCHW = [1, 4, 5, 5];
const act = (op: string, attrs: Record<string, unknown> = {}): Case => ({ name: op, input: NCHW, steps: [{ op, attrs, out: NCHW }], params: 0, batch: 3 });

interface Case {
  name: string;
  input: number[];
  steps: Step[];
  /** Hand count by the plan's rules. */
  params: number;
  /** Also run at this batch size (the output's leading axis follows it). */
  batch?: number;
}

/** Every op in at least one case; hand-worked shapes and parameter counts in the comments. */
const CASES: Case[] = [
  // Conv: out = floor((size + pb + pe - d(k-1) - 1) / s) + 1; params out x cin/group x prod(k) + bias
  // (16 + 1 + 0 - 4 - 1) / 2 + 1 = 7; 8 x 3 x 3 + 8
  { name: 'Conv1d, dilation 2, asymmetric pads', input: [1, 3, 16], steps: [{ op: 'Conv', attrs: conv(8, [3], [2], [1, 0], { dilations: [2] }), out: [1, 8, 7] }], params: 80, batch: 2 },
  // (10 + 4 - 4 - 1) + 1 = 10; 6 x 2 x 9
  { name: 'Conv2d dilated, grouped, no bias', input: [1, 4, 10, 10], steps: [{ op: 'Conv', attrs: conv(6, [3, 3], [1, 1], [2, 2, 2, 2], { dilations: [2, 2], group: 2, bias: false }), out: [1, 6, 10, 10] }], params: 108 },
  // D (6 + 2 - 3) + 1 = 6; H, W (8 + 1 - 3) / 2 + 1 = 4; 4 x 2 x 27 + 4
  { name: 'Conv3d, asymmetric pads', input: [1, 2, 6, 8, 8], steps: [{ op: 'Conv', attrs: conv(4, [3, 3, 3], [1, 2, 2], [1, 1, 1, 1, 0, 0]), out: [1, 4, 6, 4, 4] }], params: 220, batch: 2 },
  // ConvTranspose: out = (size - 1)s - pb - pe + d(k-1) + outputPadding + 1; params cin x out/group x prod(k) + bias
  // 4 x 2 - 2 + 2 + 1 + 1 = 10; 4 x 3 x 9 + 6
  { name: 'ConvTranspose2d, outputPadding, grouped', input: [1, 4, 5, 5], steps: [{ op: 'ConvTranspose', attrs: conv(6, [3, 3], [2, 2], [1, 1, 1, 1], { group: 2, outputPadding: [1, 1] }), out: [1, 6, 10, 10] }], params: 114, batch: 2 },
  // 6 x 2 - 3 + 3 + 1 = 13; 3 x 2 x 4
  { name: 'ConvTranspose1d, asymmetric pads', input: [1, 3, 7], steps: [{ op: 'ConvTranspose', attrs: conv(2, [4], [2], [1, 2], { bias: false }), out: [1, 2, 13] }], params: 24 },
  // 2 x 2 + 2 - 1 + ... : (3 - 1) x 2 + 1 x 1 + 1 = 6 per axis with dilation 1, k 2; 2 x 2 x 8 + 2
  { name: 'ConvTranspose3d', input: [1, 2, 3, 3, 3], steps: [{ op: 'ConvTranspose', attrs: conv(2, [2, 2, 2], [2, 2, 2], [0, 0, 0, 0, 0, 0]), out: [1, 2, 6, 6, 6] }], params: 34 },
  // (3 - 1) x 1 - 0 - 0 + 2 x 2 + 0 + 1 = 7
  { name: 'ConvTranspose2d dilated', input: [1, 2, 3, 3], steps: [{ op: 'ConvTranspose', attrs: conv(3, [3, 3], [1, 1], [0, 0, 0, 0], { dilations: [2, 2], bias: false }), out: [1, 3, 7, 7] }], params: 54 },
  // pools: (10 + 2 - 3) / 2 + 1 = 5
  { name: 'MaxPool1d', input: [1, 3, 10], steps: [{ op: 'MaxPool', attrs: { kernel: [3], strides: [2], pads: [1, 1] }, out: [1, 3, 5] }], params: 0, batch: 2 },
  // ceil: ceil(3/2) + 1 = 3, ceil(4/2) + 1 = 3, ceil(5/2) + 1 = 4
  { name: 'MaxPool3d ceil mode', input: [1, 2, 5, 6, 7], steps: [{ op: 'MaxPool', attrs: { kernel: [2, 2, 2], strides: [2, 2, 2], pads: [0, 0, 0, 0, 0, 0], ceilMode: true }, out: [1, 2, 3, 3, 4] }], params: 0 },
  { name: 'MaxPool2d asymmetric pads', input: [1, 3, 7, 7], steps: [{ op: 'MaxPool', attrs: { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] }, out: [1, 3, 3, 3] }], params: 0, batch: 2 },
  // (7 + 1 - 3) / 2 + 1 = 3
  { name: 'AveragePool2d asymmetric, pads excluded', input: [1, 3, 7, 7], steps: [{ op: 'AveragePool', attrs: { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1], countIncludePad: false }, out: [1, 3, 3, 3] }], params: 0, batch: 2 },
  // ceil(7/2) + 1 = 5 ((5-1) x 2 = 8 < 9: kept)
  { name: 'AveragePool1d ceil mode', input: [1, 2, 9], steps: [{ op: 'AveragePool', attrs: { kernel: [2], strides: [2], pads: [0, 0], ceilMode: true }, out: [1, 2, 5] }], params: 0 },
  { name: 'AveragePool3d', input: [1, 2, 4, 4, 4], steps: [{ op: 'AveragePool', attrs: { kernel: [2, 2, 2], strides: [2, 2, 2], pads: [0, 0, 0, 0, 0, 0] }, out: [1, 2, 2, 2, 2] }], params: 0 },
  { name: 'GlobalAveragePool rank 3', input: [1, 5, 7], steps: [{ op: 'GlobalAveragePool', out: [1, 5, 1] }], params: 0, batch: 2 },
  { name: 'GlobalAveragePool rank 5', input: [1, 2, 3, 4, 5], steps: [{ op: 'GlobalAveragePool', out: [1, 2, 1, 1, 1] }], params: 0 },
  { name: 'ReduceMean, keepdims off', input: [1, 4, 6, 6], steps: [{ op: 'ReduceMean', attrs: { axes: [2, 3], keepdims: false }, out: [1, 4] }], params: 0, batch: 2 },
  { name: 'ReduceMean, keepdims on', input: [1, 4, 6, 6], steps: [{ op: 'ReduceMean', attrs: { axes: [1], keepdims: true }, out: [1, 1, 6, 6] }], params: 0 },
  // Resize: N and C kept, spatial = size; one case per path (native interpolate and the ONNX-formula gather)
  { name: 'Resize nearest asymmetric floor (F.interpolate nearest)', input: [1, 3, 4, 4], steps: [{ op: 'Resize', attrs: { size: [8, 8], mode: 'nearest', coordinateMode: 'asymmetric', nearestMode: 'floor' }, out: [1, 3, 8, 8] }], params: 0, batch: 2 },
  { name: 'Resize linear align_corners 1-D', input: [1, 2, 5], steps: [{ op: 'Resize', attrs: { size: [9], mode: 'linear', coordinateMode: 'align_corners' }, out: [1, 2, 9] }], params: 0 },
  { name: 'Resize trilinear half_pixel', input: [1, 1, 2, 3, 4], steps: [{ op: 'Resize', attrs: { size: [4, 6, 8], mode: 'linear', coordinateMode: 'half_pixel' }, out: [1, 1, 4, 6, 8] }], params: 0 },
  { name: 'Resize nearest half_pixel round_prefer_ceil (gather)', input: [1, 2, 6, 6], steps: [{ op: 'Resize', attrs: { size: [3, 4], mode: 'nearest', coordinateMode: 'half_pixel', nearestMode: 'round_prefer_ceil' }, out: [1, 2, 3, 4] }], params: 0, batch: 2 },
  { name: 'Resize linear asymmetric (gather)', input: [1, 2, 4, 4], steps: [{ op: 'Resize', attrs: { size: [7, 5], mode: 'linear', coordinateMode: 'asymmetric' }, out: [1, 2, 7, 5] }], params: 0 },
  { name: 'Resize linear pytorch_half_pixel to size 1 (gather)', input: [1, 2, 4, 4], steps: [{ op: 'Resize', attrs: { size: [1, 3], mode: 'linear', coordinateMode: 'pytorch_half_pixel' }, out: [1, 2, 1, 3] }], params: 0 },
  // norms: BN 2 x C; LN 2 x prod(shape[axis:])
  { name: 'BatchNormalization rank 2', input: [1, 6], steps: [{ op: 'BatchNormalization', attrs: { epsilon: 1e-5 }, out: [1, 6] }], params: 12, batch: 3 },
  { name: 'BatchNormalization rank 3', input: [1, 6, 10], steps: [{ op: 'BatchNormalization', attrs: { epsilon: 1e-5 }, out: [1, 6, 10] }], params: 12 },
  { name: 'BatchNormalization rank 5', input: [1, 4, 2, 3, 3], steps: [{ op: 'BatchNormalization', attrs: { epsilon: 1e-3 }, out: [1, 4, 2, 3, 3] }], params: 8 },
  { name: 'LayerNormalization last axis', input: [1, 10, 16], steps: [{ op: 'LayerNormalization', attrs: { axis: 2, epsilon: 1e-5 }, out: [1, 10, 16] }], params: 32, batch: 2 },
  { name: 'LayerNormalization from axis 1', input: [1, 10, 16], steps: [{ op: 'LayerNormalization', attrs: { axis: 1, epsilon: 1e-6 }, out: [1, 10, 16] }], params: 320 },
  // activations: same shape, no params; PRelu counts its slope
  act('Relu'),
  act('Clip', { min: 0, max: 6 }),
  { ...act('Clip', { min: 0, max: null }), name: 'Clip unbounded above (max Infinity, JSON null)' },
  act('LeakyRelu', { alpha: 0.1 }),
  act('Elu', { alpha: 1 }),
  act('Sigmoid'),
  act('Swish'),
  act('HardSigmoid', { alpha: 0.2, beta: 0.5 }),
  act('HardSwish'),
  act('Tanh'),
  act('Gelu', { approximate: 'none' }),
  { ...act('Gelu', { approximate: 'tanh' }), name: 'Gelu tanh' },
  act('Erf'),
  act('Softmax', { axis: 1 }),
  { ...act('Softmax', { axis: -1 }), name: 'Softmax last axis' },
  act('LogSoftmax', { axis: 1 }),
  act('Dropout', { ratio: 0.2 }),
  // Sqrt of x * x (non-negative, so the output is finite)
  { name: 'Sqrt', input: NCHW, steps: [{ op: 'Mul', out: NCHW, from: [0, 0] }, { op: 'Sqrt', out: NCHW }], params: 0, batch: 2 },
  { name: 'PRelu per channel [C,1,1]', input: NCHW, steps: [{ op: 'PRelu', attrs: { slope: [4, 1, 1] }, out: NCHW }], params: 4, batch: 2 },
  { name: 'PRelu one slope', input: NCHW, steps: [{ op: 'PRelu', attrs: { slope: [1] }, out: NCHW }], params: 1 },
  { name: 'PRelu trailing-aligned [W]', input: NCHW, steps: [{ op: 'PRelu', attrs: { slope: [5] }, out: NCHW }], params: 5 },
  // element-wise: a constant of more than one element is learned, a one-element one is a scalar (0 params)
  { name: 'Add per-channel constant', input: NCHW, steps: [{ op: 'Add', attrs: { weight: [1, 4, 1, 1] }, out: NCHW }], params: 4, batch: 2 },
  { name: 'Add scalar', input: NCHW, steps: [{ op: 'Add', attrs: { weight: [1], scalar: 3 }, out: NCHW }], params: 0 },
  { name: 'Sub constant first (1 - x)', input: NCHW, steps: [{ op: 'Sub', attrs: { weight: [1], scalar: 1, constantFirst: true }, out: NCHW }], params: 0 },
  { name: 'Sub learned row', input: NCHW, steps: [{ op: 'Sub', attrs: { weight: [5, 5] }, out: NCHW }], params: 25 },
  { name: 'Mul layer scale [C,1,1]', input: NCHW, steps: [{ op: 'Mul', attrs: { weight: [4, 1, 1] }, out: NCHW }], params: 4 },
  { name: 'Div by a scalar', input: NCHW, steps: [{ op: 'Div', attrs: { weight: [1], scalar: 6 }, out: NCHW }], params: 0 },
  { name: 'Div constant first, learned [W]', input: NCHW, steps: [{ op: 'Div', attrs: { weight: [5], constantFirst: true }, out: NCHW }], params: 5 },
  { name: 'Pow by a rank-0 scalar', input: NCHW, steps: [{ op: 'Pow', attrs: { weight: [], scalar: 2 }, out: NCHW }], params: 0 },
  // two tensors: s = sigmoid(x) (positive, for Pow and Div) and its global mean [1, 4, 1, 1] broadcast
  ...(['Add', 'Sub', 'Mul', 'Div', 'Pow'] as const).map((op): Case => ({
    name: `${op} of two tensors, broadcast`,
    input: NCHW,
    steps: [{ op: 'Sigmoid', out: NCHW }, { op: 'GlobalAveragePool', out: [1, 4, 1, 1] }, { op, out: NCHW, from: [1, 2] }],
    params: 0,
    batch: 2,
  })),
  // ranks differ: [1, 4, 6] + [6] (trailing-aligned)
  { name: 'Add of two tensors of different ranks', input: [1, 4, 6], steps: [{ op: 'ReduceMean', attrs: { axes: [0, 1], keepdims: false }, out: [6] }, { op: 'Add', out: [1, 4, 6], from: [0, 1] }], params: 0 },
  // matmul family: Gemm / Linear K x out + out
  { name: 'Gemm', input: [1, 20], steps: [{ op: 'Gemm', attrs: { outFeatures: 10, bias: true }, out: [1, 10] }], params: 210, batch: 3 },
  { name: 'Linear rank 3, no bias', input: [1, 7, 20], steps: [{ op: 'Linear', attrs: { outFeatures: 12, bias: false }, out: [1, 7, 12] }], params: 240, batch: 2 },
  { name: 'Linear rank 4', input: [1, 2, 3, 8], steps: [{ op: 'Linear', attrs: { outFeatures: 5, bias: true }, out: [1, 2, 3, 5] }], params: 45 },
  { name: 'MatMul x by its transpose', input: [1, 2, 4, 6], steps: [{ op: 'Transpose', attrs: { perm: [0, 1, 3, 2] }, out: [1, 2, 6, 4] }, { op: 'MatMul', out: [1, 2, 4, 4], from: [0, 1] }], params: 0, batch: 2 },
  {
    name: 'MatMul broadcasting batch axes',
    input: [1, 3, 4, 6],
    steps: [
      { op: 'ReduceMean', attrs: { axes: [1], keepdims: true }, out: [1, 1, 4, 6] },
      { op: 'Transpose', attrs: { perm: [0, 1, 3, 2] }, out: [1, 1, 6, 4] },
      { op: 'MatMul', out: [1, 3, 4, 4], from: [0, 2] },
    ],
    params: 0,
  },
  // shape family
  { name: 'Flatten', input: [1, 2, 3, 4], steps: [{ op: 'Flatten', attrs: { axis: 1 }, out: [1, 24] }], params: 0, batch: 2 },
  { name: 'Reshape keeping the batch', input: [1, 4, 6, 6], steps: [{ op: 'Reshape', attrs: { shape: [1, 24, 6] }, out: [1, 24, 6] }], params: 0, batch: 3 },
  { name: 'Reshape folding the batch', input: [1, 4, 6], steps: [{ op: 'Reshape', attrs: { shape: [4, 6] }, out: [4, 6] }], params: 0 },
  { name: 'Transpose', input: [1, 2, 3, 4], steps: [{ op: 'Transpose', attrs: { perm: [0, 2, 3, 1] }, out: [1, 3, 4, 2] }], params: 0, batch: 2 },
  { name: 'Concat channels', input: NCHW, steps: [{ op: 'Relu', out: NCHW }, { op: 'Concat', attrs: { axis: 1 }, out: [1, 8, 5, 5], from: [0, 1] }], params: 0, batch: 2 },
  { name: 'Concat three on the last axis', input: [1, 3, 4], steps: [{ op: 'Concat', attrs: { axis: -1 }, out: [1, 3, 12], from: [0, 0, 0] }], params: 0 },
  // Slice: ceil((end - start) / step): axis 1 2..6 -> 4, axis 3 (as -1) 1..10 step 3 -> 3
  { name: 'Slice with steps, a negative axis', input: [1, 8, 10, 10], steps: [{ op: 'Slice', attrs: { axes: [1, -1], starts: [2, 1], ends: [6, 10], steps: [1, 3] }, out: [1, 4, 10, 3] }], params: 0, batch: 2 },
  // Pad: size + begin + end per axis
  { name: 'Pad constant', input: [1, 2, 5, 5], steps: [{ op: 'Pad', attrs: { pads: [0, 0, 1, 2, 0, 0, 3, 4], mode: 'constant', value: 0.5 }, out: [1, 2, 9, 11] }], params: 0, batch: 2 },
  { name: 'Pad reflect spatial (F.pad)', input: [1, 2, 5, 5], steps: [{ op: 'Pad', attrs: { pads: [0, 0, 2, 1, 0, 0, 1, 4], mode: 'reflect', value: 0 }, out: [1, 2, 8, 10] }], params: 0 },
  { name: 'Pad edge on the channel axis (gather)', input: [1, 3, 4], steps: [{ op: 'Pad', attrs: { pads: [0, 1, 0, 0, 2, 0], mode: 'edge', value: 0 }, out: [1, 6, 4] }], params: 0, batch: 2 },
  { name: 'Pad reflect rank 2 (gather)', input: [1, 6], steps: [{ op: 'Pad', attrs: { pads: [0, 2, 0, 3], mode: 'reflect', value: 0 }, out: [1, 11] }], params: 0 },
  // shared weights: 4 x 4 x 9 + 4 = 148, counted once
  {
    name: 'a conv applied twice (shares: the same module)',
    input: [1, 4, 8, 8],
    steps: [
      { op: 'Conv', name: 'c1', attrs: conv(4, [3, 3], [1, 1], [1, 1, 1, 1]), out: [1, 4, 8, 8] },
      { op: 'Relu', out: [1, 4, 8, 8] },
      { op: 'Conv', name: 'c2', shares: 'c1', attrs: conv(4, [3, 3], [1, 1], [1, 1, 1, 1]), out: [1, 4, 8, 8] },
    ],
    params: 148,
    batch: 2,
  },
  {
    name: 'a shared conv at another stride (its own module on the same tensors)',
    input: [1, 4, 8, 8],
    steps: [
      { op: 'Conv', name: 'c1', attrs: conv(4, [3, 3], [1, 1], [1, 1, 1, 1]), out: [1, 4, 8, 8] },
      { op: 'Conv', name: 'c2', shares: 'c1', attrs: conv(4, [3, 3], [2, 2], [1, 1, 1, 1]), out: [1, 4, 4, 4] },
    ],
    params: 148,
  },
  // a shared Linear (ALBERT-style): 16 x 16 + 16 = 272 once; the LN of each call is its own (2 x 2 x 16)
  {
    name: 'a Linear shared across two layers',
    input: [1, 5, 16],
    steps: [
      { op: 'Linear', name: 'fc', attrs: { outFeatures: 16, bias: true }, out: [1, 5, 16] },
      { op: 'LayerNormalization', attrs: { axis: 2, epsilon: 1e-5 }, out: [1, 5, 16] },
      { op: 'Linear', name: 'fc2', shares: 'fc', attrs: { outFeatures: 16, bias: true }, out: [1, 5, 16] },
      { op: 'LayerNormalization', attrs: { axis: 2, epsilon: 1e-5 }, out: [1, 5, 16] },
    ],
    params: 272 + 64,
  },
];

/** Graphs the interpreter must refuse, with the message it must give. */
const BROKEN: { name: string; graph: Graph; message: RegExp }[] = [
  { name: 'a declared shape off by one', graph: chain('off', [1, 3, 16], [{ op: 'Conv', attrs: conv(8, [3], [2], [1, 0], { dilations: [2] }), out: [1, 8, 8] }]), message: /output shape is \[1, 8, 7\]/ },
  { name: 'an unknown op', graph: chain('unknown', NCHW, [{ op: 'Frobnicate', out: NCHW }]), message: /unknown op 'Frobnicate'/ },
  { name: 'shares naming no earlier node', graph: chain('shares', NCHW, [{ op: 'Conv', shares: 'later', attrs: conv(4, [1, 1], [1, 1], [0, 0, 0, 0]), out: NCHW }]), message: /shares 'later'/ },
  {
    name: 'shares a node whose weights differ',
    graph: chain('shares-shape', NCHW, [
      { op: 'Conv', name: 'a', attrs: conv(4, [1, 1], [1, 1], [0, 0, 0, 0]), out: NCHW },
      { op: 'Conv', name: 'b', shares: 'a', attrs: conv(4, [3, 3], [1, 1], [1, 1, 1, 1]), out: NCHW },
    ]),
    message: /shares 'a', but its weights/,
  },
  { name: 'a scalar JSON could not carry (null)', graph: chain('null', NCHW, [{ op: 'Add', attrs: { weight: [1], scalar: null }, out: NCHW }]), message: /scalar must be a number, got None/ },
  { name: 'a one-input Sub with no constant', graph: chain('sub', NCHW, [{ op: 'Sub', out: NCHW }]), message: /one input and no constant/ },
  { name: 'a Resize mode PyTorch has no rule for', graph: chain('resize', NCHW, [{ op: 'Resize', attrs: { size: [2, 2], mode: 'cubic', coordinateMode: 'half_pixel' }, out: [1, 4, 2, 2] }]), message: /mode must be one of nearest, linear/ },
];

/** OP_TYPES as lib/graph/types.ts writes it (read from the text: the TS project may be mid-change). */
function opTypesOfTypesTs(): string[] {
  const text = readFileSync(`${ROOT}lib/graph/types.ts`, 'utf8');
  const list = /export const OP_TYPES = \[([\s\S]*?)\] as const/.exec(text)?.[1] ?? '';
  return [...list.matchAll(/^\s*'(\w+)',/gm)].map((m) => m[1] as string);
}

describe.skipIf(!HAVE_TORCH)('the PyTorch interpreter builds and runs every op', () => {
  const { ops, results } = probe([...CASES.map((c) => ({ graph: chain(c.name, c.input, c.steps), batch: c.batch })), ...BROKEN.map((b) => ({ graph: b.graph }))]);

  it("graph_module.OPS is lib/graph/types.ts's OP_TYPES, in order", () => {
    const tsOps = opTypesOfTypesTs();
    expect(tsOps.length).toBeGreaterThanOrEqual(38);
    expect(ops).toEqual(tsOps);
  });

  it('every op of OP_TYPES has a case here', () => {
    const covered = new Set(CASES.flatMap((c) => c.steps.map((s) => s.op)));
    expect(opTypesOfTypesTs().filter((op) => !covered.has(op))).toEqual([]);
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s: output shape as declared, params as counted by hand', (_name, c, i) => {
    const r = results[i] as ProbeResult;
    expect(r.error).toBeUndefined();
    expect(r.outputShape).toEqual(c.steps.at(-1)?.out);
    expect(r.params).toBe(c.params);
    expect(r.graphParams).toBe(c.params);
    expect(r.finite).toBe(true);
    if (c.batch) expect(r.batchShape).toEqual([c.batch, ...(c.steps.at(-1)?.out.slice(1) ?? [])]);
  });

  it('a shared conv is one weight tensor and one bias tensor in module.parameters()', () => {
    const shared = CASES.findIndex((c) => c.name.startsWith('a conv applied twice'));
    const tied = CASES.findIndex((c) => c.name.startsWith('a shared conv at another stride'));
    expect(results[shared]?.paramTensors).toBe(2);
    expect(results[tied]?.paramTensors).toBe(2);
  });

  it.each(BROKEN.map((b, i) => [b.name, b, i] as const))('refuses %s with one message naming it', (_name, b, i) => {
    expect(results[CASES.length + i]?.error).toMatch(b.message);
  });
});

/** ONNX nodes in order: node i writes `v${i}`, the last one `y`; inputs name 'x', earlier outputs or initializers. */
function onnxNodes(...nodes: [op: string, inputs: string[], attrs?: Record<string, unknown>][]): OnnxSpec['nodes'] {
  return nodes.map(([op, inputs, attrs], i) => ({ op, inputs, output: i === nodes.length - 1 ? 'y' : `v${i}`, attrs }));
}
const f = (dims: number[], values?: number[]) => ({ dims, ...(values ? { values } : {}) });
const i64 = (values: number[]) => ({ dims: [values.length], int64: values });

interface ParityCase {
  name: string;
  input: number[];
  steps: Step[];
  onnx: OnnxSpec;
}

/** One Graph node (or a few) next to the ONNX model of the same computation, written by hand from the ONNX spec. */
const PARITY: ParityCase[] = [
  {
    name: 'Conv1d dilated, asymmetric pads',
    input: [1, 3, 16],
    steps: [{ op: 'Conv', attrs: conv(8, [3], [2], [1, 0], { dilations: [2] }), out: [1, 8, 7] }],
    onnx: { nodes: onnxNodes(['Conv', ['x', 'n0.weight', 'n0.bias'], { kernel_shape: [3], strides: [2], pads: [1, 0], dilations: [2] }]), inits: { 'n0.weight': f([8, 3, 3]), 'n0.bias': f([8]) } },
  },
  {
    name: 'Conv3d asymmetric pads',
    input: [1, 2, 6, 8, 8],
    steps: [{ op: 'Conv', attrs: conv(4, [3, 3, 3], [1, 2, 2], [1, 1, 1, 1, 0, 0]), out: [1, 4, 6, 4, 4] }],
    onnx: { nodes: onnxNodes(['Conv', ['x', 'n0.weight', 'n0.bias'], { kernel_shape: [3, 3, 3], strides: [1, 2, 2], pads: [1, 1, 1, 1, 0, 0] }]), inits: { 'n0.weight': f([4, 2, 3, 3, 3]), 'n0.bias': f([4]) } },
  },
  {
    name: 'ConvTranspose2d grouped, outputPadding',
    input: [1, 4, 5, 5],
    steps: [{ op: 'ConvTranspose', attrs: conv(6, [3, 3], [2, 2], [1, 1, 1, 1], { group: 2, outputPadding: [1, 1] }), out: [1, 6, 10, 10] }],
    onnx: {
      nodes: onnxNodes(['ConvTranspose', ['x', 'n0.weight', 'n0.bias'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 2, output_padding: [1, 1] }]),
      inits: { 'n0.weight': f([4, 3, 3, 3]), 'n0.bias': f([6]) },
    },
  },
  {
    name: 'ConvTranspose1d asymmetric pads (cropped)',
    input: [1, 3, 7],
    steps: [{ op: 'ConvTranspose', attrs: conv(2, [4], [2], [1, 2], { bias: false }), out: [1, 2, 13] }],
    onnx: { nodes: onnxNodes(['ConvTranspose', ['x', 'n0.weight'], { kernel_shape: [4], strides: [2], pads: [1, 2] }]), inits: { 'n0.weight': f([3, 2, 4]) } },
  },
  {
    name: 'ConvTranspose2d dilated',
    input: [1, 2, 3, 3],
    steps: [{ op: 'ConvTranspose', attrs: conv(3, [3, 3], [1, 1], [0, 0, 0, 0], { dilations: [2, 2], bias: false }), out: [1, 3, 7, 7] }],
    onnx: { nodes: onnxNodes(['ConvTranspose', ['x', 'n0.weight'], { kernel_shape: [3, 3], dilations: [2, 2] }]), inits: { 'n0.weight': f([2, 3, 3, 3]) } },
  },
  {
    name: 'MaxPool3d ceil mode',
    input: [1, 2, 5, 6, 7],
    steps: [{ op: 'MaxPool', attrs: { kernel: [2, 2, 2], strides: [2, 2, 2], pads: [0, 0, 0, 0, 0, 0], ceilMode: true }, out: [1, 2, 3, 3, 4] }],
    onnx: { nodes: onnxNodes(['MaxPool', ['x'], { kernel_shape: [2, 2, 2], strides: [2, 2, 2], ceil_mode: 1 }]) },
  },
  {
    name: 'MaxPool1d asymmetric pads',
    input: [1, 3, 10],
    steps: [{ op: 'MaxPool', attrs: { kernel: [3], strides: [2], pads: [0, 1] }, out: [1, 3, 5] }],
    onnx: { nodes: onnxNodes(['MaxPool', ['x'], { kernel_shape: [3], strides: [2], pads: [0, 1] }]) },
  },
  {
    name: 'AveragePool2d asymmetric pads, pads not counted',
    input: [1, 3, 7, 7],
    steps: [{ op: 'AveragePool', attrs: { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1], countIncludePad: false }, out: [1, 3, 3, 3] }],
    onnx: { nodes: onnxNodes(['AveragePool', ['x'], { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1], count_include_pad: 0 }]) },
  },
  {
    name: 'AveragePool3d pads counted',
    input: [1, 2, 4, 5, 5],
    steps: [{ op: 'AveragePool', attrs: { kernel: [3, 3, 3], strides: [1, 2, 2], pads: [1, 1, 1, 1, 1, 1], countIncludePad: true }, out: [1, 2, 4, 3, 3] }],
    onnx: { nodes: onnxNodes(['AveragePool', ['x'], { kernel_shape: [3, 3, 3], strides: [1, 2, 2], pads: [1, 1, 1, 1, 1, 1], count_include_pad: 1 }]) },
  },
  {
    name: 'GlobalAveragePool rank 3 and ReduceMean',
    input: [1, 5, 7, 3],
    steps: [
      { op: 'ReduceMean', attrs: { axes: [3], keepdims: false }, out: [1, 5, 7] },
      { op: 'GlobalAveragePool', out: [1, 5, 1] },
    ],
    onnx: { nodes: onnxNodes(['ReduceMean', ['x'], { axes: [3], keepdims: 0 }], ['GlobalAveragePool', ['v0']]) },
  },
  ...(
    [
      ['nearest', 'asymmetric', 'floor', [1, 3, 4, 4], [8, 8]],
      ['nearest', 'half_pixel', 'round_prefer_ceil', [1, 2, 6, 6], [3, 4]],
      ['nearest', 'half_pixel', 'round_prefer_floor', [1, 2, 6, 6], [3, 9]],
      ['nearest', 'align_corners', 'round_prefer_floor', [1, 2, 5], [9]],
      ['linear', 'align_corners', undefined, [1, 2, 5], [9]],
      ['linear', 'half_pixel', undefined, [1, 1, 2, 3, 4], [4, 6, 8]],
      ['linear', 'half_pixel', undefined, [1, 2, 6, 6], [4, 3]],
      ['linear', 'asymmetric', undefined, [1, 2, 4, 4], [7, 5]],
      ['linear', 'pytorch_half_pixel', undefined, [1, 2, 4, 4], [1, 3]],
    ] as const
  ).map(([mode, coordinateMode, nearestMode, input, size]): ParityCase => ({
    name: `Resize ${mode} ${coordinateMode}${nearestMode ? ` ${nearestMode}` : ''} ${input.slice(2).join('x')} -> ${size.join('x')}`,
    input: [...input],
    steps: [{ op: 'Resize', attrs: { size: [...size], mode, coordinateMode, ...(nearestMode ? { nearestMode } : {}) }, out: [...input.slice(0, 2), ...size] }],
    onnx: {
      nodes: onnxNodes(['Resize', ['x', '', '', 'n0.sizes'], { mode, coordinate_transformation_mode: coordinateMode, ...(nearestMode ? { nearest_mode: nearestMode } : {}) }]),
      inits: { 'n0.sizes': i64([...input.slice(0, 2), ...size]) },
    },
  })),
  {
    name: 'BatchNormalization rank 3 and LayerNormalization (opset 17)',
    input: [1, 6, 10],
    steps: [
      { op: 'BatchNormalization', name: 'bn', attrs: { epsilon: 1e-5 }, out: [1, 6, 10] },
      { op: 'LayerNormalization', name: 'ln', attrs: { axis: 1, epsilon: 1e-5 }, out: [1, 6, 10] },
    ],
    onnx: {
      nodes: onnxNodes(['BatchNormalization', ['x', 'bn.scale', 'bn.bias', 'bn.mean', 'bn.var'], { epsilon: 1e-5 }], ['LayerNormalization', ['v0', 'ln.scale', 'ln.bias'], { axis: 1, epsilon: 1e-5 }]),
      inits: { 'bn.scale': f([6]), 'bn.bias': f([6]), 'bn.mean': f([6]), 'bn.var': f([6]), 'ln.scale': f([6, 10]), 'ln.bias': f([6, 10]) },
    },
  },
  {
    name: 'PRelu per channel and trailing-aligned',
    input: NCHW,
    steps: [
      { op: 'PRelu', name: 'p1', attrs: { slope: [4, 1, 1] }, out: NCHW },
      { op: 'PRelu', name: 'p2', attrs: { slope: [5] }, out: NCHW },
    ],
    onnx: { nodes: onnxNodes(['PRelu', ['x', 'p1.slope']], ['PRelu', ['v0', 'p2.slope']]), inits: { 'p1.slope': f([4, 1, 1]), 'p2.slope': f([5]) } },
  },
  {
    name: 'Gelu as its Erf form, HardSigmoid, Elu, Softmax',
    input: NCHW,
    steps: [
      { op: 'Gelu', attrs: { approximate: 'none' }, out: NCHW },
      { op: 'HardSigmoid', attrs: { alpha: 0.2, beta: 0.4 }, out: NCHW },
      { op: 'Elu', attrs: { alpha: 0.7 }, out: NCHW },
      { op: 'Softmax', attrs: { axis: 1 }, out: NCHW },
    ],
    onnx: {
      nodes: onnxNodes(
        ['Div', ['x', 'n0.sqrt2']],
        ['Erf', ['v0']],
        ['Add', ['v1', 'n0.one']],
        ['Mul', ['x', 'v2']],
        ['Mul', ['v3', 'n0.half']],
        ['HardSigmoid', ['v4'], { alpha: 0.2, beta: 0.4 }],
        ['Elu', ['v5'], { alpha: 0.7 }],
        ['Softmax', ['v6'], { axis: 1 }],
      ),
      inits: { 'n0.sqrt2': f([], [Math.SQRT2]), 'n0.one': f([], [1]), 'n0.half': f([], [0.5]) },
    },
  },
  {
    name: 'Clip with min only (max unbounded)',
    input: NCHW,
    steps: [{ op: 'Clip', attrs: { min: -0.25, max: null }, out: NCHW }],
    onnx: { nodes: onnxNodes(['Clip', ['x', 'n0.min']]), inits: { 'n0.min': f([], [-0.25]) } },
  },
  {
    name: 'Sub 1 - x, Div w / x learned, Pow by a rank-0 scalar, Add and Mul learned',
    input: NCHW,
    steps: [
      { op: 'Sub', name: 's', attrs: { weight: [1], scalar: 1, constantFirst: true }, out: NCHW },
      { op: 'Mul', name: 'm', attrs: { weight: [1, 4, 1, 1] }, out: NCHW },
      { op: 'Pow', name: 'p', attrs: { weight: [], scalar: 2 }, out: NCHW },
      { op: 'Add', name: 'a', attrs: { weight: [4, 5, 5] }, out: NCHW },
      { op: 'Div', name: 'd', attrs: { weight: [5], constantFirst: true }, out: NCHW },
    ],
    onnx: {
      nodes: onnxNodes(['Sub', ['s.weight', 'x']], ['Mul', ['v0', 'm.weight']], ['Pow', ['v1', 'p.weight']], ['Add', ['v2', 'a.weight']], ['Div', ['d.weight', 'v3']]),
      inits: { 's.weight': f([1], [1]), 'm.weight': f([1, 4, 1, 1]), 'p.weight': f([], [2]), 'a.weight': f([4, 5, 5]), 'd.weight': f([5]) },
    },
  },
  {
    name: 'Gemm, then Linear rank 3 (MatMul + Add bias)',
    input: [1, 20],
    steps: [
      { op: 'Gemm', name: 'g', attrs: { outFeatures: 12, bias: true }, out: [1, 12] },
      { op: 'Reshape', attrs: { shape: [1, 3, 4] }, out: [1, 3, 4] },
      { op: 'Linear', name: 'l', attrs: { outFeatures: 4, bias: true }, out: [1, 3, 4] },
    ],
    onnx: {
      nodes: onnxNodes(['Gemm', ['x', 'g.weight', 'g.bias'], { transB: 1 }], ['Reshape', ['v0', 'n1.shape']], ['MatMul', ['v1', 'l.weight']], ['Add', ['v2', 'l.bias']]),
      inits: { 'g.weight': f([12, 20]), 'g.bias': f([12]), 'n1.shape': i64([1, 3, 4]), 'l.weight': f([4, 4]), 'l.bias': f([4]) },
    },
  },
  {
    name: 'MatMul with a transpose, Slice with steps, Concat',
    input: [1, 2, 4, 6],
    steps: [
      { op: 'Transpose', attrs: { perm: [0, 1, 3, 2] }, out: [1, 2, 6, 4] },
      { op: 'MatMul', out: [1, 2, 4, 4], from: [0, 1] },
      { op: 'Slice', attrs: { axes: [2, 3], starts: [1, 0], ends: [4, 4], steps: [2, 1] }, out: [1, 2, 2, 4] },
      { op: 'Concat', attrs: { axis: 2 }, out: [1, 2, 6, 4], from: [2, 3] },
    ],
    onnx: {
      nodes: onnxNodes(['Transpose', ['x'], { perm: [0, 1, 3, 2] }], ['MatMul', ['x', 'v0']], ['Slice', ['v1', 'n2.starts', 'n2.ends', 'n2.axes', 'n2.steps']], ['Concat', ['v1', 'v2'], { axis: 2 }]),
      inits: { 'n2.starts': i64([1, 0]), 'n2.ends': i64([4, 4]), 'n2.axes': i64([2, 3]), 'n2.steps': i64([2, 1]) },
    },
  },
  ...(
    [
      ['constant', [1, 2, 5, 5], [0, 0, 1, 2, 0, 0, 3, 4], 0.5],
      ['reflect', [1, 2, 5, 5], [0, 0, 2, 1, 0, 0, 1, 4], 0],
      ['edge', [1, 3, 4], [0, 1, 0, 0, 2, 1], 0],
      ['reflect', [1, 6], [0, 2, 0, 3], 0],
    ] as const
  ).map(([mode, input, pads, value]): ParityCase => ({
    name: `Pad ${mode} ${input.join('x')} by ${pads.join(',')}`,
    input: [...input],
    steps: [{ op: 'Pad', attrs: { pads: [...pads], mode, value }, out: input.map((d, i) => d + (pads[i] as number) + (pads[i + input.length] as number)) }],
    onnx: { nodes: onnxNodes(['Pad', ['x', 'n0.pads', 'n0.value'], { mode }]), inits: { 'n0.pads': i64([...pads]), 'n0.value': f([], [value]) } },
  })),
  {
    name: 'a conv applied twice through shares (one ONNX weight, read twice)',
    input: [1, 4, 8, 8],
    steps: [
      { op: 'Conv', name: 'c1', attrs: conv(4, [3, 3], [1, 1], [1, 1, 1, 1]), out: [1, 4, 8, 8] },
      { op: 'Relu', out: [1, 4, 8, 8] },
      { op: 'Conv', name: 'c2', shares: 'c1', attrs: conv(4, [3, 3], [1, 1], [1, 1, 1, 1]), out: [1, 4, 8, 8] },
      { op: 'Conv', name: 'c3', shares: 'c1', attrs: conv(4, [3, 3], [2, 2], [1, 1, 1, 1]), out: [1, 4, 4, 4] },
    ],
    onnx: {
      nodes: onnxNodes(
        ['Conv', ['x', 'c1.weight', 'c1.bias'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }],
        ['Relu', ['v0']],
        ['Conv', ['v1', 'c1.weight', 'c1.bias'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }],
        ['Conv', ['v2', 'c1.weight', 'c1.bias'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] }],
      ),
      inits: { 'c1.weight': f([4, 4, 3, 3]), 'c1.bias': f([4]) },
    },
  },
];

describe.skipIf(!HAVE_TORCH)('the PyTorch interpreter computes what onnxruntime computes (weights loaded from the ONNX)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'graph-module-ops-'));
  const items = PARITY.map((c, i) => ({
    graph: chain(c.name, c.input, c.steps),
    onnxSpec: c.onnx,
    onnx: join(dir, `${i}.onnx`),
    input: join(dir, `${i}.in.bin`),
    output: join(dir, `${i}.out.bin`),
  }));
  const { results } = probe(items);

  it('every op with a window, a resampling rule, weights or an index list has a parity case', () => {
    const covered = new Set(PARITY.flatMap((c) => c.steps.map((s) => s.op)));
    const expected = ['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'ReduceMean', 'Resize', 'BatchNormalization', 'LayerNormalization', 'PRelu', 'Gelu', 'Sub', 'Div', 'Pow', 'Add', 'Mul', 'Gemm', 'Linear', 'MatMul', 'Transpose', 'Reshape', 'Slice', 'Concat', 'Pad'];
    expect(expected.filter((op) => !covered.has(op))).toEqual([]);
  });

  it.each(PARITY.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const r = results[i] as ProbeResult;
    const item = items[i] as (typeof items)[number];
    expect(r.error).toBeUndefined();
    const buf = readFileSync(item.output);
    const torchOut = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const inBuf = readFileSync(item.input);
    const x = new Float32Array(inBuf.buffer, inBuf.byteOffset, inBuf.byteLength / 4);
    const session = await ort.InferenceSession.create(item.onnx);
    const y = (await session.run({ x: new ort.Tensor('float32', x, PARITY[i]?.input as number[]) })).y as ort.Tensor;
    await session.release();
    expect([...y.dims]).toEqual(PARITY[i]?.steps.at(-1)?.out);
    const ref = y.data as Float32Array;
    expect(torchOut.length).toBe(ref.length);
    const { maxAbs, scale } = outputDifference(ref, torchOut);
    expect(scale).toBeGreaterThan(0);
    expect(maxAbs).toBeLessThanOrEqual(1e-4 * Math.max(1, scale));
  });
});

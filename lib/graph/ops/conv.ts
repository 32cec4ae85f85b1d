/**
 * The conv family: Conv and ConvTranspose over 1 to 3 spatial axes (NCL, NCHW, NCDHW), with
 * groups and dilation. Shapes follow PyTorch / ONNX; costs follow the README's "How costs are
 * counted" (torchvision / fvcore / ptflops):
 * - Conv MACs = out_elements x (C_in / group) x prod(kernel) (dilation changes only the shape);
 * - ConvTranspose MACs = in_elements x (C_out / group) x prod(kernel);
 * - params = weights + bias; flash (int8, BN folded) = weights + 8 bytes per output channel.
 */
import { InputError } from '../../errors.js';
import { checkCount, checkSize, checkWindow, effectiveKernel } from '../bounds.js';
import type { ConvAttrs, Graph, NodeAttrs } from '../types.js';
import { isDepthwiseConv } from '../types.js';
import { expectRank, inputShape, outputShape, product } from './common.js';
import type { AttrSpec, NodeOf, OnnxSketch, OpCost, OpSpec, OpTable, Shape } from './spec.js';

/** The DSL attributes of a window (conv and pool): kernel, strides, pads as today, kind `dims`. */
export const KERNEL_ATTR: AttrSpec = { key: 'k', prop: 'kernel', kind: 'dims', expected: 'a kernel like 3x3 (or 3, 3x3x3)' };
export const STRIDES_ATTR: AttrSpec = { key: 's', prop: 'strides', kind: 'dims', expected: 'strides like 2x2 (or 2, 2x2x2)' };
export const PADS_ATTR: AttrSpec = { key: 'p', prop: 'pads', kind: 'pads', expected: 'pads like 1,1,1,1 (top,left,bottom,right; all begins, then all ends)' };
const CIN_ATTR: AttrSpec = { key: 'cin', kind: 'count', optional: true, expected: 'the input channels, a positive integer' };
const CONV_DSL: readonly AttrSpec[] = [
  CIN_ATTR,
  { key: 'out', prop: 'outChannels', kind: 'count', expected: 'output channels, a positive integer' },
  KERNEL_ATTR,
  STRIDES_ATTR,
  PADS_ATTR,
  { key: 'g', prop: 'group', kind: 'count', expected: 'a group count, a positive integer' },
  { key: 'bias', prop: 'bias', kind: 'bool', expected: 'bias, 0 or 1' },
  { key: 'd', prop: 'dilations', kind: 'dims', optional: true, expected: 'dilations like 2x2 (or 2, 2x2x2)' },
];

/** PyTorch / ONNX conv output size along one axis: floor((size + pb + pe - d*(k-1) - 1) / s) + 1. */
export function convOutSize(size: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation = 1): number {
  return Math.floor((size + padBegin + padEnd - effectiveKernel(kernel, dilation)) / stride) + 1;
}

/** ONNX ConvTranspose output size along one axis: (size - 1) * s - pb - pe + d*(k-1) + outputPadding + 1. */
export function convTransposeOutSize(size: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation = 1, outputPadding = 0): number {
  return (size - 1) * stride - padBegin - padEnd + effectiveKernel(kernel, dilation) + outputPadding;
}

/** The dilations of a conv, all 1 when absent. */
export function dilationsOf(a: ConvAttrs): readonly number[] {
  return a.dilations ?? a.kernel.map(() => 1);
}

/** [N, C, *spatial] with 1 to 3 spatial axes; the channels, groups and window checked. */
function checkConvInput(node: string, x: Shape | undefined, a: ConvAttrs, transposed: boolean): number[] {
  const shape = expectRank(node, 'input', x, [3, 4, 5]);
  const c = shape[1] as number;
  checkSize(`${node}.outChannels`, a.outChannels);
  checkSize(`${node}.group`, a.group);
  checkWindow(node, a, shape.slice(2), { widePads: !transposed });
  if (c % a.group !== 0 || a.outChannels % a.group !== 0) {
    throw new InputError(`${node}.group`, a.group, `a divisor of input channels ${c} and output channels ${a.outChannels}`);
  }
  return shape;
}

function convShape(node: string, x: Shape | undefined, a: ConvAttrs): Shape {
  const shape = checkConvInput(node, x, a, false);
  const [n, c] = shape as [number, number];
  const spatial = shape.slice(2);
  const rank = spatial.length;
  const d = dilationsOf(a);
  const out = spatial.map((size, i) => convOutSize(size, a.kernel[i] as number, a.strides[i] as number, a.pads[i] as number, a.pads[i + rank] as number, d[i]));
  const fanIn = (c / a.group) * product(a.kernel);
  checkCount(`${node}.weights`, 'weights', a.outChannels * fanIn);
  checkCount(`${node}.macs`, 'MACs', n * a.outChannels * product(out) * fanIn);
  return [n, a.outChannels, ...out];
}

function convTransposeShape(node: string, x: Shape | undefined, a: NodeAttrs['ConvTranspose']): Shape {
  const shape = checkConvInput(node, x, a, true);
  const [n, c] = shape as [number, number];
  const spatial = shape.slice(2);
  const rank = spatial.length;
  const d = dilationsOf(a);
  const op = a.outputPadding ?? spatial.map(() => 0);
  if (!Array.isArray(op) || op.length !== rank) throw new InputError(`${node}.outputPadding`, op, `${rank} integers (one per spatial axis)`);
  op.forEach((p, i) => {
    const limit = Math.max(a.strides[i] as number, d[i] as number);
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= limit) {
      throw new InputError(`${node}.outputPadding[${i}]`, p, `an integer from 0 to ${limit - 1} (less than the stride or the dilation)`);
    }
  });
  const out = spatial.map((size, i) => convTransposeOutSize(size, a.kernel[i] as number, a.strides[i] as number, a.pads[i] as number, a.pads[i + rank] as number, d[i], op[i]));
  const bad = out.findIndex((o) => o < 1);
  if (bad >= 0) {
    throw new InputError(`${node}.pads`, a.pads, `pads that leave at least one output cell along axis ${bad}`, `got ${JSON.stringify(a.pads)}, leaving ${out[bad]} output cells along axis ${bad}`);
  }
  const weights = c * (a.outChannels / a.group) * product(a.kernel);
  checkCount(`${node}.weights`, 'weights', weights);
  checkCount(`${node}.macs`, 'MACs', n * c * product(spatial) * (a.outChannels / a.group) * product(a.kernel));
  return [n, a.outChannels, ...out];
}

/** Conv and ConvTranspose store a weight, 4 bytes of bias and 4 of scale per output channel (int8). */
function withWeights(macs: number, weights: number, a: ConvAttrs): OpCost {
  return { macs, params: weights + (a.bias ? a.outChannels : 0), flashBytes: weights + 8 * a.outChannels };
}

function convCost(node: NodeOf<'Conv'>, graph: Graph): OpCost {
  const a = node.attrs;
  const cin = inputShape(graph, node)[1] as number;
  const fanIn = (cin / a.group) * product(a.kernel);
  return withWeights(product(outputShape(graph, node)) * fanIn, a.outChannels * fanIn, a);
}

function convTransposeCost(node: NodeOf<'ConvTranspose'>, graph: Graph): OpCost {
  const a = node.attrs;
  const x = inputShape(graph, node);
  const perInput = (a.outChannels / a.group) * product(a.kernel);
  return withWeights(product(x) * perInput, (x[1] as number) * perInput, a);
}

/** The ONNX Conv / ConvTranspose node: [x, weight (He), bias (zeros) when bias]; dilations always written. */
function convOnnx(opType: 'Conv' | 'ConvTranspose', node: NodeOf<'Conv'> | NodeOf<'ConvTranspose'>, dims: number[], fanIn: number): OnnxSketch[] {
  const a = node.attrs;
  const inputs: OnnxSketch['inputs'][number][] = [{ tensor: 0 }, { weight: { suffix: 'weight', dims, init: { he: fanIn } } }];
  if (a.bias) inputs.push({ weight: { suffix: 'bias', dims: [a.outChannels], init: 'zeros' } });
  const attributes: Record<string, OnnxSketch['attributes'][string]> = {
    kernel_shape: a.kernel,
    strides: a.strides,
    pads: a.pads,
    dilations: dilationsOf(a),
    group: a.group,
  };
  if (node.op === 'ConvTranspose' && node.attrs.outputPadding) attributes.output_padding = node.attrs.outputPadding;
  return [{ opType, inputs, attributes }];
}

const convWidth = {
  get: (a: ConvAttrs): number => a.outChannels,
  set: <A extends ConvAttrs>(a: A, channels: number): A => ({ ...a, outChannels: channels }),
};

export const CONV_OPS: Pick<OpTable, 'Conv' | 'ConvTranspose'> = {
  Conv: {
    family: 'conv',
    arity: [1, 1],
    shape: (node, [x]) => convShape(node.name, x, node.attrs),
    cost: convCost,
    sram: 'compute',
    onnx(node, graph) {
      const a = node.attrs;
      const cin = inputShape(graph, node)[1] as number;
      return convOnnx('Conv', node, [a.outChannels, cin / a.group, ...a.kernel], (cin / a.group) * product(a.kernel));
    },
    onnxImport: ['Conv'],
    dsl: CONV_DSL,
    kernelKind(node, graph) {
      if (isDepthwiseConv(node, graph)) return 'conv-depthwise';
      if (node.attrs.group > 1) return 'conv-grouped';
      return node.attrs.kernel.every((k) => k === 1) ? 'conv-pointwise' : 'conv';
    },
    fusable: false,
    width: convWidth,
    torch: 'nn.Conv1d/nn.Conv2d/nn.Conv3d',
  },
  ConvTranspose: {
    family: 'conv',
    arity: [1, 1],
    shape: (node, [x]) => convTransposeShape(node.name, x, node.attrs),
    cost: convTransposeCost,
    sram: 'compute',
    onnx(node, graph) {
      const a = node.attrs;
      const cin = inputShape(graph, node)[1] as number;
      // weight [C_in, C_out / group, k...]; PyTorch's fan-in of this layout is dim 1 x prod(kernel)
      return convOnnx('ConvTranspose', node, [cin, a.outChannels / a.group, ...a.kernel], (a.outChannels / a.group) * product(a.kernel));
    },
    onnxImport: ['ConvTranspose'],
    dsl: [...CONV_DSL, { key: 'op', prop: 'outputPadding', kind: 'ints', optional: true, expected: 'output padding like 1,1 (one per spatial axis, from 0 up to below the stride or dilation)' }],
    kernelKind: () => 'conv',
    fusable: false,
    width: convWidth,
    torch: 'nn.ConvTranspose1d/nn.ConvTranspose2d/nn.ConvTranspose3d',
  },
};

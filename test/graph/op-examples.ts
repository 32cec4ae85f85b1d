/**
 * One or more small graphs per op, with the op's output shape, MACs and params worked out by hand
 * from the counting rules (README "How costs are counted"; fvcore / ptflops for ConvTranspose). The
 * table is typed by OpType: an op added to OP_TYPES without an example here does not compile.
 * The conformance suite (op-conformance.test.ts) runs every example through shape inference, the
 * cost model, onnxruntime, export -> import, the DSL and the PyTorch interpreter.
 */
import { GraphBuilder } from '../../lib/graph/builder.js';
import type { Graph, NodeAttrs, OpType } from '../../lib/graph/types.js';

export interface OpExample {
  name: string;
  graph: Graph;
  /** The graph output's shape by hand. */
  output: readonly number[];
  /** Totals of the whole example graph by hand. */
  macs: number;
  params: number;
  /** The ops an import of the exported file gives, where the export is not one ONNX node per op. */
  importsAs?: readonly OpType[];
  /** Exported as several ONNX nodes the importer keeps apart (ONNX has no such op at our opsets): export -> import compares costs and shapes. */
  decomposed?: boolean;
  /** Attributes an ONNX file does not carry, with the reason (export -> import compares the rest). */
  notExported?: { attrs: readonly string[]; why: string };
}

/** A graph of one input and a chain built by `body`. */
function chain(name: string, input: readonly number[], body: (g: GraphBuilder, x: number) => number): Graph {
  const g = new GraphBuilder(name);
  const x = g.input('input', input);
  return g.finish([body(g, x)]);
}

/** One node of `op` on the input. */
function single<K extends OpType>(op: K, input: readonly number[], attrs: NodeAttrs[K]): Graph {
  return chain(op, input, (g, x) => g.add(op, [x], attrs));
}

const conv = (o: Partial<NodeAttrs['Conv']> & { outChannels: number; kernel: readonly number[] }): NodeAttrs['Conv'] => {
  const rank = o.kernel.length;
  return { strides: new Array<number>(rank).fill(1), pads: new Array<number>(2 * rank).fill(0), group: 1, bias: false, ...o };
};

/** The graph with node `reader` reading the stored weights of node `owner` (GraphNode.shares). */
function sharing(graph: Graph, reader: number, owner: number): Graph {
  const name = graph.nodes[owner]?.name as string;
  return { ...graph, nodes: graph.nodes.map((n, i) => (i === reader ? { ...n, shares: name } : n)) };
}

const unary = <K extends OpType>(op: K, attrs: NodeAttrs[K], shape: readonly number[] = [1, 3, 4, 5]): OpExample => ({
  name: `${op} on ${shape.join('x')}`,
  graph: single(op, shape, attrs),
  output: shape,
  macs: 0,
  params: 0,
});

export const OP_EXAMPLES: { readonly [K in OpType]: readonly OpExample[] } = {
  Conv: [
    {
      name: '2-D, dilation 2, group 2, bias',
      graph: single('Conv', [1, 4, 10, 10], conv({ outChannels: 6, kernel: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 2], group: 2, bias: true })),
      output: [1, 6, 10, 10], // (10 + 4 - 2*2 - 1) / 1 + 1
      macs: 6 * 10 * 10 * (4 / 2) * 9,
      params: 6 * 2 * 9 + 6,
    },
    {
      name: '1-D depthwise, stride 2',
      graph: single('Conv', [1, 8, 20], conv({ outChannels: 8, kernel: [3], strides: [2], pads: [1, 1], group: 8 })),
      output: [1, 8, 10], // floor((20 + 2 - 3) / 2) + 1
      macs: 8 * 10 * 1 * 3,
      params: 8 * 3,
    },
    {
      name: 'one conv applied twice (shared weights count once)',
      graph: sharing(
        chain('shared', [1, 4, 6, 6], (g, x) => {
          const c = conv({ outChannels: 4, kernel: [3, 3], pads: [1, 1, 1, 1], bias: true });
          return g.add('Conv', [g.add('Relu', [g.add('Conv', [x], c, 'block')], {})], c, 'block');
        }),
        2,
        0,
      ),
      output: [1, 4, 6, 6],
      macs: 2 * (4 * 36 * 4 * 9),
      params: 4 * 4 * 9 + 4,
    },
  ],
  ConvTranspose: [
    {
      name: '2-D, stride 2, pads 1, output padding 1, group 2, bias',
      graph: single('ConvTranspose', [1, 4, 5, 5], { ...conv({ outChannels: 6, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 2, bias: true }), outputPadding: [1, 1] }),
      output: [1, 6, 10, 10], // (5 - 1) * 2 - 1 - 1 + (3 - 1) + 1 + 1
      macs: 4 * 25 * (6 / 2) * 9, // in_elements x C_out / group x prod(kernel)
      params: 4 * (6 / 2) * 9 + 6,
    },
    {
      name: '1-D, k 4, stride 2',
      graph: single('ConvTranspose', [1, 3, 7], conv({ outChannels: 2, kernel: [4], strides: [2], pads: [1, 1] })),
      output: [1, 2, 14], // (7 - 1) * 2 - 2 + 3 + 1
      macs: 3 * 7 * 2 * 4,
      params: 3 * 2 * 4,
    },
  ],
  MaxPool: [
    { name: '2-D, ceil mode', graph: single('MaxPool', [1, 3, 7, 7], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true }), output: [1, 3, 4, 4], macs: 0, params: 0 },
    { name: '1-D', graph: single('MaxPool', [1, 4, 11], { kernel: [2], strides: [2], pads: [0, 0] }), output: [1, 4, 5], macs: 0, params: 0 },
  ],
  AveragePool: [
    { name: '2-D, pads not counted', graph: single('AveragePool', [1, 3, 8, 8], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: false }), output: [1, 3, 4, 4], macs: 0, params: 0 },
    { name: '1-D', graph: single('AveragePool', [1, 2, 9], { kernel: [3], strides: [3], pads: [0, 0], countIncludePad: true }), output: [1, 2, 3], macs: 0, params: 0 },
  ],
  GlobalAveragePool: [
    { name: '2-D', graph: single('GlobalAveragePool', [1, 5, 3, 4], {}), output: [1, 5, 1, 1], macs: 0, params: 0 },
    { name: '1-D', graph: single('GlobalAveragePool', [1, 5, 7], {}), output: [1, 5, 1], macs: 0, params: 0 },
  ],
  ReduceMean: [
    { name: 'last axis, keepdims 0', graph: single('ReduceMean', [1, 4, 6], { axes: [2], keepdims: false }), output: [1, 4], macs: 0, params: 0 },
    { name: 'channels, keepdims 1', graph: single('ReduceMean', [1, 4, 3, 3], { axes: [1], keepdims: true }), output: [1, 1, 3, 3], macs: 0, params: 0 },
  ],
  Resize: [
    { name: 'nearest x2', graph: single('Resize', [1, 3, 4, 5], { size: [8, 10], mode: 'nearest', coordinateMode: 'asymmetric', nearestMode: 'floor' }), output: [1, 3, 8, 10], macs: 0, params: 0 },
    { name: 'bilinear to 7x9', graph: single('Resize', [1, 2, 4, 5], { size: [7, 9], mode: 'linear', coordinateMode: 'pytorch_half_pixel' }), output: [1, 2, 7, 9], macs: 0, params: 0 },
    { name: 'bilinear, align corners', graph: single('Resize', [1, 2, 3, 3], { size: [6, 6], mode: 'linear', coordinateMode: 'align_corners' }), output: [1, 2, 6, 6], macs: 0, params: 0 },
  ],
  BatchNormalization: [
    { name: '2-D', graph: single('BatchNormalization', [1, 4, 5, 5], { epsilon: 1e-5 }), output: [1, 4, 5, 5], macs: 0, params: 2 * 4 },
    { name: '1-D', graph: single('BatchNormalization', [1, 6, 7], { epsilon: 1e-3 }), output: [1, 6, 7], macs: 0, params: 2 * 6 },
  ],
  LayerNormalization: [
    { name: 'last axis of [1, 6, 8]', graph: single('LayerNormalization', [1, 6, 8], { axis: 2, epsilon: 1e-6 }), output: [1, 6, 8], macs: 0, params: 2 * 8 },
    { name: 'axes 1.. of [1, 3, 4, 4]', graph: single('LayerNormalization', [1, 3, 4, 4], { axis: 1, epsilon: 1e-5 }), output: [1, 3, 4, 4], macs: 0, params: 2 * 48 },
  ],
  Relu: [unary('Relu', {})],
  Clip: [unary('Clip', { min: 0, max: 6 }), unary('Clip', { min: -1, max: Infinity })],
  LeakyRelu: [unary('LeakyRelu', { alpha: 0.1 })],
  PRelu: [
    { name: 'one slope per channel', graph: single('PRelu', [1, 3, 4, 4], { slope: [3, 1, 1] }), output: [1, 3, 4, 4], macs: 0, params: 3 },
    { name: 'one slope (a learned parameter, not a scalar of arithmetic)', graph: single('PRelu', [1, 3, 4, 4], { slope: [1] }), output: [1, 3, 4, 4], macs: 0, params: 1 },
  ],
  Elu: [unary('Elu', { alpha: 0.5 })],
  Sigmoid: [unary('Sigmoid', {})],
  Swish: [{ ...unary('Swish', {}), importsAs: ['Sigmoid', 'Mul'] }],
  HardSigmoid: [unary('HardSigmoid', { alpha: 1 / 6, beta: 0.5 })],
  HardSwish: [unary('HardSwish', {})],
  Tanh: [unary('Tanh', {})],
  Gelu: [
    { ...unary('Gelu', { approximate: 'none' }, [1, 6, 8]), decomposed: true },
    { ...unary('Gelu', { approximate: 'tanh' }, [1, 6, 8]), decomposed: true },
  ],
  Erf: [unary('Erf', {})],
  Sqrt: [
    {
      name: 'Sqrt of a sigmoid (non-negative input)',
      graph: chain('Sqrt', [1, 3, 4, 5], (g, x) => g.add('Sqrt', [g.add('Sigmoid', [x], {})], {})),
      output: [1, 3, 4, 5],
      macs: 0,
      params: 0,
    },
  ],
  Softmax: [unary('Softmax', { axis: 1 }), unary('Softmax', { axis: -1 }, [1, 6, 8])],
  LogSoftmax: [unary('LogSoftmax', { axis: 1 }), unary('LogSoftmax', { axis: -1 }, [1, 6, 8])],
  Dropout: [{ ...unary('Dropout', { ratio: 0.3 }), notExported: { attrs: ['ratio'], why: 'an inference export writes Dropout without its ratio (exports stay byte-identical); the trainer reads the Graph, which keeps it' } }],
  Add: [
    {
      name: 'two tensors, a squeeze-excite style broadcast',
      graph: chain('Add', [1, 3, 4, 4], (g, x) => g.add('Add', [x, g.add('GlobalAveragePool', [x], {})], {})),
      output: [1, 3, 4, 4],
      macs: 0,
      params: 0,
    },
    { name: 'a [3, 1, 1] bias (learned)', graph: single('Add', [1, 3, 4, 4], { weight: [3, 1, 1] }), output: [1, 3, 4, 4], macs: 0, params: 3 },
    { name: 'the 3 of a hard swish (a scalar, not a parameter)', graph: single('Add', [1, 3, 4, 4], { weight: [], scalar: 3 }), output: [1, 3, 4, 4], macs: 0, params: 0 },
  ],
  Sub: [
    { name: '1 - x', graph: single('Sub', [1, 3, 4, 4], { weight: [1], scalar: 1, constantFirst: true }), output: [1, 3, 4, 4], macs: 0, params: 0 },
    {
      name: 'x - mean(x) over the last axis',
      graph: chain('Sub', [1, 6, 8], (g, x) => g.add('Sub', [x, g.add('ReduceMean', [x], { axes: [2], keepdims: true })], {})),
      output: [1, 6, 8],
      macs: 0,
      params: 0,
    },
  ],
  Mul: [
    { name: 'a layer scale [8] (learned)', graph: single('Mul', [1, 6, 8], { weight: [8] }), output: [1, 6, 8], macs: 0, params: 8 },
    { name: 'the 1/6 of a hard swish', graph: single('Mul', [1, 3, 4, 4], { weight: [], scalar: 1 / 6 }), output: [1, 3, 4, 4], macs: 0, params: 0 },
  ],
  Div: [
    { name: 'x / 6', graph: single('Div', [1, 3, 4, 4], { weight: [], scalar: 6 }), output: [1, 3, 4, 4], macs: 0, params: 0 },
    {
      name: 'x / sqrt(mean(x^2) + 1)',
      graph: chain('Div', [1, 6, 8], (g, x) => {
        const sq = g.add('Pow', [x], { weight: [], scalar: 2 });
        const mean = g.add('ReduceMean', [sq], { axes: [2], keepdims: true });
        return g.add('Div', [x, g.add('Sqrt', [g.add('Add', [mean], { weight: [], scalar: 1 })], {})], {});
      }),
      output: [1, 6, 8],
      macs: 0,
      params: 0,
    },
  ],
  Pow: [{ name: 'x^2', graph: single('Pow', [1, 3, 4, 4], { weight: [], scalar: 2 }), output: [1, 3, 4, 4], macs: 0, params: 0 }],
  Gemm: [{ name: '[1, 12] -> 5, bias', graph: single('Gemm', [1, 12], { outFeatures: 5, bias: true }), output: [1, 5], macs: 12 * 5, params: 12 * 5 + 5 }],
  Linear: [
    { name: 'on NHWC positions, bias', graph: single('Linear', [1, 4, 6, 8], { outFeatures: 5, bias: true }), output: [1, 4, 6, 5], macs: 4 * 6 * 5 * 8, params: 8 * 5 + 5 },
    { name: 'over 22 tokens, no bias', graph: single('Linear', [1, 22, 16], { outFeatures: 4, bias: false }), output: [1, 22, 4], macs: 22 * 4 * 16, params: 16 * 4 },
  ],
  MatMul: [
    {
      name: 'x times its transpose, batched',
      graph: chain('MatMul', [1, 2, 3, 4], (g, x) => g.add('MatMul', [x, g.add('Transpose', [x], { perm: [0, 1, 3, 2] })], {})),
      output: [1, 2, 3, 3],
      macs: 2 * 3 * 3 * 4, // out_elements x K
      params: 0,
    },
  ],
  Flatten: [{ name: 'axis 1', graph: single('Flatten', [1, 3, 4, 4], { axis: 1 }), output: [1, 48], macs: 0, params: 0 }],
  Reshape: [{ name: 'channel groups for a shuffle', graph: single('Reshape', [1, 8, 2, 2], { shape: [1, 2, 4, 2, 2] }), output: [1, 2, 4, 2, 2], macs: 0, params: 0 }],
  Transpose: [{ name: 'NCHW -> NHWC', graph: single('Transpose', [1, 3, 4, 5], { perm: [0, 2, 3, 1] }), output: [1, 4, 5, 3], macs: 0, params: 0 }],
  Concat: [
    {
      name: 'x and relu(x) along channels',
      graph: chain('Concat', [1, 3, 4, 4], (g, x) => g.add('Concat', [x, g.add('Relu', [x], {})], { axis: 1 })),
      output: [1, 6, 4, 4],
      macs: 0,
      params: 0,
    },
  ],
  Slice: [
    { name: 'channels 2..6 (a chunk)', graph: single('Slice', [1, 8, 4, 4], { axes: [1], starts: [2], ends: [6], steps: [1] }), output: [1, 4, 4, 4], macs: 0, params: 0 },
    { name: 'every other column', graph: single('Slice', [1, 2, 4, 5], { axes: [3], starts: [0], ends: [5], steps: [2] }), output: [1, 2, 4, 3], macs: 0, params: 0 },
  ],
  Pad: [
    { name: 'zeros right and bottom, and top', graph: single('Pad', [1, 3, 4, 4], { pads: [0, 0, 1, 0, 0, 0, 1, 2], mode: 'constant', value: 0 }), output: [1, 3, 6, 6], macs: 0, params: 0 },
    { name: 'reflect', graph: single('Pad', [1, 3, 4, 4], { pads: [0, 0, 1, 1, 0, 0, 1, 1], mode: 'reflect', value: 0 }), output: [1, 3, 6, 6], macs: 0, params: 0 },
  ],
};

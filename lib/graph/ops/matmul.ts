/**
 * The matmul family: Gemm ([N, K] -> [N, out], a weight [out, K]), Linear (a weight [K, out] over
 * the last axis at any rank >= 2, as PyTorch's nn.Linear on [..., K]) and MatMul (two activations,
 * numpy matmul broadcasting of the batch axes).
 *
 * Counting (README "How costs are counted"): Gemm N x K x out MACs; Linear out_elements x K;
 * MatMul out_elements x K (K the shared axis). Gemm / Linear params K x out (+ out with a bias),
 * flash K x out bytes + 8 per output feature (int8 weights, int32 bias + scale); MatMul none.
 * All three are compute kernels for SRAM (input(s) + output) and 'gemm' for the latency features.
 */
import { InputError } from '../../errors.js';
import { checkCount, checkSize } from '../bounds.js';
import type { GemmAttrs } from '../types.js';
import { broadcast, expectMinRank, expectRank, inputShape, outputShape, product } from './common.js';
import type { AttrSpec, OpCost, OpSpec, OpTable, Shape } from './spec.js';

/** Weights K x out, checked (with the MACs) to stay exact counts. */
function checkLinear(name: string, a: GemmAttrs, features: number, outElements: number): void {
  checkSize(`${name}.outFeatures`, a.outFeatures);
  checkCount(`${name}.weights`, 'weights', features * a.outFeatures);
  checkCount(`${name}.macs`, 'MACs', outElements * features);
}

/** A dense layer of K inputs per output element. */
function denseCost(a: GemmAttrs, features: number, outElements: number): OpCost {
  const weights = features * a.outFeatures;
  return { macs: outElements * features, params: weights + (a.bias ? a.outFeatures : 0), flashBytes: weights + 8 * a.outFeatures };
}

const DENSE_DSL: readonly AttrSpec[] = [
  { key: 'cin', kind: 'count', optional: true, expected: 'the input features, a positive integer' },
  { key: 'out', prop: 'outFeatures', kind: 'count', expected: 'output features, a positive integer' },
  { key: 'bias', prop: 'bias', kind: 'bool', expected: 'bias, 0 or 1' },
];

/** LAMDA's width search scales the output features. */
const WIDTH = { get: (a: GemmAttrs) => a.outFeatures, set: (a: GemmAttrs, channels: number) => ({ ...a, outFeatures: channels }) };

/** The bias of Gemm / Linear: zeros, as PyTorch's exported classifiers start (and as the exporter always wrote). */
const bias = (out: number) => ({ weight: { suffix: 'bias', dims: [out], init: 'zeros' as const } });

const last = (s: Shape, back = 1): number => s[s.length - back] as number;

export const MATMUL_OPS: Pick<OpTable, 'Gemm' | 'Linear' | 'MatMul'> = {
  Gemm: {
    family: 'matmul',
    arity: [1, 1],
    shape(node, [x]) {
      const [n, features] = expectRank(node.name, 'input', x, 2) as [number, number];
      checkLinear(node.name, node.attrs, features, n * node.attrs.outFeatures);
      return [n, node.attrs.outFeatures];
    },
    cost: (node, graph) => denseCost(node.attrs, inputShape(graph, node)[1] as number, product(outputShape(graph, node))),
    sram: 'compute',
    onnx(node, graph) {
      const k = inputShape(graph, node)[1] as number;
      const out = node.attrs.outFeatures;
      const weight = { weight: { suffix: 'weight', dims: [out, k], init: { he: k } } };
      return [{ opType: 'Gemm', inputs: node.attrs.bias ? [{ tensor: 0 }, weight, bias(out)] : [{ tensor: 0 }, weight], attributes: { transB: 1 } }];
    },
    onnxImport: ['Gemm'],
    dsl: DENSE_DSL,
    kernelKind: () => 'gemm',
    fusable: false,
    width: WIDTH,
    torch: 'nn.Linear',
  },
  Linear: {
    family: 'matmul',
    arity: [1, 1],
    shape(node, [x]) {
      const shape = expectMinRank(node.name, 'input', x, 2);
      const out = [...shape.slice(0, -1), node.attrs.outFeatures];
      checkLinear(node.name, node.attrs, last(shape), product(shape.slice(0, -1)) * node.attrs.outFeatures);
      return out;
    },
    cost: (node, graph) => denseCost(node.attrs, last(inputShape(graph, node)), product(outputShape(graph, node))),
    sram: 'compute',
    // as torch.onnx writes nn.Linear on rank > 2: MatMul(x, W[K, out]), then Add(bias)
    onnx(node, graph) {
      const k = last(inputShape(graph, node));
      const out = node.attrs.outFeatures;
      const matmul = { opType: 'MatMul', inputs: [{ tensor: 0 }, { weight: { suffix: 'weight', dims: [k, out], init: { he: k } } }], attributes: {} };
      return node.attrs.bias ? [matmul, { opType: 'Add', inputs: [{ from: 0 }, bias(out)], attributes: {} }] : [matmul];
    },
    onnxImport: ['MatMul', 'Gemm'],
    dsl: DENSE_DSL.slice(1),
    kernelKind: () => 'gemm',
    fusable: false,
    width: WIDTH,
    torch: 'nn.Linear',
  },
  MatMul: {
    family: 'matmul',
    arity: [2, 2],
    shape(node, [a, b]) {
      const left = expectMinRank(node.name, 'inputs[0]', a, 2);
      const right = expectMinRank(node.name, 'inputs[1]', b, 2);
      const k = last(left);
      if (k !== last(right, 2)) {
        throw new InputError(`${node.name}.inputs`, [left, right], '[..., M, K] x [..., K, N] with the same K', `got K ${k} on the left and ${last(right, 2)} on the right`);
      }
      const batch = broadcast(node.name, [left.slice(0, -2), right.slice(0, -2)]);
      const out = [...batch, last(left, 2), last(right)];
      checkCount(`${node.name}.macs`, 'MACs', product(out) * k);
      return out;
    },
    cost: (node, graph) => ({ macs: product(outputShape(graph, node)) * last(inputShape(graph, node, 0)), params: 0, flashBytes: 0 }),
    sram: 'compute',
    onnx: () => [{ opType: 'MatMul', inputs: [{ tensor: 0 }, { tensor: 1 }], attributes: {} }],
    onnxImport: ['MatMul'],
    dsl: [],
    kernelKind: () => 'gemm',
    fusable: false,
    width: null,
    torch: 'torch.matmul',
  },
};

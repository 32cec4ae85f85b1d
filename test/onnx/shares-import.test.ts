/**
 * Shared stored tensors in ONNX files (issue 17 adversarial findings 5 and 7): a node is marked
 * `shares` only when every stored tensor it reads (weight, bias, BN vectors, a fused MatMul bias,
 * a constant operand) is read by one earlier node of the same op at the same inputs; any other
 * reuse (tied weights across ops, a bias read by two different layers, a Conv bias also read by
 * an Add) is refused in one line, never counted twice. Tiny models built inline; counts worked by
 * hand and the valid files run in onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { importModel } from '../../lib/onnx/import.js';
import { onnx, type ModelProto, type NodeProto } from '../../lib/onnx/proto.js';
import { thrownInputError } from '../helpers.js';
import { tinyModel } from './tiny-model.js';

const AT = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]) => ({ name, type: AT.INTS, ints: v });
const int = (name: string, i: number) => ({ name, type: AT.INT, i });
const REFUSED = 'reuse across ops or in part is not supported (it would be counted twice)';

const modelOf = (nodes: NodeProto[], inits: Record<string, number[]>, inputDims: number[] = [1, 3, 8, 8], opset = 14): ModelProto =>
  tinyModel(nodes, Object.entries(inits).map(([name, dims]) => ({ name, dims })), { inputDims, opset, fill: 0.5 });

const node = (name: string, opType: string, input: string[], output: string, attribute: NodeProto['attribute'] = []): NodeProto => ({ name, opType, input, output: [output], attribute });
const refusal = (model: ModelProto) => thrownInputError(() => importModel(model)).message;

/** onnxruntime loads and runs the model (the file is valid as written). */
async function runs(bytes: Uint8Array, dims: number[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(dims.reduce((p, d) => p * d, 1)), dims) });
  return [...out[session.outputNames[0]!]!.dims];
}

describe('a stored tensor read by nodes of different ops or in part is refused (finding 5)', () => {
  it('Gemm transB=1 and MatMul reading the same [10, 192] weight (tied_gemm_matmul)', () => {
    const m = modelOf([node('f', 'Flatten', ['x'], 'f'), node('g', 'Gemm', ['f', 'w'], 'a', [int('transB', 1)]), node('m', 'MatMul', ['a', 'w'], 'y')], { w: [10, 192] });
    expect(refusal(m)).toBe(`initializer "w": read by node "g" (Gemm) as input 1 and by node "m" (MatMul) as input 1: ${REFUSED}; allowed: one reader, or readers of one op reading all the same stored tensors at the same inputs (a module applied again)`);
  });

  it('a Conv and a ConvTranspose reading one weight (a tied autoencoder)', () => {
    const m = modelOf([node('enc', 'Conv', ['x', 'w'], 'a'), node('dec', 'ConvTranspose', ['a', 'w'], 'y')], { w: [4, 3, 3, 3] });
    expect(refusal(m)).toContain(`initializer "w": read by node "enc" (Conv) as input 1 and by node "dec" (ConvTranspose) as input 1: ${REFUSED}`);
  });

  it('a Mul constant that is also a Conv weight', () => {
    const m = modelOf([node('scale', 'Mul', ['x', 'w'], 'a'), node('c', 'Conv', ['a', 'w'], 'y')], { w: [1, 3, 1, 1] });
    expect(refusal(m)).toContain(`initializer "w": read by node "scale" (Mul) as input 1 and by node "c" (Conv) as input 1: ${REFUSED}`);
  });

  it('a PRelu slope also read by a Mul', () => {
    const m = modelOf([node('p', 'PRelu', ['x', 's'], 'a'), node('m', 'Mul', ['a', 's'], 'y')], { s: [3, 1, 1] });
    expect(refusal(m)).toContain(`initializer "s": read by node "p" (PRelu) as input 1 and by node "m" (Mul) as input 1: ${REFUSED}`);
  });

  it('a BN scale also read by an Add, and a LayerNorm scale also read by a Mul', () => {
    const bn = modelOf([node('add', 'Add', ['x', 's'], 'a'), node('bn', 'BatchNormalization', ['a', 's', 'b', 'm', 'v'], 'y')], { s: [3], b: [3], m: [3], v: [3] }, [1, 3, 4, 3]);
    expect(refusal(bn)).toContain(`initializer "s": read by node "add" (Add) as input 1 and by node "bn" (BatchNormalization) as input 1: ${REFUSED}`);
    const ln = modelOf([node('ln', 'LayerNormalization', ['x', 's'], 'a', [int('axis', -1)]), node('m', 'Mul', ['a', 's'], 'y')], { s: [3] }, [1, 3, 4, 3], 17);
    expect(refusal(ln)).toContain(`initializer "s": read by node "ln" (LayerNormalization) as input 1 and by node "m" (Mul) as input 1: ${REFUSED}`);
  });

  it('a Conv that reads only part of an earlier Conv\'s stored tensors (its weight, not its bias)', () => {
    const m = modelOf([node('c1', 'Conv', ['x', 'w', 'b'], 'a'), node('c2', 'Conv', ['a', 'w'], 'y')], { w: [3, 3, 1, 1], b: [3] });
    expect(refusal(m)).toContain(`initializer "w": read by node "c1" (Conv) as input 1 and by node "c2" (Conv) as input 1: ${REFUSED}`);
  });

  it('Gemm transB=1 and Gemm transB=0 reading one [10, 192] weight: the same op, but not the same weight dims', () => {
    const m = modelOf([node('f', 'Flatten', ['x'], 'f'), node('g1', 'Gemm', ['f', 'w'], 'a', [int('transB', 1)]), node('g2', 'Gemm', ['a', 'w'], 'y')], { w: [10, 192] });
    expect(refusal(m)).toMatch(/^"g2\.gemm_2"\.shares: got "g1\.gemm_1" whose weights are weight \[10, 192\]; allowed: the name of an earlier Gemm node that owns weights with the same dims weight \[192, 10\]/);
  });
});

describe('stored tensors other than input 1 count once or are refused (finding 7)', () => {
  it('one bias read by two MatMul + Add layers whose weights differ (mm_bias_shared) is refused naming the bias and both layers', () => {
    const m = modelOf(
      [node('f', 'Flatten', ['x'], 'f'), node('m1', 'MatMul', ['f', 'w1'], 'p1'), node('a1', 'Add', ['p1', 'b'], 'h'), node('m2', 'MatMul', ['h', 'w2'], 'p2'), node('a2', 'Add', ['p2', 'b'], 'y')],
      { w1: [192, 10], w2: [10, 10], b: [10] },
    );
    expect(refusal(m)).toContain(`initializer "b": read by node "m1" (MatMul) as bias (node "a1" (Add) input 1) and by node "m2" (MatMul) as bias (node "a2" (Add) input 1): ${REFUSED}`);
  });

  it('a Conv bias also read by an Add (share_bias_as_add) is refused', () => {
    const m = modelOf([node('c', 'Conv', ['x', 'w', 'b'], 'a'), node('add', 'Add', ['a', 'b'], 'y')], { w: [3, 3, 1, 1], b: [3] }, [1, 3, 3, 3]);
    expect(refusal(m)).toContain(`initializer "b": read by node "c" (Conv) as input 2 and by node "add" (Add) as input 1: ${REFUSED}`);
  });
});

describe('one module applied again is counted once', () => {
  it('a Conv with bias applied twice: params 84 once (3x3x3x3 + 3), MACs twice (2 x 5,184); the export runs in onnxruntime', async () => {
    const conv = (name: string, x: string, y: string) => node(name, 'Conv', [x, 'w', 'b'], y, [ints('pads', [1, 1, 1, 1])]);
    const g = importModel(modelOf([conv('c1', 'x', 'a'), conv('c2', 'a', 'y')], { w: [3, 3, 3, 3], b: [3] }));
    expect(g.nodes.map((n) => n.shares)).toEqual([undefined, g.nodes[0]!.name]);
    const r = estimateCosts(g);
    expect([r.macs, r.params]).toEqual([2 * 3 * 8 * 8 * 27, 84]);
    expect(r.layers[1]).toMatchObject({ params: 84, sharedWith: g.nodes[0]!.name });
    expect(await runs(exportOnnx(g), [1, 3, 8, 8])).toEqual([1, 3, 8, 8]);
  });

  it('a MatMul + Add layer applied twice (same weight and bias): its 110 params count once (1,920 + 10 + 100 + 10 = 2,040)', async () => {
    const m = modelOf(
      [
        node('f', 'Flatten', ['x'], 'f'),
        node('m1', 'MatMul', ['f', 'w1'], 'p1'),
        node('a1', 'Add', ['p1', 'b1'], 'h1'),
        node('m2', 'MatMul', ['h1', 'w'], 'p2'),
        node('a2', 'Add', ['p2', 'b'], 'h2'),
        node('m3', 'MatMul', ['h2', 'w'], 'p3'),
        node('a3', 'Add', ['p3', 'b'], 'y'),
      ],
      { w1: [192, 10], b1: [10], w: [10, 10], b: [10] },
    );
    const g = importModel(m);
    expect(g.nodes.map((n) => n.shares)).toEqual([undefined, undefined, undefined, g.nodes[2]!.name]);
    const r = estimateCosts(g);
    expect([r.macs, r.params]).toEqual([1920 + 100 + 100, 2040]);
    expect(await runs(exportOnnx(g), [1, 3, 8, 8])).toEqual([1, 10]);
  });

  it('two BatchNormalizations reading the same four vectors share; one reading a vector twice owns it', () => {
    const twice = modelOf([node('bn1', 'BatchNormalization', ['x', 's', 'b', 'm', 'v'], 'a'), node('bn2', 'BatchNormalization', ['a', 's', 'b', 'm', 'v'], 'y')], { s: [3], b: [3], m: [3], v: [3] });
    const g = importModel(twice);
    expect(g.nodes[1]!.shares).toBe(g.nodes[0]!.name);
    expect(estimateCosts(g).params).toBe(6);
    const self = importModel(modelOf([node('bn', 'BatchNormalization', ['x', 's', 'b', 's', 'b'], 'y')], { s: [3], b: [3] }));
    expect(self.nodes[0]!.shares).toBeUndefined();
    expect(estimateCosts(self).params).toBe(6);
  });

  it('one-element constants read by many nodes are arithmetic, not shared weights', () => {
    const g = importModel(modelOf([node('m1', 'Mul', ['x', 'k'], 'a'), node('m2', 'Mul', ['a', 'k'], 'y')], { k: [] }));
    expect(g.nodes.map((n) => n.shares)).toEqual([undefined, undefined]);
    expect(estimateCosts(g).params).toBe(0);
  });
});

describe('stored tensors read through an Identity (PyTorch writes one for a tied weight, and for values it deduplicated)', () => {
  // A Linear on tokens applied twice, as torch 1.13 writes it: the second MatMul reads the [K, N]
  // weight through an Identity, both Adds read the one bias. PyTorch's parameters(): 16x32 + 32.
  const tied = tinyModel(
    [
      node('id', 'Identity', ['w'], 'w2'),
      node('mm1', 'MatMul', ['x', 'w'], 'h1'),
      node('add1', 'Add', ['b', 'h1'], 'y1'),
      node('relu', 'Relu', ['y1'], 'r'),
      node('mm2', 'MatMul', ['r', 'w2'], 'h2'),
      node('add2', 'Add', ['b', 'h2'], 'y'),
    ],
    [{ name: 'w', dims: [32, 32], floats: Array.from({ length: 32 * 32 }, (_, i) => Math.sin(i)) }, { name: 'b', dims: [32] }],
    { inputDims: [1, 16, 32] },
  );
  it('a Linear applied twice through an Identity shares: its weight and bias count once', () => {
    const graph = importModel(tied);
    expect(graph.nodes.map((n) => [n.op, n.shares !== undefined])).toEqual([['Linear', false], ['Relu', false], ['Linear', true]]);
    const cost = estimateCosts(graph);
    expect({ macs: cost.macs, params: cost.params }).toEqual({ macs: 2 * 16 * 32 * 32, params: 32 * 32 + 32 });
  });

  // Two 1x1 convs whose zero biases the exporter merged into one initializer (the second read
  // through an Identity): two parameters in PyTorch, different weights, so no sharing.
  const deduplicated = modelOf(
    [
      node('id', 'Identity', ['b1'], 'b2'),
      node('c1', 'Conv', ['x', 'w1', 'b1'], 'h', [ints('kernel_shape', [1, 1])]),
      node('c2', 'Conv', ['h', 'w2', 'b2'], 'y', [ints('kernel_shape', [1, 1])]),
    ],
    { w1: [3, 3, 1, 1], w2: [3, 3, 1, 1], b1: [3] },
  );
  it('values deduplicated by the exporter (an Identity read by a layer with other weights) count as two parameters', () => {
    const graph = importModel(deduplicated);
    expect(graph.nodes.map((n) => n.shares)).toEqual([undefined, undefined]);
    expect(estimateCosts(graph).params).toBe(2 * (9 + 3));
  });

  // Two LayerNorms (opset 17) as PyTorch writes fresh ones: the second's ones and zeros merged by
  // value into the first's, read through Identities. Two modules in PyTorch: 2 x (2 x 16) params.
  const twoNorms = tinyModel(
    [
      node('ids', 'Identity', ['s'], 's2'),
      node('idb', 'Identity', ['b'], 'b2'),
      node('ln1', 'LayerNormalization', ['x', 's', 'b'], 'h', [int('axis', -1)]),
      node('ln2', 'LayerNormalization', ['h', 's2', 'b2'], 'y', [int('axis', -1)]),
    ],
    [{ name: 's', dims: [16], floats: new Array<number>(16).fill(1) }, { name: 'b', dims: [16] }],
    { inputDims: [1, 4, 16], opset: 17 },
  );
  it('fresh parameters merged by value (all ones, all zeros) stay two parameters: two LayerNorms count twice', () => {
    const graph = importModel(twoNorms);
    expect(graph.nodes.map((n) => [n.op, n.shares])).toEqual([['LayerNormalization', undefined], ['LayerNormalization', undefined]]);
    expect(estimateCosts(graph).params).toBe(2 * 2 * 16);
  });
});

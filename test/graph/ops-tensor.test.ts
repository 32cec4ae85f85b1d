/**
 * The activation, elementwise, matmul and shape op descriptors on their own: shapes, costs and
 * errors worked out by hand from the counting rules (README "How costs are counted"), the ONNX
 * sketches (the Gelu forms evaluated numerically), DSL keys and latency kinds.
 */
import { describe, expect, it } from 'vitest';
import { InputError, showName } from '../../lib/errors.js';
import { ACTIVATION_OPS } from '../../lib/graph/ops/activation.js';
import { ELEMENTWISE_OPS } from '../../lib/graph/ops/elementwise.js';
import { MATMUL_OPS } from '../../lib/graph/ops/matmul.js';
import { SHAPE_OPS } from '../../lib/graph/ops/shape.js';
import type { NodeOf, OnnxSketch, OpCost, OpSpec, OpTable } from '../../lib/graph/ops/spec.js';
import type { Graph, NodeAttrs, OpType } from '../../lib/graph/types.js';

type TensorOp = keyof typeof ACTIVATION_OPS | keyof typeof ELEMENTWISE_OPS | keyof typeof MATMUL_OPS | keyof typeof SHAPE_OPS;
const TABLE = { ...ACTIVATION_OPS, ...ELEMENTWISE_OPS, ...MATMUL_OPS, ...SHAPE_OPS } as Pick<OpTable, TensorOp>;
const spec = <K extends TensorOp>(op: K): OpSpec<K> => TABLE[op] as unknown as OpSpec<K>;

/** The output shape of one node named n on these inputs (its name shown as inferOutputShape shows it: "n"). */
function shapeOf<K extends TensorOp>(op: K, attrs: NodeAttrs[K], ...inputs: number[][]): readonly number[] {
  return spec(op).shape({ name: showName('n'), op, attrs }, inputs);
}

/** A one-node graph (inputs, the node, its inferred output) for the graph-reading facets. */
function oneNode<K extends TensorOp>(op: K, attrs: NodeAttrs[K], ...inputs: number[][]): { graph: Graph; node: NodeOf<K> } {
  const out = spec(op).shape({ name: 'n', op, attrs }, inputs);
  const shapes = [...inputs, out];
  const tensors = shapes.map((shape, i) => ({ name: `t${i}`, shape, elements: shape.reduce((p, d) => p * d, 1) }));
  const node = { name: 'n', op, attrs, inputs: inputs.map((_, i) => i), outputs: [inputs.length], block: '' } as unknown as NodeOf<K>;
  return { graph: { name: 'g', inputs: inputs.map((_, i) => i), outputs: [inputs.length], tensors, nodes: [node] as Graph['nodes'] }, node };
}

function costOf<K extends TensorOp>(op: K, attrs: NodeAttrs[K], ...inputs: number[][]): OpCost {
  const { graph, node } = oneNode(op, attrs, ...inputs);
  return spec(op).cost(node, graph);
}

function sketchesOf<K extends TensorOp>(op: K, attrs: NodeAttrs[K], ...inputs: number[][]): readonly OnnxSketch[] {
  const { graph, node } = oneNode(op, attrs, ...inputs);
  return spec(op).onnx(node, graph);
}

/** The message of the InputError `fn` throws (fails when it throws anything else or nothing). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

/** Runs the sketches of a unary op on one number: a tiny interpreter of the ONNX ops they use. */
function runSketches(sketches: readonly OnnxSketch[], x: number): number {
  const values: number[] = [];
  const read = (input: OnnxSketch['inputs'][number]): number => {
    if (input === '') throw new Error('absent input');
    if ('tensor' in input) return x;
    if ('from' in input) return values[input.from] as number;
    const init = input.weight.init;
    if (typeof init === 'object' && 'value' in init) return init.value;
    throw new Error(`not a fixed value: ${JSON.stringify(init)}`);
  };
  const ops: Record<string, (a: number[]) => number> = {
    Div: ([a, b]) => (a as number) / (b as number),
    Mul: ([a, b]) => (a as number) * (b as number),
    Add: ([a, b]) => (a as number) + (b as number),
    Pow: ([a, b]) => (a as number) ** (b as number),
    Erf: ([a]) => erf(a as number),
    Tanh: ([a]) => Math.tanh(a as number),
    Sigmoid: ([a]) => 1 / (1 + Math.exp(-(a as number))),
  };
  for (const s of sketches) values.push((ops[s.opType] as (a: number[]) => number)(s.inputs.map(read)));
  return values[values.length - 1] as number;
}

describe('matmul family: shapes and counts by hand', () => {
  it('Linear on [1, 22, 64] -> 256 with bias: 22*256*64 MACs, 64*256 + 256 params', () => {
    expect(shapeOf('Linear', { outFeatures: 256, bias: true }, [1, 22, 64])).toEqual([1, 22, 256]);
    expect(costOf('Linear', { outFeatures: 256, bias: true }, [1, 22, 64])).toEqual({ macs: 360_448, params: 16_640, flashBytes: 64 * 256 + 8 * 256 });
    expect(costOf('Linear', { outFeatures: 5, bias: false }, [1, 4, 6, 8])).toEqual({ macs: 4 * 6 * 5 * 8, params: 40, flashBytes: 40 + 8 * 5 });
    expect(errorOf(() => shapeOf('Linear', { outFeatures: 5, bias: true }, [7]))).toBe('"n".input: got shape [7]; allowed: a tensor of rank 2 or more');
  });
  it('Gemm [1, 64] -> 10: N x K x out MACs, weight + bias params, as before', () => {
    expect(shapeOf('Gemm', { outFeatures: 10, bias: true }, [1, 64])).toEqual([1, 10]);
    expect(costOf('Gemm', { outFeatures: 10, bias: true }, [1, 64])).toEqual({ macs: 640, params: 650, flashBytes: 640 + 80 });
    expect(costOf('Gemm', { outFeatures: 10, bias: false }, [3, 64])).toEqual({ macs: 3 * 640, params: 640, flashBytes: 720 });
    expect(errorOf(() => shapeOf('Gemm', { outFeatures: 10, bias: true }, [1, 4, 16]))).toMatch(/^"n"\.input: .*allowed: a tensor of rank 2$/);
    expect(errorOf(() => shapeOf('Gemm', { outFeatures: 0, bias: true }, [1, 4]))).toMatch(/^"n"\.outFeatures: got 0; allowed: a positive integer/);
  });
  it('batched MatMul [1, 4, 22, 16] x [1, 4, 16, 22]: out [1, 4, 22, 22], out_elements x K MACs, no params', () => {
    expect(shapeOf('MatMul', {}, [1, 4, 22, 16], [1, 4, 16, 22])).toEqual([1, 4, 22, 22]);
    expect(costOf('MatMul', {}, [1, 4, 22, 16], [1, 4, 16, 22])).toEqual({ macs: 1 * 4 * 22 * 22 * 16, params: 0, flashBytes: 0 });
    // numpy batch broadcasting: [2, 1] with [5] -> [2, 5]
    expect(shapeOf('MatMul', {}, [2, 1, 3, 4], [5, 4, 6])).toEqual([2, 5, 3, 6]);
    expect(costOf('MatMul', {}, [2, 1, 3, 4], [5, 4, 6]).macs).toBe(2 * 5 * 3 * 6 * 4);
    expect(errorOf(() => shapeOf('MatMul', {}, [1, 3, 4], [1, 5, 6]))).toMatch(/^"n"\.inputs: got K 4 on the left and 5 on the right; allowed: \[\.\.\., M, K\] x \[\.\.\., K, N\] with the same K$/);
    expect(errorOf(() => shapeOf('MatMul', {}, [2, 3, 4], [3, 4, 6]))).toMatch(/^"n"\.inputs: .*broadcastable/);
  });
  it('Gemm and Linear scale their output features (LAMDA width); MatMul has none', () => {
    const width = MATMUL_OPS.Gemm.width;
    expect(width?.get({ outFeatures: 10, bias: true })).toBe(10);
    expect(width?.set({ outFeatures: 10, bias: true }, 4)).toEqual({ outFeatures: 4, bias: true });
    expect(MATMUL_OPS.Linear.width?.get({ outFeatures: 7, bias: false })).toBe(7);
    expect(MATMUL_OPS.MatMul.width).toBeNull();
  });
});

describe('elementwise family: constants and broadcasting', () => {
  it('a one-element constant is arithmetic (0 params); a larger one is learned', () => {
    expect(costOf('Mul', { weight: [], scalar: 1 / 6 }, [1, 3, 4, 4])).toEqual({ macs: 0, params: 0, flashBytes: 0 });
    expect(costOf('Mul', { weight: [1] }, [1, 3, 4, 4])).toEqual({ macs: 0, params: 0, flashBytes: 0 });
    expect(costOf('Mul', { weight: [64, 1, 1] }, [1, 64, 8, 8])).toEqual({ macs: 0, params: 64, flashBytes: 64 });
    expect(costOf('Add', { weight: [1, 8] }, [1, 6, 8])).toEqual({ macs: 0, params: 8, flashBytes: 8 });
    expect(costOf('Add', {}, [1, 3, 4, 4], [1, 3, 1, 1])).toEqual({ macs: 0, params: 0, flashBytes: 0 });
  });
  it('two tensors broadcast (numpy rules, ranks may differ); one tensor keeps its shape', () => {
    expect(shapeOf('Mul', {}, [1, 16, 4, 4], [1, 16, 1, 1])).toEqual([1, 16, 4, 4]);
    expect(shapeOf('Sub', {}, [1, 6, 8], [8])).toEqual([1, 6, 8]);
    expect(shapeOf('Add', {}, [1, 6, 1], [1, 1, 8])).toEqual([1, 6, 8]);
    expect(shapeOf('Div', { weight: [], scalar: 6 }, [1, 3, 4, 4])).toEqual([1, 3, 4, 4]);
    expect(shapeOf('Pow', { weight: [1], scalar: 2 }, [1, 3])).toEqual([1, 3]);
  });
  it('refuses what cannot be computed, with one line naming node.attribute', () => {
    expect(errorOf(() => shapeOf('Add', {}, [1, 16, 4, 4], [1, 8, 4, 4]))).toMatch(/^"n"\.inputs: .*allowed: inputs of broadcastable shapes/);
    // today's message for a constant that would grow the input
    expect(errorOf(() => shapeOf('Mul', { weight: [2, 16, 1, 1] }, [1, 16, 4, 4]))).toBe('"n".weight: got [2,16,1,1]; allowed: a constant shape that broadcasts onto 1x16x4x4 (each trailing dimension equal or 1)');
    expect(errorOf(() => shapeOf('Mul', { weight: [0] }, [1, 4]))).toMatch(/^"n"\.weight: is a zero-size tensor: dimension 0 of \[0\] is 0; allowed: dimensions that are integers >= 1/);
    expect(errorOf(() => shapeOf('Sub', {}, [1, 4]))).toMatch(/^"n"\.weight: .*allowed: a constant operand shape .* when the op has one tensor input$/);
    expect(errorOf(() => shapeOf('Add', { weight: [4] }, [1, 4], [1, 4]))).toMatch(/^"n"\.weight: got \[4\]; allowed: no constant operand when the op has two tensor inputs$/);
    expect(errorOf(() => shapeOf('Mul', { weight: [4], scalar: 2 }, [1, 4]))).toMatch(/^"n"\.scalar: got 2; allowed: no value: the constant \[4\] has more than one element/);
    expect(errorOf(() => shapeOf('Mul', { weight: [], scalar: Number.NaN }, [1, 4]))).toMatch(/^"n"\.scalar: got NaN; allowed: a number \(inf and -inf allowed, NaN not\)$/);
  });
  it('ONNX: a scalar writes its value, a larger constant is drawn (Add normal 0.1, Mul uniform), constantFirst on the left', () => {
    expect(sketchesOf('Add', { weight: [], scalar: 3 }, [1, 3, 4, 4])).toEqual([
      { opType: 'Add', inputs: [{ tensor: 0 }, { weight: { suffix: 'weight', dims: [], init: { value: 3 } } }], attributes: {} },
    ]);
    expect(sketchesOf('Add', { weight: [3, 1, 1] }, [1, 3, 4, 4])[0]?.inputs[1]).toEqual({ weight: { suffix: 'weight', dims: [3, 1, 1], init: { gaussian: 0.1 } } });
    expect(sketchesOf('Mul', { weight: [3, 1, 1] }, [1, 3, 4, 4])[0]?.inputs[1]).toEqual({ weight: { suffix: 'weight', dims: [3, 1, 1], init: 'uniform' } });
    expect(sketchesOf('Sub', { weight: [1], scalar: 1, constantFirst: true }, [1, 3])[0]?.inputs).toEqual([{ weight: { suffix: 'weight', dims: [1], init: { value: 1 } } }, { tensor: 0 }]);
    expect(sketchesOf('Div', {}, [1, 3], [1, 1])).toEqual([{ opType: 'Div', inputs: [{ tensor: 0 }, { tensor: 1 }], attributes: {} }]);
  });
});

describe('activation family', () => {
  it('same shape out; only PRelu stores weights (its slope, even one element)', () => {
    for (const op of ['Relu', 'Sigmoid', 'Swish', 'HardSwish', 'Tanh', 'Erf', 'Sqrt'] as const) {
      expect(shapeOf(op, {}, [1, 3, 4, 5]), op).toEqual([1, 3, 4, 5]);
      expect(costOf(op, {}, [1, 3, 4, 5]), op).toEqual({ macs: 0, params: 0, flashBytes: 0 });
    }
    expect(costOf('PRelu', { slope: [1] }, [1, 3, 4, 4])).toEqual({ macs: 0, params: 1, flashBytes: 1 });
    expect(costOf('PRelu', { slope: [3, 1, 1] }, [1, 3, 4, 4])).toEqual({ macs: 0, params: 3, flashBytes: 3 });
    expect(shapeOf('Softmax', { axis: -1 }, [1, 6, 8])).toEqual([1, 6, 8]);
    expect(shapeOf('Gelu', { approximate: 'tanh' }, [1, 6, 8])).toEqual([1, 6, 8]);
  });
  it('float checks keep their messages (Clip min <= max, finite alpha, Dropout ratio in [0, 1))', () => {
    expect(errorOf(() => shapeOf('Clip', { min: 6, max: 0 }, [1, 4]))).toBe('"n".min: got 6; allowed: a lower bound at most the upper bound 0');
    expect(shapeOf('Clip', { min: -Infinity, max: Infinity }, [1, 4])).toEqual([1, 4]);
    expect(errorOf(() => shapeOf('Clip', { min: Number.NaN, max: 1 }, [1, 4]))).toBe('"n".min: got NaN; allowed: a number (inf and -inf allowed, NaN not)');
    expect(errorOf(() => shapeOf('LeakyRelu', { alpha: -Infinity }, [1, 4]))).toBe('"n".alpha: got -Infinity; allowed: a finite number');
    expect(errorOf(() => shapeOf('HardSigmoid', { alpha: 0.2, beta: Number.NaN }, [1, 4]))).toBe('"n".beta: got NaN; allowed: a finite number');
    expect(errorOf(() => shapeOf('Dropout', { ratio: 1 }, [1, 4]))).toBe('"n".ratio: got 1; allowed: a finite number at least 0 and below 1');
    expect(errorOf(() => shapeOf('Elu', { alpha: Infinity }, [1, 4]))).toBe('"n".alpha: got Infinity; allowed: a finite number');
  });
  it('refuses a slope that does not broadcast, an unknown Gelu form, a Softmax axis out of range', () => {
    expect(errorOf(() => shapeOf('PRelu', { slope: [4, 1, 1] }, [1, 3, 4, 4]))).toBe('"n".slope: got [4,1,1]; allowed: a slope shape that broadcasts onto 1x3x4x4 (each trailing dimension equal or 1)');
    expect(errorOf(() => shapeOf('Gelu', { approximate: 'fast' as 'none' }, [1, 4]))).toBe('"n".approximate: got "fast"; allowed: one of none, tanh');
    expect(errorOf(() => shapeOf('Softmax', { axis: 3 }, [1, 6, 8]))).toBe('"n".axis: got 3; allowed: an integer from -3 to 2');
  });
  it('ONNX: Clip bounds as scalar inputs, Swish as Sigmoid + Mul, alpha / beta floats, PRelu slope at 0.25', () => {
    expect(sketchesOf('Clip', { min: 0, max: 6 }, [1, 4])).toEqual([
      { opType: 'Clip', inputs: [{ tensor: 0 }, { weight: { suffix: 'min', dims: [], init: { value: 0 } } }, { weight: { suffix: 'max', dims: [], init: { value: 6 } } }], attributes: {} },
    ]);
    expect(sketchesOf('Swish', {}, [1, 4])).toEqual([
      { opType: 'Sigmoid', name: 'sigmoid', output: 'gate', inputs: [{ tensor: 0 }], attributes: {} },
      { opType: 'Mul', inputs: [{ tensor: 0 }, { from: 0 }], attributes: {} },
    ]);
    expect(runSketches(sketchesOf('Swish', {}, [1, 4]), 2)).toBeCloseTo(2 / (1 + Math.exp(-2)), 12);
    expect(sketchesOf('HardSigmoid', { alpha: 0.2, beta: 0.5 }, [1, 4])[0]?.attributes).toEqual({ alpha: { float: 0.2 }, beta: { float: 0.5 } });
    expect(sketchesOf('LeakyRelu', { alpha: 0.1 }, [1, 4])[0]?.attributes).toEqual({ alpha: { float: 0.1 } });
    expect(sketchesOf('Softmax', { axis: -1 }, [1, 4])[0]?.attributes).toEqual({ axis: -1 });
    expect(sketchesOf('PRelu', { slope: [3, 1, 1] }, [1, 3, 4, 4])[0]?.inputs[1]).toEqual({ weight: { suffix: 'slope', dims: [3, 1, 1], init: { value: 0.25 } } });
    expect(sketchesOf('Dropout', { ratio: 0.3 }, [1, 4])).toEqual([{ opType: 'Dropout', inputs: [{ tensor: 0 }], attributes: {} }]);
  });
  it('ONNX Gelu (no Gelu op below opset 20): the erf and tanh forms compute GELU', () => {
    const exact = sketchesOf('Gelu', { approximate: 'none' }, [1, 4]);
    expect(exact.map((s) => s.opType)).toEqual(['Div', 'Erf', 'Add', 'Mul', 'Mul']);
    // GELU(x) = x * Phi(x): Phi(1) = 0.8413447460685429, Phi(-0.5) = 0.3085375387259869
    expect(runSketches(exact, 1)).toBeCloseTo(0.8413447460685429, 6);
    expect(runSketches(exact, -0.5)).toBeCloseTo(-0.5 * 0.3085375387259869, 6);
    const tanh = sketchesOf('Gelu', { approximate: 'tanh' }, [1, 4]);
    // PyTorch F.gelu(torch.tensor(1.), approximate='tanh') = 0.8411920070648193 (float32)
    expect(runSketches(tanh, 1)).toBeCloseTo(0.841192, 6);
    expect(runSketches(tanh, -0.5)).toBeCloseTo(-0.5 * 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (-0.5 - 0.044715 * 0.125))), 12);
  });
});

describe('shape family', () => {
  it('the ShuffleNet channel shuffle: Reshape [1, 8, 8, 8] -> [1, 2, 4, 8, 8], Transpose 0,2,1,3,4, Reshape back', () => {
    const grouped = shapeOf('Reshape', { shape: [1, 2, 4, 8, 8] }, [1, 8, 8, 8]);
    expect(grouped).toEqual([1, 2, 4, 8, 8]);
    const swapped = shapeOf('Transpose', { perm: [0, 2, 1, 3, 4] }, [...grouped]);
    expect(swapped).toEqual([1, 4, 2, 8, 8]);
    expect(shapeOf('Reshape', { shape: [1, 8, 8, 8] }, [...swapped])).toEqual([1, 8, 8, 8]);
    expect(shapeOf('Transpose', { perm: [0, 2, 3, 1] }, [1, 3, 4, 5])).toEqual([1, 4, 5, 3]);
    for (const op of ['Reshape', 'Transpose'] as const) expect(SHAPE_OPS[op].onnxImport.length).toBeGreaterThan(0);
    expect(costOf('Transpose', { perm: [0, 2, 1, 3, 4] }, [1, 2, 4, 8, 8])).toEqual({ macs: 0, params: 0, flashBytes: 0 });
  });
  it('Slice of channels 0..4 of [1, 8, 8, 8]; steps round up; Pad adds begins and ends', () => {
    expect(shapeOf('Slice', { axes: [1], starts: [0], ends: [4], steps: [1] }, [1, 8, 8, 8])).toEqual([1, 4, 8, 8]);
    expect(shapeOf('Slice', { axes: [-1, 2], starts: [0, 1], ends: [5, 3], steps: [2, 1] }, [1, 2, 4, 5])).toEqual([1, 2, 2, 3]);
    expect(shapeOf('Pad', { pads: [0, 0, 1, 0, 0, 0, 1, 2], mode: 'constant', value: 0 }, [1, 3, 4, 4])).toEqual([1, 3, 6, 6]);
    expect(shapeOf('Pad', { pads: [0, 0, 3, 3, 0, 0, 3, 3], mode: 'reflect', value: 0 }, [1, 3, 4, 4])).toEqual([1, 3, 10, 10]);
    expect(shapeOf('Pad', { pads: [0, 5, 0, 0, 0, 0], mode: 'edge', value: 0 }, [1, 3, 4])).toEqual([1, 8, 4]);
  });
  it('Flatten and Concat as before', () => {
    expect(shapeOf('Flatten', { axis: 1 }, [1, 16, 2, 2])).toEqual([1, 64]);
    expect(shapeOf('Flatten', { axis: 0 }, [2, 3])).toEqual([1, 6]);
    expect(shapeOf('Concat', { axis: -3 }, [1, 16, 4, 4], [1, 8, 4, 4])).toEqual([1, 24, 4, 4]);
    expect(errorOf(() => shapeOf('Concat', { axis: 1 }, [1, 16, 4, 4], [1, 8, 2, 2]))).toMatch(/^"n"\.inputs: .*allowed: shapes equal except along axis 1$/);
    expect(errorOf(() => shapeOf('Concat', { axis: 4 }, [1, 16, 4, 4]))).toBe('"n".axis: got 4; allowed: an integer from -4 to 3');
    expect(errorOf(() => shapeOf('Flatten', { axis: 9 }, [1, 16, 4, 4]))).toBe('"n".axis: got 9; allowed: an integer from -5 to 4');
  });
  it('refuses a wrong element count, a non-permutation, out-of-range slices and pads, with one line each', () => {
    expect(errorOf(() => shapeOf('Reshape', { shape: [1, 3, 8, 8] }, [1, 8, 8, 8]))).toBe('"n".shape: [1,3,8,8] has 192 elements; allowed: a shape of 512 elements (the input 1x8x8x8)');
    expect(errorOf(() => shapeOf('Reshape', { shape: [1, -1] }, [1, 8]))).toMatch(/^"n"\.shape: dimension 1 of \[1, -1\] is -1; allowed: dimensions that are integers >= 1/);
    expect(errorOf(() => shapeOf('Transpose', { perm: [0, 1, 1, 3] }, [1, 2, 3, 4]))).toBe('"n".perm: got [0,1,1,3]; allowed: a permutation of 0 to 3 (each axis once)');
    expect(errorOf(() => shapeOf('Transpose', { perm: [0, 1] }, [1, 2, 3]))).toBe('"n".perm: got [0,1]; allowed: 3 integers (a permutation of 0 to 2)');
    expect(errorOf(() => shapeOf('Slice', { axes: [1], starts: [0], ends: [9], steps: [1] }, [1, 8, 8, 8]))).toBe('"n".ends[0]: got 9; allowed: an integer from 1 to 8 (after the start 0; axis 1 has 8)');
    expect(errorOf(() => shapeOf('Slice', { axes: [1], starts: [8], ends: [8], steps: [1] }, [1, 8]))).toBe('"n".starts[0]: got 8; allowed: an integer from 0 to 7 (axis 1 has 8)');
    expect(errorOf(() => shapeOf('Slice', { axes: [1], starts: [4], ends: [0], steps: [-1] }, [1, 8]))).toMatch(/^"n"\.ends\[0\]: got 0; allowed: an integer from 5 to 8/);
    expect(errorOf(() => shapeOf('Slice', { axes: [1], starts: [0], ends: [4], steps: [0] }, [1, 8]))).toBe('"n".steps[0]: got 0; allowed: an integer >= 1 (a negative step is refused on an activation)');
    expect(errorOf(() => shapeOf('Slice', { axes: [1, -1], starts: [0, 0], ends: [4, 4], steps: [1, 1] }, [1, 8]))).toBe('"n".axes: got [1,-1]; allowed: axes that are unique (axis 1 is listed twice)');
    expect(errorOf(() => shapeOf('Pad', { pads: [0, 0, 4, 0, 0, 0, 0, 0], mode: 'reflect', value: 0 }, [1, 3, 4, 4]))).toBe('"n".pads[2]: got 4; allowed: an integer from 0 to 3 (reflect mode: less than the axis size 4)');
    expect(errorOf(() => shapeOf('Pad', { pads: [0, -1, 0, 0], mode: 'constant', value: 0 }, [1, 3]))).toMatch(/^"n"\.pads\[1\]: got -1; allowed: a non-negative integer/);
    expect(errorOf(() => shapeOf('Pad', { pads: [0, 1], mode: 'constant', value: 0 }, [1, 3]))).toBe('"n".pads: got [0,1]; allowed: 4 integers (two per axis: all begins, then all ends)');
    expect(errorOf(() => shapeOf('Pad', { pads: [0, 1, 0, 1], mode: 'wrap' as 'edge', value: 0 }, [1, 3]))).toBe('"n".mode: got "wrap"; allowed: one of constant, reflect, edge');
  });
  it('ONNX: Reshape / Slice / Pad indices as int64 initializers; the batch of a Reshape written 0 (copied)', () => {
    expect(sketchesOf('Reshape', { shape: [1, 2, 4, 8, 8] }, [1, 8, 8, 8])).toEqual([
      { opType: 'Reshape', inputs: [{ tensor: 0 }, { weight: { suffix: 'shape', dims: [5], init: { int64: [0, 2, 4, 8, 8] } } }], attributes: {} },
    ]);
    expect(sketchesOf('Reshape', { shape: [2, 4] }, [1, 8])[0]?.inputs[1]).toEqual({ weight: { suffix: 'shape', dims: [2], init: { int64: [2, 4] } } });
    const slice = sketchesOf('Slice', { axes: [1], starts: [0], ends: [4], steps: [1] }, [1, 8, 8, 8])[0];
    expect(slice?.inputs.map((i) => (typeof i === 'object' && 'weight' in i ? [i.weight.suffix, i.weight.init] : i))).toEqual([
      { tensor: 0 },
      ['starts', { int64: [0] }],
      ['ends', { int64: [4] }],
      ['axes', { int64: [1] }],
      ['steps', { int64: [1] }],
    ]);
    expect(sketchesOf('Pad', { pads: [0, 0, 1, 1, 0, 0, 1, 1], mode: 'constant', value: -1 }, [1, 3, 4, 4])).toEqual([
      {
        opType: 'Pad',
        inputs: [{ tensor: 0 }, { weight: { suffix: 'pads', dims: [8], init: { int64: [0, 0, 1, 1, 0, 0, 1, 1] } } }, { weight: { suffix: 'value', dims: [], init: { value: -1 } } }],
        attributes: { mode: 'constant' },
      },
    ]);
    expect(sketchesOf('Pad', { pads: [0, 0, 1, 1, 0, 0, 1, 1], mode: 'reflect', value: 0 }, [1, 3, 4, 4])[0]?.inputs).toHaveLength(2);
    expect(sketchesOf('Transpose', { perm: [0, 2, 1] }, [1, 3, 4])[0]?.attributes).toEqual({ perm: [0, 2, 1] });
    expect(sketchesOf('Concat', { axis: 1 }, [1, 2], [1, 3], [1, 4])[0]?.inputs).toEqual([{ tensor: 0 }, { tensor: 1 }, { tensor: 2 }]);
  });
  it('ONNX: Gemm transB=1 with weight [out, K]; Linear MatMul(x, W[K, out]) then Add(bias)', () => {
    expect(sketchesOf('Gemm', { outFeatures: 10, bias: true }, [1, 64])).toEqual([
      {
        opType: 'Gemm',
        inputs: [{ tensor: 0 }, { weight: { suffix: 'weight', dims: [10, 64], init: { he: 64 } } }, { weight: { suffix: 'bias', dims: [10], init: 'zeros' } }],
        attributes: { transB: 1 },
      },
    ]);
    expect(sketchesOf('Linear', { outFeatures: 256, bias: true }, [1, 22, 64])).toEqual([
      { opType: 'MatMul', inputs: [{ tensor: 0 }, { weight: { suffix: 'weight', dims: [64, 256], init: { he: 64 } } }], attributes: {} },
      { opType: 'Add', inputs: [{ from: 0 }, { weight: { suffix: 'bias', dims: [256], init: 'zeros' } }], attributes: {} },
    ]);
    expect(sketchesOf('Linear', { outFeatures: 4, bias: false }, [1, 22, 16]).map((s) => s.opType)).toEqual(['MatMul']);
  });
});

describe('the other facets of the four families', () => {
  const all = Object.keys(TABLE) as TensorOp[];
  it('families, arity, SRAM roles and latency kinds as the plan says (existing ops keep their kinds)', () => {
    const kind = (op: TensorOp): string => {
      const attrs = { Gemm: { outFeatures: 2, bias: true }, Linear: { outFeatures: 2, bias: true } }[op as 'Gemm'] ?? {};
      return (spec(op) as OpSpec<OpType>).kernelKind({ name: 'n', op, attrs, inputs: [0], outputs: [1], block: '' } as never, {} as Graph);
    };
    const byKind = (k: string) => all.filter((op) => kind(op) === k).sort();
    expect(byKind('gemm')).toEqual(['Gemm', 'Linear', 'MatMul']);
    expect(byKind('elementwise')).toEqual(['Add', 'Div', 'Mul', 'Pow', 'Sub']);
    expect(byKind('concat')).toEqual(['Concat', 'Pad', 'Slice', 'Transpose']);
    expect(byKind('free')).toEqual(['Dropout', 'Flatten', 'Reshape']);
    expect(byKind('activation')).toEqual(Object.keys(ACTIVATION_OPS).filter((op) => op !== 'Dropout').sort());
    expect(all.filter((op) => TABLE[op].fusable).sort()).toEqual(['Clip', 'HardSigmoid', 'LeakyRelu', 'Relu', 'Sigmoid']);
    expect(all.filter((op) => TABLE[op].sram === 'compute').sort()).toEqual(['Gemm', 'Linear', 'MatMul']);
    expect(all.filter((op) => TABLE[op].sram === 'inplace').sort()).toEqual([...Object.keys(ACTIVATION_OPS), 'Flatten', 'Reshape'].sort());
    expect(all.filter((op) => TABLE[op].width !== null).sort()).toEqual(['Gemm', 'Linear']);
    expect(ELEMENTWISE_OPS.Add.arity).toEqual([1, 2]);
    expect(MATMUL_OPS.MatMul.arity).toEqual([2, 2]);
    expect(SHAPE_OPS.Concat.arity[1]).toBe(Infinity);
    for (const op of Object.keys(ACTIVATION_OPS) as (keyof typeof ACTIVATION_OPS)[]) expect(TABLE[op].arity, op).toEqual([1, 1]);
    for (const op of all) expect(TABLE[op].torch, op).not.toBe('');
  });
  it('DSL keys: the existing ones as before, short keys for the new attributes', () => {
    const keys = (op: TensorOp) => TABLE[op].dsl.map((a) => `${a.key}:${a.kind}${a.optional ? '?' : ''}`);
    expect(keys('Clip')).toEqual(['min:float', 'max:float']);
    expect(keys('LeakyRelu')).toEqual(['alpha:float']);
    expect(keys('HardSigmoid')).toEqual(['alpha:float', 'beta:float']);
    expect(keys('Dropout')).toEqual(['ratio:float']);
    expect(keys('Add')).toEqual(['w:shape?', 's:float?', 'cf:bool?']);
    expect(keys('Flatten')).toEqual(['axis:int']);
    expect(keys('Concat')).toEqual(['axis:int']);
    expect(keys('Gemm')).toEqual(['cin:count?', 'out:count', 'bias:bool']);
    expect(keys('Linear')).toEqual(['out:count', 'bias:bool']);
    expect(keys('Reshape')).toEqual(['shape:shape']);
    expect(keys('Transpose')).toEqual(['perm:ints']);
    expect(keys('Slice')).toEqual(['axes:ints', 'starts:ints', 'ends:ints', 'steps:ints']);
    expect(keys('Pad')).toEqual(['pads:pads', 'mode:word', 'value:float']);
    expect(keys('PRelu')).toEqual(['slope:shape']);
    expect(keys('Gelu')).toEqual(['approx:word']);
    expect(TABLE.Gelu.dsl[0]?.words).toEqual(['none', 'tanh']);
    for (const op of all) for (const a of TABLE[op].dsl) if (a.key !== 'cin') expect(a.prop, `${op}.${a.key}`).toBeDefined();
  });
});

/**
 * The activation family: one tensor in, the same shape out (Relu ... Dropout). No MACs; only
 * PRelu stores weights (its slope, even a single one: it is learned). Every one may run in its
 * input's buffer (`sram: 'inplace'`). Float attributes are checked here: finite (Clip bounds may
 * be ±inf, min <= max), a Dropout ratio in [0, 1).
 * Sources: ONNX operator docs (Clip, LeakyRelu, PRelu, Elu, HardSigmoid, Softmax, LogSoftmax, Dropout);
 * PyTorch nn.GELU for the two Gelu forms.
 */
import { InputError } from '../../errors.js';
import { checkFloat, checkShape } from '../bounds.js';
import type { NodeAttrs } from '../types.js';
import { axisOf, NO_COST, product } from './common.js';
import type { AttrSpec, KernelKind, OnnxAttrValue, OnnxSketch, OpCost, OpSpec, OpTable, Shape, ShapeNode } from './spec.js';

type ActivationOp = 'Relu' | 'Clip' | 'LeakyRelu' | 'PRelu' | 'Elu' | 'Sigmoid' | 'Swish' | 'HardSigmoid' | 'HardSwish' | 'Tanh' | 'Gelu' | 'Erf' | 'Sqrt' | 'Softmax' | 'LogSoftmax' | 'Dropout';

/** What differs between the activations; the rest of the descriptor is shared. */
interface ActivationParts<K extends ActivationOp> {
  /** Attribute checks (the shape is the input's). */
  check?(node: ShapeNode<K>, x: Shape): void;
  onnx?: OpSpec<K>['onnx'];
  onnxImport?: readonly string[];
  dsl?: readonly AttrSpec[];
  cost?: OpSpec<K>['cost'];
  kernelKind?: KernelKind;
  fusable?: boolean;
  torch: string;
}

/** One input sketched as the node's own ONNX op with these attributes. */
function plain(opType: string, attributes: Readonly<Record<string, OnnxAttrValue>> = {}): OnnxSketch[] {
  return [{ opType, inputs: [{ tensor: 0 }], attributes }];
}

function activation<K extends ActivationOp>(op: K, parts: ActivationParts<K>): OpSpec<K> {
  const kind = parts.kernelKind ?? 'activation';
  return {
    family: 'activation',
    arity: [1, 1],
    shape(node, inputs) {
      const x = inputs[0] as Shape;
      parts.check?.(node, x);
      return x;
    },
    cost: parts.cost ?? (() => NO_COST),
    sram: 'inplace',
    onnx: parts.onnx ?? (() => plain(op)),
    onnxImport: parts.onnxImport ?? [op],
    dsl: parts.dsl ?? [],
    kernelKind: () => kind,
    fusable: parts.fusable ?? false,
    width: null,
    torch: parts.torch,
  };
}

const float = (key: string, prop: string, what: string): AttrSpec => ({ key, prop, kind: 'float', expected: `${what}, a number like 0.5 or 1e-5 (inf and -inf allowed)` });

/** A scalar float initializer `${node}.${suffix}` (dims []). */
const scalar = (suffix: string, value: number) => ({ weight: { suffix, dims: [], init: { value } } }) as const;

/**
 * GELU as ONNX ops below opset 20 (which has no Gelu): 'none' the exact form
 * x * 0.5 * (1 + erf(x / sqrt 2)) as PyTorch exports it (Div, Erf, Add, Mul, Mul); 'tanh'
 * 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))) (Pow, Mul, Add, Mul, Tanh, Add, Mul, Mul).
 */
function geluSketches(approximate: NodeAttrs['Gelu']['approximate']): OnnxSketch[] {
  if (approximate === 'tanh') {
    return [
      { opType: 'Pow', inputs: [{ tensor: 0 }, scalar('three', 3)], attributes: {} },
      { opType: 'Mul', inputs: [{ from: 0 }, scalar('coef', 0.044715)], attributes: {} },
      { opType: 'Add', inputs: [{ tensor: 0 }, { from: 1 }], attributes: {} },
      { opType: 'Mul', inputs: [{ from: 2 }, scalar('sqrt2pi', Math.sqrt(2 / Math.PI))], attributes: {} },
      { opType: 'Tanh', inputs: [{ from: 3 }], attributes: {} },
      { opType: 'Add', inputs: [{ from: 4 }, scalar('one', 1)], attributes: {} },
      { opType: 'Mul', inputs: [{ tensor: 0 }, { from: 5 }], attributes: {} },
      { opType: 'Mul', inputs: [{ from: 6 }, scalar('half', 0.5)], attributes: {} },
    ];
  }
  return [
    { opType: 'Div', inputs: [{ tensor: 0 }, scalar('sqrt2', Math.SQRT2)], attributes: {} },
    { opType: 'Erf', inputs: [{ from: 0 }], attributes: {} },
    { opType: 'Add', inputs: [{ from: 1 }, scalar('one', 1)], attributes: {} },
    { opType: 'Mul', inputs: [{ tensor: 0 }, { from: 2 }], attributes: {} },
    { opType: 'Mul', inputs: [{ from: 3 }, scalar('half', 0.5)], attributes: {} },
  ];
}

const GELU_FORMS: readonly NodeAttrs['Gelu']['approximate'][] = ['none', 'tanh'];

/** PRelu's slope: a shape within the bounds that broadcasts onto the input (trailing-aligned) without growing it. */
function checkSlope(node: string, slope: unknown, x: Shape): void {
  if (!Array.isArray(slope)) throw new InputError(`${node}.slope`, slope, 'a slope shape like [1] or [C, 1, 1]');
  checkShape(`${node}.slope`, slope as number[]);
  const offset = x.length - slope.length;
  if (offset < 0 || (slope as number[]).some((d, i) => d !== 1 && d !== x[offset + i])) {
    throw new InputError(`${node}.slope`, slope, `a slope shape that broadcasts onto ${x.join('x')} (each trailing dimension equal or 1)`);
  }
}

/** PRelu: one learned slope element a parameter, stored as 1 byte each in int8. */
function preluCost(node: { attrs: NodeAttrs['PRelu'] }): OpCost {
  const n = product(node.attrs.slope);
  return { macs: 0, params: n, flashBytes: n };
}

export const ACTIVATION_OPS: Pick<OpTable, ActivationOp> = {
  Relu: activation('Relu', { fusable: true, torch: 'nn.ReLU' }),
  Clip: activation('Clip', {
    check(node) {
      checkFloat(`${node.name}.min`, node.attrs.min, { infinite: true });
      checkFloat(`${node.name}.max`, node.attrs.max, { infinite: true });
      if (node.attrs.min > node.attrs.max) throw new InputError(`${node.name}.min`, node.attrs.min, `a lower bound at most the upper bound ${node.attrs.max}`);
    },
    // opset >= 11: the bounds are scalar inputs
    onnx: (node) => [{ opType: 'Clip', inputs: [{ tensor: 0 }, scalar('min', node.attrs.min), scalar('max', node.attrs.max)], attributes: {} }],
    dsl: [float('min', 'min', 'the lower bound'), float('max', 'max', 'the upper bound')],
    fusable: true,
    torch: 'nn.Hardtanh',
  }),
  LeakyRelu: activation('LeakyRelu', {
    check: (node) => checkFloat(`${node.name}.alpha`, node.attrs.alpha),
    onnx: (node) => plain('LeakyRelu', { alpha: { float: node.attrs.alpha } }),
    dsl: [float('alpha', 'alpha', 'the negative slope')],
    fusable: true,
    torch: 'nn.LeakyReLU',
  }),
  PRelu: activation('PRelu', {
    check: (node, x) => checkSlope(node.name, node.attrs.slope, x),
    cost: preluCost,
    // PyTorch's nn.PReLU starts every slope at 0.25
    onnx: (node) => [{ opType: 'PRelu', inputs: [{ tensor: 0 }, { weight: { suffix: 'slope', dims: node.attrs.slope, init: { value: 0.25 } } }], attributes: {} }],
    dsl: [{ key: 'slope', prop: 'slope', kind: 'shape', expected: 'the slope shape, like 1 or 64x1x1' }],
    torch: 'nn.PReLU',
  }),
  Elu: activation('Elu', {
    check: (node) => checkFloat(`${node.name}.alpha`, node.attrs.alpha),
    onnx: (node) => plain('Elu', { alpha: { float: node.attrs.alpha } }),
    dsl: [float('alpha', 'alpha', 'the saturation value')],
    torch: 'nn.ELU',
  }),
  Sigmoid: activation('Sigmoid', { fusable: true, torch: 'nn.Sigmoid' }),
  Swish: activation('Swish', {
    // x * sigmoid(x): ONNX has no Swish op at these opsets
    onnx: () => [
      { opType: 'Sigmoid', name: 'sigmoid', output: 'gate', inputs: [{ tensor: 0 }], attributes: {} },
      { opType: 'Mul', inputs: [{ tensor: 0 }, { from: 0 }], attributes: {} },
    ],
    // the file holds Sigmoid and Mul, which import as those two ops (same costs: none)
    onnxImport: [],
    torch: 'nn.SiLU',
  }),
  HardSigmoid: activation('HardSigmoid', {
    check(node) {
      checkFloat(`${node.name}.alpha`, node.attrs.alpha);
      checkFloat(`${node.name}.beta`, node.attrs.beta);
    },
    onnx: (node) => plain('HardSigmoid', { alpha: { float: node.attrs.alpha }, beta: { float: node.attrs.beta } }),
    dsl: [float('alpha', 'alpha', 'the slope'), float('beta', 'beta', 'the offset')],
    fusable: true,
    torch: 'torch.clamp(x * alpha + beta, 0, 1)',
  }),
  HardSwish: activation('HardSwish', { torch: 'nn.Hardswish' }),
  Tanh: activation('Tanh', { torch: 'nn.Tanh' }),
  Gelu: activation('Gelu', {
    check(node) {
      if (!GELU_FORMS.includes(node.attrs.approximate)) throw new InputError(`${node.name}.approximate`, node.attrs.approximate, `one of ${GELU_FORMS.join(', ')}`);
    },
    onnx: (node) => geluSketches(node.attrs.approximate),
    dsl: [{ key: 'approx', prop: 'approximate', kind: 'word', words: GELU_FORMS, expected: 'the approximation, none or tanh' }],
    torch: 'nn.GELU',
  }),
  Erf: activation('Erf', { torch: 'torch.erf' }),
  Sqrt: activation('Sqrt', { torch: 'torch.sqrt' }),
  Softmax: activation('Softmax', {
    check: (node, x) => void axisOf(node.name, 'axis', node.attrs.axis, x.length),
    onnx: (node) => plain('Softmax', { axis: node.attrs.axis }),
    dsl: [{ key: 'axis', prop: 'axis', kind: 'int', expected: 'an integer axis' }],
    torch: 'nn.Softmax',
  }),
  // log(softmax(x)) along the axis (PyTorch's F.log_softmax / nn.LogSoftmax; ONNX LogSoftmax)
  LogSoftmax: activation('LogSoftmax', {
    check: (node, x) => void axisOf(node.name, 'axis', node.attrs.axis, x.length),
    onnx: (node) => plain('LogSoftmax', { axis: node.attrs.axis }),
    dsl: [{ key: 'axis', prop: 'axis', kind: 'int', expected: 'an integer axis' }],
    torch: 'F.log_softmax',
  }),
  Dropout: activation('Dropout', {
    check: (node) => checkFloat(`${node.name}.ratio`, node.attrs.ratio, { min: 0, below: 1 }),
    // inference: the identity; the ratio stays in the graph as documentation (not written, as before)
    onnx: () => plain('Dropout'),
    dsl: [float('ratio', 'ratio', 'the drop ratio')],
    kernelKind: 'free',
    torch: 'nn.Dropout',
  }),
};

/**
 * The elementwise family: Add, Sub, Mul, Div, Pow of two operands with ONNX (numpy) broadcasting.
 * Either two tensor inputs (the output is their broadcast), or one tensor and a constant whose
 * shape is `weight` (it broadcasts onto the tensor without growing it; `constantFirst` puts it
 * on the left: 1 - x, 1 / x).
 *
 * Counting (README "How costs are counted"): 0 MACs; a constant of more than one element is a
 * learned parameter (a bias, a per-channel scale, a layer scale): params = its elements, flash 1
 * byte each in int8. A one-element constant is arithmetic (the 3 and 1/6 of a written-out hard
 * swish): 0 params, its value in `scalar`.
 */
import { InputError } from '../../errors.js';
import { checkFloat, checkShape } from '../bounds.js';
import type { ConstantOperand } from '../types.js';
import { broadcast, product } from './common.js';
import type { AttrSpec, OpSpec, OpTable, Shape, WeightInit } from './spec.js';

type ElementwiseOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow';

/** A constant operand: a shape within the bounds that broadcasts onto `out` (trailing-aligned) without growing it. */
function checkOperand(node: string, weight: Shape, out: Shape): void {
  if (!Array.isArray(weight)) throw new InputError(`${node}.weight`, weight, 'a constant shape like [64, 1, 1] or [] (a scalar)');
  checkShape(`${node}.weight`, weight);
  const offset = out.length - weight.length;
  if (offset < 0 || weight.some((d, i) => d !== 1 && d !== out[offset + i])) {
    throw new InputError(`${node}.weight`, weight, `a constant shape that broadcasts onto ${out.join('x')} (each trailing dimension equal or 1)`);
  }
}

/** The output shape: the broadcast of two tensors, or the one tensor with its constant checked. */
function elementwiseShape(name: string, a: ConstantOperand, inputs: readonly Shape[]): Shape {
  if (inputs.length === 2) {
    for (const [prop, value] of Object.entries(a)) {
      if (value !== undefined) throw new InputError(`${name}.${prop}`, value, 'no constant operand when the op has two tensor inputs');
    }
    return broadcast(name, inputs);
  }
  const x = inputs[0] as Shape;
  if (a.weight === undefined) throw new InputError(`${name}.weight`, undefined, 'a constant operand shape (like 64x1x1, or scalar) when the op has one tensor input');
  checkOperand(name, a.weight, x);
  if (a.scalar !== undefined) {
    checkFloat(`${name}.scalar`, a.scalar, { infinite: true });
    if (product(a.weight) !== 1) throw new InputError(`${name}.scalar`, a.scalar, `no value: the constant ${JSON.stringify(a.weight)} has more than one element (a parameter, drawn on export)`);
  }
  if (a.constantFirst !== undefined && typeof a.constantFirst !== 'boolean') throw new InputError(`${name}.constantFirst`, a.constantFirst, 'true or false');
  return x;
}

/** Learned elements of the constant: its size when more than one, else 0 (a scalar of arithmetic). */
export function constantParams(a: ConstantOperand): number {
  if (!a.weight) return 0;
  const n = product(a.weight);
  return n > 1 ? n : 0;
}

/**
 * How the exporter draws a constant: a one-element constant with a `scalar` writes that value;
 * otherwise a bias-like constant (Add, Sub) is normal with std 0.1 and a scale-like one (Mul,
 * Div) uniform in [0.5, 1.5), as the exporter has always drawn Add and Mul; an exponent is 2
 * (a base uniform in [0.5, 1.5) when the constant comes first).
 */
function constantInit(op: ElementwiseOp, a: ConstantOperand): WeightInit {
  if (a.scalar !== undefined && a.weight && product(a.weight) === 1) return { value: a.scalar };
  if (op === 'Add' || op === 'Sub') return { gaussian: 0.1 };
  if (op === 'Pow' && !a.constantFirst) return { value: 2 };
  return 'uniform';
}

const DSL: readonly AttrSpec[] = [
  { key: 'w', prop: 'weight', kind: 'shape', optional: true, expected: 'a constant operand shape like 1x64x1x1 (or scalar)' },
  { key: 's', prop: 'scalar', kind: 'float', optional: true, expected: 'the value of a one-element constant, a number like 0.5 or 1e-5 (inf and -inf allowed)' },
  { key: 'cf', prop: 'constantFirst', kind: 'bool', optional: true, expected: 'constant first (the left operand), 0 or 1' },
];

function elementwise<K extends ElementwiseOp>(op: K, torch: string): OpSpec<K> {
  return {
    family: 'elementwise',
    arity: [1, 2],
    shape: (node, inputs) => elementwiseShape(node.name, node.attrs as ConstantOperand, inputs),
    cost(node) {
      const n = constantParams(node.attrs as ConstantOperand);
      return { macs: 0, params: n, flashBytes: n };
    },
    sram: 'copy',
    onnx(node) {
      const a = node.attrs as ConstantOperand;
      if (node.inputs.length === 2 || !a.weight) return [{ opType: op, inputs: [{ tensor: 0 }, { tensor: 1 }], attributes: {} }];
      const constant = { weight: { suffix: 'weight', dims: a.weight, init: constantInit(op, a) } };
      return [{ opType: op, inputs: a.constantFirst ? [constant, { tensor: 0 }] : [{ tensor: 0 }, constant], attributes: {} }];
    },
    onnxImport: [op],
    dsl: DSL,
    kernelKind: () => 'elementwise',
    fusable: false,
    width: null,
    torch,
  };
}

export const ELEMENTWISE_OPS: Pick<OpTable, ElementwiseOp> = {
  Add: elementwise('Add', 'torch.add'),
  Sub: elementwise('Sub', 'torch.sub'),
  Mul: elementwise('Mul', 'torch.mul'),
  Div: elementwise('Div', 'torch.div'),
  Pow: elementwise('Pow', 'torch.pow'),
};

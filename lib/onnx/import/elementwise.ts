/**
 * Add, Sub, Mul, Div, Pow on computed tensors (constants only: folded before). Two computed
 * inputs broadcast; a constant operand becomes the node's `weight` (its dims): a one-element
 * constant is arithmetic (its value in `scalar`, not a parameter: the 3 and 1/6 of a written-out
 * hard swish), a larger one a learned tensor (a layer scale, a bias). `constantFirst` keeps the
 * order of Sub, Div and Pow. A file read at batch 1 (fixed batch N) has N-leading constants cut to 1.
 */
import { InputError } from '../../errors.js';
import type { Handler } from './constants.js';
import type { Constant } from './context.js';
import { elementsOf, known, shortestFloat32, shownList } from './context.js';

type ElementwiseOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow';

const elementwise = (op: ElementwiseOp): Handler => (ctx, node) => {
  const inputs = (node.input ?? []).filter((v) => v !== '');
  if (inputs.length !== 2) throw new InputError(ctx.field(node), node.input, 'two inputs', `got inputs [${shownList(node.input ?? [])}]`);
  const label = op.toLowerCase();
  const ci = inputs.findIndex((v) => ctx.isConstant(v));
  if (ci < 0) {
    ctx.add(node, op, inputs.map((v) => ctx.tensorOf(node, v)), {}, label);
    return;
  }
  const c = ctx.constants.get(inputs[ci] as string) as Constant;
  const x = ctx.tensorOf(node, inputs[1 - ci]);
  const shape = ctx.shape(x);
  const n = elementsOf(c.dims);
  const dims = [...c.dims];
  if (ctx.fileBatch > 1 && dims.length === shape.length && dims[0] === ctx.fileBatch && shape[0] === 1) dims[0] = 1;
  // a zero-size constant goes on to the shape rule, which refuses it as every zero-size tensor
  const scalar = n === 1 && known(c) ? { scalar: c.int ? (c.values[0] as number) : shortestFloat32(c.values[0] as number) } : {};
  const first = ci === 0 && op !== 'Add' && op !== 'Mul' ? { constantFirst: true } : {};
  const t = ctx.add(node, op, [x], { weight: dims, ...scalar, ...first }, label);
  if (n > 1) ctx.weights(t, inputs[ci]);
};

export const ELEMENTWISE_HANDLERS: Readonly<Record<string, Handler>> = {
  Add: elementwise('Add'),
  Sub: elementwise('Sub'),
  Mul: elementwise('Mul'),
  Div: elementwise('Div'),
  Pow: elementwise('Pow'),
};

/**
 * Gemm ([N, K] x weight -> [N, out], as always) and MatMul: with a constant [K, N] weight it is a
 * linear layer (rank 2: Gemm, as PyTorch's nn.Linear on [N, K] was always read; rank 3 or more:
 * Linear over the last axis), and an Add of a [N] constant right after it is its bias; MatMul of
 * two computed tensors is a MatMul node. Errors name the input's rank and shape against the
 * weight's K, so a token axis is never mistaken for the feature count.
 */
import { InputError } from '../../errors.js';
import type { NodeProto } from '../proto.js';
import type { Handler } from './constants.js';
import type { ImportContext } from './context.js';
import { elementsOf, shown } from './context.js';

const gemm: Handler = (ctx, node, a) => {
  if (a.int('transA', 0) !== 0) throw new InputError(`${ctx.field(node)} transA`, 1, '0');
  const x = ctx.x(node);
  const shape = ctx.shape(x);
  const w = ctx.constantOf(node, 1, 'weight');
  const transB = a.int('transB', 0) === 1;
  if (shape.length !== 2) throw new InputError(`${ctx.field(node)} input`, shape, 'a rank-2 [N, K] input (Gemm)', `input ${shown(node.input?.[0])} has rank ${shape.length}, shape [${shape.join(', ')}]`);
  const features = shape[1];
  if (w.dims.length !== 2 || (transB ? w.dims[1] : w.dims[0]) !== features) {
    throw new InputError(ctx.field(node, 'weight'), w.dims, `a rank-2 weight with ${features} input features${transB ? ' (transB: [out, in])' : ' ([in, out])'}`);
  }
  const out = (transB ? w.dims[0] : w.dims[1]) as number;
  const t = ctx.add(node, 'Gemm', [x], { outFeatures: out, bias: (node.input?.[2] ?? '') !== '' }, 'gemm');
  ctx.weights(t, node.input?.[1]);
};

/** The Add right after a MatMul that adds a [N] (or [1, ..., N]) constant: the linear layer's bias. */
function biasAdd(ctx: ImportContext, node: NodeProto, out: number): NodeProto | undefined {
  const readers = ctx.consumers.get(node.output?.[0] as string) ?? [];
  const add = readers.length === 1 && readers[0]?.opType === 'Add' ? readers[0] : undefined;
  const other = add?.input?.find((v) => v !== node.output?.[0]);
  const c = other && ctx.isConstant(other) ? ctx.constants.get(other) : undefined;
  return c && elementsOf(c.dims) === out && c.dims[c.dims.length - 1] === out ? add : undefined;
}

const matmul: Handler = (ctx, node) => {
  const [left, right] = [node.input?.[0], node.input?.[1]];
  if (ctx.isConstant(left)) throw new InputError(`${ctx.field(node)} input 0`, left, 'a computed tensor on the left (constant x tensor is not supported)', `got the constant ${shown(left)}`);
  const x = ctx.x(node);
  const shape = ctx.shape(x);
  if (!ctx.isConstant(right)) {
    ctx.add(node, 'MatMul', [x, ctx.tensorOf(node, right)], {}, 'matmul');
    return;
  }
  const w = ctx.constantOf(node, 1, 'weight');
  const k = shape[shape.length - 1];
  if (w.dims.length !== 2 || !w.dims.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new InputError(ctx.field(node, 'weight'), w.dims, `a rank-2 [K, N] weight whose K is the input's last axis (${k}; input shape [${shape.join(', ')}])`);
  }
  if (shape.length < 2 || k !== w.dims[0]) {
    throw new InputError(`${ctx.field(node)} input`, shape, `an input of rank 2 or more whose last axis is the weight's K = ${w.dims[0]} (weight [${w.dims.join(', ')}])`, `input ${shown(node.input?.[0], 40)} has rank ${shape.length}, shape [${shape.join(', ')}], last axis ${k}`);
  }
  const out = w.dims[1] as number;
  const add = biasAdd(ctx, node, out);
  const t = ctx.builder.add(shape.length === 2 ? 'Gemm' : 'Linear', [x], { outFeatures: out, bias: add !== undefined }, shape.length === 2 ? 'matmul' : 'linear');
  ctx.bind(node, t);
  ctx.weights(t, right);
  if (add) {
    ctx.fused.add(add);
    ctx.tensors.set(add.output?.[0] as string, t);
  }
};

export const MATMUL_HANDLERS: Readonly<Record<string, Handler>> = { Gemm: gemm, MatMul: matmul };

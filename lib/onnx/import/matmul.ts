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
import type { Attrs, Constant, ImportContext } from './context.js';
import { elementsOf, known, shortestFloat32, shown } from './context.js';

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
  const c = gemmC(ctx, node, a, [shape[0] as number, out]);
  const t = ctx.add(node, 'Gemm', [x], { outFeatures: out, bias: c === 'bias' }, 'gemm');
  ctx.weights(t, node.input?.[1]);
  if (c === 'bias' || c === undefined) return;
  // C that is not one value per output: the Gemm's product plus C, as an Add
  if (c.tensor !== undefined) return void ctx.add(node, 'Add', [t, c.tensor], {}, 'add');
  const scalar = c.scalar !== undefined ? { scalar: c.scalar } : {};
  const add = ctx.add(node, 'Add', [t], { weight: c.dims, ...scalar }, 'add');
  if (c.scalar === undefined) ctx.weights(add, node.input?.[2]);
};

/**
 * Gemm's C (input 2, added as beta x C to alpha x A x B; alpha and beta only scale, so must be
 * finite and change no count): 'bias' when it is a constant of one value per output ([out],
 * [1, out]); otherwise what is added after the product: a computed tensor (a residual), or a
 * constant of another shape that broadcasts to [N, out] (a scalar's value kept, not a parameter).
 * A file read at batch 1 has a C of [fileBatch, out] cut to [1, out], as Add constants are.
 * @throws InputError when alpha or beta is not finite, or C does not broadcast to [N, out]
 */
function gemmC(ctx: ImportContext, node: NodeProto, a: Attrs, outShape: readonly [number, number]): 'bias' | { tensor?: number; dims: number[]; scalar?: number } | undefined {
  for (const key of ['alpha', 'beta']) {
    const v = a.float(key, 1);
    if (!Number.isFinite(v)) throw new InputError(`${ctx.field(node)} ${key}`, v, 'a finite number (a scale of the product or of C)');
  }
  const name = node.input?.[2];
  if (!name) return undefined;
  const constant = ctx.constants.get(name);
  const tensor = constant ? undefined : ctx.tensorOf(node, name);
  const dims = constant ? [...constant.dims] : [...ctx.shape(tensor as number)];
  if (constant && ctx.fileBatch > 1 && dims.length === 2 && dims[0] === ctx.fileBatch && outShape[0] === 1) dims[0] = 1;
  const [n, out] = outShape;
  if (dims.length > 2 || dims.some((d, i) => d !== 1 && d !== outShape[i + 2 - dims.length])) {
    const shapes = [...new Set([`[${out}]`, `[1, ${out}]`, `[${n}, ${out}]`, `[${n}, 1]`])].join(', ');
    throw new InputError(ctx.field(node, 'C'), dims, `a shape that broadcasts to the output [${n}, ${out}]: ${shapes} or one value`, `input ${shown(name, 40)} has shape [${dims.join(', ')}]`);
  }
  if (tensor !== undefined) return { tensor, dims };
  const elements = elementsOf(dims);
  if (elements === out && dims[dims.length - 1] === out) return 'bias';
  if (elements === 1 && known(constant as Constant)) return { dims, scalar: shortestFloat32(a.float('beta', 1) * ((constant as Constant).values[0] as number)) };
  return { dims };
}

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
  const t = ctx.add(node, shape.length === 2 ? 'Gemm' : 'Linear', [x], { outFeatures: out, bias: add !== undefined }, shape.length === 2 ? 'matmul' : 'linear');
  ctx.weights(t, right);
  if (add) {
    ctx.readStored(t, add, 'bias'); // its bias is a stored tensor of this layer too
    ctx.fused.add(add);
    ctx.tensors.set(add.output?.[0] as string, t);
  }
};

export const MATMUL_HANDLERS: Readonly<Record<string, Handler>> = { Gemm: gemm, MatMul: matmul };

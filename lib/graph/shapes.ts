/**
 * Shape inference for every reader's nodes (JSON configs, ONNX files, LAMDA texts, the zoo): the
 * op's descriptor (graph/ops) checks its attributes and gives the output shape; this module adds
 * what every op shares: the node's name as errors show it, the number of inputs from the
 * descriptor's arity, and the bounds of bounds.ts on the output.
 */
import { InputError, showName } from '../errors.js';
import { checkShape } from './bounds.js';
import { OPS } from './ops/index.js';
import type { OpSpec, ShapeNode } from './ops/spec.js';
import type { NodeAttrs, OpType } from './types.js';
import { OP_TYPES } from './types.js';

type Shape = readonly number[];

/** Any node as shape inference sees it: name, op and the attributes of that op. */
export type AnyShapeNode = { [K in OpType]: { name: string; op: K; attrs: NodeAttrs[K] } }[OpType];

const count = (n: number): string => (n === 1 ? 'one input tensor' : `${n} input tensors`);

/** What the arity [min, max] allows, in words. */
function arityText([min, max]: readonly [number, number]): string {
  if (min === max) return `exactly ${count(min)}`;
  if (max === Infinity) return `at least ${count(min)}`;
  return `${min} to ${max} input tensors`;
}

/**
 * The output shape of a node from its input shapes, after checking its attributes and sizes
 * against the bounds of bounds.ts (every reader's nodes pass here).
 * @throws InputError naming the node and the attribute (`"conv_0".kernel[1]`), the value and what is allowed.
 */
export function inferOutputShape(full: AnyShapeNode, inputs: readonly Shape[]): Shape {
  // errors name the node as showName shows it: quoted, escaped, a long name cut with its length
  const name = showName(full.name);
  if (!Object.hasOwn(OPS, full.op)) throw new InputError(`${name}.op`, full.op, `one of the ${OP_TYPES.length} graph ops (OP_TYPES: ${OP_TYPES[0]}, ${OP_TYPES[1]}, ..., ${OP_TYPES[OP_TYPES.length - 1]})`);
  const spec = OPS[full.op] as unknown as OpSpec<OpType>;
  const [min, max] = spec.arity;
  if (inputs.length < min || inputs.length > max) throw new InputError(`${name}.inputs`, inputs, arityText(spec.arity), `got ${count(inputs.length)}`);
  const node: ShapeNode<OpType> = { name, op: full.op, attrs: full.attrs };
  const shape = spec.shape(node, inputs);
  checkShape(`${name}.output`, shape);
  return shape;
}

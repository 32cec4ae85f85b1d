/**
 * Helpers the op families share: rank and axis checks, broadcasting, products. Every error is an
 * InputError naming `${node}.${attribute}`, the value and what is allowed.
 */
import { InputError } from '../../errors.js';
import { checkCount } from '../bounds.js';
import type { Graph, GraphNode } from '../types.js';
import { tensorOf } from '../types.js';
import type { OpCost, Shape } from './spec.js';

export const NO_COST: OpCost = { macs: 0, params: 0, flashBytes: 0 };

export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** The shape of a node's i-th input tensor. */
export function inputShape(graph: Graph, node: GraphNode, i = 0): Shape {
  return tensorOf(graph, node.inputs[i] as number).shape;
}

/** The shape of a node's output tensor. */
export function outputShape(graph: Graph, node: GraphNode): Shape {
  return tensorOf(graph, node.outputs[0] as number).shape;
}

/** A tensor of exactly `rank` dimensions (or one of `rank` when a list). */
export function expectRank(node: string, what: string, shape: Shape | undefined, rank: number | readonly number[]): number[] {
  const ranks = typeof rank === 'number' ? [rank] : rank;
  if (!shape || !ranks.includes(shape.length)) {
    throw new InputError(`${node}.${what}`, shape, `a tensor of rank ${ranks.join(' or ')}`, `got shape ${JSON.stringify(shape)}`);
  }
  return [...shape];
}

/** A tensor of at least `min` dimensions. */
export function expectMinRank(node: string, what: string, shape: Shape | undefined, min: number): number[] {
  if (!shape || shape.length < min) throw new InputError(`${node}.${what}`, shape, `a tensor of rank ${min} or more`, `got shape ${JSON.stringify(shape)}`);
  return [...shape];
}

/** An axis from -rank to rank - 1, returned non-negative. */
export function axisOf(node: string, field: string, axis: unknown, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) throw new InputError(`${node}.${field}`, axis, `an integer from ${-rank} to ${rank - 1}`);
  return axis < 0 ? axis + rank : axis;
}

/** A list of `count` integers (kernel, strides, dilations: one per spatial axis). */
export function expectInts(node: string, field: string, values: unknown, count: number, what: string): number[] {
  if (!Array.isArray(values) || values.length !== count || !values.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new InputError(`${node}.${field}`, values, `${count} integers (${what})`);
  }
  return values as number[];
}

/**
 * ONNX (numpy) broadcasting: shapes aligned at their trailing dimensions, each pair equal or one
 * of them 1. Element-wise ops here never grow their first (activation) input past the others'
 * broadcast.
 */
export function broadcast(node: string, shapes: readonly Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    const offset = rank - s.length;
    s.forEach((d, i) => {
      const o = out[offset + i] as number;
      if (d !== o && d !== 1 && o !== 1) throw new InputError(`${node}.inputs`, shapes, 'inputs of broadcastable shapes (trailing dimensions equal or 1)');
      if (d > o) out[offset + i] = d;
    });
  }
  return out;
}

/** A MAC or weight count below 2^53 (exact); returns it. */
export function counted(node: string, field: 'macs' | 'weights', value: number): number {
  checkCount(`${node}.${field}`, field === 'macs' ? 'MACs' : 'weights', value);
  return value;
}

/**
 * The op table: one descriptor per op (spec.ts), grouped by family, one file a family. The type
 * `OpTable` makes a missing op or a missing facet a compile error.
 */
import type { OpType } from '../types.js';
import { ACTIVATION_OPS } from './activation.js';
import { CONV_OPS } from './conv.js';
import { ELEMENTWISE_OPS } from './elementwise.js';
import { MATMUL_OPS } from './matmul.js';
import { NORM_OPS } from './norm.js';
import { POOL_OPS } from './pool.js';
import { SHAPE_OPS } from './shape.js';
import type { OpSpec, OpTable } from './spec.js';

export const OPS: OpTable = { ...CONV_OPS, ...POOL_OPS, ...NORM_OPS, ...ACTIVATION_OPS, ...ELEMENTWISE_OPS, ...MATMUL_OPS, ...SHAPE_OPS };

/** The descriptor of an op (typed by the op). */
export function opSpec<K extends OpType>(op: K): OpSpec<K> {
  return OPS[op] as unknown as OpSpec<K>;
}

export type * from './spec.js';

import { InputError, showName } from '../errors.js';
import { checkCount, checkFloat, checkShape, checkSize, checkWindowAxis, MAX_BN_EPSILON } from './bounds.js';
import type { NodeAttrs, OpType } from './types.js';
import { UNARY_ELEMENTWISE_OPS } from './types.js';

type Shape = readonly number[];

function spatialOut(size: number, kernel: number, stride: number, padBegin: number, padEnd: number): number {
  return Math.floor((size + padBegin + padEnd - kernel) / stride) + 1;
}

/** Kernel, strides and pads of a conv or pool on an h x w input, within the window bounds of bounds.ts. */
function checkWindow(node: string, a: NodeAttrs['MaxPool'], h: number, w: number): void {
  const list = (v: unknown, n: number): boolean => Array.isArray(v) && v.length === n;
  if (!list(a.kernel, 2)) throw new InputError(`${node}.kernel`, a.kernel, 'two kernel sides (height, width)');
  if (!list(a.strides, 2)) throw new InputError(`${node}.strides`, a.strides, 'two strides (height, width)');
  if (!list(a.pads, 4)) throw new InputError(`${node}.pads`, a.pads, 'four pads (top, left, bottom, right)');
  checkWindowAxis(node, 0, h, a.kernel[0], a.strides[0], a.pads[0], a.pads[2]);
  checkWindowAxis(node, 1, w, a.kernel[1], a.strides[1], a.pads[1], a.pads[3]);
}

function conv(node: string, [x]: Shape[], a: NodeAttrs['Conv']): Shape {
  const [n, c, h, w] = expectRank(node, 'input', x, 4);
  checkSize(`${node}.outChannels`, a.outChannels);
  checkSize(`${node}.group`, a.group);
  checkWindow(node, a, h, w);
  if (c % a.group !== 0 || a.outChannels % a.group !== 0) {
    throw new InputError(`${node}.group`, a.group, `a divisor of input channels ${c} and output channels ${a.outChannels}`);
  }
  const oh = spatialOut(h, a.kernel[0], a.strides[0], a.pads[0], a.pads[2]);
  const ow = spatialOut(w, a.kernel[1], a.strides[1], a.pads[1], a.pads[3]);
  if (oh < 1 || ow < 1) {
    throw new InputError(`${node}.kernel`, a.kernel, `a kernel no larger than the padded input ${h}x${w}`);
  }
  const fanIn = (c / a.group) * a.kernel[0] * a.kernel[1];
  checkCount(`${node}.weights`, 'weights', a.outChannels * fanIn);
  checkCount(`${node}.macs`, 'MACs', n * a.outChannels * oh * ow * fanIn);
  return [n, a.outChannels, oh, ow];
}

/** PyTorch's pooling output size; with ceil mode the last window must start inside input + left pad. */
function poolOut(size: number, kernel: number, stride: number, padBegin: number, padEnd: number, ceil: boolean): number {
  if (!ceil) return spatialOut(size, kernel, stride, padBegin, padEnd);
  let out = Math.ceil((size + padBegin + padEnd - kernel) / stride) + 1;
  if ((out - 1) * stride >= size + padBegin) out -= 1;
  return out;
}

function pool(node: string, [x]: Shape[], a: NodeAttrs['MaxPool']): Shape {
  const [n, c, h, w] = expectRank(node, 'input', x, 4);
  checkWindow(node, a, h, w);
  const ceil = a.ceilMode ?? false;
  const oh = poolOut(h, a.kernel[0], a.strides[0], a.pads[0], a.pads[2], ceil);
  const ow = poolOut(w, a.kernel[1], a.strides[1], a.pads[1], a.pads[3], ceil);
  if (oh < 1 || ow < 1) throw new InputError(`${node}.kernel`, a.kernel, `a kernel no larger than the padded input ${h}x${w}`);
  return [n, c, oh, ow];
}

function axisOf(node: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new InputError(`${node}.axis`, axis, `an integer from ${-rank} to ${rank - 1}`);
  return axis < 0 ? axis + rank : axis;
}

function expectRank(node: string, what: string, shape: Shape | undefined, rank: 2): [number, number];
function expectRank(node: string, what: string, shape: Shape | undefined, rank: 4): [number, number, number, number];
function expectRank(node: string, what: string, shape: Shape | undefined, rank: number): number[] {
  if (!shape || shape.length !== rank) {
    throw new InputError(`${node}.${what}`, shape, `a tensor of rank ${rank}`, `got shape ${JSON.stringify(shape)}`);
  }
  return [...shape];
}

function sameShapes(node: string, shapes: Shape[]): Shape {
  const first = shapes[0] as Shape;
  const out = [...first];
  for (const s of shapes) {
    // Mul also broadcasts a per-channel scale (N,C,1,1) over (N,C,H,W), as in squeeze-excitation.
    if (s.length !== first.length) throw new InputError(`${node}.inputs`, shapes, 'inputs of equal (or broadcastable) shapes');
    for (let i = 0; i < s.length; i++) {
      const d = s[i] as number;
      const o = out[i] as number;
      if (d !== o && d !== 1 && o !== 1) throw new InputError(`${node}.inputs`, shapes, 'inputs of equal (or broadcastable) shapes');
      if (d > o) out[i] = d;
    }
  }
  return out;
}

/** A constant operand of Add or Mul: a shape within the bounds that broadcasts onto `out` without growing it. */
function checkOperand(node: string, weight: Shape, out: Shape): void {
  checkShape(`${node}.weight`, weight);
  const offset = out.length - weight.length;
  if (offset < 0 || weight.some((d, i) => d !== 1 && d !== out[offset + i])) {
    throw new InputError(`${node}.weight`, weight, `a constant shape that broadcasts onto ${out.join('x')} (each trailing dimension equal or 1)`);
  }
}

/** Float attributes: finite (Clip bounds may be ±inf, min <= max), epsilon in (0, 1), a drop ratio in [0, 1). */
function checkFloats(node: ShapeNode): void {
  switch (node.op) {
    case 'BatchNormalization':
      return checkFloat(`${node.name}.epsilon`, node.attrs.epsilon, { above: 0, below: MAX_BN_EPSILON });
    case 'Clip':
      checkFloat(`${node.name}.min`, node.attrs.min, { infinite: true });
      checkFloat(`${node.name}.max`, node.attrs.max, { infinite: true });
      if (node.attrs.min > node.attrs.max) throw new InputError(`${node.name}.min`, node.attrs.min, `a lower bound at most the upper bound ${node.attrs.max}`);
      return;
    case 'LeakyRelu':
      return checkFloat(`${node.name}.alpha`, node.attrs.alpha);
    case 'HardSigmoid':
      checkFloat(`${node.name}.alpha`, node.attrs.alpha);
      return checkFloat(`${node.name}.beta`, node.attrs.beta);
    case 'Dropout':
      return checkFloat(`${node.name}.ratio`, node.attrs.ratio, { min: 0, below: 1 });
    default:
  }
}

type ShapeNode = { [K in OpType]: { name: string; op: K; attrs: NodeAttrs[K] } }[OpType];

/**
 * The output shape of a node from its input shapes, after checking its attributes and sizes
 * against the bounds of bounds.ts (every reader's nodes pass here).
 * @throws InputError naming the node and the attribute, the value and what is allowed.
 */
export function inferOutputShape(full: ShapeNode, inputs: Shape[]): Shape {
  // errors name the node as showName shows it: quoted, escaped, a long name cut with its length
  const node = { ...full, name: showName(full.name) } as ShapeNode;
  checkFloats(node);
  const shape = outputShape(node, inputs);
  checkShape(`${node.name}.output`, shape);
  if ((node.op === 'Add' || node.op === 'Mul') && node.attrs.weight) checkOperand(node.name, node.attrs.weight, shape);
  return shape;
}

function outputShape(node: ShapeNode, inputs: Shape[]): Shape {
  const op: OpType = node.op;
  if (inputs.length === 0) throw new InputError(`${node.name}.inputs`, [], 'at least one input tensor');
  if (UNARY_ELEMENTWISE_OPS.has(op)) return inputs[0] as Shape;
  switch (node.op) {
    case 'Conv':
      return conv(node.name, inputs, node.attrs);
    case 'MaxPool':
    case 'AveragePool':
      return pool(node.name, inputs, node.attrs);
    case 'GlobalAveragePool': {
      const [n, c] = expectRank(node.name, 'input', inputs[0], 4);
      return [n, c, 1, 1];
    }
    case 'Flatten': {
      const x = inputs[0] as Shape;
      const axis = axisOf(node.name, node.attrs.axis, x.length + 1);
      const head = x.slice(0, axis).reduce((p, d) => p * d, 1);
      return [head, x.slice(axis).reduce((p, d) => p * d, 1)];
    }
    case 'Gemm': {
      const [n, features] = expectRank(node.name, 'input', inputs[0], 2);
      checkSize(`${node.name}.outFeatures`, node.attrs.outFeatures);
      checkCount(`${node.name}.weights`, 'weights', features * node.attrs.outFeatures);
      checkCount(`${node.name}.macs`, 'MACs', n * features * node.attrs.outFeatures);
      return [n, node.attrs.outFeatures];
    }
    case 'Add':
    case 'Mul':
      return sameShapes(node.name, inputs);
    case 'Concat': {
      const first = inputs[0] as Shape;
      const axis = axisOf(node.name, node.attrs.axis, first.length);
      for (const s of inputs) {
        if (s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i])) {
          throw new InputError(`${node.name}.inputs`, inputs, `shapes equal except along axis ${axis}`);
        }
      }
      return first.map((d, i) => (i === axis ? inputs.reduce((sum, s) => sum + (s[i] as number), 0) : d));
    }
    default:
      throw new InputError(`${node.name}.op`, op, 'an op with a shape rule');
  }
}

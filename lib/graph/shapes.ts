import { InputError } from '../errors.js';
import type { NodeAttrs, OpType } from './types.js';
import { UNARY_ELEMENTWISE_OPS } from './types.js';

type Shape = readonly number[];

function spatialOut(size: number, kernel: number, stride: number, padBegin: number, padEnd: number): number {
  return Math.floor((size + padBegin + padEnd - kernel) / stride) + 1;
}

function conv(node: string, [x]: Shape[], a: NodeAttrs['Conv']): Shape {
  const [n, c, h, w] = expectRank(node, 'input', x, 4);
  if (!Number.isInteger(a.outChannels) || a.outChannels < 1) throw new InputError(`${node}.outChannels`, a.outChannels, 'a positive integer');
  if (!Number.isInteger(a.group) || a.group < 1) throw new InputError(`${node}.group`, a.group, 'a positive integer');
  if (c % a.group !== 0 || a.outChannels % a.group !== 0) {
    throw new InputError(`${node}.group`, a.group, `a divisor of input channels ${c} and output channels ${a.outChannels}`);
  }
  const oh = spatialOut(h, a.kernel[0], a.strides[0], a.pads[0], a.pads[2]);
  const ow = spatialOut(w, a.kernel[1], a.strides[1], a.pads[1], a.pads[3]);
  if (oh < 1 || ow < 1) {
    throw new InputError(`${node}.kernel`, a.kernel, `a kernel no larger than the padded input ${h}x${w}`);
  }
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

type ShapeNode = { [K in OpType]: { name: string; op: K; attrs: NodeAttrs[K] } }[OpType];

export function inferOutputShape(node: ShapeNode, inputs: Shape[]): Shape {
  const op: OpType = node.op;
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
      const [n] = expectRank(node.name, 'input', inputs[0], 2);
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

import { InputError, showName } from '../errors.js';
import { checkShape } from './bounds.js';
import { checkShares } from './shares.js';
import { inferOutputShape } from './shapes.js';
import type { Graph, GraphNode, NodeAttrs, OpType, TensorInfo } from './types.js';
import { tensorElements } from './types.js';

/** Activation names used by model configs, and the graph op each becomes. */
export const ACTIVATIONS = ['relu', 'relu6', 'leakyrelu', 'swish', 'h_swish', 'h_sigmoid', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface ConvOptions {
  out: number;
  kernel: number;
  stride?: number;
  group?: number;
  bias?: boolean;
  /** Default: kernel // 2 on every side ("same" for odd kernels at stride 1). */
  pad?: number;
}

/** Appends nodes in execution order and infers each output shape as it goes. Tensors are indices. */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly tensors: TensorInfo[] = [];
  private readonly inputs: number[] = [];
  private block = '';

  constructor(private readonly name: string) {}

  /** A graph input; its shape must keep the bounds of bounds.ts (InputError otherwise). */
  input(name: string, shape: readonly number[]): number {
    checkShape(`input ${showName(name)}`, shape);
    this.inputs.push(this.tensors.length);
    this.tensors.push({ name, shape, elements: tensorElements(shape) });
    return this.tensors.length - 1;
  }

  /** Nodes added from now on belong to this block (for per-layer breakdowns). */
  setBlock(block: string): void {
    this.block = block;
  }

  shape(tensor: number): readonly number[] {
    const t = this.tensors[tensor];
    if (!t) throw new Error(`tensor #${tensor} is not defined`);
    return t.shape;
  }

  add<K extends OpType>(op: K, inputs: readonly number[], attrs: NodeAttrs[K], label?: string): number {
    const name = `${this.block ? `${this.block}.` : ''}${label ?? op.toLowerCase()}_${this.nodes.length}`;
    const out = this.tensors.length;
    const node = { name, op, attrs, inputs, outputs: [out], block: this.block } as GraphNode;
    const shape = inferOutputShape(node, inputs.map((t) => this.shape(t)));
    this.tensors.push({ name, shape, elements: tensorElements(shape) });
    this.nodes.push(node);
    return out;
  }

  conv(x: number, o: ConvOptions, label = 'conv'): number {
    const k = o.kernel;
    const p = o.pad ?? Math.floor(k / 2);
    const s = o.stride ?? 1;
    return this.add(
      'Conv',
      [x],
      { outChannels: o.out, kernel: [k, k], strides: [s, s], pads: [p, p, p, p], group: o.group ?? 1, bias: o.bias ?? false },
      label,
    );
  }

  /** Square max or average pooling with symmetric padding. */
  pool(op: 'MaxPool' | 'AveragePool', x: number, o: { kernel: number; stride?: number; pad?: number; ceilMode?: boolean }, label?: string): number {
    const k = o.kernel;
    const s = o.stride ?? k;
    const p = o.pad ?? 0;
    return this.add(op, [x], { kernel: [k, k], strides: [s, s], pads: [p, p, p, p], ceilMode: o.ceilMode ?? false, countIncludePad: true }, label ?? (op === 'MaxPool' ? 'maxpool' : 'avgpool'));
  }

  bn(x: number): number {
    return this.add('BatchNormalization', [x], { epsilon: 1e-5 }, 'bn');
  }

  act(x: number, activation: string): number {
    switch (activation) {
      case 'relu':
        return this.add('Relu', [x], {}, 'relu');
      case 'relu6':
        return this.add('Clip', [x], { min: 0, max: 6 }, 'relu6');
      case 'leakyrelu':
        return this.add('LeakyRelu', [x], { alpha: 0.01 }, 'leakyrelu');
      case 'swish':
        return this.add('Swish', [x], {}, 'swish');
      case 'h_swish':
        return this.add('HardSwish', [x], {}, 'hswish');
      case 'h_sigmoid':
        return this.add('HardSigmoid', [x], { alpha: 1 / 6, beta: 0.5 }, 'hsigmoid');
      case 'sigmoid':
        return this.add('Sigmoid', [x], {}, 'sigmoid');
      default:
        throw new InputError('activation', activation, ACTIVATIONS.join(', '));
    }
  }

  /** Squeeze-excitation: GAP, 1x1 conv to `mid` (bias), ReLU, 1x1 conv back (bias), gate, multiply. */
  squeezeExcite(x: number, mid: number, gate: 'sigmoid' | 'h_sigmoid'): number {
    const channels = this.shape(x)[1] as number;
    const pooled = this.add('GlobalAveragePool', [x], {}, 'se_pool');
    const reduced = this.add('Relu', [this.conv(pooled, { out: mid, kernel: 1, bias: true }, 'se_reduce')], {}, 'se_relu');
    const scale = this.act(this.conv(reduced, { out: channels, kernel: 1, bias: true }, 'se_expand'), gate);
    return this.add('Mul', [x, scale], {}, 'se_mul');
  }

  /** Global average pool, flatten, optional dropout, linear layer with bias. */
  classifierHead(x: number, classes: number, dropout: number): number {
    let y = this.add('Flatten', [this.add('GlobalAveragePool', [x], {}, 'pool')], { axis: 1 }, 'flatten');
    if (dropout > 0) y = this.add('Dropout', [y], { ratio: dropout }, 'dropout');
    return this.add('Gemm', [y], { outFeatures: classes, bias: true }, 'classifier');
  }

  finish(outputs: readonly number[]): Graph {
    return { name: this.name, inputs: [...this.inputs], outputs: [...outputs], tensors: this.tensors, nodes: this.nodes };
  }
}

/** Recomputes every shape of a graph from its inputs and reports the first inconsistency; then checks every `shares` (graph/shares.ts). */
export function checkShapes(graph: Graph): void {
  const known = new Map<number, readonly number[]>();
  for (const t of graph.inputs) known.set(t, (graph.tensors[t] as TensorInfo).shape);
  for (const node of graph.nodes) {
    const inputShapes = node.inputs.map((t) => {
      const s = known.get(t);
      if (!s) throw new InputError(`${showName(node.name)}.inputs`, graph.tensors[t]?.name ?? t, 'a tensor produced by an earlier node or a graph input');
      return s;
    });
    const shape = inferOutputShape(node, inputShapes);
    const out = node.outputs[0] as number;
    const declared = graph.tensors[out];
    if (!declared) throw new InputError(`${showName(node.name)}.outputs`, out, 'an index into the graph tensors');
    if (declared.shape.join('x') !== shape.join('x') || declared.elements !== tensorElements(shape)) {
      throw new InputError(`${showName(declared.name)}.shape`, declared.shape, `the inferred shape ${shape.join('x')}`);
    }
    known.set(out, shape);
  }
  checkShares(graph);
}

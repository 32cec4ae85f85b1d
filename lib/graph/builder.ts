import { InputError } from '../errors.js';
import { inferOutputShape } from './shapes.js';
import type { Graph, GraphNode, NodeAttrs, OpType, TensorInfo } from './types.js';

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

/** Appends nodes in execution order and infers each output shape as it goes. */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly tensors: Record<string, TensorInfo> = {};
  private readonly inputs: string[] = [];
  private block = '';
  private count = 0;

  constructor(private readonly name: string) {}

  input(id: string, shape: readonly number[]): string {
    this.tensors[id] = { id, shape };
    this.inputs.push(id);
    return id;
  }

  /** Nodes added from now on belong to this block (for per-layer breakdowns). */
  setBlock(block: string): void {
    this.block = block;
  }

  shape(id: string): readonly number[] {
    const t = this.tensors[id];
    if (!t) throw new Error(`tensor ${id} is not defined`);
    return t.shape;
  }

  add<K extends OpType>(op: K, inputs: readonly string[], attrs: NodeAttrs[K], label?: string): string {
    const name = `${this.block ? `${this.block}.` : ''}${label ?? op.toLowerCase()}_${this.count++}`;
    const node = { name, op, attrs, inputs, outputs: [`${name}:0`], block: this.block } as GraphNode;
    const shape = inferOutputShape(node, inputs.map((id) => this.shape(id)));
    const out = node.outputs[0] as string;
    this.tensors[out] = { id: out, shape };
    this.nodes.push(node);
    return out;
  }

  conv(x: string, o: ConvOptions, label = 'conv'): string {
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

  bn(x: string): string {
    return this.add('BatchNormalization', [x], { epsilon: 1e-5 }, 'bn');
  }

  act(x: string, activation: string): string {
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
  squeezeExcite(x: string, mid: number, gate: 'sigmoid' | 'h_sigmoid'): string {
    const channels = this.shape(x)[1] as number;
    const pooled = this.add('GlobalAveragePool', [x], {}, 'se_pool');
    const reduced = this.add('Relu', [this.conv(pooled, { out: mid, kernel: 1, bias: true }, 'se_reduce')], {}, 'se_relu');
    const scale = this.act(this.conv(reduced, { out: channels, kernel: 1, bias: true }, 'se_expand'), gate);
    return this.add('Mul', [x, scale], {}, 'se_mul');
  }

  /** Global average pool, flatten, optional dropout, linear layer with bias. */
  classifierHead(x: string, classes: number, dropout: number): string {
    let y = this.add('Flatten', [this.add('GlobalAveragePool', [x], {}, 'pool')], { axis: 1 }, 'flatten');
    if (dropout > 0) y = this.add('Dropout', [y], { ratio: dropout }, 'dropout');
    return this.add('Gemm', [y], { outFeatures: classes, bias: true }, 'classifier');
  }

  finish(outputs: readonly string[]): Graph {
    return { name: this.name, inputs: [...this.inputs], outputs: [...outputs], tensors: this.tensors, nodes: this.nodes };
  }
}

/** Recomputes every shape of a graph from its inputs and reports the first inconsistency. */
export function checkShapes(graph: Graph): void {
  const known = new Map<string, readonly number[]>();
  for (const id of graph.inputs) known.set(id, (graph.tensors[id] as TensorInfo).shape);
  for (const node of graph.nodes) {
    const inputShapes = node.inputs.map((id) => {
      const s = known.get(id);
      if (!s) throw new InputError(`${node.name}.inputs`, id, 'a tensor produced by an earlier node or a graph input');
      return s;
    });
    const shape = inferOutputShape(node, inputShapes);
    const out = node.outputs[0] as string;
    const declared = graph.tensors[out]?.shape;
    if (declared && declared.join('x') !== shape.join('x')) {
      throw new InputError(`${out}.shape`, declared, `the inferred shape ${shape.join('x')}`);
    }
    known.set(out, shape);
  }
}

import { checkExportable } from '../graph/bounds.js';
import type { Graph, GraphNode } from '../graph/types.js';
import { createRng, type Rng } from '../rng.js';
import type { AttributeProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './proto.js';
import { FLOAT, onnx } from './proto.js';
import type { BatchNormParams } from './weights.js';
import { foldBatchNorm, gaussian, heNormal, randomBatchNorm, uniform } from './weights.js';

export interface ExportOptions {
  /** Seed of the He-initialised weights and the BN statistics (default 0). */
  seed?: number;
  /** Fold every BN that follows a conv into that conv's weights and bias (default false). */
  foldBatchNorm?: boolean;
  /** ONNX opset (default 14, the first with HardSwish). */
  opset?: number;
}

export const DEFAULT_OPSET = 14;
const ATTR = onnx.AttributeProto.AttributeType;

function ints(name: string, values: readonly number[]): AttributeProto {
  return { name, type: ATTR.INTS, ints: [...values] };
}
function int(name: string, value: number): AttributeProto {
  return { name, type: ATTR.INT, i: value };
}
function float(name: string, value: number): AttributeProto {
  return { name, type: ATTR.FLOAT, f: value };
}

function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  return { name, dims: [...dims], dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function valueInfo(name: string, shape: readonly number[]): ValueInfoProto {
  // The batch dimension is symbolic, so a batch of any size can be fed.
  const dim = shape.map((d, i) => (i === 0 ? { dimParam: 'N' } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

/**
 * Writes a Graph as an ONNX model with seeded weights; returns the protobuf object.
 * @throws InputError before any weight is drawn when the graph needs more than MAX_EXPORT_WEIGHTS
 *   (2^28) weight elements.
 */
export function graphToModelProto(graph: Graph, options: ExportOptions = {}): ModelProto {
  checkExportable(graph);
  const rng: Rng = createRng(options.seed ?? 0);
  const fold = options.foldBatchNorm ?? false;
  const name = (t: number): string => graph.tensors[t]?.name as string;
  const consumers = new Array<number>(graph.tensors.length).fill(0);
  for (const node of graph.nodes) for (const t of node.inputs) consumers[t] = (consumers[t] as number) + 1;
  for (const t of graph.outputs) consumers[t] = (consumers[t] as number) + 1;
  const firstConsumer = new Map<number, GraphNode>();
  for (const node of [...graph.nodes].reverse()) for (const t of node.inputs) firstConsumer.set(t, node);

  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const pendingConv = new Map<number, { node: GraphNode; weight: Float32Array; bias?: Float32Array; dims: number[] }>();

  const emitConv = (node: GraphNode & { op: 'Conv' }, outName: string, weight: Float32Array, dims: number[], bias?: Float32Array) => {
    const a = node.attrs;
    initializers.push(floatTensor(`${node.name}.weight`, dims, weight));
    const inputs = [name(node.inputs[0] as number), `${node.name}.weight`];
    if (bias) {
      initializers.push(floatTensor(`${node.name}.bias`, [a.outChannels], bias));
      inputs.push(`${node.name}.bias`);
    }
    nodes.push({
      name: node.name,
      opType: 'Conv',
      input: inputs,
      output: [outName],
      attribute: [ints('kernel_shape', a.kernel), ints('strides', a.strides), ints('pads', a.pads), ints('dilations', [1, 1]), int('group', a.group)],
    });
  };

  for (const node of graph.nodes) {
    const input = name(node.inputs[0] as number);
    const output = name(node.outputs[0] as number);
    const simple = (opType: string, attribute: AttributeProto[] = [], extraInputs: string[] = []) =>
      nodes.push({ name: node.name, opType, input: [...node.inputs.map(name), ...extraInputs], output: [output], attribute });
    switch (node.op) {
      case 'Conv': {
        const a = node.attrs;
        const cin = graph.tensors[node.inputs[0] as number]?.shape[1] as number;
        const dims = [a.outChannels, cin / a.group, a.kernel[0], a.kernel[1]];
        const fanIn = (cin / a.group) * a.kernel[0] * a.kernel[1];
        const weight = heNormal(rng, a.outChannels * fanIn, fanIn);
        const bias = a.bias ? new Float32Array(a.outChannels) : undefined;
        const next = firstConsumer.get(node.outputs[0] as number);
        if (fold && next?.op === 'BatchNormalization' && consumers[node.outputs[0] as number] === 1) {
          pendingConv.set(node.outputs[0] as number, { node, weight, bias, dims });
        } else {
          emitConv(node, output, weight, dims, bias);
        }
        break;
      }
      case 'BatchNormalization': {
        const channels = graph.tensors[node.inputs[0] as number]?.shape[1] as number;
        const bn: BatchNormParams = randomBatchNorm(rng, channels, node.attrs.epsilon);
        const conv = pendingConv.get(node.inputs[0] as number);
        if (conv) {
          const folded = foldBatchNorm(conv.weight, conv.bias, bn);
          emitConv(conv.node as GraphNode & { op: 'Conv' }, output, folded.weight, conv.dims, folded.bias);
          break;
        }
        const names = ['scale', 'bias', 'mean', 'var'].map((k) => `${node.name}.${k}`);
        [bn.scale, bn.bias, bn.mean, bn.variance].forEach((data, i) => initializers.push(floatTensor(names[i] as string, [channels], data)));
        simple('BatchNormalization', [float('epsilon', node.attrs.epsilon)], names);
        break;
      }
      case 'Clip': {
        initializers.push(floatTensor(`${node.name}.min`, [], new Float32Array([node.attrs.min])));
        initializers.push(floatTensor(`${node.name}.max`, [], new Float32Array([node.attrs.max])));
        simple('Clip', [], [`${node.name}.min`, `${node.name}.max`]);
        break;
      }
      case 'Swish': // x * sigmoid(x): ONNX has no Swish op at these opsets
        nodes.push({ name: `${node.name}.sigmoid`, opType: 'Sigmoid', input: [input], output: [`${output}.gate`] });
        nodes.push({ name: node.name, opType: 'Mul', input: [input, `${output}.gate`], output: [output] });
        break;
      case 'LeakyRelu':
        simple('LeakyRelu', [float('alpha', node.attrs.alpha)]);
        break;
      case 'HardSigmoid':
        simple('HardSigmoid', [float('alpha', node.attrs.alpha), float('beta', node.attrs.beta)]);
        break;
      case 'MaxPool':
      case 'AveragePool': {
        const a = node.attrs;
        const attribute = [ints('kernel_shape', a.kernel), ints('strides', a.strides), ints('pads', a.pads), int('ceil_mode', a.ceilMode ? 1 : 0)];
        if (node.op === 'AveragePool') attribute.push(int('count_include_pad', a.countIncludePad === false ? 0 : 1));
        simple(node.op, attribute);
        break;
      }
      case 'Flatten':
        simple('Flatten', [int('axis', node.attrs.axis)]);
        break;
      case 'Concat':
        simple('Concat', [int('axis', node.attrs.axis)]);
        break;
      case 'Gemm': {
        const inFeatures = graph.tensors[node.inputs[0] as number]?.shape[1] as number;
        const out = node.attrs.outFeatures;
        initializers.push(floatTensor(`${node.name}.weight`, [out, inFeatures], heNormal(rng, out * inFeatures, inFeatures)));
        const extra = [`${node.name}.weight`];
        if (node.attrs.bias) {
          initializers.push(floatTensor(`${node.name}.bias`, [out], new Float32Array(out)));
          extra.push(`${node.name}.bias`);
        }
        simple('Gemm', [int('transB', 1)], extra);
        break;
      }
      case 'Add':
      case 'Mul': {
        const shape = node.attrs.weight;
        if (!shape) {
          simple(node.op);
          break;
        }
        const count = shape.reduce((p, d) => p * d, 1);
        // a learned bias near 0 or a scale near 1
        const data = node.op === 'Add' ? gaussian(rng, count, 0.1) : uniform(rng, count, 0.5, 1.5);
        initializers.push(floatTensor(`${node.name}.weight`, shape, data));
        simple(node.op, [], [`${node.name}.weight`]);
        break;
      }
      case 'Dropout': // inference: the identity; the ratio stays as documentation
        simple('Dropout');
        break;
      default:
        simple(node.op); // Relu, Sigmoid, HardSwish, Add, Mul, GlobalAveragePool
    }
  }

  return {
    irVersion: 7,
    producerName: 'paretonas',
    opsetImport: [{ domain: '', version: options.opset ?? DEFAULT_OPSET }],
    graph: {
      name: graph.name,
      node: nodes,
      initializer: initializers,
      input: graph.inputs.map((t) => valueInfo(name(t), graph.tensors[t]?.shape as number[])),
      output: graph.outputs.map((t) => valueInfo(name(t), graph.tensors[t]?.shape as number[])),
    },
  };
}

/** Serialises a Graph to ONNX bytes (the content of a .onnx file). */
export function exportOnnx(graph: Graph, options: ExportOptions = {}): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(graphToModelProto(graph, options) as Record<string, unknown>)).finish();
}

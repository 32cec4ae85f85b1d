/**
 * Small ONNX models written inline for the importer's tests: one input `x`, one output `y`, the
 * given nodes and initializers (float, or int64 when `ints` is given).
 */
import * as ort from 'onnxruntime-node';
import type { Graph } from '../../lib/graph/types.js';
import { onnx, type ModelProto, type NodeProto } from '../../lib/onnx/proto.js';

export interface TinyInit {
  name: string;
  dims: number[];
  /** int64 values (a shape, axes, pads). */
  ints?: number[];
  /** float values; else every element is `fill`. */
  floats?: number[];
}

export interface TinyOptions {
  /** The input's dims; a string is a symbolic dim (default [1, 3, 8, 8]). */
  inputDims?: readonly (number | string)[];
  opset?: number;
  name?: string;
  /** The value of float initializers without `floats` (default 0). */
  fill?: number;
}

export function tinyModel(nodes: NodeProto[], inits: readonly TinyInit[] = [], options: TinyOptions = {}): ModelProto {
  const fill = options.fill ?? 0;
  const elements = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
  const initializer = (t: TinyInit) => {
    if (t.ints) return { name: t.name, dims: t.dims, dataType: 7, int64Data: t.ints };
    if (t.floats) return { name: t.name, dims: t.dims, dataType: 1, floatData: t.floats };
    return fill === 0 ? { name: t.name, dims: t.dims, dataType: 1, rawData: new Uint8Array(4 * elements(t.dims)) } : { name: t.name, dims: t.dims, dataType: 1, floatData: new Array<number>(elements(t.dims)).fill(fill) };
  };
  return onnx.ModelProto.fromObject({
    irVersion: 8,
    opsetImport: [{ version: options.opset ?? 14 }],
    graph: {
      name: options.name ?? 'tiny',
      node: nodes,
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: (options.inputDims ?? [1, 3, 8, 8]).map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
      initializer: inits.map(initializer),
    },
  });
}

/** onnxruntime's output dims for the model on a zero input of `dims`. */
export async function ortDims(model: ModelProto, dims: readonly number[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish());
  try {
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(dims.reduce((p, d) => p * d, 1)), [...dims]) });
    return [...(out[session.outputNames[0] as string] as ort.Tensor).dims];
  } finally {
    await session.release();
  }
}

/** The shape of a graph's first output. */
export const outputShapeOf = (graph: Graph): number[] => [...(graph.tensors[graph.outputs[0] as number]?.shape ?? [])];

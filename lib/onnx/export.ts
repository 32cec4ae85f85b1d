/**
 * Graph -> ONNX. Every op says how it is written (graph/ops, the `onnx` facet: ONNX node sketches
 * and the initializers they read); this module turns those sketches into NodeProtos and draws the
 * initializers from one seeded rng in the order the sketches list them, so an export is a pure
 * function of (graph, seed, options). Names: a node's last ONNX node carries the graph node's name
 * and output tensor; initializers are `${node.name}.${suffix}`; a node that `shares` another's
 * weights reads `${shares}.${suffix}` and adds none.
 */
import { checkExportable } from '../graph/bounds.js';
import { OPS } from '../graph/ops/index.js';
import type { OnnxAttrValue, OnnxSketch, OnnxWeight } from '../graph/ops/index.js';
import type { Graph, GraphNode } from '../graph/types.js';
import { InputError } from '../errors.js';
import { createRng, type Rng } from '../rng.js';
import type { AttributeProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './proto.js';
import { FLOAT, INT64, onnx } from './proto.js';
import { drawWeight, foldBatchNorm } from './weights.js';

export interface ExportOptions {
  /** Seed of the He-initialised weights and the BN statistics (default 0). */
  seed?: number;
  /** Fold every BN that follows a conv into that conv's weights and bias (default false). */
  foldBatchNorm?: boolean;
  /** ONNX opset (default 14, the first with HardSwish; raised to 17 when the graph has a LayerNormalization). */
  opset?: number;
}

export const DEFAULT_OPSET = 14;
/** ONNX ops that exist only from a later opset than the default: the export's opset is raised to the highest one used. */
const FIRST_OPSET: Readonly<Record<string, number>> = { LayerNormalization: 17 };
const ATTR = onnx.AttributeProto.AttributeType;

function attribute(name: string, value: OnnxAttrValue): AttributeProto {
  if (typeof value === 'number') return { name, type: ATTR.INT, i: value };
  if (typeof value === 'string') return { name, type: ATTR.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: ATTR.INTS, ints: [...(value as number[])] };
  return { name, type: ATTR.FLOAT, f: (value as { float: number }).float };
}

function tensorProto(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): TensorProto {
  return { name, dims: [...dims], dataType: data instanceof Float32Array ? FLOAT : INT64, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function valueInfo(name: string, shape: readonly number[]): ValueInfoProto {
  // The batch dimension is symbolic, so a batch of any size can be fed.
  const dim = shape.map((d, i) => (i === 0 ? { dimParam: 'N' } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

const sketchesOf = (node: GraphNode, graph: Graph): readonly OnnxSketch[] => (OPS[node.op].onnx as (n: GraphNode, g: Graph) => readonly OnnxSketch[])(node, graph);
const weightsOf = (sketches: readonly OnnxSketch[]): OnnxWeight[] =>
  sketches.flatMap((s) => s.inputs.flatMap((i) => (typeof i === 'object' && 'weight' in i ? [i.weight] : [])));
const elements = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/** The opset the export declares: the requested one (default 14), raised for ops that need a later one. */
function opsetOf(sketches: readonly OnnxSketch[][], requested: number | undefined): number {
  let needed = 0;
  let needer = '';
  for (const s of sketches.flat()) {
    const first = FIRST_OPSET[s.opType] ?? 0;
    if (first > needed) [needed, needer] = [first, s.opType];
  }
  if (requested !== undefined && requested < needed) throw new InputError('opset', requested, `at least ${needed} for this graph`, `got ${requested}: the graph has ${needer}, which ONNX has from opset ${needed}`);
  return Math.max(requested ?? DEFAULT_OPSET, needed);
}

/**
 * Writes a Graph as an ONNX model with seeded weights; returns the protobuf object.
 * @throws InputError before any weight is drawn when the graph needs more than MAX_EXPORT_WEIGHTS
 *   (2^28) weight elements, or when `opset` is below what one of its ops needs.
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
  // A conv whose weights another node reads (or that reads another's) keeps its weights unfolded.
  const shared = new Set<string>();
  for (const node of graph.nodes) if (node.shares !== undefined) shared.add(node.shares).add(node.name);
  const allSketches = graph.nodes.map((node) => sketchesOf(node, graph) as OnnxSketch[]);
  const opset = opsetOf(allSketches, options.opset);

  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const written = new Set<string>();
  /** Weights drawn for a conv waiting for its BN (by initializer suffix), and its sketches. */
  const pendingConv = new Map<number, { node: GraphNode; sketches: readonly OnnxSketch[]; drawn: Map<string, Float32Array | BigInt64Array> }>();
  const draw = (weights: readonly OnnxWeight[]) => new Map(weights.map((w) => [w.suffix, drawWeight(rng, w.init, elements(w.dims))] as const));

  /** Appends the ONNX nodes of `node` writing `output`; its own initializers from `drawn`, or drawn here in order. */
  const emit = (node: GraphNode, sketches: readonly OnnxSketch[], output: string, drawn?: ReadonlyMap<string, Float32Array | BigInt64Array>) => {
    const owner = node.shares ?? node.name;
    const outs: string[] = [];
    sketches.forEach((sketch, k) => {
      const last = k === sketches.length - 1;
      const out = last ? output : `${output}.${sketch.output ?? k}`;
      const input = sketch.inputs.map((i) => {
        if (i === '') return '';
        if ('tensor' in i) return name(node.inputs[i.tensor] as number);
        if ('from' in i) return outs[i.from] as string;
        const init = `${owner}.${i.weight.suffix}`;
        if (node.shares === undefined && !written.has(init)) {
          written.add(init);
          initializers.push(tensorProto(init, i.weight.dims, drawn?.get(i.weight.suffix) ?? drawWeight(rng, i.weight.init, elements(i.weight.dims))));
        }
        return init;
      });
      outs.push(out);
      const attributes = Object.entries(sketch.attributes).map(([key, value]) => attribute(key, value));
      nodes.push({ name: last ? node.name : `${node.name}.${sketch.name ?? k}`, opType: sketch.opType, input, output: [out], attribute: attributes });
    });
  };

  graph.nodes.forEach((node, index) => {
    const sketches = allSketches[index] as OnnxSketch[];
    const output = name(node.outputs[0] as number);
    const next = firstConsumer.get(node.outputs[0] as number);
    if (fold && node.op === 'Conv' && !shared.has(node.name) && next?.op === 'BatchNormalization' && consumers[node.outputs[0] as number] === 1) {
      pendingConv.set(node.outputs[0] as number, { node, sketches, drawn: draw(weightsOf(sketches)) });
      return;
    }
    const conv = node.op === 'BatchNormalization' ? pendingConv.get(node.inputs[0] as number) : undefined;
    if (conv && node.op === 'BatchNormalization') {
      // BN statistics are drawn as the unfolded export draws them, then folded into the conv (ONNX Conv: input 1 W, input 2 B).
      const stats = draw(weightsOf(sketches));
      const byInit = new Map(weightsOf(sketches).map((w) => [w.init, stats.get(w.suffix) as Float32Array]));
      const convInputs = (conv.sketches.at(-1) as OnnxSketch).inputs;
      const weight = convInputs[1] as { weight: OnnxWeight };
      const bias = convInputs[2] as { weight: OnnxWeight } | undefined;
      const folded = foldBatchNorm(conv.drawn.get(weight.weight.suffix) as Float32Array, bias && (conv.drawn.get(bias.weight.suffix) as Float32Array), {
        scale: byInit.get('bn-scale') as Float32Array,
        bias: byInit.get('bn-bias') as Float32Array,
        mean: byInit.get('bn-mean') as Float32Array,
        variance: byInit.get('bn-var') as Float32Array,
        epsilon: node.attrs.epsilon,
      });
      const biasWeight: OnnxWeight = bias?.weight ?? { suffix: 'bias', dims: [folded.bias.length], init: 'zeros' };
      const foldedSketches = conv.sketches.map((s, k) =>
        k === conv.sketches.length - 1 ? { ...s, inputs: [s.inputs[0] as { tensor: number }, weight, { weight: biasWeight }] } : s,
      );
      emit(conv.node, foldedSketches, output, new Map([[weight.weight.suffix, folded.weight], [biasWeight.suffix, folded.bias]]));
      return;
    }
    emit(node, sketches, output);
  });

  return {
    irVersion: 7,
    producerName: 'paretonas',
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: graph.name,
      node: nodes,
      initializer: initializers,
      input: graph.inputs.map((t) => valueInfo(name(t), graph.tensors[t]?.shape as number[])),
      output: graph.outputs.map((t) => valueInfo(name(t), graph.tensors[t]?.shape as number[])),
    },
  };
}

/** The bytes of an ONNX model (the content of a .onnx file). */
export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model as Record<string, unknown>)).finish();
}

/** Serialises a Graph to ONNX bytes (the content of a .onnx file). */
export function exportOnnx(graph: Graph, options: ExportOptions = {}): Uint8Array {
  return encodeModel(graphToModelProto(graph, options));
}

/**
 * ONNX -> Graph. A handler per ONNX op type (the registry below, one file a family: conv, pool,
 * activation, elementwise, matmul, shape, constants), and constant folding first: a node all of
 * whose inputs are constants is evaluated (constants.ts), so shape arithmetic, pads and Resize
 * sizes written as subgraphs become numbers. Weights become attributes (only their dims matter).
 *
 * Counting rules applied here (README "How costs are counted"): a stored tensor read by several
 * nodes is owned by the first (later readers get `shares`); a file written at a fixed batch N is
 * read at batch 1 (costs are per image) with a note through `onNote`; one-element constants of
 * arithmetic keep their value as `scalar` (not a parameter).
 *
 * Refused before any handler runs: a value written twice (ONNX graphs are SSA) and an input
 * dimension of 0 (a zero-size tensor, not an unknown size) or below, unless --input replaces it.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { checkShape } from '../../graph/bounds.js';
import { checkShares } from '../../graph/shares.js';
import type { Graph, GraphNode } from '../../graph/types.js';
import { checkRegularFile } from '../../read-bounded.js';
import type { ModelProto, NodeProto } from '../proto.js';
import { onnx, toNumber } from '../proto.js';
import { isUniform } from '../tensors.js';
import { ACTIVATION_HANDLERS } from './activation.js';
import type { Handler } from './constants.js';
import { CONSTANT_HANDLERS, constantOnly, FOLDABLE_OPS, FOLDERS, foldNode } from './constants.js';
import { Attrs, ImportContext, readConstant, shown, shownList } from './context.js';
import { CONV_HANDLERS } from './conv.js';
import { ELEMENTWISE_HANDLERS } from './elementwise.js';
import { MATMUL_HANDLERS } from './matmul.js';
import { POOL_HANDLERS } from './pool.js';
import { SHAPE_HANDLERS } from './shape.js';

/** Import handlers by ONNX op type. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  ...CONSTANT_HANDLERS,
  ...CONV_HANDLERS,
  ...POOL_HANDLERS,
  ...ACTIVATION_HANDLERS,
  ...ELEMENTWISE_HANDLERS,
  ...MATMUL_HANDLERS,
  ...SHAPE_HANDLERS,
  // shape arithmetic: folded when its inputs are constants, refused on computed tensors
  ...Object.fromEntries(FOLDABLE_OPS.filter((op) => !(op in CONSTANT_HANDLERS) && !(op in CONV_HANDLERS) && !(op in POOL_HANDLERS) && !(op in ACTIVATION_HANDLERS) && !(op in ELEMENTWISE_HANDLERS) && !(op in MATMUL_HANDLERS) && !(op in SHAPE_HANDLERS)).map((op) => [op, constantOnly])),
};

/** ONNX op types the importer reads on computed tensors (PyTorch's export vocabulary for these models). */
export const IMPORTABLE_OPS: readonly string[] = Object.keys(HANDLERS).filter((op) => HANDLERS[op] !== constantOnly && op !== 'Constant');
/**
 * IMPORTABLE_OPS as the unknown-op error writes it: ops ending in the same word grouped with
 * slashes (Max/Average/GlobalAveragePool is MaxPool, AveragePool, GlobalAveragePool; Leaky/P/Relu is
 * LeakyRelu, PRelu, Relu) so that
 * the line stays under 400 characters. A test checks it names exactly IMPORTABLE_OPS.
 */
export const IMPORTABLE_OPS_TEXT =
  'Conv,ConvTranspose,Max/Average/GlobalAveragePool,ReduceMean,Resize,Upsample,Pad,Batch/LayerNormalization,Leaky/P/Relu,Elu,Clip,' +
  'Hard/Sigmoid,HardSwish,Tanh,Gelu,Erf,Sqrt,Log/Softmax,Dropout,Identity,Cast,Shape,Add,Sub,Mul,Div,Pow,Gemm,MatMul,Flatten,Reshape,' +
  'Squeeze,Unsqueeze,Transpose,Concat,Slice,Split,Gather';

/** ONNX op types evaluated at import when all their inputs are constants (shape arithmetic). */
export const FOLDED_OPS: readonly string[] = FOLDABLE_OPS;

export interface ImportOptions {
  /** Input shape (e.g. [1, 3, 224, 224]) where the model's own is dynamic or to override it. */
  inputShape?: readonly number[];
  name?: string;
  /** Told what the import changed that the user should know (e.g. a fixed batch read at batch 1); `estimate` prints it. */
  onNote?: (text: string) => void;
}

/** Decodes ONNX bytes with a clear error for anything that is not an ONNX model. */
export function decodeModel(bytes: Uint8Array, source = 'ONNX file'): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new InputError(source, `${bytes.length} bytes`, 'an ONNX model (protobuf ModelProto)', `cannot be decoded (${(err as Error).message})`);
  }
  if (!model.graph || !model.graph.node || model.graph.node.length === 0) {
    throw new InputError(source, `${bytes.length} bytes`, 'an ONNX model with a graph of nodes', 'holds no graph');
  }
  return model;
}

/** The default-domain opset the file imports (13 when it names none). */
function opsetOf(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry?.version !== undefined && entry.version !== null ? toNumber(entry.version) : 13;
}

/** Where the unknown-op error points when the list itself does not fit the line. */
export const IMPORTABLE_OPS_REFERENCE = 'the ops listed in the README (estimate: ONNX import)';

/**
 * The unknown-op error: one line naming the node and the op type (cut with their length when very
 * long), then the ops that import: IMPORTABLE_OPS_TEXT when the line stays under 400 characters
 * with it ("paretonas estimate: " included), else IMPORTABLE_OPS_REFERENCE.
 */
function unsupported(node: NodeProto): InputError {
  const op = String(node.opType ?? '');
  const name = node.name || `${op}_${node.output?.[0]}`;
  const error = (allowed: string) => new InputError(`node ${shown(name, 40)}`, op, allowed, `op type ${shown(op, 40)} is not supported`);
  const full = error(IMPORTABLE_OPS_TEXT);
  return full.message.length <= 378 ? full : error(IMPORTABLE_OPS_REFERENCE);
}

/**
 * --input may set only the dims the file leaves dynamic (and the batch): a fixed dim it contradicts
 * would be read with weights written for another shape, and a later node blamed for it.
 * @throws InputError naming --input, the value and the file's fixed shape
 */
function checkInputAgainstFile(given: readonly number[], declared: readonly number[]): void {
  if (declared.length === 0) return; // the file declares no shape: --input gives it
  const fixedText = declared.map((d, i) => (i === 0 ? 'N' : d >= 1 ? String(d) : '?')).join('x');
  const clash = given.length !== declared.length || declared.some((d, i) => i > 0 && d >= 1 && given[i] !== d);
  if (clash) throw new InputError('--input', given.join('x'), `the file's fixed shape ${fixedText} (only dynamic dims, shown ?, may be set; the batch N may differ)`);
}

/** Turns an ONNX model into a Graph: weights become attributes, constants are folded away. */
export function importModel(model: ModelProto, options: ImportOptions = {}): Graph {
  const g = model.graph as NonNullable<ModelProto['graph']>;
  const nodes = g.node ?? [];
  const initializerNames = new Set((g.initializer ?? []).map((t) => t.name as string));
  const graphInputs = (g.input ?? []).filter((v) => !initializerNames.has(v.name as string));
  if (graphInputs.length !== 1) {
    throw new InputError('ONNX graph inputs', graphInputs.map((v) => v.name), 'exactly one non-initializer input (an image batch)', `got ${graphInputs.length} [${shownList(graphInputs.map((v) => v.name))}]`);
  }
  const inputInfo = graphInputs[0] as NonNullable<(typeof graphInputs)[0]>;
  const declared = inputInfo.type?.tensorType?.shape?.dim?.map((d) => (d.dimValue !== undefined && d.dimValue !== null ? toNumber(d.dimValue) : NaN)) ?? [];
  const nonPositive = declared.findIndex((d) => d < 1);
  if (!options.inputShape && nonPositive >= 0) {
    // a dim_value 0 is a zero-size tensor (not "unknown": that is a dim_param or no value)
    const what = declared[nonPositive] === 0 ? 'is 0: a zero-size tensor' : `is negative (${declared[nonPositive]})`;
    throw new InputError(`input ${shown(inputInfo.name)}`, declared.map((d) => (Number.isNaN(d) ? '?' : d)).join('x'), 'positive sizes (or a dynamic size with --input, e.g. --input 1x3x224x224)', `dimension ${nonPositive} ${what}`);
  }
  if (options.inputShape) checkInputAgainstFile(options.inputShape, declared);
  const shape = options.inputShape ? [...options.inputShape] : declared.map((d, i) => (i === 0 && Number.isNaN(d) ? 1 : d));
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InputError(`input ${shown(inputInfo.name)}`, declared.map((d) => (Number.isNaN(d) ? '?' : d)).join('x'), 'a fixed shape; pass --input, e.g. --input 1x3x224x224', 'has a dynamic shape');
  }
  // a batch N (fixed in the file or given by --input) is read at batch 1: every count is per image
  const fileBatch = (shape[0] as number) > 1 ? (shape[0] as number) : 1;
  if (fileBatch > 1) {
    checkShape(`input ${shown(inputInfo.name)}`, shape); // the shape as given keeps the bounds too
    shape[0] = 1;
    options.onNote?.(
      options.inputShape
        ? `--input ${options.inputShape.join('x')} has a batch of ${fileBatch}: read at batch 1 (costs are per image)`
        : `input ${shown(inputInfo.name)} has a fixed batch of ${fileBatch}: read at batch 1 (costs are per image; pass --input to choose another shape)`,
    );
  }
  checkSingleWriters(nodes, inputInfo.name as string, initializerNames);
  const ctx = new ImportContext(options.name ?? g.name ?? 'onnx', opsetOf(model), fileBatch);
  for (const node of nodes) {
    for (const v of node.input ?? []) {
      const list = ctx.consumers.get(v);
      if (list) list.push(node);
      else ctx.consumers.set(v, [node]);
    }
  }
  for (const v of g.output ?? []) ctx.graphOutputs.add(v.name as string);
  for (const t of g.initializer ?? []) {
    const user = ctx.consumers.get(t.name as string)?.[0];
    ctx.constants.set(t.name as string, readConstant(t, `initializer ${shown(t.name ?? '')}${user ? ` (read by node ${shown(user.name || String(user.opType))})` : ''}`));
    ctx.stored.add(t.name as string);
    if (isUniform(t)) ctx.uniform.add(t.name as string);
  }
  ctx.tensors.set(inputInfo.name as string, ctx.builder.input(inputInfo.name as string, shape));

  for (const node of nodes) {
    const op = String(node.opType ?? '');
    ctx.builder.setBlock(node.name || `${op}_${node.output?.[0]}`); // the per-layer breakdown shows the file's own node names
    if (ctx.fused.has(node)) continue;
    const inputs = (node.input ?? []).filter((v) => v !== '');
    const allConstant = inputs.length > 0 && inputs.every((v) => ctx.isConstant(v));
    if (allConstant && Object.hasOwn(FOLDERS, op)) {
      foldNode(ctx, node, new Attrs(node));
      continue;
    }
    const handler = Object.hasOwn(HANDLERS, op) ? HANDLERS[op] : undefined;
    if (!handler) throw unsupported(node);
    if (allConstant && op !== 'Shape') {
      throw new InputError(ctx.field(node), inputs[0], `a node reading a computed tensor (ops folded on constants: ${FOLDED_OPS.length} shape-arithmetic ops)`, `all its inputs are constants [${shownList(inputs)}]`);
    }
    handler(ctx, node, new Attrs(node));
  }
  if (!g.output?.length) throw new InputError('ONNX graph outputs', [], 'at least one graph output');
  const outputNode: NodeProto = { name: 'graph output', opType: 'output' };
  const outputs = g.output.map((v) => ctx.tensorOf(outputNode, v.name as string));
  const graph = withShares(ctx.builder.finish(outputs), ctx.shares);
  checkShares(graph); // a sharing node is the same module: same op, same weight dims (graph/shares.ts)
  return graph;
}

/**
 * ONNX graphs are SSA: every value is written once. A value that two nodes write (or a node and
 * the graph input or an initializer) would leave one reader seeing the wrong tensor.
 * @throws InputError naming the value and both writers
 */
function checkSingleWriters(nodes: readonly NodeProto[], input: string, initializers: ReadonlySet<string>): void {
  const writer = new Map<string, NodeProto>();
  const nodeText = (n: NodeProto) => `node ${shown(n.name || `${n.opType}_${n.output?.[0]}`, 40)} (${shown(n.opType, 24)})`;
  for (const node of nodes) {
    for (const v of node.output ?? []) {
      if (v === '') continue; // an optional output left out
      const first = writer.get(v);
      const other = first ? nodeText(first) : v === input ? 'the graph input' : initializers.has(v) ? 'an initializer' : undefined;
      if (other) throw new InputError(`ONNX value ${shown(v, 40)}`, v, 'a value written by one node only (ONNX graphs are SSA)', `written by ${other} and by ${nodeText(node)}`);
      writer.set(v, node);
    }
  }
}

/** Marks the nodes that read an earlier node's stored weights (`shares` = that node's name). */
function withShares(graph: Graph, shares: ReadonlyMap<number, number>): Graph {
  if (shares.size === 0) return graph;
  const producer = new Map(graph.nodes.map((n) => [n.outputs[0] as number, n.name]));
  const nodes = graph.nodes.map((n): GraphNode => {
    const first = shares.get(n.outputs[0] as number);
    return first === undefined ? n : { ...n, shares: producer.get(first) as string };
  });
  return { ...graph, nodes };
}

export function importOnnxFile(path: string, options: ImportOptions = {}): Graph {
  let bytes: Uint8Array;
  checkRegularFile(path, 'FILE');
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InputError('FILE', path, 'a readable ONNX file', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  const base = path.split('/').pop()?.replace(/\.onnx$/, '') ?? 'onnx';
  return importModel(decodeModel(bytes, path), { name: base, ...options });
}

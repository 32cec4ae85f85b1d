/**
 * The LAMDA architecture text (paper section 4.1, "connection-oriented traversal"): one line per
 * node naming its op, attributes, the ids of its input tensors and its single output id. This
 * module holds the attribute table both directions share, the writer and the structural equality
 * the round trip is checked against; dsl-read.ts is the parser. The grammar is in docs/dsl-grammar.md.
 */
import { InputError, showName } from '../errors.js';
import type { Graph, GraphNode, OpType } from '../graph/types.js';

/** How an attribute value is written: `count` positive integer, `pair` 3x3, `pads` 1,1,1,1, `bool` 0/1, `shape` 1x64x1x1 or scalar. */
export type AttrKind = 'count' | 'int' | 'pair' | 'pads' | 'bool' | 'float' | 'shape';

export interface AttrSpec {
  /** The key in the text (`k` in `k=3x3`). */
  key: string;
  /** The NodeAttrs property; `cin` (the input channels) has none: it is derived, checked on parse. */
  prop?: string;
  kind: AttrKind;
  /** Optional in NodeAttrs: written only when the graph sets it. */
  optional?: boolean;
  /** What a value looks like, for error messages ("a kernel like 3x3"). */
  expected: string;
}

const CIN: AttrSpec = { key: 'cin', kind: 'count', optional: true, expected: 'the input channels, a positive integer' };
const KERNEL: AttrSpec = { key: 'k', prop: 'kernel', kind: 'pair', expected: 'a kernel like 3x3' };
const STRIDES: AttrSpec = { key: 's', prop: 'strides', kind: 'pair', expected: 'strides like 2x2' };
const PADS: AttrSpec = { key: 'p', prop: 'pads', kind: 'pads', expected: 'pads like 1,1,1,1 (top,left,bottom,right)' };
const float = (key: string, prop: string, what: string): AttrSpec => ({ key, prop, kind: 'float', expected: `${what}, a number like 0.5 or 1e-5 (inf and -inf allowed)` });
const POOL: readonly AttrSpec[] = [
  KERNEL,
  STRIDES,
  PADS,
  { key: 'ceil', prop: 'ceilMode', kind: 'bool', optional: true, expected: 'ceil mode, 0 or 1' },
  { key: 'countpad', prop: 'countIncludePad', kind: 'bool', optional: true, expected: 'count_include_pad, 0 or 1' },
];
const WEIGHT: readonly AttrSpec[] = [{ key: 'w', prop: 'weight', kind: 'shape', optional: true, expected: 'a constant operand shape like 1x64x1x1 (or scalar)' }];
const AXIS: readonly AttrSpec[] = [{ key: 'axis', prop: 'axis', kind: 'int', expected: 'an integer axis' }];

/** The attributes of every op, in the order they are written. */
export const OP_ATTRS: Readonly<Record<OpType, readonly AttrSpec[]>> = {
  Conv: [
    CIN,
    { key: 'out', prop: 'outChannels', kind: 'count', expected: 'output channels, a positive integer' },
    KERNEL,
    STRIDES,
    PADS,
    { key: 'g', prop: 'group', kind: 'count', expected: 'a group count, a positive integer' },
    { key: 'bias', prop: 'bias', kind: 'bool', expected: 'bias, 0 or 1' },
  ],
  BatchNormalization: [float('eps', 'epsilon', 'epsilon')],
  Relu: [],
  Clip: [float('min', 'min', 'the lower bound'), float('max', 'max', 'the upper bound')],
  LeakyRelu: [float('alpha', 'alpha', 'the negative slope')],
  Sigmoid: [],
  Swish: [],
  HardSigmoid: [float('alpha', 'alpha', 'the slope'), float('beta', 'beta', 'the offset')],
  HardSwish: [],
  Add: WEIGHT,
  Mul: WEIGHT,
  GlobalAveragePool: [],
  AveragePool: POOL,
  MaxPool: POOL,
  Flatten: AXIS,
  Gemm: [
    { ...CIN, expected: 'the input features, a positive integer' },
    { key: 'out', prop: 'outFeatures', kind: 'count', expected: 'output features, a positive integer' },
    { key: 'bias', prop: 'bias', kind: 'bool', expected: 'bias, 0 or 1' },
  ],
  Concat: AXIS,
  Dropout: [float('ratio', 'ratio', 'the drop ratio')],
};

/** Ops that take several tensor inputs (Add and Mul may also take one plus a constant `w`). */
export const MULTI_INPUT_OPS: ReadonlySet<OpType> = new Set<OpType>(['Add', 'Mul', 'Concat']);

/** A name written bare when it is made of these characters, else as a JSON string. */
export const BARE_NAME = /^[A-Za-z0-9_.:/+-]+$/;

export function formatName(name: string): string {
  return BARE_NAME.test(name) ? name : JSON.stringify(name);
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('x');
}

export function formatNumber(x: number): string {
  if (Number.isNaN(x)) throw new InputError('attribute', x, 'a number (inf and -inf allowed, NaN not)', 'NaN cannot be written');
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(x);
}

export function formatValue(kind: AttrKind, value: unknown): string {
  switch (kind) {
    case 'count':
    case 'int':
      return String(value);
    case 'pair':
      return (value as readonly number[]).join('x');
    case 'pads':
      return (value as readonly number[]).join(',');
    case 'bool':
      return value ? '1' : '0';
    case 'float':
      return formatNumber(value as number);
    case 'shape':
      return formatShape(value as readonly number[]);
  }
}

/** Canonical tensor ids: graph inputs t0..t(k-1), then each node's output in execution order. */
function canonicalIds(graph: Graph): Map<number, number> {
  const ids = new Map<number, number>();
  graph.inputs.forEach((t) => ids.set(t, ids.size));
  graph.nodes.forEach((node, i) => {
    const out = node.outputs[0];
    if (node.outputs.length !== 1 || out === undefined) throw new InputError(`${showName(graph.name)}: node ${showName(node.name)} outputs`, node.outputs, 'exactly one output tensor');
    if (ids.has(out)) throw new InputError(`${showName(graph.name)}: node ${showName(node.name)} outputs`, graph.tensors[out]?.name ?? out, 'a tensor no other node (or graph input) defines');
    ids.set(out, graph.inputs.length + i);
  });
  return ids;
}

/** The canonical id of tensor `t`, which must be defined before id `before` (a topological order). */
function idOf(graph: Graph, ids: Map<number, number>, t: number, where: string, before = Infinity): number {
  const id = ids.get(t);
  if (id === undefined || id >= before) throw new InputError(`${showName(graph.name)}: ${where}`, graph.tensors[t]?.name ?? t, 'a graph input or the output of an earlier node');
  return id;
}

function nodeLine(graph: Graph, ids: Map<number, number>, node: GraphNode): string {
  const self = ids.get(node.outputs[0] as number) as number;
  const inputs = node.inputs.map((t) => `t${idOf(graph, ids, t, `node ${node.name} input`, self)}`);
  let line = `t${self} = ${node.op}(${inputs.join(',')})`;
  const attrs = node.attrs as unknown as Record<string, unknown>;
  for (const spec of OP_ATTRS[node.op]) {
    let value: unknown;
    if (spec.prop === undefined) value = graph.tensors[node.inputs[0] as number]?.shape[1];
    else value = attrs[spec.prop];
    if (value === undefined) {
      if (spec.optional) continue;
      throw new InputError(`${showName(graph.name)}: node ${showName(node.name)} attrs.${spec.prop}`, value, spec.expected);
    }
    line += ` ${spec.key}=${formatValue(spec.kind, value)}`;
  }
  if (node.block !== '') line += ` | block=${formatName(node.block)}`;
  return line;
}

/** The text as lines: the header, one line per node in execution order, the output line. */
export function serializeNodeLines(graph: Graph): string[] {
  if (graph.inputs.length === 0) throw new InputError(`${showName(graph.name)} inputs`, [], 'at least one graph input');
  if (graph.outputs.length === 0) throw new InputError(`${showName(graph.name)} outputs`, [], 'at least one graph output');
  const ids = canonicalIds(graph);
  const inputs = graph.inputs.map((t, i) => `t${i}:${formatShape(graph.tensors[t]?.shape ?? [])}`);
  const outputs = graph.outputs.map((t) => `t${idOf(graph, ids, t, 'output')}`);
  return [`graph ${formatName(graph.name)} input ${inputs.join(',')}`, ...graph.nodes.map((n) => nodeLine(graph, ids, n)), `output ${outputs.join(',')}`];
}

/** The canonical text of a graph (lines joined by "\n", with a final newline). */
export function serializeGraph(graph: Graph): string {
  return `${serializeNodeLines(graph).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Structural equality

export interface CanonicalNode {
  op: OpType;
  /** The NodeAttrs properties the op has (optional ones only when set), arrays copied. */
  attrs: Record<string, unknown>;
  /** Canonical tensor ids (see canonicalIds). */
  inputs: number[];
  shape: number[];
  elements: number;
  block: string;
}

/**
 * A graph with its names dropped and its tensors renumbered canonically. Two graphs are equal
 * when these are: same name, input shapes, ops, attributes, connectivity, output shapes, blocks
 * and output tensors. Node names, tensor names and the order of the tensors array do not count.
 */
export interface CanonicalGraph {
  name: string;
  inputs: { shape: number[]; elements: number }[];
  nodes: CanonicalNode[];
  outputs: number[];
}

export function canonicalGraph(graph: Graph): CanonicalGraph {
  const ids = canonicalIds(graph);
  const tensor = (t: number) => {
    const info = graph.tensors[t];
    if (!info) throw new InputError(`${showName(graph.name)}: tensor`, t, 'an index into the graph tensors');
    return { shape: [...info.shape], elements: info.elements };
  };
  return {
    name: graph.name,
    inputs: graph.inputs.map(tensor),
    nodes: graph.nodes.map((node) => {
      const own = node.attrs as unknown as Record<string, unknown>;
      const attrs: Record<string, unknown> = {};
      for (const spec of OP_ATTRS[node.op]) {
        if (spec.prop === undefined || own[spec.prop] === undefined) continue;
        const v = own[spec.prop];
        attrs[spec.prop] = Array.isArray(v) ? [...(v as unknown[])] : v;
      }
      return {
        op: node.op,
        attrs,
        inputs: node.inputs.map((t) => idOf(graph, ids, t, `node ${node.name} input`, ids.get(node.outputs[0] as number))),
        ...tensor(node.outputs[0] as number),
        block: node.block,
      };
    }),
    outputs: graph.outputs.map((t) => idOf(graph, ids, t, 'output')),
  };
}

function show(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v) ?? 'undefined';
}

/** The first place two values differ (a path like `.nodes[3].attrs.kernel[1]`), or undefined. */
function difference(a: unknown, b: unknown, path: string): string | undefined {
  if (Object.is(a, b) || (typeof a === 'number' && a === b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} vs ${b.length} (${show(a)} vs ${show(b)})`;
    for (let i = 0; i < a.length; i++) {
      const d = difference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
    for (const k of keys) {
      const d = difference(ra[k], rb[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return `${path}: ${show(a)} vs ${show(b)}`;
}

export interface EqualityOptions {
  /** Do not compare the graph names (default false). */
  ignoreName?: boolean;
}

/** Where two graphs differ structurally (see CanonicalGraph), or undefined when they are equal. */
export function graphDifference(a: Graph, b: Graph, options: EqualityOptions = {}): string | undefined {
  const ca = canonicalGraph(a);
  const cb = canonicalGraph(b);
  if (options.ignoreName) cb.name = ca.name;
  return difference(ca, cb, 'graph');
}

export function graphsEqual(a: Graph, b: Graph, options: EqualityOptions = {}): boolean {
  return graphDifference(a, b, options) === undefined;
}

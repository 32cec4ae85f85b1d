/**
 * The LAMDA architecture text (paper section 4.1, "connection-oriented traversal"): one line per
 * node naming its op, attributes, the ids of its input tensors and its single output id. The
 * attributes of each op are its descriptor's `dsl` facet (lib/graph/ops); this module holds the
 * writer and the structural equality the round trip is checked against; dsl-read.ts is the
 * parser. The grammar is in docs/dsl-grammar.md.
 */
import { formatValue as formatInput, InputError, showName } from '../errors.js';
import { OPS } from '../graph/ops/index.js';
import type { AttrKind, AttrSpec } from '../graph/ops/spec.js';
import type { Graph, GraphNode, OpType } from '../graph/types.js';
import { OP_TYPES } from '../graph/types.js';

export type { AttrKind, AttrSpec } from '../graph/ops/spec.js';

/** The attributes of every op, in the order they are written: each op descriptor's `dsl` facet (graph/ops). */
export const OP_ATTRS: Readonly<Record<OpType, readonly AttrSpec[]>> = Object.fromEntries(OP_TYPES.map((op) => [op, OPS[op].dsl])) as Record<OpType, readonly AttrSpec[]>;

/** Ops that take several tensor inputs (their arity allows more than one; Add and the like may also take one plus a constant `w`). */
export const MULTI_INPUT_OPS: ReadonlySet<OpType> = new Set<OpType>(OP_TYPES.filter((op) => OPS[op].arity[1] > 1));

/** The attribute naming the node whose stored weights a node reads (GraphNode.shares), written as that node's output id. */
export const SHARES_KEY = 'shares';

/**
 * Whether an optional attribute holds its neutral value and is left out of the text (and of the
 * canonical form): `dims` all 1 (dilations), `ints` or `pads` all 0 (output padding). Absent and neutral
 * mean the same to every reader, so texts written before these attributes existed stay as they were.
 */
export function isNeutral(spec: AttrSpec, value: unknown): boolean {
  if (!spec.optional || !Array.isArray(value) || value.length === 0) return false;
  if (spec.kind === 'dims') return value.every((v) => v === 1);
  if (spec.kind === 'ints' || spec.kind === 'pads') return value.every((v) => v === 0);
  return false;
}

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

/** An empty `ints` list (e.g. no axes) is written as this word. */
export const EMPTY_INTS = 'none';

export function formatValue(kind: AttrKind, value: unknown): string {
  switch (kind) {
    case 'count':
    case 'int':
    case 'word':
      return String(value);
    case 'dims':
      return (value as readonly number[]).join('x');
    case 'pads':
      return (value as readonly number[]).join(',');
    case 'ints':
      return (value as readonly number[]).length === 0 ? EMPTY_INTS : (value as readonly number[]).join(',');
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

/**
 * The index of the earlier node whose weights `node` (at `index`) reads, by its name in `shares`;
 * undefined when the node owns its weights.
 * @throws InputError when no single earlier node has that name.
 */
export function sharedNodeIndex(graph: Graph, node: GraphNode, index: number): number | undefined {
  if (node.shares === undefined) return undefined;
  const matches: number[] = [];
  for (let i = 0; i < index; i++) if (graph.nodes[i]?.name === node.shares) matches.push(i);
  if (matches.length !== 1 || graph.nodes[matches[0] as number]?.op !== node.op) {
    const why = matches.length === 0 ? 'no earlier node has that name' : matches.length > 1 ? `${matches.length} earlier nodes have that name` : `that node is a ${graph.nodes[matches[0] as number]?.op}`;
    throw new InputError(`${showName(graph.name)}: node ${showName(node.name)} shares`, node.shares, `the name of one earlier ${node.op} node`, `got ${formatInput(node.shares)}: ${why}`);
  }
  return matches[0];
}

function nodeLine(graph: Graph, ids: Map<number, number>, node: GraphNode, index: number): string {
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
    if (isNeutral(spec, value)) continue;
    if (spec.kind === 'word' && !spec.words?.includes(value as string)) {
      throw new InputError(`${showName(graph.name)}: node ${showName(node.name)} attrs.${spec.prop}`, value, spec.expected);
    }
    line += ` ${spec.key}=${formatValue(spec.kind, value)}`;
  }
  const shared = sharedNodeIndex(graph, node, index);
  if (shared !== undefined) line += ` ${SHARES_KEY}=t${ids.get((graph.nodes[shared] as GraphNode).outputs[0] as number)}`;
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
  return [`graph ${formatName(graph.name)} input ${inputs.join(',')}`, ...graph.nodes.map((n, i) => nodeLine(graph, ids, n, i)), `output ${outputs.join(',')}`];
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
  /** The canonical id of the output of the node whose weights this one reads (GraphNode.shares); absent when it owns them. */
  shares?: number;
}

/**
 * A graph with its names dropped and its tensors renumbered canonically. Two graphs are equal
 * when these are: same name, input shapes, ops, attributes (a neutral optional one, see isNeutral,
 * as if absent), connectivity, output shapes, blocks, shared weights and output tensors. Node
 * names, tensor names and the order of the tensors array do not count.
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
    nodes: graph.nodes.map((node, index) => {
      const own = node.attrs as unknown as Record<string, unknown>;
      const attrs: Record<string, unknown> = {};
      for (const spec of OP_ATTRS[node.op]) {
        if (spec.prop === undefined || own[spec.prop] === undefined || isNeutral(spec, own[spec.prop])) continue;
        const v = own[spec.prop];
        attrs[spec.prop] = Array.isArray(v) ? [...(v as unknown[])] : v;
      }
      const canonical: CanonicalNode = {
        op: node.op,
        attrs,
        inputs: node.inputs.map((t) => idOf(graph, ids, t, `node ${node.name} input`, ids.get(node.outputs[0] as number))),
        ...tensor(node.outputs[0] as number),
        block: node.block,
      };
      const shared = sharedNodeIndex(graph, node, index);
      return shared === undefined ? canonical : { ...canonical, shares: ids.get((graph.nodes[shared] as GraphNode).outputs[0] as number) as number };
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

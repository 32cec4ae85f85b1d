/**
 * The state one import shares between its handlers: the graph being built, the ONNX values that
 * are constants (initializers, Constant nodes, folded shape arithmetic) and those that are graph
 * tensors, the readers of every value, pending zero pads, fused biases, shared weights and the
 * batch the file was written at. Every error names the ONNX node (cut as errors show names).
 */
import { InputError, showName } from '../../errors.js';
import { GraphBuilder } from '../../graph/builder.js';
import { OPS } from '../../graph/ops/index.js';
import type { NodeAttrs, OpType } from '../../graph/types.js';
import type { AttributeProto, NodeProto, TensorProto } from '../proto.js';
import { onnx, toNumber } from '../proto.js';
import { checkTensor, tensorValues } from '../tensors.js';

/**
 * A constant value: its dims and, when known, its values in row-major order (`values.length`
 * equals the element count). Large stored weights keep only their dims (`values` empty): only
 * shapes matter for them. `int`: an integer type (ONNX Div truncates).
 */
export interface Constant {
  dims: number[];
  values: number[];
  int: boolean;
}

/** Element count of dims. */
export function elementsOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Whether a constant's values are all known (not only its dims). */
export const known = (c: Constant): boolean => c.values.length === elementsOf(c.dims);

const DT = onnx.TensorProto.DataType;
const INT_TYPES = new Set<number>([DT.INT8, DT.INT16, DT.INT32, DT.INT64, DT.UINT8, DT.UINT16, DT.UINT32, DT.UINT64, DT.BOOL]);
export const isIntType = (type: number | null | undefined): boolean => INT_TYPES.has(type ?? 0);

/** A checked TensorProto as a constant (dims always; values for small tensors). */
export function readConstant(t: TensorProto, field: string): Constant {
  const { dims, elements } = checkTensor(t, field);
  return { dims, values: tensorValues(t, elements), int: isIntType(t.dataType) };
}

/** A name, op type or string from the file as every error shows it (showName: quoted, escaped, cut). */
export const shown = (name: unknown, max = 60): string => showName(String(name ?? ''), max);
/** Names from the file, each shown, joined by ", " (at most 8). */
export const shownList = (names: readonly unknown[]): string => `${names.slice(0, 8).map((n) => shown(n, 40)).join(', ')}${names.length > 8 ? `, and ${names.length - 8} more` : ''}`;

const WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six'];
/** "two positive integers" for 2 (words up to six). */
export const countWord = (n: number): string => WORDS[n] ?? String(n);

/**
 * The simplest number whose float32 is the float32 of `x` (ONNX float attributes and constants
 * are float32: 0.1 is stored as 0.10000000149011612 and read back as 0.1): a decimal of up to 6
 * significant digits, else a fraction p / q with q <= 16 (the 1/6 of a hard sigmoid), else the
 * shortest decimal. Non-finite values stay.
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.fround(x);
  for (let digits = 1; digits <= 6; digits++) {
    const v = Number(f.toPrecision(digits));
    if (Math.fround(v) === f) return v;
  }
  for (let q = 2; q <= 16; q++) {
    const v = Math.round(f * q) / q;
    if (Math.fround(v) === f) return v;
  }
  for (let digits = 7; digits <= 9; digits++) {
    const v = Number(f.toPrecision(digits));
    if (Math.fround(v) === f) return v;
  }
  return f;
}

/** The attributes of one ONNX node, read with defaults. */
export class Attrs {
  private readonly map: Map<string, AttributeProto>;
  constructor(node: NodeProto) {
    this.map = new Map((node.attribute ?? []).map((a) => [a.name as string, a]));
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  ints(key: string): number[] | undefined {
    return this.map.get(key)?.ints?.map(toNumber);
  }
  floats(key: string): number[] | undefined {
    const f = this.map.get(key)?.floats;
    return f ? f.map(shortestFloat32) : undefined;
  }
  int(key: string, fallback: number): number {
    return this.map.has(key) ? toNumber(this.map.get(key)?.i) : fallback;
  }
  /** A FLOAT attribute as the shortest decimal that is the same float32 (1e-5, not 0.000009999999747378752). */
  float(key: string, fallback: number): number {
    return this.map.has(key) ? shortestFloat32(this.map.get(key)?.f ?? fallback) : fallback;
  }
  string(key: string, fallback: string): string {
    const s = this.map.get(key)?.s;
    return s && s.length > 0 ? new TextDecoder().decode(s) : fallback;
  }
  tensor(key: string): TensorProto | undefined {
    return this.map.get(key)?.t ?? undefined;
  }
}

/** A zero pad waiting for the Conv or pool that reads it: its input value and pads (2 x rank, ONNX order). */
export interface PendingPad {
  source: string;
  pads: number[];
}

export class ImportContext {
  readonly builder: GraphBuilder;
  readonly constants = new Map<string, Constant>();
  /** ONNX value name -> graph tensor index. */
  readonly tensors = new Map<string, number>();
  /** ONNX value name -> the nodes reading it. */
  readonly consumers = new Map<string, NodeProto[]>();
  /** Names of the graph outputs (a Pad that is one cannot vanish into the next Conv). */
  readonly graphOutputs = new Set<string>();
  /** Initializer names (stored tensors: the ones a second reader shares). */
  readonly stored = new Set<string>();
  /**
   * Identity outputs of a stored tensor -> its name. PyTorch reads a tied weight through an Identity,
   * and also writes one for a parameter whose values equal another's (its exporter deduplicates
   * initializers by value): a reader through an alias shares only as a whole module.
   */
  readonly aliases = new Map<string, string>();
  /**
   * Initializers whose elements are all equal (ones, zeros): PyTorch merges such values of distinct
   * fresh parameters (two LayerNorms), so an Identity of one is another parameter, not an alias.
   */
  readonly uniform = new Set<string>();
  readonly pendingPads = new Map<string, PendingPad>();
  /** Add nodes already fused into the MatMul before them as its bias. */
  readonly fused = new Set<NodeProto>();
  /** Graph tensor -> the ONNX node whose handler added the graph node writing it, and that node's op (`add`). */
  private readonly producers = new Map<number, { node: NodeProto; op: OpType; attrs: unknown }>();
  /** Graph tensor -> the stored tensors its node reads as weights, in import order (see `shares`). */
  private readonly storedReads = new Map<number, StoredRead[]>();

  /**
   * @param opset the default-domain opset of the file (attribute defaults differ by it)
   * @param fileBatch the batch the file was written at, when read at batch 1 instead (else 1)
   */
  constructor(
    name: string,
    readonly opset: number,
    readonly fileBatch: number,
  ) {
    this.builder = new GraphBuilder(name);
  }

  /** The node's name as errors show it (`"conv_3"`; unnamed nodes: op and first output). */
  label(node: NodeProto): string {
    return shown(node.name || `${node.opType}_${node.output?.[0]}`);
  }

  /** The field of an error about a node: `node "c" (Conv) weight`. */
  field(node: NodeProto, what?: string): string {
    return `node ${this.label(node)} (${node.opType})${what ? ` ${what}` : ''}`;
  }

  isConstant(value: string | null | undefined): boolean {
    return value !== undefined && value !== null && value !== '' && this.constants.has(value);
  }

  /** Input i when it is a constant, else undefined ('' or absent: undefined too). */
  maybeConstant(node: NodeProto, i: number): Constant | undefined {
    const v = node.input?.[i];
    return v ? this.constants.get(v) : undefined;
  }

  /** Input i, which must be a constant (initializer, Constant node or folded). */
  constantOf(node: NodeProto, i: number, what: string): Constant {
    const c = this.maybeConstant(node, i);
    if (!c) throw new InputError(`${this.field(node)} input ${i}`, node.input?.[i], `a constant ${what} (initializer, Constant node or constant-foldable subgraph)`, `got ${shown(node.input?.[i] ?? '(none)')}`);
    return c;
  }

  /** The known values of constant input i (a shape, axes, pads: at most a few thousand values). */
  valuesOf(node: NodeProto, i: number, what: string): number[] {
    const c = this.constantOf(node, i, what);
    if (!known(c)) throw new InputError(`${this.field(node)} ${what}`, c.dims, 'a small constant whose values can be read');
    return c.values;
  }

  /** The graph tensor of an ONNX value computed by an earlier node (a pending Pad resolves to its input). */
  tensorOf(node: NodeProto, value: string | null | undefined): number {
    const v = value ?? '';
    const t = this.tensors.get(this.pendingPads.get(v)?.source ?? v);
    if (t === undefined) {
      if (this.isConstant(v)) throw new InputError(`${this.field(node)}`, v, 'a tensor computed from the model input here (constant operands are supported for arithmetic, weights, shapes and pads)', `input ${shown(v)} is a constant`);
      throw new InputError(`node ${this.label(node)}`, v, 'inputs produced by earlier nodes (a topologically sorted graph)', `got ${shown(v)}`);
    }
    return t;
  }

  /** The first (activation) input of the node. */
  x(node: NodeProto): number {
    return this.tensorOf(node, node.input?.[0]);
  }

  shape(tensor: number): readonly number[] {
    return this.builder.shape(tensor);
  }

  /** Adds a graph node and binds the ONNX node's first output to it. */
  add<K extends OpType>(node: NodeProto, op: K, inputs: readonly number[], attrs: NodeAttrs[K], label?: string): number {
    const t = this.builder.add(op, inputs, attrs, label);
    this.bind(node, t);
    this.producers.set(t, { node, op, attrs });
    return t;
  }

  bind(node: NodeProto, tensor: number, output = 0): void {
    this.tensors.set(node.output?.[output] as string, tensor);
  }

  setConstant(node: NodeProto, c: Constant, output = 0): void {
    this.constants.set(node.output?.[output] as string, c);
  }

  /**
   * Records that the graph node producing `tensor` (added by `add`) reads weights: `value` (a
   * constant operand of arithmetic: only it), else every stored input of its ONNX node from input
   * 1 on (weight, bias, BN vectors, LN scale and bias), except a Gemm's C that is not its bias
   * (added by a separate Add, which records it).
   */
  weights(tensor: number, value: string | null | undefined): void {
    const producer = this.producers.get(tensor);
    if (!value || !producer || !this.storedName(value)) return;
    const { node, op, attrs } = producer;
    const all = (node.input ?? []).map((v, i) => i);
    const positions = OPS[op].family === 'elementwise' ? [(node.input ?? []).indexOf(value)] : all.filter((i) => i >= 1 && !(op === 'Gemm' && i === 2 && !(attrs as NodeAttrs['Gemm']).bias));
    this.readStored(tensor, node, '', positions);
  }

  /** The stored tensor (initializer) a value is, directly or through Identity nodes; undefined for any other value. */
  storedName(value: string): string | undefined {
    const name = this.aliases.get(value) ?? value;
    return this.stored.has(name) ? name : undefined;
  }

  /**
   * Records the stored inputs of the ONNX `node` (all, or those at `positions`) as read by the graph node writing `tensor`;
   * `role` names a second ONNX node folded into the same graph node (MatMul's bias Add: 'bias').
   */
  readStored(tensor: number, node: NodeProto, role = '', positions?: readonly number[]): void {
    const layer = this.producers.get(tensor)?.node ?? node;
    const list = this.storedReads.get(tensor) ?? [];
    const op = this.producers.get(tensor)?.op;
    if (op === undefined) throw new Error(`readStored: tensor ${tensor} was not added by ImportContext.add`);
    (node.input ?? []).forEach((value, i) => {
      const name = value ? this.storedName(value) : undefined;
      if (name && (positions === undefined || positions.includes(i))) list.push({ value: name, alias: name !== value, position: `${role ? `${role} ${node.opType} ` : ''}input ${i}`, node, layer, op });
    });
    if (list.length > 0) this.storedReads.set(tensor, list);
  }

  /**
   * Output tensor of a graph node -> output tensor of the earlier node whose stored weights it
   * reads (one module applied again: PyTorch's parameters() counts a shared tensor once). A node
   * shares only when ALL the stored tensors it reads are read by ONE earlier node of the same ONNX
   * and graph op, at the same inputs, and that node reads no others.
   * @throws InputError naming the initializer and the two nodes for any other reuse of a stored
   *   tensor (a weight read by a Conv and a ConvTranspose, by a Gemm and a MatMul, a bias read by
   *   two layers whose weights differ, a Conv bias also read by an Add): it would be counted twice.
   */
  get shares(): ReadonlyMap<number, number> {
    const out = new Map<number, number>();
    const firstReader = new Map<string, number>();
    const key = (reads: readonly StoredRead[]): string => reads.map((r) => `${r.position}=${r.value}`).join('\n');
    for (const [tensor, reads] of this.storedReads) {
      const earlier = reads.map((r) => firstReader.get(r.value)).filter((t) => t !== undefined && t !== tensor) as number[];
      for (const r of reads) if (!firstReader.has(r.value)) firstReader.set(r.value, tensor);
      if (earlier.length === 0) continue; // owns every stored tensor it reads
      const owner = earlier[0] as number;
      const theirs = this.storedReads.get(owner) as StoredRead[];
      const mine = reads[0] as StoredRead;
      const same = earlier.length === reads.length && earlier.every((t) => t === owner) && key(theirs) === key(reads) && theirs[0]?.layer.opType === mine.layer.opType && theirs[0]?.op === mine.op;
      if (same) {
        out.set(tensor, owner);
        continue;
      }
      // Read through an Identity in part only: values the exporter deduplicated (two zero biases), two parameters.
      if (reads.every((x) => firstReader.get(x.value) === tensor || x.alias)) continue;
      const r = reads.find((x) => firstReader.get(x.value) !== tensor && !x.alias) as StoredRead;
      const first = theirs.find((x) => x.value === r.value) as StoredRead;
      const who = (x: StoredRead) => `node ${this.label(x.layer)} (${x.layer.opType}) as ${x.node === x.layer ? x.position : `${x.position.split(' ')[0]} (node ${this.label(x.node)} (${x.node.opType}) ${x.position.replace(/^\S+ \S+ /, '')})`}`;
      throw new InputError(
        `initializer ${shown(r.value)}`,
        r.value,
        'one reader, or readers of one op reading all the same stored tensors at the same inputs (a module applied again)',
        `read by ${who(first)} and by ${who(r)}: reuse across ops or in part is not supported (it would be counted twice)`,
      );
    }
    return out;
  }
}

/** One read of a stored tensor (initializer) as a weight. */
interface StoredRead {
  /** The initializer's name (through Identity aliases). */
  value: string;
  /** Read through an Identity of the initializer. */
  alias: boolean;
  /** `input 1`, or `bias Add input 1` for MatMul's fused bias. */
  position: string;
  /** The ONNX node reading it, and the one the graph node was made from (MatMul for its bias Add). */
  node: NodeProto;
  layer: NodeProto;
  /** The graph op of the node it became. */
  op: OpType;
}

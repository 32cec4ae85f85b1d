/**
 * The state one import shares between its handlers: the graph being built, the ONNX values that
 * are constants (initializers, Constant nodes, folded shape arithmetic) and those that are graph
 * tensors, the readers of every value, pending zero pads, fused biases, shared weights and the
 * batch the file was written at. Every error names the ONNX node (cut as errors show names).
 */
import { InputError, showName } from '../../errors.js';
import { GraphBuilder } from '../../graph/builder.js';
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
  readonly pendingPads = new Map<string, PendingPad>();
  /** Add nodes already fused into the MatMul before them as its bias. */
  readonly fused = new Set<NodeProto>();
  /** Output tensor of a graph node -> output tensor of the earlier node whose stored weights it reads. */
  readonly shares = new Map<number, number>();
  private readonly firstReader = new Map<string, number>();

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
    return t;
  }

  bind(node: NodeProto, tensor: number, output = 0): void {
    this.tensors.set(node.output?.[output] as string, tensor);
  }

  setConstant(node: NodeProto, c: Constant, output = 0): void {
    this.constants.set(node.output?.[output] as string, c);
  }

  /**
   * Records that the graph node producing `tensor` reads the stored tensor `value` (a weight):
   * a later reader of the same stored tensor gets `shares` = the first reader's name.
   */
  weights(tensor: number, value: string | null | undefined): void {
    if (!value || !this.stored.has(value)) return;
    const first = this.firstReader.get(value);
    if (first === undefined) this.firstReader.set(value, tensor);
    else if (first !== tensor) this.shares.set(tensor, first);
  }
}

/**
 * The parser of the LAMDA architecture text (grammar: docs/dsl-grammar.md). It checks the syntax
 * line by line, resolves every input id against the lines above, infers each output shape with
 * the shared shape rules and checks the redundant `cin`. Attributes, arity and value kinds come
 * from the op descriptors (lib/graph/ops); every problem is a DslSyntaxError with the 1-based
 * line and column and what was expected there.
 */
import { InputError, showName } from '../errors.js';
import { checkShape } from '../graph/bounds.js';
import { OPS } from '../graph/ops/index.js';
import type { AttrSpec } from '../graph/ops/spec.js';
import { checkNodeShares } from '../graph/shares.js';
import { inferOutputShape } from '../graph/shapes.js';
import type { Graph, GraphNode, OpType, TensorInfo } from '../graph/types.js';
import { OP_TYPES, tensorElements } from '../graph/types.js';
import { OP_ATTRS, SHARES_KEY } from './dsl-write.js';
import { exactly, expectedOf, expectedOp, parseDims, parseValue } from './dsl-values.js';

export class DslSyntaxError extends Error {
  /** 1-based line and column of the offending text. */
  readonly line: number;
  readonly column: number;
  /** What the parser expected there ("a kernel like 3x3"). */
  readonly expected: string;
  /** What it found, as shown in the message (`"3"`, `end of line`). */
  readonly found: string;

  constructor(line: number, column: number, expected: string, found: string) {
    super(`line ${line}, column ${column}: expected ${expected}, got ${found}`);
    this.name = 'DslSyntaxError';
    this.line = line;
    this.column = column;
    this.expected = expected;
    this.found = found;
  }
}

export interface ParseOptions {
  /** The graph name (default: the name on the header line). */
  name?: string;
}

const ID = /[A-Za-z_][A-Za-z0-9_]*/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const BARE = /[A-Za-z0-9_.:/+-]+/y;
const QUOTED = /"(?:[^"\\]|\\.)*"/y;
const VALUE = /[^\s|]+/y;
const TOKEN = /[^\s|,()=:]+|\S/y;
const OP_SET: ReadonlySet<string> = new Set(OP_TYPES);

/** A found token as shown in an error: showName's form (quoted, escaped, cut with its length). */
const quote = (s: string): string => showName(s);

/** Longest text parseGraph reads (16 MiB characters; ResNet-50's text is about 20 KB). */
export const MAX_DSL_CHARS = 16 * 2 ** 20;

/** A cursor over one line. Columns are 1-based. */
class LineCursor {
  pos = 0;
  constructor(
    readonly text: string,
    readonly line: number,
  ) {}

  spaces(): boolean {
    const start = this.pos;
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
    return this.pos > start;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  eat(s: string): boolean {
    if (!this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  /** The token at `at`, quoted, or `end of line`. */
  found(at = this.pos): string {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(this.text);
    return m ? quote(m[0]) : 'end of line';
  }

  fail(expected: string, at = this.pos, found = this.found(at)): never {
    throw new DslSyntaxError(this.line, at + 1, expected, found);
  }

  /** A graph or block name: bare characters or a JSON string. */
  name(what: string): string {
    const at = this.pos;
    const quoted = this.match(QUOTED);
    if (quoted !== undefined) {
      try {
        return JSON.parse(quoted) as string;
      } catch {
        this.fail(`${what} as a JSON string (control characters escaped)`, at, quoted);
      }
    }
    return this.match(BARE) ?? this.fail(`${what} (letters, digits and _.:/+- or a "quoted string")`, at);
  }

  /** Requires the end of the line (spaces allowed). */
  end(): void {
    this.spaces();
    if (!this.atEnd()) this.fail('end of line');
  }
}

/** "one input for Relu", "1 or 2 inputs for Add", "2 or more inputs for Concat": the arity of the op's descriptor. */
function arityOf(op: OpType): string {
  const [min, max] = OPS[op].arity;
  if (min === max) return `${min === 1 ? 'one input' : `${min} inputs`} for ${op}`;
  return `${min} ${Number.isFinite(max) ? `to ${max}` : 'or more'} inputs for ${op}`.replace(/^1 to 2 /, '1 or 2 ');
}

interface Parsed {
  value: unknown;
  at: number;
  text: string;
}

/**
 * Counts of the per-axis attributes against the first input: every `dims` value (kernel, strides,
 * dilations, sizes) one per spatial axis (rank - 2); `pads` two per spatial axis for an op with a
 * window (as many as the kernel's values, doubled), else two per axis (Pad). Inputs of rank < 3
 * are left to the shape rule.
 */
function checkCounts(c: LineCursor, op: OpType, values: ReadonlyMap<AttrSpec, Parsed>, input: TensorInfo): void {
  const rank = input.shape.length;
  const spatial = rank - 2;
  const windowed = OP_ATTRS[op].some((s) => s.kind === 'dims');
  const of = `${input.name}, ${input.shape.join('x')}`;
  for (const [spec, v] of values) {
    const n = (v.value as unknown[]).length;
    if (spec.kind === 'dims' && spatial >= 1 && n !== spatial) {
      c.fail(`${spec.expected} with ${spatial} value${spatial === 1 ? '' : 's'} (one per spatial axis of ${of})`, v.at, quote(v.text));
    }
    if (spec.kind === 'pads' && spec.prop === 'pads') {
      const want = windowed ? 2 * spatial : 2 * rank;
      if (want >= 2 && n !== want) c.fail(`${spec.expected} with ${want} values (begins then ends of each ${windowed ? 'spatial ' : ''}axis of ${of})`, v.at, quote(v.text));
    }
  }
}

interface Defined {
  tensor: number;
  line: number;
}

interface State {
  tensors: TensorInfo[];
  nodes: GraphNode[];
  ids: Map<string, Defined>;
}

function define(state: State, c: LineCursor, id: string, at: number, shape: readonly number[]): number {
  const previous = state.ids.get(id);
  if (previous) c.fail('a new tensor id', at, `${quote(id)} (already defined on line ${previous.line})`);
  state.ids.set(id, { tensor: state.tensors.length, line: c.line });
  state.tensors.push({ name: id, shape, elements: tensorElements(shape) });
  return state.tensors.length - 1;
}

/** A tensor id defined on an earlier line. */
function reference(state: State, c: LineCursor, what: string): number {
  const at = c.pos;
  const id = c.match(ID) ?? c.fail(`${what} (a tensor id like t5)`);
  const known = state.ids.get(id);
  if (!known) c.fail('a tensor id defined on an earlier line', at, quote(id));
  return known.tensor;
}

/** `shares=t5`: the name of the earlier node of the same op whose output is t5 (its weights are read, GraphNode.shares). */
function sharedNode(state: State, c: LineCursor, op: OpType): string {
  const at = c.pos;
  const expected = `the output id of an earlier ${op} node whose weights this one reads, like ${SHARES_KEY}=t5`;
  const id = c.match(ID) ?? c.fail(expected);
  const known = state.ids.get(id);
  const owner = known === undefined ? undefined : state.nodes.find((n) => n.outputs[0] === known.tensor);
  if (!owner) c.fail(expected, at, known === undefined ? quote(id) : `${quote(id)} (a graph input)`);
  if (owner.op !== op) c.fail(expected, at, `${quote(id)} (the output of a ${owner.op})`);
  return owner.name;
}

function parseHeader(state: State, c: LineCursor): string {
  c.spaces();
  if (c.match(WORD) !== 'graph') c.fail('the header "graph NAME input t0:1x3x224x224"', 0);
  if (!c.spaces()) c.fail('a space after "graph"');
  const name = c.name('the graph name');
  c.spaces();
  const at = c.pos;
  if (c.match(WORD) !== 'input') c.fail('"input" after the graph name', at);
  if (!c.spaces()) c.fail('a space after "input"');
  do {
    c.spaces();
    const idAt = c.pos;
    const id = c.match(ID) ?? c.fail('an input tensor id like t0');
    if (!c.eat(':')) c.fail('":" and the input shape, like t0:1x3x224x224');
    const shapeAt = c.pos;
    const dims = c.match(/[^\s,]+/y) ?? '';
    const shape = parseDims(dims) ?? c.fail(exactly('an input shape like 1x3x224x224', dims), shapeAt, dims === '' ? c.found(shapeAt) : quote(dims));
    try {
      checkShape('input', shape);
    } catch (err) {
      c.fail(`an input shape within the bounds (${(err as InputError).message.replace(/^input: /, '')})`, shapeAt, quote(dims));
    }
    define(state, c, id, idAt, shape);
    c.spaces();
  } while (c.eat(','));
  c.end();
  return name;
}

function parseNode(state: State, c: LineCursor): void {
  c.spaces();
  const idAt = c.pos;
  const id = c.match(ID) ?? c.fail('a node line "t5 = Op(t4) key=value ..." starting with its output tensor id');
  c.spaces();
  if (!c.eat('=')) c.fail('"=" after the output tensor id');
  c.spaces();
  const opAt = c.pos;
  const opName = c.match(WORD);
  if (opName === undefined || !OP_SET.has(opName)) c.fail(expectedOp(opName ?? ''), opAt);
  const op = opName as OpType;
  if (!c.eat('(')) c.fail(`"(" and the input tensor ids after ${op}`);
  const inputs: number[] = [];
  for (;;) {
    c.spaces();
    inputs.push(reference(state, c, `an input of ${op}`));
    c.spaces();
    if (c.eat(')')) break;
    if (!c.eat(',')) c.fail('"," or ")" after an input id');
  }
  const [fewest, most] = OPS[op].arity;
  if (inputs.length < fewest || inputs.length > most) c.fail(arityOf(op), opAt, `${inputs.length} input${inputs.length === 1 ? '' : 's'}`);

  const specs = OP_ATTRS[op];
  const values = new Map<AttrSpec, Parsed>();
  let shares: string | undefined;
  let sharesAt = 0;
  let sharesId = '';
  for (;;) {
    const spaced = c.spaces();
    if (c.atEnd() || c.text[c.pos] === '|') break;
    const keyAt = c.pos;
    if (!spaced) c.fail('a space before the next attribute');
    const key = c.match(WORD);
    const spec = specs.find((s) => s.key === key);
    if (!spec && key === SHARES_KEY) {
      if (shares !== undefined) c.fail(`each attribute of ${op} once`, keyAt, `a second ${quote(SHARES_KEY)}`);
      if (!c.eat('=')) c.fail(`"=" after ${SHARES_KEY}`);
      sharesAt = c.pos;
      shares = sharedNode(state, c, op);
      sharesId = c.text.slice(sharesAt, c.pos);
      continue;
    }
    if (!spec) {
      const allowed = specs.length === 0 ? `no attributes for ${op}: "|" or end of line` : `an attribute of ${op} (${specs.map((s) => s.key).join(', ')}), "|" or end of line`;
      c.fail(allowed, keyAt);
    }
    if (values.has(spec)) c.fail(`each attribute of ${op} once`, keyAt, `a second ${quote(spec.key)}`);
    if (!c.eat('=')) c.fail(`"=" after ${spec.key}`);
    const valueAt = c.pos;
    const text = c.match(VALUE) ?? '';
    const value = parseValue(spec, text);
    if (value === undefined) c.fail(expectedOf(spec, text), valueAt, text === '' ? c.found(valueAt) : quote(text));
    values.set(spec, { value, at: valueAt, text });
  }
  const attrsEnd = c.pos;
  let block = '';
  if (c.eat('|')) {
    c.spaces();
    if (!c.eat('block=')) c.fail('"block=" and the block name after "|"');
    block = c.name('a block name');
  }
  c.end();

  const attrs: Record<string, unknown> = {};
  for (const spec of specs) {
    const v = values.get(spec);
    if (v === undefined) {
      if (!spec.optional) c.fail(`the ${op} attribute ${spec.key}=... (${spec.expected})`, attrsEnd);
    } else if (spec.prop !== undefined) attrs[spec.prop] = v.value;
  }

  const name = `${block ? `${block}.` : ''}${op.toLowerCase()}_${state.nodes.length}`;
  const inputShapes = inputs.map((t) => (state.tensors[t] as TensorInfo).shape);
  const cin = [...values].find(([spec]) => spec.prop === undefined)?.[1];
  const channels = inputShapes[0]?.[1];
  if (cin && channels !== undefined && cin.value !== channels) {
    c.fail(`cin=${channels} (the channels of ${(state.tensors[inputs[0] as number] as TensorInfo).name})`, cin.at, quote(String(cin.value)));
  }
  checkCounts(c, op, values, state.tensors[inputs[0] as number] as TensorInfo);
  const node = { name, op, attrs, inputs, outputs: [state.tensors.length], block, ...(shares === undefined ? {} : { shares }) } as GraphNode;
  let shape: readonly number[];
  try {
    shape = inferOutputShape(node, inputShapes);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    c.fail(`inputs and attributes that fit ${op} (${err.message.replace(`${showName(name)}.`, '')})`, opAt, `input shapes ${inputShapes.map((s) => s.join('x')).join(', ')}`);
  }
  define(state, c, id, idAt, shape);
  state.nodes.push(node);
  if (shares !== undefined) {
    // the shared node must be the same module: same op, same stored weight dims (graph/shares.ts)
    try {
      checkNodeShares({ name: '', inputs: [], outputs: [], tensors: state.tensors, nodes: state.nodes }, state.nodes.length - 1);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      // the text names nodes by their output ids, not by graph node names
      const byId = (text: string) => state.nodes.reduce((t, n) => t.split(showName(n.name)).join(quote((state.tensors[n.outputs[0] as number] as TensorInfo).name)), text);
      const detail = byId(err.message.slice(err.message.indexOf(': ') + 2, err.message.lastIndexOf('; allowed: ')).replace(/^got /, ''));
      c.fail(byId(err.allowed.replace(/^the name of /, 'the output id of ')), sharesAt, detail.startsWith(quote(sharesId)) ? detail : `${quote(sharesId)}: ${detail}`);
    }
  }
}

function parseFooter(state: State, c: LineCursor): number[] {
  c.spaces();
  c.eat('output');
  const outputs: number[] = [];
  if (!c.spaces()) c.fail('a space and the graph output ids after "output"');
  do {
    c.spaces();
    outputs.push(reference(state, c, 'a graph output'));
    c.spaces();
  } while (c.eat(','));
  c.end();
  return outputs;
}

const IGNORED = /^\s*(#.*)?$/;
const FOOTER = /^\s*output(\s|$)(?!\s*=)/;

/** Parses the text of one graph (header, node lines, output line). Blank lines and `#` comments are skipped. */
export function parseGraph(text: string, options: ParseOptions = {}): Graph {
  if (text.length > MAX_DSL_CHARS) throw new DslSyntaxError(1, 1, `a text of at most ${MAX_DSL_CHARS} characters (16 MiB)`, `${text.length} characters`);
  const lines = text.split(/\r?\n/);
  const state: State = { tensors: [], nodes: [], ids: new Map() };
  let name: string | undefined;
  let outputs: number[] | undefined;
  lines.forEach((line, i) => {
    if (IGNORED.test(line)) return;
    const c = new LineCursor(line, i + 1);
    if (outputs !== undefined) c.fail('end of text after the output line', 0);
    if (name === undefined) name = parseHeader(state, c);
    else if (FOOTER.test(line)) outputs = parseFooter(state, c);
    else parseNode(state, c);
  });
  if (name === undefined || outputs === undefined) {
    const expected = name === undefined ? 'the header "graph NAME input t0:1x3x224x224"' : 'the line "output t..." naming the graph outputs';
    const last = text.endsWith('\n') ? lines.length - 1 : lines.length;
    throw new DslSyntaxError(Math.max(1, last + 1), 1, expected, 'end of text');
  }
  const inputs = Array.from({ length: state.tensors.length - state.nodes.length }, (_, t) => t);
  return { name: options.name ?? name, inputs, outputs, tensors: state.tensors, nodes: state.nodes };
}

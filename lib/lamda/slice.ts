/**
 * Optimal architectural slicing (LAMDA, section 4.1.2 and Algorithm 1): split a serialized model
 * of N operators (in execution order) into consecutive slices that each fit an LLM context of
 * `tMax` tokens, severing as few dataflow edges as possible.
 *
 * Indexing. Operators are 0-based: 0..N-1. A cut position b (1 <= b <= N-1) is the boundary
 * placed right after operator b-1, i.e. after the first b operators; it is the paper's boundary
 * p = b in its 1-based operator numbering. A slice is `{ start, end }` with operators
 * start..end-1 (end exclusive), so the paper's slice "after operator p_{m-1} through p_m" is
 * `{ start: p_{m-1}, end: p_m }`.
 *
 * Token size. T(j, i) = tokens[j] + ... + tokens[i-1] (+ headerTokens when j = 0, + footerTokens
 * when i = N): the serialization's header and footer lines are a fixed overhead carried by the
 * first and the last slice. Token counts are additive over operators (see `operatorsOf`).
 *
 * Cut cost. An edge (p, c), p < c, is severed by the boundary right after operator j exactly when
 * p <= j < c (the producer is at or before the boundary, the consumer after it). The paper defines
 * C(j) as a function of the boundary alone and minimises the sum over boundaries of C(p_m)
 * (equation 4), so an edge that spans several boundaries is counted once at every boundary it
 * crosses (the tensor has to be carried through each intermediate slice). That per-boundary sum
 * is what every algorithm here minimises and reports as `cutEdges`; `severedEdges` additionally
 * reports the number of distinct edges cut at least once (<= cutEdges, equal when no edge spans
 * two boundaries). Minimising distinct edges instead would make a boundary's cost depend on the
 * previous boundary, which is not the paper's formulation.
 *
 * Edges are taken as given (a multigraph: a repeated pair is counted as often as it is listed);
 * `operatorsOf` lists each producer -> consumer pair once.
 */
import { InputError } from '../errors.js';
import type { Graph } from '../graph/types.js';

/** [producer, consumer] operator indices, producer < consumer. */
export type Edge = readonly [number, number];

export interface Slice {
  /** First operator (0-based). */
  start: number;
  /** One past the last operator. */
  end: number;
  /** T(start, end), header/footer overhead included for the first/last slice. */
  tokens: number;
}

export interface Slicing {
  slices: Slice[];
  /** Cut positions (the `end` of every slice but the last): boundary b lies after operator b-1. */
  boundaries: number[];
  /** The objective: sum over boundaries of C (an edge is counted at every boundary it crosses). */
  cutEdges: number;
  /** Distinct edges crossing at least one boundary. */
  severedEdges: number;
  /** Sum of the slices' tokens (all operators plus header and footer). */
  totalTokens: number;
}

export interface SliceOptions {
  /** Operator names, used in error messages. */
  names?: readonly string[];
  /** Tokens of the serialization's header, added to the first slice. Default 0. */
  headerTokens?: number;
  /** Tokens of the serialization's footer, added to the last slice. Default 0. */
  footerTokens?: number;
}

/** What `operatorsOf` extracts from a graph; it can be passed as the `SliceOptions` too. */
export interface OperatorSequence {
  tokens: number[];
  edges: Array<[number, number]>;
  names: string[];
  headerTokens: number;
  footerTokens: number;
}

function checkEdges(n: number, edges: readonly Edge[]): void {
  edges.forEach(([p, c], k) => {
    if (!Number.isInteger(p) || !Number.isInteger(c) || p < 0 || c >= n || p >= c) {
      throw new InputError(`edges[${k}]`, [p, c], `integer operator indices with 0 <= producer < consumer < ${n}`);
    }
  });
}

/**
 * C(j) for j = 0..n-2: the number of edges (p, c) with p <= j < c, i.e. severed by a boundary
 * right after operator j (an edge spanning several boundaries counts at each). O(n + E) with a
 * difference array.
 */
export function cutCosts(n: number, edges: readonly Edge[]): number[] {
  if (!Number.isInteger(n) || n < 0) throw new InputError('n', n, 'a non-negative integer');
  checkEdges(n, edges);
  const diff = new Float64Array(n + 1);
  for (const [p, c] of edges) {
    diff[p] = (diff[p] as number) + 1;
    diff[c] = (diff[c] as number) - 1;
  }
  const costs: number[] = [];
  let running = 0;
  for (let j = 0; j < n - 1; j++) {
    running += diff[j] as number;
    costs.push(running);
  }
  return costs;
}

interface Problem {
  n: number;
  prefix: Float64Array;
  header: number;
  footer: number;
  tMax: number;
  /** C(j), j = 0..n-2. */
  costs: number[];
}

function overhead(value: number | undefined, field: string): number {
  const v = value ?? 0;
  if (!Number.isFinite(v) || v < 0) throw new InputError(field, value, 'a finite number >= 0');
  return v;
}

function operatorLabel(i: number, names: readonly string[] | undefined): string {
  const name = names?.[i];
  return name === undefined ? `operator #${i}` : `operator #${i} (${name})`;
}

function prepare(tokens: readonly number[], edges: readonly Edge[], tMax: number, options: SliceOptions, checkFit: boolean): Problem {
  const n = tokens.length;
  if (n === 0) throw new InputError('tokens', tokens, 'at least one operator');
  if (checkFit && !(tMax > 0)) throw new InputError('tMax', tMax, 'a number of tokens > 0');
  const header = overhead(options.headerTokens, 'headerTokens');
  const footer = overhead(options.footerTokens, 'footerTokens');
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const t = tokens[i] as number;
    if (!Number.isFinite(t) || t < 0) throw new InputError(`tokens[${i}]`, t, 'a finite number >= 0');
    prefix[i + 1] = (prefix[i] as number) + t;
  }
  if (checkFit) {
    for (let i = 0; i < n; i++) {
      const alone = (tokens[i] as number) + (i === 0 ? header : 0) + (i === n - 1 ? footer : 0);
      if (alone > tMax) {
        const extra = [i === 0 && header > 0 ? `header ${header}` : '', i === n - 1 && footer > 0 ? `footer ${footer}` : ''].filter(Boolean);
        const label = operatorLabel(i, options.names);
        throw new InputError(
          label,
          tokens[i],
          `at most tMax = ${tMax} tokens per slice`,
          `${label} alone needs ${alone} tokens${extra.length ? ` (${tokens[i]} + ${extra.join(' + ')})` : ''}, more than a slice holds`,
        );
      }
    }
  }
  return { n, prefix, header, footer, tMax, costs: cutCosts(n, edges) };
}

/** T(j, i): tokens of operators j..i-1 plus the header/footer overhead at the ends. */
function sliceTokens(pr: Problem, j: number, i: number): number {
  return (pr.prefix[i] as number) - (pr.prefix[j] as number) + (j === 0 ? pr.header : 0) + (i === pr.n ? pr.footer : 0);
}

/** The paper's C(i) for a slice ending after the first i operators; C(N) = 0 (the model's end). */
function endCost(pr: Problem, i: number): number {
  return i < pr.n ? (pr.costs[i - 1] as number) : 0;
}

function build(pr: Problem, edges: readonly Edge[], boundaries: readonly number[]): Slicing {
  const ends = [...boundaries, pr.n];
  const slices: Slice[] = [];
  let start = 0;
  let cutEdges = 0;
  let totalTokens = 0;
  for (const end of ends) {
    const tokens = sliceTokens(pr, start, end);
    slices.push({ start, end, tokens });
    totalTokens += tokens;
    if (end < pr.n) cutEdges += pr.costs[end - 1] as number;
    start = end;
  }
  // Distinct severed edges: (p, c) crosses a boundary b iff p < b <= c.
  const cutsUpTo = new Int32Array(pr.n + 1);
  for (const b of boundaries) cutsUpTo[b] = 1;
  for (let b = 1; b <= pr.n; b++) cutsUpTo[b] = (cutsUpTo[b] as number) + (cutsUpTo[b - 1] as number);
  let severedEdges = 0;
  for (const [p, c] of edges) if ((cutsUpTo[c] as number) - (cutsUpTo[p] as number) > 0) severedEdges++;
  return { slices, boundaries: [...boundaries], cutEdges, severedEdges, totalTokens };
}

/** Follows the back pointers from N (Algorithm 1, lines 17-23); returns the cut positions. */
function backtrack(prev: Int32Array, n: number): number[] {
  const ends: number[] = [];
  for (let p = n; p > 0; p = prev[p] as number) ends.push(p);
  ends.reverse();
  ends.pop(); // N itself is the model's end, not a cut
  return ends;
}

/**
 * The slicing given by explicit cut positions (strictly increasing, within 1..N-1), with its cost.
 * Slices are not checked against a token limit (compare `slice.tokens` yourself).
 */
export function slicingFromBoundaries(tokens: readonly number[], edges: readonly Edge[], boundaries: readonly number[], options: SliceOptions = {}): Slicing {
  const pr = prepare(tokens, edges, Infinity, options, false);
  boundaries.forEach((b, k) => {
    if (!Number.isInteger(b) || b < 1 || b > pr.n - 1 || (k > 0 && b <= (boundaries[k - 1] as number))) {
      throw new InputError(`boundaries[${k}]`, b, `strictly increasing integers in 1..${pr.n - 1}`);
    }
  });
  return build(pr, edges, boundaries);
}

/**
 * Algorithm 1 as published: E[i] = min over 0 <= j < i with T(j, i) <= tMax of E[j] + C(i),
 * E[0] = 0, scanning every j for every i (O(N^2) time, T in O(1) from prefix sums). A strict `<`
 * keeps the first (smallest) j among equal costs, i.e. the longest last slice. Throws an
 * InputError when an operator (with the header/footer at the ends) alone exceeds tMax.
 */
export function sliceOptimal(tokens: readonly number[], edges: readonly Edge[], tMax: number, options: SliceOptions = {}): Slicing {
  const pr = prepare(tokens, edges, tMax, options, true);
  const n = pr.n;
  const minCuts = new Float64Array(n + 1).fill(Infinity);
  const prevCut = new Int32Array(n + 1).fill(-1);
  minCuts[0] = 0;
  for (let i = 1; i <= n; i++) {
    const c = endCost(pr, i);
    for (let j = 0; j <= i - 1; j++) {
      if (sliceTokens(pr, j, i) <= tMax) {
        const cost = (minCuts[j] as number) + c;
        if (cost < (minCuts[i] as number)) {
          minCuts[i] = cost;
          prevCut[i] = j;
        }
      }
    }
  }
  return build(pr, edges, backtrack(prevCut, n));
}

/**
 * The same optimum (and the same boundaries) as `sliceOptimal` in O(N + E). T(j, i) is
 * non-increasing in j and non-decreasing in i, so the feasible j for each i form a window
 * [lo(i), i-1] with lo non-decreasing (each operator fits alone, so the window is never empty);
 * min E[j] over the window is kept by a monotonic deque of indices with non-decreasing E. Popping
 * only strictly larger values leaves the earliest minimum at the front, the same tie-break as
 * Algorithm 1's strict `<` scan from j = 0.
 */
export function sliceOptimalFast(tokens: readonly number[], edges: readonly Edge[], tMax: number, options: SliceOptions = {}): Slicing {
  const pr = prepare(tokens, edges, tMax, options, true);
  const n = pr.n;
  const minCuts = new Float64Array(n + 1);
  const prevCut = new Int32Array(n + 1).fill(-1);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let lo = 0;
  for (let i = 1; i <= n; i++) {
    const value = minCuts[i - 1] as number;
    while (tail > head && (minCuts[deque[tail - 1] as number] as number) > value) tail--;
    deque[tail++] = i - 1;
    while (sliceTokens(pr, lo, i) > tMax) lo++;
    while ((deque[head] as number) < lo) head++;
    const j = deque[head] as number;
    minCuts[i] = (minCuts[j] as number) + endCost(pr, i);
    prevCut[i] = j;
  }
  return build(pr, edges, backtrack(prevCut, n));
}

/** Fixed-size baseline: greedily fill each slice with operators up to tMax tokens. */
export function sliceNaive(tokens: readonly number[], edges: readonly Edge[], tMax: number, options: SliceOptions = {}): Slicing {
  const pr = prepare(tokens, edges, tMax, options, true);
  const boundaries: number[] = [];
  let start = 0;
  for (let i = 0; i < pr.n; i++) {
    if (sliceTokens(pr, start, i + 1) > tMax) {
      boundaries.push(i);
      start = i;
    }
  }
  return build(pr, edges, boundaries);
}

/** No slicing: the whole model as one slice, whatever its size. */
export function sliceNone(tokens: readonly number[], edges: readonly Edge[], options: SliceOptions = {}): Slicing {
  return build(prepare(tokens, edges, Infinity, options, false), edges, []);
}

/**
 * Operator tokens and edges of a graph for slicing.
 *
 * `lines` is the serialization split into lines: one header line, then one line per node in
 * `graph.nodes` order, then one footer line (e.g. `serializeNodeLines(graph)` of lib/lamda/dsl.ts).
 * Each line is counted with its terminating newline (`count(line + '\n')`, unless it already
 * ends with one), i.e. as it appears in the lines joined by newlines; the header and footer become
 * `headerTokens` / `footerTokens`, a fixed overhead of the first / last slice. A slice's size is
 * the sum of its lines' counts, which may differ from the count of the joined text where a BPE
 * pre-token spans a line break (with the Qwen2.5 / Llama 3 pre-tokenizers, only runs of blank
 * lines or whitespace do; the test suite checks equality on sample lines).
 *
 * Edges: operator p -> operator c whenever c reads a tensor that p outputs, each (p, c) pair once
 * (a node reading the same tensor twice, or two outputs of p, is one edge). Graph inputs have no
 * producer operator and give no edges, however many operators read them.
 */
export function operatorsOf(graph: Graph, lines: readonly string[], count: (text: string) => number): OperatorSequence {
  const n = graph.nodes.length;
  if (lines.length !== n + 2) {
    throw new InputError('lines', lines.length, `${n + 2} lines (a header, one per node of ${graph.name}, a footer)`, `got ${lines.length} lines for ${n} nodes`);
  }
  const countLine = (line: string) => count(line.endsWith('\n') ? line : `${line}\n`);
  const tokens = lines.slice(1, n + 1).map(countLine);
  const producer = new Map<number, number>();
  graph.nodes.forEach((node, i) => {
    for (const t of node.outputs) producer.set(t, i);
  });
  const edges: Array<[number, number]> = [];
  graph.nodes.forEach((node, c) => {
    const seen = new Set<number>();
    for (const t of node.inputs) {
      const p = producer.get(t);
      if (p === undefined || seen.has(p)) continue;
      if (p >= c) throw new InputError(`${graph.name}: node ${node.name}`, t, 'inputs produced by earlier nodes (topological order)');
      seen.add(p);
      edges.push([p, c]);
    }
  });
  return {
    tokens,
    edges,
    names: graph.nodes.map((node) => node.name),
    headerTokens: countLine(lines[0] as string),
    footerTokens: countLine(lines[n + 1] as string),
  };
}

export const SLICING_STRATEGIES = ['dp', 'naive', 'none'] as const;
export type SlicingStrategy = (typeof SLICING_STRATEGIES)[number];

/** The slicing a strategy makes: `dp` the fewest cut edges (sliceOptimalFast), `naive` greedy, `none` one slice. */
export function sliceBy(strategy: SlicingStrategy, ops: OperatorSequence, maxTokens: number): Slicing {
  if (strategy === 'none') return sliceNone(ops.tokens, ops.edges, ops);
  if (strategy === 'naive') return sliceNaive(ops.tokens, ops.edges, maxTokens, ops);
  return sliceOptimalFast(ops.tokens, ops.edges, maxTokens, ops);
}

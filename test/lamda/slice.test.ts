import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { GraphBuilder } from '../../lib/graph/builder.js';
import {
  cutCosts,
  type Edge,
  operatorsOf,
  type SliceOptions,
  sliceNaive,
  sliceNone,
  sliceOptimal,
  sliceOptimalFast,
  type Slicing,
  slicingFromBoundaries,
} from '../../lib/lamda/slice.js';
import { tokenCounter } from '../../lib/lamda/tokens.js';
import { createRng, type Rng } from '../../lib/rng.js';

const chainEdges = (n: number): Edge[] => Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as const);
const spans = (s: Slicing) => s.slices.map((x) => [x.start, x.end, x.tokens]);

describe('cutCosts', () => {
  it('counts edges with p <= j < c, a long edge at every boundary it crosses', () => {
    expect(cutCosts(5, chainEdges(5))).toEqual([1, 1, 1, 1]);
    expect(cutCosts(4, [[0, 3]])).toEqual([1, 1, 1]);
    expect(cutCosts(4, [[0, 3], [0, 3]])).toEqual([2, 2, 2]); // a listed pair counts as often as listed
    expect(cutCosts(1, [])).toEqual([]);
    expect(cutCosts(0, [])).toEqual([]);
    // Both boundaries cut the one edge: the objective counts it twice, the distinct count once.
    const s = slicingFromBoundaries([1, 1, 1, 1], [[0, 3]], [1, 2]);
    expect(s.cutEdges).toBe(2);
    expect(s.severedEdges).toBe(1);
  });

  it('rejects edges that are not producer < consumer within range', () => {
    expect(() => cutCosts(3, [[1, 1]])).toThrow(InputError);
    expect(() => cutCosts(3, [[2, 1]])).toThrow(/edges\[0\]/);
    expect(() => cutCosts(3, [[0, 3]])).toThrow(InputError);
    expect(() => cutCosts(3, [[0.5, 2]])).toThrow(InputError);
  });

  it('equals the definition on random edge sets', () => {
    const rng = createRng(7);
    for (let t = 0; t < 200; t++) {
      const n = 1 + rng.int(30);
      const edges = randomEdges(rng, n);
      const expected = Array.from({ length: Math.max(n - 1, 0) }, (_, j) => edges.filter(([p, c]) => p <= j && j < c).length);
      expect(cutCosts(n, edges)).toEqual(expected);
    }
  });
});

describe('hand-worked slicings', () => {
  const all = (tokens: number[], edges: Edge[], tMax: number, o: SliceOptions = {}) => {
    const a = sliceOptimal(tokens, edges, tMax, o);
    const b = sliceOptimalFast(tokens, edges, tMax, o);
    expect(b).toEqual(a);
    return { opt: a, naive: sliceNaive(tokens, edges, tMax, o) };
  };

  it('a chain: C = 1 everywhere, so the fewest slices win', () => {
    // 5 operators of 3 tokens, tMax 7: at most 2 operators per slice, so 3 slices and 2 cuts.
    // E[1..5] = 1, 1, 2, 2, 2; the first minimising j is kept: 5 <- 3 <- 1 <- 0.
    const { opt, naive } = all([3, 3, 3, 3, 3], chainEdges(5), 7);
    expect(opt.cutEdges).toBe(2);
    expect(opt.boundaries).toEqual([1, 3]);
    expect(spans(opt)).toEqual([[0, 1, 3], [1, 3, 6], [3, 5, 6]]);
    expect(naive.boundaries).toEqual([2, 4]);
    expect(naive.cutEdges).toBe(2);
    expect(opt.totalTokens).toBe(15);
    expect(sliceNone([3, 3, 3, 3, 3], chainEdges(5))).toMatchObject({ boundaries: [], cutEdges: 0, totalTokens: 15, slices: [{ start: 0, end: 5, tokens: 15 }] });
  });

  it('a residual block: cutting before the block beats the greedy cut inside it', () => {
    // 0 stem conv (20 tokens), 1 relu = block input x, 2 conv_a, 3 relu_a, 4 conv_b, 5 add(x, conv_b), 6 relu.
    const tokens = [20, 10, 10, 10, 10, 10, 10];
    const edges: Edge[] = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [1, 5], [5, 6]];
    // C(0) = 1 (0->1); C(1..4) = 2 (the chain edge plus the skip 1->5); C(5) = 1 (5->6).
    expect(cutCosts(7, edges)).toEqual([1, 2, 2, 2, 2, 1]);
    // tMax 60 of 80 tokens: one cut b with prefix(b) in [20, 60]: b = 1..5. b = 1 costs C(0) = 1;
    // b = 6 (C(5) = 1) would leave 70 tokens in front. Greedy fills [0, 5) = 60 and cuts at C(4) = 2.
    const { opt, naive } = all(tokens, edges, 60);
    expect(opt.cutEdges).toBe(1);
    expect(spans(opt)).toEqual([[0, 1, 20], [1, 7, 60]]);
    expect(naive.boundaries).toEqual([5]);
    expect(naive.cutEdges).toBe(2);
    expect(naive.severedEdges).toBe(2);
    expect(opt.severedEdges).toBe(1);
  });

  it('an inception-like branch: every boundary inside the module cuts three edges', () => {
    // 0 stem; branches 1 (1x1) | 2 (1x1) -> 3 (3x3) | 4 (1x1) -> 5 (5x5); 6 concat(1, 3, 5); 7 fc.
    const edges: Edge[] = [[0, 1], [0, 2], [2, 3], [0, 4], [4, 5], [1, 6], [3, 6], [5, 6], [6, 7]];
    // j = 0: 0->1, 0->2, 0->4; j = 1: 0->2, 0->4, 1->6; j = 2: 0->4, 1->6, 2->3; j = 3: 0->4, 1->6, 3->6;
    // j = 4: 1->6, 3->6, 4->5; j = 5: 1->6, 3->6, 5->6; j = 6: 6->7.
    expect(cutCosts(8, edges)).toEqual([3, 3, 3, 3, 3, 3, 1]);
    const tokens = [10, 10, 10, 10, 10, 10, 10, 10];
    // tMax 50: one cut at b = 3, 4 or 5 (3 each); the cheap b = 7 needs a second cut (>= 4).
    // Ties: E[3] = E[4] = E[5] = 3 and the first j wins, so b = 3; the greedy cut is b = 5.
    const r50 = all(tokens, edges, 50);
    expect(r50.opt.cutEdges).toBe(3);
    expect(r50.opt.boundaries).toEqual([3]);
    expect(r50.naive.boundaries).toEqual([5]);
    expect(r50.naive.cutEdges).toBe(3);
    // With a 5-token header and footer and tMax 45, only b = 4 fits: 5 + 40 | 40 + 5.
    const r45 = all(tokens, edges, 45, { headerTokens: 5, footerTokens: 5 });
    expect(spans(r45.opt)).toEqual([[0, 4, 45], [4, 8, 45]]);
    expect(r45.opt.cutEdges).toBe(3);
    expect(r45.opt.totalTokens).toBe(90);
    // tMax 80 holds everything: no cut.
    expect(all(tokens, edges, 80).opt.boundaries).toEqual([]);
  });
});

describe('errors', () => {
  it('names an operator that does not fit in a slice alone', () => {
    const err = (() => {
      try {
        sliceOptimal([5, 12, 5], chainEdges(3), 10, { names: ['a', 'big', 'c'] });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/operator #1 \(big\) alone needs 12 tokens/);
    for (const f of [sliceOptimalFast, sliceNaive]) expect(() => f([5, 12, 5], chainEdges(3), 10)).toThrow(/operator #1 alone needs 12/);
    // The header counts with the first operator, the footer with the last.
    expect(() => sliceOptimal([8, 1, 8], chainEdges(3), 10, { headerTokens: 3 })).toThrow(/operator #0 alone needs 11 tokens \(8 \+ header 3\)/);
    expect(() => sliceOptimalFast([8, 1, 8], chainEdges(3), 10, { footerTokens: 3 })).toThrow(/operator #2 alone needs 11 tokens \(8 \+ footer 3\)/);
  });

  it('rejects bad limits, token counts and empty models', () => {
    expect(() => sliceOptimal([1], [], 0)).toThrow(/tMax/);
    expect(() => sliceOptimal([1], [], Number.NaN)).toThrow(/tMax/);
    expect(() => sliceOptimalFast([1, -1], [], 5)).toThrow(/tokens\[1\]/);
    expect(() => sliceOptimal([], [], 5)).toThrow(/at least one operator/);
    expect(() => sliceOptimal([1, 1], [[0, 2]], 5)).toThrow(/edges\[0\]/);
    expect(() => slicingFromBoundaries([1, 1, 1], [], [2, 1])).toThrow(/boundaries\[1\]/);
    expect(sliceOptimal([4, 4], [[0, 1]], Infinity).boundaries).toEqual([]);
  });
});

function randomEdges(rng: Rng, n: number): Edge[] {
  const edges: Edge[] = [];
  for (let c = 1; c < n; c++) {
    const fanIn = rng.next() < 0.1 ? 0 : 1 + rng.int(3);
    const seen = new Set<number>();
    for (let k = 0; k < fanIn; k++) {
      // Mostly recent producers (chain-like), sometimes a long skip.
      const p = rng.next() < 0.7 ? c - 1 - rng.int(Math.min(c, 3)) : rng.int(c);
      if (!seen.has(p)) {
        seen.add(p);
        edges.push([p, c]);
      }
    }
  }
  return edges;
}

interface Case {
  tokens: number[];
  edges: Edge[];
  tMax: number;
  options: SliceOptions;
}

function randomCase(rng: Rng, maxN: number): Case {
  const n = 1 + rng.int(maxN);
  const spread = 1 + rng.int(40);
  const tokens = Array.from({ length: n }, () => rng.int(spread + 1)); // zero-token operators included
  const options: SliceOptions = rng.next() < 0.4 ? { headerTokens: rng.int(15), footerTokens: rng.int(15) } : {};
  const h = options.headerTokens ?? 0;
  const f = options.footerTokens ?? 0;
  let minMax = 0;
  tokens.forEach((t, i) => (minMax = Math.max(minMax, t + (i === 0 ? h : 0) + (i === n - 1 ? f : 0))));
  const total = tokens.reduce((a, b) => a + b, 0) + h + f;
  const tMax = Math.max(1, minMax + rng.int(Math.max(1, Math.ceil((total - minMax) * (rng.next() < 0.2 ? 1.2 : 0.6)))));
  return { tokens, edges: randomEdges(rng, n), tMax, options };
}

function checkSlicing(s: Slicing, c: Case): void {
  const n = c.tokens.length;
  expect(s.slices[0]?.start).toBe(0);
  expect(s.slices[s.slices.length - 1]?.end).toBe(n);
  s.slices.forEach((slice, k) => {
    expect(slice.end).toBeGreaterThan(slice.start);
    if (k > 0) expect(slice.start).toBe(s.slices[k - 1]?.end);
    expect(slice.tokens).toBeLessThanOrEqual(c.tMax);
    const own = c.tokens.slice(slice.start, slice.end).reduce((a, b) => a + b, 0);
    const extra = (slice.start === 0 ? c.options.headerTokens ?? 0 : 0) + (slice.end === n ? c.options.footerTokens ?? 0 : 0);
    expect(slice.tokens).toBe(own + extra);
  });
  expect(s.boundaries).toEqual(s.slices.slice(0, -1).map((x) => x.end));
  const costs = cutCosts(n, c.edges);
  expect(s.cutEdges).toBe(s.boundaries.reduce((a, b) => a + (costs[b - 1] as number), 0));
  expect(s.severedEdges).toBe(c.edges.filter(([p, q]) => s.boundaries.some((b) => p < b && b <= q)).length);
  expect(s.totalTokens).toBe(c.tokens.reduce((a, b) => a + b, 0) + (c.options.headerTokens ?? 0) + (c.options.footerTokens ?? 0));
}

describe('random cases', () => {
  it('the O(N) algorithm returns the published DP’s slicing; both are feasible and never worse than greedy', () => {
    const rng = createRng(2024);
    let strictlyBetter = 0;
    for (let t = 0; t < 3000; t++) {
      const c = randomCase(rng, t < 2500 ? 40 : 400);
      const opt = sliceOptimal(c.tokens, c.edges, c.tMax, c.options);
      const fast = sliceOptimalFast(c.tokens, c.edges, c.tMax, c.options);
      const naive = sliceNaive(c.tokens, c.edges, c.tMax, c.options);
      checkSlicing(opt, c);
      checkSlicing(fast, c);
      checkSlicing(naive, c);
      expect(fast.cutEdges).toBe(opt.cutEdges);
      expect(fast.boundaries).toEqual(opt.boundaries); // same tie-break: the earliest previous boundary
      expect(opt.cutEdges).toBeLessThanOrEqual(naive.cutEdges);
      if (opt.cutEdges < naive.cutEdges) strictlyBetter++;
    }
    expect(strictlyBetter).toBeGreaterThan(100);
  });

  it('the DP total is the minimum over all boundary subsets (N <= 14)', () => {
    const rng = createRng(99);
    for (let t = 0; t < 300; t++) {
      const c = randomCase(rng, 14);
      const n = c.tokens.length;
      const costs = cutCosts(n, c.edges);
      const h = c.options.headerTokens ?? 0;
      const f = c.options.footerTokens ?? 0;
      let best = Infinity;
      for (let mask = 0; mask < 1 << (n - 1); mask++) {
        let cost = 0;
        let size = h;
        let ok = true;
        for (let i = 0; i < n && ok; i++) {
          size += c.tokens[i] as number;
          const cutAfter = i < n - 1 && (mask >> i) & 1;
          if (i === n - 1) size += f;
          if (cutAfter || i === n - 1) {
            if (size > c.tMax) ok = false;
            size = 0;
          }
          if (cutAfter) cost += costs[i] as number;
        }
        if (ok) best = Math.min(best, cost);
      }
      expect(sliceOptimal(c.tokens, c.edges, c.tMax, c.options).cutEdges).toBe(best);
      expect(sliceOptimalFast(c.tokens, c.edges, c.tMax, c.options).cutEdges).toBe(best);
    }
  });
});

describe('operatorsOf', () => {
  it('counts per-node lines and finds producer -> consumer edges', () => {
    const b = new GraphBuilder('toy');
    const x = b.input('x', [1, 3, 8, 8]);
    const c0 = b.conv(x, { out: 4, kernel: 3 }); // node 0 reads the graph input
    const r1 = b.add('Relu', [c0], {}); // 1
    const c2 = b.conv(r1, { out: 4, kernel: 3 }); // 2
    const a3 = b.add('Add', [r1, c2], {}); // 3: skip 1 -> 3
    const m4 = b.add('Mul', [a3, a3], {}); // 4: one edge 3 -> 4 for both inputs
    const c5 = b.conv(x, { out: 4, kernel: 1 }); // 5: the graph input again, no edge
    const o6 = b.add('Add', [m4, c5], {}); // 6
    const graph = b.finish([o6]);
    const lines = ['graph toy {', ...graph.nodes.map((n) => `  ${n.name} = ${n.op}`), '}'];
    const ops = operatorsOf(graph, lines, tokenCounter('chars'));
    expect(ops.edges).toEqual([[0, 1], [1, 2], [1, 3], [2, 3], [3, 4], [4, 6], [5, 6]]);
    expect(ops.names).toEqual(graph.nodes.map((n) => n.name));
    expect(ops.tokens).toEqual(lines.slice(1, -1).map((l) => l.length + 1));
    expect(ops.headerTokens).toBe('graph toy {\n'.length);
    expect(ops.footerTokens).toBe(2);
    const sum = ops.tokens.reduce((a, b) => a + b, 0) + ops.headerTokens + ops.footerTokens;
    expect(sum).toBe(`${lines.join('\n')}\n`.length);
    // The sequence doubles as the options (names, header, footer).
    const s = sliceOptimalFast(ops.tokens, ops.edges, 60, ops);
    expect(s).toEqual(sliceOptimal(ops.tokens, ops.edges, 60, ops));
    expect(s.totalTokens).toBe(sum);
    expect(() => sliceOptimal(ops.tokens, ops.edges, 15, ops)).toThrow(/operator #0 \(conv_0\)/);
    expect(() => operatorsOf(graph, lines.slice(1), tokenCounter('chars'))).toThrow(/lines/);
  });

  it('per-line Qwen counts add up to the count of the joined text for node lines', () => {
    const count = tokenCounter('qwen2.5');
    const lines = ['model net {', 'conv_0 = Conv(in=3, out=16, k=3x3, s=2) <- x', 'relu_1 = Relu() <- conv_0', 'add_2 = Add() <- relu_1, x', '}'];
    const b = new GraphBuilder('net');
    const x = b.input('x', [1, 3, 8, 8]);
    const c = b.conv(x, { out: 3, kernel: 3 });
    const r = b.add('Relu', [c], {});
    b.add('Add', [r, x], {});
    const ops = operatorsOf(b.finish([3]), lines, count);
    const sum = ops.tokens.reduce((a, v) => a + v, 0) + ops.headerTokens + ops.footerTokens;
    expect(sum).toBe(count(`${lines.join('\n')}\n`));
  });
});

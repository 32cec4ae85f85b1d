import { describe, expect, it } from 'vitest';
import { EvaluationFailure } from '../../lib/evaluate/types.js';
import { hammingKernel, logAbsDet, naswotScore, packCodes, unpackCode } from '../../lib/evaluate/naswot.js';
import { codeOf, naswotCodes, naswotMinibatch, naswotModel, proxyEvaluator } from '../../lib/evaluate/proxy.js';
import { GraphBuilder } from '../../lib/graph/builder.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import type { Graph } from '../../lib/graph/types.js';
import { onnx } from '../../lib/onnx/proto.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { sampleCandidate } from '../../lib/space/sample.js';
import { sampledInputs } from '../contracts/evaluator.js';

describe('naswotScore (hand-worked)', () => {
  it('two codes [1,0,1], [1,1,0]: N_A = 3, d = 2, K = [[3,1],[1,3]], det 8', () => {
    expect(naswotScore([[1, 0, 1], [1, 1, 0]])).toBeCloseTo(Math.log(8), 12);
    expect(naswotScore([Uint8Array.of(1, 0, 1), Uint8Array.of(1, 1, 0)])).toBeCloseTo(Math.log(8), 12);
  });
  it('three codes: K = [[4,2,1],[2,4,1],[1,1,4]], det 44', () => {
    expect(naswotScore([[1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 1]])).toBeCloseTo(Math.log(44), 12);
  });
  it('complementary codes are as far apart as can be: K = [[2,0],[0,2]], det 4', () => {
    expect(naswotScore([[1, 0], [0, 1]])).toBeCloseTo(Math.log(4), 12);
  });
  it('identical codes make K_H singular: -Infinity (the network cannot tell the inputs apart)', () => {
    expect(naswotScore([[1, 0, 1], [1, 0, 1]])).toBe(-Infinity);
    expect(naswotScore([[1, 0, 1, 1], [0, 1, 1, 0], [1, 0, 1, 1]])).toBe(-Infinity);
    expect(naswotScore([[], []])).toBe(-Infinity); // no units at all
  });
  it('rejects codes of different lengths', () => {
    expect(() => naswotScore([[1, 0], [1, 0, 1]])).toThrow(RangeError);
  });
  it('packs across word boundaries: the kernel equals N_A minus a naive Hamming distance', () => {
    const rng = createRng(3);
    const codes = Array.from({ length: 5 }, () => Array.from({ length: 77 }, () => (rng.next() > 0.5 ? 1 : 0)));
    const k = hammingKernel(packCodes(codes));
    for (let i = 0; i < 5; i++) {
      expect(Array.from(unpackCode(packCodes(codes).words[i] as Uint32Array, 77))).toEqual(codes[i]);
      for (let j = 0; j < 5; j++) {
        const d = (codes[i] as number[]).reduce((s, v, b) => s + (v !== (codes[j] as number[])[b] ? 1 : 0), 0);
        expect(k[i]?.[j]).toBe(77 - d);
      }
    }
  });
  it('logAbsDet pivots (a zero leading entry), takes |det| and survives large entries', () => {
    expect(logAbsDet([[0, 2], [3, 1]])).toBeCloseTo(Math.log(6), 12);
    expect(logAbsDet([[1e8, 0], [0, 1e8]])).toBeCloseTo(2 * Math.log(1e8), 9);
    expect(logAbsDet([[2, 1, 0], [1, 2, 1], [0, 1, 2]])).toBeCloseTo(Math.log(4), 12);
    expect(logAbsDet([])).toBe(0);
  });
});

/** input 1x3x8x8 → conv 3→4 1x1 → BN → relu → conv 4→4 1x1 → swish → GAP → flatten → gemm. */
function tinyGraph(): Graph {
  const g = new GraphBuilder('tiny');
  let x = g.input('input', [1, 3, 8, 8]);
  x = g.act(g.bn(g.conv(x, { out: 4, kernel: 1 })), 'relu');
  x = g.act(g.conv(x, { out: 4, kernel: 1 }), 'swish');
  return g.finish([g.classifierHead(x, 5, 0)]);
}

/** The exported initializers, decoded with onnx-proto (rawData may be a Buffer view: copy it). */
function initializers(bytes: Uint8Array): Map<string, Float32Array> {
  const model = onnx.ModelProto.decode(bytes);
  return new Map((model.graph?.initializer ?? []).map((t) => [t.name as string, new Float32Array(Uint8Array.from(t.rawData as Uint8Array).buffer)]));
}

/** A 1x1 convolution over NCHW data in plain JS (float64 sums). */
function conv1x1(x: Float64Array, n: number, cin: number, hw: number, w: Float32Array, cout: number, bias?: Float32Array): Float64Array {
  const y = new Float64Array(n * cout * hw);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < cout; o++)
      for (let p = 0; p < hw; p++) {
        let s = bias?.[o] ?? 0;
        for (let c = 0; c < cin; c++) s += (w[o * cin + c] as number) * (x[(b * cin + c) * hw + p] as number);
        y[(b * cout + o) * hw + p] = s;
      }
  return y;
}

describe('NASWOT codes', () => {
  it('match a plain-JS forward pass of the exported weights (BN folded, ReLU then Swish)', async () => {
    const graph = tinyGraph();
    const [n, seed] = [6, 11];
    const { bytes, activations } = naswotModel(graph, seed);
    expect(activations).toHaveLength(2);
    expect(activations.some((a) => a.endsWith('.gate'))).toBe(false); // Swish's Mul output, not its sigmoid
    const w = initializers(bytes);
    const [conv1, conv2] = graph.nodes.filter((node) => node.op === 'Conv').map((node) => node.name);
    const w1 = w.get(`${conv1}.weight`) as Float32Array;
    const b1 = w.get(`${conv1}.bias`); // the folded BN
    expect(b1).toBeDefined();
    const x = Float64Array.from(naswotMinibatch([1, 3, 8, 8], n, seed));
    const relu = conv1x1(x, n, 3, 64, w1, 4, b1).map((v) => Math.max(v, 0));
    const pre = conv1x1(relu, n, 4, 64, w.get(`${conv2}.weight`) as Float32Array, 4);
    const codes = await naswotCodes(graph, { batch: n, seed });
    expect(codes.bits).toBe(2 * 4 * 64);
    for (let i = 0; i < n; i++) {
      const expected = [...relu.subarray(i * 256, (i + 1) * 256), ...pre.subarray(i * 256, (i + 1) * 256)].map((v) => (v > 0 ? 1 : 0));
      expect(Array.from(codeOf(codes, i)), `input ${i}`).toEqual(expected);
    }
    // the packed, word-aligned layout scores like the plain concatenation
    const score = naswotScore(Array.from({ length: n }, (_, i) => codeOf(codes, i)));
    const e = await proxyEvaluator({ batch: n }).evaluate({ ...sampledInputs([1])[0]!, graph, seed });
    expect(e.metrics.naswot).toBeCloseTo(score, 9);
    expect(e.details).toMatchObject({ units: 512, activations: 2, passes: 1 });
  });

  it('gives the same codes when the minibatch runs in several passes', async () => {
    const graph = lowerBlockNet(sampleCandidate(resolveSpace(), createRng(3)), { resolution: 32 });
    const one = await naswotCodes(graph, { batch: 8, seed: 3 });
    const several = await naswotCodes(graph, { batch: 8, seed: 3, maxOutputBytes: 1 });
    expect(one.passes).toBe(1);
    expect(several.passes).toBe(8);
    expect(several.words).toEqual(one.words);
  });

  it('code every rectifier and no gate: one segment per Relu/Clip/LeakyRelu/Swish/HardSwish node', () => {
    const space = resolveSpace();
    const candidate = sampleCandidate(space, createRng(8));
    const blocks = candidate.blocks.map((b, i) => ({ ...b, use_se: true, se_ratio: 0.25, activation: (['swish', 'relu6', 'leakyrelu', 'relu', 'swish'] as const)[i] ?? 'swish' }));
    const graph = lowerBlockNet({ ...candidate, blocks }, { resolution: 32 });
    const { activations } = naswotModel(graph, 0);
    const rectifiers = graph.nodes.filter((n) => ['Relu', 'Clip', 'LeakyRelu', 'Swish', 'HardSwish'].includes(n.op));
    expect(activations).toEqual(rectifiers.map((n) => graph.tensors[n.outputs[0] as number]?.name));
    expect(graph.nodes.some((n) => n.op === 'Sigmoid')).toBe(true); // SE gates exist and are left out
  });
});

describe('proxy evaluator', () => {
  const inputs = sampledInputs([1, 2, 3, 4, 6], 32);
  it('scores sampled candidates with finite values', async () => {
    const evaluator = proxyEvaluator();
    for (const input of inputs) {
      const e = await evaluator.evaluate(input);
      expect(Number.isFinite(e.metrics.naswot), input.key).toBe(true);
      expect(e.metrics.naswot).toBeGreaterThan(0);
    }
  });
  it('is deterministic per seed; another input seed gives a slightly different score', async () => {
    const input = inputs[1]!;
    const evaluator = proxyEvaluator();
    const a = (await evaluator.evaluate(input)).metrics.naswot as number;
    expect((await evaluator.evaluate(input)).metrics.naswot).toBe(a);
    const b = (await evaluator.evaluate({ ...input, seed: input.seed + 1 })).metrics.naswot as number;
    expect(b).not.toBe(a);
    expect(Math.abs(b - a) / Math.abs(a)).toBeLessThan(0.1);
    // the seed option overrides the input's
    expect((await proxyEvaluator({ seed: input.seed + 1 }).evaluate(input)).metrics.naswot).toBe(b);
  });
  it('fails (kind error) when K_H is singular: a graph without rectifiers has no code', async () => {
    const g = new GraphBuilder('linear');
    const x = g.conv(g.input('input', [1, 3, 8, 8]), { out: 4, kernel: 3 });
    const graph = g.finish([g.classifierHead(x, 5, 0)]);
    const input = { ...sampledInputs([1])[0]!, graph };
    await expect(proxyEvaluator({ batch: 4 }).evaluate(input)).rejects.toThrow(EvaluationFailure);
    await expect(proxyEvaluator({ batch: 4 }).evaluate(input)).rejects.toMatchObject({ kind: 'error' });
  });
  it('validates its options when it is made', () => {
    expect(() => proxyEvaluator({ batch: 1 })).toThrow(/batch/);
    expect(() => proxyEvaluator({ threads: 0 })).toThrow(/threads/);
    expect(() => proxyEvaluator({ seed: 0.5 })).toThrow(/seed/);
  });
});

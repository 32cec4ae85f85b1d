import * as ort from 'onnxruntime-node';
import type { SramModel } from '../cost/sram.js';
import { InputError } from '../errors.js';
import type { Graph, OpType } from '../graph/types.js';
import { graphToModelProto } from '../onnx/export.js';
import { FLOAT, onnx, type ValueInfoProto } from '../onnx/proto.js';
import { gaussian } from '../onnx/weights.js';
import { createRng } from '../rng.js';
import type { PackedCodes } from './naswot.js';
import { naswotFromPacked } from './naswot.js';
import { costMetrics } from './cost.js';
import type { Evaluation, EvaluationInput, Evaluator } from './types.js';
import { EvaluationFailure } from './types.js';

/**
 * The rectifying nonlinearities whose sign pattern forms the code. Each is positive exactly
 * where its input is positive (relu6 = Clip(0, 6), LeakyRelu, Swish x·σ(x) and HardSwish
 * included), so "output > 0" is the paper's "ReLU unit active". Sigmoid and HardSigmoid gates
 * are left out: they are positive everywhere and would only add constant bits.
 */
export const CODE_OPS: ReadonlySet<OpType> = new Set<OpType>(['Relu', 'Clip', 'LeakyRelu', 'Swish', 'HardSwish']);

/** NASWOT minibatch size when no batch is given. */
export const DEFAULT_PROXY_BATCH = 16;

export interface ProxyOptions {
  /** Minibatch size N (default 16; the paper uses 128). K_H is N x N. */
  batch?: number;
  /** Seed of the weights and the minibatch (default: the EvaluationInput's seed). */
  seed?: number;
  /** onnxruntime intra-op threads (default 1). */
  threads?: number;
  /** SRAM model of the peakSramBytes metric (default mcunet). */
  sram?: SramModel;
  /** See CodeOptions.maxOutputBytes (default 512 MiB). */
  maxOutputBytes?: number;
}

/** The ONNX model the proxy runs: the exported graph with every code tensor as an extra output. */
export interface NaswotModel {
  bytes: Uint8Array;
  /** Names of the activation tensors, in execution order (the code's concatenation order). */
  activations: string[];
}

/**
 * Exports with seeded He weights (the exporter's, from `seed`) and BN folded into the convs. At inference BN is a fixed
 * per-channel affine map (the exporter's seeded statistics), so folding changes no activation
 * but removes nodes. (The paper scores PyTorch networks in train mode, where BN normalises
 * with batch statistics; here BN runs with fixed statistics, as in deployment.)
 */
export function naswotModel(graph: Graph, seed: number): NaswotModel {
  const model = graphToModelProto(graph, { seed, foldBatchNorm: true });
  const outputs = new Set(graph.outputs);
  const activations: string[] = [];
  const extra: ValueInfoProto[] = [];
  for (const node of graph.nodes) {
    const t = node.outputs[0] as number;
    const tensor = graph.tensors[t];
    if (!CODE_OPS.has(node.op) || !tensor) continue;
    // Swish exports as Sigmoid (output NAME.gate) then Mul: the Mul writes the graph tensor's name.
    activations.push(tensor.name);
    if (outputs.has(t)) continue;
    const dim = tensor.shape.map((d, i) => (i === 0 ? { dimParam: 'N' } : { dimValue: d }));
    extra.push({ name: tensor.name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } });
  }
  model.graph?.output?.push(...extra);
  const bytes = onnx.ModelProto.encode(onnx.ModelProto.fromObject(model as Record<string, unknown>)).finish();
  return { bytes, activations };
}

/** A different stream from the weights' (which use createRng(seed)). */
function dataSeed(seed: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + 0x7f4a7c15) | 0;
}

/** The seeded minibatch: N standard-normal inputs of the graph's input shape (batch dim replaced). */
export function naswotMinibatch(inputShape: readonly number[], batch: number, seed: number): Float32Array {
  const per = inputShape.slice(1).reduce((p, d) => p * d, 1);
  return gaussian(createRng(dataSeed(seed)), batch * per, 1);
}

export interface CodeOptions {
  batch?: number;
  seed?: number;
  threads?: number;
  /**
   * Bound on the activation outputs held at once (default 512 MiB). The minibatch runs as one
   * forward pass when its outputs fit, else in the fewest passes that fit: the result is the same,
   * since inference-mode BN does not mix the inputs of a batch.
   */
  maxOutputBytes?: number;
}

/** Activation codes of a minibatch, packed; each activation tensor starts on a word boundary. */
export interface ActivationCodes extends PackedCodes {
  /** Per activation tensor: its name, its units per input, and its first word in each code. */
  segments: { name: string; units: number; word: number }[];
  /** Forward passes run (1 unless the outputs exceed maxOutputBytes). */
  passes: number;
}

/** The 0/1 code of input i, segments concatenated in execution order. */
export function codeOf(codes: ActivationCodes, i: number): Uint8Array {
  const words = codes.words[i] as Uint32Array;
  const out = new Uint8Array(codes.bits);
  let b = 0;
  for (const s of codes.segments) for (let e = 0; e < s.units; e++) out[b++] = ((words[s.word + (e >>> 5)] as number) >>> (e & 31)) & 1;
  return out;
}

/**
 * Sets the bits of `units` values (> 0 → 1) into code[word...], 32 values a word. Reads the float
 * bits as int32: a float is > 0 exactly when its int32 image is > 0 (−0 is INT32_MIN; a NaN
 * would count by its sign bit), and ((−v & ~v) >>> 31) is that test without a branch, which
 * matters because the signs of random activations defeat branch prediction (5x faster).
 */
function packSigns(values: Int32Array, base: number, units: number, code: Uint32Array, word: number): void {
  const full = units >>> 5;
  for (let w = 0; w < full; w++) {
    const e0 = base + (w << 5);
    let bits = 0;
    for (let k = 0; k < 32; k++) {
      const v = values[e0 + k] as number;
      bits |= ((-v & ~v) >>> 31) << k;
    }
    code[word + w] = bits >>> 0;
  }
  if ((units & 31) === 0) return;
  let bits = 0;
  for (let e = full << 5; e < units; e++) {
    const v = values[base + e] as number;
    bits |= ((-v & ~v) >>> 31) << (e & 31);
  }
  code[word + full] = bits >>> 0;
}

function checkCodeOptions(o: CodeOptions): void {
  if (o.batch !== undefined && (!Number.isInteger(o.batch) || o.batch < 2)) throw new InputError('batch', o.batch, 'an integer >= 2');
  if (o.threads !== undefined && (!Number.isInteger(o.threads) || o.threads < 1)) throw new InputError('threads', o.threads, 'an integer >= 1');
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw new InputError('seed', o.seed, 'an integer');
  if (o.maxOutputBytes !== undefined && !(o.maxOutputBytes > 0)) throw new InputError('maxOutputBytes', o.maxOutputBytes, 'a number of bytes > 0');
}

/** Runs the seeded minibatch through the graph and packs each input's activation signs into a code. */
export async function naswotCodes(graph: Graph, options: CodeOptions = {}): Promise<ActivationCodes> {
  checkCodeOptions(options);
  const batch = options.batch ?? DEFAULT_PROXY_BATCH;
  const seed = options.seed ?? 0;
  const threads = options.threads ?? 1;
  const maxBytes = options.maxOutputBytes ?? 512 * 2 ** 20;
  const input = graph.tensors[graph.inputs[0] as number];
  if (!input) throw new InputError('graph', graph.name, 'a graph with an input');
  const { bytes, activations } = naswotModel(graph, seed);
  const byName = new Map(graph.tensors.map((t) => [t.name, t]));
  const segments: ActivationCodes['segments'] = [];
  let wordCount = 0;
  for (const name of activations) {
    const t = byName.get(name);
    const units = t ? t.elements / (t.shape[0] ?? 1) : 0;
    segments.push({ name, units, word: wordCount });
    wordCount += Math.ceil(units / 32);
  }
  const bits = segments.reduce((a, s) => a + s.units, 0);
  const words = Array.from({ length: batch }, () => new Uint32Array(wordCount));
  if (activations.length === 0) return { words, bits, segments, passes: 0 }; // nothing to run: no code
  const chunk = Math.max(1, Math.min(batch, Math.floor(maxBytes / Math.max(1, bits * 4))));
  const per = input.shape.slice(1).reduce((p, d) => p * d, 1);
  const data = naswotMinibatch(input.shape, batch, seed);
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  let passes = 0;
  try {
    for (let first = 0; first < batch; first += chunk) {
      const n = Math.min(chunk, batch - first);
      const slice = n === batch ? data : data.slice(first * per, (first + n) * per);
      const feeds = { [session.inputNames[0] as string]: new ort.Tensor('float32', slice, [n, ...input.shape.slice(1)]) };
      const results = await session.run(feeds, activations);
      passes++;
      for (const s of segments) {
        const floats = results[s.name]?.data as Float32Array;
        const values = new Int32Array(floats.buffer, floats.byteOffset, floats.length);
        if (values.length !== n * s.units) throw new Error(`${s.name}: ${values.length} values; expected ${n} x ${s.units}`);
        for (let i = 0; i < n; i++) packSigns(values, i * s.units, s.units, words[first + i] as Uint32Array, s.word);
      }
    }
  } finally {
    await session.release();
  }
  return { words, bits, segments, passes };
}

/**
 * The NASWOT training-free proxy (Mellor et al., ICML 2021): a score computed from one forward
 * pass of an untrained network on a minibatch. It is a PROXY, NOT AN ACCURACY: it correlates
 * (loosely) with the accuracy a network reaches after training and serves to rank candidates
 * cheaply; it predicts no number on any dataset, and it grows with the number of rectified units.
 *
 * How: the graph is exported with seeded He weights and BN folded (see naswotModel); every
 * rectifier output (CODE_OPS) becomes a graph output; N seeded standard-normal inputs (not
 * dataset images as in the paper) run through onnxruntime-node in one pass; each input's signs
 * (> 0 → 1) concatenate into its code; the score is log|det K_H| (see naswot.ts). The weights
 * and the minibatch come from `seed` (default: the EvaluationInput's), so a campaign scores
 * every candidate on the same inputs and the same score comes back for the same seed.
 *
 * Metrics: `naswot` (log|det K_H|, higher is better) and `macs`, `params`, `peakSramBytes`.
 * A candidate whose kernel is singular (two inputs with identical codes) fails with kind 'error'.
 */
export function proxyEvaluator(options: ProxyOptions = {}): Evaluator {
  checkCodeOptions(options);
  return {
    name: 'proxy',
    metrics: ['naswot', 'macs', 'params', 'peakSramBytes'],
    async evaluate(input: EvaluationInput): Promise<Evaluation> {
      const start = process.hrtime.bigint();
      const seed = options.seed ?? input.seed;
      const batch = options.batch ?? DEFAULT_PROXY_BATCH;
      let codes: ActivationCodes;
      try {
        codes = await naswotCodes(input.graph, { batch, seed, threads: options.threads, maxOutputBytes: options.maxOutputBytes });
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw new EvaluationFailure('error', `NASWOT forward pass of ${input.key} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const naswot = naswotFromPacked(codes);
      const details = { batch, seed, units: codes.bits, activations: codes.segments.length, passes: codes.passes };
      if (!Number.isFinite(naswot)) {
        throw new EvaluationFailure('error', `NASWOT kernel of ${input.key} is singular (${codes.bits} units): two inputs share one activation code`, details);
      }
      const costs = costMetrics(input.graph, options.sram ?? 'mcunet');
      return {
        metrics: { naswot, macs: costs.macs, params: costs.params, peakSramBytes: costs.peakSramBytes },
        seconds: Number(process.hrtime.bigint() - start) / 1e9,
        details,
      };
    },
  };
}

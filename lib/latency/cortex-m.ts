/**
 * An analytic latency model for Cortex-M class microcontrollers running int8 kernels as CMSIS-NN
 * and TinyEngine do: BatchNorm folded into the convolution, ReLU/ReLU6 fused into its
 * requantisation, every activation one byte an element.
 *
 * Cycles of a layer, by kind (coefficients in `CortexMCoefficients`, fitted to published per-model
 * latencies: search-spaces/devices/*.json cite them):
 * - conv family (Conv group 1 or grouped, not depthwise; ConvTranspose): convCyclesPerMac × MACs + bytes term + layer term
 * - depthwise Conv (kernel kind 'conv-depthwise'): depthwiseCyclesPerMac × MACs + bytes term + layer term
 * - kernel kind 'gemm' (Gemm, Linear, MatMul): linearCyclesPerMac × MACs + bytes term + layer term
 * - any other op that runs (Add, Mul, pooling, Sigmoid, Swish, HardSwish, HardSigmoid, LeakyRelu,
 *   Concat, ...): bytes term + layer term
 * - fused or free at int8 deployment: 0. Folded: BatchNormalization (into the conv's weights),
 *   Relu and Clip (ReLU / ReLU6, the requantisation clamp); free: kernel kind 'free' (Dropout,
 *   Flatten, Reshape).
 * where the bytes term is cyclesPerActivationByte × (bytes of every input activation + bytes of
 * the output) and the layer term is cyclesPerLayer.
 *
 * It is an estimate, not a measurement: it knows nothing of caches, flash wait states or the
 * kernels a given engine picks beyond what the fitted coefficients absorb.
 */
import type { DeviceProfile, CortexMCoefficients } from '../device/types.js';
import { InputError } from '../errors.js';
import { OPS } from '../graph/ops/index.js';
import type { KernelKind } from '../graph/ops/index.js';
import type { Graph, GraphNode, OpType } from '../graph/types.js';
import { tensorOf } from '../graph/types.js';
import { nodeCost } from '../cost/layer-costs.js';
import type { LatencyEstimator } from './types.js';

/** How the model charges a node. */
export type CortexMLayerKind = 'conv' | 'depthwise' | 'linear' | 'memory' | 'fused';

/**
 * Ops an int8 CMSIS-NN / TinyEngine deployment folds into the layer before: BN into its weights,
 * ReLU and ReLU6 (Clip) into its requantisation clamp. (A property of these engines, not of the op:
 * onnxruntime fuses more, see lamda/features.ts.) Ops of kernel kind 'free' cost nothing either.
 */
export const FOLDED_OPS: ReadonlySet<OpType> = new Set<OpType>(['BatchNormalization', 'Relu', 'Clip']);

/** What a node asks of the core: the quantities the coefficients multiply. */
export interface CortexMWork {
  node: string;
  op: string;
  kind: CortexMLayerKind;
  /** Multiply-accumulates per image, as cost/ counts them (conv and matmul families; 0 otherwise). */
  macs: number;
  /** Activation bytes read and written (int8: one byte an element); 0 for fused ops. */
  bytes: number;
}

export interface CortexMLayer {
  node: string;
  op: string;
  kind: CortexMLayerKind;
  cycles: number;
}

export interface CortexMLatency {
  /** Milliseconds for one inference at the given clock. */
  ms: number;
  /** Core cycles for one inference. */
  cycles: number;
  layers: CortexMLayer[];
}

function layerKind(node: GraphNode, graph: Graph): CortexMLayerKind {
  if (FOLDED_OPS.has(node.op)) return 'fused';
  const spec = OPS[node.op];
  const kind = (spec.kernelKind as (n: GraphNode, g: Graph) => KernelKind)(node, graph);
  if (kind === 'free') return 'fused';
  if (kind === 'conv-depthwise') return 'depthwise';
  if (spec.family === 'conv') return 'conv';
  if (kind === 'gemm') return 'linear';
  return 'memory';
}

/** The work of every node of the graph, in execution order. */
export function cortexMWork(graph: Graph): CortexMWork[] {
  return graph.nodes.map((node) => {
    const kind = layerKind(node, graph);
    if (kind === 'fused') return { node: node.name, op: node.op, kind, macs: 0, bytes: 0 };
    let bytes = 0;
    for (const t of node.inputs) bytes += tensorOf(graph, t).elements;
    for (const t of node.outputs) bytes += tensorOf(graph, t).elements;
    return { node: node.name, op: node.op, kind, macs: nodeCost(node, graph).macs, bytes };
  });
}

/** Cycles of one node's work under the coefficients. */
export function workCycles(w: CortexMWork, c: CortexMCoefficients): number {
  if (w.kind === 'fused') return 0;
  const perMac = w.kind === 'conv' ? c.convCyclesPerMac : w.kind === 'depthwise' ? c.depthwiseCyclesPerMac : w.kind === 'linear' ? c.linearCyclesPerMac : 0;
  return perMac * w.macs + c.cyclesPerActivationByte * w.bytes + c.cyclesPerLayer;
}

/**
 * Cycles and milliseconds of one batch-1 inference of `graph` on a Cortex-M core at `clockMHz`.
 *
 * @throws InputError when clockMHz is not a positive finite number.
 */
export function cortexMLatency(graph: Graph, coefficients: CortexMCoefficients, clockMHz: number): CortexMLatency {
  if (!(Number.isFinite(clockMHz) && clockMHz > 0)) throw new InputError('clockMHz', clockMHz, 'a positive number of MHz');
  const layers: CortexMLayer[] = [];
  let cycles = 0;
  for (const w of cortexMWork(graph)) {
    const c = workCycles(w, coefficients);
    cycles += c;
    layers.push({ node: w.node, op: w.op, kind: w.kind, cycles: c });
  }
  return { ms: cycles / (clockMHz * 1e3), cycles, layers };
}

/** The name shown beside every figure of this model: it says the figure is an estimate. */
export function cortexMEstimatorName(profile: Pick<DeviceProfile, 'name' | 'clockMHz'>): string {
  return `Cortex-M estimate (${profile.name}, ${profile.clockMHz} MHz)`;
}

/**
 * The LatencyEstimator of an `mcu` device profile.
 *
 * @throws InputError when the profile has no clockMHz or no cortexM coefficients.
 */
export function cortexMEstimator(profile: DeviceProfile): LatencyEstimator {
  const { clockMHz, cortexM } = profile;
  if (clockMHz === undefined || !(clockMHz > 0)) throw new InputError(`device ${profile.name}: clockMHz`, clockMHz, 'a positive number of MHz (the Cortex-M latency model needs the clock)');
  if (!cortexM) throw new InputError(`device ${profile.name}: cortexM`, cortexM, 'the five Cortex-M coefficients (the Cortex-M latency model needs them)');
  return {
    name: cortexMEstimatorName(profile),
    kind: 'cortex-m',
    latencyMs: (graph: Graph) => cortexMLatency(graph, cortexM, clockMHz).ms,
  };
}

/**
 * An analytic latency model for Cortex-M class microcontrollers running int8 kernels as CMSIS-NN
 * and TinyEngine do: BatchNorm folded into the convolution, ReLU/ReLU6 fused into its
 * requantisation, every activation one byte an element.
 *
 * Cycles of a layer, by kind (coefficients in `CortexMCoefficients`, fitted to published per-model
 * latencies: search-spaces/devices/*.json cite them):
 * - dense Conv (group 1 or grouped, not depthwise): convCyclesPerMac × MACs + bytes term + layer term
 * - depthwise Conv: depthwiseCyclesPerMac × MACs + bytes term + layer term
 * - Gemm (fully connected): linearCyclesPerMac × MACs + bytes term + layer term
 * - any other op that runs (Add, Mul, pooling, Sigmoid, Swish, HardSwish, HardSigmoid, LeakyRelu,
 *   Concat): bytes term + layer term
 * - fused or free at int8 deployment (BatchNormalization, Relu, Clip, Dropout, Flatten): 0
 * where the bytes term is cyclesPerActivationByte × (bytes of every input activation + bytes of
 * the output) and the layer term is cyclesPerLayer.
 *
 * It is an estimate, not a measurement: it knows nothing of caches, flash wait states or the
 * kernels a given engine picks beyond what the fitted coefficients absorb.
 */
import type { DeviceProfile, CortexMCoefficients } from '../device/types.js';
import { InputError } from '../errors.js';
import type { Graph, GraphNode } from '../graph/types.js';
import { isDepthwiseConv, tensorOf } from '../graph/types.js';
import { nodeCost } from '../cost/layer-costs.js';
import type { LatencyEstimator } from './types.js';

/** How the model charges a node. */
export type CortexMLayerKind = 'conv' | 'depthwise' | 'linear' | 'memory' | 'fused';

/** Ops that cost nothing once deployed in int8 (folded into, or fused with, the layer before). */
export const FUSED_OPS: ReadonlySet<string> = new Set(['BatchNormalization', 'Relu', 'Clip', 'Dropout', 'Flatten']);

/** What a node asks of the core: the quantities the coefficients multiply. */
export interface CortexMWork {
  node: string;
  op: string;
  kind: CortexMLayerKind;
  /** Multiply-accumulates (Conv and Gemm; 0 otherwise). */
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
  if (FUSED_OPS.has(node.op)) return 'fused';
  if (node.op === 'Conv') return isDepthwiseConv(node, graph) ? 'depthwise' : 'conv';
  if (node.op === 'Gemm') return 'linear';
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

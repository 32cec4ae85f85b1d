import type { Graph } from '../graph/types.js';

/**
 * Role: tells the latency of a candidate's graph before it is evaluated (a `predicted` metric,
 * lib/metrics.ts), so a latency limit is hard like MACs and SRAM. Synchronous: validation and
 * proposer screening call it for every candidate. Measured latency (onnxruntime) is not one of
 * these: it is an evaluated metric (lib/runtime/latency.ts).
 */
export interface LatencyEstimator {
  /** What it is, shown beside every figure, e.g. `predictor onnxruntime-cpu (calibrated: AMD EPYC 7B13, 1 thread)`. */
  readonly name: string;
  /** `predictor` or `cortex-m`. */
  readonly kind: string;
  /** The scale a calibration applied to the model (1 or absent: none); recorded so a resumed run keeps it. */
  readonly factor?: number;
  /** Milliseconds for one inference of the graph (batch 1). */
  latencyMs(graph: Graph): number;
}

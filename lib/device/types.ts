/**
 * A device profile (JSON in search-spaces/devices/): the limits of a target and how its latency
 * is told. `--device NAME|FILE` sets the run's limits and latency model from one.
 */
export interface DeviceProfile {
  name: string;
  description?: string;
  /** `mcu`: a Cortex-M class microcontroller (analytic latency); `cpu`: an application CPU (onnxruntime). */
  kind: 'mcu' | 'cpu';
  /** SRAM available to activations, bytes (becomes a peakSramBytes limit). */
  sramBytes?: number;
  /** Flash available to weights, bytes (becomes a flashBytes limit). */
  flashBytes?: number;
  clockMHz?: number;
  /** Latency model spec: `cortex-m`, `predictor`, `predictor:PATH` or `measured`. */
  latencyModel: string;
  /** Cortex-M cycle-model coefficients (kind mcu): cycles per MAC by layer kind, per byte moved, per layer. */
  cortexM?: CortexMCoefficients;
  /** Further limits, as in a space file: {"latencyMs": {"max": 200}}. */
  limits?: Record<string, { min?: number; max?: number }>;
  /** Where the figures come from (datasheets, papers), cited where the profile is shown. */
  sources?: string[];
}

/** Coefficients of the analytic Cortex-M latency model (lib/latency/cortex-m.ts). */
export interface CortexMCoefficients {
  /** Cycles per MAC of a standard (dense) convolution, int8 (CMSIS-NN / TinyEngine im2col + SIMD). */
  convCyclesPerMac: number;
  /** Cycles per MAC of a depthwise convolution (lower arithmetic intensity than dense). */
  depthwiseCyclesPerMac: number;
  /** Cycles per MAC of a fully connected layer. */
  linearCyclesPerMac: number;
  /** Cycles per byte of activation read and written (element-wise ops, pooling, requantisation). */
  cyclesPerActivationByte: number;
  /** Fixed cycles per layer (call and setup overhead). */
  cyclesPerLayer: number;
}

import type { DeviceProfile } from '../device/types.js';
import { InputError } from '../errors.js';
import { cortexMEstimator } from './cortex-m.js';
import { predictorEstimator } from './predictor-estimator.js';
import type { LatencyEstimator } from './types.js';

/** The latency models `--latency-model` (and a device profile's `latencyModel`) name. */
export const LATENCY_MODELS = 'predictor, predictor:PATH (a predictor file from `paretonas lamda predictor train`), cortex-m (with an mcu --device) or measured';

export interface LatencySelectOptions {
  device?: DeviceProfile;
  /** Calibrate an unseen CPU's predictor now (measures zoo variants, under a minute). */
  calibrate?: boolean;
  onNote?(line: string): void;
  onProgress?(done: number, total: number): void;
}

/** Whether a spec is measured latency: an evaluated metric, told after evaluation by onnxruntime. */
export const isMeasured = (spec: string | undefined): boolean => spec === 'measured';

/** Checks a latency model spec without loading anything (for flags, before a run starts). */
export function checkLatencyModel(spec: string, device?: DeviceProfile, field = '--latency-model'): void {
  if (spec === 'predictor' || spec === 'measured' || (spec.startsWith('predictor:') && spec.length > 'predictor:'.length)) return;
  if (spec === 'cortex-m') {
    if (!device || device.kind !== 'mcu') throw new InputError(field, spec, 'cortex-m only with an mcu device profile (--device stm32f746, ...)', `got cortex-m ${device ? `with the ${device.kind} device ${device.name}` : 'without --device'}`);
    return;
  }
  throw new InputError(field, spec, LATENCY_MODELS);
}

/**
 * The estimator that tells latencyMs before evaluation for a run, or undefined for `measured`
 * (then latencyMs is measured after evaluation) and for no model. Errors: InputError for an
 * unknown spec, a missing predictor file, or cortex-m without an mcu device.
 */
export async function createLatencyEstimator(spec: string | undefined, options: LatencySelectOptions = {}): Promise<LatencyEstimator | undefined> {
  if (spec === undefined || isMeasured(spec)) return undefined;
  checkLatencyModel(spec, options.device);
  if (spec === 'cortex-m') return cortexMEstimator(options.device as DeviceProfile);
  return predictorEstimator(spec, { threads: 1, calibrate: options.calibrate, onNote: options.onNote, onProgress: options.onProgress });
}

/** How a run's latencyMs was told, in words for reports: estimates say they are estimates. */
export function describeLatencyModel(spec: string | undefined, device?: DeviceProfile): string | undefined {
  if (spec === undefined) return undefined;
  if (spec === 'cortex-m') return `latency is a Cortex-M estimate for ${device?.name ?? 'the device'}${device?.clockMHz ? ` at ${device.clockMHz} MHz` : ''} (cycles from MACs and memory traffic, calibrated on published STM32 latencies), not a measurement`;
  if (spec === 'measured') return 'latency was measured with onnxruntime (median of 20 runs, one thread) on the machine that ran the search';
  return `latency is predicted by the ${spec === 'predictor' ? 'shipped onnxruntime CPU predictor' : `predictor ${spec.slice('predictor:'.length)}`} (an estimate; calibrated for the CPU when a calibration was cached)`;
}

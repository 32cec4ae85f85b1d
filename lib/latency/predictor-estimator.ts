/**
 * The latency predictor as a LatencyEstimator that follows the device: on the device its file was
 * fit on it is used as it is; elsewhere a calibration cached for (this device, this predictor) is
 * applied; without one the figures are the uncalibrated predictor's and a note says so and how to
 * calibrate (`--calibrate`), which measures a fixed set of zoo variants here (calibrate.ts).
 */
import { basename } from 'node:path';
import { InputError } from '../errors.js';
import type { Graph } from '../graph/types.js';
import { DEFAULT_PREDICTOR_PATH, type LatencyPredictor, loadPredictor } from '../lamda/predictor.js';
import { type DeviceDescriptor, describeDevice } from '../runtime/device.js';
import { blockOf, cacheDir, calibrationPath, deviceKey, readCalibration, writeCalibration } from './cache.js';
import { CALIBRATION_SET, type Calibration, calibrate, MAX_SPREAD_PCT, type MeasureFn, medianSpreadPct, predictorSha256 } from './calibrate.js';
import type { LatencyEstimator } from './types.js';

export const PREDICTOR_SPECS = 'predictor (the shipped onnxruntime-cpu predictor) or predictor:FILE (a predictor JSON file)';

export interface PredictorEstimatorOptions {
  /** onnxruntime intra-op threads the figures are for (default: the device's, else 1). */
  threads?: number;
  /** Measure and cache a calibration when the predictor has not seen this device and none is cached. */
  calibrate?: boolean;
  /** The device (default: this machine, describeDevice); tests pass another to simulate an unseen CPU. */
  device?: DeviceDescriptor;
  /** One line per note (uncalibrated predictor, calibration done, cache entry ignored). */
  onNote?(line: string): void;
  /** Calibration progress: variants measured of the total. */
  onProgress?(done: number, total: number): void;
  /** The cache folder (default cacheDir(): PARETONAS_CACHE_DIR, XDG_CACHE_HOME/paretonas, ~/.cache/paretonas). */
  cacheDir?: string;
  /** How calibration variants are timed (default onnxruntime-node); for tests. */
  measure?: MeasureFn;
}

/** How the estimator's figures relate to this device. */
export type PredictorStatus = 'seen' | 'calibrated' | 'uncalibrated';

export interface PredictorLatencyEstimator extends LatencyEstimator {
  readonly kind: 'predictor';
  /** = latencyMs (LAMDA's estimator interface, lib/lamda/verify.ts). */
  predictMs(graph: Graph): number;
  /** The predictor as loaded, before any rescaling. */
  readonly predictor: LatencyPredictor;
  readonly status: PredictorStatus;
  /** What the base predictor's figures are multiplied by (1 unless calibrated). */
  readonly factor: number;
  readonly calibration?: Calibration;
  readonly device: DeviceDescriptor;
}

/** The predictor file a spec names: `predictor` is the shipped one, `predictor:FILE` a file. */
export function predictorPathOf(spec: string): string {
  if (spec === 'predictor') return DEFAULT_PREDICTOR_PATH;
  if (spec.startsWith('predictor:') && spec.length > 'predictor:'.length) return spec.slice('predictor:'.length);
  throw new InputError('latency model', spec, PREDICTOR_SPECS);
}

function describe(d: Pick<DeviceDescriptor, 'cpu' | 'cores' | 'threads' | 'onnxruntime' | 'nchwcBlock'>): string {
  return `${d.cpu} (${d.cores} cores, ${d.threads} thread${d.threads === 1 ? '' : 's'}, onnxruntime ${d.onnxruntime}, NCHWc block ${blockOf(d)})`;
}

function estimator(predictor: LatencyPredictor, name: string, status: PredictorStatus, factor: number, device: DeviceDescriptor, calibration?: Calibration): PredictorLatencyEstimator {
  const ms = (graph: Graph) => factor * predictor.predictMs(graph);
  return { name, kind: 'predictor', latencyMs: ms, predictMs: ms, predictor, status, factor, device, ...(calibration ? { calibration } : {}) };
}

/**
 * The latency predictor of `spec` for this device (or `options.device`).
 *
 * @throws InputError for a bad spec or predictor file (one line, exit 2 in the CLI). A corrupt or
 *   unwritable cache never throws: it is a note.
 */
export async function predictorEstimator(spec: string, options: PredictorEstimatorOptions = {}): Promise<PredictorLatencyEstimator> {
  const path = predictorPathOf(spec);
  const predictor = loadPredictor(path);
  const label = basename(path).replace(/\.json$/i, '');
  const note = (line: string) => options.onNote?.(line);
  const threads = options.threads ?? options.device?.threads ?? 1;
  const device = options.device ?? describeDevice(threads);
  const file = predictor.file;
  const trained = { ...file.device, nchwcBlock: file.nchwcBlock ?? file.device.nchwcBlock };
  const key = deviceKey(device);
  if (deviceKey(trained) === key) {
    if (options.calibrate) note(`note: the latency predictor ${label} was fit on this device, ${describe(device)}; no calibration needed`);
    return estimator(predictor, `predictor ${label}`, 'seen', 1, device);
  }
  const sha = predictorSha256(file);
  const dir = options.cacheDir ?? cacheDir();
  const entryPath = calibrationPath(dir, key, label, sha);
  const cached = readCalibration(entryPath, { deviceKey: key, predictorSha: sha }, note);
  const calibratedName = (c: Calibration) => `predictor ${label}, calibrated for ${device.cpu} (x${c.factor.toFixed(2)})`;
  if (cached && options.calibrate) note(`note: using the calibration of the latency predictor ${label} cached on ${cached.createdAt} (x${cached.factor.toFixed(2)}); delete ${entryPath} to measure again`);
  if (cached) return estimator(predictor, calibratedName(cached), 'calibrated', cached.factor, device, cached);
  if (!options.calibrate) {
    note(`note: the latency predictor ${label} was fit on ${describe(trained)}; this is ${describe(device)}: its figures may be off. Add --calibrate to measure ${CALIBRATION_SET.length} zoo variants here (under a minute) and rescale it; the result is cached in ${dir}.`);
    return estimator(predictor, `predictor ${label}, fit on ${trained.cpu} (NCHWc block ${blockOf(trained)}), not calibrated here`, 'uncalibrated', 1, device);
  }
  const calibration = await calibrate(predictor, { threads, device, predictorName: label, onProgress: options.onProgress, measure: options.measure });
  const unwritten = writeCalibration(entryPath, calibration);
  const c = calibration;
  note(
    `note: calibrated the latency predictor ${label} for ${describe(device)} in ${c.seconds.toFixed(1)} s: x${c.factor.toFixed(2)} (measured/predicted from ${c.ratio.min.toFixed(2)} to ${c.ratio.max.toFixed(2)}), ` +
      `MAPE ${c.errorBefore.toFixed(1)}% -> ${c.errorAfter.toFixed(1)}% (leave-one-out ${c.errorAfterLeaveOneOut.toFixed(1)}%) on ${c.samples.length} zoo variants; ` +
      (unwritten ? `not cached (${unwritten})` : `cached in ${entryPath}`),
  );
  const spread = medianSpreadPct(c.samples);
  if (spread > MAX_SPREAD_PCT) note(`note: the runs spread ${spread.toFixed(0)}% (median of the variants; above ${MAX_SPREAD_PCT}% means other processes were running): the factor may be high; delete ${entryPath} and calibrate again on a quiet machine`);
  return estimator(predictor, calibratedName(calibration), 'calibrated', calibration.factor, device, calibration);
}

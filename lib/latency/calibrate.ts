/**
 * Calibrating a latency predictor on this machine: a small, fixed set of zoo variants is measured
 * in onnxruntime-node here and compared with the predictor, and the predictor is rescaled by one
 * factor, the geometric mean of measured / predicted.
 *
 * Why one factor and not a refit: the predictor has 52 coefficients fitted on 560 samples; ten
 * samples cannot refit them, but they pin down the overall speed of this CPU well (on the AMD EPYC
 * AVX2 machine the ratios of ten variants spread ±15 % around one factor while the factor itself
 * was 3.3). The leave-one-out error reported beside it says how well one factor carries.
 */
import { createHash } from 'node:crypto';
import { graphTotals } from '../cost/estimate.js';
import { InputError } from '../errors.js';
import { buildZooModel } from '../graph/zoo/index.js';
import type { Graph } from '../graph/types.js';
import type { LatencyPredictor, PredictorFile } from '../lamda/predictor.js';
import type { VariantRecipe } from '../lamda/transform.js';
import { applyVariant } from '../lamda/transform.js';
import { adaptiveRuns, baseRecipe } from '../lamda/variants.js';
import { type DeviceDescriptor, describeDevice } from '../runtime/device.js';
import { CALIBRATION_FORMAT, deviceKey } from './cache.js';

export { CALIBRATION_FORMAT };

/** The variants measured (zoo model, uniform width; 224×224, 1000 classes, channels in multiples of 8). */
export const CALIBRATION_SET: readonly { family: string; width: number }[] = [
  { family: 'mobilenet_v3_small', width: 1 },
  { family: 'mobilenet_v2', width: 0.5 },
  { family: 'mobilenet_v2', width: 1 },
  { family: 'mnasnet1_0', width: 0.75 },
  { family: 'squeezenet1_1', width: 1 },
  { family: 'alexnet', width: 0.5 },
  { family: 'resnet50', width: 0.25 },
  { family: 'googlenet', width: 0.5 },
  { family: 'resnet18', width: 0.5 },
  { family: 'resnet18', width: 1 },
];
export const CALIBRATION_RESOLUTION = 224;
export const CALIBRATION_CLASSES = 1000;

/** One measured variant of a calibration. */
export interface CalibrationSample {
  family: string;
  recipe: VariantRecipe;
  /** The variant graph's name (e.g. `resnet18~w0.50d8-s0`). */
  name: string;
  macs: number;
  /** Median of the timed runs here, ms. */
  measuredMs: number;
  /** The base predictor's figure, ms. */
  predictedMs: number;
  /** (p90 − p10) / median of the runs, percent. */
  spreadPct: number;
  runs: number;
}

/** A predictor calibrated on one device: multiply its figures by `factor`. Errors in percent (MAPE). */
export interface Calibration {
  format: typeof CALIBRATION_FORMAT;
  /** deviceKey(device) (lib/latency/cache.ts). */
  deviceKey: string;
  device: DeviceDescriptor;
  predictor: { name: string; sha256: string; trainedOn: string };
  method: 'scale';
  /** Geometric mean of measuredMs / predictedMs over the samples. */
  factor: number;
  /** The spread of the ratios: smallest, largest, and their geometric standard deviation (1 = all equal). */
  ratio: { min: number; max: number; geometricSd: number };
  samples: CalibrationSample[];
  /** MAPE of the base predictor on the samples, percent. */
  errorBefore: number;
  /** MAPE of the rescaled predictor on the samples (in-sample), percent. */
  errorAfter: number;
  /** MAPE when each sample is predicted with the factor of the other samples, percent. */
  errorAfterLeaveOneOut: number;
  /** Wall time of the calibration, seconds. */
  seconds: number;
  createdAt: string;
}

/** How a variant is timed: onnxruntime-node by default; tests inject a stand-in. */
export type MeasureFn = (graph: Graph, options: { runs: number; warmup: number; threads: number }) => Promise<{ medianMs: number; spreadPct: number }>;

export interface CalibrateOptions {
  /** onnxruntime intra-op threads (default 1, the predictor's). */
  threads?: number;
  /** Called with 0 before the first variant and after each one. */
  onProgress?: (done: number, total: number) => void;
  /** The device the calibration is for (default: describeDevice(threads), this machine). */
  device?: DeviceDescriptor;
  /** The predictor's display name (default: its file's name). */
  predictorName?: string;
  measure?: MeasureFn;
  /** The variants (default CALIBRATION_SET). */
  variants?: readonly { family: string; width: number }[];
}

/**
 * Re-measurements of a variant whose runs spread more than 15 % (another process got in the way);
 * the lowest median is kept, as the one least slowed by other processes.
 */
const RETRIES = 2;
export const MAX_SPREAD_PCT = 15;

/** sha256 of what a predictor's figures depend on (model, features, coefficients, NCHWc block). */
export function predictorSha256(file: PredictorFile): string {
  const content = JSON.stringify([file.model, file.features, file.coefficients, file.nchwcBlock ?? null]);
  return createHash('sha256').update(content).digest('hex');
}

const realMeasure: MeasureFn = async (graph, options) => {
  // onnxruntime loads only when something is measured (campaigns and reports import this module).
  const { measureGraph } = await import('../runtime/latency.js');
  const m = await measureGraph(graph, options);
  return { medianMs: m.medianMs, spreadPct: m.spreadPct };
};

function mape(predicted: readonly number[], measured: readonly number[]): number {
  return (100 * measured.reduce((s, m, i) => s + Math.abs((predicted[i] as number) - m) / m, 0)) / measured.length;
}

function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

/** Median of the samples' run spreads, percent: above MAX_SPREAD_PCT the machine was busy while it calibrated. */
export function medianSpreadPct(samples: readonly Pick<CalibrationSample, 'spreadPct'>[]): number {
  const s = samples.map((x) => x.spreadPct).sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The factor and errors of a set of measured/predicted pairs (exported for the tests and re-use). */
export function scaleFit(samples: readonly Pick<CalibrationSample, 'measuredMs' | 'predictedMs'>[]): Pick<Calibration, 'factor' | 'ratio' | 'errorBefore' | 'errorAfter' | 'errorAfterLeaveOneOut'> {
  if (samples.length === 0) throw new InputError('samples', 0, 'at least one calibration sample');
  const ratios = samples.map((s) => s.measuredMs / s.predictedMs);
  const factor = geometricMean(ratios);
  const logs = ratios.map((r) => Math.log(r / factor));
  const geometricSd = Math.exp(Math.sqrt(logs.reduce((s, l) => s + l * l, 0) / ratios.length));
  const measured = samples.map((s) => s.measuredMs);
  const looPredicted = samples.map((s, i) => (samples.length > 1 ? geometricMean(ratios.filter((_, j) => j !== i)) : factor) * s.predictedMs);
  return {
    factor,
    ratio: { min: Math.min(...ratios), max: Math.max(...ratios), geometricSd },
    errorBefore: mape(samples.map((s) => s.predictedMs), measured),
    errorAfter: mape(samples.map((s) => factor * s.predictedMs), measured),
    errorAfterLeaveOneOut: mape(looPredicted, measured),
  };
}

/**
 * Measures the fixed calibration variants here (real onnxruntime sessions unless `measure` is
 * given; about 10 s on the 2-core reference machine) and rescales `base` to them.
 *
 * @throws InputError for a bad thread count or variant; onnxruntime's own errors pass through.
 */
export async function calibrate(base: LatencyPredictor, options: CalibrateOptions = {}): Promise<Calibration> {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) throw new InputError('threads', threads, 'an integer from 1 to 1024');
  const measure = options.measure ?? realMeasure;
  const variants = options.variants ?? CALIBRATION_SET;
  const device = options.device ?? describeDevice(threads);
  const start = performance.now();
  const samples: CalibrationSample[] = [];
  options.onProgress?.(0, variants.length);
  for (const v of variants) {
    const recipe: VariantRecipe = { ...baseRecipe(v.family), width: v.width, divisor: 8 };
    const graph = applyVariant(buildZooModel(v.family, { resolution: CALIBRATION_RESOLUTION, classes: CALIBRATION_CLASSES }), recipe);
    const macs = graphTotals(graph).macs;
    const runs = Math.max(8, adaptiveRuns(macs));
    let m = await measure(graph, { runs, warmup: 2, threads });
    for (let retry = 0; retry < RETRIES && m.spreadPct > MAX_SPREAD_PCT; retry++) {
      const again = await measure(graph, { runs, warmup: 2, threads });
      if (again.medianMs < m.medianMs) m = again;
    }
    samples.push({ family: v.family, recipe, name: graph.name, macs, measuredMs: m.medianMs, predictedMs: base.predictMs(graph), spreadPct: m.spreadPct, runs });
    options.onProgress?.(samples.length, variants.length);
  }
  const trained = base.file.device;
  return {
    format: CALIBRATION_FORMAT,
    deviceKey: deviceKey(device),
    device,
    predictor: { name: options.predictorName ?? base.file.name, sha256: predictorSha256(base.file), trainedOn: `${trained.cpu}, ${trained.cores} cores, ${trained.threads} thread, onnxruntime ${trained.onnxruntime}, NCHWc block ${base.file.nchwcBlock ?? 16}` },
    method: 'scale',
    ...scaleFit(samples),
    samples,
    seconds: (performance.now() - start) / 1000,
    createdAt: new Date().toISOString(),
  };
}

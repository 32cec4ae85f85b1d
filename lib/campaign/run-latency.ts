import { describeLimit, runLimits } from '../limits.js';
import type { CampaignConfig } from './config.js';
import type { CampaignRecord } from './records.js';
import { limitScreen, sampleFeasibility } from './screen.js';
import { EvaluationFailure } from '../evaluate/types.js';
import { createLatencyEstimator, isMeasured } from '../latency/select.js';
import type { LatencyEstimator } from '../latency/types.js';
import type { Candidate } from '../space/candidate.js';
import type { SearchSpace } from '../space/space.js';

/** What the latency set-up tells the user, and whether to calibrate (RunOptions' fields). */
export interface LatencyOptions {
  /** Calibrate an unseen CPU's latency predictor before the run (measures zoo variants, under a minute). */
  calibrate?: boolean;
  /** One-line notes for the user (e.g. the latency predictor was fit on another CPU). */
  onNote?: (line: string) => void;
  /** Progress of a latency calibration. */
  onCalibrationProgress?: (done: number, total: number) => void;
}

/** The run's latency estimator (none for `measured` or a run without latency); notes go to the user. */
export async function latencyFor(config: CampaignConfig, options: LatencyOptions): Promise<LatencyEstimator | undefined> {
  if (options.calibrate && !(config.latencyModel ?? '').startsWith('predictor')) options.onNote?.(`--calibrate applies to the latency predictor only; this run's latency is ${config.latencyModel ?? 'not told (no latencyMs objective or limit)'}`);
  if (config.device?.kind === 'mcu' && config.latencyModel !== undefined && config.latencyModel !== 'cortex-m') {
    options.onNote?.(`latency is told by ${config.latencyModel} (this CPU), not by the Cortex-M estimate of the ${config.device.name} device: its milliseconds are not the microcontroller's`);
  }
  return createLatencyEstimator(config.latencyModel, { device: config.device, calibrate: options.calibrate, onNote: options.onNote, onProgress: options.onCalibrationProgress });
}

/**
 * On resume, latency is told as the run started telling it: a calibration cached or deleted since
 * (or another machine's) would mix two scales in one run, so the recorded factor is put back.
 */
export function pinRecordedFactor(latency: LatencyEstimator | undefined, start: CampaignRecord | undefined, options: LatencyOptions): LatencyEstimator | undefined {
  if (!latency || !start || start.latencyEstimator === undefined) return latency;
  const recorded = typeof start.latencyFactor === 'number' ? start.latencyFactor : 1;
  const current = latency.factor ?? 1;
  if (recorded === current) return latency;
  options.onNote?.(`latency: the run started with the predictor scaled x${recorded.toFixed(2)} (${String(start.latencyEstimator)}); this machine's calibration is x${current.toFixed(2)}, so the run keeps x${recorded.toFixed(2)}`);
  const ratio = recorded / current;
  return { name: String(start.latencyEstimator), kind: latency.kind, latencyMs: (graph) => latency.latencyMs(graph) * ratio };
}

/** The calibration factor of a predictor (recorded beside its name), when it has one. */
export function latencyFactor(latency: LatencyEstimator): Record<string, number> {
  return latency.factor !== undefined && latency.factor !== 1 ? { latencyFactor: latency.factor } : {};
}

/** Says so before the run when no seeded sample of the space meets every hard limit, and which limits rule them out. */
export function feasibilityNote(space: SearchSpace, config: CampaignConfig, latency: LatencyEstimator | undefined, options: LatencyOptions): void {
  if (!options.onNote) return;
  const report = sampleFeasibility(space, runLimits(config), config.sramModel, latency, isMeasured(config.latencyModel));
  if (report.all > 0) return;
  const worst = report.perLimit.filter((p) => p.share < 0.01).map((p) => `${describeLimit(p.limit)} (${(100 * p.share).toFixed(1)}%)`);
  options.onNote(`none of ${report.samples} random candidates of the space meets every limit at once; ${worst.length ? `rarely met: ${worst.join(', ')}` : 'each is met alone, not together'}. The run may find nothing valid: loosen a limit or change the space.`);
}

export function screenOf(space: SearchSpace, config: CampaignConfig, latency: LatencyEstimator | undefined): (c: Candidate) => boolean {
  return limitScreen(space, runLimits(config), config.sramModel, latency, isMeasured(config.latencyModel));
}

/** Median of 20 timed onnxruntime runs (3 warm-up, one thread) on this machine; loaded only for `measured`. */
export async function measuredLatencyMs(graph: Parameters<typeof import('../runtime/latency.js').measureGraph>[0]): Promise<number> {
  const { measureGraph } = await import('../runtime/latency.js');
  try {
    return (await measureGraph(graph, { runs: 20, warmup: 3, threads: 1 })).medianMs;
  } catch (err) {
    throw new EvaluationFailure('error', `measuring latency with onnxruntime failed: ${(err as Error).message}`);
  }
}

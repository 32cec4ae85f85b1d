import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as ort from 'onnxruntime-node';
import { InputError } from '../errors.js';
import type { Graph } from '../graph/types.js';
import { exportOnnx } from '../onnx/export.js';
import { createRng } from '../rng.js';
import type { DeviceDescriptor } from './device.js';
import { describeDevice } from './device.js';
import type { LatencyStats } from './stats.js';
import { latencyStats } from './stats.js';

export interface MeasureOptions {
  runs?: number;
  warmup?: number;
  /** onnxruntime intra-op threads (default 1: a single core, like a microcontroller). */
  threads?: number;
  /** Called after every timed run (for progress on long measurements). */
  onRun?: (done: number, total: number) => void;
}

export interface LatencyMeasurement extends LatencyStats {
  runs: number;
  warmup: number;
  inputShape: number[];
  samplesMs: number[];
  device: DeviceDescriptor;
}

/** Role: something that tells the latency of a graph (measured here; predicted by LAMDA later). */
export interface LatencyModel {
  readonly name: string;
  latency(graph: Graph): Promise<LatencyStats>;
}

function positive(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new InputError(field, value, `an integer >= ${min}`);
  return value;
}

/** Times inference of ONNX bytes in onnxruntime-node on this CPU: warm-up runs, then timed runs. */
export async function measureOnnx(bytes: Uint8Array, inputShape: readonly number[], options: MeasureOptions = {}): Promise<LatencyMeasurement> {
  const runs = positive('runs', options.runs ?? 50, 1);
  const warmup = positive('warmup', options.warmup ?? 5, 0);
  const threads = positive('threads', options.threads ?? 1, 1);
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  try {
    const elements = inputShape.reduce((p, d) => p * d, 1);
    const rng = createRng(0);
    const data = Float32Array.from({ length: elements }, () => rng.next() * 2 - 1);
    const feeds = { [session.inputNames[0] as string]: new ort.Tensor('float32', data, [...inputShape]) };
    for (let i = 0; i < warmup; i++) await session.run(feeds);
    const samplesMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      await session.run(feeds);
      samplesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
      options.onRun?.(i + 1, runs);
    }
    return { ...latencyStats(samplesMs), runs, warmup, inputShape: [...inputShape], samplesMs, device: describeDevice(threads) };
  } finally {
    await session.release();
  }
}

/** Measures a Graph by exporting it (seeded weights, BN folded as a deployment would) and timing it. */
export async function measureGraph(graph: Graph, options: MeasureOptions = {}): Promise<LatencyMeasurement> {
  const input = graph.tensors[graph.inputs[0] as number];
  if (!input) throw new InputError('graph', graph.name, 'a graph with an input');
  return measureOnnx(exportOnnx(graph, { foldBatchNorm: true }), input.shape, options);
}

/** The measured LatencyModel: onnxruntime-node on this machine. */
export function measuredLatencyModel(options: MeasureOptions = {}): LatencyModel {
  return {
    name: `onnxruntime-node (${options.threads ?? 1} thread${(options.threads ?? 1) > 1 ? 's' : ''})`,
    latency: (graph) => measureGraph(graph, options),
  };
}

/** One line of the latency dataset a predictor later trains on. */
export interface LatencyRecord {
  kind: 'latency';
  time: string;
  model: string;
  /** Where the model came from: a file path, `zoo:NAME`; with `format` and `sha256` it can be found again. */
  source: string;
  format: string;
  /** sha256 of the ONNX bytes that were timed. */
  sha256: string;
  /** Whether the timed ONNX came from an export with BN folded (false: a user's ONNX file, timed as it is). */
  exported: boolean;
  batch: number;
  classes: number;
  /** Per image (batch 1); the timed run processed `batch` images. */
  macs: number;
  params: number;
  measurement: Omit<LatencyMeasurement, 'samplesMs'> & { samplesMs?: number[] };
}

/** Appends `value` as one JSON line; creates the file (and folder) when missing. */
export function appendJsonLine(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(value)}\n`);
}

export function appendLatencyRecord(path: string, record: LatencyRecord): void {
  appendJsonLine(path, record);
}

import { estimateCosts } from '../cost/estimate.js';
import { capText, InputError } from '../errors.js';
import type { Graph } from '../graph/types.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { exportOnnx } from '../onnx/export.js';
import { decodeModel } from '../onnx/import.js';
import { toNumber } from '../onnx/proto.js';
import { appendLatencyRecord, measureOnnx } from '../runtime/latency.js';
import { intFlag, jsonOut, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { formatInt } from '../report/text-table.js';
import { MODEL_ARGS, MODEL_FLAGS, modelFromFlags } from './model-flags.js';
import { stderrProgress } from './progress.js';

export const DEFAULT_LATENCY_DATASET = 'reports/latency/measurements.jsonl';
export const LATENCY_COMMAND = defineCommand({
  name: 'latency',
  args: MODEL_ARGS,
  summary: 'inference latency in onnxruntime-node on this CPU, appended to a latency dataset (JSONL)',
  example: 'paretonas latency --zoo mobilenet_v3_small --runs 100 --no-record',
  flags: {
    ...MODEL_FLAGS,
    runs: { type: 'string', value: 'N', default: '50', help: 'timed runs, 1 to 100,000 (progress and time left on stderr)' },
    warmup: { type: 'string', value: 'N', default: '5', help: 'untimed runs first, 0 to 10,000' },
    threads: { type: 'string', value: 'N', default: '1', help: 'onnxruntime intra-op threads, 1 to 256' },
    batch: { type: 'string', value: 'N', default: '1', help: 'images a run, 1 to 4096, while the session fits the memory bound (see below)' },
    dataset: { type: 'string', value: 'FILE', default: DEFAULT_LATENCY_DATASET, help: 'the JSONL file the measurement is appended to' },
    'no-record': { type: 'boolean', help: 'append nothing' },
    json: { type: 'boolean', help: 'print the measurement as JSON' },
  },
  notes: [
    'Memory: the session is estimated before loading as 4 bytes x (params + batch x the peak of live activations',
    'of one image); above 4 GiB or half of this machine\'s RAM, whichever is smaller, the batch is refused.',
  ],
});

/** Largest estimated session memory (bytes) latency loads: 4 GiB or half of this machine's RAM, whichever is smaller. */
export function sessionMemoryBound(totalMemory = totalmem()): number {
  return Math.min(4 * 2 ** 30, Math.floor(totalMemory / 2));
}

/**
 * Estimated onnxruntime session memory in bytes: fp32 weights plus fp32 activations for `batch`
 * images at the peak of simultaneously live tensors (the liveness SRAM model counts elements, 1 byte each).
 * Measured (resnet18, 1 thread): batch 256 estimates 1.0 GiB, peaks at 1.5 GB RSS, 23 s a run; batch 1024
 * estimates 3.9 GiB, peaks at 5.1 GB RSS, 103 s a run.
 */
export function estimateSessionBytes(graph: Graph, batch: number): number {
  const live = estimateCosts(graph, { model: 'liveness' });
  return 4 * (live.params + batch * live.peakSramBytes);
}

/**
 * The fixed batch an ONNX file's input declares (its first dimension when a number, > 0), or
 * undefined when the batch is dynamic.
 */
export function fixedBatchOf(bytes: Uint8Array, source: string): number | undefined {
  const g = decodeModel(bytes, source).graph;
  const stored = new Set((g?.initializer ?? []).map((t) => t.name));
  const dim = g?.input?.find((v) => !stored.has(v.name))?.type?.tensorType?.shape?.dim?.[0];
  const n = dim?.dimValue === undefined || dim.dimValue === null ? 0 : toNumber(dim.dimValue);
  return n > 0 ? n : undefined;
}

/**
 * MACs and params per image: the costs of the graph divided by its input batch (an ONNX file with a
 * fixed batch is already read at batch 1; a graph given --input with batch N counts N images).
 */
export function perImage(graph: Graph): { macs: number; params: number } {
  const costs = estimateCosts(graph);
  const batch = graph.tensors[graph.inputs[0] as number]?.shape[0] ?? 1;
  return { macs: costs.macs / Math.max(1, batch), params: costs.params };
}

/** onnxruntime's error text in one short line: no source paths (`/onnxruntime_src/...cc:376`) or C++ signatures. */
export function shortOrtMessage(message: string): string {
  const first = message.split('\n')[0] ?? '';
  const cleaned = first
    .replace(/\S*\/[\w./-]+\.(?:cc|cpp|cxx|h|hpp):\d+/g, '')
    .replace(/(?:\b[\w:<>*&,]+ )?[\w:<>]+::\w+\([^()]*(?:\([^()]*\)[^()]*)*\)(?: const)?/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return capText(cleaned || 'an error without a message', 200);
}

const GIB = 2 ** 30;
export const LATENCY_USAGE = usageLine(LATENCY_COMMAND);
const flagDefault = (name: 'runs' | 'warmup' | 'threads' | 'batch'): number => Number(LATENCY_COMMAND.flags[name].default);

export async function latencyCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, LATENCY_COMMAND.flags);
  const model = modelFromFlags(values, positionals);
  const runs = intFlag('runs', values.runs, 1, 100_000) ?? flagDefault('runs');
  const warmup = intFlag('warmup', values.warmup, 0, 10_000) ?? flagDefault('warmup');
  const threads = intFlag('threads', values.threads, 1, 256) ?? flagDefault('threads');
  if (values.dataset !== undefined && values['no-record']) throw new InputError('--dataset', values.dataset, 'either --dataset FILE or --no-record');
  // An ONNX file is timed as it is; anything else is exported first (seeded weights, BN folded).
  const bytes = model.format === 'onnx' ? readFileSync(model.source) : exportOnnx(model.graph, { foldBatchNorm: true });
  // a file written at a fixed batch N runs N images a run (the costs stay per image: the import read it at batch 1)
  const fileBatch = model.format === 'onnx' ? fixedBatchOf(bytes, model.source) : undefined;
  const batch = intFlag('batch', values.batch, 1, 4096) ?? fileBatch ?? flagDefault('batch');
  if (fileBatch !== undefined && batch !== fileBatch) throw new InputError('--batch', batch, `${fileBatch} (the file's input has a fixed batch of ${fileBatch})`);
  const inputShape = [batch, ...(model.graph.tensors[model.graph.inputs[0] as number]?.shape.slice(1) ?? [])];
  const estimate = estimateSessionBytes(model.graph, batch);
  const bound = sessionMemoryBound();
  if (estimate > bound) {
    const perImage = estimateSessionBytes(model.graph, 1) - estimateSessionBytes(model.graph, 0);
    const fits = Math.max(0, Math.floor((bound - estimateSessionBytes(model.graph, 0)) / perImage));
    throw new InputError('--batch', batch, `a batch whose session fits ${(bound / GIB).toFixed(1)} GiB (here at most ${fits})`, `${batch} needs about ${(estimate / GIB).toFixed(1)} GiB (fp32 weights + ${batch} x ${(perImage / 2 ** 20).toFixed(1)} MiB of live activations)`);
  }
  const tty = process.stderr.isTTY;
  const m = await measureOnnx(bytes, inputShape, { runs, warmup, threads, onRun: progressReporter(tty, values.json === true) }).catch((err: Error) => {
    if (err instanceof InputError) throw err;
    throw new InputError('model', model.source, 'a model onnxruntime can load and run', `onnxruntime: ${shortOrtMessage(err.message)}`);
  });
  if (tty && !values.json) process.stderr.write('\r\x1b[K');
  const costs = perImage(model.graph);
  const dataset = values['no-record'] ? null : (values.dataset ?? DEFAULT_LATENCY_DATASET);
  if (dataset) {
    appendLatencyRecord(dataset, {
      kind: 'latency',
      time: new Date().toISOString(),
      model: model.graph.name,
      source: model.source,
      format: model.format,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      exported: model.format !== 'onnx',
      batch,
      classes: model.graph.tensors[model.graph.outputs[0] as number]?.shape[1] ?? 0,
      macs: costs.macs,
      params: costs.params,
      measurement: m,
    });
  }
  const { samplesMs, ...summary } = m;
  if (values.json) return jsonOut({ model: model.graph.name, source: model.source, batch, macsPerImage: costs.macs, params: costs.params, ...summary, samplesMs, dataset });
  const d = m.device;
  return [
    `${model.graph.name} (${model.source}), input ${inputShape.join('x')}, ${costs.macs >= 1e6 ? `${(costs.macs / 1e6).toFixed(1)} M` : formatInt(costs.macs)} MACs an image`,
    `median ${m.medianMs.toFixed(3)} ms   p10 ${m.p10Ms.toFixed(3)}   p90 ${m.p90Ms.toFixed(3)}   mean ${m.meanMs.toFixed(3)}   spread ${m.spreadPct.toFixed(1)}%  (${runs} runs after ${warmup} warm-up)`,
    `device: ${d.cpu}, ${d.cores} cores, ${d.threads} thread${d.threads > 1 ? 's' : ''}, onnxruntime-node ${d.onnxruntime}, node ${d.node}`,
    dataset ? `appended to ${dataset}` : 'not recorded (--no-record)',
  ].join('\n');
}

/**
 * Progress of the timed runs on stderr with the time left (extrapolated from the runs so far), as
 * stderrProgress writes it. With --json on a terminal nothing is written.
 */
function progressReporter(tty: boolean, json: boolean): ((done: number, total: number) => void) | undefined {
  if (tty && json) return undefined;
  const start = Date.now();
  const write = stderrProgress(tty, { tty: '  ', log: 'latency: ' });
  return (done, total) =>
    write(() => {
      const left = ((Date.now() - start) / done) * (total - done) / 1000;
      return `run ${done}/${total}, about ${left < 120 ? `${Math.ceil(left)} s` : left < 7200 ? `${Math.ceil(left / 60)} min` : `${(left / 3600).toFixed(1)} h`} left`;
    });
}

import { estimateCosts } from '../cost/estimate.js';
import { InputError } from '../errors.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { exportOnnx } from '../onnx/export.js';
import { appendLatencyRecord, measureOnnx } from '../runtime/latency.js';
import { intFlag, jsonOut, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { MODEL_ARGS, MODEL_FLAGS, modelFromFlags } from './model-flags.js';

export const DEFAULT_LATENCY_DATASET = 'reports/latency/measurements.jsonl';
export const LATENCY_COMMAND = defineCommand({
  name: 'latency',
  args: MODEL_ARGS,
  summary: 'inference latency in onnxruntime-node on this CPU, appended to a latency dataset (JSONL)',
  example: 'paretonas latency --zoo mobilenet_v3_small --runs 100 --no-record',
  flags: {
    ...MODEL_FLAGS,
    runs: { type: 'string', value: 'N', default: '50', help: 'timed runs, 1 to 100,000' },
    warmup: { type: 'string', value: 'N', default: '5', help: 'untimed runs first, 0 to 10,000' },
    threads: { type: 'string', value: 'N', default: '1', help: 'onnxruntime intra-op threads, 1 to 256' },
    batch: { type: 'string', value: 'N', default: '1', help: 'images a run, 1 to 4096' },
    dataset: { type: 'string', value: 'FILE', default: DEFAULT_LATENCY_DATASET, help: 'the JSONL file the measurement is appended to' },
    'no-record': { type: 'boolean', help: 'append nothing' },
    json: { type: 'boolean', help: 'print the measurement as JSON' },
  },
});
export const LATENCY_USAGE = usageLine(LATENCY_COMMAND);
const flagDefault = (name: 'runs' | 'warmup' | 'threads' | 'batch'): number => Number(LATENCY_COMMAND.flags[name].default);

export async function latencyCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, LATENCY_COMMAND.flags);
  const model = modelFromFlags(values, positionals);
  const runs = intFlag('runs', values.runs, 1, 100_000) ?? flagDefault('runs');
  const warmup = intFlag('warmup', values.warmup, 0, 10_000) ?? flagDefault('warmup');
  const threads = intFlag('threads', values.threads, 1, 256) ?? flagDefault('threads');
  const batch = intFlag('batch', values.batch, 1, 4096) ?? flagDefault('batch');
  if (values.dataset !== undefined && values['no-record']) throw new InputError('--dataset', values.dataset, 'either --dataset FILE or --no-record');
  // An ONNX file is timed as it is; anything else is exported first (seeded weights, BN folded).
  const bytes = model.format === 'onnx' ? readFileSync(model.source) : exportOnnx(model.graph, { foldBatchNorm: true });
  const inputShape = [batch, ...(model.graph.tensors[model.graph.inputs[0] as number]?.shape.slice(1) ?? [])];
  const progress = !values.json && process.stderr.isTTY;
  const m = await measureOnnx(bytes, inputShape, {
    runs,
    warmup,
    threads,
    onRun: progress ? (done, total) => process.stderr.write(`\r  run ${done}/${total}`) : undefined,
  }).catch((err: Error) => {
    if (err instanceof InputError) throw err;
    throw new InputError('model', model.source, 'a model onnxruntime can load and run', `onnxruntime: ${err.message.split('\n')[0]}`);
  });
  if (progress) process.stderr.write('\r\x1b[K');
  const costs = estimateCosts(model.graph);
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
    `${model.graph.name} (${model.source}), input ${inputShape.join('x')}, ${(costs.macs / 1e6).toFixed(1)} M MACs an image`,
    `median ${m.medianMs.toFixed(3)} ms   p10 ${m.p10Ms.toFixed(3)}   p90 ${m.p90Ms.toFixed(3)}   mean ${m.meanMs.toFixed(3)}   spread ${m.spreadPct.toFixed(1)}%  (${runs} runs after ${warmup} warm-up)`,
    `device: ${d.cpu}, ${d.cores} cores, ${d.threads} thread${d.threads > 1 ? 's' : ''}, onnxruntime-node ${d.onnxruntime}, node ${d.node}`,
    dataset ? `appended to ${dataset}` : 'not recorded (--no-record)',
  ].join('\n');
}

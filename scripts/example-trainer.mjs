#!/usr/bin/env node
// Example trainer for the command evaluator: copy it and replace `train()` with real training.
// Evaluator spec: "command:node scripts/example-trainer.mjs" (createEvaluator in
// lib/evaluate/registry.ts). By hand: node scripts/example-trainer.mjs < request.json
//
// Protocol paretonas-trainer/1 (see lib/evaluate/command.ts):
//
//   stdin   ONE JSON line, then end of input:
//           {"protocol": "paretonas-trainer/1",
//            "key": "in3|e48k3s2...",                  canonical key of the candidate
//            "candidate": {"blocks": [...]},            the block list (Table I fields per stage)
//            "graph": {"inputShape": [1,3,160,160], "classes": 100, "nodes": 87,
//                      "macs": 1.2e8, "params": 4.1e5},
//            "onnx": "/abs/path/HASH.onnx",             the network, seeded He weights, BN kept;
//                                                       deleted when this process ends
//            "settings": {"seed": 0, "space": "tinyml-cifar100", "resolution": 160, "classes": 100},
//            "network": {...},                          the network as a Graph (lib/graph/types.ts)
//            "metrics": ["accuracy"]}                   the names the result must hold (--metrics)
//   stdout  JSON lines: any number of {"type": "progress", ...} lines, then exactly one
//           {"type": "result", "metrics": {"accuracy": 0.61, ...}, "epochs": 30, "seconds": 812}.
//           Every metric must be a finite number; with --metrics, report exactly the declared ones. Lines that are not JSON are ignored, so stray
//           prints do no harm, but keep logs on stderr.
//   stderr  free text; its tail appears in the failure message when the trainer crashes.
//   exit    0. Exiting non-zero without a result line is recorded as a crash; running past the
//           evaluator's timeout gets the whole process group killed.
//
// A real trainer would, for example, load the ONNX file in PyTorch (onnx2torch.convert(path)),
// or rebuild the network from `candidate`, train it for a few epochs on the dataset with
// `settings.seed`, and report the validation accuracy.

import { stat } from 'node:fs/promises';

async function readRequest() {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  const request = JSON.parse(text.split('\n')[0]);
  if (request.protocol !== 'paretonas-trainer/1') throw new Error(`unsupported protocol ${request.protocol}`);
  return request;
}

const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/**
 * PLACEHOLDER, NOT TRAINING: a made-up "accuracy" that grows with log MACs and log params and
 * saturates, so that a campaign has something to trade off against cost. It says nothing about
 * how well the network would learn. Replace this function with real training.
 */
async function train(request) {
  const { macs, params } = request.graph;
  const epochs = 3;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    emit({ type: 'progress', epoch, of: epochs });
  }
  const capacity = 0.6 * Math.log10(Math.max(macs, 1)) + 0.4 * Math.log10(Math.max(params, 1)); // ~4..9
  const accuracy = 0.9 / (1 + Math.exp(-(capacity - 6.5)));
  const metrics = { accuracy: Number(accuracy.toFixed(4)) };
  // A declared extra metric (`--metrics accuracy,mcuLatencyMs`) is reported beside accuracy. This
  // one is a PLACEHOLDER too (about 4 ns a MAC, as if on a 216 MHz Cortex-M7): put your board's
  // measured latency here.
  if (request.metrics?.includes('mcuLatencyMs')) metrics.mcuLatencyMs = Number(((macs * 4) / 1e6).toFixed(3));
  return { metrics, epochs };
}

try {
  const started = Date.now();
  const request = await readRequest();
  const { size } = await stat(request.onnx);
  console.error(`example-trainer: ${request.key} (${size} bytes of ONNX, seed ${request.settings.seed})`);
  const { metrics, epochs } = await train(request);
  emit({ type: 'result', metrics, epochs, seconds: (Date.now() - started) / 1000 });
} catch (error) {
  console.error(`example-trainer: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
}

/**
 * Valid inputs the fuzzers mutate: small graphs that use every op (exported by the project's own
 * `export`, so the ONNX seeds are what paretonas writes), their LAMDA text, the shipped model
 * configs and seeded candidates, and a CSV of points for `pareto`.
 */
import { readFileSync } from 'node:fs';
import { GraphBuilder } from '../../lib/graph/builder.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import type { Graph } from '../../lib/graph/types.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { serializeGraph } from '../../lib/lamda/dsl.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { sampleCandidate } from '../../lib/space/sample.js';
import { REFERENCE } from '../helpers.js';

/** Every op of the Graph on a 1x3x8x8 input, a few channels wide (a few KB as ONNX). */
export function everyOpGraph(): Graph {
  const g = new GraphBuilder('every_op');
  const x = g.input('input', [1, 3, 8, 8]);
  g.setBlock('stem');
  let y = g.act(g.bn(g.conv(x, { out: 4, kernel: 3 })), 'relu');
  g.setBlock('dw');
  const dw = g.act(g.bn(g.conv(y, { out: 4, kernel: 3, stride: 2, group: 4 })), 'relu6');
  y = g.add('Add', [dw, g.act(g.conv(dw, { out: 4, kernel: 1, bias: true }), 'h_swish')], {}, 'residual');
  y = g.act(g.act(y, 'leakyrelu'), 'swish');
  y = g.add('Mul', [y], { weight: [1, 4, 1, 1] }, 'scale');
  y = g.add('Add', [y], { weight: [4, 1, 1] }, 'shift');
  y = g.squeezeExcite(y, 2, 'h_sigmoid');
  g.setBlock('pool');
  const a = g.pool('MaxPool', y, { kernel: 2, stride: 2 });
  const b = g.pool('AveragePool', y, { kernel: 3, stride: 2, pad: 1 });
  y = g.act(g.add('Concat', [a, b], { axis: 1 }, 'concat'), 'sigmoid');
  g.setBlock('head');
  return g.finish([g.classifierHead(y, 5, 0.2)]);
}

/** A plain residual CNN with a Flatten head instead of global pooling. */
export function residualGraph(): Graph {
  const g = new GraphBuilder('residual');
  const x = g.input('input', [1, 2, 6, 6]);
  const c = g.act(g.conv(x, { out: 3, kernel: 3, bias: true }), 'relu');
  const r = g.add('Add', [c, g.conv(c, { out: 3, kernel: 1 })], {}, 'add');
  const f = g.add('Flatten', [g.pool('MaxPool', r, { kernel: 2 })], { axis: 1 }, 'flatten');
  return g.finish([g.add('Gemm', [f], { outFeatures: 2, bias: false }, 'fc')]);
}

/** ONNX bytes written by the project's exporter: BN kept and folded. */
export function onnxSeeds(): Uint8Array[] {
  return [everyOpGraph(), residualGraph()].flatMap((graph) => [exportOnnx(graph, { seed: 1 }), exportOnnx(graph, { seed: 2, foldBatchNorm: true })]);
}

/** LAMDA texts: the small graphs, two zoo models and two seeded candidates of the search space. */
export function dslSeeds(): string[] {
  const space = resolveSpace();
  const rng = createRng(7);
  const candidates = [0, 1].map((i) => lowerBlockNet(sampleCandidate(space, rng), { resolution: 32, classes: 10, name: `cand${i}`, dropout: 0, inputChannels: 3 }));
  return [everyOpGraph(), residualGraph(), buildZooModel('squeezenet1_1', { resolution: 64, classes: 10 }), buildZooModel('mobilenet_v3_small', { resolution: 32, classes: 10 }), ...candidates].map(serializeGraph);
}

/** The shipped LMaNet/QwNet and MCUNet configs and seeded candidates (as {blocks}). */
export function jsonSeeds(): { name: string; data: unknown }[] {
  const files = ['LMaNet-Core.json', 'QwNet-Core.json', 'mcunet-10fps_imagenet.json', 'proxyless-w0.3-r176_imagenet.json'];
  const space = resolveSpace();
  const rng = createRng(11);
  return [
    ...files.map((f) => ({ name: f.replace('.json', ''), data: JSON.parse(readFileSync(`${REFERENCE}${f}`, 'utf8')) as unknown })),
    ...[0, 1].map((i) => ({ name: `candidate${i}`, data: sampleCandidate(space, rng) as unknown })),
  ];
}

/** A CSV of six points (accuracy, MACs, params, SRAM), with a quoted name column. */
export const CSV_SEED = 'name,acc,macs,params,sram\n"net, a",0.71,1.2e8,400000,300000\nb,0.65,9.5e7,350000,250000\nc,0.80,3.0e8,1200000,330000\nd,-0.1,.5,+1,0\ne,0.5,inf,1e5,-inf\nf,0.9,2,3,4\n';

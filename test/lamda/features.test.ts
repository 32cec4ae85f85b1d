import * as ort from 'onnxruntime-node';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphTotals } from '../../lib/cost/estimate.js';
import { GraphBuilder } from '../../lib/graph/builder.js';
import type { Graph } from '../../lib/graph/types.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { FEATURE_NAMES, graphFeatures, nodeFeatures, nodeKinds, runsNchwc } from '../../lib/lamda/features.js';
import { scaleWidth } from '../../lib/lamda/transform.js';
import { exportOnnx } from '../../lib/onnx/export.js';

const col = (name: string) => {
  const k = FEATURE_NAMES.indexOf(name);
  if (k < 0) throw new Error(`no feature ${name}`);
  return k;
};

function single(cin: number, cout: number, kernel: number, group: number, hw = 16): Graph {
  const b = new GraphBuilder(`c${cin}_${cout}_${kernel}_${group}`);
  const x = b.input('x', [1, cin, hw, hw]);
  const y = b.act(b.conv(x, { out: cout, kernel, group }, 'c'), 'relu');
  return b.finish([y]);
}

/** Node names onnxruntime actually ran (profiled): a conv in the NCHWc layout gets a `_nchwc` suffix. */
async function ortKernels(graph: Graph): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pnas-prof-'));
  try {
    const session = await ort.InferenceSession.create(exportOnnx(graph, { foldBatchNorm: true }), {
      intraOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      enableProfiling: true,
      profileFilePrefix: join(dir, 'p'),
    });
    const shape = graph.tensors[graph.inputs[0]!]!.shape;
    await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(shape.reduce((a, d) => a * d, 1)), [...shape]) });
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.startsWith('p'))!;
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cat: string; name: string }[];
    return events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time')).map((e) => e.name.replace(/_kernel_time$/, ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('node kinds', () => {
  it('folds BN into the conv before it and fuses the activation after it', () => {
    const g = buildZooModel('resnet18', { resolution: 64 });
    const kinds = nodeKinds(g);
    const byName = (prefix: string) => kinds[g.nodes.findIndex((n) => n.name.startsWith(prefix))];
    expect(byName('stem.conv1_0')).toBe('conv');
    expect(byName('stem.bn_1')).toBe('fused');
    expect(byName('stem.relu_2')).toBe('fused');
    expect(byName('stem.maxpool_3')).toBe('pool');
    expect(byName('layer1.0.add_')).toBe('elementwise');
    expect(byName('layer2.0.downsample_')).toBe('conv-pointwise');
    // The ReLU after the residual Add is not fused into a conv.
    const add = g.nodes.findIndex((n) => n.name.startsWith('layer1.0.add_'));
    expect(kinds[add + 1]).toBe('activation');
    expect(byName('fc.pool_')).toBe('global-pool');
    expect(byName('fc.flatten_')).toBe('free');
    expect(byName('fc.classifier_')).toBe('gemm');
    const m = buildZooModel('mobilenet_v3_small', { resolution: 64 });
    const mk = nodeKinds(m);
    expect(mk[m.nodes.findIndex((n) => n.name.startsWith('features.1.dw_'))]).toBe('conv-depthwise');
    // HardSwish is not fused into the conv by onnxruntime.
    expect(mk[m.nodes.findIndex((n) => n.name.startsWith('features.0.hswish_'))]).toBe('activation');
  });
});

describe('graph features', () => {
  it('conv and Gemm MACs add up to the cost model MACs (channels already multiples of 16)', () => {
    const g = buildZooModel('resnet18');
    const f = graphFeatures(g);
    expect(f.names).toEqual([...FEATURE_NAMES]);
    const macCols = FEATURE_NAMES.filter((n) => n.includes('.mmacs'));
    const total = macCols.reduce((s, n) => s + f.values[col(n)]!, 0);
    expect(total * 1e6).toBeCloseTo(graphTotals(g).macs, 0);
    expect(f.values[col('graph.constant')]).toBe(1);
    expect(f.values[col('gemm.count')]).toBe(1);
    expect(f.values[col('gemm.mmacs')]).toBeCloseTo(0.512, 9);
    // The 7x7 stem (112*112*64*3*49 MACs) is the only large-kernel conv; cin 3 < 16 runs blocked.
    expect(f.values[col('conv.nchwc.mmacs_k5plus')]).toBeCloseTo(118.013952, 9);
    // 20 convs: the 7x7 stem, 16 3x3, 3 1x1 downsamples.
    const count = (n: string) => f.values[col(n)]!;
    expect(count('conv.nchwc.count') + count('conv.plain.count')).toBe(17);
    expect(count('conv-pointwise.nchwc.count') + count('conv-pointwise.plain.count')).toBe(3);
  });

  it('node rows sum to the graph features (the constant aside)', () => {
    const g = scaleWidth(buildZooModel('mnasnet1_0', { resolution: 96 }), 0.55);
    const rows = nodeFeatures(g);
    const sums = FEATURE_NAMES.map((_, k) => rows.reduce((s, r) => s + r.values[k]!, 0));
    sums[0] = 1;
    const f = graphFeatures(g).values;
    sums.forEach((v, k) => expect(v).toBeCloseTo(f[k]!, 9));
  });

  it('pads NCHWc MACs to the block of 16 and counts reorders between layouts', () => {
    // 1x1 conv 16 -> 20 on 8x8: 16*20*64 MACs, computed as 16*32*64 in the blocked layout.
    const g = single(16, 20, 1, 1, 8);
    const f = graphFeatures(g).values;
    expect(f[col('conv-pointwise.nchwc.mmacs')]).toBeCloseTo((16 * 32 * 64) / 1e6, 12);
    // Its 16-channel plain input is reordered into the blocked layout: 16*64 floats.
    expect(f[col('reorder.io_mb')]).toBeCloseTo((16 * 64 * 4) / 1e6, 12);
    // 18 input channels: not blocked, plain MACs, nothing reordered.
    const h = graphFeatures(single(18, 16, 1, 1, 8)).values;
    expect(h[col('conv-pointwise.plain.mmacs')]).toBeCloseTo((18 * 16 * 64) / 1e6, 12);
    expect(h[col('reorder.io_mb')]).toBe(0);
  });

  it("runsNchwc agrees with the kernels onnxruntime really runs", async () => {
    const cases: [number, number, number, number][] = [
      [3, 24, 3, 1], // first conv: plain NCHW input, blocked output
      [12, 16, 3, 1],
      [20, 16, 1, 1],
      [17, 16, 1, 1],
      [18, 18, 1, 1],
      [66, 64, 1, 1],
      [20, 20, 3, 20], // depthwise, channels a multiple of 4
      [18, 18, 3, 18],
      [32, 32, 3, 4], // grouped
    ];
    for (const [cin, cout, k, group] of cases) {
      const g = single(cin, cout, k, group);
      const ran = await ortKernels(g);
      const blocked = ran.some((n) => n.endsWith('_nchwc'));
      expect({ cin, cout, k, group, blocked }).toEqual({ cin, cout, k, group, blocked: runsNchwc(g, g.nodes[0]!) });
    }
  });
});

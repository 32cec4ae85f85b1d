import * as ort from 'onnxruntime-node';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphTotals } from '../../lib/cost/estimate.js';
import { GraphBuilder } from '../../lib/graph/builder.js';
import type { Graph } from '../../lib/graph/types.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { SHIPPED_SAMPLES_PATH } from '../../lib/cli/lamda-predictor.js';
import { FEATURE_NAMES, graphFeatures, NCHWC_BLOCK, nodeFeatures, nodeKinds, runsNchwc } from '../../lib/lamda/features.js';
import { fitPredictor, loadPredictor, predictorFromFile } from '../../lib/lamda/predictor.js';
import { scaleWidth } from '../../lib/lamda/transform.js';
import { readLatencySamples } from '../../lib/lamda/variants.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { mlasNchwcBlockSize } from '../../lib/runtime/device.js';
import { thrownInputError } from '../helpers.js';

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

/** Whether onnxruntime runs the graph's conv blocked, and whether it reorders the graph input into the blocked layout first. */
async function ortLayout(graph: Graph): Promise<{ blocked: boolean; reorderedInput: boolean }> {
  const ran = await ortKernels(graph);
  return { blocked: ran.some((n) => n.endsWith('_nchwc')), reorderedInput: ran.some((n) => n.startsWith('ReorderInput')) };
}

let ortBlockFound: Promise<number> | undefined;

/**
 * The NCHWc block onnxruntime uses on this CPU, from the kernels it runs: a conv with 2 groups of
 * 16 channels runs blocked unless there are no NCHWc kernels (block 1); one with 2 groups of 8
 * only when the block is 8.
 */
function ortBlock(): Promise<number> {
  ortBlockFound ??= (async () => {
    if (!(await ortLayout(single(32, 32, 3, 2))).blocked) return 1;
    return (await ortLayout(single(16, 16, 3, 2))).blocked ? 8 : 16;
  })();
  return ortBlockFound;
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

  it('mlasNchwcBlockSize is the NCHWc block onnxruntime uses on this CPU', async () => {
    const block = await ortBlock();
    expect(mlasNchwcBlockSize()).toBe(block);
    if (block > 1) {
      // A first conv with 8 input channels reads its NCHW input as it is when the block is 16, and reorders it when it is 8.
      expect(await ortLayout(single(8, 16, 3, 1))).toEqual({ blocked: true, reorderedInput: block === 8 });
    }
  });

  it('runsNchwc agrees with the kernels onnxruntime really runs (with the block of this CPU)', async () => {
    const block = await ortBlock();
    const cases: [number, number, number, number][] = [
      [3, 24, 3, 1], // first conv: plain NCHW input, blocked output
      [8, 16, 3, 1], // cin 8: NCHW input with block 16, reordered with block 8
      [12, 16, 3, 1],
      [20, 16, 1, 1],
      [17, 16, 1, 1],
      [18, 18, 1, 1],
      [10, 10, 1, 1],
      [66, 64, 1, 1],
      [20, 20, 3, 20], // depthwise, channels a multiple of 4
      [4, 4, 3, 4], // depthwise under the block: its input is reordered all the same
      [12, 12, 3, 12],
      [18, 18, 3, 18],
      [8, 16, 3, 8], // channel multiplier 2: not depthwise for onnxruntime
      [32, 32, 3, 4], // grouped, 8 channels a group: a multiple of 8, not of 16
      [16, 16, 3, 2],
      [24, 48, 3, 3], // 8 in, 16 out a group
      [48, 24, 3, 3], // 16 in, 8 out a group
      [32, 32, 3, 2], // grouped, 16 channels a group
      [64, 64, 3, 4],
      [48, 48, 3, 3],
      [24, 24, 3, 2], // 12 a group
      [8, 8, 3, 2], // 4 a group
    ];
    // The cases tell the blocks apart: some run blocked with one block and plain with the other.
    const split = cases.filter(([cin, cout, k, group]) => {
      const g = single(cin, cout, k, group);
      return runsNchwc(g, g.nodes[0]!, 8) !== runsNchwc(g, g.nodes[0]!, 16);
    });
    expect(split.length).toBeGreaterThanOrEqual(5);
    for (const [cin, cout, k, group] of cases) {
      const g = single(cin, cout, k, group);
      const ran = await ortLayout(g);
      const f = graphFeatures(g, block).values;
      const predicted = { blocked: runsNchwc(g, g.nodes[0]!, block), reorderedInput: f[col('reorder.io_mb')]! > 0 };
      expect({ cin, cout, k, group, ...ran }).toEqual({ cin, cout, k, group, ...predicted });
    }
  });
});

describe('the NCHWc block per CPU', () => {
  const ran = (cin: number, cout: number, k: number, group: number, block: number) => {
    const g = single(cin, cout, k, group);
    return runsNchwc(g, g.nodes[0]!, block);
  };

  it("follows onnxruntime's rule for blocks 16 (AVX-512), 8 (AVX2) and 1 (no NCHWc kernels)", () => {
    // Grouped convs need whole blocks of channels in every group.
    expect([16, 8].map((b) => ran(32, 32, 3, 4, b))).toEqual([false, true]);
    expect([16, 8].map((b) => ran(32, 32, 3, 2, b))).toEqual([true, true]);
    expect([16, 8].map((b) => ran(24, 24, 3, 2, b))).toEqual([false, false]);
    // Group 1 and depthwise: multiples of 4 (padded to the block), or cin under the block.
    expect([16, 8].map((b) => ran(12, 16, 3, 1, b))).toEqual([true, true]);
    expect([16, 8].map((b) => ran(10, 16, 3, 1, b))).toEqual([true, false]);
    expect([16, 8].map((b) => ran(20, 20, 3, 20, b))).toEqual([true, true]);
    expect([16, 8, 1].map((b) => ran(18, 18, 3, 18, b))).toEqual([false, false, false]);
    expect(ran(64, 64, 3, 1, 1)).toBe(false);
    expect(thrownInputError(() => ran(64, 64, 3, 1, 4)).field).toBe('nchwcBlock');
  });

  it('pads and reorders with the given block; the default is the reference 16', () => {
    const g = single(16, 20, 1, 1, 8);
    expect(graphFeatures(g)).toEqual(graphFeatures(g, NCHWC_BLOCK));
    expect(graphFeatures(g).nchwcBlock).toBe(16);
    // Padded to 24 output channels with block 8 (32 with 16).
    expect(graphFeatures(g, 8).values[col('conv-pointwise.nchwc.mmacs')]).toBeCloseTo((16 * 24 * 64) / 1e6, 12);
    // cin 8: read as NCHW with block 16, reordered with block 8.
    const h = single(8, 16, 3, 1, 8);
    expect(graphFeatures(h, 16).values[col('reorder.io_mb')]).toBe(0);
    expect(graphFeatures(h, 8).values[col('reorder.io_mb')]).toBeCloseTo((8 * 64 * 4) / 1e6, 12);
  });

  it("a predictor computes features with its training CPU's block, and a trained one records it", () => {
    const g = buildZooModel('mobilenet_v2', { resolution: 64 });
    const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k]!, 0);
    // The shipped predictor has no block recorded: 16, the reference CPU's, on any CPU.
    const shipped = loadPredictor();
    expect(shipped.file.nchwcBlock).toBeUndefined();
    expect(shipped.predictMs(g)).toBeCloseTo(dot(graphFeatures(g, 16).values, shipped.file.coefficients), 12);
    // Samples measured on an AVX2 CPU (block 8 in their device): fitted on block-8 features, recorded.
    const samples = readLatencySamples(SHIPPED_SAMPLES_PATH).filter((_, i) => i % 8 === 0);
    expect(fitPredictor(samples).file.nchwcBlock).toBe(16);
    const avx2 = samples.map((s) => ({ ...s, device: { ...s.device, nchwcBlock: 8 } }));
    const p = fitPredictor(avx2);
    expect(p.file.nchwcBlock).toBe(8);
    expect(p.predictMs(g)).toBeCloseTo(dot(graphFeatures(g, 8).values, p.file.coefficients), 12);
    expect(p.predictMs(g)).not.toBeCloseTo(dot(graphFeatures(g, 16).values, p.file.coefficients), 6);
    expect(predictorFromFile(JSON.parse(JSON.stringify(p.file))).predictMs(g)).toBe(p.predictMs(g));
    // One block a predictor: mixed samples are refused, and so is a block MLAS has not.
    expect(thrownInputError(() => fitPredictor([...samples, ...avx2])).field).toBe('samples');
    expect(thrownInputError(() => predictorFromFile({ ...p.file, nchwcBlock: 4 })).field).toBe('predictor.nchwcBlock');
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { checkShapes } from '../../lib/graph/builder.js';
import { buildZooModel, TORCHVISION_PUBLISHED, ZOO_MODELS, type ZooModel } from '../../lib/graph/zoo/index.js';
import type { Graph } from '../../lib/graph/types.js';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { FIXTURES, readJson, ROOT } from '../helpers.js';

/** scripts/torchvision-counts.py's output: torchvision's own models counted with PyTorch forward hooks. */
interface Counts {
  params: number;
  macs: number;
}
interface FixtureEntry extends Counts {
  /** MACs of each Conv2d / Linear call in execution order (224x224, 1000 classes). */
  layerMacs: number[];
  variants: (Counts & { resolution: number; classes: number })[];
}
const FIXTURE = readJson(`${FIXTURES}torchvision-counts.json`) as Record<ZooModel, FixtureEntry>;

const PYTHON = '/usr/bin/python3';
const SCRIPT = `${ROOT}scripts/torchvision-counts.py`;
const HAVE_TORCHVISION = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' }).status === 0;

function outputShape(graph: Graph): readonly number[] {
  return graph.tensors[graph.outputs[0] as number]?.shape ?? [];
}

function convBiases(graph: Graph): boolean[] {
  return graph.nodes.flatMap((n) => (n.op === 'Conv' ? [n.attrs.bias] : []));
}

describe('torchvision model zoo', () => {
  it('covers exactly the models in the fixture and the published table', () => {
    const fixtureModels = Object.keys(FIXTURE).filter((k) => !k.startsWith('_'));
    expect(fixtureModels.sort()).toEqual([...ZOO_MODELS].sort());
    expect(Object.keys(TORCHVISION_PUBLISHED).sort()).toEqual([...ZOO_MODELS].sort());
  });

  describe.each(ZOO_MODELS.map((m) => [m]))('%s', (name) => {
    const graph = buildZooModel(name);
    const costs = estimateCosts(graph);
    const published = TORCHVISION_PUBLISHED[name];

    it('params and MACs equal torchvision counted by PyTorch hooks (fixture)', () => {
      expect({ params: costs.params, macs: costs.macs }).toEqual({ params: FIXTURE[name].params, macs: FIXTURE[name].macs });
    });

    it('conv and linear layers run in torchvision order with the same MACs each', () => {
      const layers = costs.layers.filter((l) => l.op === 'Conv' || l.op === 'Gemm').map((l) => l.macs);
      expect(layers).toEqual(FIXTURE[name].layerMacs);
    });

    it('params equal the published num_params and MACs round to the published GFLOPS', () => {
      expect(costs.params).toBe(published.params);
      expect(Number((costs.macs / 1e9).toFixed(published.gflopsDigits))).toBe(published.gflops);
      // torchvision's own count (the fixture) agrees with its published figure too.
      expect(Number((FIXTURE[name].macs / 1e9).toFixed(published.gflopsDigits))).toBe(published.gflops);
    });

    it('has consistent shapes and outputs [1, classes]', () => {
      expect(() => checkShapes(graph)).not.toThrow();
      expect(graph.name).toBe(name);
      expect(outputShape(graph)).toEqual([1, 1000]);
      expect(graph.inputs.map((t) => graph.tensors[t]?.shape)).toEqual([[1, 3, 224, 224]]);
    });

    it.each(FIXTURE[name].variants.map((v) => [v.resolution, v.classes, v] as const))('at resolution %i with %i classes matches the fixture', (resolution, classes, v) => {
      const g = buildZooModel(name, { resolution, classes });
      const c = estimateCosts(g);
      expect(outputShape(g)).toEqual([1, classes]);
      expect({ params: c.params, macs: c.macs }).toEqual({ params: v.params, macs: v.macs });
    });
  });

  it('conv bias flags follow torchvision', () => {
    for (const m of ['alexnet', 'vgg16', 'squeezenet1_0', 'squeezenet1_1'] as const) {
      expect(convBiases(buildZooModel(m)).every((b) => b), m).toBe(true);
    }
    for (const m of ['resnet18', 'resnet50', 'mobilenet_v2', 'mnasnet1_0', 'googlenet'] as const) {
      expect(convBiases(buildZooModel(m)).some((b) => b), m).toBe(false);
    }
    // MobileNetV3: only the squeeze-excitation 1x1 convs (fc1, fc2) have biases; 9 blocks use SE.
    const v3 = buildZooModel('mobilenet_v3_small').nodes.flatMap((n) => (n.op === 'Conv' && n.attrs.bias ? [n.name] : []));
    expect(v3).toHaveLength(18);
    expect(v3.every((name) => /\.se_(reduce|expand)_/.test(name))).toBe(true);
  });

  it('classifier MLPs and adaptive pools mirror torchvision', () => {
    const gemms = (m: ZooModel): number[] => buildZooModel(m).nodes.flatMap((n) => (n.op === 'Gemm' ? [n.attrs.outFeatures] : []));
    expect(gemms('alexnet')).toEqual([4096, 4096, 1000]);
    expect(gemms('vgg16')).toEqual([4096, 4096, 1000]);
    expect(gemms('mobilenet_v3_small')).toEqual([1024, 1000]);
    // At 224 the AdaptiveAvgPool2d of AlexNet (6x6) and VGG (7x7) is an identity: no node.
    expect(buildZooModel('alexnet').nodes.some((n) => n.op === 'AveragePool')).toBe(false);
    const vgg448 = buildZooModel('vgg16', { resolution: 448 }).nodes.find((n) => n.op === 'AveragePool');
    expect(vgg448?.attrs).toMatchObject({ kernel: [2, 2], strides: [2, 2] });
  });

  it('rejects resolutions whose adaptive pool would not average evenly, naming the resolution', () => {
    expect(() => buildZooModel('alexnet', { resolution: 160 })).toThrow(InputError);
    expect(() => buildZooModel('alexnet', { resolution: 160 })).toThrow(/^resolution: alexnet at 160x160 ends with a 4x4 map/);
    expect(() => buildZooModel('vgg16', { resolution: 160 })).toThrow(/^resolution: vgg16 at 160x160 ends with a 5x5 map/);
  });

  it('rejects unknown names and bad options with an InputError', () => {
    expect(() => buildZooModel('resnet101')).toThrow(InputError);
    expect(() => buildZooModel('resnet101')).toThrow(`zoo model: got "resnet101"; allowed: ${ZOO_MODELS.join(', ')}`);
    expect(() => buildZooModel('resnet18', { resolution: 0 })).toThrow(/^resolution: got 0; allowed: a positive integer/);
    expect(() => buildZooModel('resnet18', { classes: 2.5 })).toThrow(/^classes: got 2.5; allowed: a positive integer/);
  });

  it.skipIf(!HAVE_TORCHVISION)(
    `rerunning scripts/torchvision-counts.py for squeezenet1_1 reproduces the fixture${HAVE_TORCHVISION ? '' : ` (skipped: ${PYTHON} cannot import torch and torchvision)`}`,
    () => {
      const run = spawnSync(PYTHON, [SCRIPT, '--stdout', '--models', 'squeezenet1_1'], { encoding: 'utf8', timeout: 120_000 });
      expect(run.status, run.stderr).toBe(0);
      const fresh = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(fresh['squeezenet1_1']).toEqual(FIXTURE.squeezenet1_1);
    },
  );
});

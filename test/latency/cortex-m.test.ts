import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDevice } from '../../lib/device/profile.js';
import type { CortexMCoefficients } from '../../lib/device/types.js';
import { GraphBuilder } from '../../lib/graph/builder.js';
import { cortexMEstimator, cortexMLatency, cortexMWork } from '../../lib/latency/cortex-m.js';
import { fitCortexM, relativeErrors, roundCoefficients, totalsCycles, workTotals, type CalibrationPoint, type CortexMWorkTotals } from '../../lib/latency/cortex-m-fit.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { loadModelFile } from '../../lib/space/formats.js';
import { ROOT, thrownInputError } from '../helpers.js';

/** input 1x3x8x8 -> 3x3 conv to 4 -> BN -> ReLU -> 3x3 depthwise stride 2 -> Add(x, x) -> GAP -> Flatten -> Gemm to 10 */
function tinyGraph() {
  const g = new GraphBuilder('tiny');
  const x = g.input('input', [1, 3, 8, 8]);
  const c = g.add('Relu', [g.bn(g.conv(x, { out: 4, kernel: 3 }))], {});
  const dw = g.conv(c, { out: 4, kernel: 3, stride: 2, group: 4 }, 'dw');
  const sum = g.add('Add', [dw, dw], {});
  return g.finish([g.classifierHead(sum, 10, 0)]);
}

const EASY: CortexMCoefficients = { convCyclesPerMac: 2, depthwiseCyclesPerMac: 3, linearCyclesPerMac: 5, cyclesPerActivationByte: 7, cyclesPerLayer: 100 };

describe('cortexMLatency', () => {
  it('charges each layer kind as worked by hand', () => {
    // conv 3->4 k3 s1 p1 on 8x8: out 4*8*8 = 256, MACs 256*3*9 = 6912, bytes 192 + 256 = 448
    //   2*6912 + 7*448 + 100 = 13824 + 3136 + 100 = 17060
    // BN, ReLU: folded / fused, 0
    // depthwise k3 s2 p1: out 4*4*4 = 64, MACs 64*9 = 576, bytes 256 + 64 = 320
    //   3*576 + 7*320 + 100 = 1728 + 2240 + 100 = 4068
    // Add(dw, dw): bytes 64 + 64 + 64 = 192: 7*192 + 100 = 1444
    // GlobalAveragePool: bytes 64 + 4 = 68: 7*68 + 100 = 576
    // Flatten: 0
    // Gemm 4->10: MACs 40, bytes 4 + 10 = 14: 5*40 + 7*14 + 100 = 398
    // total 17060 + 4068 + 1444 + 576 + 398 = 23546 cycles; at 100 MHz 23546 / 100e3 = 0.23546 ms
    const r = cortexMLatency(tinyGraph(), EASY, 100);
    expect(r.layers.map((l) => [l.op, l.cycles])).toEqual([
      ['Conv', 17060],
      ['BatchNormalization', 0],
      ['Relu', 0],
      ['Conv', 4068],
      ['Add', 1444],
      ['GlobalAveragePool', 576],
      ['Flatten', 0],
      ['Gemm', 398],
    ]);
    expect(r.layers.map((l) => l.kind)).toEqual(['conv', 'fused', 'fused', 'depthwise', 'memory', 'memory', 'fused', 'linear']);
    expect(r.cycles).toBe(23546);
    expect(r.ms).toBeCloseTo(0.23546, 12);
    // the totals the fit uses give the same cycles
    const t = workTotals(cortexMWork(tinyGraph()));
    expect(t).toEqual({ convMacs: 6912, depthwiseMacs: 576, linearMacs: 40, bytes: 448 + 320 + 192 + 68 + 14, layers: 5 });
    expect(totalsCycles(t, EASY)).toBe(23546);
  });

  it('refuses a clock that is not a positive number', () => {
    for (const clock of [0, -1, Number.NaN]) expect(thrownInputError(() => cortexMLatency(tinyGraph(), EASY, clock)).message).toMatch(/^clockMHz: got .*; allowed: a positive number of MHz$/);
  });
});

describe('cortexMEstimator', () => {
  it('is labelled an estimate and gives the model at the profile clock', () => {
    const profile = loadDevice('stm32f746');
    const est = cortexMEstimator(profile);
    expect(est.name).toBe('Cortex-M estimate (stm32f746, 216 MHz)');
    expect(est.kind).toBe('cortex-m');
    expect(est.latencyMs(tinyGraph())).toBe(cortexMLatency(tinyGraph(), profile.cortexM as CortexMCoefficients, 216).ms);
  });

  it('needs a clock and coefficients', () => {
    const profile = loadDevice('stm32h743');
    expect(thrownInputError(() => cortexMEstimator({ ...profile, clockMHz: undefined })).message).toMatch(/^device stm32h743: clockMHz: got nothing; allowed: a positive number of MHz/);
    expect(thrownInputError(() => cortexMEstimator({ ...profile, cortexM: undefined })).message).toMatch(/^device stm32h743: cortexM: got nothing; allowed: the five Cortex-M coefficients/);
  });
});

interface CalibrationFile {
  clockMHz: number;
  models: { id: string; publishedMs: number; resolution: number; shipped?: string; config?: string; work: CortexMWorkTotals }[];
}
interface RatioFile {
  m4: { clockMHz: number };
  m7: { clockMHz: number };
  benchmarks: { m4InferencesPerSecond: number; m7InferencesPerSecond: number }[];
}
const CAL = `${ROOT}search-spaces/devices/calibration/`;
const calibration = JSON.parse(readFileSync(`${CAL}stm32h743-tinyengine.json`, 'utf8')) as CalibrationFile;
const points: CalibrationPoint[] = calibration.models.map((m) => ({ id: m.id, work: m.work, publishedMs: m.publishedMs }));

/** The error band stated in the README and the profiles: the fit's largest error, and leave-one-out's. */
const FIT_BAND = 0.031;
const LEAVE_ONE_OUT_BAND = 0.045;

describe('calibration against published STM32H743 latencies (TinyEngine)', () => {
  it('has the seven published figures, and the shipped models still do the recorded work', () => {
    expect(calibration.models.map((m) => [m.id, m.publishedMs])).toEqual([
      ['mcunet-in0', 25],
      ['mcunet-in1', 56],
      ['mcunet-in2', 280],
      ['mcunet-in3', 336],
      ['mcunet-in4', 463],
      ['proxyless-w0.3-r176', 176],
      ['mbv2-w0.3-r64', 23],
    ]);
    const space = resolveSpace();
    const shipped = calibration.models.filter((m) => m.shipped);
    expect(shipped.map((m) => m.id)).toEqual(['mcunet-in0', 'mcunet-in2', 'proxyless-w0.3-r176']);
    for (const m of shipped) {
      const { graph } = loadModelFile(`${ROOT}search-spaces/${m.shipped}`, { format: 'mcunet', resolution: m.resolution, space });
      expect(workTotals(cortexMWork(graph)), m.id).toEqual(m.work);
    }
    // mcunet-in2's MACs are the 67.3 M its authors publish (mcunet README)
    const in2 = calibration.models[2]!.work;
    expect(Math.round((in2.convMacs + in2.depthwiseMacs + in2.linearMacs) / 1e5) / 10).toBe(67.3);
  });

  it('the shipped STM32H743 and STM32F746 coefficients are the fit, rounded to 4 digits', () => {
    const fit = roundCoefficients(fitCortexM(points, calibration.clockMHz));
    expect(loadDevice('stm32h743').cortexM).toEqual(fit);
    expect(loadDevice('stm32f746').cortexM).toEqual(fit);
    expect(fit).toEqual({ convCyclesPerMac: 1.144, depthwiseCyclesPerMac: 1.261, linearCyclesPerMac: 1.144, cyclesPerActivationByte: 11.76, cyclesPerLayer: 0 });
  });

  it(`every published model is within ${FIT_BAND * 100}% of its published latency`, () => {
    const profile = loadDevice('stm32h743');
    const rows = relativeErrors(points, profile.cortexM as CortexMCoefficients, profile.clockMHz as number);
    for (const r of rows) expect(Math.abs(r.error), `${r.id}: ${r.predictedMs.toFixed(1)} ms against ${r.publishedMs} ms`).toBeLessThanOrEqual(FIT_BAND);
    // the largest is mcunet-in0: 25.76 ms against 25 ms
    expect(rows[0]!.predictedMs).toBeCloseTo(25.76, 2);
    // the estimator on the shipped graph gives the same figure as the recorded work
    const { graph } = loadModelFile(`${ROOT}search-spaces/reference-models/mcunet-256kb-1mb_imagenet.json`, { format: 'mcunet', space: resolveSpace() });
    expect(cortexMEstimator(profile).latencyMs(graph)).toBeCloseTo(rows[2]!.predictedMs, 9);
  });

  it(`leaving each model out of the fit, it is still predicted within ${LEAVE_ONE_OUT_BAND * 100}%`, () => {
    const errors = points.map((p, i) => {
      const c = fitCortexM(points.filter((_, j) => j !== i), calibration.clockMHz);
      return relativeErrors([p], c, calibration.clockMHz)[0]!.error;
    });
    for (const e of errors) expect(Math.abs(e)).toBeLessThanOrEqual(LEAVE_ONE_OUT_BAND);
    expect(Math.max(...errors.map(Math.abs))).toBeGreaterThan(0.04); // mcunet-in4: the band is tight, not loose
  });

  it('STM32F746 meets MCUNet\'s published design targets: mcunet-in0 at 10 fps, mcunet-in1 at 5 fps', () => {
    const f746 = loadDevice('stm32f746');
    const [in0, in1] = relativeErrors(points.slice(0, 2), f746.cortexM as CortexMCoefficients, f746.clockMHz as number);
    expect(in0!.predictedMs).toBeLessThanOrEqual(100);
    expect(in1!.predictedMs).toBeLessThanOrEqual(200);
    // the same cycles at 216 instead of 480 MHz
    expect(in0!.predictedMs).toBeCloseTo((25.76 * 480) / 216, 0);
  });

  it('STM32F412 (Cortex-M4) is the fit scaled by the MLPerf Tiny M4/M7 cycle ratio', () => {
    const ratios = (JSON.parse(readFileSync(`${CAL}cortex-m4-vs-m7-mlperf-tiny.json`, 'utf8')) as RatioFile);
    const cycleRatios = ratios.benchmarks.map((b) => ratios.m4.clockMHz / b.m4InferencesPerSecond / (ratios.m7.clockMHz / b.m7InferencesPerSecond));
    // person detection: 120e6 / 4.446 = 26.99 M cycles on the M4, 280e6 / 19.838 = 14.11 M on the M7
    expect(cycleRatios[3]).toBeCloseTo(1.9123, 4);
    const mean = Math.exp(cycleRatios.reduce((s, r) => s + Math.log(r), 0) / cycleRatios.length);
    expect(mean).toBeCloseTo(1.8506, 4);
    const fit = fitCortexM(points, calibration.clockMHz);
    const scaled = roundCoefficients({
      convCyclesPerMac: fit.convCyclesPerMac * mean,
      depthwiseCyclesPerMac: fit.depthwiseCyclesPerMac * mean,
      linearCyclesPerMac: fit.linearCyclesPerMac * mean,
      cyclesPerActivationByte: fit.cyclesPerActivationByte * mean,
      cyclesPerLayer: fit.cyclesPerLayer * mean,
    });
    expect(loadDevice('stm32f412').cortexM).toEqual(scaled);
  });
});

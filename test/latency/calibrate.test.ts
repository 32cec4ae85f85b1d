import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { graphTotals } from '../../lib/cost/estimate.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import type { Graph } from '../../lib/graph/types.js';
import { loadPredictor } from '../../lib/lamda/predictor.js';
import { applyVariant } from '../../lib/lamda/transform.js';
import { cacheDir, calibrationPath, deviceKey } from '../../lib/latency/cache.js';
import { CALIBRATION_SET, calibrate, type MeasureFn, predictorSha256 } from '../../lib/latency/calibrate.js';
import { predictorEstimator } from '../../lib/latency/predictor-estimator.js';
import type { DeviceDescriptor } from '../../lib/runtime/device.js';

const base = loadPredictor();

/** A CPU the shipped predictor has never seen. */
const UNSEEN: DeviceDescriptor = { cpu: 'Test CPU 9000 @ 1.0GHz', cores: 4, threads: 1, onnxruntime: '1.30.0', node: 'v20', platform: 'linux', arch: 'x64', memoryGiB: 8, nchwcBlock: 8 };

const dirs: string[] = [];
function tempCache(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paretonas-cal-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A stand-in for onnxruntime: 1 ms + 1 ms per 100 M MACs, counting its calls. */
function fakeMeasure(spreadPct = 3): { measure: MeasureFn; calls: () => number } {
  let calls = 0;
  return {
    measure: async (graph: Graph) => {
      calls++;
      return { medianMs: 1 + graphTotals(graph).macs / 1e8, spreadPct };
    },
    calls: () => calls,
  };
}

describe('predictorEstimator on a device the predictor has not seen', () => {
  it('calibrates once, caches the entry, and reads it the second time without measuring', async () => {
    const dir = tempCache();
    const fake = fakeMeasure();
    const notes: string[] = [];
    const progress: number[] = [];
    const first = await predictorEstimator('predictor', { device: UNSEEN, calibrate: true, cacheDir: dir, measure: fake.measure, onNote: (l) => notes.push(l), onProgress: (d) => progress.push(d) });
    expect(fake.calls()).toBe(CALIBRATION_SET.length);
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first.status).toBe('calibrated');
    const cal = first.calibration!;
    expect(cal.samples).toHaveLength(10);
    // Recompute every sample from its recipe, independently of calibrate().
    const ratios = cal.samples.map((s) => {
      const g = applyVariant(buildZooModel(s.family, { resolution: 224, classes: 1000 }), s.recipe);
      expect(s.predictedMs).toBeCloseTo(base.predictMs(g), 12);
      expect(s.measuredMs).toBeCloseTo(1 + graphTotals(g).macs / 1e8, 12);
      return s.measuredMs / s.predictedMs;
    });
    const factor = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
    expect(first.factor).toBeCloseTo(factor, 12);
    const mapeBefore = (100 * cal.samples.reduce((a, s) => a + Math.abs(s.predictedMs - s.measuredMs) / s.measuredMs, 0)) / 10;
    const mapeAfter = (100 * cal.samples.reduce((a, s) => a + Math.abs(factor * s.predictedMs - s.measuredMs) / s.measuredMs, 0)) / 10;
    expect(cal.errorBefore).toBeCloseTo(mapeBefore, 9);
    expect(cal.errorAfter).toBeCloseTo(mapeAfter, 9);
    expect(cal.errorAfter).toBeLessThan(cal.errorBefore);
    // The estimator multiplies the predictor by the factor.
    const r18 = buildZooModel('resnet18');
    expect(first.latencyMs(r18)).toBeCloseTo(factor * base.predictMs(r18), 9);
    expect(first.predictMs(r18)).toBe(first.latencyMs(r18));
    expect(first.name).toBe(`predictor onnxruntime-cpu, calibrated for Test CPU 9000 @ 1.0GHz (x${factor.toFixed(2)})`);
    // The entry is where the cache says, under this device's key.
    const key = deviceKey(UNSEEN);
    expect(key).toMatch(/^test-cpu-9000-1.0ghz-4c-1t-ort1.30.0-nchwc8-[0-9a-f]{8}$/);
    const path = calibrationPath(dir, key, 'onnxruntime-cpu', predictorSha256(base.file));
    const stored = JSON.parse(readFileSync(path, 'utf8'));
    expect(stored.factor).toBe(first.factor);
    expect(stored.deviceKey).toBe(key);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`x${factor.toFixed(2)}`);
    expect(notes[0]).toContain(`cached in ${path}`);

    // Second use, with or without --calibrate: the cache, no measuring.
    const notes2: string[] = [];
    const second = await predictorEstimator('predictor', { device: UNSEEN, cacheDir: dir, measure: fake.measure, onNote: (l) => notes2.push(l) });
    const third = await predictorEstimator('predictor', { device: UNSEEN, calibrate: true, cacheDir: dir, measure: fake.measure, onNote: (l) => notes2.push(l) });
    expect(fake.calls()).toBe(CALIBRATION_SET.length);
    expect(second.status).toBe('calibrated');
    expect(second.factor).toBe(first.factor);
    expect(third.factor).toBe(first.factor);
    expect(notes2).toHaveLength(1);
    expect(notes2[0]).toContain('using the calibration');
  });

  it('without --calibrate says where the predictor was fit, that this CPU differs, and how to calibrate', async () => {
    const dir = tempCache();
    const fake = fakeMeasure();
    const notes: string[] = [];
    const e = await predictorEstimator('predictor', { device: UNSEEN, cacheDir: dir, measure: fake.measure, onNote: (l) => notes.push(l) });
    expect(fake.calls()).toBe(0);
    expect(e.status).toBe('uncalibrated');
    expect(e.factor).toBe(1);
    const r18 = buildZooModel('resnet18');
    expect(e.latencyMs(r18)).toBe(base.predictMs(r18));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('was fit on AMD EPYC (2 cores, 1 thread, onnxruntime 1.30.0, NCHWc block 16)');
    expect(notes[0]).toContain('this is Test CPU 9000 @ 1.0GHz (4 cores, 1 thread, onnxruntime 1.30.0, NCHWc block 8)');
    expect(notes[0]).toContain('--calibrate');
    expect(e.name).toBe('predictor onnxruntime-cpu, fit on AMD EPYC (NCHWc block 16), not calibrated here');
  });

  it('the same CPU name with another NCHWc block (AVX2 against AVX-512) is another device', async () => {
    const trained = base.file.device;
    const seen = { ...trained, nchwcBlock: 16 };
    const avx2 = { ...trained, nchwcBlock: 8 };
    expect(deviceKey(seen)).not.toBe(deviceKey(avx2));
    const notes: string[] = [];
    const e = await predictorEstimator('predictor', { device: seen, cacheDir: tempCache(), onNote: (l) => notes.push(l) });
    expect(e.status).toBe('seen');
    expect(e.name).toBe('predictor onnxruntime-cpu');
    expect(notes).toEqual([]);
    const other = await predictorEstimator('predictor', { device: avx2, cacheDir: tempCache(), onNote: (l) => notes.push(l) });
    expect(other.status).toBe('uncalibrated');
    // two threads is another device too
    expect(deviceKey({ ...seen, threads: 2 })).not.toBe(deviceKey(seen));
  });

  it('ignores a corrupt or foreign cache entry with a note, and --calibrate measures again over it', async () => {
    const dir = tempCache();
    const path = calibrationPath(dir, deviceKey(UNSEEN), 'onnxruntime-cpu', predictorSha256(base.file));
    const fake = fakeMeasure();
    await predictorEstimator('predictor', { device: UNSEEN, calibrate: true, cacheDir: dir, measure: fake.measure });
    const good = readFileSync(path, 'utf8');
    for (const [bad, why] of [
      ['{"format": "paretonas-latency-calibration/1", "factor": ', 'JSON'],
      [good.replace(/"factor": [0-9.e+-]+/, '"factor": -2'), 'factor'],
      [good.replace(/"sha256": "[0-9a-f]{64}"/, `"sha256": "${'0'.repeat(64)}"`), 'another predictor'],
    ] as const) {
      writeFileSync(path, bad);
      const notes: string[] = [];
      const e = await predictorEstimator('predictor', { device: UNSEEN, cacheDir: dir, measure: fake.measure, onNote: (l) => notes.push(l) });
      expect(e.status).toBe('uncalibrated');
      expect(notes).toHaveLength(2);
      expect(notes[0]).toContain(`ignoring the cached calibration ${path}`);
      expect(notes[0]).toContain(why);
      expect(notes[1]).toContain('--calibrate');
    }
    expect(fake.calls()).toBe(10);
    const again = await predictorEstimator('predictor', { device: UNSEEN, calibrate: true, cacheDir: dir, measure: fake.measure, onNote: () => {} });
    expect(fake.calls()).toBe(20);
    expect(again.status).toBe('calibrated');
    expect(JSON.parse(readFileSync(path, 'utf8')).factor).toBe(again.factor);
  });

  it('an unwritable cache is a note, and the calibration still applies', async () => {
    const file = join(tempCache(), 'not-a-dir');
    writeFileSync(file, 'x');
    const notes: string[] = [];
    const e = await predictorEstimator('predictor', { device: UNSEEN, calibrate: true, cacheDir: file, measure: fakeMeasure().measure, onNote: (l) => notes.push(l) });
    expect(e.status).toBe('calibrated');
    expect(notes.filter((n) => /not cached \(.*(ENOTDIR|EEXIST)/.test(n))).toHaveLength(1);
  });

  it('re-measures a variant whose runs spread over 15% and keeps the lowest median; a busy machine is noted', async () => {
    const medians = [9, 7, 8];
    let k = 0;
    const measure: MeasureFn = async () => ({ medianMs: medians[k++ % 3] as number, spreadPct: 40 });
    const cal = await calibrate(base, { device: UNSEEN, measure, variants: [{ family: 'mobilenet_v3_small', width: 1 }] });
    expect(k).toBe(3);
    expect(cal.samples[0]?.measuredMs).toBe(7);
    const notes: string[] = [];
    k = 0;
    await predictorEstimator('predictor', { device: UNSEEN, calibrate: true, cacheDir: tempCache(), measure, onNote: (l) => notes.push(l) });
    expect(notes[1]).toContain('the runs spread 40%');
  });

  it('measures for real in onnxruntime-node (one small variant)', async () => {
    const cal = await calibrate(base, { device: UNSEEN, variants: [{ family: 'mobilenet_v3_small', width: 0.5 }] });
    const s = cal.samples[0]!;
    expect(s.measuredMs).toBeGreaterThan(0.05);
    expect(s.measuredMs).toBeLessThan(1000);
    expect(cal.factor).toBeCloseTo(s.measuredMs / s.predictedMs, 12);
    expect(cal.errorAfter).toBeCloseTo(0, 9);
  });
});

describe('cache folder and specs', () => {
  it('PARETONAS_CACHE_DIR, then an absolute XDG_CACHE_HOME, then ~/.cache', () => {
    expect(cacheDir({ PARETONAS_CACHE_DIR: '/x/y', XDG_CACHE_HOME: '/c' })).toBe('/x/y');
    expect(cacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/paretonas');
    expect(cacheDir({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache\/paretonas$/);
  });

  it('refuses a spec that is not predictor or predictor:FILE, and names a missing file', async () => {
    await expect(predictorEstimator('cortex-m')).rejects.toThrow(/latency model: got "cortex-m"; allowed: predictor .* or predictor:FILE/);
    await expect(predictorEstimator('predictor:/nope.json')).rejects.toThrow(/\/nope.json does not exist/);
  });
});

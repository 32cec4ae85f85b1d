import { describe, expect, it } from 'vitest';
import { measuredLatencyModel, measureOnnx } from '../../lib/runtime/latency.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import * as ort from 'onnxruntime-node';
import { latencyModelContract } from '../contracts/latency-model.js';

describe('LatencyModel contract: measured in onnxruntime-node', () => {
  latencyModelContract(() => measuredLatencyModel({ runs: 5, warmup: 1 }));
});

describe('measureOnnx', () => {
  it('times the requested runs and records the device beside the numbers', async () => {
    const bytes = exportOnnx(buildZooModel('squeezenet1_1', { resolution: 64, classes: 10 }), { foldBatchNorm: true });
    const m = await measureOnnx(bytes, [2, 3, 64, 64], { runs: 7, warmup: 2, threads: 1 });
    expect(m.samplesMs).toHaveLength(7);
    expect(m.inputShape).toEqual([2, 3, 64, 64]);
    // the version the native runtime reports of itself
    expect(m.device.onnxruntime).toBe(ort.env.versions.common);
    expect(m.device.threads).toBe(1);
    expect(m.device.cores).toBeGreaterThan(0);
    expect(m.medianMs).toBe([...m.samplesMs].sort((a, b) => a - b)[3]);
  });
  it('rejects nonsense run counts with the field named', async () => {
    await expect(measureOnnx(new Uint8Array(), [1], { runs: 0 })).rejects.toThrow(/runs: got 0; allowed: an integer >= 1/);
  });
});

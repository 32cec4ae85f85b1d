import type { Rng } from '../rng.js';
import type { WeightInit } from '../graph/ops/spec.js';

/** Standard normal samples (Box-Muller) from a seeded generator. */
export function gaussian(rng: Rng, n: number, std: number, mean = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(rng.next(), 1e-12);
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = mean + std * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function uniform(rng: Rng, n: number, low: number, high: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = low + (high - low) * rng.next();
  return out;
}

/** He (Kaiming) normal initialisation: std = sqrt(2 / fan_in). */
export function heNormal(rng: Rng, count: number, fanIn: number): Float32Array {
  return gaussian(rng, count, Math.sqrt(2 / fanIn));
}

export interface BatchNormParams {
  scale: Float32Array;
  bias: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/** Seeded, non-trivial BN statistics, so that folding is actually exercised by a comparison. */
export function randomBatchNorm(rng: Rng, channels: number, epsilon: number): BatchNormParams {
  return {
    scale: uniform(rng, channels, 0.5, 1.5),
    bias: gaussian(rng, channels, 0.1),
    mean: gaussian(rng, channels, 0.1),
    variance: uniform(rng, channels, 0.5, 1.5),
    epsilon,
  };
}

/**
 * Folds BN into the preceding conv: W' = W * g / sqrt(v + eps) per output channel,
 * b' = (b - mean) * g / sqrt(v + eps) + beta.
 */
export function foldBatchNorm(weight: Float32Array, bias: Float32Array | undefined, bn: BatchNormParams): { weight: Float32Array; bias: Float32Array } {
  const channels = bn.scale.length;
  const perChannel = weight.length / channels;
  const w = new Float32Array(weight.length);
  const b = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const k = (bn.scale[c] as number) / Math.sqrt((bn.variance[c] as number) + bn.epsilon);
    for (let i = c * perChannel; i < (c + 1) * perChannel; i++) w[i] = (weight[i] as number) * k;
    b[c] = ((bias?.[c] ?? 0) - (bn.mean[c] as number)) * k + (bn.bias[c] as number);
  }
  return { weight: w, bias: b };
}

/**
 * The values of one exported initializer of `count` elements, drawn as its op's sketch asks
 * (graph/ops/spec.ts WeightInit): only he, uniform, gaussian and the BN statistics use the rng,
 * and each draws exactly what today's exporter drew for it (He normal; uniform in [0.5, 1.5);
 * normal with std 0.1 for a BN bias or mean), so existing exports keep their bytes.
 * An `int64` init gives a BigInt64Array of its values (count must equal their number).
 */
export function drawWeight(rng: Rng, init: WeightInit, count: number): Float32Array | BigInt64Array {
  if (init === 'zeros') return new Float32Array(count);
  if (init === 'ones') return new Float32Array(count).fill(1);
  if (init === 'uniform' || init === 'bn-scale' || init === 'bn-var') return uniform(rng, count, 0.5, 1.5);
  if (init === 'bn-bias' || init === 'bn-mean') return gaussian(rng, count, 0.1);
  if ('he' in init) return heNormal(rng, count, init.he);
  if ('gaussian' in init) return gaussian(rng, count, init.gaussian);
  if ('value' in init) return new Float32Array(count).fill(init.value);
  if (init.int64.length !== count) throw new Error(`int64 initializer: ${init.int64.length} values for ${count} elements`);
  return BigInt64Array.from(init.int64, (v) => BigInt(v));
}

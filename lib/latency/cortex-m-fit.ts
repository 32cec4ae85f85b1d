/**
 * Fits the Cortex-M latency model's coefficients to published per-model latencies: non-negative
 * least squares on the relative error (each model weighs the same, whatever its size).
 *
 * The model is linear in its coefficients once a graph's work is summed (`workTotals`):
 *   cycles = dense·(conv MACs + linear MACs) + depthwise·(depthwise MACs) + perByte·bytes + perLayer·layers
 * The classifier is tied to the dense convolution (linearCyclesPerMac = convCyclesPerMac): in the
 * published models it holds under 0.6% of the MACs, too little to fit a coefficient of its own.
 */
import type { CortexMCoefficients } from '../device/types.js';
import type { CortexMWork } from './cortex-m.js';

/** A graph's work summed by kind: what the coefficients multiply. */
export interface CortexMWorkTotals {
  convMacs: number;
  depthwiseMacs: number;
  linearMacs: number;
  /** Activation bytes read and written by the layers that run (fused ops excluded). */
  bytes: number;
  /** Layers that run (fused ops excluded). */
  layers: number;
}

export function workTotals(work: readonly CortexMWork[]): CortexMWorkTotals {
  const t: CortexMWorkTotals = { convMacs: 0, depthwiseMacs: 0, linearMacs: 0, bytes: 0, layers: 0 };
  for (const w of work) {
    if (w.kind === 'fused') continue;
    if (w.kind === 'conv') t.convMacs += w.macs;
    else if (w.kind === 'depthwise') t.depthwiseMacs += w.macs;
    else if (w.kind === 'linear') t.linearMacs += w.macs;
    t.bytes += w.bytes;
    t.layers += 1;
  }
  return t;
}

/** Cycles of a graph from its totals (equals the sum of the per-layer cycles). */
export function totalsCycles(t: CortexMWorkTotals, c: CortexMCoefficients): number {
  return c.convCyclesPerMac * t.convMacs + c.depthwiseCyclesPerMac * t.depthwiseMacs + c.linearCyclesPerMac * t.linearMacs + c.cyclesPerActivationByte * t.bytes + c.cyclesPerLayer * t.layers;
}

/** One published figure: a model's work and the latency its authors measured. */
export interface CalibrationPoint {
  id: string;
  work: CortexMWorkTotals;
  publishedMs: number;
}

const features = (t: CortexMWorkTotals): number[] => [t.convMacs + t.linearMacs, t.depthwiseMacs, t.bytes, t.layers];

/** Least squares of A x = b on the columns in `active` (normal equations, Gaussian elimination); null when singular. */
function solveSubset(A: number[][], b: number[], active: number[]): number[] | null {
  const k = active.length;
  const M = active.map((i) => active.map((j) => A.reduce((s, row) => s + (row[i] as number) * (row[j] as number), 0)));
  const v = active.map((i) => A.reduce((s, row, r) => s + (row[i] as number) * (b[r] as number), 0));
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(M[r]![col]!) > Math.abs(M[pivot]![col]!)) pivot = r;
    if (Math.abs(M[pivot]![col]!) < 1e-12) return null;
    [M[col], M[pivot]] = [M[pivot]!, M[col]!];
    [v[col], v[pivot]] = [v[pivot]!, v[col]!];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = M[r]![col]! / M[col]![col]!;
      for (let c = col; c < k; c++) M[r]![c]! -= f * M[col]![c]!;
      v[r]! -= f * v[col]!;
    }
  }
  return v.map((x, i) => x / M[i]![i]!);
}

/**
 * Non-negative least squares by trying every set of free coefficients (4 coefficients: 16 sets),
 * exact for so few. Columns are scaled to unit size first so the solve is well conditioned.
 */
function nnls(A: number[][], b: number[]): number[] {
  const n = A[0]?.length ?? 0;
  const scale = [...Array(n).keys()].map((j) => Math.hypot(...A.map((row) => row[j] as number)) || 1);
  const As = A.map((row) => row.map((x, j) => x / (scale[j] as number)));
  let best: number[] = new Array<number>(n).fill(0);
  let bestResidual = b.reduce((s, x) => s + x * x, 0);
  for (let mask = 1; mask < 1 << n; mask++) {
    const active = [...Array(n).keys()].filter((j) => mask & (1 << j));
    const x = solveSubset(As, b, active);
    if (!x || x.some((v) => v < 0)) continue;
    const full = new Array<number>(n).fill(0);
    active.forEach((j, i) => (full[j] = x[i] as number));
    const residual = As.reduce((s, row, r) => s + (row.reduce((p, a, j) => p + a * (full[j] as number), 0) - (b[r] as number)) ** 2, 0);
    if (residual < bestResidual - 1e-15) {
      bestResidual = residual;
      best = full;
    }
  }
  return best.map((x, j) => x / (scale[j] as number));
}

/**
 * The coefficients that minimise Σ ((predicted − published) / published)² over the points, all ≥ 0.
 *
 * @param clockMHz the clock the published latencies were measured at.
 */
export function fitCortexM(points: readonly CalibrationPoint[], clockMHz: number): CortexMCoefficients {
  if (points.length === 0) throw new Error('fitCortexM: no calibration points');
  // each row divided by its published cycles: the residual is the relative error
  const A = points.map((p) => features(p.work).map((f) => f / (p.publishedMs * clockMHz * 1e3)));
  const x = nnls(A, points.map(() => 1));
  const [dense, depthwise, perByte, perLayer] = x as [number, number, number, number];
  return { convCyclesPerMac: dense, depthwiseCyclesPerMac: depthwise, linearCyclesPerMac: dense, cyclesPerActivationByte: perByte, cyclesPerLayer: perLayer };
}

/** Each coefficient rounded to `digits` significant digits (what a device profile stores). */
export function roundCoefficients(c: CortexMCoefficients, digits = 4): CortexMCoefficients {
  const r = (x: number) => (x === 0 ? 0 : Number(x.toPrecision(digits)));
  return { convCyclesPerMac: r(c.convCyclesPerMac), depthwiseCyclesPerMac: r(c.depthwiseCyclesPerMac), linearCyclesPerMac: r(c.linearCyclesPerMac), cyclesPerActivationByte: r(c.cyclesPerActivationByte), cyclesPerLayer: r(c.cyclesPerLayer) };
}

/** Relative error (predicted / published − 1) of each point under the coefficients. */
export function relativeErrors(points: readonly CalibrationPoint[], c: CortexMCoefficients, clockMHz: number): { id: string; predictedMs: number; publishedMs: number; error: number }[] {
  return points.map((p) => {
    const predictedMs = totalsCycles(p.work, c) / (clockMHz * 1e3);
    return { id: p.id, predictedMs, publishedMs: p.publishedMs, error: predictedMs / p.publishedMs - 1 };
  });
}

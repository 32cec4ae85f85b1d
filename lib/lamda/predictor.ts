/**
 * The LAMDA latency predictor: latency ≈ Σ_k w_k · feature_k with w_k ≥ 0 over the nn-Meter-style
 * features of features.ts, fitted in TypeScript by non-negative least squares on the relative
 * error (rows weighted 1/y², which targets the MAPE) with a small ridge, and saved as a JSON file.
 * Being linear in per-node features, a prediction splits into per-node milliseconds.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readTextBounded } from '../read-bounded.js';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import type { Graph } from '../graph/types.js';
import type { DeviceDescriptor } from '../runtime/device.js';
import { describeDevice } from '../runtime/device.js';
import type { LatencyModel } from '../runtime/latency.js';
import type { LatencyStats } from '../runtime/stats.js';
import { SEARCH_SPACES_DIR } from '../space/builtin.js';
import { FEATURE_NAMES, graphFeatures, NCHWC_BLOCK, NCHWC_BLOCKS, nodeFeatures } from './features.js';
import type { LatencySample } from './variants.js';
import { hashString, sampleGraph } from './variants.js';

export type { LatencySample } from './variants.js';

export const PREDICTOR_FORMAT = 'paretonas-latency-predictor/1';

/** The predictor shipped with the package (trained on this project's reference machine). */
export const DEFAULT_PREDICTOR_PATH = `${SEARCH_SPACES_DIR}predictors/onnxruntime-cpu.json`;

/**
 * Accuracy of predictions against measurements. Percent convention: `mape` 6.2 means a mean
 * absolute percentage error of 6.2 %; `within10` 91.5 means 91.5 % of the predictions are within
 * ±10 % of the measured latency.
 */
export interface AccuracyMetrics {
  mape: number;
  within10: number;
  n: number;
}

/** evaluatePredictor's result; every figure in percent (see AccuracyMetrics). */
export interface PredictorEval {
  /** = heldOut.mape: held-out variants. */
  mape: number;
  /** = heldOut.within10. */
  within10: number;
  /** Fitted on the other samples, predicting a deterministic share (hash of the recipe) of variants. */
  heldOut: AccuracyMetrics;
  /** heldOut restricted to each family. */
  heldOutByFamily: Record<string, AccuracyMetrics>;
  /** Leave-one-family-out: refitted without the family, predicting all of its samples. */
  families: Record<string, AccuracyMetrics>;
  /** The leave-one-family-out predictions pooled. */
  leaveOneFamilyOut: AccuracyMetrics;
  /** In-sample: fitted on every sample. */
  fit: AccuracyMetrics;
  /** Share of the samples held out (default 0.2). */
  heldOutShare: number;
}

export interface PredictorFile {
  format: typeof PREDICTOR_FORMAT;
  name: string;
  created: string;
  /** How predictions are made: the dot product of graphFeatures and the coefficients. */
  model: 'nnls-linear';
  /** Feature names (FEATURE_NAMES when the file was written). */
  features: string[];
  /** Milliseconds per unit of each feature (all ≥ 0). */
  coefficients: number[];
  device: DeviceDescriptor;
  /**
   * onnxruntime's NCHWc block on the CPU the predictor was trained on (16 with AVX-512, 8 with
   * AVX2): the block its features are computed with when predicting. Absent: 16 (files from before it was kept).
   */
  nchwcBlock?: number;
  training: {
    families: string[];
    samples: number;
    /** sha256 of the training samples (their JSON lines, in order). */
    datasetSha256: string;
    ridge: number;
    /** Fit objective: mean squared relative error. */
    objective: 'relative-squared-error';
  };
  eval?: PredictorEval;
}

export interface LatencyPredictor {
  readonly name: string;
  readonly file: PredictorFile;
  predictMs(graph: Graph): number;
  /** Per-node milliseconds (a last row `(graph)` holds the constant term); they sum to predictMs. */
  breakdownMs(graph: Graph): { node: string; ms: number }[];
}

export interface FitOptions {
  /** Ridge on the normalised columns (default 1e-4). */
  ridge?: number;
  name?: string;
  /** The device the samples were measured on (default: the first sample's). */
  device?: DeviceDescriptor;
  /** The NCHWc block to compute the features with (default: that of the samples' CPU, see samplesNchwcBlock). */
  nchwcBlock?: number;
}

// ---------------------------------------------------------------------------------------------
// Non-negative least squares

/** Solves the symmetric positive definite system M x = v (Cholesky); M given as rows. */
function solveSpd(m: number[][], v: number[]): number[] {
  const n = v.length;
  const l = m.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (m[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) s -= ((l[i] as number[])[k] as number) * ((l[j] as number[])[k] as number);
      if (i === j) (l[i] as number[])[i] = Math.sqrt(Math.max(s, 1e-300));
      else (l[i] as number[])[j] = s / ((l[j] as number[])[j] as number);
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = v[i] as number;
    for (let k = 0; k < i; k++) s -= ((l[i] as number[])[k] as number) * (y[k] as number);
    y[i] = s / ((l[i] as number[])[i] as number);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= ((l[k] as number[])[i] as number) * (x[k] as number);
    x[i] = s / ((l[i] as number[])[i] as number);
  }
  return x;
}

/**
 * min Σ_i weight_i (rows_i · x − y_i)² + ridge · n · Σ_j x_j² over x ≥ 0, on columns normalised
 * to unit weighted mean square (the ridge acts on those); Lawson–Hanson's active-set method on the
 * normal equations. All-zero columns get 0. Deterministic.
 */
export function nnls(rows: readonly (readonly number[])[], y: readonly number[], options: { weights?: readonly number[]; ridge?: number; iterations?: number } = {}): number[] {
  const n = rows.length;
  if (n === 0 || y.length !== n) throw new InputError('samples', n, 'at least one row, as many targets as rows');
  const p = (rows[0] as readonly number[]).length;
  const weights = options.weights ?? new Array<number>(n).fill(1);
  const ridge = options.ridge ?? 1e-4;
  if (!(ridge >= 0)) throw new InputError('ridge', ridge, 'a number >= 0');
  const scale = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) scale[j] = (scale[j] as number) + (weights[i] as number) * ((rows[i] as readonly number[])[j] as number) ** 2;
  const live: number[] = [];
  for (let j = 0; j < p; j++) {
    scale[j] = Math.sqrt((scale[j] as number) / n);
    if ((scale[j] as number) > 0) live.push(j);
  }
  const q = live.length;
  // Normal equations on the live, normalised columns: A = ZᵀWZ / n + ridge I, b = ZᵀWy / n.
  const a = live.map(() => new Array<number>(q).fill(0));
  const b = new Array<number>(q).fill(0);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as readonly number[];
    const w = (weights[i] as number) / n;
    const z = live.map((j) => (row[j] as number) / (scale[j] as number));
    for (let r = 0; r < q; r++) {
      const wr = w * (z[r] as number);
      if (wr === 0) continue;
      b[r] = (b[r] as number) + wr * (y[i] as number);
      const ar = a[r] as number[];
      for (let c = 0; c <= r; c++) ar[c] = (ar[c] as number) + wr * (z[c] as number);
    }
  }
  for (let r = 0; r < q; r++) {
    for (let c = 0; c < r; c++) (a[c] as number[])[r] = (a[r] as number[])[c] as number;
    (a[r] as number[])[r] = ((a[r] as number[])[r] as number) + ridge;
  }
  const x = new Array<number>(q).fill(0);
  const passive = new Array<boolean>(q).fill(false);
  const gradient = () => b.map((bv, r) => bv - (a[r] as number[]).reduce((s, av, c) => s + av * (x[c] as number), 0));
  const tol = 1e-12 * Math.max(1, ...b.map(Math.abs));
  const maxIter = options.iterations ?? 30 * q + 100;
  const solveP = (): number[] => {
    const idx = passive.flatMap((on, r) => (on ? [r] : []));
    const s = new Array<number>(q).fill(0);
    const sol = solveSpd(idx.map((r) => idx.map((c) => (a[r] as number[])[c] as number)), idx.map((r) => b[r] as number));
    idx.forEach((r, k) => (s[r] = sol[k] as number));
    return s;
  };
  for (let iter = 0; iter < maxIter; iter++) {
    const w = gradient();
    let best = -1;
    for (let r = 0; r < q; r++) if (!passive[r] && (w[r] as number) > tol && (best < 0 || (w[r] as number) > (w[best] as number))) best = r;
    if (best < 0) break;
    passive[best] = true;
    for (let inner = 0; inner < 3 * q + 10; inner++) {
      const s = solveP();
      if (passive.every((on, r) => !on || (s[r] as number) > 0)) {
        for (let r = 0; r < q; r++) x[r] = s[r] as number;
        break;
      }
      let alpha = Infinity;
      for (let r = 0; r < q; r++) {
        if (passive[r] && (s[r] as number) <= 0) alpha = Math.min(alpha, (x[r] as number) / ((x[r] as number) - (s[r] as number)));
      }
      for (let r = 0; r < q; r++) {
        x[r] = (x[r] as number) + alpha * ((s[r] as number) - (x[r] as number));
        if (passive[r] && (x[r] as number) <= 1e-15) {
          passive[r] = false;
          x[r] = 0;
        }
      }
    }
  }
  const coef = new Array<number>(p).fill(0);
  live.forEach((j, r) => (coef[j] = Math.max(0, x[r] as number) / (scale[j] as number)));
  return coef;
}

// ---------------------------------------------------------------------------------------------
// Fitting and predicting

/** The NCHWc block of the CPU a sample was measured on (recorded in its device; 16, the reference CPU's, in records from before it was kept). */
export function sampleNchwcBlock(sample: Pick<LatencySample, 'device'>): number {
  return sample.device?.nchwcBlock ?? NCHWC_BLOCK;
}

/** The one NCHWc block of the CPUs the samples were measured on; samples from CPUs with different blocks are refused. */
export function samplesNchwcBlock(samples: readonly LatencySample[]): number {
  const blocks = [...new Set(samples.map(sampleNchwcBlock))];
  if (blocks.length > 1) throw new InputError('samples', blocks.join(', '), 'samples measured on CPUs of one NCHWc block size', `the samples were measured on CPUs with NCHWc blocks ${blocks.join(' and ')}; fit each CPU's samples apart`);
  return blocks[0] ?? NCHWC_BLOCK;
}

/**
 * The feature values of each sample under the current FEATURE_NAMES, with the layout features of
 * NCHWc block `nchwcBlock` (default: each sample's CPU's). The stored features are used when they
 * have these names and this block; otherwise they are recomputed from the recipe.
 */
export function sampleFeatureRows(samples: readonly LatencySample[], nchwcBlock?: number): number[][] {
  return samples.map((s) => {
    const f = s.features;
    const block = nchwcBlock ?? sampleNchwcBlock(s);
    if ((f.nchwcBlock ?? NCHWC_BLOCK) === block && f.names.length === FEATURE_NAMES.length && f.names.every((n, i) => n === FEATURE_NAMES[i])) return [...f.values];
    return graphFeatures(sampleGraph(s), block).values;
  });
}

export function accuracy(predicted: readonly number[], measured: readonly number[]): AccuracyMetrics {
  const n = measured.length;
  if (n === 0) return { mape: 0, within10: 0, n: 0 };
  let ape = 0;
  let within = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.abs((predicted[i] as number) - (measured[i] as number)) / (measured[i] as number);
    ape += e;
    if (e <= 0.1) within += 1;
  }
  return { mape: (ape / n) * 100, within10: (within / n) * 100, n };
}

function datasetSha256(samples: readonly LatencySample[]): string {
  const h = createHash('sha256');
  for (const s of samples) h.update(`${JSON.stringify(s)}\n`);
  return h.digest('hex');
}

function fitCoefficients(rows: readonly number[][], y: readonly number[], ridge: number): number[] {
  return nnls(rows, y, { weights: y.map((v) => 1 / (v * v)), ridge });
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function checkSamples(samples: readonly LatencySample[]): void {
  if (!Array.isArray(samples) || samples.length === 0) throw new InputError('samples', Array.isArray(samples) ? samples.length : samples, 'at least one latency sample');
  samples.forEach((s, i) => {
    if (!(typeof s.measuredMs === 'number' && s.measuredMs > 0 && Number.isFinite(s.measuredMs))) throw new InputError(`samples[${i}].measuredMs`, s.measuredMs, 'a positive number of milliseconds');
  });
}

/** Fits the coefficients on every sample (relative-error NNLS) and returns the predictor. */
export function fitPredictor(samples: readonly LatencySample[], options: FitOptions = {}): LatencyPredictor {
  checkSamples(samples);
  const ridge = options.ridge ?? 1e-4;
  const nchwcBlock = options.nchwcBlock ?? samplesNchwcBlock(samples);
  const rows = sampleFeatureRows(samples, nchwcBlock);
  const y = samples.map((s) => s.measuredMs);
  const coefficients = fitCoefficients(rows, y, ridge);
  const device = options.device ?? (samples[0] as LatencySample).device ?? describeDevice(1);
  const file: PredictorFile = {
    format: PREDICTOR_FORMAT,
    name: options.name ?? `onnxruntime-node ${device.onnxruntime}, ${device.threads} thread, ${device.cpu}`,
    created: new Date().toISOString(),
    model: 'nnls-linear',
    features: [...FEATURE_NAMES],
    coefficients,
    device,
    nchwcBlock,
    training: {
      families: [...new Set(samples.map((s) => s.family))],
      samples: samples.length,
      datasetSha256: datasetSha256(samples),
      ridge,
      objective: 'relative-squared-error',
    },
  };
  return predictorFromFile(file);
}

/** A predictor from its file contents (checked: format, features, coefficients). */
export function predictorFromFile(file: PredictorFile, where = 'predictor'): LatencyPredictor {
  const hint = 'run `paretonas lamda predictor train` to make one';
  if (!file || typeof file !== 'object') throw new InputError(where, file, `a ${PREDICTOR_FORMAT} JSON object`, `not a predictor file; ${hint}`);
  if (file.format !== PREDICTOR_FORMAT) throw new InputError(`${where}.format`, file.format, PREDICTOR_FORMAT, `got ${JSON.stringify(file.format)}; ${hint}`);
  if (!Array.isArray(file.features) || file.features.length !== FEATURE_NAMES.length || file.features.some((n, i) => n !== FEATURE_NAMES[i])) {
    throw new InputError(`${where}.features`, file.features?.length, `the ${FEATURE_NAMES.length} features of this version (${FEATURE_NAMES.slice(0, 3).join(', ')}, ...)`, `the predictor was fitted on another feature set; ${hint}`);
  }
  if (!Array.isArray(file.coefficients) || file.coefficients.length !== FEATURE_NAMES.length || !file.coefficients.every((c) => typeof c === 'number' && Number.isFinite(c) && c >= 0)) {
    throw new InputError(`${where}.coefficients`, file.coefficients, `${FEATURE_NAMES.length} non-negative numbers`);
  }
  if (file.nchwcBlock !== undefined && !NCHWC_BLOCKS.includes(file.nchwcBlock)) {
    throw new InputError(`${where}.nchwcBlock`, file.nchwcBlock, `${NCHWC_BLOCKS.join(', ')} (onnxruntime's NCHWc block on the training CPU; absent: ${NCHWC_BLOCK})`);
  }
  const coef = file.coefficients;
  // Features as on the CPU the predictor was trained on, whatever CPU this is.
  const block = file.nchwcBlock ?? NCHWC_BLOCK;
  return {
    name: `predicted (${file.name})`,
    file,
    predictMs: (graph) => dot(graphFeatures(graph, block).values, coef),
    breakdownMs: (graph) => [...nodeFeatures(graph, block).map((r) => ({ node: r.node, ms: dot(r.values, coef) })), { node: '(graph)', ms: coef[0] as number }],
  };
}

export function savePredictor(path: string, file: PredictorFile): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  } catch (err) {
    throw new InputError('predictor', path, 'a writable path', (err as Error).message);
  }
}

/** Loads a predictor file (default: the shipped one). */
export function loadPredictor(path: string = DEFAULT_PREDICTOR_PATH): LatencyPredictor {
  const hint = 'run `paretonas lamda predictor train` to make one';
  if (!existsSync(path)) throw new InputError('predictor', path, 'an existing predictor JSON file', `${path} does not exist; ${hint}`);
  const text = readTextBounded(path, 'predictor', 16 * 1024 * 1024);
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (err) {
    throw new InputError('predictor', path, `a ${PREDICTOR_FORMAT} JSON file`, `${path} is not valid JSON (${(err as Error).message}); ${hint}`);
  }
  return predictorFromFile(file as PredictorFile, `predictor ${path}`);
}

/** The predictor as a LatencyModel: every statistic is the prediction (no spread). */
export function predictorLatencyModel(p: LatencyPredictor): LatencyModel {
  return {
    name: p.name,
    latency: async (graph): Promise<LatencyStats> => {
      const ms = p.predictMs(graph);
      return { medianMs: ms, p10Ms: ms, p90Ms: ms, meanMs: ms, minMs: ms, maxMs: ms, stdMs: 0, spreadPct: 0 };
    },
  };
}

/** Whether a sample is in the held-out share (a hash of its family and recipe, so stable across runs and files). */
export function isHeldOut(sample: Pick<LatencySample, 'family' | 'recipe'>, share = 0.2): boolean {
  return hashString(JSON.stringify([sample.family, sample.recipe])) % 1000 < share * 1000;
}

function groupMetrics(keys: readonly string[], predicted: readonly number[], measured: readonly number[]): Record<string, AccuracyMetrics> {
  const out: Record<string, AccuracyMetrics> = {};
  for (const k of [...new Set(keys)]) {
    const idx = keys.flatMap((key, i) => (key === k ? [i] : []));
    out[k] = accuracy(idx.map((i) => predicted[i] as number), idx.map((i) => measured[i] as number));
  }
  return out;
}

/**
 * Held-out variants (fitted without a hashed share of the samples, predicting it) and
 * leave-one-family-out (fitted without each family in turn, predicting it). Figures in percent.
 */
export function evaluatePredictor(samples: readonly LatencySample[], options: FitOptions & { heldOutShare?: number } = {}): PredictorEval {
  checkSamples(samples);
  const share = options.heldOutShare ?? 0.2;
  if (!(share > 0 && share < 1)) throw new InputError('heldOutShare', share, 'a fraction in (0, 1)');
  const ridge = options.ridge ?? 1e-4;
  const rows = sampleFeatureRows(samples, options.nchwcBlock ?? samplesNchwcBlock(samples));
  const y = samples.map((s) => s.measuredMs);
  const families = samples.map((s) => s.family);
  const pick = (idx: number[]) => ({ rows: idx.map((i) => rows[i] as number[]), y: idx.map((i) => y[i] as number) });
  const all = samples.map((_, i) => i);
  // In-sample.
  const full = fitCoefficients(rows, y, ridge);
  const fit = accuracy(rows.map((r) => dot(r, full)), y);
  // Held-out variants.
  const held = all.filter((i) => isHeldOut(samples[i] as LatencySample, share));
  const train = all.filter((i) => !isHeldOut(samples[i] as LatencySample, share));
  let heldOut: AccuracyMetrics = { mape: 0, within10: 0, n: 0 };
  let heldOutByFamily: Record<string, AccuracyMetrics> = {};
  if (held.length > 0 && train.length > 0) {
    const t = pick(train);
    const coef = fitCoefficients(t.rows, t.y, ridge);
    const predicted = held.map((i) => dot(rows[i] as number[], coef));
    const measured = held.map((i) => y[i] as number);
    heldOut = accuracy(predicted, measured);
    heldOutByFamily = groupMetrics(held.map((i) => families[i] as string), predicted, measured);
  }
  // Leave one family out.
  const familyMetrics: Record<string, AccuracyMetrics> = {};
  const pooledPredicted: number[] = [];
  const pooledMeasured: number[] = [];
  const distinct = [...new Set(families)];
  if (distinct.length > 1) {
    for (const f of distinct) {
      const t = pick(all.filter((i) => families[i] !== f));
      const coef = fitCoefficients(t.rows, t.y, ridge);
      const idx = all.filter((i) => families[i] === f);
      const predicted = idx.map((i) => dot(rows[i] as number[], coef));
      const measured = idx.map((i) => y[i] as number);
      familyMetrics[f] = accuracy(predicted, measured);
      pooledPredicted.push(...predicted);
      pooledMeasured.push(...measured);
    }
  }
  return {
    mape: heldOut.mape,
    within10: heldOut.within10,
    heldOut,
    heldOutByFamily,
    families: familyMetrics,
    leaveOneFamilyOut: accuracy(pooledPredicted, pooledMeasured),
    fit,
    heldOutShare: share,
  };
}

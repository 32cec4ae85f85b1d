/**
 * The latency predictor's training data: variants of the zoo models (width, depth and kernel
 * changes, see transform.ts) measured in onnxruntime-node on this machine, one JSON line each.
 * A line stores the recipe (not the graph: the variant is rebuilt from the zoo deterministically)
 * and the features, so refitting needs no re-measuring.
 */
import { existsSync, readFileSync } from 'node:fs';
import { graphTotals } from '../cost/estimate.js';
import { InputError } from '../errors.js';
import { buildZooModel, isZooModel, ZOO_MODELS } from '../graph/zoo/index.js';
import type { Graph } from '../graph/types.js';
import { createRng, fnv1a32 } from '../rng.js';
import { mlasNchwcBlockSize, type DeviceDescriptor } from '../runtime/device.js';
import { appendJsonLine, measureGraph } from '../runtime/latency.js';
import type { GraphFeatures } from './features.js';
import { graphFeatures } from './features.js';
import type { VariantRecipe } from './transform.js';
import { applyVariant, sampleVariantRecipe } from './transform.js';

export const DEFAULT_VARIANTS_DATA = 'runs/latency/variants.jsonl';

/** One measured variant (one line of the JSONL dataset). */
export interface LatencySample {
  kind: 'latency-sample';
  /** The zoo model the variant derives from. */
  family: string;
  /** The variant graph's name (variantName). */
  name: string;
  recipe: VariantRecipe;
  resolution: number;
  classes: number;
  /** graphFeatures of the variant when it was measured (recomputed from the recipe when the feature set changed). */
  features: GraphFeatures;
  macs: number;
  params: number;
  /** Median latency of the timed runs, ms. */
  measuredMs: number;
  /** (p90 - p10) / median of the runs, percent. */
  spreadPct: number;
  runs: number;
  device: DeviceDescriptor;
  time: string;
}

export interface MeasureVariantsOptions {
  families: readonly string[];
  /** Variants per family (the base model included), or per family name. */
  perFamily: number | Readonly<Record<string, number>>;
  seed: number;
  /** Timed runs of a sample (default: adaptive, about 0.4 s of runs, 5 to 30). */
  runs?: number | ((family: string, macs: number) => number);
  /** Warm-up runs (default 2). */
  warmup?: number;
  /** Input resolution (default 224). */
  resolution?: number;
  /** Classes (default 1000). */
  classes?: number;
  /** The first sample of each family is the unchanged base model (default true). */
  includeBase?: boolean;
  /** Re-measure a sample whose runs spread more than this (percent, default 15: another process got in the way). */
  maxSpreadPct?: number;
  /** Re-measurements at most (default 2); the least spread measurement is kept. */
  retries?: number;
  /** Append every sample to this JSONL file as soon as it is measured. */
  out?: string;
  onSample?: (sample: LatencySample, done: number, total: number) => void;
}

/** Timed runs so that a sample takes about 0.4 s (from ~9 ms per G-MAC on one core), 5 to 30. */
export function adaptiveRuns(macs: number): number {
  const estimateMs = 0.3 + (macs / 1e9) * 9;
  return Math.max(5, Math.min(30, Math.round(400 / estimateMs)));
}

/** A small stable hash of a string (FNV-1a, 32 bit). */
export const hashString = fnv1a32;

/** The base recipe: the model as it is. */
export function baseRecipe(family: string): VariantRecipe {
  return { family, width: 1, divisor: 1, removed: [], duplicated: [], kernels: {}, seed: 0 };
}

/** The recipes measureVariants draws (deterministic in family, count and seed). */
export function variantRecipes(base: Graph, family: string, count: number, seed: number, includeBase = true): VariantRecipe[] {
  const rng = createRng((seed ^ hashString(family)) >>> 0);
  const recipes: VariantRecipe[] = includeBase && count > 0 ? [baseRecipe(family)] : [];
  while (recipes.length < count) recipes.push(sampleVariantRecipe(base, family, rng));
  return recipes;
}

/** The variant graph a sample was measured on (the zoo model at the sample's resolution and classes, then the recipe). */
export function sampleGraph(sample: Pick<LatencySample, 'family' | 'recipe' | 'resolution' | 'classes'>): Graph {
  return applyVariant(buildZooModel(sample.family, { resolution: sample.resolution, classes: sample.classes }), sample.recipe);
}

function countFor(perFamily: MeasureVariantsOptions['perFamily'], family: string): number {
  const n = typeof perFamily === 'number' ? perFamily : (perFamily[family] ?? 0);
  if (!Number.isInteger(n) || n < 0) throw new InputError(`perFamily.${family}`, n, 'a non-negative integer');
  return n;
}

/** Generates variants of each family, measures them one by one and returns (and appends) the samples. */
export async function measureVariants(options: MeasureVariantsOptions): Promise<LatencySample[]> {
  const resolution = options.resolution ?? 224;
  const classes = options.classes ?? 1000;
  if (!Number.isInteger(options.seed)) throw new InputError('seed', options.seed, 'an integer');
  for (const f of options.families) if (!isZooModel(f)) throw new InputError('families', f, ZOO_MODELS.join(', '));
  const plan: { family: string; recipe: VariantRecipe; base: Graph }[] = [];
  for (const family of options.families) {
    const base = buildZooModel(family, { resolution, classes });
    for (const recipe of variantRecipes(base, family, countFor(options.perFamily, family), options.seed, options.includeBase ?? true)) plan.push({ family, recipe, base });
  }
  const samples: LatencySample[] = [];
  for (const { family, recipe, base } of plan) {
    const graph = applyVariant(base, recipe);
    const totals = graphTotals(graph);
    const runs = typeof options.runs === 'function' ? options.runs(family, totals.macs) : (options.runs ?? adaptiveRuns(totals.macs));
    let m = await measureGraph(graph, { runs, warmup: options.warmup ?? 2 });
    for (let retry = 0; retry < (options.retries ?? 2) && m.spreadPct > (options.maxSpreadPct ?? 15); retry++) {
      const again = await measureGraph(graph, { runs, warmup: options.warmup ?? 2 });
      if (again.spreadPct < m.spreadPct) m = again;
    }
    const sample: LatencySample = {
      kind: 'latency-sample',
      family,
      name: graph.name,
      recipe,
      resolution,
      classes,
      features: graphFeatures(graph, mlasNchwcBlockSize()), // this CPU's block, as the sample's device records
      macs: totals.macs,
      params: totals.params,
      measuredMs: m.medianMs,
      spreadPct: m.spreadPct,
      runs,
      device: m.device,
      time: new Date().toISOString(),
    };
    if (options.out) appendLatencySample(options.out, sample);
    samples.push(sample);
    options.onSample?.(sample, samples.length, plan.length);
  }
  return samples;
}

export function appendLatencySample(path: string, sample: LatencySample): void {
  appendJsonLine(path, sample);
}

function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Checks one parsed line; `where` is `FILE:LINE`. */
export function validateLatencySample(value: unknown, where: string): LatencySample {
  const fail = (field: string, v: unknown, allowed: string): never => {
    throw new InputError(`${where}.${field}`, v, allowed);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('line', value, 'a JSON object');
  const s = value as Record<string, unknown>;
  if (s.kind !== 'latency-sample') fail('kind', s.kind, '"latency-sample"');
  if (typeof s.family !== 'string' || !isZooModel(s.family)) fail('family', s.family, ZOO_MODELS.join(', '));
  if (typeof s.name !== 'string') fail('name', s.name, 'a string');
  for (const f of ['resolution', 'classes'] as const) if (!Number.isInteger(s[f]) || (s[f] as number) < 1) fail(f, s[f], 'a positive integer');
  for (const f of ['macs', 'params', 'runs'] as const) if (typeof s[f] !== 'number' || !Number.isFinite(s[f]) || (s[f] as number) < 0) fail(f, s[f], 'a non-negative number');
  if (typeof s.measuredMs !== 'number' || !(s.measuredMs > 0) || !Number.isFinite(s.measuredMs)) fail('measuredMs', s.measuredMs, 'a positive number of milliseconds');
  if (typeof s.spreadPct !== 'number' || !Number.isFinite(s.spreadPct)) fail('spreadPct', s.spreadPct, 'a number (percent)');
  const r = s.recipe as Record<string, unknown> | undefined;
  if (!r || typeof r !== 'object') fail('recipe', r, 'a variant recipe object');
  const recipe = r as Record<string, unknown>;
  if (recipe.family !== s.family) fail('recipe.family', recipe.family, `the sample's family ${JSON.stringify(s.family)}`);
  if (typeof recipe.width !== 'number' || !(recipe.width > 0 && recipe.width <= 4)) fail('recipe.width', recipe.width, 'a number in (0, 4]');
  if (recipe.divisor !== undefined && (!Number.isInteger(recipe.divisor) || (recipe.divisor as number) < 1)) fail('recipe.divisor', recipe.divisor, 'a positive integer');
  if (!isStringArray(recipe.removed)) fail('recipe.removed', recipe.removed, 'an array of segment ids');
  if (!isStringArray(recipe.duplicated)) fail('recipe.duplicated', recipe.duplicated, 'an array of segment ids');
  const k = recipe.kernels;
  if (!k || typeof k !== 'object' || Array.isArray(k) || !Object.values(k).every((x) => x === 3 || x === 5 || x === 7)) fail('recipe.kernels', k, 'an object of conv name -> 3, 5 or 7');
  if (!Number.isInteger(recipe.seed)) fail('recipe.seed', recipe.seed, 'an integer');
  const f = s.features as Record<string, unknown> | undefined;
  if (!f || typeof f !== 'object' || !isStringArray(f.names) || !isNumberArray(f.values) || f.names.length !== f.values.length) {
    fail('features', f, 'an object { names: string[], values: number[] } of equal lengths');
  }
  if (!s.device || typeof s.device !== 'object') fail('device', s.device, 'a device descriptor object');
  if (typeof s.time !== 'string') fail('time', s.time, 'an ISO time string');
  return value as LatencySample;
}

/** Reads a JSONL file of latency samples; a bad line is an InputError naming FILE:LINE and the field. */
export function readLatencySamples(path: string): LatencySample[] {
  if (!existsSync(path)) throw new InputError('data', path, 'an existing JSONL file of latency samples', `${path} does not exist (measure one with \`paretonas lamda predictor train\`)`);
  const lines = readFileSync(path, 'utf8').split('\n');
  const samples: LatencySample[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new InputError(`${path}:${i + 1}`, line.length > 60 ? `${line.slice(0, 57)}...` : line, 'one JSON object a line', `invalid JSON (${(err as Error).message})`);
    }
    samples.push(validateLatencySample(value, `${path}:${i + 1}`));
  });
  if (samples.length === 0) throw new InputError('data', path, 'a JSONL file with at least one latency sample', `${path} holds no samples`);
  return samples;
}

import { readFileSync } from 'node:fs';
import { InputError, ValidationError } from '../errors.js';
import { parseJsonBounded } from '../json-bounded.js';
import { lowerBlockNet } from './lower-blocks.js';
import type { McunetConfig } from './lower-mcunet.js';
import { lowerMcunet } from './lower-mcunet.js';
import type { Graph } from '../graph/types.js';
import type { Candidate } from './candidate.js';
import { lmanetProblems, mcunetProblems } from './model-schemas.js';
import type { SearchSpace } from './space.js';
import { candidateIssues } from './validate.js';

export const MODEL_FORMATS = ['auto', 'candidate', 'lmanet', 'mcunet'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** Which of the formats a parsed model file is in. */
export function detectFormat(data: unknown): Exclude<ModelFormat, 'auto'> {
  if (data && typeof data === 'object') {
    if ('candidate_config' in data) return 'lmanet';
    if ('first_conv' in data) return 'mcunet';
    if ('blocks' in data) return 'candidate';
  }
  throw new InputError('model file', data, 'an LMaNet {candidate_config}, a candidate {blocks}, or an MCUNet {first_conv, blocks, classifier} config', 'format not recognised');
}

export interface LoadedModel {
  format: Exclude<ModelFormat, 'auto'>;
  graph: Graph;
  /** The block list, for candidate and LMaNet files. */
  candidate?: Candidate;
  resolution: number;
  classes: number;
}

export interface ModelOptions {
  format?: ModelFormat;
  resolution?: number;
  classes?: number;
  name?: string;
  /** The space a `candidate` must belong to (its input size and classes are the defaults). */
  space: SearchSpace;
}

/** Turns a parsed model file of any supported format into a Graph, validating it first. */
export function modelFromData(data: unknown, options: ModelOptions): LoadedModel {
  const format = options.format === undefined || options.format === 'auto' ? detectFormat(data) : options.format;
  const name = options.name ?? 'model';
  if (format === 'mcunet') {
    const problems = mcunetProblems(data);
    if (problems.length > 0) throw new ValidationError(`${name} (mcunet config)`, problems);
    const config = data as unknown as McunetConfig;
    const resolution = options.resolution ?? config.resolution ?? 224;
    const classes = options.classes ?? config.classifier.out_features;
    return { format, graph: lowerMcunet(config, { resolution, classes, name }), resolution, classes };
  }
  const wrapped = data !== null && typeof data === 'object' && 'candidate_config' in data;
  const unwrapped = wrapped ? data.candidate_config : data;
  if (format === 'candidate') {
    const issues = candidateIssues(options.space, unwrapped);
    if (issues.length > 0) throw new ValidationError(`${name} (candidate of ${options.space.name})`, issues);
  } else {
    const problems = lmanetProblems(unwrapped, wrapped ? ['candidate_config'] : []);
    if (problems.length > 0) throw new ValidationError(`${name} (LMaNet config)`, problems);
  }
  const candidate = unwrapped as Candidate;
  const resolution = options.resolution ?? options.space.input.resolution;
  const classes = options.classes ?? options.space.classes;
  const graph = lowerBlockNet(candidate, { resolution, classes, name, dropout: options.space.head.dropout, inputChannels: options.space.input.channels });
  return { format, graph, candidate, resolution, classes };
}

export function loadModelFile(path: string, options: ModelOptions): LoadedModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('FILE', path, 'a readable file', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  const data = parseJsonBounded(text, path); // size and nesting depth checked before parsing
  const base = path.split('/').pop()?.replace(/\.json$/, '') ?? 'model';
  return modelFromData(data, { ...options, name: options.name ?? base });
}

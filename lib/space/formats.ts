import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { formatValue, InputError, ValidationError } from '../errors.js';
import { parseJsonBounded } from '../json-bounded.js';
import { lowerBlockNet } from '../graph/lower-blocks.js';
import type { McunetConfig } from '../graph/lower-mcunet.js';
import { lowerMcunet } from '../graph/lower-mcunet.js';
import type { Graph } from '../graph/types.js';
import type { Candidate } from './candidate.js';
import { BLOCK_ACTIVATIONS, CONV_TYPES, SKIP_OPS } from './candidate.js';
import type { SearchSpace } from './space.js';
import { LIMITS, ODD_KERNEL } from './space.js';
import { candidateIssues } from './validate.js';

export const MODEL_FORMATS = ['auto', 'candidate', 'lmanet', 'mcunet'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

const channels = { type: 'integer', minimum: 1, maximum: LIMITS.channels };
const resolution = { type: 'integer', minimum: 8, maximum: LIMITS.resolution };
/** Structure of an LMaNet block list: any positive sizes, the builder's enums (not a space's values). */
const LMANET_SCHEMA = {
  type: 'object',
  required: ['blocks'],
  properties: {
    input_channels: { type: 'integer', minimum: 1, maximum: 64 },
    pool_type: { const: 'average' },
    blocks: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['output_channels', 'num_layers', 'kernel_size', 'stride', 'expansion_factor', 'use_se', 'se_ratio', 'conv_type', 'skip_op', 'activation'],
        properties: {
          output_channels: channels,
          num_layers: { type: 'integer', minimum: 1, maximum: LIMITS.layers },
          kernel_size: ODD_KERNEL,
          stride: { type: 'integer', minimum: 1, maximum: LIMITS.stride },
          expansion_factor: { type: 'integer', minimum: 1, maximum: LIMITS.expansion },
          use_se: { type: 'boolean' },
          se_ratio: { type: 'number', minimum: 0, maximum: 1 },
          conv_type: { enum: CONV_TYPES },
          skip_op: { enum: SKIP_OPS },
          activation: { enum: BLOCK_ACTIVATIONS },
        },
      },
    },
  },
} as const;

const ACT_FUNCS = ['relu', 'relu6', 'h_swish', 'h_sigmoid', 'sigmoid', 'swish'] as const;
const conv = {
  type: 'object',
  required: ['in_channels', 'out_channels', 'kernel_size'],
  properties: { in_channels: channels, out_channels: channels, kernel_size: ODD_KERNEL, stride: { type: 'integer', minimum: 1, maximum: LIMITS.stride }, act_func: { enum: [null, ...ACT_FUNCS] } },
};
const MCUNET_SCHEMA = {
  type: 'object',
  required: ['first_conv', 'blocks', 'classifier'],
  properties: {
    resolution,
    first_conv: { ...conv, required: [...conv.required, 'stride'] },
    feature_mix_layer: { anyOf: [{ type: 'null' }, conv] },
    classifier: { type: 'object', required: ['in_features', 'out_features'], properties: { in_features: channels, out_features: { type: 'integer', minimum: 1, maximum: 1_000_000 } } },
    blocks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['mobile_inverted_conv', 'shortcut'],
        properties: {
          mobile_inverted_conv: {
            anyOf: [
              { type: 'null' },
              { type: 'object', required: ['name'], properties: { name: { const: 'ZeroLayer' } } },
              {
                type: 'object',
                required: ['name', 'in_channels', 'out_channels', 'kernel_size', 'stride', 'expand_ratio', 'act_func'],
                properties: { ...conv.properties, name: { const: 'MBInvertedConvLayer' }, expand_ratio: { type: 'number', exclusiveMinimum: 0, maximum: LIMITS.expansion }, mid_channels: { anyOf: [{ type: 'null' }, channels] }, act_func: { enum: ACT_FUNCS } },
              },
            ],
          },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
const validateLmanet = ajv.compile(LMANET_SCHEMA);
const validateMcunet = ajv.compile(MCUNET_SCHEMA);

function schemaIssues(errors: typeof validateLmanet.errors, root: unknown): InputError[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'anyOf' || errors?.length === 1)
    .map((e) => {
      const field = e.instancePath.slice(1).replaceAll('/', '.') || '(top level)';
      let value: unknown = root;
      for (const part of e.instancePath.split('/').slice(1)) value = (value as Record<string, unknown> | undefined)?.[part];
      const allowed = e.keyword === 'enum' ? (e.params.allowedValues as unknown[]).map(formatValue).join(', ') : e.keyword === 'required' ? `a field ${String(e.params.missingProperty)}` : (e.message ?? 'valid');
      return new InputError(field, value, allowed, e.keyword === 'required' ? 'is incomplete' : `value ${formatValue(value)} is not allowed`);
    });
}

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
    if (!validateMcunet(data)) throw new ValidationError(`${name} (mcunet config)`, schemaIssues(validateMcunet.errors, data));
    const config = data as unknown as McunetConfig;
    const resolution = options.resolution ?? config.resolution ?? 224;
    const classes = options.classes ?? config.classifier.out_features;
    return { format, graph: lowerMcunet(config, { resolution, classes, name }), resolution, classes };
  }
  const unwrapped = data && typeof data === 'object' && 'candidate_config' in data ? data.candidate_config : data;
  if (format === 'candidate') {
    const issues = candidateIssues(options.space, unwrapped);
    if (issues.length > 0) throw new ValidationError(`${name} (candidate of ${options.space.name})`, issues);
  } else if (!validateLmanet(unwrapped)) {
    throw new ValidationError(`${name} (LMaNet config)`, schemaIssues(validateLmanet.errors, unwrapped));
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

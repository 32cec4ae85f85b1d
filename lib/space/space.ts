import { readTextBounded } from '../read-bounded.js';
import { capText, InputError, ValidationError } from '../errors.js';
import { parseJsonBounded } from '../json-bounded.js';
import { SRAM_MODELS, type SramModel } from '../cost/sram.js';
import { BLOCK_ACTIVATIONS, CONV_TYPES, SKIP_OPS } from './candidate.js';
import { compileSchema, schemaProblems } from './schema-messages.js';

/** The nine Table I parameters: each stage picks one value of each. */
export const TABLE_I_FIELDS = [
  'output_channels',
  'kernel_size',
  'stride',
  'expansion_factor',
  'use_se',
  'conv_type',
  'skip_op',
  'activation',
  'num_layers',
] as const;
export type ChoiceField = (typeof TABLE_I_FIELDS)[number];

export interface SpaceChoices {
  output_channels: number[];
  kernel_size: number[];
  stride: number[];
  expansion_factor: number[];
  use_se: boolean[];
  conv_type: (typeof CONV_TYPES)[number][];
  skip_op: (typeof SKIP_OPS)[number][];
  activation: (typeof BLOCK_ACTIVATIONS)[number][];
  num_layers: number[];
}

export interface SearchSpace {
  name: string;
  description?: string;
  /** What the networks are for, in words (the LLM prompt's task line). */
  task?: string;
  input: { channels: number; resolution: number };
  classes: number;
  stages: number;
  head: { pool: 'average'; dropout: number; classifier: 'linear' };
  choices: SpaceChoices;
  /** SE ratios a stage with use_se picks from (a tenth, conditional choice). */
  seRatios: number[];
  /** Per-stage replacements of some choices, keyed by 0-based stage index. */
  stageOverrides?: Record<string, Partial<SpaceChoices>>;
  /**
   * Limits by metric name (lib/metrics.ts): MACs, params, flashBytes, peakSramBytes (with its
   * memory model), latencyMs (with its latency model) and any evaluator metric, each `min` and/or `max`.
   */
  constraints: SpaceConstraints;
}

export interface SpaceConstraints {
  macs?: { min?: number; max?: number };
  peakSramBytes?: { min?: number; max?: number; model?: SramModel };
  latencyMs?: { min?: number; max?: number; model?: string };
  [metric: string]: { min?: number; max?: number; model?: string } | undefined;
}

const intsUpTo = (maximum: number) => ({ type: 'array', minItems: 1, uniqueItems: true, items: { type: 'integer', minimum: 1, maximum } });
const enumList = (values: readonly string[]) => ({ type: 'array', minItems: 1, uniqueItems: true, items: { enum: values } });
/** Odd kernels keep "same" padding (k // 2) shape-preserving, which residual adds need. */
export const ODD_KERNEL = { type: 'integer', minimum: 1, maximum: 15, not: { multipleOf: 2 } } as const;
/** Bounds of model files; `blocks` is checked before the schema so a huge list is refused at once. */
export const LIMITS = { channels: 4096, layers: 32, expansion: 16, stride: 4, resolution: 4096, blocks: 1024 } as const;
const choicesSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    output_channels: intsUpTo(LIMITS.channels),
    kernel_size: { type: 'array', minItems: 1, uniqueItems: true, items: ODD_KERNEL },
    stride: intsUpTo(LIMITS.stride),
    expansion_factor: intsUpTo(LIMITS.expansion),
    use_se: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'boolean' } },
    conv_type: enumList(CONV_TYPES),
    skip_op: enumList(SKIP_OPS),
    activation: enumList(BLOCK_ACTIVATIONS),
    num_layers: intsUpTo(LIMITS.layers),
  },
};

/** A limit on a count or size (params, flash bytes): never negative, a max above 0. */
const COUNT_LIMIT = { type: 'object', additionalProperties: false, properties: { min: { type: 'number', minimum: 0 }, max: { type: 'number', exclusiveMinimum: 0 } } } as const;

/** JSON Schema of a search-space file. */
export const SPACE_FILE_SCHEMA = {
  type: 'object',
  required: ['name', 'input', 'classes', 'stages', 'choices', 'seRatios', 'constraints'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    task: { type: 'string' },
    input: {
      type: 'object',
      required: ['channels', 'resolution'],
      additionalProperties: false,
      properties: { channels: { type: 'integer', minimum: 1, maximum: 64 }, resolution: { type: 'integer', minimum: 8, maximum: LIMITS.resolution } },
    },
    classes: { type: 'integer', minimum: 2 },
    stages: { type: 'integer', minimum: 1, maximum: 64 },
    head: {
      type: 'object',
      additionalProperties: false,
      properties: {
        pool: { const: 'average' },
        dropout: { type: 'number', minimum: 0, maximum: 1 },
        classifier: { const: 'linear' },
      },
    },
    choices: { ...choicesSchema, required: [...TABLE_I_FIELDS] },
    seRatios: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'number', exclusiveMinimum: 0, maximum: 1 } },
    stageOverrides: { type: 'object', propertyNames: { pattern: '^(0|[1-9][0-9]*)$', description: 'a stage index written 0, 1, 2 ... (no sign, no leading zero)' }, additionalProperties: choicesSchema },
    constraints: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: 'a metric name: a letter, then letters, digits or _ (e.g. flashBytes, latencyMs, accuracy)' },
      properties: {
        macs: { type: 'object', additionalProperties: false, properties: { min: { type: 'number', minimum: 0 }, max: { type: 'number', minimum: 0 } } },
        params: COUNT_LIMIT,
        flashBytes: COUNT_LIMIT,
        peakSramBytes: {
          type: 'object',
          additionalProperties: false,
          properties: { min: { type: 'number', minimum: 0 }, max: { type: 'number', exclusiveMinimum: 0 }, model: { enum: SRAM_MODELS } },
        },
        latencyMs: {
          type: 'object',
          additionalProperties: false,
          properties: { min: { type: 'number', minimum: 0 }, max: { type: 'number', exclusiveMinimum: 0 }, model: { type: 'string', minLength: 1 } },
        },
      },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { min: { type: 'number' }, max: { type: 'number' } },
      },
    },
  },
} as const;

const validateSpaceFile = compileSchema(SPACE_FILE_SCHEMA);

/** Checks a parsed search-space object and fills defaults; every problem names its field in words. */
export function parseSpace(data: unknown, source = 'search space'): SearchSpace {
  const problems = schemaProblems(validateSpaceFile, data);
  if (problems.length > 0) throw new ValidationError(source, problems);
  const space = data as unknown as SearchSpace;
  for (const key of Object.keys(space.stageOverrides ?? {})) {
    if (Number(key) >= space.stages) throw new InputError(`${source}.stageOverrides.${key}`, key, `a stage index 0..${space.stages - 1}`);
  }
  for (const [name, b] of Object.entries(space.constraints)) {
    if (b?.min !== undefined && b.max !== undefined && b.min > b.max) throw new InputError(`${source}.constraints.${name}`, b, 'min no larger than max');
  }
  const head: SearchSpace['head'] = { pool: 'average', dropout: 0.2, classifier: 'linear' };
  return { ...space, head: { ...head, ...space.head } };
}

export function loadSpace(path: string): SearchSpace {
  const text = readTextBounded(path, 'search space file', 1024 * 1024 * 4);
  return parseSpace(parseJsonBounded(text, `search space file ${capText(path)}`, { maxChars: 1024 * 1024, maxDepth: 16 }), path);
}

/** The choices of one stage, overrides applied. */
export function stageChoices(space: SearchSpace, stage: number): SpaceChoices {
  return { ...space.choices, ...space.stageOverrides?.[String(stage)] };
}

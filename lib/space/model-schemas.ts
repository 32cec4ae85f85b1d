/**
 * JSON Schemas of the two model-file formats that are not tied to a space, and their checks in
 * words (schema-messages.ts): an LMaNet `candidate_config` block list (any sizes within LIMITS,
 * the builder's enums) and an MCUNet / ProxylessNAS `{first_conv, blocks, classifier}` config.
 */
import { InputError } from '../errors.js';
import { BLOCK_ACTIVATIONS, CONV_TYPES, SKIP_OPS } from './candidate.js';
import { compileSchema, renderPath, schemaProblems, type PathPart } from './schema-messages.js';
import { LIMITS, ODD_KERNEL } from './space.js';

const channels = { type: 'integer', minimum: 1, maximum: LIMITS.channels };
const resolution = { type: 'integer', minimum: 8, maximum: LIMITS.resolution };
const stride = { type: 'integer', minimum: 1, maximum: LIMITS.stride };

/** Structure of an LMaNet block list: any positive sizes, the builder's enums (not a space's values). */
export const LMANET_SCHEMA = {
  type: 'object',
  required: ['blocks'],
  properties: {
    input_channels: { type: 'integer', minimum: 1, maximum: 64 },
    pool_type: { const: 'average' },
    blocks: {
      type: 'array',
      minItems: 1,
      maxItems: LIMITS.blocks,
      items: {
        type: 'object',
        required: ['output_channels', 'num_layers', 'kernel_size', 'stride', 'expansion_factor', 'use_se', 'se_ratio', 'conv_type', 'skip_op', 'activation'],
        properties: {
          output_channels: channels,
          num_layers: { type: 'integer', minimum: 1, maximum: LIMITS.layers },
          kernel_size: ODD_KERNEL,
          stride,
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
  properties: { in_channels: channels, out_channels: channels, kernel_size: ODD_KERNEL, stride, act_func: { enum: [null, ...ACT_FUNCS] } },
};

/** Structure of an MCUNet / ProxylessNAS net config (the fields the lowering reads). */
export const MCUNET_SCHEMA = {
  type: 'object',
  required: ['first_conv', 'blocks', 'classifier'],
  properties: {
    resolution,
    first_conv: { ...conv, required: [...conv.required, 'stride'] },
    feature_mix_layer: { anyOf: [{ type: 'null' }, conv] },
    classifier: { type: 'object', required: ['in_features', 'out_features'], properties: { in_features: channels, out_features: { type: 'integer', minimum: 1, maximum: 1_000_000 } } },
    blocks: {
      type: 'array',
      maxItems: LIMITS.blocks,
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

const validateLmanet = compileSchema(LMANET_SCHEMA);
const validateMcunet = compileSchema(MCUNET_SCHEMA);

/**
 * A block list longer than LIMITS.blocks, refused before ajv walks every block (with all errors on,
 * a 64 MB file of broken blocks would take a minute to list).
 */
function tooManyBlocks(data: unknown, prefix: PathPart[]): InputError[] | undefined {
  const blocks = data !== null && typeof data === 'object' ? (data as { blocks?: unknown }).blocks : undefined;
  if (!Array.isArray(blocks) || blocks.length <= LIMITS.blocks) return undefined;
  return [new InputError(renderPath([...prefix, 'blocks']), blocks, `at most ${LIMITS.blocks} blocks`, `got ${blocks.length} blocks`)];
}

/** Every way an LMaNet block list breaks its schema, in words; `prefix` is where it sits in the file. */
export function lmanetProblems(data: unknown, prefix: PathPart[] = []): InputError[] {
  return tooManyBlocks(data, prefix) ?? schemaProblems(validateLmanet, data, { prefix });
}

/** Every way an MCUNet config breaks its schema, in words. */
export function mcunetProblems(data: unknown): InputError[] {
  return tooManyBlocks(data, []) ?? schemaProblems(validateMcunet, data);
}

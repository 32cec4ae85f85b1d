import type { Rng } from '../rng.js';
import type { BlockConfig, Candidate } from './candidate.js';
import type { SearchSpace, SpaceChoices } from './space.js';
import { stageChoices, TABLE_I_FIELDS } from './space.js';

function sampleStage(choices: SpaceChoices, seRatios: readonly number[], rng: Rng): BlockConfig {
  const use_se = rng.pick(choices.use_se);
  return {
    output_channels: rng.pick(choices.output_channels),
    num_layers: rng.pick(choices.num_layers),
    kernel_size: rng.pick(choices.kernel_size),
    stride: rng.pick(choices.stride),
    expansion_factor: rng.pick(choices.expansion_factor),
    use_se,
    se_ratio: use_se ? rng.pick(seRatios) : 0,
    conv_type: rng.pick(choices.conv_type),
    skip_op: rng.pick(choices.skip_op),
    activation: rng.pick(choices.activation),
  };
}

/** Uniform over each stage's choices, independently per stage and field. */
export function sampleCandidate(space: SearchSpace, rng: Rng): Candidate {
  return {
    input_channels: space.input.channels,
    blocks: Array.from({ length: space.stages }, (_, i) => sampleStage(stageChoices(space, i), space.seRatios, rng)),
    pool_type: 'average',
  };
}

export function sampleCandidates(space: SearchSpace, rng: Rng, count: number): Candidate[] {
  return Array.from({ length: count }, () => sampleCandidate(space, rng));
}

/** Every configuration one stage can take: the Table I product, with the SE ratio chosen when SE is on. */
export function* enumerateStage(space: SearchSpace, stage = 0): Generator<BlockConfig> {
  const c = stageChoices(space, stage);
  for (const output_channels of c.output_channels)
    for (const kernel_size of c.kernel_size)
      for (const stride of c.stride)
        for (const expansion_factor of c.expansion_factor)
          for (const use_se of c.use_se)
            for (const se_ratio of use_se ? space.seRatios : [0])
              for (const conv_type of c.conv_type)
                for (const skip_op of c.skip_op)
                  for (const activation of c.activation)
                    for (const num_layers of c.num_layers)
                      yield { output_channels, num_layers, kernel_size, stride, expansion_factor, use_se, se_ratio, conv_type, skip_op, activation };
}

export interface Mutation {
  candidate: Candidate;
  stage: number;
  field: (typeof TABLE_I_FIELDS)[number] | 'se_ratio';
  from: unknown;
  to: unknown;
}

/** Changes one field of one stage to another allowed value (keeping se_ratio consistent with use_se). */
export function mutateCandidate(space: SearchSpace, candidate: Candidate, rng: Rng): Mutation {
  const stage = rng.int(candidate.blocks.length);
  const choices = stageChoices(space, stage);
  const block = candidate.blocks[stage] as BlockConfig;
  const fields = [...TABLE_I_FIELDS.filter((f) => choices[f].length > 1), ...(block.use_se && space.seRatios.length > 1 ? ['se_ratio' as const] : [])];
  if (fields.length === 0) return { candidate, stage, field: 'num_layers', from: block.num_layers, to: block.num_layers };
  const field = rng.pick(fields);
  const from = block[field];
  const options = (field === 'se_ratio' ? space.seRatios : (choices[field] as readonly unknown[])).filter((v) => v !== from);
  const to = rng.pick(options);
  const next: BlockConfig = { ...block, [field]: to };
  if (field === 'use_se') next.se_ratio = to ? rng.pick(space.seRatios) : 0;
  const blocks = candidate.blocks.map((b, i) => (i === stage ? next : b));
  return { candidate: { ...candidate, blocks }, stage, field, from, to };
}

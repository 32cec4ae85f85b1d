import type { ValidateFunction } from 'ajv';
import { formatValue, InputError } from '../errors.js';
import type { Candidate } from './candidate.js';
import { compileSchema, renderPath, schemaProblems, type PathPart } from './schema-messages.js';
import type { SearchSpace } from './space.js';
import { stageChoices, TABLE_I_FIELDS } from './space.js';

/** JSON Schema of a candidate of this space (a `candidate_config` block list). */
export function candidateSchema(space: SearchSpace): Record<string, unknown> {
  const stage = (i: number) => {
    const choices = stageChoices(space, i);
    const properties: Record<string, unknown> = {};
    for (const field of TABLE_I_FIELDS) properties[field] = { enum: choices[field] };
    properties.se_ratio = { enum: [0, ...space.seRatios] };
    return {
      type: 'object',
      required: [...TABLE_I_FIELDS, 'se_ratio'],
      additionalProperties: false,
      properties,
      // A stage with SE on must say how much it squeezes.
      if: { properties: { use_se: { const: true } } },
      then: { properties: { se_ratio: { enum: space.seRatios } } },
    };
  };
  return {
    $id: `paretonas/candidate/${space.name}`,
    type: 'object',
    required: ['blocks'],
    additionalProperties: false,
    properties: {
      input_channels: { const: space.input.channels },
      pool_type: { const: 'average' },
      blocks: {
        type: 'array',
        minItems: space.stages,
        maxItems: space.stages,
        items: Array.from({ length: space.stages }, (_, i) => stage(i)),
      },
    },
  };
}

const validators = new WeakMap<SearchSpace, ValidateFunction>();

function validatorFor(space: SearchSpace): ValidateFunction {
  let v = validators.get(space);
  if (!v) {
    v = compileSchema(candidateSchema(space), { strictTuples: false });
    validators.set(space, v);
  }
  return v;
}

/**
 * Every way a candidate breaks the space, each naming the block, the field, the value and what is
 * allowed ("block 3 (blocks[2]) field kernel_size: value 4 is not allowed; allowed: 3, 5, 7").
 * These lines are the LLM proposer's feedback, so their wording is part of recorded runs.
 */
export function candidateIssues(space: SearchSpace, candidate: unknown): InputError[] {
  return schemaProblems(validatorFor(space), candidate, {
    field: candidateField,
    rejected: (value) => `value ${formatValue(value)} is not allowed`,
    adjust: (issue) =>
      issue.path.length === 1 && issue.path[0] === 'blocks' && (issue.keyword === 'minItems' || issue.keyword === 'maxItems')
        ? { ...issue, allowed: `exactly ${space.stages} blocks (one per stage)`, detail: `got ${Array.isArray(issue.value) ? issue.value.length : 0} blocks` }
        : issue,
  });
}

export function isValidCandidate(space: SearchSpace, candidate: unknown): candidate is Candidate {
  return validatorFor(space)(candidate) === true;
}

/** `block 3 (blocks[2]) field kernel_size` for a block's field, else the plain path. */
function candidateField(path: PathPart[]): string {
  const [first, index, ...rest] = path;
  if (first === 'blocks' && typeof index === 'number') return `block ${index + 1} (blocks[${index}])${rest.length > 0 ? ` field ${renderPath(rest)}` : ''}`;
  return path.length === 0 ? 'candidate' : renderPath(path);
}

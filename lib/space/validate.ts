import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { formatValue, InputError } from '../errors.js';
import type { Candidate } from './candidate.js';
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
    v = new Ajv({ allErrors: true, strictTuples: false }).compile(candidateSchema(space));
    validators.set(space, v);
  }
  return v;
}

/** Every way a candidate breaks the space, each naming the block, the field, the value and what is allowed. */
export function candidateIssues(space: SearchSpace, candidate: unknown): InputError[] {
  const validate = validatorFor(space);
  if (validate(candidate)) return [];
  return (validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => toIssue(e, candidate));
}

export function isValidCandidate(space: SearchSpace, candidate: unknown): candidate is Candidate {
  return validatorFor(space)(candidate) === true;
}

function valueAt(root: unknown, pointer: string): unknown {
  let v: unknown = root;
  for (const part of pointer.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}

function toIssue(e: ErrorObject, candidate: unknown): InputError {
  const m = /^\/blocks\/(\d+)(?:\/(\w+))?/.exec(e.instancePath);
  const where = m ? `block ${Number(m[1]) + 1} (blocks[${m[1]}])${m[2] ? ` field ${m[2]}` : ''}` : e.instancePath.slice(1) || 'candidate';
  const value = valueAt(candidate, e.instancePath);
  switch (e.keyword) {
    case 'enum':
      return new InputError(where, value, (e.params.allowedValues as unknown[]).map(formatValue).join(', '), `value ${formatValue(value)} is not allowed`);
    case 'const':
      return new InputError(where, value, formatValue(e.params.allowedValue), `value ${formatValue(value)} is not allowed`);
    case 'required':
      return new InputError(`${where} field ${String(e.params.missingProperty)}`, undefined, 'one of the space\'s values', 'is missing');
    case 'additionalProperties':
      return new InputError(`${where} field ${String(e.params.additionalProperty)}`, undefined, 'only the fields of the space', 'is not a field of a block');
    case 'minItems':
    case 'maxItems':
      return new InputError('blocks', value, `exactly ${String(e.params.limit)} blocks (one per stage)`, `got ${Array.isArray(value) ? value.length : 0} blocks`);
    default:
      return new InputError(where, value, JSON.stringify(e.params), e.message ?? 'invalid');
  }
}

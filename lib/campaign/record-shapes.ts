/**
 * JSON Schemas (ajv) of what the hand-written record checks (record-schema.ts) leave open: the
 * resume, explanation and campaign-end records, a dispatch record's exact shape, the types of the
 * rest of a recorded config, and the optional fields of the other records. They run after the
 * hand checks (whose messages stay as they are), so numbers those revived may be ±Infinity here
 * and are not typed again. Fields a schema does not name are left alone (older runs, notes).
 *
 * Compiled once, on first use (store/shape-check.ts); a record breaking its schema is one
 * InputError naming the file, line and field.
 */
import { FAILURE_KINDS } from '../evaluate/types.js';
import { shapeChecker } from '../store/shape-check.js';

/** Largest proposal index a record may carry: far above any budget the CLI takes (10^7). */
export const MAX_RECORD_INDEX = 100_000_000;

const INDEX = { type: 'integer', minimum: 0, maximum: MAX_RECORD_INDEX };
const COUNT = { type: 'integer', minimum: 0 };
/** A finite number, or one JSON cannot hold as the records write it. */
const BOUND = { anyOf: [{ type: 'number' }, { enum: ['Infinity', '-Infinity', 'NaN'] }, { type: 'null' }], description: 'a number (or "Infinity"), or null' };
const LIMIT = { type: 'object', required: ['name'], properties: { name: { type: 'string' }, max: BOUND, min: BOUND } };
const TEXT_OR_NULL = { type: ['string', 'null'] };

const object = (properties: Record<string, unknown>, required: string[] = [], extra = true) => ({ type: 'object', required, properties, ...(extra ? {} : { additionalProperties: false }) });

/** One schema per record type; a type without one has nothing left to check. */
export const RECORD_SHAPES: Readonly<Record<string, object>> = {
  'campaign-start': object({
    config: object({
      latencyModel: { type: 'string' },
      constraintFlag: { type: 'array', items: LIMIT },
      device: { type: 'object' },
    }),
    versions: { type: 'object', additionalProperties: { type: 'string' } },
    latencyEstimator: { type: 'string' },
    latencyFactor: { type: 'number', exclusiveMinimum: 0 },
  }),
  resume: object(
    {
      fromProposal: INDEX,
      pending: { anyOf: [{ type: 'null' }, INDEX, { type: 'array', items: INDEX }], description: 'null, a proposal index, or a list of them' },
      tornRecord: { anyOf: [{ type: 'null' }, object({ line: { type: 'integer', minimum: 1 }, text: { type: 'string' } }, ['line', 'text'])], description: 'null or {line, text}' },
      replayMismatches: { type: 'array', items: INDEX },
      budget: { type: 'integer', minimum: 1, maximum: MAX_RECORD_INDEX },
      notes: { type: 'array', items: { type: 'string' } },
    },
    ['fromProposal', 'budget'],
  ),
  proposal: object({
    note: TEXT_OR_NULL,
    parent: { type: 'string', description: 'the canonical key of the front member a delta proposal patches' },
    patchError: object({ reason: { enum: ['parse', 'schema'] }, message: { type: 'string' } }, ['reason', 'message']),
  }),
  rejection: object({ key: TEXT_OR_NULL }),
  evaluation: object({}),
  failure: object({ kind: { enum: [...FAILURE_KINDS] } }),
  'front-change': object({ added: { type: 'boolean' } }),
  dispatch: object({ type: {}, time: {}, seq: {}, index: {}, key: {}, jobId: {}, attempt: {} }, [], false),
  'llm-call': object({
    index: INDEX,
    promptVersion: { type: 'string' },
    options: { type: 'object' },
    format: { type: 'boolean' },
    promptTokens: COUNT,
    replyTokens: COUNT,
    durationMs: { type: 'number', minimum: 0 },
    attempts: COUNT,
    error: TEXT_OR_NULL,
    replyChars: COUNT,
    purpose: { enum: ['proposal', 'explanation', 'generation'] },
  }),
  explanation: object({ index: INDEX, key: TEXT_OR_NULL, model: { type: 'string' }, text: { type: 'string' }, replyChars: COUNT, onDemand: { type: 'boolean' } }, ['index', 'text']),
  'campaign-end': object(
    {
      stopped: { enum: ['budget', 'valid', 'time', 'signal'] },
      summary: object({ seconds: { type: 'number', minimum: 0 }, proposed: COUNT, valid: COUNT, evaluated: COUNT, failed: COUNT, frontSize: COUNT, rejected: { type: 'object', additionalProperties: COUNT } }),
    },
    ['stopped', 'summary'],
  ),
};

/**
 * Checks a record (already through the hand checks) against its type's schema.
 *
 * @throws InputError(where, ...) naming the first field that breaks it.
 */
export const checkRecordShape = shapeChecker(RECORD_SHAPES);

import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Ajv } from 'ajv';
import { capText, formatValue, InputError, ValidationError } from '../../errors.js';
import { SRAM_MODELS, type SramModel } from '../../cost/sram.js';
import { checkExportable } from '../../graph/bounds.js';
import { lowerBlockNet, spaceNetOptions } from '../../space/lower-blocks.js';
import type { Graph } from '../../graph/types.js';
import type { Evaluation, FailureKind } from '../../evaluate/types.js';
import { FAILURE_KINDS } from '../../evaluate/types.js';
import { checkJsonBounds } from '../../json-bounded.js';
import type { Candidate } from '../../space/candidate.js';
import { canonicalKey } from '../../space/key.js';
import { parseSpace, type SearchSpace } from '../../space/space.js';
import { candidateIssues } from '../../space/validate.js';

/**
 * The data of one BullMQ job (an accepted candidate to evaluate) and of its result, shared by the
 * campaign's queue executor and `paretonas worker`. A worker trusts nothing in a job: checkJob
 * bounds it, checks its shape, and rebuilds the candidate's graph in the job's space.
 */

/** Version 2 added evaluatorOptions.sram (a worker of version 1 would record mcunet peak SRAM for a liveness run). */
export const JOB_PROTOCOL = 'paretonas-job/2';

/** The evaluator options a job carries. Not trainerArgs: a worker passes its own (`--trainer-args`), which select the queue. */
export interface JobEvaluatorOptions {
  /** Per-candidate trainer limit (ms). */
  timeoutMs?: number;
  /** Declared trainer metrics (`--metrics`). */
  metrics?: string[];
  /** The proxy evaluator's batch (`--proxy-batch`). */
  batch?: number;
  /** The run's SRAM model (its space's), so the recorded peakSramBytes is the one its limit was checked with. */
  sram?: SramModel;
}

export interface EvaluationJob {
  protocol: typeof JOB_PROTOCOL;
  runId: string;
  index: number;
  key: string;
  attempt: number;
  /** The evaluator spec (`cost`, `proxy`, `command:CMD`, `torch:DATASET[:PRESET]`). */
  evaluator: string;
  evaluatorOptions: JobEvaluatorOptions;
  seed: number;
  candidate: Candidate;
  space: SearchSpace;
  graph: Graph;
}

/** What a worker returns: metrics, or a failure the campaign records (a completed job either way, so BullMQ never retries a trainer failure). */
export type JobResult =
  | { ok: true; metrics: Record<string, number>; seconds: number; details?: Record<string, unknown> }
  | { ok: false; kind: FailureKind; message: string; details?: Record<string, unknown> };

/** Longest job data (JSON characters): a graph of a few hundred nodes is well under 1 MB. */
export const MAX_JOB_CHARS = 16 * 1024 * 1024;
/** Deepest nesting of job data. */
export const MAX_JOB_DEPTH = 32;


const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export { jobIdOf } from '../job-id.js';
import { RUN_ID } from '../job-id.js';

/**
 * The queue of an evaluator spec run with some trainer args: `paretonas-e` and 16 hex characters of
 * their hash. A worker subscribes to the queues of the specs it allows, so it never receives a job
 * for a command it does not allow. Trainer args belong to torch specs only (`search` refuses them
 * otherwise), so they name a torch spec's queue and no other.
 */
export function queueNameOf(evaluatorSpec: string, trainerArgs?: string): string {
  const args = evaluatorSpec.startsWith('torch:') ? (trainerArgs ?? null) : null;
  return `paretonas-e${sha256(JSON.stringify([evaluatorSpec, args])).slice(0, 16)}`;
}

const ajv = new Ajv({ allErrors: false, strict: true });
const validateEnvelope = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['protocol', 'runId', 'index', 'key', 'attempt', 'evaluator', 'evaluatorOptions', 'seed', 'candidate', 'space', 'graph'],
  properties: {
    protocol: { const: JOB_PROTOCOL },
    runId: { type: 'string', pattern: RUN_ID.source },
    index: { type: 'integer', minimum: 0, maximum: 1e9 },
    key: { type: 'string', minLength: 1, maxLength: 65536 },
    attempt: { type: 'integer', minimum: 1, maximum: 1000 },
    evaluator: { type: 'string', minLength: 1, maxLength: 4096 },
    evaluatorOptions: {
      type: 'object',
      additionalProperties: false,
      properties: {
        timeoutMs: { type: 'integer', minimum: 1, maximum: 1e10 },
        metrics: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 64 } },
        batch: { type: 'integer', minimum: 2, maximum: 4096 },
        sram: { enum: [...SRAM_MODELS] },
      },
    },
    seed: { type: 'integer', minimum: -(2 ** 53), maximum: 2 ** 53 },
    candidate: { type: 'object' },
    space: { type: 'object' },
    graph: { type: 'object' },
  },
});

const validateResult = ajv.compile({
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['ok', 'metrics', 'seconds'],
      properties: {
        ok: { const: true },
        metrics: { type: 'object', maxProperties: 256, propertyNames: { maxLength: 128 }, additionalProperties: { type: 'number' } },
        seconds: { type: 'number', minimum: 0 },
        details: { type: 'object' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['ok', 'kind', 'message'],
      properties: {
        ok: { const: false },
        kind: { enum: [...FAILURE_KINDS] },
        message: { type: 'string', maxLength: 65536 },
        details: { type: 'object' },
      },
    },
  ],
});

function firstAjvError(errors: typeof validateEnvelope.errors): string {
  const e = errors?.[0];
  if (!e) return 'does not match';
  return `${e.instancePath || '(top)'} ${e.message ?? 'is wrong'}${e.params && 'allowedValue' in e.params ? ` (${formatValue(e.params.allowedValue)})` : ''}`;
}

/** Size and depth bound of any job or result value, before it is walked. */
function checkBounds(value: unknown, field: string): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new InputError(field, undefined, 'JSON data', `cannot be written as JSON (${capText((err as Error).message)})`);
  }
  if (text === undefined) throw new InputError(field, value, 'a JSON object');
  checkJsonBounds(text, field, { maxChars: MAX_JOB_CHARS, maxDepth: MAX_JOB_DEPTH });
}

/** Spaces parsed from jobs, by their JSON text: a campaign sends one space, and parsing it (with its compiled candidate schema) per job costs ~25 ms. */
const parsedSpaces = new Map<string, SearchSpace>();
const MAX_PARSED_SPACES = 16;

function spaceOfJob(raw: unknown): SearchSpace {
  const text = JSON.stringify(raw);
  const known = parsedSpaces.get(text);
  if (known) return known;
  let space: SearchSpace;
  try {
    space = parseSpace(raw, 'job space');
  } catch (err) {
    if (err instanceof InputError || err instanceof ValidationError) throw err;
    throw new InputError('job space', undefined, 'a search space', capText((err as Error).message));
  }
  if (parsedSpaces.size >= MAX_PARSED_SPACES) parsedSpaces.delete(parsedSpaces.keys().next().value as string);
  parsedSpaces.set(text, space);
  return space;
}

/**
 * A job's data, checked: bounded (MAX_JOB_CHARS, MAX_JOB_DEPTH), the envelope's shape, the space
 * a valid search space, the candidate valid in it with the job's key as its canonical key, and
 * the graph exactly the candidate's graph in that space (rebuilt here, so a forged or corrupted
 * graph is refused) and exportable.
 * @throws InputError (or ValidationError) naming the job field and what is allowed.
 */
export function checkJob(data: unknown): EvaluationJob {
  checkBounds(data, 'job');
  if (!validateEnvelope(data)) throw new InputError('job', undefined, `a ${JOB_PROTOCOL} job`, firstAjvError(validateEnvelope.errors));
  const job = data as unknown as EvaluationJob;
  const space = spaceOfJob(job.space);
  const issues = candidateIssues(space, job.candidate);
  if (issues.length > 0) throw new ValidationError('job candidate', issues);
  const key = canonicalKey(job.candidate, space.input.channels);
  if (key !== job.key) throw new InputError('job key', job.key, `the candidate's canonical key ${capText(JSON.stringify(key))}`);
  const graph = lowerBlockNet(job.candidate, spaceNetOptions(space));
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(graph)), job.graph)) {
    throw new InputError('job graph', undefined, "the candidate's graph in the job's space (as this paretonas version builds it)", 'differs from the graph rebuilt from the candidate (another paretonas version, or altered data)');
  }
  checkExportable(graph);
  return { ...job, space, graph };
}

/**
 * A worker's result (a completed job's return value), checked: bounded, one of the two JobResult
 * shapes, every metric a finite number.
 * @throws InputError naming the result field.
 */
export function checkJobResult(value: unknown): JobResult {
  checkBounds(value, 'job result');
  if (!validateResult(value)) throw new InputError('job result', undefined, 'a JobResult ({ok: true, metrics, seconds} or {ok: false, kind, message})', firstAjvError(validateResult.errors));
  const result = value as JobResult;
  if (result.ok) {
    for (const [name, v] of Object.entries(result.metrics)) if (!Number.isFinite(v)) throw new InputError(`job result metrics.${name}`, v, 'a finite number');
    if (!Number.isFinite(result.seconds)) throw new InputError('job result seconds', result.seconds, 'a finite number of seconds');
  }
  return result;
}

/** A successful evaluation as a job result. */
export function resultOf(evaluation: Evaluation): JobResult {
  return { ok: true, metrics: evaluation.metrics, seconds: evaluation.seconds, ...(evaluation.details ? { details: evaluation.details } : {}) };
}

/**
 * The records of a `lamda generate` run (RUN/records.jsonl): a start, one record a round, the
 * result. Their own union and codec, apart from the campaign's (a campaign store refuses them, and
 * a LAMDA store refuses a campaign's records).
 */
import { InputError } from '../errors.js';
import { FileStore } from '../store/file-store.js';
import { shapeChecker } from '../store/shape-check.js';
import type { RecordCodec } from '../store/types.js';
import type { LoopRound } from './loop.js';
import type { Requirements } from './verify.js';

export const LAMDA_RECORD_TYPES = ['lamda-start', 'lamda-round', 'lamda-result'] as const;
export type LamdaRecordType = (typeof LAMDA_RECORD_TYPES)[number];

interface Stamp<T extends string> {
  type: T;
  time: string;
  seq: number;
}

export interface LamdaStartRecord extends Stamp<'lamda-start'> {
  /** The base model's name. */
  base: string;
  /** Where the base model came from (a zoo name or a file). */
  source?: unknown;
  generator: string;
  predictor: string;
  predictorStatus?: unknown;
  predictorFactor?: number;
  requirements: Requirements;
  maxRounds: number;
  verifyLatency: boolean;
  slicing: unknown;
}
export type LamdaRoundRecord = Stamp<'lamda-round'> & LoopRound;
export interface LamdaResultRecord extends Stamp<'lamda-result'> {
  base: string;
  generator: string;
  targetMs: number;
  predictedMs: number | null;
  measuredMs: number | null;
  ape: number | null;
  predictionError: number | null;
  rounds: number;
  chosenRound: number | null;
  met: boolean;
  success: boolean;
  macs: number | null;
  params: number | null;
  generationMs: number;
  /** The records file and the model files written. */
  records?: string;
  files?: Record<string, string>;
}

export type LamdaRecord = LamdaStartRecord | LamdaRoundRecord | LamdaResultRecord;

const NUMBER_OR_NULL = { type: ['number', 'null'] };
const COUNT = { type: 'integer', minimum: 0 };

const object = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', required, properties });

/** What a reader of a LAMDA run relies on, per type (other fields are left alone). */
export const LAMDA_RECORD_SHAPES: Readonly<Record<LamdaRecordType, object>> = {
  'lamda-start': object(
    {
      base: { type: 'string' },
      generator: { type: 'string' },
      predictor: { type: 'string' },
      requirements: object({ targetMs: { type: 'number', exclusiveMinimum: 0 }, classes: { type: 'integer', minimum: 1 }, band: { type: 'number' }, maxMacs: { type: 'number' }, maxSramBytes: { type: 'number' } }, ['targetMs', 'classes']),
      maxRounds: { type: 'integer', minimum: 1 },
      verifyLatency: { type: 'boolean' },
    },
    ['base', 'generator', 'predictor', 'requirements', 'maxRounds'],
  ),
  'lamda-round': object(
    {
      round: COUNT,
      generator: { type: 'string' },
      text: { type: 'string' },
      defects: { type: 'array' },
      feedback: { type: 'array', items: { type: 'string' } },
      valid: { type: 'boolean' },
      met: { type: 'boolean' },
      predictedMs: { type: 'number' },
      macs: COUNT,
      params: COUNT,
      peakSramBytes: COUNT,
      generatorMs: { type: 'number', minimum: 0 },
      error: { type: 'string' },
    },
    ['round', 'generator', 'text', 'feedback', 'valid', 'met'],
  ),
  'lamda-result': object(
    {
      base: { type: 'string' },
      generator: { type: 'string' },
      targetMs: { type: 'number' },
      predictedMs: NUMBER_OR_NULL,
      measuredMs: NUMBER_OR_NULL,
      ape: NUMBER_OR_NULL,
      predictionError: NUMBER_OR_NULL,
      rounds: COUNT,
      chosenRound: { type: ['integer', 'null'], minimum: 0 },
      met: { type: 'boolean' },
      success: { type: 'boolean' },
      macs: NUMBER_OR_NULL,
      params: NUMBER_OR_NULL,
      generationMs: { type: 'number', minimum: 0 },
    },
    ['base', 'generator', 'targetMs', 'rounds', 'met', 'success'],
  ),
};

const checkShape = shapeChecker(LAMDA_RECORD_SHAPES);

/** The LAMDA records' codec: a non-negative integer seq, then each type's schema. */
export const lamdaCodec: RecordCodec<LamdaRecord> = {
  types: LAMDA_RECORD_TYPES,
  check(where, r) {
    if (!Number.isSafeInteger(r.seq) || r.seq < 0) throw new InputError(where, undefined, 'seq: a non-negative integer', `a record whose seq is ${JSON.stringify(r.seq) ?? 'missing'}`);
    checkShape(where, r);
  },
};

/** The records of a LAMDA run at `path` (created, with its directory, when missing). */
export function lamdaStore(path: string, nextSeq = 0): FileStore<LamdaRecord> {
  return new FileStore(path, lamdaCodec, nextSeq);
}

import { notRegular } from '../read-bounded.js';
import { closeSync, existsSync, fsyncSync, statSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import { checkJsonBounds } from '../json-bounded.js';
import { checkRecord, recordReplacer } from './record-schema.js';

export const RECORD_TYPES = ['campaign-start', 'resume', 'proposal', 'rejection', 'evaluation', 'failure', 'front-change', 'dispatch', 'llm-call', 'explanation', 'campaign-end', 'lamda-start', 'lamda-round', 'lamda-result'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Every record: a type, a time, and a sequence number within its file. */
export interface CampaignRecord {
  type: RecordType;
  time: string;
  seq: number;
  [field: string]: unknown;
}

/** Bounds of one record line on read: far above any record the project writes (an LLM reply is cut at 200,000 characters). */
export const RECORD_LINE_BOUNDS = { maxChars: 16 * 1024 * 1024, maxDepth: 64 };

/** A record that cannot be written (nested too deep for JSON.stringify, or cyclic): thrown before anything is written. */
export class UnwritableRecord extends Error {
  constructor(type: string, cause: unknown) {
    super(`a ${type} record could not be written as JSON (${(cause as Error).message}); nothing was written`);
    this.name = 'UnwritableRecord';
  }
}

/**
 * Appends one JSON object a line, flushed to disk (fsync) before append returns. ±Infinity and
 * NaN are written as strings ("Infinity"), never as null, and read back as numbers.
 */
export class RecordWriter {
  private fd: number;
  private seq: number;

  constructor(
    readonly path: string,
    nextSeq = 0,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.seq = nextSeq;
  }

  append<T extends Record<string, unknown>>(type: RecordType, fields: T): CampaignRecord & T {
    const record = { type, time: new Date().toISOString(), seq: this.seq, ...fields };
    let line: string;
    try {
      line = JSON.stringify(record, recordReplacer);
    } catch (err) {
      throw new UnwritableRecord(type, err);
    }
    this.seq++;
    writeSync(this.fd, `${line}\n`);
    fsyncSync(this.fd);
    return record;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

export interface ReadResult {
  records: CampaignRecord[];
  /** The 1-based line of each record in `records` (for errors that name the line). */
  lines: number[];
  /** A last line cut short (a crash mid-write): reported, and left out. */
  torn?: { line: number; text: string; byteOffset: number };
}

/**
 * Refuses a records path that is not a regular file (after symbolic links): a FIFO or a device
 * would block a read for ever, a directory cannot be read.
 *
 * @throws InputError('records', path, ...) naming what it is.
 */
export function checkRegularFile(path: string): void {
  const what = notRegular(statSync(path));
  if (what) throw new InputError('records', path, 'a regular file (records.jsonl as search writes it)', `${path} is ${what}`);
}

/**
 * Reads a records file; a torn last line is reported, a bad line elsewhere is an error naming it.
 * Every record is checked against its type's schema (record-schema.ts) and its line bounded
 * (RECORD_LINE_BOUNDS) before it is trusted.
 */
export function readRecords(path: string): ReadResult {
  if (!existsSync(path)) throw new InputError('records', path, 'an existing records.jsonl', 'no such file');
  checkRegularFile(path);
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const records: CampaignRecord[] = [];
  const numbers: number[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const last = i === lines.length - 1;
    if (line === '') {
      offset += 1;
      continue;
    }
    const where = `${path} line ${i + 1}`;
    // Size and depth first: a line past the bounds is an error, never a torn tail to cut off.
    checkJsonBounds(line, where, RECORD_LINE_BOUNDS);
    let r: CampaignRecord;
    try {
      r = JSON.parse(line) as CampaignRecord;
      if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error('not a JSON object');
      if (!(RECORD_TYPES as readonly unknown[]).includes(r.type) || typeof r.time !== 'string') throw new Error('no known type or no time');
      if (last) throw new Error('no newline: the write did not finish');
    } catch (err) {
      // Only the final line may be torn: everything before it was fsynced whole.
      if (last || (i === lines.length - 2 && lines[lines.length - 1] === '')) return { records, lines: numbers, torn: { line: i + 1, text: line.slice(0, 200), byteOffset: offset } };
      throw new InputError(where, line, `one JSON record per line (${(err as Error).message})`);
    }
    checkRecord(where, r); // a whole line that breaks its schema is an error, wherever it is
    records.push(r);
    numbers.push(i + 1);
    offset += Buffer.byteLength(line) + 1;
  }
  return { records, lines: numbers };
}

/** Cuts a torn last line off so appending can go on from a whole record. */
export function dropTornTail(path: string, torn: NonNullable<ReadResult['torn']>): void {
  truncateSync(path, torn.byteOffset);
}

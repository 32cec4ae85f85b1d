import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';

export const RECORD_TYPES = ['campaign-start', 'resume', 'proposal', 'rejection', 'evaluation', 'failure', 'front-change', 'llm-call', 'explanation', 'campaign-end', 'lamda-start', 'lamda-round', 'lamda-result'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Every record: a type, a time, and a sequence number within its file. */
export interface CampaignRecord {
  type: RecordType;
  time: string;
  seq: number;
  [field: string]: unknown;
}

/** Appends one JSON object a line, flushed to disk (fsync) before append returns. */
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
    const record = { type, time: new Date().toISOString(), seq: this.seq++, ...fields };
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
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
  /** A last line cut short (a crash mid-write): reported, and left out. */
  torn?: { line: number; text: string; byteOffset: number };
}

/** Reads a records file; a torn last line is reported, a bad line elsewhere is an error naming it. */
export function readRecords(path: string): ReadResult {
  if (!existsSync(path)) throw new InputError('records', path, 'an existing records.jsonl', 'no such file');
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const records: CampaignRecord[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const last = i === lines.length - 1;
    if (line === '') {
      offset += 1;
      continue;
    }
    try {
      const r = JSON.parse(line) as CampaignRecord;
      if (typeof r.type !== 'string' || typeof r.time !== 'string') throw new Error('no type or time');
      if (last) throw new Error('no newline: the write did not finish');
      records.push(r);
    } catch (err) {
      // Only the final line may be torn: everything before it was fsynced whole.
      if (last || (i === lines.length - 2 && lines[lines.length - 1] === '')) return { records, torn: { line: i + 1, text: line.slice(0, 200), byteOffset: offset } };
      throw new InputError(`${path} line ${i + 1}`, line.slice(0, 80), `one JSON record per line (${(err as Error).message})`);
    }
    offset += Buffer.byteLength(line) + 1;
  }
  return { records };
}

/** Cuts a torn last line off so appending can go on from a whole record. */
export function dropTornTail(path: string, torn: NonNullable<ReadResult['torn']>): void {
  truncateSync(path, torn.byteOffset);
}

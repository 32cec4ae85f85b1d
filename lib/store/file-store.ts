/**
 * The file Store: one JSON record a line in a file (records.jsonl), each append written and
 * fsynced before it returns, so a crash leaves at most a torn last line (see jsonl.ts).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import { notRegular } from '../read-bounded.js';
import { encodeRecord, parseRecordText, seqAfter } from './jsonl.js';
import type { RecordCodec, RecordFields, Store, StoredRecord, StoreRead, TornTail } from './types.js';

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
 * Reads a records file through `codec`: a torn last line is reported, a bad line elsewhere is an
 * error naming it, every line is bounded (RECORD_LINE_BOUNDS) and every record checked.
 *
 * @throws InputError('records', path, ...) when the file is missing or not a regular file.
 */
export function readRecordFile<R extends StoredRecord>(path: string, codec: RecordCodec<R>): StoreRead<R> {
  if (!existsSync(path)) throw new InputError('records', path, 'an existing records.jsonl', 'no such file');
  checkRegularFile(path);
  return parseRecordText(readFileSync(path, 'utf8'), path, codec);
}

/** Cuts a file's torn last line off (`torn` from readRecordFile) so appending goes on from a whole record. */
export function truncateTornTail(path: string, torn: TornTail): void {
  truncateSync(path, torn.byteOffset);
}

/** A Store over one JSONL file, opened for appending (created, with its directory, when missing). */
export class FileStore<R extends StoredRecord> implements Store<R> {
  private fd: number;
  private seq: number;

  /** @param nextSeq the seq of the next append (one past the last record's when reopening a run; `read` also advances it). */
  constructor(
    readonly path: string,
    private readonly codec: RecordCodec<R>,
    nextSeq = 0,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.seq = nextSeq;
  }

  get source(): string {
    return this.path;
  }

  append<T extends R['type']>(type: T, fields: RecordFields<R, T>): Extract<R, { type: T }> {
    if (this.fd < 0) throw new Error(`${this.path}: append after close`);
    const { record, line } = encodeRecord(type, this.seq, fields);
    this.seq++;
    writeSync(this.fd, `${line}\n`);
    fsyncSync(this.fd);
    return record as unknown as Extract<R, { type: T }>;
  }

  read(): StoreRead<R> {
    const read = readRecordFile(this.path, this.codec);
    this.seq = seqAfter(read.records, this.seq);
    return read;
  }

  dropTornTail(torn: TornTail): void {
    truncateTornTail(this.path, torn);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** A file store at `path` for the records `codec` knows. */
export function fileStore<R extends StoredRecord>(path: string, codec: RecordCodec<R>, nextSeq = 0): FileStore<R> {
  return new FileStore(path, codec, nextSeq);
}

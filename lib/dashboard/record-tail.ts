/**
 * Reads a growing records.jsonl incrementally: each `poll()` reads only the bytes appended since
 * the last one, parses the whole lines among them (a line still being written waits for its
 * newline) with the same checks as readRecords (store/jsonl.ts parseRecordText + the campaign's
 * record checks), and appends them. A file that shrank (replaced, or its torn tail cut by a
 * resume) is read again from the start.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { checkRecord } from '../campaign/record-schema.js';
import { CAMPAIGN_RECORD_TYPES, FOREIGN_RECORD_TYPES } from '../campaign/record-types.js';
import type { CampaignRecord } from '../campaign/records.js';
import { parseRecordText } from '../store/jsonl.js';
import type { RecordCodec } from '../store/types.js';

const codec: RecordCodec<CampaignRecord> = {
  types: [...CAMPAIGN_RECORD_TYPES, ...FOREIGN_RECORD_TYPES],
  check: (where, r) => checkRecord(where, r as CampaignRecord),
};

/** Most bytes read per poll (a large finished run is read over a few polls, never all at once in one buffer). */
const CHUNK_BYTES = 16 * 1024 * 1024;

export class RecordTail {
  readonly records: CampaignRecord[] = [];
  /** Bytes consumed: the end of the last whole line read. */
  private offset = 0;
  /** Lines consumed (for error messages naming the line). */
  private lineCount = 0;
  /** Bumped whenever records change (appended, or re-read after the file shrank). */
  version = 0;
  /** Bumped when the file shrank and `records` was emptied to be read again from the start. */
  generation = 0;
  /** The last read's problem (a bad line), shown by the dashboard instead of stopping it. */
  error: string | undefined;

  constructor(readonly path: string) {}

  /** Reads what was appended since the last poll; returns whether any record was added. */
  poll(): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return false; // not there (yet, or any more)
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        this.records.length = 0;
        this.offset = 0;
        this.lineCount = 0;
        this.version++;
        this.generation++;
      }
      if (size === this.offset) return false;
      const length = Math.min(size - this.offset, CHUNK_BYTES);
      const buf = Buffer.alloc(length);
      const got = readSync(fd, buf, 0, length, this.offset);
      const end = buf.lastIndexOf(0x0a, got - 1);
      if (end < 0) return false; // no whole line yet
      const text = buf.subarray(0, end + 1).toString('utf8');
      try {
        // Empty lines in front (skipped by the parser) make its errors name the file's own line numbers.
        const read = parseRecordText('\n'.repeat(this.lineCount) + text, this.path, codec);
        this.records.push(...read.records);
        this.error = undefined;
      } catch (err) {
        this.error = (err as Error).message;
        return false;
      }
      this.offset += end + 1;
      this.lineCount += text.split('\n').length - 1;
      this.version++;
      return true;
    } finally {
      closeSync(fd);
    }
  }
}

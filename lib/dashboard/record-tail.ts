/**
 * Reads a growing records.jsonl incrementally: each `poll()` first stats the file (one call; nothing
 * more when its identity, size and mtime are unchanged), then reads only the bytes appended since
 * the last one, parses the whole lines among them (a line still being written waits for its
 * newline) with the same checks as readRecords (store/jsonl.ts parseRecordText + the campaign's
 * record checks), and appends them.
 *
 * The file is read again from the start when it is no longer the file read so far: it shrank (a
 * torn tail cut by a resume), its identity changed (device/inode: replaced by a rename), or its
 * first bytes differ (another file copied over it). A bad whole line stops the reading there: the
 * records before it stay, `error` names the file and line, and `version` is bumped so the page
 * hears of it. A line may be as long as RECORD_LINE_BOUNDS allows (maxChars characters, so at most
 * 4 x maxChars UTF-8 bytes); a longer one is an error, never silence. A file that disappears keeps
 * what was read, with `error` saying it is gone.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { checkRecord } from '../campaign/record-schema.js';
import { CAMPAIGN_RECORD_TYPES, FOREIGN_RECORD_TYPES } from '../campaign/record-types.js';
import type { CampaignRecord } from '../campaign/records.js';
import { parseRecordText } from '../store/jsonl.js';
import { RECORD_LINE_BOUNDS, type RecordCodec } from '../store/types.js';

const codec: RecordCodec<CampaignRecord> = {
  types: [...CAMPAIGN_RECORD_TYPES, ...FOREIGN_RECORD_TYPES],
  check: (where, r) => checkRecord(where, r as CampaignRecord),
};

/** Bytes read per poll to start with (a large finished run is read over a few polls); grown up to MAX_LINE_BYTES + 1 when one line is longer. */
const CHUNK_BYTES = 16 * 1024 * 1024;
/** The longest record line in bytes: RECORD_LINE_BOUNDS.maxChars characters (UTF-16 units) take at most 3 UTF-8 bytes each, so 4 x maxChars bounds it with room. */
export const MAX_LINE_BYTES = 4 * RECORD_LINE_BOUNDS.maxChars;
/** Bytes of the file's start kept to recognise it (a different file copied over it differs here). */
const HEAD_BYTES = 256;

export class RecordTail {
  readonly records: CampaignRecord[] = [];
  /** Bytes consumed: the end of the last whole line read. */
  private offset = 0;
  /** Lines consumed (for error messages naming the line). */
  private lineCount = 0;
  /** The file read so far: device, inode, the first bytes; size and mtime at the last poll. */
  private seen: { dev: number; ino: number; head: Buffer; size: number; mtimeMs: number } | undefined;
  /** Bumped whenever records or `error` change (appended, re-read, a bad line, the file gone). */
  version = 0;
  /** Bumped when `records` was emptied to be read again from the start (another file, or it shrank). */
  generation = 0;
  /** Why reading stopped (a bad line, a line too long, the file gone); the records before it stay. */
  error: string | undefined;

  /** The file was read, then disappeared. */
  private gone = false;

  constructor(readonly path: string) {}

  /** The file's modification time at the last poll that found it (ms since the epoch; 0 before). */
  get mtimeMs(): number {
    return Math.max(0, this.seen?.mtimeMs ?? 0);
  }

  private setError(message: string | undefined): void {
    if (message === this.error) return;
    this.error = message;
    this.version++;
  }

  private restart(): void {
    this.records.length = 0;
    this.offset = 0;
    this.lineCount = 0;
    this.seen = undefined;
    this.error = undefined;
    this.gone = false;
    this.version++;
    this.generation++;
  }

  /** Reads what was appended since the last poll; returns whether `version` changed. */
  poll(): boolean {
    const before = this.version;
    let st: Stats;
    try {
      st = statSync(this.path);
    } catch {
      // Not there (yet, or any more): what was read stays, marked.
      if (this.seen) this.gone = true;
      if (this.seen) this.setError(`${this.path}: records.jsonl is gone (deleted or moved); showing the ${this.records.length} records read before`);
      return this.version !== before;
    }
    const s = this.seen;
    if (s && s.dev === st.dev && s.ino === st.ino && s.size === st.size && s.mtimeMs === st.mtimeMs) return false;
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return false;
    }
    try {
      const fst = fstatSync(fd);
      const size = fst.size;
      if (s) {
        const head = Buffer.alloc(Math.min(s.head.length, size));
        readSync(fd, head, 0, head.length, 0);
        if (s.dev !== fst.dev || s.ino !== fst.ino || size < this.offset || !head.equals(s.head)) this.restart();
      }
      if (!this.seen || this.seen.head.length < HEAD_BYTES) {
        const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
        readSync(fd, head, 0, head.length, 0);
        this.seen = { dev: fst.dev, ino: fst.ino, head, size: -1, mtimeMs: -1 };
      }
      const seen = this.seen;
      seen.dev = fst.dev;
      seen.ino = fst.ino;
      if (this.gone) {
        this.gone = false;
        this.setError(undefined);
      }
      // Remembered only once everything there is read, so the next poll reads on when this one stopped at CHUNK_BYTES.
      const more = this.read(fd, size);
      seen.size = more ? -1 : size;
      seen.mtimeMs = fst.mtimeMs;
      return this.version !== before;
    } finally {
      closeSync(fd);
    }
  }

  /** Reads the whole lines between `offset` and `size`; a line longer than MAX_LINE_BYTES or a bad one sets `error`. Returns whether whole lines may be left to read (it stopped at the chunk's end). */
  private read(fd: number, size: number): boolean {
    const left = size - this.offset;
    if (left <= 0) return false;
    let want = Math.min(left, CHUNK_BYTES);
    let buf: Buffer;
    let end: number;
    for (;;) {
      buf = Buffer.alloc(want);
      const got = readSync(fd, buf, 0, want, this.offset);
      end = got > 0 ? buf.lastIndexOf(0x0a, got - 1) : -1;
      if (end >= 0) break;
      if (got > MAX_LINE_BYTES) {
        this.setError(`${this.path} line ${this.lineCount + 1}: a record line longer than ${MAX_LINE_BYTES} bytes (allowed: up to ${RECORD_LINE_BOUNDS.maxChars} characters, RECORD_LINE_BOUNDS); reading stopped here`);
        return false;
      }
      if (want >= left) return false; // no whole line yet: it is still being written
      want = Math.min(left, want * 2, MAX_LINE_BYTES + 1);
    }
    const text = buf.subarray(0, end + 1).toString('utf8');
    const lines = text.split('\n');
    lines.pop(); // after the last newline: nothing
    try {
      // Empty lines in front (skipped by the parser) make its errors name the file's own line numbers.
      const read = parseRecordText('\n'.repeat(this.lineCount) + text, this.path, codec);
      if (read.torn) throw new Error(`${this.path} line ${read.torn.line}: not a whole JSON record (${JSON.stringify(read.torn.text.slice(0, 80))})`);
      this.records.push(...read.records);
      this.offset += end + 1;
      this.lineCount += lines.length;
      this.version++;
      this.setError(undefined);
      return want < left;
    } catch (err) {
      // Keep the whole lines before the bad one, then stop at it.
      let good = 0;
      let bytes = 0;
      for (const line of lines) {
        try {
          const one = parseRecordText(`${'\n'.repeat(this.lineCount + good)}${line}\n`, this.path, codec);
          if (one.torn) break;
          this.records.push(...one.records);
        } catch {
          break;
        }
        good++;
        bytes += Buffer.byteLength(line) + 1;
      }
      if (good > 0) {
        this.offset += bytes;
        this.lineCount += good;
        this.version++;
      }
      this.setError(`${(err as Error).message}; reading stopped at this line (the ${this.records.length} records before it are shown)`);
      return false;
    }
  }
}

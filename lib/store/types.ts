/**
 * The Store role: where a run's records go. A store appends typed records (each stamped with its
 * type, an ISO time and a sequence number within the store) and reads them back checked by a
 * codec, recovering from a crash mid-write: a torn last line is reported, never fatal, and can be
 * dropped so appending goes on from a whole record.
 *
 * Implementations: `FileStore` (JSONL, fsync per append; file-store.ts) and `MemoryStore` (the
 * same JSONL text in memory; memory-store.ts). One writer per run is the run lock's job
 * (campaign/run-lock.ts, an O_EXCL lock file): a second process claiming a locked run is refused.
 */

/** What every stored record carries. */
export interface StoredRecord {
  type: string;
  /** ISO 8601 time of the append. */
  time: string;
  /** 0-based position among the records appended to this store (across sessions). */
  seq: number;
}

/** The fields a caller gives for a record of type T (the store adds type, time and seq). */
export type RecordFields<R extends StoredRecord, T extends R['type']> = Omit<Extract<R, { type: T }>, 'type' | 'time' | 'seq'>;

/**
 * The record types a store holds, and the check of one record read back.
 *
 * `check` revives what JSON cannot hold (the strings "Infinity", "-Infinity", "NaN" where a number
 * is meant) in place, and throws an InputError naming `where` (e.g. "runs/x/records.jsonl line 7")
 * and the field when the record breaks its type's schema.
 */
export interface RecordCodec<R extends StoredRecord> {
  /** Every type a line may carry to count as a whole record (others make the line bad, or torn when last). */
  readonly types: readonly string[];
  check(where: string, record: StoredRecord & Record<string, unknown>): void;
}

/** A last line cut short (a crash mid-write): reported, and left out of the records. */
export interface TornTail {
  /** 1-based line number. */
  line: number;
  /** The line's first 200 characters. */
  text: string;
  /** Byte offset where the line starts: what the store is cut back to. */
  byteOffset: number;
}

export interface StoreRead<R> {
  records: R[];
  /** The 1-based line of each record in `records` (for errors that name the line). */
  lines: number[];
  torn?: TornTail;
}

export interface Store<R extends StoredRecord> {
  /** Where the records are, as errors name it (a path, or "memory"). */
  readonly source: string;
  /**
   * Appends one record, durable when this returns (a file store fsyncs), and returns it stamped.
   * ±Infinity and NaN are written as strings and read back as numbers.
   *
   * @throws UnwritableRecord (nothing written, seq unchanged) for a record JSON cannot hold (cyclic, too deep).
   */
  append<T extends R['type']>(type: T, fields: RecordFields<R, T>): Extract<R, { type: T }>;
  /**
   * Reads every record, each checked by the codec. Sets the next seq after the last record read
   * when that is beyond the current one (a store reopened on a run appends after it).
   *
   * @throws InputError naming the line for a bad line that is not the last, a line past the size
   *   or depth bounds, or a record breaking its type's schema.
   */
  read(): StoreRead<R>;
  /** Cuts a torn last line off (see `read`) so appending goes on from a whole record. */
  dropTornTail(torn: TornTail): void;
  /** Releases the store; safe to call twice. Appending after close throws. */
  close(): void;
}

/** A record that cannot be written (nested too deep for JSON.stringify, or cyclic): thrown before anything is written; its message is one line. */
export class UnwritableRecord extends Error {
  constructor(type: string, cause: unknown) {
    super(`a ${type} record could not be written as JSON (${(cause as Error).message.replace(/\s*\n\s*/g, ' ')}); nothing was written`);
    this.name = 'UnwritableRecord';
  }
}

/** Bounds of one record line on read: far above any record the project writes (an LLM reply is cut at 200,000 characters). */
export const RECORD_LINE_BOUNDS = { maxChars: 16 * 1024 * 1024, maxDepth: 64 };

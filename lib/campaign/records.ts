/**
 * A campaign's records.jsonl through the file Store (lib/store/file-store.ts): `RecordWriter`,
 * `readRecords` and `dropTornTail` are the loose-typed API every caller (campaign, report,
 * compare, explain, the LLM replay) uses; `campaignStore` is the typed one (record-types.ts).
 */
import type { RecordCodec } from '../store/types.js';
import { FileStore, readRecordFile, truncateTornTail } from '../store/file-store.js';
import { CAMPAIGN_RECORD_TYPES, type CampaignRecordOf, campaignCodec, FOREIGN_RECORD_TYPES } from './record-types.js';
import { checkRecord } from './record-schema.js';

export { checkRegularFile } from '../store/file-store.js';
export { RECORD_LINE_BOUNDS, UnwritableRecord } from '../store/types.js';

/** The types a campaign writes. */
export const RECORD_TYPES = CAMPAIGN_RECORD_TYPES;
export type RecordType = (typeof CAMPAIGN_RECORD_TYPES)[number];

/** Every record: a type, a time, and a sequence number within its file (see CampaignRecordOf for each type's fields). */
export interface CampaignRecord {
  /** A campaign type; a LAMDA run's records read by `readRecords` carry theirs (FOREIGN_RECORD_TYPES). */
  type: RecordType;
  time: string;
  seq: number;
  [field: string]: unknown;
}

export interface ReadResult {
  records: CampaignRecord[];
  /** The 1-based line of each record in `records` (for errors that name the line). */
  lines: number[];
  /** A last line cut short (a crash mid-write): reported, and left out. */
  torn?: { line: number; text: string; byteOffset: number };
}

/** What `readRecords` reads: campaign records checked, a LAMDA run's records taken whole and unchecked (replay then refuses them). */
const readerCodec: RecordCodec<CampaignRecord> = {
  types: [...CAMPAIGN_RECORD_TYPES, ...FOREIGN_RECORD_TYPES],
  check: (where, r) => checkRecord(where, r as CampaignRecord),
};

/**
 * Appends one JSON object a line, flushed to disk (fsync) before append returns. ±Infinity and
 * NaN are written as strings ("Infinity"), never as null, and read back as numbers.
 *
 * @throws UnwritableRecord from append (nothing written) for a record JSON cannot hold.
 */
export class RecordWriter {
  private store: FileStore<CampaignRecordOf>;

  constructor(
    readonly path: string,
    nextSeq = 0,
  ) {
    this.store = new FileStore(path, campaignCodec, nextSeq);
  }

  append<T extends Record<string, unknown>>(type: RecordType, fields: T): CampaignRecord & T {
    return (this.store.append as (t: string, f: T) => unknown)(type, fields) as CampaignRecord & T;
  }

  close(): void {
    this.store.close();
  }
}

/** A typed campaign store over `path` (created when missing); `read` checks every record. */
export function campaignStore(path: string, nextSeq = 0): FileStore<CampaignRecordOf> {
  return new FileStore(path, campaignCodec, nextSeq);
}

/**
 * Reads a records file; a torn last line is reported, a bad line elsewhere is an error naming it.
 * Every record is checked against its type's schema (record-schema.ts, record-shapes.ts) and its
 * line bounded (RECORD_LINE_BOUNDS) before it is trusted.
 */
export function readRecords(path: string): ReadResult {
  return readRecordFile(path, readerCodec);
}

/** Cuts a torn last line off so appending can go on from a whole record. */
export function dropTornTail(path: string, torn: NonNullable<ReadResult['torn']>): void {
  truncateTornTail(path, torn);
}

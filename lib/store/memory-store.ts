/**
 * The in-memory Store: the same JSONL text a file store writes, kept in a string. Every record
 * goes through JSON and back (the ±Infinity/NaN strings, the line bounds and the codec's checks
 * all run), so a test on it exercises what a file store's reader does, without a file.
 */
import { encodeRecord, parseRecordText, seqAfter } from './jsonl.js';
import type { RecordCodec, RecordFields, Store, StoredRecord, StoreRead, TornTail } from './types.js';

export class MemoryStore<R extends StoredRecord> implements Store<R> {
  /** The JSONL text as a file store would hold it. */
  private text = '';
  private seq: number;
  private closed = false;

  constructor(
    private readonly codec: RecordCodec<R>,
    readonly source = 'memory',
    nextSeq = 0,
  ) {
    this.seq = nextSeq;
  }

  append<T extends R['type']>(type: T, fields: RecordFields<R, T>): Extract<R, { type: T }> {
    if (this.closed) throw new Error(`${this.source}: append after close`);
    const { record, line } = encodeRecord(type, this.seq, fields);
    this.seq++;
    this.text += `${line}\n`;
    return record as unknown as Extract<R, { type: T }>;
  }

  read(): StoreRead<R> {
    const read = parseRecordText(this.text, this.source, this.codec);
    this.seq = seqAfter(read.records, this.seq);
    return read;
  }

  dropTornTail(torn: TornTail): void {
    this.text = Buffer.from(this.text).subarray(0, torn.byteOffset).toString('utf8');
  }

  /** Adds raw text as a crash or an editor would (tests: a torn line, a bad line). */
  writeRaw(text: string): void {
    this.text += text;
  }

  /** The JSONL text held. */
  contents(): string {
    return this.text;
  }

  close(): void {
    this.closed = true;
  }
}

/** An in-memory store for the records `codec` knows. */
export function memoryStore<R extends StoredRecord>(codec: RecordCodec<R>, source = 'memory'): MemoryStore<R> {
  return new MemoryStore(codec, source);
}

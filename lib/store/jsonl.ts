/**
 * Records as JSON lines, shared by every store: one record a line, ±Infinity and NaN written as
 * the strings "Infinity", "-Infinity" and "NaN" (never as JSON's null), each line bounded in size
 * and depth before it is parsed, and a torn last line told apart from a bad line in the middle.
 */
import { InputError } from '../errors.js';
import { checkJsonBounds } from '../json-bounded.js';
import { RECORD_LINE_BOUNDS, type RecordCodec, type StoredRecord, type StoreRead, UnwritableRecord } from './types.js';

/** JSON.stringify replacer: ±Infinity and NaN written as strings, not as null. */
export function recordReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

const NON_FINITE: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };

/** A number, or one written as "Infinity"/"-Infinity"/"NaN"; `nullMeans` for older records' null. */
export function reviveNumber(v: unknown, nullMeans?: number): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v in NON_FINITE) return NON_FINITE[v];
  if (v === null && nullMeans !== undefined) return nullMeans;
  return undefined;
}

/**
 * The record stamped (type, time, seq first) and its line without the newline.
 *
 * @throws UnwritableRecord when JSON.stringify cannot write it (cyclic, nested too deep).
 */
export function encodeRecord<F extends object>(type: string, seq: number, fields: F): { record: StoredRecord & F; line: string } {
  const record = { type, time: new Date().toISOString(), seq, ...fields };
  try {
    return { record, line: JSON.stringify(record, recordReplacer) };
  } catch (err) {
    throw new UnwritableRecord(type, err);
  }
}

/**
 * Parses JSONL text into checked records; `source` names it in errors ("PATH line N").
 * A last line that is not a whole known record (or has no newline) is the torn tail; a bad line
 * before it is an InputError naming it, and so is a line past RECORD_LINE_BOUNDS anywhere or a
 * whole record the codec refuses.
 */
export function parseRecordText<R extends StoredRecord>(text: string, source: string, codec: RecordCodec<R>): StoreRead<R> {
  const lines = text.split('\n');
  const records: R[] = [];
  const numbers: number[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const last = i === lines.length - 1;
    if (line === '') {
      offset += 1;
      continue;
    }
    const where = `${source} line ${i + 1}`;
    // Size and depth first: a line past the bounds is an error, never a torn tail to cut off.
    checkJsonBounds(line, where, RECORD_LINE_BOUNDS);
    let r: StoredRecord & Record<string, unknown>;
    try {
      r = JSON.parse(line) as StoredRecord & Record<string, unknown>;
      if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error('not a JSON object');
      if (!codec.types.includes(r.type) || typeof r.time !== 'string') throw new Error('no known type or no time');
      if (last) throw new Error('no newline: the write did not finish');
    } catch (err) {
      // Only the final line may be torn: everything before it was written (and fsynced) whole.
      if (last || (i === lines.length - 2 && lines[lines.length - 1] === '')) return { records, lines: numbers, torn: { line: i + 1, text: line.slice(0, 200), byteOffset: offset } };
      throw new InputError(where, line, `one JSON record per line (${(err as Error).message})`);
    }
    codec.check(where, r); // a whole line that breaks its schema is an error, wherever it is
    records.push(r as unknown as R);
    numbers.push(i + 1);
    offset += Buffer.byteLength(line) + 1;
  }
  return { records, lines: numbers };
}

/** The seq to append at after reading `records`: one past the last one's, at least `current`. */
export function seqAfter(records: readonly StoredRecord[], current: number): number {
  const last = records.at(-1)?.seq;
  return typeof last === 'number' && last + 1 > current ? last + 1 : current;
}

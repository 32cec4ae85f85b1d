/**
 * CSV tables for the `pareto` command and the library: split by papaparse (RFC 4180 quoting,
 * `""` escapes, quoted fields across lines), checked here: a header row, every row with the
 * header's number of fields, errors naming the 1-based line. Blank lines are skipped and spaces
 * around a field are ignored; a header naming a column twice is refused. Numbers are decimal only,
 * finite (or inf) and not underflowing to 0 (see numericColumn and lib/decimal.ts).
 */
import Papa from 'papaparse';
import { OUT_OF_RANGE, readDecimal, UNDERFLOW } from './decimal.js';
import { capText, formatValue, InputError } from './errors.js';

export interface CsvTable {
  columns: string[];
  rows: string[][];
  /** The 1-based line each row starts on (blank lines and quoted line breaks counted). */
  lines?: number[];
}

const NON_SPACE = /\S/g;

/** 1-based line of a character offset, from the sorted offsets of every "\n". */
function lineAt(breaks: readonly number[], offset: number): number {
  let lo = 0;
  let hi = breaks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((breaks[mid] as number) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * Parses CSV text with a header row; every row must have the header's number of fields.
 * @throws InputError naming the source and line: an unclosed or malformed quote, a row with
 *   another number of fields than the header, or a text without a header.
 */
export function parseCsv(text: string, source = 'CSV'): CsvTable {
  const normalised = text.replace(/\r\n/g, '\n');
  const breaks: number[] = [];
  for (let i = normalised.indexOf('\n'); i >= 0; i = normalised.indexOf('\n', i + 1)) breaks.push(i);
  const rowTexts: { fields: string[]; line: number; text: string }[] = [];
  let start = 0;
  let failure: InputError | undefined;
  const parser = Papa.parse<string[]>(normalised, {
    delimiter: ',',
    newline: '\n',
    quoteChar: '"',
    escapeChar: '"',
    // blank lines (spaces only) are skipped here, not by papaparse's 'greedy', which also drops ",,,"
    skipEmptyLines: false,
    step: (result, p) => {
      NON_SPACE.lastIndex = start;
      const begin = NON_SPACE.exec(normalised)?.index ?? start;
      const line = lineAt(breaks, begin);
      const end = result.meta.cursor;
      const raw = normalised.slice(begin, Math.max(begin, end)).replace(/\n$/, '');
      start = end;
      const error = result.errors[0];
      if (error) {
        const unclosed = error.code === 'MissingQuotes';
        failure = new InputError(`${source} line ${line}`, raw, unclosed ? 'closed double quotes' : 'a quoted field closed right before a comma or the end of the line', unclosed ? 'has an unclosed quote' : `has a malformed quote (${error.message})`);
        p.abort();
        return;
      }
      if (result.data.length === 1 && (result.data[0] ?? '').trim() === '') return;
      rowTexts.push({ fields: result.data.map((f) => f.trim()), line, text: raw });
    },
  });
  void parser;
  if (failure) throw failure;
  const header = rowTexts[0];
  if (!header) throw new InputError(source, '', 'a header row and data rows', 'is empty');
  const columns = header.fields;
  const repeated = columns.find((c, k) => columns.indexOf(c) !== k);
  if (repeated !== undefined) throw new InputError(`${source} line ${header.line} column ${formatValue(repeated)}`, repeated, 'each column name once in the header', `is repeated (columns ${columns.indexOf(repeated) + 1} and ${columns.indexOf(repeated, columns.indexOf(repeated) + 1) + 1})`);
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const row of rowTexts.slice(1)) {
    if (row.fields.length !== columns.length) {
      throw new InputError(`${source} line ${row.line}`, row.fields.length, `${plural(columns.length, 'field')} like the header (${capText(columns.join(', '), 160)})`, `has ${plural(row.fields.length, 'field')}`);
    }
    rows.push(row.fields);
    lines.push(row.line);
  }
  return { columns, rows, lines };
}

/** `1 field`, `2 fields`. */
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const INFINITE = /^[+-]?(?:inf|infinity)$/i;
export const CSV_NUMBER = 'a number written in decimal like 12, -0.5 or 1.5e6, or inf/-inf (no hex, NaN or empty field)';

/** A CSV field as a number or why it is not one (lib/decimal.ts: 1e999 overflows, 1e-400 underflows; inf is written inf). */
function readCsvNumber(text: string): { value: number } | { reason: string } {
  if (INFINITE.test(text)) return { value: text.startsWith('-') ? -Infinity : Infinity };
  return readDecimal(text);
}

/** A CSV field as a number (see CSV_NUMBER), or undefined when it is not one. */
export function csvNumber(text: string): number | undefined {
  const read = readCsvNumber(text);
  return 'value' in read ? read.value : undefined;
}

/**
 * The numeric values of one named column (see CSV_NUMBER).
 * @throws InputError naming the line and column for a field that is not a decimal number.
 */
export function numericColumn(table: CsvTable, name: string, source = 'CSV', headerLine = 1): number[] {
  const k = table.columns.indexOf(name);
  if (k < 0) throw new InputError(`${source} column`, name, capText(table.columns.join(', '), 160));
  return table.rows.map((r, i) => {
    const text = r[k] as string;
    const read = readCsvNumber(text);
    if ('reason' in read) {
      const detail = read.reason === OUT_OF_RANGE ? `got ${formatValue(text)}: ${OUT_OF_RANGE}, or write inf` : read.reason === UNDERFLOW ? `got ${formatValue(text)}: ${UNDERFLOW}` : undefined;
      throw new InputError(`${source} line ${table.lines?.[i] ?? headerLine + 1 + i} column ${name}`, text, CSV_NUMBER, detail);
    }
    return read.value;
  });
}

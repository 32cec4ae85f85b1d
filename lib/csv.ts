import { InputError } from './errors.js';

export interface CsvTable {
  columns: string[];
  rows: string[][];
}

/** Splits one CSV line, honouring double-quoted fields ("a, b" and "" escapes). */
function splitLine(line: string, lineNo: number, source: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field.trim());
      field = '';
    } else field += c;
  }
  if (quoted) throw new InputError(`${source} line ${lineNo}`, line, 'closed double quotes', 'has an unclosed quote');
  out.push(field.trim());
  return out;
}

/** Parses CSV text with a header row; every row must have the header's number of fields. */
export function parseCsv(text: string, source = 'CSV'): CsvTable {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new InputError(source, '', 'a header row and data rows', 'is empty');
  const columns = splitLine(lines[headerIndex] as string, headerIndex + 1, source);
  const rows: string[][] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if ((lines[i] as string).trim() === '') continue;
    const fields = splitLine(lines[i] as string, i + 1, source);
    if (fields.length !== columns.length) {
      throw new InputError(`${source} line ${i + 1}`, fields.length, `${columns.length} fields like the header (${columns.join(', ')})`, `has ${fields.length} fields`);
    }
    rows.push(fields);
  }
  return { columns, rows };
}

/** The numeric values of one named column, with an error naming line and column for non-numbers. */
export function numericColumn(table: CsvTable, name: string, source = 'CSV', headerLine = 1): number[] {
  const k = table.columns.indexOf(name);
  if (k < 0) throw new InputError(`${source} column`, name, table.columns.join(', '));
  return table.rows.map((r, i) => {
    const text = r[k] as string;
    const v = /^[+-]?(inf|infinity)$/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : text === '' ? NaN : Number(text);
    if (Number.isNaN(v)) throw new InputError(`${source} line ${headerLine + 1 + i} column ${name}`, text, 'a number (inf and -inf allowed)');
    return v;
  });
}

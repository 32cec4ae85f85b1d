/**
 * A {@link Table} as a danfojs DataFrame and back (notebooks). Apart from render-table.ts: danfojs
 * takes seconds to load, and the CLI renders text tables without it.
 */
import * as dfd from 'danfojs-node';
import type { Cell, Table } from './table.js';

/**
 * danfojs reserves the column name `index`, so columns named `index`, `index_`, `index__`, ...
 * get one more underscore on the way in and lose it on the way out (a reversible renaming).
 */
const RESERVED = /^index_*$/;
const toFrameColumn = (c: string) => (RESERVED.test(c) ? `${c}_` : c);
const fromFrameColumn = (c: string) => (RESERVED.test(c) && c !== 'index' ? c.slice(0, -1) : c);

/** The table's rows as a danfojs DataFrame (column `index` renamed `index_`; nulls kept). */
export function tableToDataFrame(table: Table): dfd.DataFrame {
  const columns = table.columns.map(toFrameColumn);
  const seen = new Set<string>();
  for (const c of table.columns) {
    if (seen.has(c)) throw new Error(`table ${table.id}: column "${c}" appears twice; a data frame needs distinct column names`);
    seen.add(c);
  }
  const rows = table.rows.map((r) => table.columns.map((_, j) => r[j] ?? null));
  return new dfd.DataFrame(rows, { columns });
}

function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v; // danfojs marks missing values NaN
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}

/** A danfojs DataFrame back as a Table (the `index_` renaming undone; NaN and undefined as null). */
export function dataFrameToTable(df: dfd.DataFrame, id: string, caption: string): Table {
  const columns = df.columns.map(fromFrameColumn);
  const values = df.shape[0] === 0 ? [] : (df.values as unknown[][]);
  return { id, caption, columns, rows: values.map((r) => columns.map((_, j) => toCell(r[j]))) };
}

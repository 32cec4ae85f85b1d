/**
 * Where `paretonas correlate` reads its pairs: CSV files and run directories, matched into one
 * observation per candidate, `{ key, x: number[], y: number[] }` (every value of x and of y that
 * candidate has: more than one is a repeated evaluation).
 *
 * - A run directory (holding records.jsonl): every `evaluation` record gives its candidate key and
 *   `metrics[NAME]`; the run's seed is kept for the notes.
 * - A CSV file (header row, lib/csv.ts): `--by COLUMN` names the candidate key column (default
 *   `key` when there is one); without one, row i is candidate `row i` (one row one candidate), so
 *   keyless CSVs pair row by row, and cannot be matched with a keyed source (refused).
 *   An empty cell is a missing value; any other cell must be a finite decimal number.
 * - One source: x and y both from it. Several: x from the FIRST, y from every other one, so the
 *   same metric name can be compared across runs (1-epoch against 50-epoch `accuracy`); a
 *   candidate in several y sources has several y values (repeated evaluations).
 * Candidates without both an x and a y value are left out and counted in a note.
 *
 * @throws InputError: a missing path, an unknown metric or column (listing those there are), a
 *   non-numeric cell (file, line, column), the same metric for x and y from one source.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RECORDS_FILE } from '../campaign/campaign.js';
import { readRecords } from '../campaign/records.js';
import { csvNumber, parseCsv } from '../csv.js';
import { capText, formatValue, InputError } from '../errors.js';

/** One candidate's values: every x and every y measured for it (several: repeated evaluations). */
export interface Observation {
  key: string;
  x: number[];
  y: number[];
}

export interface SourceSummary {
  path: string;
  kind: 'csv' | 'run';
  /** What it gives: 'x and y' (one source), 'x' (the first of several) or 'y'. */
  role: 'x and y' | 'x' | 'y';
  /** Rows (CSV) or evaluation records (run) read. */
  entries: number;
  /** A run's campaign seed. */
  seed?: number;
  /** How candidates are keyed: a run's candidate key, a CSV column, or the row number. */
  keyedBy: string;
}

export interface LoadedSources {
  observations: Observation[];
  sources: SourceSummary[];
  notes: string[];
}

export interface SourceOptions {
  x: string;
  y: string;
  /** A CSV's key column (default `key` when the CSV has one). */
  by?: string;
}

/** One source's values per candidate key, in first-seen order. */
interface SourceValues {
  summary: Omit<SourceSummary, 'role'>;
  values: Map<string, { x: number[]; y: number[] }>;
  /** Whether candidates are keyed (false: a CSV paired by row number). */
  keyed: boolean;
}

/** What a CSV cell of x or y may hold. */
const FINITE_CELL = 'a finite number written in decimal like 12, -0.5 or 1.5e6 (no hex, NaN or inf), or an empty cell for a missing value';

/** What a file of this kind is, for an error line (a FIFO would block the read forever). */
function fileKind(stats: import('node:fs').Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Checks a source before anything reads it: it exists and is a directory or a regular file (a FIFO,
 * socket or device is refused: reading one blocks or never ends). Returns its kind and real path
 * (symlinks and `./` resolved), by which the same source given twice is recognised.
 */
function checkSource(path: string): { kind: 'run' | 'csv'; real: string } {
  let stats: import('node:fs').Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError('SOURCE', path, 'a CSV file or a run directory holding records.jsonl', `got ${formatValue(path)}: ${code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or folder' : (code ?? (err as Error).message)}`);
  }
  if (!stats.isDirectory() && !stats.isFile()) throw new InputError('SOURCE', path, 'a CSV file or a run directory holding records.jsonl', `got ${formatValue(path)}: ${fileKind(stats)}`);
  return { kind: stats.isDirectory() ? 'run' : 'csv', real: realpathSync(path) };
}

/** A run directory's evaluation records as values of `metrics` (each may be absent). */
function readRun(path: string, metrics: readonly string[], flags: readonly string[]): SourceValues {
  const file = join(path, RECORDS_FILE);
  if (!existsSync(file)) throw new InputError('SOURCE', path, `a CSV file or a run directory holding ${RECORDS_FILE}`, `got ${formatValue(path)}: a folder without ${RECORDS_FILE}`);
  const records = statSync(file);
  if (!records.isFile()) throw new InputError('SOURCE', path, `a run directory whose ${RECORDS_FILE} is a regular file`, `got ${formatValue(path)}: its ${RECORDS_FILE} is ${records.isDirectory() ? 'a folder' : fileKind(records)}`);
  const { records: read } = readRecords(file);
  const start = read.find((r) => r.type === 'campaign-start') as { config?: { seed?: unknown } } | undefined;
  const seed = typeof start?.config?.seed === 'number' ? start.config.seed : undefined;
  const evaluations = read.filter((r) => r.type === 'evaluation') as unknown as { key: string; metrics: Record<string, number> }[];
  const known = new Set(evaluations.flatMap((e) => Object.keys(e.metrics)));
  metrics.forEach((name, i) => {
    if (!known.has(name)) {
      const there = known.size ? [...known].join(', ') : `none: the run has no evaluation record`;
      throw new InputError(flags[i] as string, name, `a metric the evaluation records of ${path} hold (${capText(there, 200)})`);
    }
  });
  const values = new Map<string, { x: number[]; y: number[] }>();
  for (const e of evaluations) {
    const entry = values.get(e.key) ?? { x: [], y: [] };
    const [mx, my] = [e.metrics[metrics[0] as string], e.metrics[metrics[1] as string]];
    if (typeof mx === 'number' && Number.isFinite(mx)) entry.x.push(mx);
    if (metrics.length > 1 && typeof my === 'number' && Number.isFinite(my)) entry.y.push(my);
    values.set(e.key, entry);
  }
  return { summary: { path, kind: 'run', entries: evaluations.length, ...(seed !== undefined ? { seed } : {}), keyedBy: 'candidate key' }, values, keyed: true };
}

/** A CSV file's columns `metrics` per candidate (key column, or the row number). */
function readCsvSource(path: string, metrics: readonly string[], flags: readonly string[], by: string | undefined): SourceValues {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('SOURCE', path, 'a readable CSV file or a run directory', `got ${formatValue(path)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const table = parseCsv(text, path);
  const columnList = capText(table.columns.join(', '), 200);
  metrics.forEach((name, i) => {
    if (!table.columns.includes(name)) throw new InputError(flags[i] as string, name, `a column of ${path} (${columnList})`);
  });
  if (by !== undefined && !table.columns.includes(by)) throw new InputError('--by', by, `a column of ${path} (${columnList})`);
  const keyColumn = by ?? (table.columns.includes('key') ? 'key' : undefined);
  const keyIndex = keyColumn === undefined ? -1 : table.columns.indexOf(keyColumn);
  const indices = metrics.map((m) => table.columns.indexOf(m));
  const values = new Map<string, { x: number[]; y: number[] }>();
  table.rows.forEach((row, i) => {
    const line = table.lines?.[i] ?? i + 2;
    const key = keyIndex >= 0 ? (row[keyIndex] as string) : `row ${i + 1}`;
    if (key === '') throw new InputError(`${path} line ${line} column ${keyColumn}`, key, 'a candidate key (not empty)');
    const entry = values.get(key) ?? { x: [], y: [] };
    indices.forEach((k, j) => {
      const cell = row[k] as string;
      if (cell === '') return; // missing: counted when matching
      const value = csvNumber(cell);
      if (value === undefined || !Number.isFinite(value)) throw new InputError(`${path} line ${line} column ${metrics[j]}`, cell, FINITE_CELL);
      (j === 0 ? entry.x : entry.y).push(value);
    });
    values.set(key, entry);
  });
  return { summary: { path, kind: 'csv', entries: table.rows.length, keyedBy: keyColumn === undefined ? 'row number' : `column ${keyColumn}` }, values, keyed: keyIndex >= 0 };
}

/** `metrics[i]` is read for the flag `flags[i]` (--x or --y), which an unknown name's error line names. */
function readSource(path: string, kind: 'run' | 'csv', metrics: readonly string[], flags: readonly string[], by: string | undefined): SourceValues {
  return kind === 'run' ? readRun(path, metrics, flags) : readCsvSource(path, metrics, flags, by);
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * Reads every source and matches candidates by key (see the module comment for the rules).
 * Observations keep the first source's order of candidates, then the y sources' new ones are
 * dropped (they lack x): only candidates with at least one x and one y are returned.
 */
export function loadCorrelationSources(paths: readonly string[], options: SourceOptions): LoadedSources {
  if (paths.length === 0) throw new InputError('SOURCE', '', 'one or more CSV files or run directories', 'got none');
  const notes: string[] = [];
  const single = paths.length === 1;
  if (single && options.x === options.y) throw new InputError('--y', options.y, `a metric other than --x (${options.x}) when x and y come from one source; give a second source to compare one metric across sources`);
  const checked = paths.map((p) => checkSource(p));
  checked.forEach((c, i) => {
    const first = checked.findIndex((d) => d.real === c.real);
    if (first < i) {
      const same = paths[first] === paths[i] ? 'given twice' : `the same ${c.kind === 'run' ? 'run directory' : 'file'} as ${formatValue(paths[first])} (both are ${formatValue(c.real)})`;
      throw new InputError('SOURCE', paths[i], 'each source once (the same source twice would count its values as repeated evaluations)', `got ${formatValue(paths[i])}: ${same}`);
    }
  });
  const read = single ? [readSource(paths[0] as string, checked[0]?.kind ?? 'csv', [options.x, options.y], ['--x', '--y'], options.by)] : paths.map((p, i) => readSource(p, checked[i]?.kind ?? 'csv', [i === 0 ? options.x : options.y], [i === 0 ? '--x' : '--y'], options.by));
  if (!single) {
    // y sources were read with one metric: it sits in `x`; move it to `y`
    for (const s of read.slice(1)) for (const entry of s.values.values()) [entry.x, entry.y] = [[], entry.x];
    const keyless = read.filter((s) => !s.keyed).map((s) => s.summary.path);
    if (keyless.length > 0 && keyless.length < read.length) {
      throw new InputError('--by', options.by ?? 'key', 'a key column in every CSV when a run or a keyed CSV is matched with it', `${keyless.join(', ')} ${keyless.length === 1 ? 'has' : 'have'} no key column (pairing by row number cannot match a keyed source)`);
    }
  }
  if (options.by !== undefined && read.every((s) => s.summary.kind === 'run')) notes.push(`--by ${options.by} applies to CSV files; runs are matched by candidate key`);
  const sources: SourceSummary[] = read.map((s, i) => ({ ...s.summary, role: single ? 'x and y' : i === 0 ? 'x' : 'y' }));
  const merged = new Map<string, { x: number[]; y: number[] }>();
  for (const s of read) {
    for (const [key, v] of s.values) {
      const entry = merged.get(key) ?? { x: [], y: [] };
      entry.x.push(...v.x);
      entry.y.push(...v.y);
      merged.set(key, entry);
    }
  }
  const observations: Observation[] = [];
  let noX = 0;
  let noY = 0;
  for (const [key, v] of merged) {
    if (v.x.length === 0) noX++;
    else if (v.y.length === 0) noY++;
    else observations.push({ key, x: v.x, y: v.y });
  }
  if (noX + noY > 0) {
    // one metric from two sources: `accuracy (x)` / `accuracy (y)` (as correlation.ts axisLabels)
    const [lx, ly] = options.x === options.y ? [`${options.x} (x)`, `${options.y} (y)`] : [options.x, options.y];
    const parts = [...(noY ? [`${plural(noY, 'candidate')} with ${lx} but no ${ly}`] : []), ...(noX ? [`${plural(noX, 'candidate')} with ${ly} but no ${lx}`] : [])];
    notes.push(`left out: ${parts.join('; ')} (${plural(observations.length, 'candidate')} matched)`);
  }
  return { observations, sources, notes };
}

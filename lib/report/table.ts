/** A table as plain data: what builders return and renderers format (Markdown, HTML, CSV, LaTeX). */
export type Cell = string | number | null;

/**
 * How the display renderers (Markdown, HTML, LaTeX) shorten a long text cell of a column; CSV and
 * data frames always keep the cell whole (the table holds it whole).
 * - `key`: a canonical key over `max` characters becomes its first 12 characters, an ellipsis and
 *   a 6-hex-digit hash of the whole key (keys sharing a prefix stay distinct);
 * - `words`: text over `max` characters is cut at the last word boundary at or before `max - 1`
 *   characters and ends with an ellipsis (…).
 */
export interface CellShortening {
  kind: 'key' | 'words';
  /** Longest text (in UTF-16 units) shown whole. */
  max: number;
}

export interface Table {
  /** Short id, used for file names (e.g. "table-ii"). */
  id: string;
  caption: string;
  columns: string[];
  rows: Cell[][];
  /** Optional notes printed under the table (sources, conventions). */
  notes?: string[];
  /** Display shortening by column name (see {@link CellShortening}); cells stay whole in the data. */
  shorten?: Record<string, CellShortening>;
  /**
   * The one line display renderers print instead of a header without rows when `rows` is empty
   * (e.g. "none: every proposal passed ..."); CSV still writes its header (a data file with no rows).
   */
  empty?: string;
}

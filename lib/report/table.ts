/** A table as plain data: what builders return and renderers format (Markdown, HTML, CSV, LaTeX). */
export type Cell = string | number | null;

export interface Table {
  /** Short id, used for file names (e.g. "table-ii"). */
  id: string;
  caption: string;
  columns: string[];
  rows: Cell[][];
  /** Optional notes printed under the table (sources, conventions). */
  notes?: string[];
}

/**
 * A plotly figure spec as plain data: `data` (the traces) and `layout`, nothing rendered. Report
 * builders compute an Info (plain numbers) first; an `xFigure(info)` function only formats that
 * Info into this shape (see ../../../shared/DESIGN.md: compute first, render second).
 */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

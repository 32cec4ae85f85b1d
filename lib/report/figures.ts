/** Plotly figure specs as plain data: report builders return these, renderers only format them. */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

export function histogramFigure(values: readonly number[], options: { title: string; xTitle: string; bins?: number; limit?: { x: number; label: string } }): Figure {
  const layout: Record<string, unknown> = {
    title: { text: options.title },
    xaxis: { title: { text: options.xTitle } },
    yaxis: { title: { text: 'candidates' } },
    bargap: 0.05,
    width: 640,
    height: 360,
  };
  if (options.limit) {
    layout.shapes = [{ type: 'line', x0: options.limit.x, x1: options.limit.x, yref: 'paper', y0: 0, y1: 1, line: { dash: 'dash', color: 'purple' } }];
    layout.annotations = [{ x: options.limit.x, yref: 'paper', y: 1, text: options.limit.label, showarrow: false, xanchor: 'left' }];
  }
  return { data: [{ type: 'histogram', x: [...values], nbinsx: options.bins ?? 40 }], layout };
}

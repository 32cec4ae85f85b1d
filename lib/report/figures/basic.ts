/**
 * Generic figures over plain numbers: a histogram (with an optional limit line), bars with
 * optional asymmetric error bars, and named scatter series. Units are the caller's, in the titles.
 */
import type { Figure } from './figure.js';

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

/** Bars with optional asymmetric error bars (e.g. p10 and p90 around a median). */
export function barFigure(
  labels: readonly string[],
  values: readonly number[],
  options: { title: string; yTitle: string; low?: readonly number[]; high?: readonly number[]; logY?: boolean },
): Figure {
  const bar: Record<string, unknown> = { type: 'bar', x: [...labels], y: [...values] };
  if (options.low && options.high) {
    bar.error_y = {
      type: 'data',
      symmetric: false,
      array: options.high.map((h, i) => h - (values[i] as number)),
      arrayminus: options.low.map((l, i) => (values[i] as number) - l),
    };
  }
  return {
    data: [bar],
    layout: {
      title: { text: options.title },
      yaxis: { title: { text: options.yTitle }, type: options.logY ? 'log' : 'linear' },
      width: 720,
      height: 400,
    },
  };
}

/** Points as one or more named scatter series (e.g. all candidates, then the front on top). */
export function scatterFigure(
  series: readonly { name: string; x: readonly number[]; y: readonly number[]; text?: readonly string[]; line?: boolean }[],
  options: { title: string; xTitle: string; yTitle: string; logX?: boolean },
): Figure {
  return {
    data: series.map((s) => ({
      type: 'scatter',
      mode: s.line ? 'lines+markers' : 'markers',
      name: s.name,
      x: [...s.x],
      y: [...s.y],
      ...(s.text ? { text: [...s.text] } : {}),
    })),
    layout: {
      title: { text: options.title },
      xaxis: { title: { text: options.xTitle }, type: options.logX ? 'log' : 'linear' },
      yaxis: { title: { text: options.yTitle } },
      width: 720,
      height: 420,
    },
  };
}

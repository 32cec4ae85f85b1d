/**
 * `paretonas correlate`'s scatter: one point per candidate at its mean x and mean y (display units
 * of lib/metrics.ts: `MACs (M)`, `accuracy`), hover text naming the candidate and its single values.
 * With repeated evaluations, bars through a candidate's point span its lowest to highest single
 * evaluation on that axis (x repeats: a horizontal bar, y repeats: a vertical one). The single
 * evaluations are not drawn as points: x and y repeats are not paired (a seed of the x run is not
 * that of the y run), so there is no true (x, y) point for one evaluation. The title carries
 * Spearman rho, Kendall tau-b and n (compute first: correlationScatterInfo; render second:
 * correlationScatterFigure).
 */
import { inDisplayUnit, metricHeader } from '../../metrics.js';
import type { CorrelationResult, CorrelationStatistic, Observation } from '../correlation.js';
import type { Figure } from './figure.js';

/** Single values listed in a hover text; more are counted. */
const HOVER_VALUES = 8;

export interface CorrelationScatterInfo {
  title: string;
  xTitle: string;
  yTitle: string;
  /**
   * Per-candidate means in display units; `xRange`/`yRange`: the lowest and highest single
   * evaluation of that metric (null with one value).
   */
  means: { key: string; x: number; y: number; text: string; xRange: [number, number] | null; yRange: [number, number] | null }[];
  /** Whether any candidate has repeats (then the figure draws range bars and a legend saying what they are). */
  ranged: boolean;
  /** The legend entry of the points: what a point and a bar are. */
  legend: string;
}

/** A statistic for a title: `0.912 [0.71, 0.98]`, or `undefined` (constant input). */
function titleValue(s: CorrelationStatistic): string {
  if (Number.isNaN(s.value)) return 'undefined';
  const ci = s.ci.every(Number.isFinite) ? ` [${s.ci[0].toFixed(2)}, ${s.ci[1].toFixed(2)}]` : '';
  return `${s.value.toFixed(3)}${ci}`;
}

const range = (values: readonly number[]): [number, number] | null => (values.length > 1 ? [Math.min(...values), Math.max(...values)] : null);

/** `3 accuracy values: 0.7, 0.72, 0.71` in display units (at most HOVER_VALUES listed). */
function valuesText(name: string, values: readonly number[]): string {
  const shown = values.slice(0, HOVER_VALUES).map((v) => Number(v.toPrecision(4)).toString());
  const more = values.length > HOVER_VALUES ? `, ... (${values.length - HOVER_VALUES} more)` : '';
  return `${values.length} ${name} value${values.length === 1 ? '' : 's'}: ${shown.join(', ')}${more}`;
}

/** The scatter's data: means and their ranges in display units, axis titles with units, and the statistics in the title. */
export function correlationScatterInfo(result: CorrelationResult, observations: readonly Observation[]): CorrelationScatterInfo {
  const ranged = result.means.some((m) => m.xCount > 1 || m.yCount > 1);
  const axis = (name: string) => `${metricHeader(name)}${ranged ? ', mean per candidate' : ''}`;
  const byKey = new Map(observations.map((o) => [o.key, o]));
  const [xLabel, yLabel] = result.x === result.y ? [`${result.x} (x)`, `${result.y} (y)`] : [result.x, result.y];
  const level = `${Math.round(result.confidence * 100)} %`;
  return {
    title: `${result.y} against ${result.x}: Spearman rho ${titleValue(result.spearman)}, Kendall tau-b ${titleValue(result.kendall)}, n = ${result.n} (${level} bootstrap intervals)`,
    xTitle: axis(result.x),
    yTitle: axis(result.y),
    means: result.means.map((m) => {
      const o = byKey.get(m.key);
      const xs = (o?.x ?? [m.x]).map((v) => inDisplayUnit(result.x, v));
      const ys = (o?.y ?? [m.y]).map((v) => inDisplayUnit(result.y, v));
      return { key: m.key, x: inDisplayUnit(result.x, m.x), y: inDisplayUnit(result.y, m.y), text: `${m.key}<br>${valuesText(xLabel, xs)}<br>${valuesText(yLabel, ys)}`, xRange: range(xs), yRange: range(ys) };
    }),
    ranged,
    legend: ranged ? 'candidate means; bars: lowest to highest single evaluation (x and y repeats are not paired)' : 'candidates',
  };
}

/** A plotly error-bar spec from the means to their ranges (nothing for an axis without repeats). */
function bars(means: CorrelationScatterInfo['means'], axis: 'x' | 'y'): Record<string, unknown> | undefined {
  const key = axis === 'x' ? 'xRange' : 'yRange';
  if (!means.some((m) => m[key])) return undefined;
  return { type: 'data', symmetric: false, array: means.map((m) => (m[key] ? (m[key] as [number, number])[1] - m[axis] : 0)), arrayminus: means.map((m) => (m[key] ? m[axis] - (m[key] as [number, number])[0] : 0)), color: '#999', thickness: 1, width: 3 };
}

/** The plotly figure of a CorrelationScatterInfo. */
export function correlationScatterFigure(info: CorrelationScatterInfo): Figure {
  const errorX = bars(info.means, 'x');
  const errorY = bars(info.means, 'y');
  const trace: Record<string, unknown> = { type: 'scatter', mode: 'markers', name: info.legend, x: info.means.map((p) => p.x), y: info.means.map((p) => p.y), text: info.means.map((p) => p.text), marker: { size: 8 }, hovertemplate: '%{text}<br>mean x %{x}<br>mean y %{y}<extra></extra>' };
  if (errorX) trace.error_x = errorX;
  if (errorY) trace.error_y = errorY;
  return {
    data: [trace],
    layout: {
      title: { text: info.title, font: { size: 13 } },
      xaxis: { title: { text: info.xTitle } },
      yaxis: { title: { text: info.yTitle } },
      showlegend: info.ranged,
      legend: { orientation: 'h', y: -0.2 },
      width: 760,
      height: 500,
    },
  };
}

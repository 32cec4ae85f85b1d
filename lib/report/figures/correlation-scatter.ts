/**
 * `paretonas correlate`'s scatter: one point per candidate at its mean x and mean y (display units
 * of lib/metrics.ts: `MACs (M)`, `accuracy`), hover text naming the candidate and how many values
 * each mean holds; with repeated evaluations every single value is drawn too, fainter. The title
 * carries Spearman rho, Kendall tau-b and n (compute first: correlationScatterInfo; render second:
 * correlationScatterFigure).
 */
import { inDisplayUnit, metricHeader } from '../../metrics.js';
import type { CorrelationResult, CorrelationStatistic, Observation } from '../correlation.js';
import type { Figure } from './figure.js';

export interface CorrelationScatterInfo {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Per-candidate means in display units. */
  means: { key: string; x: number; y: number; text: string }[];
  /** Every single (x mean, y value) and (x value, y mean) of repeated evaluations, in display units; empty without repeats. */
  repeats: { x: number; y: number }[];
}

/** A statistic for a title: `0.912 [0.71, 0.98]`, or `undefined` (constant input). */
function titleValue(s: CorrelationStatistic): string {
  if (Number.isNaN(s.value)) return 'undefined';
  const ci = s.ci.every(Number.isFinite) ? ` [${s.ci[0].toFixed(2)}, ${s.ci[1].toFixed(2)}]` : '';
  return `${s.value.toFixed(3)}${ci}`;
}

/** The scatter's data: means and repeats in display units, axis titles with units, and the statistics in the title. */
export function correlationScatterInfo(result: CorrelationResult, observations: readonly Observation[]): CorrelationScatterInfo {
  const repeated = result.means.some((m) => m.xCount > 1 || m.yCount > 1);
  const axis = (name: string) => `${metricHeader(name)}${repeated ? ', mean per candidate' : ''}`;
  const shown = new Set(result.means.map((m) => m.key));
  const meanOf = new Map(result.means.map((m) => [m.key, m]));
  const repeats: { x: number; y: number }[] = [];
  if (repeated) {
    for (const o of observations) {
      const m = meanOf.get(o.key);
      if (!m || !shown.has(o.key)) continue;
      if (o.y.length > 1) for (const y of o.y) repeats.push({ x: inDisplayUnit(result.x, m.x), y: inDisplayUnit(result.y, y) });
      if (o.x.length > 1) for (const x of o.x) repeats.push({ x: inDisplayUnit(result.x, x), y: inDisplayUnit(result.y, m.y) });
    }
  }
  const level = `${Math.round(result.confidence * 100)} %`;
  return {
    title: `${result.y} against ${result.x}: Spearman rho ${titleValue(result.spearman)}, Kendall tau-b ${titleValue(result.kendall)}, n = ${result.n} (${level} bootstrap intervals)`,
    xTitle: axis(result.x),
    yTitle: axis(result.y),
    means: result.means.map((m) => ({ key: m.key, x: inDisplayUnit(result.x, m.x), y: inDisplayUnit(result.y, m.y), text: `${m.key}<br>${m.xCount} ${result.x} value${m.xCount === 1 ? '' : 's'}, ${m.yCount} ${result.y} value${m.yCount === 1 ? '' : 's'}` })),
    repeats,
  };
}

/** The plotly figure of a CorrelationScatterInfo. */
export function correlationScatterFigure(info: CorrelationScatterInfo): Figure {
  const data: Record<string, unknown>[] = [];
  if (info.repeats.length) {
    data.push({ type: 'scatter', mode: 'markers', name: 'single evaluations', x: info.repeats.map((p) => p.x), y: info.repeats.map((p) => p.y), marker: { size: 5, opacity: 0.35, color: '#888' }, hoverinfo: 'x+y' });
  }
  data.push({ type: 'scatter', mode: 'markers', name: info.repeats.length ? 'candidate means' : 'candidates', x: info.means.map((p) => p.x), y: info.means.map((p) => p.y), text: info.means.map((p) => p.text), marker: { size: 8 }, hovertemplate: '%{text}<br>x %{x}<br>y %{y}<extra></extra>' });
  return {
    data,
    layout: {
      title: { text: info.title, font: { size: 13 } },
      xaxis: { title: { text: info.xTitle } },
      yaxis: { title: { text: info.yTitle } },
      showlegend: info.repeats.length > 0,
      width: 760,
      height: 480,
    },
  };
}

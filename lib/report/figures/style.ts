/**
 * What the figures share: colours, the limit line's colour, how a metric is shown on an axis
 * (the metrics table's scale and `label (unit)`) and which way it is better.
 */
import type { RunState } from '../../campaign/state.js';
import { METRICS, metricHeader, metricInfo } from '../../metrics.js';
import type { Direction } from '../../pareto/objectives.js';

/** Colours of the figures (plotly's defaults, in plotly's order). */
export const COLORS = ['#636efa', '#ef553b', '#00cc96', '#ab63fa', '#ffa15a', '#19d3f3', '#ff6692', '#b6e880', '#ff97ff', '#fecb52'] as const;

/** The paper's purple limit line. */
export const LIMIT_COLOR = 'purple';

/** The i-th colour, cycling. */
export const color = (i: number): string => COLORS[i % COLORS.length] as string;

/** A finite number, else null. */
export const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Rejection reasons of a limit (the metrics table's): their details carry the metric over it, and sometimes others. */
export const LIMIT_REASONS: ReadonlySet<string> = new Set<string>(METRICS.flatMap((m) => (m.reason ? [m.reason] : [])));

/** How a metric is shown on an axis: the metrics table's scale and `label (unit)`; an evaluator's own metric as recorded, under its name. */
export function metricAxis(name: string, config?: Pick<RunState['config'], 'latencyModel'>): { scale: number; title: string } {
  // Latency says how it was told: an estimate (predictor, Cortex-M) is never drawn as a measurement.
  if (name === 'latencyMs' && config?.latencyModel !== undefined) {
    const how = config.latencyModel === 'measured' ? 'measured' : config.latencyModel === 'cortex-m' ? 'Cortex-M estimate' : 'predicted';
    return { scale: metricInfo(name).scale, title: `latency, ${how} (ms)` };
  }
  return { scale: metricInfo(name).scale, title: metricHeader(name) };
}

/** A metric's direction: the run's objective's when it is one, else the metrics table's (an unknown name: max for accuracy-like names, min otherwise). */
export function metricDirection(state: RunState, name: string): Direction {
  const o = state.config.objectives.find((x) => x.name === name);
  if (o) return o.direction;
  if (METRICS.some((m) => m.name === name)) return metricInfo(name).direction;
  return /accuracy|naswot|^acc/i.test(name) ? 'max' : 'min';
}

/**
 * Whether a metric's axis should never reach below 0 (plotly `rangemode: 'nonnegative'`, so a single
 * point is not drawn on an axis from -0.5): the metrics table's resource metrics (those with a hard
 * limit: MACs, params, flash, peak SRAM, latency: counts, bytes and times), else when every value
 * plotted is ≥ 0 (an evaluator's own metric by its values' sign; none plotted: true).
 */
export function nonNegativeMetric(name: string, values: readonly number[]): boolean {
  if (METRICS.some((m) => m.name === name && m.reason !== undefined)) return true;
  return values.every((v) => !(v < 0));
}

/** The arrow an axis title ends with: ↑ when larger is better, ↓ when smaller is. */
export const arrow = (direction: Direction): string => (direction === 'max' ? '↑' : '↓');

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

/** The arrow an axis title ends with: ↑ when larger is better, ↓ when smaller is. */
export const arrow = (direction: Direction): string => (direction === 'max' ? '↑' : '↓');

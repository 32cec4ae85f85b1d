/**
 * A run's evaluated candidates in two metrics with its Pareto front: {@link paretoScatterInfo}
 * computes the points (display units of the metrics table: MACs in M, bytes in KiB), which are on
 * the front and which proposals were rejected for a limit; {@link paretoScatterFigure} draws them.
 * Every trace carries the proposal indices as plotly `customdata` (a click can open that trial).
 */
import type { CampaignRecord } from '../../campaign/records.js';
import type { RunState } from '../../campaign/state.js';
import type { Direction } from '../../pareto/objectives.js';
import type { Figure } from './figure.js';
import { frontPositions, plottedCandidates, type ScatterOptions } from './pareto-points.js';
import { arrow, color, finite, LIMIT_REASONS, metricAxis, metricDirection, nonNegativeMetric } from './style.js';

export type { ScatterOptions } from './pareto-points.js';

export interface Scatter2dOptions extends ScatterOptions {
  /** The run's records: proposals rejected for a limit (MACs, SRAM, flash, latency, ...) whose rejection details carry both metrics are drawn too. */
  records?: readonly CampaignRecord[];
}

/** One plotted metric: its name, axis title with unit, the divisor from natural to display units, and which way is better. */
export interface ScatterAxis {
  metric: string;
  title: string;
  scale: number;
  direction: Direction;
  /** The metric cannot be negative (see nonNegativeMetric): the axis starts at 0 or above. */
  nonNegative: boolean;
}

/** One evaluated candidate, in display units (natural value / axis scale). */
export interface ScatterPoint {
  /** Proposal index. */
  index: number;
  key: string;
  x: number;
  y: number;
  /** False when it violated a limit of the run. */
  feasible: boolean;
  onFront: boolean;
}

/** A proposal rejected for a limit whose rejection details carry both metrics (display units). */
export interface RejectedPoint {
  index: number;
  reason: string;
  x: number;
  y: number;
}

export interface ParetoScatterInfo {
  proposer: string;
  x: ScatterAxis;
  y: ScatterAxis;
  /** Which front: the run's own ('run') or the non-dominated feasible points in these two metrics ('metrics'). */
  frontMode: 'metrics' | 'run';
  /** Every evaluated candidate with both metrics, in evaluation order. */
  points: ScatterPoint[];
  /** The front members, sorted by x then y. */
  front: ScatterPoint[];
  /** Whether the front is drawn as a line: it is computed in these two, or they are all the run's objectives (a projection of a larger front is drawn as points). */
  joined: boolean;
  /** Rejected-for-a-limit proposals with both metrics in their details; [] when no records were given. */
  rejected: RejectedPoint[];
  /** Opacity of the dominated points. */
  dominatedOpacity: number;
  title: string;
}

/** The data of {@link paretoScatterFigure}: every evaluated candidate of `state` in metrics `x` and `y`, its front, and (given `records`) the proposals rejected for a limit. */
export function paretoScatterInfo(state: RunState, x: string, y: string, options: Scatter2dOptions = {}): ParetoScatterInfo {
  const ax = metricAxis(x, state.config);
  const ay = metricAxis(y, state.config);
  const candidates = plottedCandidates(state, [x, y]);
  const frontMode = options.front ?? 'run';
  const onFront = frontPositions(state, candidates, [x, y], frontMode, options.directions);
  const points = candidates.map((c, i): ScatterPoint => ({ index: c.index, key: c.key, x: (c.values[0] as number) / ax.scale, y: (c.values[1] as number) / ay.scale, feasible: c.feasible, onFront: onFront.has(i) }));
  const front = points.filter((p) => p.onFront).sort((a, b) => a.x - b.x || a.y - b.y);
  const rejected: RejectedPoint[] = [];
  for (const r of options.records ?? []) {
    if (r.type !== 'rejection' || !LIMIT_REASONS.has(String(r.reason))) continue;
    const d = (r.details ?? {}) as Record<string, unknown>;
    const vx = finite(d[x]);
    const vy = finite(d[y]);
    if (vx === null || vy === null) continue;
    rejected.push({ index: r.index as number, reason: String(r.reason), x: vx / ax.scale, y: vy / ay.scale });
  }
  const objectives = state.config.objectives.map((o) => o.name);
  const joined = frontMode === 'metrics' || (objectives.length === 2 && objectives.includes(x) && objectives.includes(y));
  const title = options.title ?? `${state.config.proposer}: ${ay.title} against ${ax.title} (${frontMode === 'run' ? "the run's front" : 'front in these two'}: ${front.length})`;
  return {
    proposer: state.config.proposer,
    x: { metric: x, ...ax, direction: metricDirection(state, x), nonNegative: nonNegativeMetric(x, [...points.map((p) => p.x), ...rejected.map((r) => r.x)]) },
    y: { metric: y, ...ay, direction: metricDirection(state, y), nonNegative: nonNegativeMetric(y, [...points.map((p) => p.y), ...rejected.map((r) => r.y)]) },
    frontMode,
    points,
    front,
    joined,
    rejected,
    dominatedOpacity: options.dominatedOpacity ?? 0.3,
    title,
  };
}

/**
 * Feasible points with the dominated ones faded, infeasible ones (a limit violated) as x symbols,
 * rejected-for-a-limit proposals as open diamonds, and the front on top (joined by a line when
 * `info.joined`). Axis titles carry units and ↑/↓ for the better direction.
 */
export function paretoScatterFigure(info: ParetoScatterInfo): Figure {
  const feasible = info.points.filter((p) => p.feasible);
  const infeasible = info.points.filter((p) => !p.feasible);
  const xy = (ps: readonly { index: number; x: number; y: number }[]) => ({ x: ps.map((p) => p.x), y: ps.map((p) => p.y), customdata: ps.map((p) => p.index) });
  const label = (ps: readonly ScatterPoint[]) => ps.map((p) => `#${p.index}`);
  const data: Record<string, unknown>[] = [
    { type: 'scatter', mode: 'markers', name: 'evaluated', ...xy(feasible), text: label(feasible), marker: { color: color(0), size: 8, opacity: feasible.map((p) => (p.onFront ? 1 : info.dominatedOpacity)) } },
  ];
  if (infeasible.length > 0) {
    data.push({ type: 'scatter', mode: 'markers', name: 'infeasible (limits)', ...xy(infeasible), text: label(infeasible), marker: { color: color(1), symbol: 'x', size: 9 } });
  }
  if (info.rejected.length > 0) {
    data.push({ type: 'scatter', mode: 'markers', name: 'rejected (limits)', ...xy(info.rejected), text: info.rejected.map((r) => `#${r.index} rejected (${r.reason})`), marker: { color: color(1), symbol: 'diamond-open', size: 9 } });
  }
  data.push({ type: 'scatter', mode: info.joined ? 'lines+markers' : 'markers', name: 'Pareto front', ...xy(info.front), text: label(info.front), line: { color: color(2), width: 2 }, marker: { color: color(2), size: 10 } });
  return {
    data,
    layout: {
      title: { text: info.title },
      xaxis: { title: { text: `${info.x.title} ${arrow(info.x.direction)}` }, ...(info.x.nonNegative ? { rangemode: 'nonnegative' } : {}), automargin: true },
      yaxis: { title: { text: `${info.y.title} ${arrow(info.y.direction)}` }, ...(info.y.nonNegative ? { rangemode: 'nonnegative' } : {}), automargin: true },
      width: 760,
      height: 480,
    },
  };
}

/** The same figure in one call: `paretoScatterFigure(paretoScatterInfo(state, xMetric, yMetric, options))` (the name notebooks and lib/index.ts use). */
export function paretoScatter2d(state: RunState, xMetric: string, yMetric: string, options: Scatter2dOptions = {}): Figure {
  return paretoScatterFigure(paretoScatterInfo(state, xMetric, yMetric, options));
}

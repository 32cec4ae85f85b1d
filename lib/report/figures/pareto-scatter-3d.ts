/**
 * A run's evaluated candidates in three metrics (scatter3d, display units of the metrics table):
 * {@link paretoScatter3dInfo} computes the points and the front (by default the run's own),
 * {@link paretoScatter3dFigure} draws the rest small and faded and the front highlighted. Every
 * trace carries the proposal indices as plotly `customdata`.
 */
import type { RunState } from '../../campaign/state.js';
import type { Figure } from './figure.js';
import { frontPositions, plottedCandidates, type ScatterOptions } from './pareto-points.js';
import type { ScatterAxis } from './pareto-scatter.js';
import { arrow, color, metricAxis, metricDirection, nonNegativeMetric } from './style.js';

/** One evaluated candidate in the three metrics, display units. */
export interface Scatter3dPoint {
  /** Proposal index. */
  index: number;
  key: string;
  values: [number, number, number];
  feasible: boolean;
  onFront: boolean;
}

export interface ParetoScatter3dInfo {
  axes: [ScatterAxis, ScatterAxis, ScatterAxis];
  frontMode: 'metrics' | 'run';
  /** Every evaluated candidate with the three metrics, in evaluation order. */
  points: Scatter3dPoint[];
  dominatedOpacity: number;
  title: string;
}

/** The data of {@link paretoScatter3dFigure}: every evaluated candidate of `state` in `metrics` and which are on the front. */
export function paretoScatter3dInfo(state: RunState, metrics: readonly [string, string, string], options: ScatterOptions = {}): ParetoScatter3dInfo {
  const candidates = plottedCandidates(state, metrics);
  const axes = metrics.map((m, j) => ({ metric: m, ...metricAxis(m, state.config), direction: metricDirection(state, m), nonNegative: nonNegativeMetric(m, candidates.map((c) => c.values[j] as number)) })) as [ScatterAxis, ScatterAxis, ScatterAxis];
  const frontMode = options.front ?? 'run';
  const onFront = frontPositions(state, candidates, metrics, frontMode, options.directions);
  const points = candidates.map((c, i): Scatter3dPoint => ({ index: c.index, key: c.key, values: c.values.map((v, j) => v / axes[j]!.scale) as [number, number, number], feasible: c.feasible, onFront: onFront.has(i) }));
  const frontSize = points.filter((p) => p.onFront).length;
  const title = options.title ?? `${state.config.proposer}: ${frontSize} ${frontMode === 'run' ? "members of the run's front" : 'front members in these three'}, ${points.length} evaluated`;
  return { axes, frontMode, points, dominatedOpacity: options.dominatedOpacity ?? 0.3, title };
}

/** Dominated points small and faded (infeasible ones as x), the front members larger on top; axis titles with units and ↑/↓. */
export function paretoScatter3dFigure(info: ParetoScatter3dInfo): Figure {
  const rest = info.points.filter((p) => !p.onFront);
  const front = info.points.filter((p) => p.onFront);
  const trace = (name: string, ps: readonly Scatter3dPoint[], marker: Record<string, unknown>) => ({
    type: 'scatter3d',
    mode: 'markers',
    name,
    x: ps.map((p) => p.values[0]),
    y: ps.map((p) => p.values[1]),
    z: ps.map((p) => p.values[2]),
    text: ps.map((p) => `#${p.index}${p.feasible ? '' : ' (infeasible)'}`),
    customdata: ps.map((p) => p.index),
    marker,
  });
  return {
    data: [
      trace('dominated', rest, { size: 3, color: color(0), opacity: info.dominatedOpacity, symbol: rest.map((p) => (p.feasible ? 'circle' : 'x')) }),
      trace('Pareto front', front, { size: 6, color: color(2), opacity: 1 }),
    ],
    layout: {
      title: { text: info.title },
      // The scene's ticks and axis titles are drawn in WebGL and cut at the scene's box (the plot
      // area): small margins, the legend in the top band, and the camera backed off so the cube's
      // labels fit inside a wide, low image too (the report exports 900 × 520).
      margin: { l: 10, r: 10, t: 70, b: 10 },
      legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1, yanchor: 'bottom' },
      scene: {
        ...Object.fromEntries(['xaxis', 'yaxis', 'zaxis'].map((k, j) => [k, { title: { text: `${info.axes[j]!.title} ${arrow(info.axes[j]!.direction)}` }, ...(info.axes[j]!.nonNegative ? { rangemode: 'nonnegative' } : {}) }])),
        camera: { eye: { x: 1.6, y: 1.6, z: 1.1 }, center: { x: 0, y: 0, z: -0.12 } },
      },
      width: 760,
      height: 600,
    },
  };
}

/** The same figure in one call: `paretoScatter3dFigure(paretoScatter3dInfo(state, metrics, options))` (the name notebooks and lib/index.ts use). */
export function paretoScatter3d(state: RunState, metrics: readonly [string, string, string], options: ScatterOptions = {}): Figure {
  return paretoScatter3dFigure(paretoScatter3dInfo(state, metrics, options));
}

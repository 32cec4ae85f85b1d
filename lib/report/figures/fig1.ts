/**
 * Fig. 1 of the paper: accuracy (%) against MACs (M), marker area proportional to parameters.
 * The data are the points ({@link Fig1Point}: the paper's Table II rows, or a run's front through
 * {@link frontPoints}); {@link fig1} only formats them.
 */
import { primaryObjective } from '../../campaign/config.js';
import type { RunState } from '../../campaign/state.js';
import { TABLE_II_PAPER_ROWS } from '../paper-tables.js';
import type { Figure } from './figure.js';
import { color, finite } from './style.js';

export interface Fig1Point {
  family: string;
  name: string;
  /** Accuracy in %. */
  accuracy: number;
  /** MACs (a count; plotted in millions). */
  macs: number;
  /** Parameters (a count); null or NaN when unknown (drawn as a triangle of fixed size, as XiNet in the paper). */
  params: number | null;
}

/** Marker diameter (px) of the largest model; areas are proportional to parameters. */
const FIG1_MAX_DIAMETER = 44;
const FIG1_UNKNOWN_SIZE = 14;

/**
 * Fig. 1: accuracy (%) against MACs (M), one trace per family (in order of first appearance);
 * marker area proportional to the parameter count (diameter = 44 px × sqrt(params / largest
 * params)), an unknown count drawn as a fixed-size triangle. Parameters (M) ride along as customdata.
 */
export function fig1(points: readonly Fig1Point[], options: { title?: string } = {}): Figure {
  const families = [...new Set(points.map((p) => p.family))];
  const known = points.map((p) => finite(p.params)).filter((v): v is number => v !== null && v > 0);
  const maxParams = known.length ? Math.max(...known) : 1;
  const size = (p: Fig1Point) => {
    const v = finite(p.params);
    return v === null ? FIG1_UNKNOWN_SIZE : FIG1_MAX_DIAMETER * Math.sqrt(Math.max(0, v) / maxParams);
  };
  return {
    data: families.map((family, i) => {
      const ps = points.filter((p) => p.family === family);
      return {
        type: 'scatter',
        mode: 'markers+text',
        name: family,
        x: ps.map((p) => p.macs / 1e6),
        y: ps.map((p) => p.accuracy),
        text: ps.map((p) => p.name),
        textposition: 'top center',
        customdata: ps.map((p) => (finite(p.params) === null ? null : (p.params as number) / 1e6)),
        hovertemplate: '%{text}<br>%{x:.2f} M MACs, %{y:.2f} %<br>%{customdata:.2f} M params<extra></extra>',
        marker: {
          size: ps.map(size),
          symbol: ps.map((p) => (finite(p.params) === null ? 'triangle-up' : 'circle')),
          color: color(i),
          opacity: 0.8,
          line: { width: 1, color: 'white' },
        },
      };
    }),
    layout: {
      title: { text: options.title ?? 'Accuracy against MACs (marker area ∝ parameters)' },
      xaxis: { title: { text: 'MACs (M)' } },
      yaxis: { title: { text: 'Accuracy (%)' } },
      width: 760,
      height: 480,
    },
  };
}

/** Fig. 1's points as the paper prints them (Table II): families MCUNet, XiNet and Ours. */
export function fig1PaperPoints(): Fig1Point[] {
  return TABLE_II_PAPER_ROWS.map((r) => ({
    family: r.model.startsWith('MCUNet') ? 'MCUNet' : r.model.startsWith('XiNet') ? 'XiNet' : 'Ours (paper)',
    name: r.model,
    accuracy: r.accuracy as number,
    macs: r.macs,
    params: r.params ?? null,
  }));
}

/**
 * Fig. 1 points from a run's front: every feasible front member that has the accuracy metric
 * (`accuracy` when recorded, else the primary objective), named `#index`. `accuracyScale`
 * converts to % (default 100 when every value is at most 1, else 1).
 */
export function frontPoints(state: RunState, family: string, options: { metric?: string; accuracyScale?: number } = {}): Fig1Point[] {
  const metric = options.metric ?? (state.evaluations.some((e) => finite(e.metrics.accuracy) !== null) ? 'accuracy' : primaryObjective(state.config.objectives).name);
  const members = state.front.front().filter((e) => state.front.violation(e.id) === 0 && finite(e.values[metric]) !== null);
  const scale = options.accuracyScale ?? (members.every((e) => Math.abs(e.values[metric] as number) <= 1) ? 100 : 1);
  return members.map((e) => ({
    family,
    name: `#${e.data?.index ?? '?'}`,
    accuracy: (e.values[metric] as number) * scale,
    macs: e.values.macs ?? NaN,
    params: finite(e.values.params),
  }));
}

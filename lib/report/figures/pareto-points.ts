/**
 * The points of a run's scatter plots (2-D and 3-D): every evaluated candidate that has all the
 * plotted metrics, whether it is feasible (no limit violated) and whether it is on the front.
 */
import type { RunState } from '../../campaign/state.js';
import type { Direction } from '../../pareto/objectives.js';
import { toMinimization } from '../../pareto/objectives.js';
import { paretoFront } from '../../pareto/sort.js';
import { finite, metricDirection } from './style.js';

/** Options shared by the 2-D and 3-D scatter plots. */
export interface ScatterOptions {
  /** 'run' (default): the run's own front (the replayed state's, over all its objectives and limits); 'metrics': non-dominated among feasible points in the plotted metrics only. */
  front?: 'metrics' | 'run';
  /** Directions of the plotted metrics; default the run's objectives', else max for accuracy-like names. */
  directions?: readonly Direction[];
  /** Opacity of dominated points (default 0.3). */
  dominatedOpacity?: number;
  title?: string;
}

/** One evaluated candidate in the plotted metrics (natural units, in the order of the metrics). */
export interface PlottedCandidate {
  /** Proposal index. */
  index: number;
  key: string;
  values: number[];
  /** False when the evaluation violated a limit of the run. */
  feasible: boolean;
}

/** Every evaluation (in record order) with a finite value for each of `metrics`. */
export function plottedCandidates(state: RunState, metrics: readonly string[]): PlottedCandidate[] {
  const out: PlottedCandidate[] = [];
  for (const e of state.evaluations) {
    const values = metrics.map((m) => finite(e.metrics[m]));
    if (values.some((v) => v === null)) continue;
    const o = state.outcomes[e.index];
    out.push({ index: e.index, key: e.key, values: values as number[], feasible: !(o?.kind === 'evaluated' && o.violation > 0) });
  }
  return out;
}

/**
 * Positions (into `points`) of the front members: with 'run' the run's own front, with 'metrics'
 * the non-dominated feasible points in the plotted metrics under `directions` (default each
 * metric's {@link metricDirection}).
 */
export function frontPositions(state: RunState, points: readonly PlottedCandidate[], metrics: readonly string[], front: 'metrics' | 'run', directions?: readonly Direction[]): Set<number> {
  if (front === 'run') return new Set(points.flatMap((p, i) => (state.front.has(p.key) ? [i] : [])));
  const dirs = directions ?? metrics.map((m) => metricDirection(state, m));
  const objectives = dirs.map((direction, j) => ({ name: String(j), direction }));
  const feasible = points.flatMap((p, i) => (p.feasible ? [i] : []));
  const nd = paretoFront(feasible.map((i) => toMinimization((points[i] as PlottedCandidate).values, objectives)));
  return new Set(nd.map((k) => feasible[k] as number));
}

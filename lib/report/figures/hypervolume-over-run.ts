/**
 * Hypervolume and front size after each evaluation of a run: {@link hypervolumeOverRunInfo}
 * computes the series (normalised objectives, one reference for the whole run),
 * {@link hypervolumeOverRunFigure} draws hypervolume on the left axis and front size on the right.
 */
import type { CampaignRecord } from '../../campaign/records.js';
import { replayRecords, type RunState } from '../../campaign/state.js';
import { ParetoFront } from '../../pareto/front.js';
import { HypervolumeTracker } from '../../pareto/hv/incremental.js';
import { normalizePoints } from '../../pareto/hypervolume.js';
import { toMinimization } from '../../pareto/objectives.js';
import type { Figure } from './figure.js';
import { color } from './style.js';

export interface HypervolumeSeries {
  /** Proposal index of each evaluation. */
  proposal: number[];
  /** The run's front size after each evaluation (constrained domination, as the campaign keeps it). */
  frontSize: number[];
  /** Hypervolume of the feasible front members after each evaluation, in normalised objectives. */
  hypervolume: number[];
  /** Per objective, minimisation form: the whole run's best and worst values (the normalisation bounds). */
  ideal: number[];
  nadir: number[];
  /** The reference point in normalised objectives (1.1 in each: the worst value plus 10 % of the range). */
  reference: number[];
}

/**
 * The front size and hypervolume after each evaluation of a run. Objectives in minimisation form
 * are normalised by the whole run's per-objective best (0) and worst (1) over every evaluated
 * point (an objective with a zero range maps to 0), and every step is measured against the same
 * reference, 1.1 per objective; only feasible front members count toward the hypervolume.
 */
export function hypervolumeOverRunInfo(source: RunState | readonly CampaignRecord[]): HypervolumeSeries {
  const state = Array.isArray(source) ? replayRecords(source as readonly CampaignRecord[]) : (source as RunState);
  const objectives = state.config.objectives;
  const m = objectives.length;
  const minForm = (metrics: Readonly<Record<string, number>>) => toMinimization(objectives.map((o) => metrics[o.name] as number), objectives);
  const all = state.evaluations.map((e) => minForm(e.metrics));
  const finite = all.filter((p) => p.every((v) => Number.isFinite(v)));
  const ideal = Array.from({ length: m }, (_, j) => (finite.length ? Math.min(...finite.map((p) => p[j] as number)) : 0));
  const nadir = Array.from({ length: m }, (_, j) => (finite.length ? Math.max(...finite.map((p) => p[j] as number)) : 1));
  const reference = new Array<number>(m).fill(1.1);
  const front = new ParetoFront<{ index: number }>(objectives, state.config.limits);
  const out: HypervolumeSeries = { proposal: [], frontSize: [], hypervolume: [], ideal, nadir, reference };
  // The feasible front members' hypervolume equals that of every feasible point so far (a feasible point
  // leaves the front only for a feasible point that dominates it), so it grows one point at a time.
  const tracker = new HypervolumeTracker(reference);
  for (const e of state.evaluations) {
    front.insert({ id: e.key, values: e.metrics, data: { index: e.index } });
    if (front.violation(e.key) === 0) {
      const p = minForm(e.metrics);
      if (p.every((v) => !Number.isNaN(v))) tracker.add(normalizePoints([p], ideal, nadir)[0] as number[]);
    }
    out.proposal.push(e.index);
    out.frontSize.push(front.size);
    out.hypervolume.push(tracker.value);
  }
  return out;
}

/** The same function under its earlier name (tests, notebooks and the dashboard call it so). */
export const hypervolumeSeries = hypervolumeOverRunInfo;

/** Hypervolume (left axis, normalised objectives) and front size (right axis, candidates) after each evaluation, against the proposal index. */
export function hypervolumeOverRunFigure(s: HypervolumeSeries): Figure {
  const last = s.proposal.length ? (s.proposal[s.proposal.length - 1] as number) : 0;
  return {
    data: [
      { type: 'scatter', mode: 'lines+markers', name: 'hypervolume (normalised)', x: s.proposal, y: s.hypervolume, customdata: s.proposal, line: { shape: 'hv', color: color(0) } },
      { type: 'scatter', mode: 'lines', name: 'front size', x: s.proposal, y: s.frontSize, customdata: s.proposal, yaxis: 'y2', line: { shape: 'hv', dash: 'dot', color: color(1) } },
    ],
    layout: {
      title: { text: 'Hypervolume and front size over the run' },
      xaxis: { title: { text: 'proposal (index)' }, type: 'linear', range: [0, Math.max(last, 1)], automargin: true },
      yaxis: { title: { text: `hypervolume (normalised objectives, reference ${s.reference.join(', ')})` }, rangemode: 'tozero', automargin: true },
      yaxis2: { title: { text: 'front size (candidates)' }, overlaying: 'y', side: 'right', rangemode: 'tozero', automargin: true },
      legend: { x: 0, y: 1.15, orientation: 'h' },
      width: 760,
      height: 420,
    },
  };
}

/** The same figure in one call: `hypervolumeOverRunFigure(hypervolumeOverRunInfo(source))` (the name notebooks and lib/index.ts use). */
export function hypervolumeOverRun(source: RunState | readonly CampaignRecord[]): Figure {
  return hypervolumeOverRunFigure(hypervolumeOverRunInfo(source));
}

/**
 * `paretonas compare --group-by F --html FILE`'s figure: for each group of runs (runs differing only
 * in the seed, lib/report/compare-groups.ts), every run's hypervolume as a point (hover: run and
 * seed), and beside them the group's mean with a ± one sample sd (n - 1) bar. The hypervolume is
 * measured against the comparison's ONE common reference point, in the product of the objectives'
 * recorded units (counts, bytes and ms as recorded, not the tables' M or KiB): the y axis and the
 * title say so, as `compare`'s text output does. Compute first (groupHypervolumeInfo), render
 * second (groupHypervolumeFigure).
 */
import type { Objective } from '../../pareto/objectives.js';
import { metricInfo } from '../../metrics.js';
import type { GroupComparison } from '../compare-groups.js';
import { formatPoint } from '../compare.js';
import type { Figure } from './figure.js';

export interface GroupHypervolumePoint {
  /** The run directory as given. */
  run: string;
  seed: number;
  /** Hypervolume against the common reference point (product of the objectives' recorded units). */
  hypervolume: number;
}

export interface GroupHypervolumeInfo {
  title: string;
  /** Axis title: `hypervolume (accuracy × MACs, recorded units)`. */
  yTitle: string;
  /** One line under the title: the common reference point and where it came from. */
  reference: string;
  groups: { name: string; points: GroupHypervolumePoint[]; mean: number | null; sd: number | null }[];
}

/**
 * The figure's data: per group its runs' hypervolumes (with run and seed), mean and sample sd;
 * axis and title texts with the units and the reference point. A group whose runs have no
 * hypervolume has no points (and a null mean). `objectives` are the comparison's
 * (`Comparison['objectives']`): the units and the reference point's names come from them.
 */
export function groupHypervolumeInfo(grouped: GroupComparison, objectives: readonly Objective[]): GroupHypervolumeInfo {
  const units = objectives.map((o) => metricInfo(o.name, o.direction).label).join(' × ');
  const ref = grouped.reference;
  const reference = ref
    ? `reference point ${formatPoint(objectives, ref.point)} (${ref.source === 'given' ? 'given with --ref' : 'the worst evaluated value of any run plus 10 % of the range'}), the same for every run`
    : 'no hypervolume: no common reference point';
  return {
    title: `Hypervolume per run, grouped by ${grouped.groupBy}: points are runs (seeds), bars the group mean ± sample sd (n - 1)`,
    yTitle: `hypervolume (${units}, recorded units)`,
    reference,
    groups: grouped.groups.map((g) => {
      // values are the runs' non-null hypervolumes in run order; with every run measured they pair with runs and seeds
      const paired = g.hypervolume.values.length === g.runs.length;
      return {
        name: g.name,
        points: g.hypervolume.values.map((hypervolume, i) => ({ run: paired ? (g.runs[i] as string) : `run ${i + 1}`, seed: paired ? (g.seeds[i] as number) : NaN, hypervolume })),
        mean: g.hypervolume.mean,
        sd: g.hypervolume.sd,
      };
    }),
  };
}

/**
 * The plotly figure of a GroupHypervolumeInfo: groups at x = 0, 1, ... (tick labels their names),
 * the runs' points just left of the tick, the mean with its ± sd error bar just right (no bar
 * for a group of one run: no spread to estimate).
 */
export function groupHypervolumeFigure(info: GroupHypervolumeInfo): Figure {
  const points = info.groups.flatMap((g, i) => g.points.map((p) => ({ x: i - 0.12, y: p.hypervolume, text: `${g.name}<br>${p.run}${Number.isNaN(p.seed) ? '' : `, seed ${p.seed}`}` })));
  const means = info.groups.flatMap((g, i) => (g.mean === null ? [] : [{ x: i + 0.12, y: g.mean, sd: g.sd ?? 0, text: `${g.name}<br>mean of ${g.points.length} run${g.points.length === 1 ? '' : 's'}${g.sd === null ? ' (one run: no sd)' : `, sd ${Number(g.sd.toPrecision(4))}`}` }]));
  return {
    data: [
      { type: 'scatter', mode: 'markers', name: 'runs', x: points.map((p) => p.x), y: points.map((p) => p.y), text: points.map((p) => p.text), marker: { size: 9, opacity: 0.8 }, hovertemplate: '%{text}<br>hypervolume %{y}<extra></extra>' },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'mean ± sd',
        x: means.map((m) => m.x),
        y: means.map((m) => m.y),
        text: means.map((m) => m.text),
        marker: { size: 14, symbol: 'line-ew-open', line: { width: 3 } },
        error_y: { type: 'data', array: means.map((m) => m.sd), visible: true, width: 8 },
        hovertemplate: '%{text}<br>mean %{y}<extra></extra>',
      },
    ],
    layout: {
      title: { text: `${info.title}<br><sub>${info.reference}</sub>`, font: { size: 13 } },
      xaxis: { title: { text: 'group' }, tickvals: info.groups.map((_, i) => i), ticktext: info.groups.map((g) => g.name), range: [-0.6, Math.max(0, info.groups.length - 1) + 0.6], zeroline: false },
      yaxis: { title: { text: info.yTitle } },
      showlegend: true,
      width: 860,
      height: 500,
    },
  };
}

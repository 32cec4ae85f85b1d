/**
 * The paper's figures and the run figures beside them, as plotly specs ({@link Figure}: data and
 * layout, nothing rendered). Every builder is a pure function of records, run states or cost
 * reports; the series behind the run figures are exported too (`hypervolumeSeries`,
 * `rejectionSeries`) so that tests and notebooks read the numbers rather than the traces.
 */
import { primaryObjective } from '../campaign/config.js';
import type { CampaignRecord } from '../campaign/records.js';
import { replayRecords, type EvaluatedCandidate, type RunState } from '../campaign/state.js';
import type { CostReport } from '../cost/estimate.js';
import { InputError } from '../errors.js';
import { OPS } from '../graph/ops/index.js';
import { ParetoFront } from '../pareto/front.js';
import { HypervolumeTracker } from '../pareto/hv/incremental.js';
import { normalizePoints } from '../pareto/hypervolume.js';
import type { Direction } from '../pareto/objectives.js';
import { toMinimization } from '../pareto/objectives.js';
import { paretoFront } from '../pareto/sort.js';
import { REJECTION_REASONS, type RejectionReason } from '../propose/types.js';
import { formatMetric, inDisplayUnit, METRICS, metricHeader, metricInfo } from '../metrics.js';
import type { Figure } from './figures.js';
import { TABLE_II_PAPER_ROWS } from './paper-tables.js';
import { referenceRows } from './reference.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Rejection reasons of a limit (the metrics table's): their details carry the metric over it, and sometimes others. */
const LIMIT_REASONS = new Set<string>(METRICS.flatMap((m) => (m.reason ? [m.reason] : [])));

/** Colours of the figures (plotly's defaults, then the paper's purple limit line). */
const COLORS = ['#636efa', '#ef553b', '#00cc96', '#ab63fa', '#ffa15a', '#19d3f3', '#ff6692', '#b6e880', '#ff97ff', '#fecb52'];
const LIMIT_COLOR = 'purple';

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

// ---------------------------------------------------------------------------------------------------
// Fig. 1: accuracy against MACs, marker size by parameters

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
  const known = points.map((p) => num(p.params)).filter((v): v is number => v !== null && v > 0);
  const maxParams = known.length ? Math.max(...known) : 1;
  const size = (p: Fig1Point) => {
    const v = num(p.params);
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
        customdata: ps.map((p) => (num(p.params) === null ? null : (p.params as number) / 1e6)),
        hovertemplate: '%{text}<br>%{x:.2f} M MACs, %{y:.2f} %<br>%{customdata:.2f} M params<extra></extra>',
        marker: {
          size: ps.map(size),
          symbol: ps.map((p) => (num(p.params) === null ? 'triangle-up' : 'circle')),
          color: COLORS[i % COLORS.length],
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
  const metric = options.metric ?? (state.evaluations.some((e) => num(e.metrics.accuracy) !== null) ? 'accuracy' : primaryObjective(state.config.objectives).name);
  const members = state.front.front().filter((e) => state.front.violation(e.id) === 0 && num(e.values[metric]) !== null);
  const scale = options.accuracyScale ?? (members.every((e) => Math.abs(e.values[metric] as number) <= 1) ? 100 : 1);
  return members.map((e) => ({
    family,
    name: `#${e.data?.index ?? '?'}`,
    accuracy: (e.values[metric] as number) * scale,
    macs: e.values.macs ?? NaN,
    params: num(e.values.params),
  }));
}

// ---------------------------------------------------------------------------------------------------
// Fig. 5: peak SRAM against the 320 KiB limit

export interface Fig5Bar {
  name: string;
  peakSramKiB: number;
}

/** Fig. 5 as printed: peak SRAM (KB, i.e. KiB) of each model, read from the text of Section IV-B.2. */
export const FIG5_PAPER_BARS: readonly Fig5Bar[] = [
  { name: 'LMaNet-Elite', peakSramKiB: 165 },
  { name: 'XiNet-Class', peakSramKiB: 204 },
  { name: 'LMaNet-Core', peakSramKiB: 215 },
  { name: 'QwNet-Core', peakSramKiB: 227 },
  { name: 'MCUNet-in3', peakSramKiB: 293 },
  { name: 'MCUNet-in4', peakSramKiB: 456 },
];

/** Each bar's factor relative to the smallest, as Fig. 5 labels them: `1.30x` (two decimals). */
export function sramFactors(bars: readonly Fig5Bar[]): string[] {
  const smallest = Math.min(...bars.map((b) => b.peakSramKiB));
  return bars.map((b) => `${(b.peakSramKiB / smallest).toFixed(2)}x`);
}

function fig5Trace(name: string, bars: readonly Fig5Bar[], limitKiB: number, color: string): Record<string, unknown> {
  return {
    type: 'bar',
    name,
    x: bars.map((b) => b.name),
    y: bars.map((b) => b.peakSramKiB),
    text: sramFactors(bars),
    textposition: 'outside',
    marker: { color: bars.map((b) => (b.peakSramKiB > limitKiB ? '#ef553b' : color)) },
    hovertemplate: '%{x}: %{y:.1f} KiB (%{text})<extra>' + name + '</extra>',
  };
}

/**
 * Fig. 5: one bar per model (peak SRAM, KiB), labelled with its factor relative to the smallest
 * (`1.30x`), bars over the limit in red, and the limit as a dashed purple line with its label.
 * `compare` adds a second series (e.g. the printed figures), grouped, with its own factors.
 */
export function fig5(bars: readonly Fig5Bar[], limitKiB = 320, options: { name?: string; compare?: { name: string; bars: readonly Fig5Bar[] }; title?: string } = {}): Figure {
  if (bars.length === 0) throw new InputError('bars', bars, 'one or more { name, peakSramKiB } bars');
  const data = [fig5Trace(options.name ?? 'peak SRAM', bars, limitKiB, COLORS[0] as string)];
  if (options.compare) data.push(fig5Trace(options.compare.name, options.compare.bars, limitKiB, COLORS[3] as string));
  return {
    data,
    layout: {
      title: { text: options.title ?? `Peak SRAM against the ${limitKiB} KiB limit (factors relative to the smallest)` },
      xaxis: { title: { text: 'Model' } },
      yaxis: { title: { text: 'Peak SRAM (KiB)' } },
      barmode: 'group',
      showlegend: data.length > 1,
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: limitKiB, y1: limitKiB, line: { dash: 'dash', color: LIMIT_COLOR, width: 2 } }],
      annotations: [{ xref: 'paper', x: 1, y: limitKiB, text: `${limitKiB} KiB limit`, showarrow: false, xanchor: 'right', yanchor: 'bottom', font: { color: LIMIT_COLOR } }],
      width: 760,
      height: 440,
    },
  };
}

/** The computed Fig. 5 bars of the shipped reference models (peak SRAM under the mcunet model, KiB). */
export function referenceFig5Bars(models?: readonly string[]): Fig5Bar[] {
  const rows = referenceRows().filter((r) => !models || models.includes(r.model));
  return rows.map((r) => ({ name: r.model, peakSramKiB: r.peakSramMcunetBytes / 1024 }));
}

/**
 * Fig. 5 from the shipped reference models, computed (mcunet model); with `printed` (default
 * true) the paper's printed SRAM (FIG5_PAPER_BARS) as a second series.
 */
export function referenceFig5(options: { printed?: boolean; models?: readonly string[]; limitKiB?: number } = {}): Figure {
  return fig5(referenceFig5Bars(options.models), options.limitKiB ?? 320, {
    name: 'computed (mcunet model)',
    ...(options.printed ?? true ? { compare: { name: 'printed (paper, Fig. 5)', bars: FIG5_PAPER_BARS } } : {}),
    title: 'Peak SRAM of the reference models: computed and printed',
  });
}

// ---------------------------------------------------------------------------------------------------
// Run scatter plots

/** Indices of the non-dominated rows of `values` (natural units) under `directions`. */
function nondominated(values: readonly (readonly number[])[], directions: readonly Direction[]): Set<number> {
  const objectives = directions.map((direction, j) => ({ name: String(j), direction }));
  return new Set(paretoFront(values.map((v) => toMinimization(v, objectives))));
}

interface PlotPoint {
  e: EvaluatedCandidate;
  values: number[];
  feasible: boolean;
}

function plotPoints(state: RunState, metrics: readonly string[]): PlotPoint[] {
  const out: PlotPoint[] = [];
  for (const e of state.evaluations) {
    const values = metrics.map((m) => num(e.metrics[m]));
    if (values.some((v) => v === null)) continue;
    const o = state.outcomes[e.index];
    out.push({ e, values: values as number[], feasible: !(o?.kind === 'evaluated' && o.violation > 0) });
  }
  return out;
}

/** Which points are on the front: non-dominated among the feasible ones in the plotted metrics, or the run's own front. */
function frontMembers(state: RunState, points: readonly PlotPoint[], metrics: readonly string[], front: 'metrics' | 'run', directions?: readonly Direction[]): Set<number> {
  if (front === 'run') return new Set(points.flatMap((p, i) => (state.front.has(p.e.key) ? [i] : [])));
  const dirs = directions ?? metrics.map((m) => metricDirection(state, m));
  const feasible = points.flatMap((p, i) => (p.feasible ? [i] : []));
  const nd = nondominated(feasible.map((i) => (points[i] as PlotPoint).values), dirs);
  return new Set([...nd].map((k) => feasible[k] as number));
}

export interface ScatterOptions {
  /** 'run' (default): the run's own front (the replayed state's, over all its objectives and limits); 'metrics': non-dominated among feasible points in the plotted metrics only. */
  front?: 'metrics' | 'run';
  /** Directions of the plotted metrics; default the run's objectives', else max for accuracy-like names. */
  directions?: readonly Direction[];
  /** Opacity of dominated points (default 0.3). */
  dominatedOpacity?: number;
  title?: string;
}

export interface Scatter2dOptions extends ScatterOptions {
  /** The run's records: proposals rejected for a limit (MACs, SRAM, flash, latency, ...) whose rejection details carry both metrics are drawn too. */
  records?: readonly CampaignRecord[];
}

/**
 * Every evaluated candidate in two metrics (display units of the metrics table: MACs in M, bytes
 * in KiB): feasible points with the dominated ones faded, infeasible ones (a limit violated) as x
 * symbols, proposals rejected for a limit (when `records` are given and their details carry both
 * metrics) as open diamonds, and the front — by default the run's own — on top, joined by a line
 * sorted by x when the two metrics are all the run's objectives (a projection of a larger front
 * is drawn as points). The title gives the front's size: the run's `frontSize` by default.
 */
export function paretoScatter2d(state: RunState, xMetric: string, yMetric: string, options: Scatter2dOptions = {}): Figure {
  const ax = metricAxis(xMetric, state.config);
  const ay = metricAxis(yMetric, state.config);
  const points = plotPoints(state, [xMetric, yMetric]);
  const mode = options.front ?? 'run';
  const onFront = frontMembers(state, points, [xMetric, yMetric], mode, options.directions);
  const faded = options.dominatedOpacity ?? 0.3;
  const feasible = points.filter((p) => p.feasible);
  const infeasible = points.filter((p) => !p.feasible);
  const front = points.filter((_, i) => onFront.has(i)).sort((a, b) => (a.values[0] as number) - (b.values[0] as number) || (a.values[1] as number) - (b.values[1] as number));
  const xs = (ps: readonly PlotPoint[]) => ps.map((p) => (p.values[0] as number) / ax.scale);
  const ys = (ps: readonly PlotPoint[]) => ps.map((p) => (p.values[1] as number) / ay.scale);
  const label = (ps: readonly PlotPoint[]) => ps.map((p) => `#${p.e.index}`);
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'evaluated',
      x: xs(feasible),
      y: ys(feasible),
      text: label(feasible),
      marker: { color: COLORS[0], size: 8, opacity: feasible.map((p) => (onFront.has(points.indexOf(p)) ? 1 : faded)) },
    },
  ];
  if (infeasible.length > 0) {
    data.push({ type: 'scatter', mode: 'markers', name: 'infeasible (limits)', x: xs(infeasible), y: ys(infeasible), text: label(infeasible), marker: { color: COLORS[1], symbol: 'x', size: 9 } });
  }
  if (options.records) {
    const rejected = options.records.filter((r) => r.type === 'rejection' && LIMIT_REASONS.has(String(r.reason)));
    const rx: number[] = [];
    const ry: number[] = [];
    const rt: string[] = [];
    for (const r of rejected) {
      const d = (r.details ?? {}) as Record<string, unknown>;
      const x = num(d[xMetric]);
      const y = num(d[yMetric]);
      if (x === null || y === null) continue;
      rx.push(x / ax.scale);
      ry.push(y / ay.scale);
      rt.push(`#${r.index as number} rejected (${String(r.reason)})`);
    }
    if (rx.length > 0) data.push({ type: 'scatter', mode: 'markers', name: 'rejected (limits)', x: rx, y: ry, text: rt, marker: { color: COLORS[1], symbol: 'diamond-open', size: 9 } });
  }
  const objectives = state.config.objectives.map((o) => o.name);
  const joined = mode === 'metrics' || (objectives.length === 2 && objectives.includes(xMetric) && objectives.includes(yMetric));
  data.push({ type: 'scatter', mode: joined ? 'lines+markers' : 'markers', name: 'Pareto front', x: xs(front), y: ys(front), text: label(front), line: { color: COLORS[2], width: 2 }, marker: { color: COLORS[2], size: 10 } });
  return {
    data,
    layout: {
      title: { text: options.title ?? `${state.config.proposer}: ${ay.title} against ${ax.title} (${mode === 'run' ? 'the run\'s front' : 'front in these two'}: ${front.length})` },
      xaxis: { title: { text: `${ax.title} ${metricDirection(state, xMetric) === 'max' ? '↑' : '↓'}` } },
      yaxis: { title: { text: `${ay.title} ${metricDirection(state, yMetric) === 'max' ? '↑' : '↓'}` } },
      width: 760,
      height: 480,
    },
  };
}

/** Every evaluated candidate in three metrics (scatter3d, display units): the rest small and faded, the front — by default the run's own — highlighted. */
export function paretoScatter3d(state: RunState, metrics: readonly [string, string, string], options: ScatterOptions = {}): Figure {
  const axes = metrics.map((m) => metricAxis(m, state.config));
  const points = plotPoints(state, metrics);
  const onFront = frontMembers(state, points, metrics, options.front ?? 'run', options.directions);
  const rest = points.filter((_, i) => !onFront.has(i));
  const front = points.filter((_, i) => onFront.has(i));
  const coord = (ps: readonly PlotPoint[], j: number) => ps.map((p) => (p.values[j] as number) / (axes[j]?.scale ?? 1));
  const trace = (name: string, ps: readonly PlotPoint[], marker: Record<string, unknown>) => ({
    type: 'scatter3d',
    mode: 'markers',
    name,
    x: coord(ps, 0),
    y: coord(ps, 1),
    z: coord(ps, 2),
    text: ps.map((p) => `#${p.e.index}${p.feasible ? '' : ' (infeasible)'}`),
    marker,
  });
  return {
    data: [
      trace('dominated', rest, { size: 3, color: COLORS[0], opacity: options.dominatedOpacity ?? 0.3, symbol: rest.map((p) => (p.feasible ? 'circle' : 'x')) }),
      trace('Pareto front', front, { size: 6, color: COLORS[2], opacity: 1 }),
    ],
    layout: {
      title: { text: options.title ?? `${state.config.proposer}: ${front.length} ${(options.front ?? 'run') === 'run' ? 'members of the run\'s front' : 'front members in these three'}, ${points.length} evaluated` },
      scene: Object.fromEntries(['xaxis', 'yaxis', 'zaxis'].map((k, j) => [k, { title: { text: `${axes[j]?.title} ${metricDirection(state, metrics[j] as string) === 'max' ? '↑' : '↓'}` } }])),
      width: 760,
      height: 600,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Hypervolume and front size over a run

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
export function hypervolumeSeries(source: RunState | readonly CampaignRecord[]): HypervolumeSeries {
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

/** Hypervolume (left axis) and front size (right axis) after each evaluation, against the proposal index. */
export function hypervolumeOverRun(source: RunState | readonly CampaignRecord[]): Figure {
  const s = hypervolumeSeries(source);
  return {
    data: [
      { type: 'scatter', mode: 'lines+markers', name: 'hypervolume (normalised)', x: s.proposal, y: s.hypervolume, line: { shape: 'hv', color: COLORS[0] } },
      { type: 'scatter', mode: 'lines', name: 'front size', x: s.proposal, y: s.frontSize, yaxis: 'y2', line: { shape: 'hv', dash: 'dot', color: COLORS[1] } },
    ],
    layout: {
      title: { text: 'Hypervolume and front size over the run' },
      xaxis: { title: { text: 'proposal' } },
      yaxis: { title: { text: `hypervolume (normalised objectives, reference ${s.reference.join(', ')})` }, rangemode: 'tozero' },
      yaxis2: { title: { text: 'front size' }, overlaying: 'y', side: 'right', rangemode: 'tozero' },
      legend: { x: 0, y: 1.15, orientation: 'h' },
      width: 760,
      height: 420,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Rejections over a run

export interface RejectionSeries {
  /** 0 .. proposals − 1. */
  proposal: number[];
  /** Per reason that occurs (in REJECTION_REASONS order): rejections among proposals 0..i. */
  cumulative: Partial<Record<RejectionReason, number[]>>;
}

/** Cumulative rejections by reason against the proposal index, from a run's records. */
export function rejectionSeries(records: readonly CampaignRecord[]): RejectionSeries {
  let proposals = 0;
  const at = new Map<RejectionReason, number[]>();
  for (const r of records) {
    const index = num(r.index);
    if (index === null) continue;
    if (r.type === 'proposal' || r.type === 'rejection') proposals = Math.max(proposals, index + 1);
    if (r.type === 'rejection') {
      const reason = r.reason as RejectionReason;
      if (!at.has(reason)) at.set(reason, []);
      at.get(reason)?.push(index);
    }
  }
  const proposal = Array.from({ length: proposals }, (_, i) => i);
  const cumulative: Partial<Record<RejectionReason, number[]>> = {};
  const reasons = [...REJECTION_REASONS.filter((x) => at.has(x)), ...[...at.keys()].filter((x) => !(REJECTION_REASONS as readonly string[]).includes(x))];
  for (const reason of reasons) {
    const counts = new Array<number>(proposals).fill(0);
    for (const i of at.get(reason) ?? []) counts[i] = (counts[i] as number) + 1;
    let total = 0;
    cumulative[reason] = counts.map((c) => (total += c));
  }
  return { proposal, cumulative };
}

/** One line per rejection reason that occurs: cumulative rejections against the proposal index. */
export function rejectionsOverRun(records: readonly CampaignRecord[]): Figure {
  const s = rejectionSeries(records);
  return {
    data: Object.entries(s.cumulative).map(([reason, y], i) => ({ type: 'scatter', mode: 'lines', name: reason, x: s.proposal, y, line: { shape: 'hv', color: COLORS[i % COLORS.length] } })),
    layout: {
      title: { text: `Rejections over the run (${s.proposal.length} proposals)` },
      xaxis: { title: { text: 'proposal' } },
      yaxis: { title: { text: 'rejections (cumulative)' }, rangemode: 'tozero' },
      width: 760,
      height: 400,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Per-layer costs

/**
 * The kind of a MAC-carrying layer, read off its costs (a cost row has no group or kernel): a
 * Conv does (cin / group) × k × k MACs per output element, so that ratio equals cin for a
 * pointwise conv and is a square k × k (k <= 11) for a depthwise one (cin = cout); costs alone
 * cannot tell the rare ambiguous shapes apart (a 3 × 3 depthwise conv on 9 channels reads as
 * pointwise).
 */
function layerKind(l: CostReport['layers'][number]): string {
  if (OPS[l.op].family === 'matmul') return 'linear';
  const cin = l.inputShape[1] ?? 0;
  const cout = l.outputShape[1] ?? 0;
  const elements = l.outputShape.slice(1).reduce((p, d) => p * d, 1);
  const perOutput = elements > 0 ? l.macs / elements : 0;
  if (perOutput === cin) return 'pointwise conv';
  const k = Math.sqrt(perOutput);
  if (cin === cout && Number.isInteger(k) && k <= 11) return 'depthwise conv';
  return 'conv';
}

/**
 * Per conv and linear layer (the ops of SRAM role 'compute', the only layers with MACs): MACs (M) on the top subplot and the bytes
 * the SRAM model charges at that step (KiB) below it, bars coloured and stacked by layer kind
 * (conv, depthwise, pointwise, linear), x the layer names in execution order. The peak layer is
 * annotated.
 */
export function layerBreakdown(cost: CostReport, options: { title?: string } = {}): Figure {
  const picked = cost.layers.filter((l) => OPS[l.op].sram === 'compute').map((l) => ({ l }));
  const names = picked.map(({ l }) => l.node);
  const kinds = picked.map(({ l }) => layerKind(l));
  const order = ['conv', 'depthwise conv', 'pointwise conv', 'linear'].filter((k) => kinds.includes(k));
  const data: Record<string, unknown>[] = [];
  order.forEach((kind, c) => {
    const mine = picked.filter((_, j) => kinds[j] === kind);
    data.push({
      type: 'bar',
      name: kind,
      legendgroup: kind,
      x: mine.map(({ l }) => l.node),
      y: mine.map(({ l }) => inDisplayUnit('macs', l.macs)),
      text: mine.map(({ l }) => `${l.block}: ${l.op} ${l.inputShape.slice(1).join('×')} → ${l.outputShape.slice(1).join('×')}`),
      marker: { color: COLORS[c % COLORS.length] },
      xaxis: 'x',
      yaxis: 'y',
    });
    data.push({
      type: 'bar',
      name: kind,
      legendgroup: kind,
      showlegend: false,
      x: mine.map(({ l }) => l.node),
      y: mine.map(({ l }) => inDisplayUnit('peakSramBytes', l.sramBytes)),
      marker: { color: COLORS[c % COLORS.length] },
      xaxis: 'x2',
      yaxis: 'y2',
    });
  });
  const peak = cost.layers.find((l) => l.node === cost.peakAt);
  return {
    data,
    layout: {
      title: { text: options.title ?? `${cost.graph}: ${formatMetric('macs', cost.macs, 2)} MACs, peak SRAM ${formatMetric('peakSramBytes', cost.peakSramBytes)} (${cost.sramModel})` },
      barmode: 'stack',
      xaxis: { categoryorder: 'array', categoryarray: names, showticklabels: false, matches: 'x2', anchor: 'y' },
      yaxis: { title: { text: metricHeader('macs') }, domain: [0.55, 1] },
      xaxis2: { categoryorder: 'array', categoryarray: names, tickangle: -60, anchor: 'y2' },
      yaxis2: { title: { text: `SRAM at step (${metricInfo('peakSramBytes').unit})` }, domain: [0, 0.45] },
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y2', y0: inDisplayUnit('peakSramBytes', cost.peakSramBytes), y1: inDisplayUnit('peakSramBytes', cost.peakSramBytes), line: { dash: 'dash', color: LIMIT_COLOR } }],
      annotations: peak && names.includes(peak.node) ? [{ xref: 'x2', yref: 'y2', x: peak.node, y: inDisplayUnit('peakSramBytes', peak.sramBytes), text: 'peak', showarrow: true }] : [],
      width: 900,
      height: 620,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Explanations beside the numbers

export interface ExplanationCard {
  proposal: number;
  key: string | null;
  model: string | null;
  text: string;
  /** The explained candidate's evaluation metrics; null when it was not evaluated. */
  metrics: Record<string, number> | null;
  /** Whether the candidate is on the run's final front. */
  onFront: boolean;
}

/** One card per explanation record, in record order, joined with the explained candidate's metrics. */
export function explanationCards(records: readonly CampaignRecord[], state: RunState): ExplanationCard[] {
  const byIndex = new Map(state.evaluations.map((e) => [e.index, e]));
  return records
    .filter((r) => r.type === 'explanation')
    .map((r) => {
      const index = num(r.index) ?? -1;
      const e = byIndex.get(index);
      const key = typeof r.key === 'string' ? r.key : (e?.key ?? state.keys[index] ?? null);
      return {
        proposal: index,
        key,
        model: typeof r.model === 'string' ? r.model : null,
        text: typeof r.text === 'string' ? r.text : '',
        metrics: e ? { ...e.metrics } : null,
        onFront: key !== null && state.front.has(key),
      };
    });
}

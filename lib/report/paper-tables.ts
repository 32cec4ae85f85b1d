/**
 * The paper's tables (El Zeinaty et al., "Can LLMs Revolutionize the Design of Explainable and
 * Efficient TinyML Models?") as plain data: pure builders from run states, comparisons and the
 * shipped reference models to {@link Table}s, with the paper's printed rows beside them. Numbers
 * are rounded to the decimals the paper prints (renderers only format them).
 */
import { primaryObjective } from '../campaign/config.js';
import type { EvaluatedCandidate, RunState } from '../campaign/state.js';
import { describeLimit } from '../limits.js';
import { describeLatencyModel } from '../latency/select.js';
import { InputError } from '../errors.js';
import { metricHeader, metricInfo } from '../metrics.js';
import type { Comparison, RunComparison, Stats } from './compare.js';
import { formatRangeAvg, metricRangeAvg, objectivesText, primaryDigits, runLabel } from './compare.js';
import { referenceModels, referenceRows } from './reference.js';
import { displayValue, metricColumn, runMetrics } from './run-metrics.js';
import type { Cell, Table } from './table.js';

export { shortKey } from './render-table.js';

/** Bytes in the paper's "MB": Table II's MCUNet rows (1.73 M int8 params, 1.65 MB) imply 2^20. */
export const MB = 1024 * 1024;

/**
 * `x` rounded to `digits` decimals, halves away from zero as printed tables do (the product is
 * first cut to 12 significant digits, so 1.005 × 100 rounds to 101); null for null or non-finite
 * values, and -0 becomes 0.
 */
export function round(x: number | null | undefined, digits: number): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  const scaled = Number((x * f).toPrecision(12));
  const r = (Math.sign(scaled) * Math.round(Math.abs(scaled))) / f;
  return r === 0 ? 0 : r;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

// ---------------------------------------------------------------------------------------------------
// The run's front

/**
 * A run's Pareto front (the replayed state's front, the summary's `frontSize` rows), one row per
 * member, best primary objective first (ties by proposal): the proposal index, the whole canonical
 * key (display renderers shorten it to prefix … hash; CSV keeps it whole, so the architecture can
 * be recovered), then a column per objective and per limit of the run (`runMetrics`: objectives first, then the
 * metrics it only limits), each in the metric table's display unit and decimals (MACs in M, bytes
 * in KiB; an evaluator's own metric as recorded); null where a member has no value.
 */
export function paretoTable(state: RunState): Table {
  const metrics = runMetrics(state.config);
  const primary = primaryObjective(state.config.objectives);
  const sign = primary.direction === 'max' ? -1 : 1;
  const members = state.front.front().slice();
  members.sort((a, b) => {
    const d = sign * ((a.values[primary.name] ?? 0) - (b.values[primary.name] ?? 0));
    return d !== 0 && !Number.isNaN(d) ? d : (a.data?.index ?? 0) - (b.data?.index ?? 0);
  });
  const limits = metrics.flatMap((m) => (m.limit ? [describeLimit(m.limit)] : []));
  // Constrained dominance keeps the least-violating members when no evaluated candidate is feasible: say so.
  const infeasible = members.filter((e) => state.front.violation(e.id) > 0).length;
  const latency = describeLatencyModel(state.config.latencyModel, state.config.device);
  return {
    id: 'pareto-front',
    caption: `Pareto front of the run (${state.config.proposer} + ${state.config.evaluator}): ${state.front.size} of ${state.counters.evaluated} evaluated candidates${infeasible ? `; ${infeasible === members.length ? 'NONE meets every limit (the least-violating are shown)' : `${infeasible} of them over a limit`}` : ''}.`,
    columns: ['Proposal', 'Key', ...metrics.map(metricColumn)],
    rows: members.map((e) => [e.data?.index ?? null, e.id, ...metrics.map((m) => displayValue(m.name, e.values[m.name]))]),
    shorten: { Key: { kind: 'key', max: 24 } },
    notes: [
      `Objectives: ${state.config.objectives.map((o) => `${o.name}:${o.direction}`).join(', ')}; rows sorted by ${primary.name}, best first.`,
      `Limits: ${limits.length ? limits.join(', ') : 'none'}.`,
      `Peak SRAM under the ${state.config.sramModel} model; keys shortened here (prefix … hash), whole in the CSV.`,
      ...(latency ? [`${latency[0]?.toUpperCase()}${latency.slice(1)}.`] : []),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Table II: reference models computed against their printed figures

/** Computed − printed and (computed − printed) / printed in %, rounded; nulls without a printed figure. */
function diff(computed: number, printed: number | null, digits: number): [number | null, number | null] {
  if (printed === null) return [null, null];
  return [round(computed - printed, digits), printed !== 0 ? round(((computed - printed) / printed) * 100, 1) : null];
}

/**
 * The reference part of Table II and Fig. 5: each shipped reference model (MCUNet-in2/in0,
 * ProxylessNAS, MobileNetV2 and the released LMaNet-Core, LMaNet-Elite and QwNet-Core configs)
 * with its MACs, parameters, int8 flash and peak SRAM (mcunet model) as paretonas computes them,
 * beside the published figure and the difference (computed − printed, and in %); null ('—')
 * where nothing is printed. Computed values are rounded before printing but the differences are
 * taken on the unrounded values.
 */
export function referenceTableII(): Table {
  const models = new Map(referenceModels().map((m) => [m.id, m]));
  const rows: Cell[][] = [];
  const mismatches: string[] = [];
  for (const r of referenceRows()) {
    const m = models.get(r.model);
    const printedFlash = m?.published.flashMB ?? null;
    const macs = r.macs / 1e6;
    const params = r.params / 1e6;
    const flash = r.flashBytes / MB;
    const sram = r.peakSramMcunetBytes / 1024;
    const pMacs = r.publishedMacs === null ? null : r.publishedMacs / 1e6;
    const pParams = r.publishedParams === null ? null : r.publishedParams / 1e6;
    rows.push([
      r.model,
      r.resolution,
      round(macs, 2),
      pMacs,
      ...diff(macs, pMacs, 2),
      round(params, 3),
      pParams,
      ...diff(params, pParams, 3),
      round(flash, 3),
      printedFlash,
      ...diff(flash, printedFlash, 3),
      round(sram, 1),
      r.publishedPeakSramKiB,
      ...diff(sram, r.publishedPeakSramKiB, 1),
    ]);
    if (m?.format === 'lmanet') {
      const checked = m.checked?.macs !== undefined ? ` (the authors' model.py: ${round(m.checked.macs / 1e6, 2)} M)` : m.checked?.params !== undefined ? ` (the authors' model.py: ${round(m.checked.params / 1e6, 3)} M params)` : '';
      mismatches.push(
        `${r.model}: ${round(macs, 2)} M MACs, ${round(params, 3)} M params, ${round(sram, 1)} KiB peak SRAM computed${checked}; printed ${pMacs ?? '—'} M, ${pParams ?? '—'} M, ${r.publishedPeakSramKiB ?? '—'} KiB`,
      );
    }
  }
  return {
    id: 'table-ii-reference',
    caption: 'Reference models: MACs, parameters, int8 flash and peak SRAM computed by paretonas from the shipped configs, beside the published figures (Δ = computed − printed).',
    columns: [
      'Model',
      'Resolution',
      'MACs (M)',
      'MACs printed (M)',
      'Δ MACs (M)',
      'Δ MACs (%)',
      '#Parameters (M)',
      '#Parameters printed (M)',
      'Δ #Parameters (M)',
      'Δ #Parameters (%)',
      'Flash (MB)',
      'Flash printed (MB)',
      'Δ Flash (MB)',
      'Δ Flash (%)',
      'Peak SRAM (KiB)',
      'Peak SRAM printed (KiB)',
      'Δ Peak SRAM (KiB)',
      'Δ Peak SRAM (%)',
    ],
    rows,
    notes: [
      ...[...models.values()].map((m) => `${m.id} (${m.resolution}×${m.resolution}, ${m.classes} classes): ${m.source}.`),
      'Computed: MACs and parameters of Conv and Gemm layers (BN folded); flash = int8 weights + 8 bytes per output channel, in MB of 2^20 bytes (the unit Table II’s MCUNet rows imply); peak SRAM of int8 activations under the mcunet model. KB/kB in the sources means KiB.',
      `The LMaNet paper’s Table II and Fig. 5 do not match its released configs: ${mismatches.join('; ')}.`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Table II: accuracy, MACs, flash, params, search cost

/** One Table II row: counts in units (MACs, parameters, bytes), accuracy in %. */
export interface TableIIEntry {
  model: string;
  /** Top-1 accuracy in %. */
  accuracy?: number | null;
  macs: number;
  params?: number | null;
  /** Flash in bytes (shown in MB of 2^20 bytes). */
  flashBytes?: number | null;
  /** Flash in MB as printed, when there is no byte count. */
  flashMB?: number | null;
  /** Days, or a word such as 'manual'. */
  searchCostDays?: number | string | null;
  /** Where the row comes from; listed in the notes. */
  source?: string;
}

const PAPER = 'El Zeinaty et al., Table II (CIFAR-100, 160×160)';

/** Table II of the paper as printed (CIFAR-100 at 160×160; XiNet-Class has no flash or parameter count). */
export const TABLE_II_PAPER_ROWS: readonly TableIIEntry[] = [
  { model: 'MCUNet-in4', accuracy: 72.86, macs: 134e6, flashMB: 1.65, params: 1.73e6, searchCostDays: 12.5, source: PAPER },
  { model: 'MCUNet-in3', accuracy: 69.62, macs: 72e6, flashMB: 0.7, params: 0.74e6, searchCostDays: 12.5, source: PAPER },
  { model: 'XiNet-Class', accuracy: 72.27, macs: 259e6, flashMB: null, params: null, searchCostDays: 'manual', source: PAPER },
  { model: 'LMaNet-Core', accuracy: 74.2, macs: 82e6, flashMB: 0.53, params: 0.51e6, searchCostDays: 2.5, source: PAPER },
  { model: 'QwNet-Core', accuracy: 73.0, macs: 71e6, flashMB: 0.24, params: 0.18e6, searchCostDays: 3.5, source: PAPER },
  { model: 'LMaNet-Elite', accuracy: 74.5, macs: 86e6, flashMB: 0.54, params: 0.44e6, searchCostDays: 1.5, source: PAPER },
];

export interface TableIIOptions {
  /** Put the paper's rows (TABLE_II_PAPER_ROWS, labelled "(paper)") before the entries. */
  paper?: boolean;
  caption?: string;
}

function tableIIRow(e: TableIIEntry, label: string): Cell[] {
  const flash = num(e.flashBytes) !== null ? round((e.flashBytes as number) / MB, 2) : round(e.flashMB, 2);
  const cost = typeof e.searchCostDays === 'string' ? e.searchCostDays : round(e.searchCostDays, 2);
  return [label, round(e.accuracy, 2), round(e.macs / 1e6, 2), flash, num(e.params) === null ? null : round((e.params as number) / 1e6, 2), cost];
}

/**
 * Table II's layout: Models, Accuracy (%), MACs (M), Flash (MB), #Parameters (M), Search cost
 * (days), two decimals; null ('—') for what an entry lacks.
 */
export function tableII(entries: readonly TableIIEntry[], options: TableIIOptions = {}): Table {
  const paper = options.paper ? TABLE_II_PAPER_ROWS.map((e) => tableIIRow(e, `${e.model} (paper)`)) : [];
  const all = [...(options.paper ? TABLE_II_PAPER_ROWS : []), ...entries];
  const sources = [...new Set(all.map((e) => e.source).filter((s): s is string => typeof s === 'string'))];
  return {
    id: 'table-ii',
    caption: options.caption ?? 'Comparison of CIFAR-100 classification performance (Table II layout).',
    columns: ['Models', 'Accuracy (%)', 'MACs (M)', 'Flash (MB)', '#Parameters (M)', 'Search cost (days)'],
    rows: [...paper, ...entries.map((e) => tableIIRow(e, e.model))],
    notes: [...sources.map((s) => `Source: ${s}.`), 'Flash in MB of 2^20 bytes (int8 weights for computed rows).'],
  };
}

export interface TableIIFromRunOptions {
  /** The row's label. */
  model: string;
  searchCostDays?: number | string | null;
  /**
   * Multiply the accuracy by this to get %: default 100 when the chosen value is at most 1 (a
   * fraction), else 1.
   */
  accuracyScale?: number;
}

/**
 * The Table II entry of a run's best candidate: the feasible evaluated candidate (no limit
 * violated) with the best `accuracy` when the run recorded one, else the best primary objective
 * (the first maximised one); the earliest on ties. Accuracy is null when the run has no accuracy
 * metric. Throws InputError when the run evaluated no feasible candidate.
 */
export function tableIIFromRun(state: RunState, options: TableIIFromRunOptions): TableIIEntry & { proposal: number; key: string } {
  const feasible = state.evaluations.filter((e) => {
    const o = state.outcomes[e.index];
    return !(o?.kind === 'evaluated' && o.violation > 0);
  });
  const hasAccuracy = feasible.some((e) => num(e.metrics.accuracy) !== null);
  const objective = hasAccuracy ? { name: 'accuracy', direction: 'max' as const } : primaryObjective(state.config.objectives);
  let best: EvaluatedCandidate | undefined;
  for (const e of feasible) {
    const v = num(e.metrics[objective.name]);
    if (v === null) continue;
    const b = best ? (best.metrics[objective.name] as number) : undefined;
    if (b === undefined || (objective.direction === 'max' ? v > b : v < b)) best = e;
  }
  if (!best) throw new InputError('run', state.config.proposer, `a run with a feasible evaluated candidate that has ${objective.name}`, `no feasible evaluation carries ${objective.name}`);
  const acc = hasAccuracy ? (best.metrics.accuracy as number) : null;
  const scale = options.accuracyScale ?? (acc !== null && Math.abs(acc) <= 1 ? 100 : 1);
  return {
    model: options.model,
    accuracy: acc === null ? null : acc * scale,
    macs: best.metrics.macs ?? NaN,
    params: num(best.metrics.params),
    flashBytes: num(best.metrics.flashBytes),
    searchCostDays: options.searchCostDays ?? null,
    source: `${options.model}: proposal #${best.index} of a ${state.config.proposer} run, best ${objective.name}`,
    proposal: best.index,
    key: best.key,
  };
}

// ---------------------------------------------------------------------------------------------------
// Table III: per-LLM search statistics

/** One row of Table III as printed: TC, PC and [min, max] avg of accuracy (%), MACs (M) and params (M). */
export interface TableIIIPaperRow {
  model: string;
  tc: number;
  pc: number;
  accuracy: Stats;
  macsM: Stats;
  paramsM: Stats;
}

/** Table III of the paper (mini-phase, 30 epochs, 500 iterations per LLM) as printed. */
export const TABLE_III_PAPER_ROWS: readonly TableIIIPaperRow[] = [
  { model: 'Llama3.2-3B', tc: 127, pc: 27, accuracy: { min: 38.68, max: 68.58, mean: 60.5 }, macsM: { min: 71.17, max: 255.86, mean: 112.01 }, paramsM: { min: 0.04, max: 0.73, mean: 0.15 } },
  { model: 'Llama3.1-8B', tc: 100, pc: 29, accuracy: { min: 45.33, max: 67.87, mean: 61.5 }, macsM: { min: 72.05, max: 322.36, mean: 130.47 }, paramsM: { min: 0.03, max: 0.59, mean: 0.18 } },
  { model: 'Qwen2.5-3B', tc: 213, pc: 43, accuracy: { min: 48.41, max: 70.31, mean: 61.9 }, macsM: { min: 70.19, max: 327.28, mean: 140.05 }, paramsM: { min: 0.05, max: 0.77, mean: 0.25 } },
];


/**
 * Table III's columns (after Model, TC, PC) with no value ('—') in any run row: left out, unless
 * the paper's rows fill them (the first `paperFilled` columns when the paper rows are shown), then
 * kept and the caption says why the runs' cells are empty. `why` is '' or caption sentences
 * starting with a space. No run rows: every column kept.
 */
function emptyRunColumns(columns: readonly string[], runRows: readonly Cell[][], paperFilled: number, primary: string | null): { keep: boolean[]; why: string } {
  const reason = (c: number) => (c === 3 ? (primary === null ? 'no run maximises an objective, as the paper’s accuracy is' : `no run has ${primary} on a Pareto candidate`) : 'no run’s Pareto candidates carry it');
  const keep = columns.map((_, c) => c < 3 || runRows.length === 0 || runRows.some((r) => r[c] !== '—') || c < paperFilled);
  const dropped = columns.flatMap((name, c) => (keep[c] ? [] : [`${name} (${reason(c)})`]));
  const blank = columns.flatMap((name, c) => (c >= 3 && runRows.length > 0 && runRows.every((r) => r[c] === '—') && keep[c] ? [`${name} (${reason(c)})`] : []));
  const why = [
    ...(dropped.length > 0 ? [` Left out, no run row has a value: ${dropped.join('; ')}.`] : []),
    ...(blank.length > 0 ? [` Empty (—) in every run row, filled by the paper’s rows only: ${blank.join('; ')}.`] : []),
  ].join('');
  return { keep, why };
}
/**
 * Table III from a comparison of runs: Model, TC, PC and `[min, max] avg` over each run's Pareto
 * candidates of the paper's columns — the primary objective (the first run's first maximised
 * one), MACs (M) and #Parameters (M), kept when a run's front carries them or the paper rows are
 * shown — then a column per other objective or limited metric of the runs (e.g. flash (KiB),
 * peak SRAM (KiB), mcuLatencyMs), in the metric table's unit and decimals; '—' for a run that
 * neither optimises nor limits that metric. Runs sharing a label get their seed appended. With
 * `paper`, the printed rows follow, labelled "(paper)" ('—' in the added columns).
 */
export function tableIII(comparison: Comparison, options: { paper?: boolean } = {}): Table {
  const primary = comparison.objectives.find((o) => o.direction === 'max')?.name ?? null;
  const labels = comparison.runs.map(runLabel);
  const count = (l: string) => labels.filter((x) => x === l).length;
  const carried = (name: string) => comparison.runs.some((r) => r.metrics.some((x) => x.name === name && x.stats !== null));
  const showMacs = (options.paper || carried('macs')) && primary !== 'macs';
  const showParams = (options.paper || carried('params')) && primary !== 'params';
  const shown = new Set([primary, 'macs', 'params']);
  const extra: { name: string; header: string }[] = [];
  for (const r of comparison.runs) {
    for (const m of runMetrics({ objectives: r.objectives, limits: r.limits })) {
      if (shown.has(m.name)) continue;
      shown.add(m.name);
      extra.push({ name: m.name, header: metricColumn(m) });
    }
  }
  const own = (r: RunComparison, name: string) => r.objectives.some((o) => o.name === name) || r.limits.some((l) => l.name === name);
  const rows: Cell[][] = comparison.runs.map((r, i) => {
    const raw = r.primary && r.primary.name === primary ? r.primary.stats : null;
    // Accuracy recorded as a fraction (trainers report 0..1) is shown in %, as the column says.
    const p = raw && primary === 'accuracy' && Math.abs(raw.min) <= 1 && Math.abs(raw.max) <= 1 ? { min: raw.min * 100, max: raw.max * 100, mean: raw.mean * 100 } : raw;
    const primaryCell = primary === null || primary === 'accuracy' || metricInfo(primary).unit === '' ? formatRangeAvg(p, primaryDigits(p)) : raw ? metricRangeAvg(r, primary) : '—';
    const label = labels[i] as string;
    return [
      count(label) > 1 ? `${label} (seed ${r.seed})` : label,
      r.totalCandidates,
      r.paretoCandidates,
      primaryCell,
      ...(showMacs ? [formatRangeAvg(r.macs)] : []),
      ...(showParams ? [formatRangeAvg(r.params)] : []),
      ...extra.map((x) => (own(r, x.name) ? metricRangeAvg(r, x.name) : '—')),
    ];
  });
  if (options.paper) {
    for (const p of TABLE_III_PAPER_ROWS) rows.push([`${p.model} (paper)`, p.tc, p.pc, formatRangeAvg(p.accuracy), formatRangeAvg(p.macsM), formatRangeAvg(p.paramsM), ...extra.map(() => '—')]);
  }
  const primaryColumn = primary === null ? 'Primary' : primary === 'accuracy' ? 'Accuracy (%) ↑' : `${metricHeader(primary)} ↑`;
  if (options.paper && !showMacs) throw new InputError('paper', true, 'runs whose primary (first maximised) objective is accuracy or a score', `the runs' primary objective is ${primary}, and the paper rows print accuracy there and ${primary} in its own column`);
  const columns = ['Model', 'TC', 'PC', primaryColumn, ...(showMacs ? ['MACs (M) ↓'] : []), ...(showParams ? ['#Parameters (M) ↓'] : []), ...extra.map((x) => x.header)];
  const { keep, why } = emptyRunColumns(columns, rows.slice(0, comparison.runs.length), options.paper ? 3 + 1 + (showMacs ? 1 : 0) + (showParams ? 1 : 0) : 0, primary);
  return {
    id: 'table-iii',
    caption: `Performance metrics for model generation across runs, presented as [min, max] avg over each run’s Pareto candidates. TC: total (evaluated) candidates, PC: Pareto candidates.${why}`,
    columns: columns.filter((_, c) => keep[c]),
    rows: rows.map((row) => row.filter((_, c) => keep[c])),
    notes: [
      ...comparison.runs.map((r, i) => `${rows[i]?.[0] as string}: ${r.run} (${r.proposer}, ${r.evaluator}, seed ${r.seed}; ${r.proposals} proposals; objectives ${objectivesText(r.objectives)}).`),
      ...(comparison.objectivesDiffer ? [`Note: ${comparison.objectivesDiffer}.`] : []),
      ...(options.paper ? ['(paper): El Zeinaty et al., Table III (mini-phase, 30 epochs, 500 iterations).'] : []),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Table IV: before / after (e.g. knowledge distillation)

/** One row of Table IV: accuracy (%) without and with ViT-KD, and the printed gain. */
export interface TableIVPaperRow {
  model: string;
  before: number;
  after: number;
  gain: number;
}

/** Table IV of the paper as printed. */
export const TABLE_IV_PAPER_ROWS: readonly TableIVPaperRow[] = [
  { model: 'LMaNet-Core', before: 72.88, after: 74.2, gain: 1.32 },
  { model: 'QwNet-Core', before: 71.6, after: 73.0, gain: 1.4 },
  { model: 'LMaNet-Elite', before: 73.15, after: 74.5, gain: 1.35 },
];

export interface TableIVOptions {
  /** Metric before the step (e.g. accuracy_before_kd). */
  before: string;
  /** Metric after it (e.g. accuracy_after_kd). */
  after: string;
  /** Column headers; default the metric names. */
  beforeLabel?: string;
  afterLabel?: string;
  /** A row's label from its evaluation; default `#index`. */
  label?: (e: { index: number; key?: string }) => string;
  /** Put the paper's rows (labelled "(paper)") first. */
  paper?: boolean;
  /** Decimals of every value (default 2). */
  digits?: number;
}

/**
 * Table IV: for every evaluated candidate carrying both metrics, its value before and after and
 * the gain (after − before, computed unrounded then rounded), in evaluation order. Throws
 * InputError naming the metrics when no evaluation carries both.
 */
export function tableIV(source: RunState | readonly Pick<EvaluatedCandidate, 'index' | 'metrics'>[], options: TableIVOptions): Table {
  const evaluations: readonly (Pick<EvaluatedCandidate, 'index' | 'metrics'> & { key?: string })[] = Array.isArray(source) ? source : (source as RunState).evaluations;
  const digits = options.digits ?? 2;
  const label = options.label ?? ((e) => `#${e.index}`);
  const rows: Cell[][] = [];
  for (const e of evaluations) {
    const b = num(e.metrics[options.before]);
    const a = num(e.metrics[options.after]);
    if (a === null || b === null) continue;
    rows.push([label(e), round(b, digits), round(a, digits), round(a - b, digits)]);
  }
  if (rows.length === 0) {
    const carriesBefore = evaluations.some((e) => num(e.metrics[options.before]) !== null);
    const missing = carriesBefore ? options.after : options.before;
    throw new InputError(
      `metric ${missing}`,
      missing,
      `a metric recorded by the evaluator (${[...new Set(evaluations.flatMap((e) => Object.keys(e.metrics)))].join(', ') || 'no evaluations'})`,
      `no evaluation carries both ${options.before} and ${options.after} (none has ${missing})`,
    );
  }
  const paper = options.paper ? TABLE_IV_PAPER_ROWS.map((p): Cell[] => [`${p.model} (paper)`, p.before, p.after, p.gain]) : [];
  return {
    id: 'table-iv',
    caption: `Impact of the step from ${options.before} to ${options.after}: value before, after and the gain.`,
    columns: ['Model', options.beforeLabel ?? options.before, options.afterLabel ?? options.after, 'Gain ↑'],
    rows: [...paper, ...rows],
    notes: [`Gain = ${options.after} − ${options.before}.`, ...(options.paper ? ['(paper): El Zeinaty et al., Table IV (w/o and w/ ViT-KD, %).'] : [])],
  };
}

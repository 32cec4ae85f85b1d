/**
 * What the dashboard shows of one run, as plain JSON-ready data computed from its records alone
 * (DESIGN.md "compute first, render second"): the run's settings and counters, the metrics with
 * their labels and units (lib/metrics.ts), one row per proposal (status, rejection reason and
 * message, every recorded metric, Pareto-front membership), hypervolume and front size over the
 * proposals, and cumulative rejections by reason (the report figures' Info functions,
 * lib/report/figures/). The page (client/app.js) only draws it.
 */
import { configKey } from '../campaign/config-key.js';
import { runLimits } from '../limits.js';
import type { CampaignRecord } from '../campaign/records.js';
import { replayRecords, type RunState } from '../campaign/state.js';
import { METRICS, metricInfo } from '../metrics.js';
import type { Direction, Limit } from '../pareto/objectives.js';
import { hypervolumeOverRunInfo, type HypervolumeSeries } from '../report/figures/hypervolume-over-run.js';
import { rejectionsOverRunInfo, type RejectionSeries } from '../report/figures/rejections-over-run.js';
import { nonNegativeMetric } from '../report/figures/style.js';

/** A metric as the page labels it. */
export interface MetricColumn {
  name: string;
  label: string;
  /** Display unit ('' for a plain number); values are shown divided by `scale`. */
  unit: string;
  scale: number;
  digits: number;
  direction: Direction;
  objective: boolean;
  /** The run's limit on it (recorded units), when it has one. */
  limit?: { min?: number; max?: number };
  /** Its axes never reach below 0 (plotly rangemode 'nonnegative'): a cost metric (MACs, params, flash, peak SRAM, latency), or every recorded value ≥ 0 (report/figures/style.ts nonNegativeMetric). */
  nonNegative: boolean;
}

export type { TrialStatus } from '../report/trial.js';
import type { TrialStatus } from '../report/trial.js';

/** One proposal of a run (a table row, a point of a front). */
export interface TrialRow {
  index: number;
  key: string | null;
  status: TrialStatus;
  /** Rejection reason (rejected) or failure kind (failed). */
  reason?: string;
  /** Rejection or failure message, whole. */
  message?: string;
  /** Recorded metrics (recorded units: MACs, bytes, ms). */
  metrics?: Record<string, number>;
  /** A rejected proposal's metrics as its rejection details give them (estimated before evaluation: the limit's metric, sometimes others). */
  estimated?: Record<string, number>;
  /** On the run's Pareto front now (constrained domination, as the campaign keeps it). */
  onFront: boolean;
  /** Meets every limit (evaluated trials). */
  feasible?: boolean;
  /** The proposer's note (e.g. "mutation of #12"). */
  note?: string;
  /** Has an explanation record. */
  explained: boolean;
  /** LLM calls recorded for it. */
  llmCalls: number;
}

/** The configuration a run was started with, the parts the page shows. */
export interface RunSettings {
  space: string;
  proposer: string;
  evaluator: string;
  budget: number;
  seed: number;
  sramModel: string;
  objectives: { name: string; direction: Direction }[];
  limits: Limit[];
}

export interface RunData {
  id: string;
  settings: RunSettings;
  /** Runs that differ only in their seed share this (seed groups). */
  configKey: string;
  counters: RunState['counters'];
  frontSize: number;
  /** The records end with campaign-end. */
  finished: boolean;
  records: number;
  metrics: MetricColumn[];
  trials: TrialRow[];
  hypervolume: HypervolumeSeries;
  rejections: RejectionSeries;
}

/** Runs that differ only in their seed share a configuration key (lib/campaign/config-key.ts). */
export { configKey };

/** The metrics of a run: its objectives, then its limited metrics, then every other recorded one (in first-seen order). */
function metricColumns(state: RunState): MetricColumn[] {
  const names: string[] = state.config.objectives.map((o) => o.name);
  const limits = runLimits(state.config);
  for (const l of limits) if (!names.includes(l.name)) names.push(l.name);
  for (const e of state.evaluations) for (const n of Object.keys(e.metrics)) if (!names.includes(n)) names.push(n);
  return names.map((name) => {
    const objective = state.config.objectives.find((o) => o.name === name);
    const m = metricInfo(name, objective?.direction ?? 'min');
    const limit = limits.find((l) => l.name === name);
    return {
      name,
      label: m.label,
      unit: m.unit,
      scale: m.scale,
      digits: m.digits,
      direction: objective?.direction ?? m.direction,
      objective: objective !== undefined,
      nonNegative: nonNegativeMetric(name, state.evaluations.map((e) => e.metrics[name]).filter((v): v is number => typeof v === 'number')),
      ...(limit ? { limit: { ...(limit.min !== undefined ? { min: limit.min } : {}), ...(limit.max !== undefined ? { max: limit.max } : {}) } } : {}),
    };
  });
}

/**
 * A run's dashboard data from its records (the first a campaign-start; a live run's prefix is
 * fine) and the state they replay to (the watcher keeps one current: live-replay.ts).
 *
 * @throws InputError from replayRecords for records out of order (when `state` is not given).
 */
export function runData(id: string, records: readonly CampaignRecord[], state: RunState = replayRecords(records)): RunData {
  const rows = new Map<number, TrialRow>();
  const row = (index: number): TrialRow => {
    let r = rows.get(index);
    if (!r) rows.set(index, (r = { index, key: null, status: 'proposed', onFront: false, explained: false, llmCalls: 0 }));
    return r;
  };
  for (const rec of records) {
    const index = typeof rec.index === 'number' ? rec.index : undefined;
    if (index === undefined) continue;
    const r = row(index);
    if (typeof rec.key === 'string') r.key = rec.key;
    if (rec.type === 'proposal' && typeof rec.note === 'string') r.note = rec.note;
    else if (rec.type === 'rejection') {
      Object.assign(r, { status: 'rejected', reason: String(rec.reason), message: String(rec.message) });
      const estimated = detailMetrics(rec.details);
      if (estimated) r.estimated = estimated;
    }
    else if (rec.type === 'failure') Object.assign(r, { status: 'failed', reason: String(rec.kind ?? 'failure'), message: String(rec.message) });
    else if (rec.type === 'evaluation') Object.assign(r, { status: 'evaluated', metrics: rec.metrics as Record<string, number> });
    else if (rec.type === 'explanation') r.explained = true;
    else if (rec.type === 'llm-call') r.llmCalls++;
  }
  for (const r of rows.values()) {
    if (r.status !== 'evaluated' || r.key === null) continue;
    r.feasible = state.front.violation(r.key) === 0;
    r.onFront = state.front.has(r.key);
  }
  const c = state.config;
  return {
    id,
    settings: { space: c.space, proposer: c.proposer, evaluator: c.evaluator, budget: c.budget, seed: c.seed, sramModel: c.sramModel, objectives: c.objectives.map((o) => ({ name: o.name, direction: o.direction })), limits: runLimits(c) },
    configKey: configKey(c),
    counters: state.counters,
    frontSize: state.front.size,
    finished: state.ended !== undefined,
    records: records.length,
    metrics: metricColumns(state),
    trials: [...rows.values()].sort((a, b) => a.index - b.index),
    hypervolume: hypervolumeOverRunInfo(state),
    rejections: rejectionsOverRunInfo(records),
  };
}

const KNOWN = new Set(METRICS.map((m) => m.name));

/** The known metrics (lib/metrics.ts names) among a rejection's details, e.g. {macs: 145978096} of {macs, min, max}; undefined when none. */
function detailMetrics(details: unknown): Record<string, number> | undefined {
  if (details === null || typeof details !== 'object') return undefined;
  const out = Object.entries(details as Record<string, unknown>).filter(([k, v]) => KNOWN.has(k) && typeof v === 'number' && Number.isFinite(v));
  return out.length ? (Object.fromEntries(out) as Record<string, number>) : undefined;
}

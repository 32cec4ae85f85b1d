/**
 * Which metrics a run's report shows, read from the run's own record: its objectives (the
 * recorded `config.objectives`) and its limits (`runLimits(config)`: space file, device profile
 * and `--constraint`, merged; old runs' `macs`/`sramMaxBytes` joined in). Labels, units and
 * scales come from the one metrics table (lib/metrics.ts); an evaluator's own metric (e.g.
 * `mcuLatencyMs`) shows under its own name as a plain number.
 */
import type { CampaignConfig } from '../campaign/config.js';
import { primaryObjective } from '../campaign/config.js';
import { runLimits, type LimitFields } from '../limits.js';
import { inDisplayUnit, metricHeader, metricInfo } from '../metrics.js';
import type { Direction, Limit, Objective } from '../pareto/objectives.js';

/** One column of a run's tables: a metric that is an objective, a limit, or both. */
export interface RunMetric {
  name: string;
  objective?: Objective;
  limit?: Limit;
}

type RunFields = Pick<CampaignConfig, 'objectives'> & LimitFields;

/** The run's objectives in order, then the metrics it only limits (in limit order); one entry per metric. */
export function runMetrics(config: RunFields): RunMetric[] {
  const limits = runLimits(config);
  const out: RunMetric[] = config.objectives.map((o) => {
    const limit = limits.find((l) => l.name === o.name);
    return { name: o.name, objective: { name: o.name, direction: o.direction }, ...(limit ? { limit } : {}) };
  });
  for (const l of limits) if (!out.some((m) => m.name === l.name)) out.push({ name: l.name, limit: l });
  return out;
}

/** `↑` for a maximised objective, `↓` for a minimised one. */
export const arrow = (d: Direction): string => (d === 'max' ? '↑' : '↓');

/** A column header: the metric's label and unit from the table, with the objective's arrow (`flash (KiB) ↓`). */
export function metricColumn(m: RunMetric): string {
  return m.objective ? `${metricHeader(m.name)} ${arrow(m.objective.direction)}` : metricHeader(m.name);
}

/** A recorded value in the metric's display unit, rounded to the table's decimals (null when not a finite number). */
export function displayValue(name: string, v: unknown): number | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  const digits = metricInfo(name).digits;
  const f = 10 ** digits;
  const r = Math.round(inDisplayUnit(name, v) * f) / f;
  return r === 0 ? 0 : r;
}

/** A metric's direction in a run: its objective's, else the table's (an unknown name: min). */
export function runDirection(config: Pick<CampaignConfig, 'objectives'>, name: string): Direction {
  return config.objectives.find((o) => o.name === name)?.direction ?? metricInfo(name, 'min').direction;
}

/** The scatter plots of a run: a 2-D plot per (other objective, primary objective), and a 3-D one of the first three with 3+. */
export function runPlots(objectives: readonly Objective[]): { pairs: [string, string][]; triple: [string, string, string] | null } {
  if (objectives.length === 0) return { pairs: [], triple: null };
  const primary = primaryObjective(objectives).name;
  const others = objectives.map((o) => o.name).filter((n) => n !== primary);
  const pairs = others.map((x): [string, string] => [x, primary]);
  const triple = others.length >= 2 ? ([primary, others[0], others[1]] as [string, string, string]) : null;
  return { pairs, triple };
}

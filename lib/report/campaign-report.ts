import { join } from 'node:path';
import { RECORDS_FILE } from '../campaign/campaign.js';
import { primaryObjective } from '../campaign/config.js';
import { readRecords } from '../campaign/records.js';
import { replayRecords, type RunState } from '../campaign/state.js';
import { REJECTION_REASONS } from '../propose/types.js';
import { inDisplayUnit, metricHeader } from '../metrics.js';
import type { Figure } from './figures.js';
import { scatterFigure } from './figures.js';
import { runMetrics, runPlots } from './run-metrics.js';
import type { Table } from './table.js';

/** A finished (or interrupted) run, rebuilt from its records alone. */
export function loadRun(runDir: string): RunState & { tornRecord?: { line: number } } {
  const read = readRecords(join(runDir, RECORDS_FILE));
  return { ...replayRecords(read.records), ...(read.torn ? { tornRecord: { line: read.torn.line } } : {}) };
}

export interface RejectionRow {
  reason: string;
  count: number;
  share: number;
  example: string;
}

/** How many proposals each check rejected, with one feedback message as an example. */
export function rejectionRows(state: RunState): RejectionRow[] {
  return REJECTION_REASONS.map((reason) => {
    const count = state.counters.rejected[reason];
    const example = state.outcomes.find((o) => o?.kind === 'rejected' && o.reason === reason);
    return { reason, count, share: state.counters.proposed ? count / state.counters.proposed : 0, example: example?.kind === 'rejected' ? example.message : '' };
  });
}

/** Longest example message shown whole by the display renderers (cut at a word boundary beyond). */
export const EXAMPLE_MESSAGE_CHARS = 160;

/** Whether the run's proposer screens its proposals with the cost estimators (evolution, unless `screen: 0`). */
function screensProposals(config: RunState['config']): boolean {
  const screen = config.proposerSettings?.screen;
  return config.proposer === 'evolution' && !(screen === 0 || screen === '0' || screen === false);
}

/**
 * Why proposals were rejected: one row per check that rejected any, in the order the checks run
 * (Reason, Count, Share of proposals in % to 1 decimal, Example message: the first such
 * proposal's feedback, whole; display renderers cut it at a word boundary after
 * {@link EXAMPLE_MESSAGE_CHARS} characters with an ellipsis). Without rejections the table has no
 * rows and says so in `empty` (e.g. "none: every one of the 150 proposals passed every check; the
 * evolution proposer screens its offspring ...").
 */
export function rejectionsTable(state: RunState): Table {
  const proposed = state.counters.proposed;
  const rows = rejectionRows(state).filter((r) => r.count > 0);
  const total = rows.reduce((n, r) => n + r.count, 0);
  const screened = screensProposals(state.config)
    ? '; the evolution proposer screens its offspring with the cost estimators (MAC range, SRAM limit) and skips repeats before proposing'
    : '';
  return {
    id: 'rejections',
    caption: `Why proposals were rejected (the feedback a proposer receives): ${total} of ${proposed} proposals`,
    columns: ['Reason', 'Count', 'Share of proposals (%)', 'Example message'],
    rows: rows.map((r) => [r.reason, r.count, Math.round(r.share * 1000) / 10, r.example]),
    shorten: { 'Example message': { kind: 'words', max: EXAMPLE_MESSAGE_CHARS } },
    empty: proposed === 0 ? 'none: the run made no proposals' : `none: ${proposed === 1 ? 'the one proposal' : `every one of the ${proposed} proposals`} passed every check${screened}.`,
  };
}

export interface FrontRow {
  proposal: number;
  key: string;
  [metric: string]: number | string;
}

/** The front (the run's own, `frontSize` rows), one row per member, with each objective and limited metric of the run as recorded. */
export function frontRows(state: RunState): FrontRow[] {
  const names = runMetrics(state.config).map((m) => m.name);
  return state.front.front().map((e) => ({
    proposal: e.data?.index ?? -1,
    key: e.id,
    ...Object.fromEntries(names.map((n) => [n, e.values[n] as number])),
  }));
}

/**
 * Every evaluated candidate and the run's front: the primary objective against the run's next
 * objective (display units and labels of the metrics table).
 */
export function frontFigure(state: RunState): Figure {
  const primary = primaryObjective(state.config.objectives);
  const x = runPlots(state.config.objectives).pairs[0]?.[0] ?? primary.name;
  const all = state.evaluations;
  const front = all.filter((e) => state.front.has(e.key)).sort((a, b) => (a.metrics[x] as number) - (b.metrics[x] as number));
  const xs = (es: typeof all) => es.map((e) => inDisplayUnit(x, e.metrics[x] as number));
  const ys = (es: typeof all) => es.map((e) => inDisplayUnit(primary.name, e.metrics[primary.name] as number));
  return scatterFigure(
    [
      { name: 'evaluated', x: xs(all), y: ys(all), text: all.map((e) => `#${e.index}`) },
      { name: 'Pareto front', x: xs(front), y: ys(front), text: front.map((e) => `#${e.index}`) },
    ],
    { title: `${state.config.proposer} + ${state.config.evaluator}: ${state.counters.evaluated} evaluated, front of ${state.front.size}`, xTitle: metricHeader(x), yTitle: `${metricHeader(primary.name)} (${primary.direction === 'max' ? 'higher' : 'lower'} is better)` },
  );
}

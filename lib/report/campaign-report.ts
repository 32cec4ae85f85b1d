import { join } from 'node:path';
import { RECORDS_FILE } from '../campaign/campaign.js';
import { primaryObjective } from '../campaign/config.js';
import { readRecords } from '../campaign/records.js';
import { replayRecords, type RunState } from '../campaign/state.js';
import { REJECTION_REASONS } from '../propose/types.js';
import type { Figure } from './figures.js';
import { scatterFigure } from './figures.js';

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

export interface FrontRow {
  proposal: number;
  key: string;
  [metric: string]: number | string;
}

/** The front, one row per member, with the objectives and the cost metrics. */
export function frontRows(state: RunState): FrontRow[] {
  const names = [...new Set([...state.config.objectives.map((o) => o.name), 'macs', 'params', 'peakSramBytes'])];
  return state.front.front().map((e) => ({
    proposal: e.data?.index ?? -1,
    key: e.id,
    ...Object.fromEntries(names.map((n) => [n, e.values[n] as number])),
  }));
}

/** Every evaluated candidate and the front over MACs against the primary objective. */
export function frontFigure(state: RunState): Figure {
  const primary = primaryObjective(state.config.objectives);
  const onFront = new Set(state.front.front().map((e) => e.id));
  const all = state.evaluations;
  const front = all.filter((e) => onFront.has(e.key)).sort((a, b) => (a.metrics.macs as number) - (b.metrics.macs as number));
  return scatterFigure(
    [
      { name: 'evaluated', x: all.map((e) => (e.metrics.macs as number) / 1e6), y: all.map((e) => e.metrics[primary.name] as number), text: all.map((e) => `#${e.index}`) },
      { name: 'Pareto front', x: front.map((e) => (e.metrics.macs as number) / 1e6), y: front.map((e) => e.metrics[primary.name] as number), text: front.map((e) => `#${e.index}`) },
    ],
    { title: `${state.config.proposer} + ${state.config.evaluator}: ${state.counters.evaluated} evaluated, front of ${state.front.size}`, xTitle: 'MACs (millions)', yTitle: `${primary.name} (${primary.direction === 'max' ? 'higher' : 'lower'} is better)` },
  );
}

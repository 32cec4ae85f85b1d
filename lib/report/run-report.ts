import { join } from 'node:path';
import { primaryObjective } from '../campaign/config.js';
import { RECORDS_FILE } from '../campaign/campaign.js';
import { readRecords } from '../campaign/records.js';
import { resolveRecordedSpace } from '../campaign/run-dir.js';
import { replayRecords, type RunState } from '../campaign/state.js';
import { estimateCosts } from '../cost/estimate.js';
import { lowerBlockNet } from '../space/lower-blocks.js';
import { metricInfo } from '../metrics.js';
import { rejectionRows } from './campaign-report.js';
import { compareRuns } from './compare.js';
import type { Figure } from './figures.js';
import { explanationCards, hypervolumeOverRun, layerBreakdown, paretoScatter2d, paretoScatter3d, rejectionsOverRun, type ExplanationCard } from './paper-figures.js';
import { paretoTable, tableIII } from './paper-tables.js';
import { runPlots } from './run-metrics.js';
import type { Table } from './table.js';

/** Everything a run's report shows, as plain data (rendered by html-report.ts, or in a notebook). */
export interface RunReport {
  runDir: string;
  config: RunState['config'];
  versions: Record<string, unknown>;
  counters: RunState['counters'];
  /** Size of the run's front as replayed (the run summary's `frontSize`); the Pareto table has this many rows. */
  frontSize: number;
  tables: Table[];
  figures: { id: string; title: string; figure: Figure }[];
  explanations: ExplanationCard[];
  tornRecord?: number;
  /** Whether the records end with campaign-end (false: stopped by a kill, or still running). */
  finished: boolean;
}

export function buildRunReport(runDir: string): RunReport {
  const read = readRecords(join(runDir, RECORDS_FILE));
  const state = replayRecords(read.records);
  const start = read.records[0] as { versions?: Record<string, unknown> };
  const primary = primaryObjective(state.config.objectives);
  const rejections: Table = {
    id: 'rejections',
    caption: 'Why proposals were rejected (the feedback a proposer receives)',
    columns: ['Reason', 'Count', 'Share', 'Example message'],
    rows: rejectionRows(state).filter((r) => r.count > 0).map((r) => [r.reason, r.count, Math.round(r.share * 1000) / 1000, r.example.slice(0, 160)]),
  };
  const tables: Table[] = [paretoTable(state), tableIII(compareRuns([runDir])), rejections];
  const failures = read.records.filter((r) => r.type === 'failure');
  if (failures.length > 0) {
    // A trainer's crash, timeout or malformed result (e.g. a declared metric missing): shown, never only in the JSONL.
    const kinds = [...new Set(failures.map((f) => String(f.kind)))];
    tables.push({
      id: 'failures',
      caption: `Evaluations that failed (${failures.length} of ${state.counters.valid} valid candidates)`,
      columns: ['Kind', 'Count', 'Last proposal', 'Last message'],
      rows: kinds.map((k) => {
        const of = failures.filter((f) => String(f.kind) === k);
        const last = of[of.length - 1] as (typeof failures)[number];
        return [k, of.length, last.index as number, String(last.message).slice(0, 240)];
      }),
    });
  }
  const figures: RunReport['figures'] = [];
  if (state.evaluations.length > 0) {
    // The run's own objectives and front: a 2-D plot per (other objective, primary), a 3-D one with 3+ objectives.
    const plots = runPlots(state.config.objectives);
    plots.pairs.forEach(([x, y], i) => {
      figures.push({ id: i === 0 ? 'pareto-2d' : `pareto-2d-${x.replace(/[^A-Za-z0-9_-]/g, '-')}`, title: `Pareto front: ${metricInfo(y).label} against ${metricInfo(x).label}`, figure: paretoScatter2d(state, x, y, { records: read.records }) });
    });
    if (plots.triple) figures.push({ id: 'pareto-3d', title: `Pareto front in 3-D: ${plots.triple.map((n) => metricInfo(n).label).join(', ')}`, figure: paretoScatter3d(state, plots.triple) });
    figures.push({ id: 'hypervolume', title: 'Hypervolume and front size over the run', figure: hypervolumeOverRun(state) });
  }
  if (state.counters.proposed > 0) figures.push({ id: 'rejections', title: 'Rejections over the run', figure: rejectionsOverRun(read.records) });
  const best = state.front.best(primary.name, { feasibleOnly: true });
  const bestEval = best && state.evaluations.find((e) => e.key === best.id);
  if (bestEval) {
    const space = resolveRecordedSpace(runDir, state.config.space);
    const graph = lowerBlockNet(bestEval.candidate, { resolution: space.input.resolution, classes: space.classes, inputChannels: space.input.channels });
    figures.push({ id: 'layers', title: `Per-layer costs of the best ${metricInfo(primary.name).label} candidate (#${bestEval.index})`, figure: layerBreakdown(estimateCosts(graph, { model: state.config.sramModel })) });
  }
  return {
    runDir,
    config: state.config,
    versions: start.versions ?? {},
    counters: state.counters,
    finished: state.ended !== undefined,
    frontSize: state.front.size,
    tables,
    figures,
    explanations: explanationCards(read.records, state),
    ...(read.torn ? { tornRecord: read.torn.line } : {}),
  };
}

import { join } from 'node:path';
import { primaryObjective } from '../campaign/config.js';
import { RECORDS_FILE } from '../campaign/campaign.js';
import { readRecords } from '../campaign/records.js';
import { resolveRecordedSpace } from '../campaign/run-dir.js';
import { replayRecords, type RunState } from '../campaign/state.js';
import { estimateCosts } from '../cost/estimate.js';
import { lowerBlockNet } from '../space/lower-blocks.js';
import { runLimits } from '../limits.js';
import { metricInfo } from '../metrics.js';
import { rejectionsTable } from './campaign-report.js';
import { compareRuns } from './compare.js';
import { explanationCards, type ExplanationCard } from './explanations.js';
import type { Figure } from './figures/figure.js';
import { hypervolumeOverRunFigure, hypervolumeOverRunInfo } from './figures/hypervolume-over-run.js';
import { layerCostsFigure, layerCostsInfo } from './figures/layer-costs.js';
import { paretoScatter3dFigure, paretoScatter3dInfo } from './figures/pareto-scatter-3d.js';
import { paretoScatterFigure, paretoScatterInfo } from './figures/pareto-scatter.js';
import { rejectionsOverRunFigure, rejectionsOverRunInfo } from './figures/rejections-over-run.js';
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
  /** Figures left out because they would be empty, each with the sentence the page shows instead (e.g. rejections of a run that had none). */
  figureNotes: { id: string; title: string; text: string }[];
  explanations: ExplanationCard[];
  tornRecord?: number;
  /** Whether the records end with campaign-end (false: stopped by a kill, or still running). */
  finished: boolean;
}

/**
 * A run's report from its directory's records alone: the Pareto table, Table III and the
 * rejections table; the Pareto scatters (2-D per objective pair, 3-D with 3+ objectives), the
 * hypervolume over the run, the rejections over the run (a sentence instead when nothing was
 * rejected) and the per-layer costs of the best feasible candidate against the run's SRAM and
 * flash limits; the explanation cards. Throws what readRecords and replay throw on bad records.
 */
export function buildRunReport(runDir: string): RunReport {
  const read = readRecords(join(runDir, RECORDS_FILE));
  const state = replayRecords(read.records);
  const start = read.records[0] as { versions?: Record<string, unknown> };
  const primary = primaryObjective(state.config.objectives);
  const rejections = rejectionsTable(state);
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
        return [k, of.length, last.index as number, String(last.message)];
      }),
      shorten: { 'Last message': { kind: 'words', max: 240 } },
    });
  }
  const figures: RunReport['figures'] = [];
  if (state.evaluations.length > 0) {
    // The run's own objectives and front: a 2-D plot per (other objective, primary), a 3-D one with 3+ objectives.
    const plots = runPlots(state.config.objectives);
    plots.pairs.forEach(([x, y], i) => {
      figures.push({ id: i === 0 ? 'pareto-2d' : `pareto-2d-${x.replace(/[^A-Za-z0-9_-]/g, '-')}`, title: `Pareto front: ${metricInfo(y).label} against ${metricInfo(x).label}`, figure: paretoScatterFigure(paretoScatterInfo(state, x, y, { records: read.records })) });
    });
    if (plots.triple) figures.push({ id: 'pareto-3d', title: `Pareto front in 3-D: ${plots.triple.map((n) => metricInfo(n).label).join(', ')}`, figure: paretoScatter3dFigure(paretoScatter3dInfo(state, plots.triple)) });
    figures.push({ id: 'hypervolume', title: 'Hypervolume and front size over the run', figure: hypervolumeOverRunFigure(hypervolumeOverRunInfo(state)) });
  }
  const figureNotes: RunReport['figureNotes'] = [];
  if (state.counters.proposed > 0) {
    const rejected = rejectionsOverRunInfo(read.records);
    if (rejected.total > 0) figures.push({ id: 'rejections', title: 'Rejections over the run', figure: rejectionsOverRunFigure(rejected) });
    else figureNotes.push({ id: 'rejections', title: 'Rejections over the run', text: rejections.empty ?? 'none: nothing was rejected.' });
  }
  const best = state.front.best(primary.name, { feasibleOnly: true });
  const bestEval = best && state.evaluations.find((e) => e.key === best.id);
  if (bestEval) {
    const space = resolveRecordedSpace(runDir, state.config.space);
    const graph = lowerBlockNet(bestEval.candidate, { resolution: space.input.resolution, classes: space.classes, inputChannels: space.input.channels });
    const limits = runLimits(state.config);
    const sramLimitBytes = limits.find((l) => l.name === 'peakSramBytes')?.max;
    const flashLimitBytes = limits.find((l) => l.name === 'flashBytes')?.max;
    const info = layerCostsInfo(estimateCosts(graph, { model: state.config.sramModel }), { ...(sramLimitBytes !== undefined ? { sramLimitBytes } : {}), ...(flashLimitBytes !== undefined ? { flashLimitBytes } : {}) });
    figures.push({ id: 'layers', title: `Per-layer costs of the best ${metricInfo(primary.name).label} candidate (#${bestEval.index})`, figure: layerCostsFigure(info) });
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
    figureNotes,
    explanations: explanationCards(read.records, state),
    ...(read.torn ? { tornRecord: read.torn.line } : {}),
  };
}

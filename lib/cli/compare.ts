import { REJECTION_REASONS } from '../propose/types.js';
import { compareRuns, formatPoint, metricRangeAvg, objectivesText, runLabel, type Comparison, type RunComparison } from '../report/compare.js';
import { metricColumn, runMetrics, type RunMetric } from '../report/run-metrics.js';
import { formatInt, textTable } from '../report/text-table.js';
import { checkPositionals, jsonOut, numberListFlag, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';

export const COMPARE_COMMAND = defineCommand({
  name: 'compare',
  args: 'RUN_DIR [RUN_DIR...]',
  summary: 'runs side by side: Table III of the LMaNet paper, then valid rate, rejections, hypervolume, LLM calls and tokens',
  example: 'paretonas compare runs/qwen runs/llama --ref "0,400e6,2e6"',
  flags: {
    ref: { type: 'string', value: 'LIST', default: 'the worst evaluated value of any run plus 10 % of the range', help: 'hypervolume reference point: one number per objective, in the objectives\' own units' },
    json: { type: 'boolean', help: 'print the comparison as JSON' },
  },
});
export const COMPARE_USAGE = usageLine(COMPARE_COMMAND);

const seconds = (s: number | null): string => (s === null ? '—' : s >= 3600 ? `${(s / 3600).toFixed(2)} h` : `${s.toFixed(1)} s`);
const percent = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
const hv = (x: number | null): string => (x === null ? '—' : x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3) ? x.toExponential(4) : String(Number(x.toPrecision(5))));

/** Rejection reasons listed in the search table's rejected column (duplicates have their own column). */
const OTHER_REASONS = REJECTION_REASONS.filter((reason) => reason !== 'duplicate');

/**
 * Table III's layout for runs that share objectives: TC, PC, then `[min, max] avg` over each
 * front of a column per objective and limited metric of the runs (labels, units and decimals of
 * lib/metrics.ts); '—' where a run neither optimises nor limits that metric.
 */
function frontTable(runs: readonly RunComparison[]): string {
  const columns: RunMetric[] = [];
  for (const r of runs) for (const m of runMetrics({ objectives: r.objectives, limits: r.limits })) if (!columns.some((c) => c.name === m.name)) columns.push(m);
  const own = (r: RunComparison, name: string) => r.objectives.some((o) => o.name === name) || r.limits.some((l) => l.name === name);
  return textTable(
    ['Run', 'Model / proposer', 'TC', 'PC', ...columns.map(metricColumn)],
    runs.map((r) => [r.run, runLabel(r), String(r.totalCandidates), String(r.paretoCandidates), ...columns.map((m) => (own(r, m.name) ? metricRangeAvg(r, m.name) : '—'))]),
  );
}

/** The text report: a Table III-style table per set of objectives, then the search statistics, then notes. */
export function renderComparison(c: Comparison): string {
  const groups = new Map<string, RunComparison[]>();
  for (const r of c.runs) groups.set(objectivesText(r.objectives), [...(groups.get(objectivesText(r.objectives)) ?? []), r]);
  const tables = [...groups.entries()].flatMap(([objectives, runs]) => (groups.size > 1 ? [`objectives ${objectives}:`, frontTable(runs), ''] : [frontTable(runs), '']));
  const lines = [
    ...(c.objectivesDiffer ? [`note: ${c.objectivesDiffer}`] : []),
    'Pareto candidates per run, [min, max] avg (as Table III) of each objective and limited metric. TC: evaluated candidates; PC: Pareto candidates.',
    ...tables,
    'Search',
    textTable(
      ['Run', 'proposals', 'valid rate', 'rejected (by reason)', 'duplicates', 'failed', 'hypervolume', 'HV share', 'LLM calls', 'tokens (prompt / reply)', 'LLM time', 'wall time'],
      c.runs.map((r: RunComparison) => [
        r.run,
        r.proposals,
        percent(r.validRate),
        OTHER_REASONS.filter((reason) => r.rejected[reason] > 0).map((reason) => `${reason} ${r.rejected[reason]}`).join(', ') || 'none',
        r.duplicates,
        r.failed,
        hv(r.hypervolume),
        percent(r.hypervolumeShare),
        r.llm.calls === 0 ? '0' : `${r.llm.calls}${r.llm.failedCalls ? ` (${r.llm.failedCalls} failed)` : ''}`,
        `${formatInt(r.llm.promptTokens)} / ${formatInt(r.llm.replyTokens)}`,
        seconds(r.llm.calls ? r.llm.seconds : 0),
        seconds(r.seconds),
      ]),
    ),
    '',
  ];
  const objectives = c.objectives.map((o) => `${o.name}:${o.direction}`).join(',');
  if (c.reference) {
    const how = c.reference.source === 'given' ? 'given with --ref' : 'the worst evaluated value of any run plus 10 % of the range';
    lines.push(`objectives ${objectives}; hypervolume against one reference point for every run (${how}): ${formatPoint(c.objectives, c.reference.point)}`);
    if (c.ideal) lines.push(`HV share: the hypervolume over the box between the best evaluated values (${formatPoint(c.objectives, c.ideal)}) and the reference`);
  } else if (!c.objectivesDiffer) {
    lines.push(`objectives ${objectives}; no hypervolume: no run evaluated a candidate`);
  }
  const explained = c.runs.filter((r) => r.llm.explanations > 0);
  if (explained.length) lines.push(`explanations: ${explained.map((r) => `${r.run} ${r.llm.explanations}`).join(', ')}`);
  for (const r of c.runs) {
    if (r.tornRecord) lines.push(`note: ${r.run} ends in a torn record (line ${r.tornRecord.line}, a write cut short); read without it`);
    if (r.seconds === null) lines.push(`note: ${r.run} has no campaign-end record (interrupted): no wall time`);
    if (r.latency) lines.push(`note: ${r.run}: ${r.latency}`);
  }
  return lines.join('\n');
}

export function compareCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, COMPARE_COMMAND.flags);
  checkPositionals('RUN_DIR', positionals, 'one or more run directory paths, each holding records.jsonl', 1, Infinity);
  const comparison = compareRuns(positionals, values.ref !== undefined ? { ref: numberListFlag('ref', values.ref, undefined, '"0,400e6,2e6"') } : {});
  if (values.json) return jsonOut(comparison);
  return renderComparison(comparison);
}

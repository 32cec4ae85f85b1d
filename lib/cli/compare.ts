import { metricInfo } from '../metrics.js';
import { REJECTION_REASONS } from '../propose/types.js';
import { checkDistinctRuns, compareGroups, formatReference, GROUP_BY_FIELDS, IGNORED_SETTINGS, type GroupComparison, type SampleSummary } from '../report/compare-groups.js';
import { extname } from 'node:path';
import { formatValue, InputError } from '../errors.js';
import { compareHtml } from '../report/compare-html.js';
import { compareRuns, formatPoint, metricRangeAvg, objectivesText, runLabel, type Comparison, type ModeValidity, type RunComparison } from '../report/compare.js';
import { metricColumn, runMetrics, type RunMetric } from '../report/run-metrics.js';
import { formatInt, textTable } from '../report/text-table.js';
import { checkPositionals, jsonOut, numberListFlag, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { prepareOutput, writeOutput } from './output-file.js';

export const COMPARE_COMMAND = defineCommand({
  name: 'compare',
  args: 'RUN_DIR [RUN_DIR...]',
  summary: 'runs side by side: Table III of the LMaNet paper, then valid rate, rejections, hypervolume, LLM calls and tokens; with --group-by, seeds of one configuration as groups and a Mann-Whitney U test between them',
  example: 'paretonas compare runs/qwen runs/llama --ref "0,400e6,2e6"',
  flags: {
    ref: { type: 'string', value: 'LIST', default: 'the worst evaluated value of any run plus 10 % of the range', help: 'hypervolume reference point: one number per objective, in the objectives\' own units' },
    'group-by': { type: 'string', value: GROUP_BY_FIELDS.join('|'), help: 'runs differing only in the seed form a group, named by this setting: per group the hypervolume (mean, sd, values), valid rate and wall time; between every two groups a two-sided Mann-Whitney U test on the hypervolumes (exact p for small samples), Cliff\'s delta, A12 and the Holm-adjusted p' },
    json: { type: 'boolean', help: 'print the comparison as JSON (with --group-by: {"groups", "tests", ...})' },
    html: { type: 'string', value: 'FILE', help: 'also write FILE.html, an offline page: the Table III-style and search tables; with --group-by the groups, the Mann-Whitney U tests, the notes and a figure of each group\'s hypervolumes (mean ± sd)' },
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
  const llmRuns = c.runs.filter((r) => r.validByMode !== null);
  if (llmRuns.length) {
    const cell = (m: ModeValidity | undefined) => (!m || m.rate === null ? '—' : `${percent(m.rate)} (${m.valid} / ${m.proposals})`);
    lines.push(
      'Valid-generation rate per LLM mode (per proposal: one with a parent is a delta proposal, a JSON Patch; any other a full one)',
      textTable(['Run', 'LLM mode', 'full: valid rate (valid / proposals)', 'delta: valid rate (valid / proposals)'], llmRuns.map((r) => [r.run, r.llmMode ?? '—', cell(r.validByMode?.full), cell(r.validByMode?.delta)])),
      '',
    );
  }
  const objectives = c.objectives.map((o) => `${o.name}:${o.direction}`).join(',');
  if (c.reference) {
    const how = c.reference.source === 'given' ? 'given with --ref' : 'the worst evaluated value of any run plus 10 % of the range';
    lines.push(`objectives ${objectives}; hypervolume against one reference point for every run (${how}): ${formatReference(c.objectives, c.reference.point)}`);
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

/** A p value for people: 4 significant digits, never 0 (below 1e-4 in exponent form). */
const pValue = (p: number): string => (p < 1e-4 ? p.toExponential(2) : String(Number(p.toPrecision(4))));
const signed = (x: number): string => `${x > 0 ? '+' : ''}${Number(x.toFixed(3))}`;
const meanSd = (s: SampleSummary, f: (x: number) => string): string => (s.mean === null ? '—' : `${f(s.mean)}${s.sd === null ? ' (one run: no sd)' : ` ± ${f(s.sd)}`}`);

/**
 * The grouped comparison as text: a table of the groups (hypervolume mean ± sample sd and values
 * against the stated common reference point, valid rate, wall time), the Mann-Whitney U table, notes.
 */
export function renderGroupComparison(g: GroupComparison, objectives: Comparison['objectives']): string {
  const units = objectives.map((o) => metricInfo(o.name, o.direction).label).join(' × ');
  const lines = [
    `Groups by ${g.groupBy}: runs whose configurations differ only in the seed (and in ${IGNORED_SETTINGS}, which say when a run stops or how it is dispatched)`,
    textTable(
      ['Group', 'runs', 'seeds', 'hypervolume mean ± sd', 'hypervolume per run', 'valid rate mean', 'valid rate per run', 'wall time mean'],
      g.groups.map((x) => [
        x.name,
        String(x.runs.length),
        x.seeds.join(', '),
        meanSd(x.hypervolume, hv),
        x.hypervolume.values.map(hv).join(', ') || '—',
        percent(x.validRate.mean),
        x.validRate.values.map(percent).join(', ') || '—',
        seconds(x.seconds.mean),
      ]),
    ),
    g.reference
      ? `hypervolume: each run's front against one reference point for every run (${g.reference.source === 'given' ? 'given with --ref' : 'the worst evaluated value of any run plus 10 % of the range'}): ${formatReference(objectives, g.reference.point)}; in the product of the objectives' recorded units (${units}: counts, bytes and ms as recorded, not the tables' M or KiB); sd: sample standard deviation (n - 1)`
      : g.groups.some((x) => x.hypervolume.values.length > 0)
        ? 'hypervolume: 0 for every run (no run has a feasible evaluation: an empty front dominates nothing, whatever the reference point)'
        : 'no hypervolume',
  ];
  if (g.tests.length) {
    lines.push(
      '',
      'Two-sided Mann-Whitney U test on the runs\' hypervolumes, every pair of groups (U of the first group; Holm: Holm-Bonferroni adjusted over the pairs; Cliff\'s delta = P(first > second) - P(first < second); A12 = P(first > second) + P(tie) / 2)',
      textTable(
        ['Group A', 'Group B', 'n A', 'n B', 'U', 'p', 'p method', 'Holm p', 'smallest possible p', 'Cliff\'s delta', 'A12'],
        g.tests.map((t) => [t.a, t.b, String(t.n1), String(t.n2), String(t.u), pValue(t.p), t.method, pValue(t.pHolm), (t.smallestP === null ? '—' : pValue(t.smallestP)), signed(t.cliffsDelta), t.a12.toFixed(3)]),
      ),
    );
  }
  for (const n of g.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

/** --html FILE: a .html path outside every run directory, writable (checked before any work). */
function checkHtmlPath(path: string, runDirs: readonly string[]): void {
  const ext = extname(path).toLowerCase();
  if (ext !== '.html') throw new InputError('--html', path, 'a file ending in .html', `got ${formatValue(path)}: ends in ${formatValue(ext || 'no extension')}`);
  for (const runDir of runDirs) prepareOutput('--html', path, { runDir, refuse: 'inside' });
  prepareOutput('--html', path);
}

export function compareCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, COMPARE_COMMAND.flags);
  checkPositionals('RUN_DIR', positionals, 'one or more run directory paths, each holding records.jsonl', 1, Infinity);
  const groupBy = values['group-by'];
  if (groupBy !== undefined && !(GROUP_BY_FIELDS as readonly string[]).includes(groupBy)) throw new InputError('--group-by', groupBy, GROUP_BY_FIELDS.join(', '));
  if (groupBy !== undefined) checkDistinctRuns(positionals);
  if (values.html !== undefined) checkHtmlPath(values.html, positionals);
  const comparison = compareRuns(positionals, values.ref !== undefined ? { ref: numberListFlag('ref', values.ref, undefined, '"0,400e6,2e6"') } : {});
  const grouped = groupBy === undefined ? null : compareGroups(comparison, groupBy);
  if (values.html !== undefined) writeOutput('--html', values.html, compareHtml(comparison, grouped));
  const wrote = values.html !== undefined && !values.json ? `\npage: ${values.html}` : '';
  if (grouped === null) return values.json ? jsonOut(comparison) : `${renderComparison(comparison)}${wrote}`;
  if (values.json) return jsonOut({ ...grouped, comparison });
  return `${renderComparison(comparison)}\n\n${renderGroupComparison(grouped, comparison.objectives)}${wrote}`;
}

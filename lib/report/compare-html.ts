/**
 * `paretonas compare RUN... [--group-by F] --html FILE`: the comparison as one offline HTML page.
 * Compute first: {@link compareTables} turns a Comparison (lib/report/compare.ts) and, with
 * --group-by, a GroupComparison (lib/report/compare-groups.ts) into plain {@link Table}s and the
 * group-hypervolume figure's data; render second: {@link compareHtml} formats them with
 * render-table.ts's `toHtml` and html.ts's figure helpers (plotly.js's minified build inlined
 * once, only when there is a figure; nothing fetched from the network).
 *
 * The page holds: a Table III-style table per set of objectives (TC, PC, `[min, max] avg` of each
 * objective and limited metric over each run's Pareto front; LMaNet paper's Table III), the search
 * table (proposals, valid rate, rejections, hypervolume against the common reference point, LLM
 * use, wall time), the valid-generation rate per LLM mode when a run used an LLM, and with
 * --group-by the groups table (hypervolume mean ± sample sd and values, valid rate, wall time), the
 * two-sided Mann-Whitney U tests table, the notes and the figure of each group's hypervolumes.
 */
import { metricInfo } from '../metrics.js';
import { REJECTION_REASONS } from '../propose/types.js';
import { formatReference, type GroupComparison } from './compare-groups.js';
import { formatPoint, metricRangeAvg, objectivesText, runLabel, type Comparison, type RunComparison } from './compare.js';
import { groupHypervolumeFigure, groupHypervolumeInfo, type GroupHypervolumeInfo } from './figures/group-hypervolume.js';
import { figureHtml, plotlyLibraryHtml } from './html.js';
import { escapeHtml, toHtml } from './render-table.js';
import { metricColumn, runMetrics, type RunMetric } from './run-metrics.js';
import type { Table } from './table.js';

const OTHER_REASONS = REJECTION_REASONS.filter((reason) => reason !== 'duplicate');
const pct = (x: number | null): number | null => (x === null ? null : 100 * x);

/** How the common reference point was chosen, in words. */
const referenceSource = (source: 'given' | 'union'): string => (source === 'given' ? 'given with --ref' : 'the worst evaluated value of any run plus 10 % of the range');

/** The page's content as plain data: tables in page order, lines of notes, the figure's data (null without --group-by or without hypervolumes). */
export interface ComparePageData {
  title: string;
  tables: Table[];
  notes: string[];
  figure: GroupHypervolumeInfo | null;
}

/** Table III's layout for the runs sharing one set of objectives (as `compare`'s text). */
function frontTable(runs: readonly RunComparison[], id: string, objectives: string | null): Table {
  const columns: RunMetric[] = [];
  for (const r of runs) for (const m of runMetrics({ objectives: r.objectives, limits: r.limits })) if (!columns.some((c) => c.name === m.name)) columns.push(m);
  const own = (r: RunComparison, name: string) => r.objectives.some((o) => o.name === name) || r.limits.some((l) => l.name === name);
  return {
    id,
    caption: `Pareto candidates per run, [min, max] avg (as Table III) of each objective and limited metric${objectives ? `; objectives ${objectives}` : ''}`,
    columns: ['Run', 'Model / proposer', 'TC', 'PC', ...columns.map(metricColumn)],
    rows: runs.map((r) => [r.run, runLabel(r), r.totalCandidates, r.paretoCandidates, ...columns.map((m) => (own(r, m.name) ? metricRangeAvg(r, m.name) : null))]),
    notes: ['TC: evaluated candidates; PC: Pareto candidates; — where a run neither optimises nor limits the metric.'],
  };
}

function searchTable(c: Comparison): Table {
  const notes: string[] = [];
  if (c.reference) {
    notes.push(`Hypervolume: each run's front against one reference point for every run (${referenceSource(c.reference.source)}): ${formatReference(c.objectives, c.reference.point)}; in the product of the objectives' recorded units (${c.objectives.map((o) => metricInfo(o.name, o.direction).label).join(' × ')}).`);
    if (c.ideal) notes.push(`HV share: the hypervolume over the box between the best evaluated values (${formatPoint(c.objectives, c.ideal)}) and the reference.`);
  } else {
    notes.push(c.objectivesDiffer ? `No hypervolume: ${c.objectivesDiffer}` : 'No hypervolume: no run evaluated a candidate.');
  }
  return {
    id: 'search',
    caption: 'Search',
    columns: ['Run', 'proposals', 'valid rate (%)', 'rejected (by reason)', 'duplicates', 'failed', 'hypervolume', 'HV share (%)', 'LLM calls', 'LLM failed calls', 'prompt tokens', 'reply tokens', 'LLM time (s)', 'wall time (s)'],
    rows: c.runs.map((r) => [
      r.run,
      r.proposals,
      pct(r.validRate),
      OTHER_REASONS.filter((reason) => r.rejected[reason] > 0).map((reason) => `${reason} ${r.rejected[reason]}`).join(', ') || 'none',
      r.duplicates,
      r.failed,
      r.hypervolume,
      pct(r.hypervolumeShare),
      r.llm.calls,
      r.llm.failedCalls,
      r.llm.promptTokens,
      r.llm.replyTokens,
      r.llm.calls ? r.llm.seconds : 0,
      r.seconds,
    ]),
    notes,
  };
}

function modeTable(c: Comparison): Table | null {
  const llmRuns = c.runs.filter((r) => r.validByMode !== null);
  if (!llmRuns.length) return null;
  return {
    id: 'valid-by-llm-mode',
    caption: 'Valid-generation rate per LLM mode (per proposal: one with a parent is a delta proposal, a JSON Patch; any other a full one)',
    columns: ['Run', 'LLM mode', 'full: valid rate (%)', 'full: valid', 'full: proposals', 'delta: valid rate (%)', 'delta: valid', 'delta: proposals'],
    rows: llmRuns.map((r) => {
      const f = r.validByMode?.full;
      const d = r.validByMode?.delta;
      return [r.run, r.llmMode, pct(f?.rate ?? null), f?.valid ?? null, f?.proposals ?? null, pct(d?.rate ?? null), d?.valid ?? null, d?.proposals ?? null];
    }),
  };
}

function groupsTable(g: GroupComparison, c: Comparison): Table {
  return {
    id: 'groups',
    caption: `Groups by ${g.groupBy}: runs whose configurations differ only in the seed (budget, workers and time limit aside)`,
    columns: ['Group', 'runs', 'seeds', 'hypervolume mean', 'hypervolume sd', 'hypervolume per run', 'valid rate mean (%)', 'valid rate per run (%)', 'wall time mean (s)'],
    rows: g.groups.map((x) => [
      x.name,
      x.runs.length,
      x.seeds.join(', '),
      x.hypervolume.mean,
      x.hypervolume.sd,
      x.hypervolume.values.map((v) => String(Number(v.toPrecision(6)))).join(', ') || null,
      pct(x.validRate.mean),
      x.validRate.values.map((v) => String(Number((100 * v).toPrecision(4)))).join(', ') || null,
      x.seconds.mean,
    ]),
    notes: [
      g.reference
        ? `Hypervolume: each run's front against one reference point for every run (${referenceSource(g.reference.source)}): ${formatReference(c.objectives, g.reference.point)}; in the product of the objectives' recorded units (${c.objectives.map((o) => metricInfo(o.name, o.direction).label).join(' × ')}: counts, bytes and ms as recorded, not the tables' M or KiB). sd: sample standard deviation (n - 1); — for a group of one run.`
        : 'No hypervolume.',
    ],
  };
}

function testsTable(g: GroupComparison): Table {
  return {
    id: 'mann-whitney',
    caption: 'Two-sided Mann-Whitney U test on the runs\' hypervolumes, every pair of groups',
    columns: ['Group A', 'Group B', 'n A', 'n B', 'U', 'p', 'p method', 'Holm p', 'smallest possible p', 'Cliff\'s delta', 'A12'],
    rows: g.tests.map((t) => [t.a, t.b, t.n1, t.n2, t.u, t.p, t.method, t.pHolm, t.smallestP, t.cliffsDelta, t.a12]),
    empty: 'no test: a Mann-Whitney U test needs two groups of two runs or more with hypervolumes (see the notes)',
    notes: ['U of group A (scipy\'s U1); Holm: Holm-Bonferroni adjusted over the pairs; Cliff\'s delta = P(A > B) - P(A < B); A12 = P(A > B) + P(tie) / 2; exact p for small samples without ties, else the normal approximation with continuity correction (scipy 1.10.1\'s mannwhitneyu).'],
  };
}

/** The page's tables, notes and figure data from a comparison and, with --group-by, its grouping. Pure. */
export function compareTables(c: Comparison, grouped: GroupComparison | null = null): ComparePageData {
  const sets = new Map<string, RunComparison[]>();
  for (const r of c.runs) sets.set(objectivesText(r.objectives), [...(sets.get(objectivesText(r.objectives)) ?? []), r]);
  const fronts = [...sets.entries()].map(([objectives, runs], i) => frontTable(runs, sets.size > 1 ? `table-iii-${i + 1}` : 'table-iii', sets.size > 1 ? objectives : null));
  const mode = modeTable(c);
  const tables = [...fronts, searchTable(c), ...(mode ? [mode] : [])];
  const notes: string[] = [];
  for (const r of c.runs) {
    if (r.tornRecord) notes.push(`${r.run} ends in a torn record (line ${r.tornRecord.line}, a write cut short); read without it`);
    if (r.seconds === null) notes.push(`${r.run} has no campaign-end record (interrupted): no wall time`);
    if (r.latency) notes.push(`${r.run}: ${r.latency}`);
  }
  if (grouped) {
    tables.push(groupsTable(grouped, c), testsTable(grouped));
    notes.push(...grouped.notes);
  }
  const figure = grouped && grouped.reference !== null && grouped.groups.some((g) => g.hypervolume.values.length > 0) ? groupHypervolumeInfo(grouped, c.objectives) : null;
  return { title: `paretonas compare: ${c.runs.map((r) => r.run).join(', ')}${grouped ? ` (grouped by ${grouped.groupBy})` : ''}`, tables, notes, figure };
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}caption{font-weight:600;text-align:left;padding:.4rem 0}tfoot td{font-size:.8rem;color:#555}`;

/**
 * The offline page: tables, the notes, then the figure (plotly.js inlined once, before it; not at
 * all without a figure). All text escaped; nothing fetched from the network.
 */
export function compareHtml(c: Comparison, grouped: GroupComparison | null = null): string {
  const d = compareTables(c, grouped);
  const parts = [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<title>${escapeHtml(d.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>Comparison of ${c.runs.length} run${c.runs.length === 1 ? '' : 's'}${grouped ? `, grouped by ${escapeHtml(grouped.groupBy)}` : ''}</h1>`,
    c.objectivesDiffer ? `<p>${escapeHtml(c.objectivesDiffer)}</p>` : '',
    ...d.tables.map((t) => toHtml(t)),
  ];
  if (d.notes.length) parts.push('<h2>Notes</h2>', `<ul id="notes">${d.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  if (d.figure) {
    parts.push('<h2>Hypervolume per group</h2>', plotlyLibraryHtml(), figureHtml(groupHypervolumeFigure(d.figure)));
  } else if (grouped) {
    parts.push('<h2>Hypervolume per group</h2>', '<p id="group-hypervolume-note">no figure: no run has a hypervolume (see the notes)</p>');
  }
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}

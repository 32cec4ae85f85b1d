import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCampaign, type CampaignDeps, type CampaignSummary } from '../../lib/campaign/campaign.js';
import { configFromSpace, type CampaignConfig } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import { renderComparison } from '../../lib/cli/compare.js';
import { reportCommand } from '../../lib/cli/report.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { createProposer } from '../../lib/propose/registry.js';
import { loadRun } from '../../lib/report/campaign-report.js';
import { compareRuns, comparisonRows } from '../../lib/report/compare.js';
import { paretoTable, tableIII } from '../../lib/report/paper-tables.js';
import { buildRunReport } from '../../lib/report/run-report.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { canonicalKey } from '../../lib/space/key.js';
import { evaluation, proposal, writeRun } from './run-records.js';

const tmp = mkdtempSync(`${tmpdir()}/run-objectives-`);
const KiB = 1024;
type Trace = { name?: string; mode?: string; x: number[]; y: number[]; z?: number[] };
type Layout = { title: { text: string }; xaxis?: { title: { text: string } }; yaxis?: { title: { text: string } }; scene?: Record<string, { title: { text: string } }> };

/** Non-dominated rows of `points` (all minimised), written here from the definition: nothing at least as good everywhere and better somewhere. */
function nondominated(points: readonly number[][]): number[] {
  const dominates = (a: number[], b: number[]) => a.every((v, j) => v <= (b[j] as number)) && a.some((v, j) => v < (b[j] as number));
  return points.flatMap((p, i) => (points.some((q, k) => k !== i && dominates(q, p)) ? [] : [i]));
}

describe('the report of a run with other objectives (cost evaluator: flash, SRAM, MACs:max; a params limit)', () => {
  // Table I's space limits (MACs 70-350 M, peak SRAM <= 320 KiB) plus a --constraint-like params limit.
  const PARAMS_MAX = 1.5e6;
  const objectives = [{ name: 'flashBytes', direction: 'min' as const }, { name: 'peakSramBytes', direction: 'min' as const }, { name: 'macs', direction: 'max' as const }];
  const dir = `${tmp}/flash-sram-macs`;
  let summary: CampaignSummary;
  const deps: CampaignDeps = { createProposer, createEvaluator: (spec, options) => createEvaluator(spec, options) };

  it('runs', async () => {
    const config: CampaignConfig = configFromSpace(resolveSpace(), { space: 'tinyml-cifar100', proposer: 'evolution', evaluator: 'cost', budget: 60, seed: 11, objectives, limits: [{ name: 'params', max: PARAMS_MAX }] });
    summary = await runCampaign(dir, config, deps);
    expect(summary.evaluated).toBeGreaterThan(5);
  }, 60_000);

  it('the Pareto table: a column per objective and per limit; the run\'s front, equal to a recomputation from the records', () => {
    const state = loadRun(dir);
    const t = paretoTable(state);
    // objectives in order, then the metric only limited (params); MACs is an objective and a limit: one column
    expect(t.columns).toEqual(['Proposal', 'Key', 'flash (KiB) ↓', 'peak SRAM (KiB) ↓', 'MACs (M) ↑', 'params (M)']);
    expect(t.rows).toHaveLength(summary.frontSize);
    expect(state.front.size).toBe(summary.frontSize);

    // Independent: the recorded evaluations, the hand-listed limits, feasible first, then non-dominated.
    const { records } = readRecords(`${dir}/records.jsonl`);
    const evals = records.filter((r) => r.type === 'evaluation').map((r) => ({ index: r.index as number, metrics: r.metrics as Record<string, number> }));
    const feasible = evals.filter(({ metrics: m }) => (m.macs as number) >= 70e6 && (m.macs as number) <= 350e6 && (m.peakSramBytes as number) <= 320 * KiB && (m.params as number) <= PARAMS_MAX);
    expect(feasible.length).toBeGreaterThan(0);
    const front = nondominated(feasible.map(({ metrics: m }) => [m.flashBytes as number, m.peakSramBytes as number, -(m.macs as number)])).map((i) => feasible[i]!);
    expect(t.rows.map((r) => r[0]).sort((a, b) => (a as number) - (b as number))).toEqual(front.map((e) => e.index).sort((a, b) => a - b));
    // values in the table's display units: flash and SRAM in KiB (1 decimal), MACs in M (1 decimal)
    const byIndex = new Map(evals.map((e) => [e.index, e.metrics]));
    for (const row of t.rows) {
      const m = byIndex.get(row[0] as number)!;
      expect(row.slice(2)).toEqual([Math.round((m.flashBytes as number) / 102.4) / 10, Math.round((m.peakSramBytes as number) / 102.4) / 10, Math.round((m.macs as number) / 1e5) / 10, Math.round((m.params as number) / 1e3) / 1e3]);
    }
    // in column order: SRAM and MACs are objectives too
    expect(t.notes?.[1]).toBe(`Limits: peak SRAM <= 320.0 KiB, 70.0 M <= MACs <= 350.0 M, params <= ${(PARAMS_MAX / 1e6).toFixed(3)} M.`);
  });

  it('the scatters name the run\'s objectives and draw the run\'s front (summary\'s frontSize)', () => {
    const report = buildRunReport(dir);
    expect(report.frontSize).toBe(summary.frontSize);
    expect(report.tables[0]?.columns.slice(2)).toEqual(['flash (KiB) ↓', 'peak SRAM (KiB) ↓', 'MACs (M) ↑', 'params (M)']);
    // primary: the first maximised objective (macs); a 2-D plot per other objective, one 3-D plot
    expect(report.figures.map((f) => f.id).slice(0, 3)).toEqual(['pareto-2d', 'pareto-2d-peakSramBytes', 'pareto-3d']);
    expect(report.figures.map((f) => f.title).slice(0, 3)).toEqual(['Pareto front: MACs against flash', 'Pareto front: MACs against peak SRAM', 'Pareto front in 3-D: MACs, flash, peak SRAM']);
    const state = loadRun(dir);
    const frontMacs = state.front.front().map((e) => (e.values.macs as number) / 1e6).sort((a, b) => a - b);
    for (const [i, xTitle] of [[0, 'flash (KiB) ↓'], [1, 'peak SRAM (KiB) ↓']] as const) {
      const f = report.figures[i]!.figure;
      const layout = f.layout as unknown as Layout;
      expect(layout.xaxis?.title.text).toBe(xTitle);
      expect(layout.yaxis?.title.text).toBe('MACs (M) ↑');
      expect(layout.title.text).toContain(`the run's front: ${summary.frontSize}`);
      const front = (f.data as unknown as Trace[]).find((t) => t.name === 'Pareto front')!;
      expect(front.x).toHaveLength(summary.frontSize);
      expect([...front.y].sort((a, b) => a - b)).toEqual(frontMacs);
      // a projection of a 3-objective front is drawn as points, not joined by a line
      expect(front.mode).toBe('markers');
      expect(layout.title.text).not.toMatch(/params|#Parameters/);
    }
    const f3 = report.figures[2]!.figure;
    const l3 = f3.layout as unknown as Layout;
    expect(l3.title.text).toContain(`${summary.frontSize} members of the run's front, ${summary.evaluated} evaluated`);
    expect(['xaxis', 'yaxis', 'zaxis'].map((k) => (l3.scene ?? {})[k]!.title.text)).toEqual(['MACs (M) ↑', 'flash (KiB) ↓', 'peak SRAM (KiB) ↓']);
    expect((f3.data as unknown as Trace[]).find((t) => t.name === 'Pareto front')?.x).toHaveLength(summary.frontSize);
    // Table III: the paper's columns the run has (MACs is the primary, params), then flash and SRAM
    expect(report.tables[1]?.columns).toEqual(['Model', 'TC', 'PC', 'MACs (M) ↑', '#Parameters (M) ↓', 'flash (KiB) ↓', 'peak SRAM (KiB) ↓']);
    expect(report.tables[1]?.rows[0]?.[2]).toBe(summary.frontSize);
    // the paper's rows print accuracy where this run's primary is MACs: refused, not misaligned
    expect(() => tableIII(compareRuns([dir]), { paper: true })).toThrow("paper: the runs' primary objective is macs, and the paper rows print accuracy there and macs in its own column; allowed: runs whose primary (first maximised) objective is accuracy or a score");
  });

  it('paretonas report writes the run\'s own Pareto table and says its front and objectives', async () => {
    const out = `${tmp}/report`;
    const text = await reportCommand([dir, '-o', out]);
    expect(text.split('\n')[1]).toBe(`front of ${summary.frontSize} over the run's objectives flashBytes:min,peakSramBytes:min,macs:max`);
    const csv = readFileSync(`${out}/tables/pareto-front.csv`, 'utf8').trim().split('\r\n'); // CSV rows end in CRLF (RFC 4180)
    expect(csv[0]).toBe('Proposal,Key,flash (KiB) ↓,peak SRAM (KiB) ↓,MACs (M) ↑,params (M)');
    expect(csv).toHaveLength(1 + summary.frontSize);
    // issue 19: the CSV's keys are whole: each is the canonical key of that proposal's recorded candidate
    const { records } = readRecords(`${dir}/records.jsonl`);
    const candidates = new Map(records.filter((r) => r.type === 'proposal').map((r) => [r.index as number, r.candidate as Candidate]));
    for (const line of csv.slice(1)) {
      const [index, key] = line.split(',');
      expect(key).toBe(canonicalKey(candidates.get(Number(index))!));
    }
    // the rejections table: one row per reason that occurs, counted from the rejection records; none: one line saying so
    const rejected = records.filter((r) => r.type === 'rejection');
    const md = readFileSync(`${out}/tables/rejections.md`, 'utf8');
    if (rejected.length === 0) {
      expect(md).not.toContain('| Reason |');
      expect(md).toContain(`none: every one of the ${records.filter((r) => r.type === 'proposal').length} proposals passed every check; the evolution proposer screens its offspring`);
    } else {
      expect(md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Reason') && !l.startsWith('| ---'))).toHaveLength(new Set(rejected.map((r) => r.reason)).size);
    }
    const html = readFileSync(`${out}/index.html`, 'utf8');
    expect(html).toContain('Objectives: flash (min), peak SRAM (min), MACs (max); limits: 70.0 M &lt;= MACs &lt;= 350.0 M, peak SRAM &lt;= 320.0 KiB, params &lt;= 1.500 M.');
  }, 60_000);
});

describe('a hand-made run: accuracy, MACs, flash and a trainer metric as objectives, SRAM limited', () => {
  // objectives accuracy:max, macs:min, flashBytes:min, mcuLatencyMs:min; peak SRAM <= 300 KiB
  //   #0 acc 60, 100 M, 0.2 M params, flash 200 KiB, SRAM 150 KiB, 12 ms   front
  //   #1 acc 50, 150 M, 0.3 M, 300 KiB, 200 KiB, 20 ms                      dominated by #0 in all four
  //   #2 acc 70, 200 M, 0.1 M, 250 KiB, 250 KiB, 30 ms                      front (best accuracy)
  //   #3 acc 40,  80 M, 0.5 M, 400 KiB, 100 KiB,  8 ms                      front (fewest MACs)
  //   #4 acc 80,  90 M, 0.4 M, 100 KiB, 310 KiB,  5 ms                      over the SRAM limit: off the front
  // Front {#0, #2, #3}: accuracy [40, 70] 56.67; MACs [80, 200] 126.67; params [0.1, 0.5] 0.27;
  // flash [200, 400] 283.3 KiB; mcuLatencyMs [8, 30] 16.67; SRAM [100, 250] 166.7 KiB.
  const config: Partial<CampaignConfig> = {
    objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }, { name: 'flashBytes', direction: 'min' }, { name: 'mcuLatencyMs', direction: 'min' }],
    limits: [{ name: 'peakSramBytes', max: 300 * KiB }],
    sramMaxBytes: 300 * KiB,
  };
  const m = (accuracy: number, macsM: number, paramsM: number, flashKiB: number, sramKiB: number, mcuLatencyMs: number) => ({ accuracy, macs: macsM * 1e6, params: paramsM * 1e6, flashBytes: flashKiB * KiB, peakSramBytes: sramKiB * KiB, mcuLatencyMs });
  const points = [m(60, 100, 0.2, 200, 150, 12), m(50, 150, 0.3, 300, 200, 20), m(70, 200, 0.1, 250, 250, 30), m(40, 80, 0.5, 400, 100, 8), m(80, 90, 0.4, 100, 310, 5)];
  const dir = writeRun(tmp, 'hand', config, points.flatMap((p, i) => [proposal(i), evaluation(i, p)]));

  it('the Pareto table: the objectives, the trainer metric under its own name, then the SRAM limit', () => {
    const t = paretoTable(loadRun(dir));
    expect(t.columns).toEqual(['Proposal', 'Key', 'accuracy ↑', 'MACs (M) ↓', 'flash (KiB) ↓', 'mcuLatencyMs ↓', 'peak SRAM (KiB)']);
    expect(t.rows).toEqual([
      [2, 'k2', 70, 200, 250, 30, 250],
      [0, 'k0', 60, 100, 200, 12, 150],
      [3, 'k3', 40, 80, 400, 8, 100],
    ]);
  });

  it('Table III keeps the paper\'s columns and adds the run\'s others', () => {
    const t = tableIII(compareRuns([dir]), { paper: true });
    expect(t.columns).toEqual(['Model', 'TC', 'PC', 'Accuracy (%) ↑', 'MACs (M) ↓', '#Parameters (M) ↓', 'flash (KiB) ↓', 'mcuLatencyMs ↓', 'peak SRAM (KiB)']);
    expect(t.rows[0]).toEqual(['random (seed 0)', 5, 3, '[40.00, 70.00] 56.67', '[80.00, 200.00] 126.67', '[0.10, 0.50] 0.27', '[200.0, 400.0] 283.3', '[8.00, 30.00] 16.67', '[100.0, 250.0] 166.7']);
    expect(t.rows[1]).toEqual(['Llama3.2-3B (paper)', 127, 27, '[38.68, 68.58] 60.50', '[71.17, 255.86] 112.01', '[0.04, 0.73] 0.15', '—', '—', '—']);
    // the flat rows carry every metric of the run in its own units
    const row = comparisonRows(compareRuns([dir]))[0]!;
    expect(row.objectives).toBe('accuracy:max,macs:min,flashBytes:min,mcuLatencyMs:min');
    expect([row.flashBytesMin, row.flashBytesMax, row.mcuLatencyMsMin, row.peakSramBytesMax, row.paramsMin]).toEqual([200 * KiB, 400 * KiB, 8, 250 * KiB, 0.1e6]);
    expect(row.mcuLatencyMsMean).toBeCloseTo(50 / 3, 12);
  });

  it('compare: runs with different objectives are said to differ in one line, each shown with its own', () => {
    const other = writeRun(tmp, 'hand-paper', { objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }] }, points.flatMap((p, i) => [proposal(i), evaluation(i, p)]));
    const c = compareRuns([dir, other]);
    expect(c.objectivesDiffer).toBe(`the runs optimise different objectives (${dir}: accuracy:max,macs:min,flashBytes:min,mcuLatencyMs:min; ${other}: accuracy:max,macs:min): each run is shown with its own, and no hypervolume is compared`);
    expect(c.runs.map((r) => r.hypervolume)).toEqual([null, null]);
    expect(c.reference).toBeNull();
    // the second run (no SRAM limit below its 1e9-byte default) keeps its own front: #4 is feasible there and dominates #0, #1 and #2: front {#3, #4}
    expect(c.runs.map((r) => r.paretoCandidates)).toEqual([3, 2]);
    const text = renderComparison(c);
    expect(text.split('\n').filter((l) => l.includes('optimise different objectives'))).toHaveLength(1);
    const headers = text.split('\n').filter((l) => l.startsWith('Run '));
    expect(headers[0]).toMatch(/^Run\s+Model \/ proposer\s+TC\s+PC\s+accuracy ↑\s+MACs \(M\) ↓\s+flash \(KiB\) ↓\s+mcuLatencyMs ↓\s+peak SRAM \(KiB\)$/);
    expect(headers[1]).toMatch(/^Run\s+Model \/ proposer\s+TC\s+PC\s+accuracy ↑\s+MACs \(M\) ↓\s+peak SRAM \(KiB\)$/);
    expect(() => compareRuns([dir, other], { ref: [0, 1] })).toThrow(/--ref: .*runs that optimise the same objectives/);
  });
});

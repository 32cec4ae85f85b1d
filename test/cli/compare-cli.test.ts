import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCampaign, type CampaignDeps } from '../../lib/campaign/campaign.js';
import { configFromSpace, type CampaignConfig } from '../../lib/campaign/config.js';
import { compareCommand } from '../../lib/cli/compare.js';
import { InputError } from '../../lib/errors.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { createProposer } from '../../lib/propose/registry.js';
import { compareGroups } from '../../lib/report/compare-groups.js';
import { compareRuns } from '../../lib/report/compare.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { ROOT } from '../helpers.js';
import { evaluation, llmCall, proposal, writeRun as writeRunIn } from '../report/run-records.js';

const tmp = mkdtempSync(`${tmpdir()}/compare-cli-`);

const writeRun = (name: string, config: Partial<CampaignConfig>, records: Record<string, unknown>[]) => writeRunIn(tmp, name, config, records);

// LLM run: front {#0 (60, 100 M, 0.2 M), #2 (70, 200 M, 0.1 M), #3 (40, 80 M, 0.5 M)}; #1 (50, 150 M, 0.3 M) dominated by #0.
// accuracy [40, 70] 56.67, MACs [80, 200] 126.67, params [0.1, 0.5] 0.27; TC 4, PC 3.
const llmRun = writeRun('qwen', { proposer: 'ollama:qwen2.5:3b', seed: 3 }, [
  proposal(0),
  llmCall('proposal', 1000, 300, 2000),
  evaluation(0, { accuracy: 60, macs: 100e6, params: 0.2e6 }),
  proposal(1),
  llmCall('proposal', 1200, 250, 2500, 'no JSON in the reply'),
  evaluation(1, { accuracy: 50, macs: 150e6, params: 0.3e6 }),
  proposal(2),
  evaluation(2, { accuracy: 70, macs: 200e6, params: 0.1e6 }),
  llmCall('explanation', 800, 450, 1500),
  { type: 'explanation', index: 2, key: 'k2', text: 'SE blocks in the last stages' },
  proposal(3),
  { type: 'rejection', index: 3, key: 'k0', reason: 'duplicate', message: 'seen as #0', details: null, violation: null },
  proposal(4),
  evaluation(4, { accuracy: 40, macs: 80e6, params: 0.5e6 }),
  { type: 'campaign-end', stopped: 'budget', summary: { seconds: 3725 } },
]);
// Baseline without an LLM: one candidate, a degenerate range; interrupted (no campaign-end).
const baseline = writeRun('baseline', { proposer: 'evolution', seed: 9 }, [proposal(0), evaluation(0, { accuracy: 61.5, macs: 130.47e6, params: 0.18e6 }), proposal(1), { type: 'rejection', index: 1, key: null, reason: 'sram', message: 'over', details: null, violation: 0.1 }]);

describe('paretonas compare (through compareCommand)', () => {
  it('a Table III-style table, then the search table', () => {
    const out = compareCommand([llmRun, baseline]);
    const lines = out.split('\n');
    // a column per objective and limit of the runs (the SRAM limit of writeRun's config; no evaluation records SRAM: —)
    expect(lines[1]).toMatch(/^Run\s+Model \/ proposer\s+TC\s+PC\s+accuracy ↑\s+MACs \(M\) ↓\s+params \(M\) ↓\s+peak SRAM \(KiB\)$/);
    const qwen = lines.find((l) => l.startsWith(llmRun));
    expect(qwen).toMatch(/qwen2\.5:3b\s+4\s+3\s+\[40\.00, 70\.00\] 56\.67\s+\[80\.0, 200\.0\] 126\.7\s+\[0\.100, 0\.500\] 0\.267\s+—$/);
    const base = lines.find((l) => l.startsWith(baseline));
    expect(base).toMatch(/evolution \(seed 9\)\s+1\s+1\s+\[61\.50, 61\.50\] 61\.50\s+\[130\.5, 130\.5\] 130\.5\s+\[0\.180, 0\.180\] 0\.180\s+—$/);
    // Search table: valid rate 4/5, the duplicate, 3 LLM calls (1 failed), 3000 / 1000 tokens, 6 s of LLM time, 3725 s wall.
    const search = lines.slice(lines.indexOf('Search'));
    expect(search[1]).toMatch(/^Run\s+proposals\s+valid rate\s+rejected \(by reason\)\s+duplicates\s+failed\s+hypervolume\s+HV share\s+LLM calls\s+tokens \(prompt \/ reply\)\s+LLM time\s+wall time$/);
    expect(search.find((l) => l.startsWith(llmRun))).toMatch(/\s5\s+80\.0 %\s+none\s+1\s+0\s+\S+\s+[\d.]+ %\s+3 \(1 failed\)\s+3,000 \/ 1,000\s+6\.0 s\s+1\.03 h$/);
    expect(search.find((l) => l.startsWith(baseline))).toMatch(/\s2\s+50\.0 %\s+sram 1\s+0\s+0\s+\S+\s+[\d.]+ %\s+0\s+0 \/ 0\s+0\.0 s\s+—$/);
    expect(out).toMatch(/objectives accuracy:max,macs:min,params:min; hypervolume against one reference point for every run/);
    expect(out).toContain(`explanations: ${llmRun} 1`);
    expect(out).toContain(`note: ${baseline} has no campaign-end record (interrupted): no wall time`);
  });

  it('--json prints the Comparison; --ref sets the common reference', () => {
    const json = JSON.parse(compareCommand([llmRun, baseline, '--json']));
    expect(json).toEqual(JSON.parse(JSON.stringify(compareRuns([llmRun, baseline]))));
    expect(json.runs[0]).toMatchObject({ model: 'qwen2.5:3b', totalCandidates: 4, paretoCandidates: 3, llm: { calls: 3, failedCalls: 1, promptTokens: 3000, replyTokens: 1000, seconds: 6, explanations: 1 }, seconds: 3725 });
    const given = JSON.parse(compareCommand([llmRun, baseline, '--ref', '0,400e6,2e6', '--json']));
    expect(given.reference).toEqual({ point: [0, 400e6, 2e6], source: 'given' });
    // The baseline's one point (61.5, 130.47e6, 0.18e6) against (0, 400e6, 2e6), minimising (-acc, macs, params).
    expect(given.runs[1].hypervolume / (61.5 * (400e6 - 130.47e6) * (2e6 - 0.18e6))).toBeCloseTo(1, 12);
    expect(compareCommand([llmRun, '--ref', '0,400e6,2e6'])).toContain('(given with --ref): accuracy 0, macs 400000000, params 2000000');
    // a negative first value after --ref is its value, not an ambiguous flag
    expect(JSON.parse(compareCommand([llmRun, '--ref', '-1,400e6,2e6', '--json'])).reference).toEqual({ point: [-1, 400e6, 2e6], source: 'given' });
  });

  it('runs from real campaigns (cost evaluator: no maximised objective, no accuracy column)', async () => {
    const space = resolveSpace();
    const deps: CampaignDeps = { createProposer, createEvaluator: (spec, options) => createEvaluator(spec, options) };
    const dirs = [`${tmp}/real-stratified`, `${tmp}/real-evolution`];
    await runCampaign(dirs[0] as string, configFromSpace(space, { space: 'tinyml-cifar100', proposer: 'stratified', evaluator: 'cost', budget: 25, seed: 11, macs: { min: 1e6, max: 2e9 }, sramMaxBytes: 4 * 2 ** 20 }), deps);
    await runCampaign(dirs[1] as string, configFromSpace(space, { space: 'tinyml-cifar100', proposer: 'evolution', evaluator: 'cost', budget: 25, seed: 12, macs: { min: 1e6, max: 2e9 }, sramMaxBytes: 4 * 2 ** 20 }), deps);
    const out = compareCommand(dirs);
    expect(out.split('\n')[1]).toMatch(/^Run\s+Model \/ proposer\s+TC\s+PC\s+MACs \(M\) ↓\s+params \(M\) ↓\s+peak SRAM \(KiB\)$/);
    const c = compareRuns(dirs);
    for (const r of c.runs) {
      const row = out.split('\n').find((l) => l.startsWith(r.run));
      expect(row).toContain(`${r.proposer} (seed ${r.seed})`);
      const sram = r.metrics.find((m) => m.name === 'peakSramBytes')?.stats;
      const kib = (v: number) => (v / 1024).toFixed(1);
      expect(row).toMatch(new RegExp(`\\s${r.totalCandidates}\\s+${r.paretoCandidates}\\s+\\[\\d+\\.\\d, \\d+\\.\\d\\] \\d+\\.\\d\\s+\\[\\d+\\.\\d{3}, \\d+\\.\\d{3}\\] \\d+\\.\\d{3}\\s+\\[${kib(sram!.min)}, ${kib(sram!.max)}\\] ${kib(sram!.mean)}$`));
    }
    expect(out).toMatch(/objectives macs:min,params:min; hypervolume against one reference point for every run \(the worst evaluated value of any run plus 10 % of the range\): macs \d+/);
    // Beside the accuracy run: one line says they differ, a table per set of objectives, no hypervolume.
    const mixed = compareCommand([dirs[0] as string, llmRun]).split('\n');
    expect(mixed[0]).toMatch(/^note: the runs optimise different objectives \(.*real-stratified: macs:min,params:min; .*qwen: accuracy:max,macs:min,params:min\): each run is shown with its own, and no hypervolume is compared$/);
    expect(mixed.filter((l) => l.startsWith('objectives '))).toEqual(['objectives macs:min,params:min:', 'objectives accuracy:max,macs:min,params:min:']);
    expect(mixed.filter((l) => l.startsWith('Run ')).slice(0, 2).map((l) => l.split(/\s{2,}/).slice(4))).toEqual([['MACs (M) ↓', 'params (M) ↓', 'peak SRAM (KiB)'], ['accuracy ↑', 'MACs (M) ↓', 'params (M) ↓', 'peak SRAM (KiB)']]);
    expect(mixed.join('\n')).not.toMatch(/hypervolume against/);
  });

  it('errors are InputErrors with one clear line', () => {
    const cases: [string[], RegExp][] = [
      [[], /^RUN_DIR: is missing; allowed: one or more run directory paths, each holding records\.jsonl$/],
      [[`${tmp}/nowhere`], /nowhere has no records\.jsonl; allowed: a run directory holding records\.jsonl$/],
      [[llmRun, '--ref', '0,x,1'], /^--ref: got "x" in "0,x,1": not a decimal number; allowed: one or more decimal numbers separated by commas, none empty/],
      [[llmRun, '--ref', '0,,1'], /^--ref: got "0,,1": an empty item; allowed: one or more decimal numbers/],
      [[llmRun, '--ref', '0,1'], /^--ref: got "0,1"; allowed: 3 finite numbers, one per objective in the order accuracy:max,macs:min,params:min$/],
      [[llmRun, '--bogus'], /^--bogus: is not a flag of paretonas compare; allowed: --ref, --group-by, --json, --html$/],
      [[llmRun, '--group-by', 'seed'], /^--group-by: got "seed"; allowed: proposer, model, space, evaluator$/],
      [[llmRun, '--group-by'], /^--group-by/],
    ];
    for (const [args, message] of cases) {
      let error: unknown;
      try {
        compareCommand(args);
      } catch (err) {
        error = err;
      }
      expect(error, args.join(' ')).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

// Runs once lib/cli/run.ts wires the command in (another change); until then it is skipped.
const wired = readFileSync(`${ROOT}lib/cli/run.ts`, 'utf8').includes('compareCommand');
describe.skipIf(!wired)('paretonas compare (the built command)', () => {
  let r: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    r = spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, 'compare', llmRun, baseline], { encoding: 'utf8' });
  });
  it('prints the tables, exit 0', () => {
    expect(r.status, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toContain('[40.00, 70.00] 56.67');
  });
  it('one line on stderr and exit 2 for a bad run directory', () => {
    const bad = spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, 'compare', `${tmp}/nowhere`], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^paretonas compare: .*has no records\.jsonl.*\n$/);
  });
});

describe('compare --group-by: what the groups header says', () => {
  // Two seeds each of two proposers, one evaluated point each: (accuracy a, macs 50 M).
  const seeds = (proposer: string, accuracies: number[], extra: Partial<CampaignConfig> = {}) =>
    accuracies.map((a, i) => writeRun(`g-${proposer}-${i + 1}${extra.budget ?? ''}`, { proposer, seed: i + 1, objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }], ...extra }, [proposal(0), evaluation(0, { accuracy: a, macs: 50e6 }), { type: 'campaign-end', stopped: 'budget', summary: { seconds: 2 } }]));

  it('names every setting a group ignores besides the seed (budget, --valid, time limit, workers, queue)', () => {
    const a = seeds('random', [10, 20]);
    const b = seeds('evolution', [30, 40], { budget: 99, maxValid: 5, workers: 3, queue: true, timeLimitSeconds: 60 });
    const out = compareCommand([...a, ...b, '--group-by', 'proposer']);
    expect(out).toContain('Groups by proposer: runs whose configurations differ only in the seed (and in --budget, --valid, --workers, --queue and --time-limit, which say when a run stops or how it is dispatched)');
    // and they really are ignored: two groups, not more, and no note that they differ in more than the proposer
    expect(compareGroups(compareRuns([...a, ...b]), 'proposer').groups.map((g) => g.name)).toEqual(['random', 'evolution']);
    expect(out).not.toMatch(/differ in more than/);
  });
});

describe('compare: the printed reference point pastes back into --ref', () => {
  it('prints every value in full, and its --ref gives the same hypervolumes', () => {
    // Reference (the union rule): accuracy 10 - 0.1 * 10.123456789 = 8.9876543211, macs 70.7654321e6 + 0.1 * 20.7654321e6
    const runs = [[10, 50e6], [20.123456789, 70.7654321e6]].map(([a, m], i) => writeRun(`paste-${i}`, { proposer: 'random', seed: i + 1, objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }] }, [proposal(0), evaluation(0, { accuracy: a as number, macs: m as number })]));
    const first = JSON.parse(compareCommand([...runs, '--json'])) as { reference: { point: number[] }; runs: { hypervolume: number }[] };
    const out = compareCommand([...runs, '--group-by', 'proposer']);
    const pasted = [...out.matchAll(/--ref "([^"]+)" gives these hypervolumes again/g)].map((m) => m[1] as string);
    expect(pasted).toHaveLength(2); // the comparison's line and the groups' line
    expect(pasted[0]).toBe(pasted[1]);
    expect(out).toContain(`accuracy ${first.reference.point[0]}, macs ${first.reference.point[1]} (--ref`);
    const again = JSON.parse(compareCommand([...runs, '--ref', pasted[0] as string, '--json'])) as typeof first;
    expect(again.reference.point).toEqual(first.reference.point);
    expect(again.runs.map((r) => r.hypervolume)).toEqual(first.runs.map((r) => r.hypervolume));
    // what six significant digits would give: another reference, other hypervolumes
    const rounded = first.reference.point.map((v) => Number(v.toPrecision(6))).join(',');
    expect(JSON.parse(compareCommand([...runs, '--ref', rounded, '--json'])).runs[0].hypervolume).not.toBe(first.runs[0]?.hypervolume);
  });
});

import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCampaign, type CampaignDeps } from '../../lib/campaign/campaign.js';
import { configFromSpace, type CampaignConfig } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import { InputError } from '../../lib/errors.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { hypervolume } from '../../lib/pareto/hypervolume.js';
import { createProposer } from '../../lib/propose/registry.js';
import { REJECTION_REASONS } from '../../lib/propose/types.js';
import { loadRun } from '../../lib/report/campaign-report.js';
import { compareRuns, comparisonRows, formatRangeAvg, llmUsage, stats, tableIIIRow } from '../../lib/report/compare.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { evaluation, llmCall, proposal, writeRun as writeRunIn } from './run-records.js';

const tmp = mkdtempSync(`${tmpdir()}/compare-`);
const space = resolveSpace();

const writeRun = (name: string, config: Partial<CampaignConfig>, records: Record<string, unknown>[]) => writeRunIn(tmp, name, config, records);

// A hand-made LLM run (accuracy in %, as Table III): 7 proposals, 4 evaluated, 1 failed, 2 rejected.
//   #0 acc 60, 100 M MACs, 0.2 M params   front
//   #1 rejected (macs)
//   #2 acc 50, 150 M, 0.3 M               dominated by #0 (worse in all three)
//   #3 acc 70, 200 M, 0.1 M               front (best accuracy and params)
//   #4 rejected (duplicate)
//   #5 failed
//   #6 acc 40,  80 M, 0.5 M               front (fewest MACs)
// Front {#0, #3, #6}: PC 3, TC 4, valid 5 of 7.
// accuracy [40, 70] avg 170/3 = 56.67; MACs [80, 200] avg 380/3 = 126.67; params [0.1, 0.5] avg 0.8/3 = 0.27.
// LLM: 3 calls (1 failed), prompt 100 + 100 + 200 = 400, reply 40 + 0 + 80 = 120 tokens, 1.5 + 3 + 0.5 = 5 s; 1 explanation.
// Two sessions (a resume): wall time 12.5 + 7.5 = 20 s.
const handRun = () =>
  writeRun('hand-llm', { proposer: 'ollama:llama3.2:3b', seed: 7, budget: 7 }, [
    proposal(0),
    llmCall('proposal', 100, 40, 1500),
    evaluation(0, { accuracy: 60, macs: 100e6, params: 0.2e6 }),
    proposal(1),
    { type: 'rejection', index: 1, key: 'k1', reason: 'macs', message: 'too many MACs', details: null, violation: 0.2 },
    proposal(2),
    evaluation(2, { accuracy: 50, macs: 150e6, params: 0.3e6 }),
    proposal(3),
    llmCall('proposal', 100, 0, 3000, 'timed out'),
    evaluation(3, { accuracy: 70, macs: 200e6, params: 0.1e6 }),
    { type: 'front-change', index: 3, key: 'k3', added: true, removed: [] },
    llmCall('explanation', 200, 80, 500),
    { type: 'explanation', index: 3, key: 'k3', text: 'kernel 5 for a wider receptive field' },
    { type: 'campaign-end', stopped: 'signal', summary: { seconds: 12.5 } },
    { type: 'resume', fromProposal: 4, pending: null, tornRecord: null, replayMismatches: [], budget: 7 },
    proposal(4),
    { type: 'rejection', index: 4, key: 'k0', reason: 'duplicate', message: 'seen as #0', details: null, violation: null },
    proposal(5),
    { type: 'failure', index: 5, key: 'k5', kind: 'crash', message: 'trainer crashed', details: null },
    proposal(6),
    evaluation(6, { accuracy: 40, macs: 80e6, params: 0.5e6 }),
    { type: 'campaign-end', stopped: 'budget', summary: { seconds: 7.5 } },
  ]);

describe('compareRuns on a hand-made run (Table III numbers worked by hand)', () => {
  const dir = handRun();
  const c = compareRuns([dir]);
  const r = c.runs[0]!;

  it('TC, PC, proposals, validity, rejections, failures', () => {
    expect(r.run).toBe(dir);
    expect([r.proposer, r.model, r.evaluator, r.seed]).toEqual(['ollama:llama3.2:3b', 'llama3.2:3b', 'command:train', 7]);
    expect([r.totalCandidates, r.paretoCandidates, r.proposals]).toEqual([4, 3, 7]);
    expect(r.validRate).toBeCloseTo(5 / 7, 15);
    expect(r.rejected).toEqual(Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, reason === 'macs' || reason === 'duplicate' ? 1 : 0])));
    expect([r.duplicates, r.failed]).toEqual([1, 1]);
  });

  it('[min, max] avg of accuracy, MACs (M) and params (M) over the Pareto candidates', () => {
    expect(r.primary?.name).toBe('accuracy');
    expect(r.primary?.stats).toEqual({ min: 40, max: 70, mean: 170 / 3 });
    expect(r.macs?.min).toBeCloseTo(80, 12);
    expect(r.macs?.max).toBeCloseTo(200, 12);
    expect(r.macs?.mean).toBeCloseTo(380 / 3, 12);
    expect(r.params?.min).toBeCloseTo(0.1, 12);
    expect(r.params?.max).toBeCloseTo(0.5, 12);
    expect(r.params?.mean).toBeCloseTo(0.8 / 3, 12);
    expect(tableIIIRow(r)).toEqual([dir, 'llama3.2:3b', '4', '3', '[40.00, 70.00] 56.67', '[80.00, 200.00] 126.67', '[0.10, 0.50] 0.27']);
  });

  it('LLM usage from the llm-call and explanation records; wall time summed over the two sessions', () => {
    expect(r.llm).toEqual({ calls: 3, failedCalls: 1, promptTokens: 400, replyTokens: 120, seconds: 5, explanations: 1 });
    expect(r.seconds).toBe(20);
    expect(r.tornRecord).toBeUndefined();
  });

  it('hypervolume: the reference from the evaluated points (3 objectives, worked by hand)', () => {
    // Minimisation form (-acc, MACs, params) of the 4 evaluated points; worst + 10 % of the range:
    // -acc: worst -40, range 30 -> -37 (acc 37); MACs: 200e6 + 12e6 = 212e6; params: 0.5e6 + 0.04e6 = 0.54e6.
    expect(c.reference?.source).toBe('union');
    const [acc, macs, params] = c.reference!.point as [number, number, number];
    expect(acc).toBeCloseTo(37, 12);
    expect(macs).toBeCloseTo(212e6, 3);
    expect(params).toBeCloseTo(0.54e6, 6);
    expect(c.ideal).toEqual([70, 80e6, 0.1e6]);
    const expected = hypervolume([[-60, 100e6, 0.2e6], [-70, 200e6, 0.1e6], [-40, 80e6, 0.5e6]], [-37, 212e6, 0.54e6]);
    expect((r.hypervolume as number) / expected).toBeCloseTo(1, 12);
    expect(r.hypervolumeShare).toBeCloseTo(expected / (33 * 132e6 * 0.44e6), 12); // the box from the ideal (-70, 80e6, 0.1e6)
    expect(r.hypervolumeShare).toBeGreaterThan(0);
    expect(r.hypervolumeShare).toBeLessThan(1);
  });

  it('flat rows for data frames', () => {
    const [row] = comparisonRows(c);
    expect(row).toMatchObject({ run: dir, model: 'llama3.2:3b', tc: 4, pc: 3, primary: 'accuracy', primaryMin: 40, primaryMax: 70, rejected_macs: 1, rejected_duplicate: 1, failed: 1, llmCalls: 3, promptTokens: 400, replyTokens: 120, llmSeconds: 5, explanations: 1, seconds: 20, tornRecordLine: null });
    expect(row?.validRate).toBeCloseTo(5 / 7, 15);
    expect(Object.keys(row ?? {})).not.toContain('index'); // danfojs reserves that name
  });

  it('the same numbers with the llm records left out: zeros', () => {
    expect(llmUsage(readRecords(`${dir}/records.jsonl`).records.filter((x) => !['llm-call', 'explanation'].includes(x.type)))).toEqual({ calls: 0, failedCalls: 0, promptTokens: 0, replyTokens: 0, seconds: 0, explanations: 0 });
  });
});

describe('hypervolume against one common reference (2 objectives, worked by hand)', () => {
  const objectives = [{ name: 'accuracy', direction: 'max' as const }, { name: 'macs', direction: 'min' as const }];
  const run = (name: string, points: [number, number][]) =>
    writeRun(name, { objectives }, points.flatMap(([accuracy, macs], i) => [proposal(i), evaluation(i, { accuracy, macs, params: 1 })]));
  // A: (0.5, 2), (0.8, 4); B: (0.3, 1), (0.9, 5). Minimisation form (-acc, macs).
  const a = run('hv-a', [[0.5, 2], [0.8, 4]]);
  const b = run('hv-b', [[0.3, 1], [0.9, 5]]);

  it('default reference: worst + 10 % of the range over both runs', () => {
    // -acc in [-0.9, -0.3]: ref -0.3 + 0.06 = -0.24 (acc 0.24); macs in [1, 5]: ref 5 + 0.4 = 5.4.
    const c = compareRuns([a, b]);
    expect(c.reference?.point[0]).toBeCloseTo(0.24, 14);
    expect(c.reference?.point[1]).toBeCloseTo(5.4, 14);
    // A: boxes 0.56 x 1.4 = 0.784 and 0.26 x 3.4 = 0.884, overlap 0.26 x 1.4 = 0.364: 1.304.
    // B: boxes 0.66 x 0.4 = 0.264 and 0.06 x 4.4 = 0.264, overlap 0.06 x 0.4 = 0.024: 0.504.
    expect(c.runs[0]?.hypervolume).toBeCloseTo(1.304, 12);
    expect(c.runs[1]?.hypervolume).toBeCloseTo(0.504, 12);
    // Box between the ideal (-0.9, 1) and the reference: 0.66 x 4.4 = 2.904.
    expect(c.runs[0]?.hypervolumeShare).toBeCloseTo(1.304 / 2.904, 12);
    expect(c.runs[1]?.hypervolumeShare).toBeCloseTo(0.504 / 2.904, 12);
    // The cost evaluator's objectives aside, params is still reported.
    expect(c.runs[0]?.params).toEqual({ min: 1e-6, max: 1e-6, mean: 1e-6 });
  });

  it('a given reference, in the objectives own units', () => {
    // ref (acc 0, macs 5) -> (0, 5). A: 0.8 x 1 + 0.5 x 3 - 0.5 x 1 = 1.8. B: (0.9, 5) touches the
    // reference and is clipped; (0.3, 1): 0.3 x 4 = 1.2.
    const c = compareRuns([a, b], { ref: [0, 5] });
    expect(c.reference).toEqual({ point: [0, 5], source: 'given' });
    expect(c.runs[0]?.hypervolume).toBeCloseTo(1.8, 12);
    expect(c.runs[1]?.hypervolume).toBeCloseTo(1.2, 12);
  });

  it('the reference is common: adding a run moves it for every run', () => {
    const far = run('hv-far', [[0.1, 9]]);
    const alone = compareRuns([a]).runs[0]?.hypervolume as number;
    const withFar = compareRuns([a, far]).runs[0]?.hypervolume as number;
    expect(withFar).toBeGreaterThan(alone);
    expect(compareRuns([a, far]).reference?.point[1]).toBeCloseTo(9 + 0.7, 12);
  });
});

describe('compareRuns on real campaigns (cost evaluator)', () => {
  const deps: CampaignDeps = { createProposer, createEvaluator: (spec, options) => createEvaluator(spec, options) };
  const config = (proposer: string, seed: number, budget: number) =>
    configFromSpace(space, { space: 'tinyml-cifar100', proposer, evaluator: 'cost', budget, seed, macs: { min: 1e6, max: 2e9 }, sramMaxBytes: 4 * 2 ** 20 });
  const runs: Record<string, string> = {};

  it('runs three proposers and a resumed one', async () => {
    for (const [proposer, seed] of [['random', 1], ['stratified', 2], ['evolution', 3]] as const) {
      const dir = `${tmp}/real-${proposer}`;
      runs[proposer] = dir;
      await runCampaign(dir, config(proposer, seed, 40), deps);
    }
    runs.resumed = `${tmp}/real-resumed`;
    await runCampaign(runs.resumed, config('evolution', 4, 15), deps);
    await runCampaign(runs.resumed, undefined, deps, { budget: 30 });
  });

  it('matches the replayed state of each run, and one reference serves all', () => {
    const dirs = [runs.random, runs.stratified, runs.evolution, runs.resumed] as string[];
    const c = compareRuns(dirs);
    expect(c.objectives).toEqual([{ name: 'macs', direction: 'min' }, { name: 'params', direction: 'min' }]);
    const states = dirs.map((d) => loadRun(d));
    const all = states.flatMap((s) => s.evaluations.map((e) => [e.metrics.macs as number, e.metrics.params as number]));
    const worst = [0, 1].map((j) => Math.max(...all.map((p) => p[j] as number)));
    const best = [0, 1].map((j) => Math.min(...all.map((p) => p[j] as number)));
    const ref = worst.map((w, j) => w + 0.1 * (w - (best[j] as number)));
    expect(c.reference?.point[0]).toBeCloseTo(ref[0] as number, 0);
    expect(c.reference?.point[1]).toBeCloseTo(ref[1] as number, 3);
    c.runs.forEach((r, i) => {
      const s = states[i]!;
      expect(r.proposer).toBe(s.config.proposer);
      expect(r.model).toBeNull();
      expect(r.totalCandidates).toBe(s.counters.evaluated);
      expect(r.totalCandidates).toBe(s.evaluations.length);
      expect(r.paretoCandidates).toBe(s.front.size);
      expect(r.proposals).toBe(s.counters.proposed);
      expect(r.validRate).toBeCloseTo(s.counters.valid / s.counters.proposed, 15);
      expect(r.duplicates).toBe(s.counters.rejected.duplicate);
      expect(r.primary).toBeNull(); // the cost evaluator maximises nothing
      const macs = s.front.front().map((e) => (e.values.macs as number) / 1e6);
      expect(r.macs?.min).toBeCloseTo(Math.min(...macs), 9);
      expect(r.macs?.max).toBeCloseTo(Math.max(...macs), 9);
      const hv = hypervolume(s.front.front().map((e) => [e.values.macs as number, e.values.params as number]), c.reference!.point);
      expect(r.hypervolume).toBe(hv);
      expect(r.hypervolumeShare).toBeGreaterThan(0);
      expect(r.hypervolumeShare).toBeLessThanOrEqual(1);
      expect(r.llm.calls).toBe(0);
      expect(r.seconds).toBeGreaterThanOrEqual(0);
    });
    expect(c.runs.map((r) => r.proposals)).toEqual([40, 40, 40, 30]);
  });

  it('a resumed run: wall time is the sum of its sessions', () => {
    const { records } = readRecords(`${runs.resumed}/records.jsonl`);
    const ends = records.filter((r) => r.type === 'campaign-end').map((r) => (r.summary as { seconds: number }).seconds);
    expect(ends).toHaveLength(2);
    expect(compareRuns([runs.resumed as string]).runs[0]?.seconds).toBeCloseTo((ends[0] as number) + (ends[1] as number), 12);
  });

  it('a torn last record is reported and left out', () => {
    const dir = `${tmp}/torn`;
    mkdirSync(dir);
    const { records } = readRecords(`${runs.random}/records.jsonl`);
    writeFileSync(`${dir}/records.jsonl`, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    appendFileSync(`${dir}/records.jsonl`, '{"type":"proposal","ti');
    const r = compareRuns([dir]).runs[0]!;
    expect(r.tornRecord).toEqual({ line: records.length + 1 });
    expect(r.totalCandidates).toBe(compareRuns([runs.random as string]).runs[0]?.totalCandidates);
  });

  it('runs with different objectives: said in one line, each run with its own, no hypervolume across them', () => {
    const other = `${tmp}/real-sram`;
    return runCampaign(other, { ...config('random', 5, 5), objectives: [{ name: 'peakSramBytes', direction: 'min' }, { name: 'macs', direction: 'min' }] }, deps).then(() => {
      const c = compareRuns([runs.random as string, other]);
      expect(c.objectivesDiffer).toMatch(/real-random: macs:min,params:min; .*real-sram: peakSramBytes:min,macs:min\): each run is shown with its own, and no hypervolume is compared$/);
      expect([c.reference, c.ideal, c.runs[0]?.hypervolume, c.runs[1]?.hypervolume]).toEqual([null, null, null, null]);
      expect(c.runs[1]?.objectives).toEqual([{ name: 'peakSramBytes', direction: 'min' }, { name: 'macs', direction: 'min' }]);
      expect(c.runs[1]?.paretoCandidates).toBe(loadRun(other).front.size);
      const sram = loadRun(other).front.front().map((e) => e.values.peakSramBytes as number);
      expect(c.runs[1]?.metrics.find((m) => m.name === 'peakSramBytes')?.stats).toEqual(stats(sram));
      expect(() => compareRuns([runs.random as string, other], { ref: [1, 1] })).toThrow(InputError);
    });
  });
});

describe('input errors', () => {
  it('no run, no records, a reference of the wrong length', () => {
    expect(() => compareRuns([])).toThrow(InputError);
    expect(() => compareRuns([])).toThrow(/no run given/);
    mkdirSync(`${tmp}/empty`, { recursive: true });
    expect(() => compareRuns([`${tmp}/empty`])).toThrow(/empty has no records\.jsonl; allowed: a run directory holding records\.jsonl/);
    const dir = handRun();
    expect(() => compareRuns([dir], { ref: [0, 1] })).toThrow(/--ref: got "0,1"; allowed: 3 finite numbers, one per objective in the order accuracy:max,macs:min,params:min/);
  });
});

describe('formatting', () => {
  it('Table III cells', () => {
    expect(formatRangeAvg({ min: 38.68, max: 68.58, mean: 60.5 })).toBe('[38.68, 68.58] 60.50');
    expect(formatRangeAvg(null)).toBe('—');
    expect(stats([])).toBeNull();
    expect(stats([3, 1, 2])).toEqual({ min: 1, max: 3, mean: 2 });
  });
  it('a run without evaluations: empty stats, zero hypervolume beside a run with some', () => {
    const none = writeRun('none', {}, [proposal(0), { type: 'rejection', index: 0, key: null, reason: 'schema', message: 'bad', details: null, violation: null }]);
    const c = compareRuns([none, handRun()]);
    expect(c.runs[0]).toMatchObject({ totalCandidates: 0, paretoCandidates: 0, macs: null, params: null, hypervolume: 0, hypervolumeShare: 0, validRate: 0, seconds: null });
    expect(c.runs[0]?.primary).toEqual({ name: 'accuracy', stats: null });
    expect(compareRuns([none]).reference).toBeNull();
    expect(compareRuns([none]).runs[0]?.hypervolume).toBeNull();
  });
});

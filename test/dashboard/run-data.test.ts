/**
 * The dashboard's data of a run and of a seed group, against hand-worked records: statuses,
 * front membership under constrained domination, hypervolume after each evaluation and the
 * groups' shared normalisation (values worked out below, by hand).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CampaignConfig } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import { configKey, runData } from '../../lib/dashboard/run-data.js';
import { groupSignificance, seedGroups } from '../../lib/dashboard/seed-groups.js';
import { evaluation, proposal, writeRun } from '../report/run-records.js';

const read = (dir: string) => readRecords(join(dir, 'records.jsonl')).records;
const rejection = (index: number, reason: string, message: string, details?: Record<string, number>) => ({ type: 'rejection', index, key: `k${index}`, reason, message, ...(details ? { details } : {}) });

describe('runData', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dash-data-'));
  // accuracy max, MACs min, MACs at most 100.
  const dir = writeRun(tmp, 'run', { objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }], limits: [{ name: 'macs', max: 100 }] }, [
    proposal(0), evaluation(0, { accuracy: 0.5, macs: 50, params: 1 }),
    proposal(1), rejection(1, 'macs', 'Estimated MACs are 300, above 100', { macs: 300, min: 0, max: 100 }),
    proposal(2), evaluation(2, { accuracy: 0.7, macs: 80, params: 1 }),
    proposal(3), evaluation(3, { accuracy: 0.6, macs: 90, params: 1 }), // dominated by #2
    proposal(4), evaluation(4, { accuracy: 0.9, macs: 150, params: 1 }), // best accuracy but over the MACs limit
    proposal(5), // no outcome yet
  ]);
  const data = runData('run', read(dir));

  it('one row per proposal with its status, reason and message, front membership and feasibility', () => {
    expect(data.trials.map((t) => [t.index, t.status, t.onFront, t.feasible])).toEqual([
      [0, 'evaluated', true, true],
      [1, 'rejected', false, undefined],
      [2, 'evaluated', true, true],
      [3, 'evaluated', false, true],
      [4, 'evaluated', false, false],
      [5, 'proposed', false, undefined],
    ]);
    expect(data.trials[1]).toMatchObject({ reason: 'macs', message: 'Estimated MACs are 300, above 100', estimated: { macs: 300 } });
    expect(data.trials[1]?.metrics).toBeUndefined();
    expect(data.trials[4]?.metrics).toEqual({ accuracy: 0.9, macs: 150, params: 1 });
    expect(data.frontSize).toBe(2);
    expect(data.finished).toBe(false);
  });

  it('metrics: objectives first with units and the limit, then the limited ones (the old-style sramMaxBytes), then the other recorded ones', () => {
    expect(data.metrics.map((m) => [m.name, m.label, m.unit, m.direction, m.objective])).toEqual([
      ['accuracy', 'accuracy', '', 'max', true],
      ['macs', 'MACs', 'M', 'min', true],
      ['peakSramBytes', 'peak SRAM', 'KiB', 'min', false],
      ['params', 'params', 'M', 'min', false],
    ]);
    expect(data.metrics[1]?.limit).toEqual({ max: 100 });
    expect(data.metrics[2]?.limit).toEqual({ max: 1e9 });
  });

  it('cost metrics never go below 0 on an axis; an evaluator metric only when none of its values is negative', () => {
    expect(data.metrics.map((m) => [m.name, m.nonNegative])).toEqual([['accuracy', true], ['macs', true], ['peakSramBytes', true], ['params', true]]);
    const signed = runData('s', read(writeRun(tmp, 's', { objectives: [{ name: 'score', direction: 'max' }] }, [proposal(0), evaluation(0, { score: -0.5, macs: 3, params: 1 })])));
    expect(Object.fromEntries(signed.metrics.map((m) => [m.name, m.nonNegative]))).toEqual({ score: false, peakSramBytes: true, macs: true, params: true });
  });

  it('hypervolume after each evaluation, by hand', () => {
    // Minimisation form (-accuracy, macs), normalised by every evaluated point: ideal (-0.9, 50),
    // nadir (-0.5, 150). Feasible points: #0 (1, 0), #2 (0.5, 0.3), #3 (0.75, 0.4) (dominated).
    // Reference (1.1, 1.1): #0 alone 0.1 x 1.1 = 0.11; with #2: 0.11 + 0.6 x 0.8 - 0.1 x 0.8 = 0.51.
    expect(data.hypervolume.proposal).toEqual([0, 2, 3, 4]);
    expect(data.hypervolume.frontSize).toEqual([1, 2, 2, 2]);
    const expected = [0.11, 0.51, 0.51, 0.51];
    data.hypervolume.hypervolume.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 12));
    expect(data.rejections.cumulative).toEqual({ macs: [0, 1, 1, 1, 1, 1] });
  });
});

describe('seedGroups', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dash-groups-'));
  const one = [{ name: 'accuracy', direction: 'max' as const }];
  const a = runData('a', read(writeRun(tmp, 'a', { seed: 1, objectives: one }, [proposal(0), evaluation(0, { accuracy: 0.2, macs: 1, params: 1 }), proposal(1), evaluation(1, { accuracy: 0.6, macs: 1, params: 1 })])));
  const b = runData('b', read(writeRun(tmp, 'b', { seed: 2, budget: 20, objectives: one }, [proposal(0), evaluation(0, { accuracy: 0.4, macs: 1, params: 1 }), proposal(1), rejection(1, 'duplicate', 'seen'), proposal(2), evaluation(2, { accuracy: 1.0, macs: 1, params: 1 })])));
  const other = runData('c', read(writeRun(tmp, 'c', { seed: 1, proposer: 'evolution', objectives: one }, [proposal(0), evaluation(0, { accuracy: 0.3, macs: 1, params: 1 })])));

  it('seeds of one configuration form a group (budget aside); another proposer is another group (groups sorted by title)', () => {
    expect(configKey({ ...(read(join(tmp, 'a'))[0]?.config as CampaignConfig), seed: 9, budget: 3 })).toBe(a.configKey);
    const groups = seedGroups([other, b, a]);
    expect(groups.map((g) => [g.title, g.runs.map((r) => r.id)])).toEqual([
      ['tinyml-cifar100 · evolution · command:train · accuracy max', ['c']],
      ['tinyml-cifar100 · random · command:train · accuracy max', ['a', 'b']],
    ]);
  });

  it('runs repeating a seed: only the longest of each seed is kept (a group of seeds 2, 2 is no group), the others listed as left out', () => {
    // a2 repeats a's seed 1 with a larger budget and 3 proposals (a has 2): a2 is kept, a left out; b (seed 2) stays.
    const a2 = runData('a2', read(writeRun(tmp, 'a2', { seed: 1, budget: 30, objectives: one }, [proposal(0), evaluation(0, { accuracy: 0.2, macs: 1, params: 1 }), proposal(1), evaluation(1, { accuracy: 0.6, macs: 1, params: 1 }), proposal(2), evaluation(2, { accuracy: 0.8, macs: 1, params: 1 })])));
    const [g] = seedGroups([a, b, a2]);
    expect(g?.runs).toEqual([{ id: 'a2', seed: 1 }, { id: 'b', seed: 2 }]);
    expect(g?.leftOut).toEqual([{ id: 'a', seed: 1, kept: 'a2' }]);
    expect(g?.count).toEqual([2, 2, 2]);
    // Two runs of one seed: one run, and the other left out (no spread over one seed).
    const [h] = seedGroups([a2, a]);
    expect(h?.runs.map((r) => r.id)).toEqual(['a2']);
    expect(h?.std.every((s) => s === 0)).toBe(true);
    // Same length: the first id is kept.
    const a3 = runData('a3', read(writeRun(tmp, 'a3', { seed: 1, objectives: one }, [proposal(0), evaluation(0, { accuracy: 0.5, macs: 1, params: 1 }), proposal(1), evaluation(1, { accuracy: 0.5, macs: 1, params: 1 })])));
    expect(seedGroups([a3, a])[0]?.runs.map((r) => r.id)).toEqual(['a']);
  });

  it('hypervolume on one shared normalisation: mean and sample standard deviation over the runs at each proposal', () => {
    const [g] = seedGroups([a, b]);
    // -accuracy over both runs: ideal -1.0, nadir -0.2; normalised (1 - acc) / 0.8: a 1.0, 0.5; b 0.75, 0.
    // 1-D hypervolume is 1.1 - best: a 0.1, 0.6 (then none: 2 proposals); b 0.35, 0.35, 1.1.
    expect(g?.ideal).toEqual([-1]);
    expect(g?.nadir).toEqual([-0.2]);
    expect(g?.count).toEqual([2, 2, 1]);
    const close = (xs: readonly (number | null)[] | undefined, want: (number | null)[]) => want.forEach((w, i) => (w === null ? expect(xs?.[i]).toBeNull() : expect(xs?.[i]).toBeCloseTo(w, 12)));
    close(g?.perRun[0], [0.1, 0.6, null]);
    close(g?.perRun[1], [0.35, 0.35, 1.1]);
    close(g?.mean, [0.225, 0.475, 1.1]);
    close(g?.std, [0.25 / Math.SQRT2, 0.25 / Math.SQRT2, 0]);
    close(g?.min, [0.1, 0.35, 1.1]);
    close(g?.max, [0.35, 0.6, 1.1]);
  });
});

describe('groupSignificance: the seed-groups panel\'s Mann-Whitney table (compare --group-by proposer\'s function)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dash-significance-'));
  const objectives = [{ name: 'accuracy', direction: 'max' as const }, { name: 'macs', direction: 'min' as const }];
  // One point each: accuracy a at 50 MACs. Every evolution run is above every random run.
  const dirs: Record<string, string> = {};
  const group = (proposer: string, accuracies: number[]) => ({
    runs: accuracies.map((a, i) => {
      const id = `${proposer}-${i + 1}`;
      dirs[id] = writeRun(tmp, id, { proposer, seed: i + 1, objectives }, [proposal(0), evaluation(0, { accuracy: a, macs: 50 })]);
      return { id, seed: i + 1 };
    }),
  });
  const evo = group('evolution', [30, 40, 50]);
  const rnd = group('random', [10, 20, 25]);

  it('tests the groups on their hypervolumes against one common reference; null for one group', () => {
    const sig = groupSignificance([evo, rnd], (id) => dirs[id]);
    expect(sig?.groups.map((g) => [g.name, g.seeds])).toEqual([['evolution', [1, 2, 3]], ['random', [1, 2, 3]]]);
    // reference: accuracy 10 - 0.1 * 40 = 6, macs 50 + 0.1 * 50 = 55 (a zero range: 10 % of the magnitude); hypervolume (a - 6) * 5
    expect(sig?.reference?.point).toEqual([6, 55]);
    expect(sig?.groups[0]?.hypervolume.values.map((v) => Number(v.toFixed(9)))).toEqual([120, 170, 220]);
    expect(sig?.tests).toHaveLength(1);
    expect(sig?.tests[0]).toMatchObject({ a: 'evolution', b: 'random', u: 9, method: 'exact', cliffsDelta: 1, a12: 1 });
    expect(sig?.tests[0]?.p).toBeCloseTo(0.1, 12);
    expect(groupSignificance([evo], (id) => dirs[id])).toBeNull();
  });
});

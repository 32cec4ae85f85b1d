/**
 * HypervolumeTracker (lib/pareto/hv/incremental.ts): the 2-D staircase insertion case by case against
 * the grid-cell brute force, the front it keeps against the pairwise definition, and the
 * hypervolume-over-a-run series (lib/report/figures/hypervolume-over-run.ts hypervolumeOverRunInfo, alias hypervolumeSeries, which now adds each
 * feasible evaluation to one tracker) against the from-scratch computation it replaced (the
 * hypervolume of the feasible front members after every evaluation) on seeded recorded runs; 1e-12
 * relative. (crosscheck-incremental.test.ts checks the tracker for m = 1..6 as well.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { CampaignConfig } from '../../lib/campaign/config.js';
import { InputError } from '../../lib/errors.js';
import { ParetoFront } from '../../lib/pareto/front.js';
import { HypervolumeTracker } from '../../lib/pareto/hv/incremental.js';
import { hypervolume, normalizePoints } from '../../lib/pareto/hypervolume.js';
import { toMinimization } from '../../lib/pareto/objectives.js';
import { loadRun } from '../../lib/report/campaign-report.js';
import { hypervolumeSeries } from '../../lib/report/figures/hypervolume-over-run.js';
import { createRng } from '../../lib/rng.js';
import { evaluation, proposal, writeRun } from '../report/run-records.js';
import { bruteFront, bruteHv, closeRel } from './brute.js';

const TOL = 1e-12;

describe('HypervolumeTracker in 2-D (staircase insertion)', () => {
  it('worked by hand, ref (4,4): each case of the insertion', () => {
    const t = new HypervolumeTracker([4, 4]);
    expect(t.add([2, 2])).toBe(4); // first point: its box
    expect(t.add([0, 3])).toBe(4 + 2 * 1); // left of the staircase: [0,2)x[3,4)
    expect(t.add([3, 0])).toBe(6 + 1 * 2); // right: [3,4)x[0,2)
    expect(t.add([2, 3])).toBe(8); // dominated by (2,2)
    expect(t.add([2, 1])).toBe(8 + 1 * 1); // same x as (2,2), lower: replaces it, adds [2,3)x[1,2)
    expect(t.size).toBe(3);
    expect(t.add([0, 0])).toBe(16); // dominates everything: [0,4)^2
    expect(t.size).toBe(1);
  });

  it('equals the grid brute force after every add on 1,500 seeded sequences (ties, copies, points on or past ref)', () => {
    const rng = createRng(18_011);
    for (let s = 0; s < 1500; s++) {
      const g = 2 + rng.int(8);
      const integer = s % 2 === 0;
      const ref = [g - (rng.int(3) === 0 ? 1 : 0), g];
      const t = new HypervolumeTracker(ref);
      const seen: number[][] = [];
      const len = 1 + rng.int(16);
      for (let k = 0; k < len; k++) {
        const p = integer ? [rng.int(g + 1), rng.int(g + 1)] : [rng.next() * g, rng.next() * g * 1.05];
        seen.push(p);
        const v = t.add(p);
        expect(closeRel(v, bruteHv(seen, ref), TOL), `sequence ${s} step ${k}`).toBe(true);
      }
      const kept = seen.filter((p) => p[0]! < ref[0]! && p[1]! < ref[1]!);
      expect(t.size).toBe(new Set(bruteFront(kept).map((i) => kept[i]!.join())).size);
    }
  });

  it('10,000 adds on a concave front: equals the public hypervolume of all points', () => {
    const rng = createRng(18_012);
    const t = new HypervolumeTracker([1.1, 1.1]);
    const all: number[][] = [];
    for (let k = 0; k < 10_000; k++) {
      const a = rng.next() * Math.PI / 2;
      const p = [1 - Math.sin(a), 1 - Math.cos(a)];
      all.push(p);
      t.add(p);
    }
    expect(closeRel(t.value, hypervolume(all, [1.1, 1.1]), TOL)).toBe(true);
  });

  it('bad input: one InputError naming the field', () => {
    const fieldOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        if (e instanceof InputError) return e.field;
        throw e;
      }
      return undefined;
    };
    expect(fieldOf(() => new HypervolumeTracker([]))).toBe('ref');
    expect(fieldOf(() => new HypervolumeTracker([1, Infinity]))).toBe('ref[1]');
    const t = new HypervolumeTracker([1, 1]);
    expect(fieldOf(() => t.add([0.5]))).toBe('point');
    expect(fieldOf(() => t.add([0.5, Number.NaN]))).toBe('point[1]');
    expect(fieldOf(() => t.add('x' as unknown as number[]))).toBe('point');
    expect(t.value).toBe(0);
  });
});

/** The series as computed before the tracker: the feasible front members' hypervolume after every evaluation. */
function seriesFromScratch(dir: string): number[] {
  const state = loadRun(dir);
  const objectives = state.config.objectives;
  const minForm = (metrics: Readonly<Record<string, number>>) => toMinimization(objectives.map((o) => metrics[o.name] as number), objectives);
  const all = state.evaluations.map((e) => minForm(e.metrics));
  const m = objectives.length;
  const ideal = Array.from({ length: m }, (_, j) => Math.min(...all.map((p) => p[j]!)));
  const nadir = Array.from({ length: m }, (_, j) => Math.max(...all.map((p) => p[j]!)));
  const front = new ParetoFront(objectives, state.config.limits);
  const out: number[] = [];
  for (const e of state.evaluations) {
    front.insert({ id: e.key, values: e.metrics });
    const members = front.front().filter((f) => front.violation(f.id) === 0);
    out.push(hypervolume(normalizePoints(members.map((f) => minForm(f.values)), ideal, nadir), new Array(m).fill(1.1)));
  }
  return out;
}

describe('hypervolumeSeries on seeded recorded runs', () => {
  const tmp = mkdtempSync(`${tmpdir()}/hv-incremental-`);
  const KiB = 1024;
  const shapes: { name: string; objectives: CampaignConfig['objectives'] }[] = [
    { name: 'two', objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }] },
    { name: 'three', objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }, { name: 'params', direction: 'min' }] },
    {
      name: 'four',
      objectives: [
        { name: 'accuracy', direction: 'max' },
        { name: 'macs', direction: 'min' },
        { name: 'params', direction: 'min' },
        { name: 'peakSramBytes', direction: 'min' },
      ],
    },
  ];
  for (const [k, shape] of shapes.entries()) {
    it(`${shape.objectives.length} objectives, 300 evaluations (a third over the SRAM limit, ties in accuracy): equal to 1e-12`, () => {
      const rng = createRng(18_020 + k);
      const records: Record<string, unknown>[] = [];
      for (let i = 0; i < 300; i++) {
        // Better accuracy costs more MACs (a rough trade-off), with noise so that many points are dominated.
        const quality = rng.next();
        const metrics = {
          accuracy: Math.round((40 + 50 * quality + 10 * rng.next()) * 10) / 10,
          macs: Math.round((20 + 200 * quality ** 2 + 60 * rng.next()) * 1e6),
          params: Math.round((0.1 + rng.next()) * 1e6),
          peakSramBytes: Math.round((100 + 300 * rng.next()) * KiB),
        };
        records.push(proposal(i), evaluation(i, metrics));
      }
      const dir = writeRun(tmp, shape.name, { budget: 300, objectives: shape.objectives, limits: [{ name: 'peakSramBytes', max: 300 * KiB }] }, records);
      const want = seriesFromScratch(dir);
      const got = hypervolumeSeries(loadRun(dir)).hypervolume;
      expect(got).toHaveLength(300);
      expect(want[want.length - 1]).toBeGreaterThan(0);
      got.forEach((v, i) => expect(closeRel(v, want[i]!, TOL), `evaluation ${i}: ${v} vs ${want[i]}`).toBe(true));
    });
  }
});

/**
 * The rank-space fronts and the divide-and-conquer non-dominated sort (lib/pareto/nds/) against the
 * O(N^2) definitions (paretoFrontNaive; ranks by peeling fronts off one at a time), and against
 * DEAP's sortLogNondominated (Fortin et al. 2013 in Python) on larger sets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dominates } from '../../lib/pareto/dominance.js';
import { rankSpace } from '../../lib/pareto/nds/coords.js';
import { front2, front3, frontJfb, frontScan, ranks2, ranksPeeling } from '../../lib/pareto/nds/fronts.js';
import { jfbCutoffs, jfbRanks } from '../../lib/pareto/nds/jfb.js';
import { nondominatedRanks, nondominatedSort, paretoFront, paretoFrontNaive } from '../../lib/pareto/sort.js';
import { createRng, type Rng } from '../../lib/rng.js';
import { PYTHON, pythonHas, runPython } from '../helpers-python.js';

/** Ranks by definition: peel the non-dominated points off, again and again. O(N^2 m) per front. */
function peelRanks(points: number[][]): number[] {
  const ranks = new Array<number>(points.length).fill(-1);
  let left = points.map((_, i) => i);
  for (let r = 0; left.length > 0; r++) {
    const front = left.filter((i) => !left.some((j) => dominates(points[j]!, points[i]!)));
    for (const i of front) ranks[i] = r;
    left = left.filter((i) => ranks[i] === -1);
  }
  return ranks;
}

/**
 * n points of m objectives: on an integer grid 0..g-1 (ties on every axis) or reals (g = 0), a share
 * of exact copies, optionally some ±Infinity coordinates, optionally near one front (sum ~ constant).
 */
function seededPoints(rng: Rng, n: number, m: number, g: number, opts: { infinities?: boolean; nearFront?: boolean } = {}): number[][] {
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && rng.next() < 0.12) {
      pts.push([...pts[rng.int(pts.length)]!]);
      continue;
    }
    let p = Array.from({ length: m }, () => (g > 0 ? rng.int(g) : rng.next()));
    if (opts.nearFront) {
      const s = p.reduce((a, b) => a + b, 0) || 1;
      p = p.map((v) => (g > 0 ? Math.round(((g - 1) * v) / s) : v / s + 0.01 * rng.next()));
    }
    if (opts.infinities && rng.next() < 0.1) p[rng.int(m)] = rng.next() < 0.5 ? Infinity : -Infinity;
    pts.push(p);
  }
  return pts;
}

const frontOf = (ranks: number[]) => ranks.flatMap((r, i) => (r === 0 ? [i] : []));

describe('rank space', () => {
  it('by hand: dense ranks per objective, lexicographic rows, copies share a row', () => {
    const pts = [
      [2, 5],
      [1, 7],
      [2, 5],
      [-Infinity, 7],
      [2, 3],
    ];
    const s = rankSpace(new Float64Array(pts.flat()), 5, 2);
    // f1 ranks: -inf 0, 1 -> 1, 2 -> 2; f2 ranks: 3 -> 0, 5 -> 1, 7 -> 2.
    // Rows in lexicographic order: (-inf,7) (1,7) (2,3) (2,5) -- the two (2,5) share the last row.
    expect(s.u).toBe(4);
    expect(Array.from(s.coords)).toEqual([0, 2, 1, 2, 2, 0, 2, 1]);
    expect(Array.from(s.row)).toEqual([3, 1, 3, 0, 2]);
    // (2,3) dominates both (2,5); (-inf,7) dominates (1,7).
    expect(Array.from(front2(new Float64Array(pts.flat()), 5))).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(ranks2(new Float64Array(pts.flat()), 5))).toEqual([1, 1, 1, 0, 0]);
  });
  it('-0 and 0 are one value (as in dominates)', () => {
    const s = rankSpace(new Float64Array([0, 1, -0, 1]), 2, 2);
    expect(s.u).toBe(1);
  });
});

describe('rank-space fronts and the divide-and-conquer sort against brute force', () => {
  const defaults = { ...jfbCutoffs };
  afterEach(() => Object.assign(jfbCutoffs, defaults));
  // Default cutoffs; none (every split of helper A and helper B is taken); and pair comparisons everywhere.
  for (const [name, cut] of [
    ['default cutoffs', { ...jfbCutoffs }],
    ['no pair-comparison shortcut', { pairsA: 1, pairsB: 1, perPointB: 0, sweepB1: 0 }],
    ['pair comparisons wherever allowed', { pairsA: 1000, pairsB: 10 ** 6, perPointB: 1000, sweepB1: 1000 }],
  ] as const) {
    for (const m of [2, 3, 4, 5, 6]) {
      it(`${m} objectives, ${name}: 600 seeded sets (grids, reals, copies, ±Infinity, near-front)`, () => {
        Object.assign(jfbCutoffs, cut);
        const rng = createRng(1800 + 10 * m + (cut.pairsA === 1 ? 1 : 0));
        for (let t = 0; t < 600; t++) {
          const n = 1 + rng.int(t < 450 ? 40 : 160);
          const g = t % 5 === 0 ? 0 : 2 + rng.int(5);
          const pts = seededPoints(rng, n, m, g, { infinities: t % 7 === 3, nearFront: t % 3 === 1 });
          const want = peelRanks(pts);
          const s = rankSpace(new Float64Array(pts.flat()), n, m);
          const perPoint = (rowValues: ArrayLike<number>) => Array.from(s.row, (r) => rowValues[r] as number);
          expect(perPoint(jfbRanks(s))).toEqual(want);
          if (m >= 3) expect(perPoint(ranksPeeling(s))).toEqual(want);
          expect(perPoint(frontJfb(s))).toEqual(want.map((r) => (r === 0 ? 1 : 0)));
          const scanned = frontScan(s, 8);
          if (scanned) expect(perPoint(scanned)).toEqual(want.map((r) => (r === 0 ? 1 : 0)));
          else expect(want.filter((r) => r === 0).length).toBeGreaterThan(8); // it gave up: more than 8 distinct front points
          if (m === 2) expect(Array.from(ranks2(new Float64Array(pts.flat()), n))).toEqual(want);
          if (m === 2) expect(Array.from(front2(new Float64Array(pts.flat()), n))).toEqual(want.map((r) => (r === 0 ? 1 : 0)));
          if (m === 3) expect(perPoint(front3(s))).toEqual(want.map((r) => (r === 0 ? 1 : 0)));
        }
      });
    }
  }
});

describe('public API on sets past the prefilter and the scan limit', () => {
  for (const m of [1, 2, 3, 4, 5, 6]) {
    it(`${m} objectives: 120 seeded sets of 65..400 points against paretoFrontNaive and peeling`, () => {
      const rng = createRng(2900 + m);
      for (let t = 0; t < 120; t++) {
        const n = 65 + rng.int(336);
        const g = t % 4 === 0 ? 0 : 3 + rng.int(8);
        const pts = seededPoints(rng, n, m, g, { infinities: t % 6 === 5, nearFront: t % 2 === 0 });
        const want = peelRanks(pts);
        expect(paretoFront(pts)).toEqual(paretoFrontNaive(pts));
        expect(paretoFront(pts)).toEqual(frontOf(want));
        expect(nondominatedRanks(pts)).toEqual(want);
        const fronts = nondominatedSort(pts);
        expect(fronts.flatMap((f, r) => f.map((i) => [i, r])).sort((a, b) => a[0]! - b[0]!).map((x) => x[1])).toEqual(want);
      }
    });
  }
  it('a 4-objective near-front set of 3,000 points (front > 128: the divide-and-conquer path) and 1,500 copies of it', () => {
    const rng = createRng(31);
    const base = seededPoints(rng, 3000, 4, 0, { nearFront: true });
    const pts = [...base, ...base.slice(0, 1500).map((p) => [...p])];
    const naive = paretoFrontNaive(pts);
    expect(naive.length).toBeGreaterThan(1000);
    expect(paretoFront(pts)).toEqual(naive);
    const ranks = nondominatedRanks(pts);
    expect(frontOf(ranks)).toEqual(naive);
    for (let i = 0; i < 1500; i++) expect(ranks[3000 + i]).toBe(ranks[i]); // a copy shares its point's rank
  });
  it('constraint violations with the divide-and-conquer (m = 4, 5): feasible ranks first, then by total violation', () => {
    const rng = createRng(77);
    for (let t = 0; t < 200; t++) {
      const m = 4 + rng.int(2);
      const pts = seededPoints(rng, 10 + rng.int(120), m, 4);
      const violations = pts.map(() => (rng.next() < 0.3 ? rng.int(3) : 0));
      const feasible = pts.flatMap((_, i) => (violations[i]! <= 0 ? [i] : []));
      const sub = peelRanks(feasible.map((i) => pts[i]!));
      const top = sub.length ? Math.max(...sub) : -1;
      const levels = [...new Set(violations.filter((v) => v > 0))].sort((a, b) => a - b);
      const want = pts.map((_, i) => (violations[i]! <= 0 ? sub[feasible.indexOf(i)]! : top + 1 + levels.indexOf(violations[i]!)));
      expect(nondominatedRanks(pts, violations)).toEqual(want);
    }
  });
});

const HAVE_DEAP = pythonHas('deap');
if (!HAVE_DEAP) console.warn('python3-deap is not installed: the sortLogNondominated comparison is skipped');

describe.skipIf(!HAVE_DEAP)("DEAP's sortLogNondominated (second implementation)", () => {
  it('same fronts on 2,000-4,000-point sets, m = 2..5, near-front and grid (ties, copies)', async () => {
    const rng = createRng(4242);
    const sets = [
      seededPoints(rng, 4000, 2, 0, { nearFront: true }),
      seededPoints(rng, 3000, 3, 0, { nearFront: true }),
      seededPoints(rng, 3000, 4, 0, { nearFront: true }),
      seededPoints(rng, 2000, 4, 6),
      seededPoints(rng, 2000, 5, 0),
      seededPoints(rng, 2000, 5, 4, { nearFront: true }),
    ];
    const script = `
import json, sys
from deap import base, creator, tools
out = []
for pts in json.load(sys.stdin if False else open(sys.argv[1])):
    m = len(pts[0])
    class Fit(base.Fitness):
        weights = (-1.0,) * m
    class Ind(list):
        pass
    inds = []
    for i, p in enumerate(pts):
        ind = Ind(p); ind.fitness = Fit(p); ind.idx = i; inds.append(ind)
    fronts = tools.sortLogNondominated(inds, len(inds))
    ranks = [0] * len(pts)
    for r, f in enumerate(fronts):
        for ind in f: ranks[ind.idx] = r
    out.append(ranks)
print(json.dumps(out))
`;
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sort-dc-'));
    writeFileSync(join(dir, 'sets.json'), JSON.stringify(sets));
    writeFileSync(join(dir, 'deap_ranks.py'), script);
    const r = await runPython([join(dir, 'deap_ranks.py'), join(dir, 'sets.json')]);
    expect(r.status, `${PYTHON}: ${r.stderr}`).toBe(0);
    const deap = JSON.parse(r.stdout) as number[][];
    sets.forEach((pts, k) => {
      const ranks = nondominatedRanks(pts);
      expect(ranks).toEqual(deap[k]);
      expect(paretoFront(pts)).toEqual(frontOf(deap[k]!));
    });
  });
});

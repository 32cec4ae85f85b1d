/**
 * Hypervolume, contributions, HypervolumeTracker and normalizePoints on finite inputs whose ranges
 * overflow or sit far from 1 (lib/pareto/hv/rescale.ts): never NaN, the value when representable, else
 * Infinity. Hand-worked values (ranges 1e200 x 1e200 x 1e-100: 1e300; ref 1e308 with a point at
 * -1e308: an overflowing union), and seeded small sets scaled by 2^k_j per axis, whose hypervolume
 * and contributions must be exactly 2^(sum k_j) times the unscaled ones (powers of two are exact);
 * contributions whose exclusive box is thin in two or more axes of an overflowing range, by hand and
 * against exact rational grid-cell sums (python3 fractions).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { HypervolumeTracker } from '../../lib/pareto/hv/incremental.js';
import { binaryExponent } from '../../lib/pareto/hv/rescale.js';
import { hypervolume, hypervolumeContributions, normalizePoints } from '../../lib/pareto/hypervolume.js';
import { createRng } from '../../lib/rng.js';
import { PYTHON } from '../helpers-python.js';
import { bruteContributions, bruteHv, closeRel } from './brute.js';

const MAX = Number.MAX_VALUE;

/** v * 2^k for an integer-valued v < 2^53, by exponents alone: Infinity past 2^1024, else exact. */
function times2(v: number, k: number): number {
  if (v === 0) return 0;
  if (Math.log2(v) + k >= 1024) return Infinity;
  return k > 1000 ? v * 2 ** 1000 * 2 ** (k - 1000) : k < -1000 ? v * 2 ** -1000 * 2 ** (k + 1000) : v * 2 ** k;
}

describe('worked by hand', () => {
  it('ranges 1e200, 1e200, 1e-100: one box 1e300, not Infinity', () => {
    expect(hypervolume([[0, 0, 0]], [1e200, 1e200, 1e-100])).toBe(1e300);
    expect(hypervolumeContributions([[0, 0, 0]], [1e200, 1e200, 1e-100])).toEqual([1e300]);
  });
  it('(0,0,0) and (-1,1e199,0), ref (1e200,1e200,1e-100): 1e300 + 9e99, contributions 1e299 and 9e99', () => {
    const pts = [[0, 0, 0], [-1, 1e199, 0]];
    const ref = [1e200, 1e200, 1e-100];
    expect(hypervolume(pts, ref)).toBe(1e300 + 9e99); // 9e99 is below 1e300's last bit: 1e300
    // (0,0,0) alone: [0,1e200) x [0,1e199) x [0,1e-100) = 1e200 * 1e199 * 1e-100 (the rest (-1,1e199,0) covers)
    const c = hypervolumeContributions(pts, ref);
    expect(c[0]).toBe(1e299);
    expect(c[1]).toBe(9e99); // [-1,0) x [1e199,1e200) x [0,1e-100)
  });
  it('ref (1e308,1,1), points (-1e308,0,0) and (0,-1e308,0): the union overflows (Infinity), contributions 1e308 and Infinity', () => {
    const pts = [[-1e308, 0, 0], [0, -1e308, 0]];
    expect(hypervolume(pts, [1e308, 1, 1])).toBe(Infinity);
    // (-1e308,0,0) alone: [-1e308,0) x [0,1) x [0,1); (0,-1e308,0) alone: [0,1e308) x [-1e308,0) x [0,1) = 1e616
    expect(hypervolumeContributions(pts, [1e308, 1, 1])).toEqual([1e308, Infinity]);
    const t = new HypervolumeTracker([1e308, 1, 1]);
    t.add(pts[0]!);
    expect(t.value).toBe(Infinity); // 2e308: ref - p overflows, and so does the true volume
    expect(t.add(pts[1]!)).toBe(Infinity);
  });
  it('ref Number.MAX_VALUE in every objective, m = 2..6: Infinity, never NaN', () => {
    for (let m = 2; m <= 6; m++) {
      const pts = [new Array<number>(m).fill(0), [-1, ...new Array<number>(m - 1).fill(1)]];
      const ref = new Array<number>(m).fill(MAX);
      expect(hypervolume(pts, ref), `m = ${m}`).toBe(Infinity);
      // m = 2: (0,0) alone is [0,MAX) x [0,1) = MAX; (-1,1) alone is [-1,0) x [1,MAX) = MAX - 1 = MAX
      expect(hypervolumeContributions(pts, ref), `m = ${m}`).toEqual(m === 2 ? [MAX, MAX] : [Infinity, Infinity]);
      const t = new HypervolumeTracker(ref);
      for (const p of pts) expect(t.add(p)).toBe(Infinity);
    }
  });
  it('ranges 1e-200, 1e-200, 1e150: 1e-250 (each pair product underflows, the total does not)', () => {
    expect((2e-200 - 1e-200) * 1e-200 * 1e150).toBe(0); // the naive product, left to right
    expect(hypervolume([[1e-200, 0, 0]], [2e-200, 1e-200, 1e150])).toBe(9.999999999999999e-251); // exact product of the doubles, by fractions
  });
  it('a clipped point far below in another objective changes nothing: 9 and 4', () => {
    expect(hypervolume([[-1e308, 5], [1, 1]], [4, 4])).toBe(9); // (-1e308, 5) touches nothing: 5 >= ref
    expect(hypervolume([[-Infinity, 5, 0], [1, 1, 0], [2, -MAX, 9]], [4, 4, 1])).toBe(9);
    expect(hypervolumeContributions([[-1e308, 5], [1, 1], [3, 0]], [4, 4])).toEqual([0, 6, 1]); // (1,1): [1,3) x [1,4); (3,0): [3,4) x [0,1)
  });
  it('normalizePoints with a range that overflows: [[-1e308,0],[1e308,1]] -> [[0,0],[1,1]]', () => {
    expect(normalizePoints([[-1e308, 0], [1e308, 1]])).toEqual([[0, 0], [1, 1]]);
    expect(normalizePoints([[-1e308, 0], [0, 1], [1e308, 1]])).toEqual([[0, 0], [0.5, 1], [1, 1]]);
  });
  it('binaryExponent: normal, subnormal, Infinity', () => {
    expect([1, 1.5, 2, 0.75, MAX, 5e-324, 2 ** -1060 * 3, Infinity].map(binaryExponent)).toEqual([0, 0, 1, -1, 1023, -1074, -1059, 1024]);
  });
  it('a non-number coordinate: the shared checker words the line', () => {
    const e = (() => {
      try {
        hypervolume([[0, 0], [1, '1' as unknown as number]], [2, 2]);
      } catch (err) {
        return err as InputError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('points[1][1]: got "1" (a string); allowed: a number (±Infinity allowed, NaN not)');
  });
});

describe('seeded sets scaled by 2^k per axis: exactly 2^(sum k) times the unscaled values', () => {
  for (let m = 2; m <= 6; m++) {
    it(`m = ${m}: 150 sets (grid values 0..4, ref 5), exponents -1000..1000, products that overflow or not`, () => {
      const rng = createRng(18_900 + m);
      const bad: string[] = [];
      for (let round = 0; round < 150; round++) {
        const n = 1 + rng.int(m <= 4 ? 9 : 6);
        const pts = Array.from({ length: n }, () => Array.from({ length: m }, () => rng.int(5)));
        const ref = new Array<number>(m).fill(5);
        const spread = [20, 300, 1000][round % 3]!;
        const k = Array.from({ length: m }, () => rng.int(2 * spread + 1) - spread);
        const K = k.reduce((a, b) => a + b, 0);
        const scale = (p: number[]) => p.map((v, j) => times2(v, k[j]!));
        const hv0 = bruteHv(pts.filter((p) => p.every((v) => v < 5)), ref);
        const c0 = bruteContributions(pts, ref);
        const hv = hypervolume(pts.map(scale), scale(ref));
        const c = hypervolumeContributions(pts.map(scale), scale(ref));
        const want = times2(hv0, K);
        const wantC = c0.map((v) => times2(v, K));
        if (hv !== want || JSON.stringify(c) !== JSON.stringify(wantC)) bad.push(JSON.stringify({ pts, k, hv, want, c, wantC }));
        // the tracker: same value to 1e-12 (sums in another order), Infinity exactly when it overflows
        const t = new HypervolumeTracker(scale(ref));
        for (const p of pts) t.add(scale(p));
        if (want === Infinity ? t.value !== Infinity : !closeRel(t.value, want, 1e-12)) bad.push(JSON.stringify({ tracker: t.value, want, pts, k }));
      }
      expect(bad.slice(0, 3)).toEqual([]);
    });
  }
});

describe('HypervolumeTracker in 3-D: one z-sweep per add', () => {
  it('3,000 mutually non-dominated adds (n-i, i, n-i), then dominating and dominated points: equal to hypervolume() after each', () => {
    const n = 3000;
    const ref = [n + 1, n + 1, n + 1];
    const t = new HypervolumeTracker(ref);
    const pts: number[][] = [];
    const bad: string[] = [];
    for (let i = 0; i < n; i++) {
      const p = [n - i, i, n - i];
      pts.push(p);
      t.add(p);
      if (i % 97 === 0 && t.value !== hypervolume(pts, ref)) bad.push(`${i}: ${t.value} vs ${hypervolume(pts, ref)}`);
    }
    expect(t.size).toBe(n);
    expect(t.value).toBe(hypervolume(pts, ref));
    for (const p of [[n, n, n], [5, 5, 5], [6, 6, 6], [0, 2000, 0], [1, 1, 1]]) {
      pts.push(p);
      t.add(p);
      expect(t.value).toBe(hypervolume(pts, ref));
    }
    expect(bad).toEqual([]);
  });
  it('seeded random 3-D sequences with ties and copies (the list grows and compacts): hypervolume() of every prefix to 1e-12', () => {
    const rng = createRng(18_901);
    for (let round = 0; round < 40; round++) {
      const ref = [10, 10, 10];
      const t = new HypervolumeTracker(ref);
      const pts: number[][] = [];
      for (let i = 0; i < 200; i++) {
        const p = round % 2 === 0 ? [rng.int(11), rng.int(11), rng.int(11)] : [rng.next() * 10, rng.next() * 10, rng.next() * 10];
        pts.push(p);
        t.add(p);
        expect(closeRel(t.value, hypervolume(pts, ref), 1e-12), `round ${round}, add ${i}`).toBe(true);
      }
    }
  });
});

/**
 * Exact contributions by grid cells in rational arithmetic (python3 fractions.Fraction, one process for
 * every set): each cell of the grid of distinct coordinates (ref included) is owned by the points whose
 * closed orthant holds its lower corner; a cell with exactly one owner adds its exact volume to it;
 * float(Fraction) rounds correctly, OverflowError -> Infinity. Sets: n x m, JSON in, one line per set out.
 */
const EXACT_PY = String.raw`
import sys, json, itertools
from fractions import Fraction as F
out = []
for pts, ref in json.load(sys.stdin):
    m = len(ref)
    pts = [p for p in pts if all(p[j] < ref[j] for j in range(m))]
    axes = [sorted(set([p[j] for p in pts] + [ref[j]])) for j in range(m)]
    c = [F(0)] * len(pts)
    for cell in itertools.product(*[range(len(a) - 1) for a in axes]):
        lo = [axes[j][cell[j]] for j in range(m)]
        own = [i for i, p in enumerate(pts) if all(p[j] <= lo[j] for j in range(m))]
        if len(own) == 1:
            v = F(1)
            for j in range(m):
                v *= F(axes[j][cell[j] + 1]) - F(lo[j])
            c[own[0]] += v
    def fl(v):
        try:
            return repr(float(v))
        except OverflowError:
            return 'inf'
    out.append([fl(v) for v in c])
print(json.dumps(out))
`;

function exactContributions(sets: [number[][], number[]][]): number[][] {
  const r = spawnSync(PYTHON, ['-c', EXACT_PY], { input: JSON.stringify(sets), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`exact contributions: ${r.stderr}`);
  return (JSON.parse(r.stdout) as string[][]).map((row) => row.map((s) => (s === 'inf' ? Infinity : Number(s))));
}

describe('contributions whose exclusive box is thin in two or more axes of an overflowing range', () => {
  for (let m = 3; m <= 6; m++) {
    it(`m = ${m}: unit-vector points at -1e308, ref (1e308, 1, ...): 1e308, Infinity, Infinity (point 0 alone covers [-1e308,0) x [0,1)^${m - 1})`, () => {
      const pts = [0, 1, 2].map((k) => Array.from({ length: m }, (_, j) => (j === k ? -1e308 : 0)));
      expect(hypervolumeContributions(pts, [1e308, ...Array<number>(m - 1).fill(1)])).toEqual([1e308, Infinity, Infinity]);
    });
  }
  for (let m = 2; m <= 5; m++) {
    it(`m = ${m}: (-1,-1,0..) next to (-1e308,0,..) and (0,-1e308,..), ref (1e308,1,..): its contribution is [-1,0)^2 x [0,1)^${m - 2} = 1`, () => {
      const pad = Array<number>(m - 2).fill(0);
      const pts = [[-1e308, 0, ...pad], [0, -1e308, ...pad], [-1, -1, ...pad]];
      expect(hypervolumeContributions(pts, [1e308, ...Array<number>(m - 1).fill(1)])).toEqual([1e308, Infinity, 1]);
    });
  }
  it('seeded sets m = 2..6 with one or two coordinates at +-1e308, refs 5 / 1e308 / MAX_VALUE: the exact rational contributions to 1e-12', () => {
    const rng = createRng(1808);
    const sets: [number[][], number[]][] = [];
    for (let m = 2; m <= 6; m++) {
      for (let s = 0; s < (m <= 4 ? 80 : 25); s++) {
        const n = 2 + rng.int(m <= 4 ? 5 : 3);
        const ref = Array.from({ length: m }, () => rng.pick([5, 5, 1e308, MAX]));
        const pts = Array.from({ length: n }, () => Array.from({ length: m }, () => rng.int(5)));
        for (let pushes = 1 + rng.int(2); pushes > 0; pushes--) {
          const i = rng.int(n);
          const j = rng.int(m);
          // -1e308 (an overflowing range against ref 1e308 / MAX); +1e308 only where it stays below ref
          (pts[i] as number[])[j] = ref[j] === MAX && rng.int(2) === 0 ? 1e308 : -1e308;
        }
        sets.push([pts, ref]);
      }
    }
    const want = exactContributions(sets);
    let thin = 0;
    sets.forEach(([pts, ref], s) => {
      const got = hypervolumeContributions(pts, ref);
      const w = want[s] as number[];
      const kept = got.filter((_, i) => (pts[i] as number[]).every((v, j) => v < (ref[j] as number)));
      expect(kept.length).toBe(w.length);
      kept.forEach((g, t) => {
        const x = w[t] as number;
        if (x > 0 && Number.isFinite(x) && x < 1e100) thin++;
        if (!closeRel(g, x, 1e-12)) throw new Error(`set ${s} ${JSON.stringify(pts)} ref ${JSON.stringify(ref)}: point ${t} got ${g}, want ${x}`);
      });
    });
    expect(thin).toBeGreaterThan(50); // the sets do hold small finite contributions next to 1e308 ranges
  });
});

/**
 * Contributions of near-coincident points (issue 18, adversarial cases): a small exclusive volume must be
 * accurate RELATIVE TO ITSELF (1e-12), not to its point's box. Kernels: hvc4d (m = 4), hvcWfg (m = 4..6),
 * exclusiveVolume (hv/exclusive.ts) and the public hypervolumeContributions. Reference: brute.ts's
 * bruteContributions, which sums the volumes of the grid cells only that point covers (products of
 * differences of adjacent coordinates, compensated sum: no cancellation — checked by hand below).
 */
import { describe, expect, it } from 'vitest';
import { hvc4d } from '../../lib/pareto/hv/hvc4d.js';
import { hvcWfg } from '../../lib/pareto/hv/hvc-wfg.js';
import { ExclusiveWorkspace, exclusiveVolume } from '../../lib/pareto/hv/exclusive.js';
import { pack } from '../../lib/pareto/hv/packed.js';
import { hypervolumeContributions } from '../../lib/pareto/hypervolume.js';
import { createRng, type Rng } from '../../lib/rng.js';
import { bruteContributions, type P } from './brute.js';

function relErr(got: number, want: number): number {
  if (want === 0) return got === 0 ? 0 : Infinity;
  return Math.abs(got - want) / Math.abs(want);
}

/** Every kernel for m against the brute force; returns the worst relative error. */
function worstError(points: P[], ref: number[]): number {
  const m = ref.length;
  const want = bruteContributions(points, ref);
  const packed = pack(points, m);
  const r = Float64Array.from(ref);
  const got: ArrayLike<number>[] = [hvcWfg(packed, r), hypervolumeContributions(points, ref)];
  if (m === 4) got.push(hvc4d(packed, r));
  const ws = new ExclusiveWorkspace(m);
  got.push(points.map((_, i) => exclusiveVolume(packed.data, points.length, m, i, r, ws)));
  let worst = 0;
  for (const g of got) for (let i = 0; i < points.length; i++) worst = Math.max(worst, relErr(g[i] as number, want[i] as number));
  return worst;
}

describe('the adversarial cases', () => {
  it('m = 4: a point 1e-9 from another on two axes (was 4.2e-8 relative off)', () => {
    const pts = [
      [0.3, 0.5, 0.2, 0.4],
      [0.3 - 1e-9, 0.5 + 1e-9, 0.2, 0.4],
      [0.5, 0.5, 0.1, 0.4],
    ];
    // by hand: p's exclusive region is the box [0.3, 0.5) x [0.5, fl(0.5 + 1e-9)) x [0.2, 1) x [0.4, 1)
    const hand = (0.5 - 0.3) * (0.5 + 1e-9 - 0.5) * (1 - 0.2) * (1 - 0.4);
    expect(relErr(bruteContributions(pts, [1, 1, 1, 1])[0]!, hand)).toBeLessThan(1e-15);
    expect(hand).toBeCloseTo(9.599999728e-11, 19);
    for (const c of [hvc4d(pack(pts, 4), Float64Array.of(1, 1, 1, 1))[0]!, hypervolumeContributions(pts, [1, 1, 1, 1])[0]!]) {
      expect(relErr(c, hand)).toBeLessThan(1e-12);
    }
    expect(worstError(pts, [1, 1, 1, 1])).toBeLessThan(1e-12);
  });

  it('m = 5 and 6: the same points with extra objectives 0.1 (were 3.3e-7 and 4.5e-7 off)', () => {
    for (const extra of [[0.1], [0.1, 0.1]]) {
      const pts = [
        [0.3, 0.5, 0.2, 0.4, ...extra],
        [0.3 - 1e-9, 0.5 + 1e-9, 0.2, 0.4, ...extra],
        [0.5, 0.5, 0.1, 0.4, ...extra],
      ];
      const ref = new Array(pts[0]!.length).fill(1);
      const hand = (0.5 - 0.3) * (0.5 + 1e-9 - 0.5) * (1 - 0.2) * (1 - 0.4) * 0.9 ** extra.length;
      expect(relErr(hypervolumeContributions(pts, ref)[0]!, hand)).toBeLessThan(1e-12);
      expect(worstError(pts, ref)).toBeLessThan(1e-12);
    }
  });

  it('m = 5: two points 1e-17 apart (were both 0)', () => {
    const e = 1e-17;
    const pts = [
      [0, 0, 0, 0, 0],
      [e, -e, e, e, e],
    ];
    const ref = [1, 1, 1, 1, 1];
    // by hand (slab decomposition, u = max(p, q) = (e, 0, e, e, e)): p's region = sum over the four axes
    // j where u_j > p_j of prod_{k<j}(1 - u_k) * e * prod_{k>j}(1 - p_k), i.e. 4e-17 up to 1e-33;
    // q's = box(q) - box(u) = (1 - e)^4 * ((1 + e) - 1): fl(1 + 1e-17) = 1, so q's box in that axis is 1
    // and its own part is [ -1e-17, 0 ) wide: (1 - e)^4 * e = 1e-17 up to 1e-33.
    const want = [4e-17, 1e-17];
    const brute = bruteContributions(pts, ref);
    for (let i = 0; i < 2; i++) expect(relErr(brute[i]!, want[i]!)).toBeLessThan(1e-15);
    const got = hypervolumeContributions(pts, ref);
    for (let i = 0; i < 2; i++) expect(relErr(got[i]!, want[i]!)).toBeLessThan(1e-12);
    expect(worstError(pts, ref)).toBeLessThan(1e-12);
  });
});

/**
 * A seeded set of near-coincident points: `base` random points in [0, 1)^m, each with 1-2 near copies
 * that differ on 1..m-1 random axes by 1e-3..1e-16 relative (up or down), plus a few exact copies.
 */
function nearCoincident(rng: Rng, m: number, base: number): P[] {
  const pts: P[] = [];
  for (let i = 0; i < base; i++) {
    const p = Array.from({ length: m }, () => 0.05 + 0.9 * rng.next());
    pts.push(p);
    const copies = 1 + rng.int(2);
    for (let c = 0; c < copies; c++) {
      const q = p.slice();
      const axes = 1 + rng.int(m - 1);
      for (let a = 0; a < axes; a++) {
        const t = rng.int(m);
        const rel = 10 ** -(3 + rng.int(13) + rng.next());
        q[t] = q[t]! * (1 + (rng.next() < 0.5 ? -rel : rel));
      }
      pts.push(q);
    }
    if (rng.next() < 0.2) pts.push(p.slice());
  }
  return pts;
}

describe('seeded near-coincident sets against the grid-cell brute force', () => {
  for (const m of [4, 5, 6]) {
    it(`m = ${m}: 1e-12 relative to each contribution`, () => {
      const rng = createRng(1800 + m);
      const sets = m === 4 ? 150 : m === 5 ? 60 : 25;
      let nonzero = 0;
      for (let s = 0; s < sets; s++) {
        const base = m === 6 ? 2 + rng.int(2) : 2 + rng.int(3);
        const pts = nearCoincident(rng, m, base);
        const ref = new Array(m).fill(1);
        nonzero += bruteContributions(pts, ref).filter((v) => v > 0 && v < 1e-6).length;
        const worst = worstError(pts, ref);
        if (worst >= 1e-12) throw new Error(`set ${s} (m = ${m}): worst relative error ${worst}: ${JSON.stringify(pts)}`);
      }
      expect(nonzero).toBeGreaterThan(sets / 2); // the sets do hold tiny contributions
    });
  }
});

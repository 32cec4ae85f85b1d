/**
 * argsort (lib/pareto/hv/order.ts) against the definition: a stable ascending order of the keys, i.e.
 * the builtin comparison sort of the indices by (key, index), on seeded keys with ties, -0 and 0 (equal
 * keys), ±Infinity, subnormals and huge magnitudes, at sizes on both sides of the insertion / comparison
 * / radix thresholds.
 */
import { describe, expect, it } from 'vitest';
import { argsort } from '../../lib/pareto/hv/order.js';
import { createRng } from '../../lib/rng.js';
import type { Rng } from '../../lib/rng.js';

/** The stable order by definition: indices sorted by (key, index); -0 and 0 compare equal. */
function stableOrder(keys: Float64Array): number[] {
  return Array.from(keys.keys()).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
}

/** The first index where two arrays differ (or the shorter length), -1 when equal. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

type Kind = 'ties' | 'mixed' | 'narrow' | 'wide';
const KINDS: readonly Kind[] = ['ties', 'mixed', 'narrow', 'wide'];

function draw(rng: Rng, kind: Kind): number {
  if (kind === 'ties') return rng.int(7) - 3; // many equal keys, negatives and 0
  if (kind === 'narrow') return 0.5 + rng.next() * 1e-9; // shares the top bits: radix passes skipped
  if (kind === 'wide') return (rng.int(2) ? -1 : 1) * rng.next() * 10 ** (rng.int(40) - 20);
  const r = rng.next();
  if (r < 0.05) return -0;
  if (r < 0.1) return 0;
  if (r < 0.13) return Infinity;
  if (r < 0.16) return -Infinity;
  if (r < 0.19) return (rng.int(2) ? -1 : 1) * 5e-324 * (1 + rng.int(3)); // subnormal
  if (r < 0.22) return (rng.int(2) ? -1 : 1) * Number.MAX_VALUE;
  if (r < 0.4) return rng.int(5) - 2;
  return (rng.next() - 0.5) * 1e6;
}

describe('argsort', () => {
  it('empty and one key', () => {
    expect(Array.from(argsort(new Float64Array(0)))).toEqual([]);
    expect(Array.from(argsort(Float64Array.of(3)))).toEqual([0]);
  });

  it('worked by hand: ties keep index order, -0 equals 0, infinities at the ends', () => {
    const keys = Float64Array.of(2, -0, Infinity, 0, -Infinity, 2, -1, 0);
    expect(Array.from(argsort(keys))).toEqual([4, 6, 1, 3, 7, 0, 5, 2]);
  });

  it('equals the stable order by definition on 600 seeded key sets of 2..70,000 keys', () => {
    const rng = createRng(18_001);
    const sizes = [2, 3, 15, 16, 17, 100, 255, 256, 257, 300, 1000, 4099, 70_000];
    let sets = 0;
    for (const n of sizes) {
      const reps = n > 5000 ? 4 : n > 500 ? 20 : 60;
      for (let r = 0; r < reps; r++) {
        const kind = KINDS[r % KINDS.length]!;
        const keys = new Float64Array(n);
        for (let i = 0; i < n; i++) keys[i] = draw(rng, kind);
        const copy = keys.slice();
        const got = argsort(keys);
        expect(got).toBeInstanceOf(Uint32Array);
        expect(firstDifference(got, stableOrder(keys))).toBe(-1);
        expect(firstDifference(keys, copy)).toBe(-1); // never mutated
        sets++;
      }
    }
    expect(sets).toBeGreaterThan(600);
  });

  it('all keys equal (every radix pass skipped) and already sorted / reversed inputs', () => {
    for (const n of [20, 300, 5000]) {
      const same = new Float64Array(n).fill(-0.25);
      expect(Array.from(argsort(same))).toEqual(Array.from({ length: n }, (_, i) => i));
      const up = Float64Array.from({ length: n }, (_, i) => i - n / 2);
      expect(Array.from(argsort(up))).toEqual(Array.from({ length: n }, (_, i) => i));
      const down = Float64Array.from({ length: n }, (_, i) => n / 2 - i);
      expect(Array.from(argsort(down))).toEqual(Array.from({ length: n }, (_, i) => n - 1 - i));
    }
  });
  it('bucket-sort paths: crowded buckets (merge sort inside), skewed keys (radix fallback), infinite range', () => {
    const rng = createRng(18_002);
    let sets = 0;
    for (const n of [95, 96, 97, 200, 1023, 1024, 3000, 20_000]) {
      for (let r = 0; r < 12; r++) {
        const keys = new Float64Array(n);
        const clusters = 1 + (r % 6) * 3; // 1..16 tight clusters: buckets of n / clusters keys
        for (let i = 0; i < n; i++) {
          if (r % 4 === 3) keys[i] = Math.exp(rng.next() * 40 - 20); // log-uniform: most keys in bucket 0
          else if (r === 10 && i === 0) keys[i] = -Infinity;
          else keys[i] = rng.int(clusters) + rng.next() * 1e-6 * (r % 2) + (rng.int(3) === 0 ? 0.5 : 0);
        }
        expect(firstDifference(argsort(keys), stableOrder(keys))).toBe(-1);
        sets++;
      }
    }
    expect(sets).toBe(96);
  });
});

import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { latencyStats } from '../../lib/runtime/stats.js';

describe('latency statistics, worked by hand (the one quantile rule, lib/stats/summary.ts QUANTILE_RULE)', () => {
  it('even n: an integer n*p averages two order statistics: 1..10', () => {
    const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    const s = latencyStats(xs);
    // n = 10: p10 h = 1 -> (x(1) + x(2)) / 2 = 1.5; median h = 5 -> (5 + 6) / 2; p90 h = 9 -> (9 + 10) / 2
    // (numpy.quantile(method='averaged_inverted_cdf') gives the same 1.5, 5.5, 9.5)
    expect(s.p10Ms).toBe(1.5);
    expect(s.medianMs).toBe(5.5);
    expect(s.p90Ms).toBe(9.5);
    expect(s.meanMs).toBe(5.5);
    expect([s.minMs, s.maxMs]).toEqual([1, 10]);
    // sample variance of 1..10 is 55/6
    expect(s.stdMs).toBeCloseTo(Math.sqrt(55 / 6), 12);
    expect(s.spreadPct).toBeCloseTo(((9.5 - 1.5) / 5.5) * 100, 10);
  });
  it('odd n: a non-integer n*p takes x(ceil(n p)): 1 1 2 3 4 5 9', () => {
    const s = latencyStats([3, 1, 4, 1, 5, 9, 2]);
    // n = 7: p10 h = 0.7 -> x(1) = 1; median h = 3.5 -> x(4) = 3; p90 h = 6.3 -> x(7) = 9
    expect([s.p10Ms, s.medianMs, s.p90Ms]).toEqual([1, 3, 9]);
    expect(s.meanMs).toBeCloseTo(25 / 7, 12);
  });
  it('one sample is its own median and quantiles; no samples is an input error naming samplesMs', () => {
    expect(latencyStats([2.5])).toMatchObject({ medianMs: 2.5, p10Ms: 2.5, p90Ms: 2.5, stdMs: 0, spreadPct: 0 });
    expect(() => latencyStats([])).toThrow(InputError);
    expect(() => latencyStats([])).toThrow(/^samplesMs: got 0 values; allowed: at least 1 number$/);
  });
});

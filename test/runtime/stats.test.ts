import { describe, expect, it } from 'vitest';
import { latencyStats, quantile } from '../../lib/runtime/stats.js';

describe('latency statistics, worked by hand', () => {
  it('quantiles interpolate between order statistics (numpy default): 1..10', () => {
    const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    const s = latencyStats(xs);
    // positions (n - 1) q: p10 at 0.9 -> 1 + 0.9; median at 4.5 -> 5.5; p90 at 8.1 -> 9.1
    expect(s.p10Ms).toBeCloseTo(1.9, 12);
    expect(s.medianMs).toBeCloseTo(5.5, 12);
    expect(s.p90Ms).toBeCloseTo(9.1, 12);
    expect(s.meanMs).toBe(5.5);
    expect([s.minMs, s.maxMs]).toEqual([1, 10]);
    // sample variance of 1..10 is 55/6
    expect(s.stdMs).toBeCloseTo(Math.sqrt(55 / 6), 12);
    expect(s.spreadPct).toBeCloseTo(((9.1 - 1.9) / 5.5) * 100, 10);
  });
  it('one sample is its own median and quantiles', () => {
    expect(latencyStats([2.5])).toMatchObject({ medianMs: 2.5, p10Ms: 2.5, p90Ms: 2.5, stdMs: 0, spreadPct: 0 });
    expect(() => quantile([], 0.5)).toThrow(RangeError);
  });
});

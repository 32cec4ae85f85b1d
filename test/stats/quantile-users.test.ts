/** The one quantile rule where paretonas shows quantiles to a person: `space`'s median column. */
import { describe, expect, it } from 'vitest';
import { spaceCommand } from '../../lib/cli/space.js';
import { formatMetric } from '../../lib/metrics.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { sampleWithCosts } from '../../lib/space/stats.js';

describe('space: the median column', () => {
  it('of an even number of samples is the mean of the two middle ones (the old rule took the upper one)', () => {
    const out = spaceCommand(['tinyml-cifar100', '--samples', '10', '--seed', '3']);
    const samples = sampleWithCosts(resolveSpace('tinyml-cifar100'), 10, 3);
    for (const [label, key] of [['MACs', 'macs'], ['params', 'params'], ['flash', 'flashBytes'], ['peak SRAM', 'peakSramBytes']] as const) {
      const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
      const row = out.split('\n').find((l) => l.startsWith(`${label} `)) as string;
      const cells = row.slice(label.length).trim().split(/\s{2,}/);
      expect(cells).toEqual([formatMetric(key, sorted[0] as number), formatMetric(key, ((sorted[4] as number) + (sorted[5] as number)) / 2), formatMetric(key, sorted[9] as number)]);
    }
    // the two middle MACs differ, so the old upper-middle rule would print another number
    const macs = samples.map((s) => s.macs).sort((a, b) => a - b);
    expect(formatMetric('macs', ((macs[4] as number) + (macs[5] as number)) / 2)).not.toBe(formatMetric('macs', macs[5] as number));
  });
});

/**
 * LiveReplay keeps a run's state current record by record; the dashboard data it gives must equal
 * the data of a full replayRecords at every prefix of a real campaign's records.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import { LiveReplay } from '../../lib/dashboard/live-replay.js';
import { runData } from '../../lib/dashboard/run-data.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { createProposer } from '../../lib/propose/registry.js';
import { resolveSpace } from '../../lib/space/builtin.js';

describe('LiveReplay', () => {
  it('at every prefix of a real campaign, incremental state gives the same dashboard data as a full replay', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dash-live-')), 'run');
    const config = configFromSpace(resolveSpace('tinyml-fashion-mnist'), { space: 'tinyml-fashion-mnist', proposer: 'evolution', evaluator: 'cost', budget: 40, seed: 3 });
    await runCampaign(dir, config, { createProposer: (n, o) => createProposer(n, o), createEvaluator: (s, o) => createEvaluator(s, o) });
    const all = readRecords(join(dir, 'records.jsonl')).records;
    expect(all.filter((r) => r.type === 'evaluation').length).toBeGreaterThan(5);
    const live = new LiveReplay();
    const grown: typeof all = [];
    for (const r of all) {
      grown.push(r); // the same array grows, as RecordTail's does
      expect(runData('r', grown, live.update(grown))).toEqual(runData('r', grown.slice()));
    }
  }, 60_000);

  it('a record out of order is an error naming it; a new generation starts again from the first record', () => {
    const start = { type: 'campaign-start', time: 't', seq: 0, config: { space: 's', proposer: 'random', evaluator: 'cost', budget: 2, seed: 0, objectives: [{ name: 'macs', direction: 'min' }], limits: [], macs: { min: 0, max: 1 }, sramMaxBytes: 1, sramModel: 'mcunet' } } as never;
    const evaluation = { type: 'evaluation', time: 't', seq: 1, index: 0, key: 'k', metrics: { macs: 1 } } as never;
    const live = new LiveReplay();
    expect(() => live.update([start, evaluation], 0, 'RUN/records.jsonl')).toThrow(/RUN\/records\.jsonl record 2/);
    expect(live.update([start], 1).counters.proposed).toBe(0);
    expect(() => live.update([evaluation], 2)).toThrow(/campaign-start record first/);
  });
});

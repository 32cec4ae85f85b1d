/**
 * Two hand-made runs for the figure tests (records written by ../run-records.ts):
 *
 * `hand`: objectives accuracy:max, macs:min; limit peak SRAM <= 300 KiB; 8 proposals.
 *   #0 acc 60, 100 M, 0.2 M params, 200 KiB    front
 *   #1 rejected (sram; details carry peakSramBytes 400 KiB and macs 90 M)
 *   #2 acc 50, 150 M, 0.3 M, 250 KiB           dominated by #0
 *   #3 acc 70, 200 M, 0.1 M, 280 KiB           front
 *   #4 rejected (macs)
 *   #5 acc 80, 120 M, 0.4 M, 310 KiB           infeasible (SRAM limit): off the front
 *   #6 acc 40,  80 M, 0.5 M, 100 KiB           front
 *   #7 rejected (sram; details without macs)
 *
 * `clean`: the evolution proposer's kind of run: 5 proposals, all evaluated, nothing rejected.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CampaignConfig } from '../../../lib/campaign/config.js';
import { readRecords, type CampaignRecord } from '../../../lib/campaign/records.js';
import type { RunState } from '../../../lib/campaign/state.js';
import { loadRun } from '../../../lib/report/campaign-report.js';
import { evaluation, proposal, writeRun } from '../run-records.js';

export const KiB = 1024;

export const m = (accuracy: number, macsM: number, paramsM: number, sramKiB: number) => ({ accuracy, macs: macsM * 1e6, params: paramsM * 1e6, peakSramBytes: sramKiB * KiB });

const handConfig: Partial<CampaignConfig> = {
  proposer: 'ollama:llama3.2:3b',
  seed: 7,
  budget: 8,
  objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }],
  limits: [{ name: 'peakSramBytes', max: 300 * KiB }],
};

const handRecords: Record<string, unknown>[] = [
  proposal(0),
  evaluation(0, m(60, 100, 0.2, 200)),
  proposal(1),
  { type: 'rejection', index: 1, key: 'k1', reason: 'sram', message: 'too much SRAM', details: { peakSramBytes: 400 * KiB, macs: 90e6 }, violation: 0.25 },
  proposal(2),
  evaluation(2, m(50, 150, 0.3, 250)),
  proposal(3),
  evaluation(3, m(70, 200, 0.1, 280)),
  proposal(4),
  { type: 'rejection', index: 4, key: 'k4', reason: 'macs', message: 'too many MACs', details: { macs: 400e6 }, violation: 0.1 },
  proposal(5),
  evaluation(5, m(80, 120, 0.4, 310)),
  proposal(6),
  evaluation(6, m(40, 80, 0.5, 100)),
  proposal(7),
  { type: 'rejection', index: 7, key: 'k7', reason: 'sram', message: 'too much SRAM', details: { peakSramBytes: 350 * KiB }, violation: 0.1 },
];

const cleanRecords: Record<string, unknown>[] = [0, 1, 2, 3, 4].flatMap((i) => [proposal(i), evaluation(i, m(50 + 5 * i, 100 + 10 * i, 0.2, 150))]);

export interface FixtureRun {
  dir: string;
  state: RunState;
  records: CampaignRecord[];
}

function load(dir: string): FixtureRun {
  return { dir, state: loadRun(dir), records: readRecords(join(dir, 'records.jsonl')).records };
}

/** Writes both runs under a fresh temporary folder. */
export function fixtureRuns(): { hand: FixtureRun; clean: FixtureRun } {
  const tmp = mkdtempSync(`${tmpdir()}/figures-`);
  return {
    hand: load(writeRun(tmp, 'hand', handConfig, handRecords)),
    clean: load(writeRun(tmp, 'clean', { proposer: 'evolution', seed: 1, budget: 5, objectives: handConfig.objectives, limits: handConfig.limits }, cleanRecords)),
  };
}

/**
 * A new run refused before its first record (a failed dataset preflight, a proposer refusing its
 * settings) leaves no empty run directory behind (it would break `compare runs/*` with "has no
 * records.jsonl"), and never removes a folder that existed before the command.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCampaign, type CampaignDeps } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { InputError } from '../../lib/errors.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import type { Evaluator } from '../../lib/evaluate/types.js';
import { createProposer } from '../../lib/propose/registry.js';
import { resolveSpace } from '../../lib/space/builtin.js';

const space = resolveSpace('tinyml-fashion-mnist');
const config = () => configFromSpace(space, { space: 'tinyml-fashion-mnist', proposer: 'random', evaluator: 'cost', budget: 3, seed: 1 });

/** The cost evaluator whose preflight refuses (after `during`, run in the preflight, e.g. to drop a file). */
function refusingPreflight(during: () => void = () => {}): CampaignDeps {
  return {
    createProposer,
    createEvaluator: (spec, options): Evaluator => ({
      ...createEvaluator(spec, options),
      async preflight() {
        during();
        throw new InputError('--evaluator', 'torch:./gone', 'a dataset that exists', 'no such folder');
      },
    }),
  };
}

describe('a new run refused before its first record', () => {
  it('removes the run directory it created, and the parents it created (runs/), but not the folder above', async () => {
    const base = mkdtempSync(join(tmpdir(), 'refused-start-'));
    const dir = join(base, 'runs', '2026-evolution-0');
    await expect(runCampaign(dir, config(), refusingPreflight())).rejects.toThrow(/^--evaluator: no such folder/);
    expect(existsSync(join(base, 'runs'))).toBe(false);
    expect(existsSync(base)).toBe(true);
    // the same command once the dataset is there starts the run in that directory
    const ran = await runCampaign(dir, config(), { createProposer, createEvaluator });
    expect(ran.proposed).toBe(3);
    expect(existsSync(join(dir, 'records.jsonl'))).toBe(true);
  });

  it('a proposer refusing its settings leaves no directory either', async () => {
    const base = mkdtempSync(join(tmpdir(), 'refused-start-'));
    const dir = join(base, 'run');
    const deps: CampaignDeps = {
      createEvaluator,
      createProposer: () => {
        throw new InputError('--population', 0, 'an integer from 2');
      },
    };
    await expect(runCampaign(dir, config(), deps)).rejects.toThrow(/^--population/);
    expect(readdirSync(base)).toEqual([]);
  });

  it("never removes a folder that existed before (a user's --out), empty or not", async () => {
    const base = mkdtempSync(join(tmpdir(), 'refused-start-'));
    const empty = join(base, 'mine');
    mkdirSync(empty);
    await expect(runCampaign(empty, config(), refusingPreflight())).rejects.toThrow(/no such folder/);
    expect(readdirSync(empty)).toEqual([]);
    const full = join(base, 'notes');
    mkdirSync(full);
    writeFileSync(join(full, 'todo.txt'), 'x');
    await expect(runCampaign(full, config(), refusingPreflight())).rejects.toThrow(/no such folder/);
    expect(readdirSync(full)).toEqual(['todo.txt']);
  });

  it('keeps a directory it created when a file appeared in it meanwhile (only empty directories are removed)', async () => {
    const base = mkdtempSync(join(tmpdir(), 'refused-start-'));
    const dir = join(base, 'run');
    await expect(runCampaign(dir, config(), refusingPreflight(() => writeFileSync(join(dir, 'other.txt'), 'y')))).rejects.toThrow(/no such folder/);
    expect(readdirSync(dir)).toEqual(['other.txt']);
  });
});

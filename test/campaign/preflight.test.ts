import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCampaign, type CampaignDeps } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { InputError } from '../../lib/errors.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import type { Evaluator } from '../../lib/evaluate/types.js';
import { createProposer } from '../../lib/propose/registry.js';
import { resolveSpace } from '../../lib/space/builtin.js';

const space = resolveSpace('tinyml-fashion-mnist');
const config = (budget: number) => configFromSpace(space, { space: 'tinyml-fashion-mnist', proposer: 'random', evaluator: 'cost', budget, seed: 3 });

/** The cost evaluator with a preflight that counts its calls and refuses while `refuse.now` is set. */
function withPreflight(refuse: { now: boolean }, calls: string[]): CampaignDeps {
  return {
    createProposer,
    createEvaluator: (spec, options): Evaluator => ({
      ...createEvaluator(spec, options),
      async preflight(s) {
        calls.push(s.name);
        if (refuse.now) throw new InputError('--evaluator', 'torch:./gone', 'a dataset that exists', 'no such folder');
      },
    }),
  };
}

describe('the evaluator preflight', () => {
  it('refuses a run before its first record, and a resume before it adds one (the records stay byte-identical)', async () => {
    const dir = `${mkdtempSync(`${tmpdir()}/preflight-`)}/run`;
    const calls: string[] = [];
    const refuse = { now: true };
    await expect(runCampaign(dir, config(6), withPreflight(refuse, calls))).rejects.toThrow(/^--evaluator: no such folder; allowed: a dataset that exists$/);
    expect(calls).toEqual([space.name]);
    expect(existsSync(`${dir}/records.jsonl`)).toBe(false);

    refuse.now = false;
    const first = await runCampaign(dir, config(6), withPreflight(refuse, calls));
    expect(first.proposed).toBe(6);
    const before = readFileSync(`${dir}/records.jsonl`);

    refuse.now = true;
    await expect(runCampaign(dir, undefined, withPreflight(refuse, calls), { budget: 10 })).rejects.toThrow(/no such folder/);
    expect(calls).toHaveLength(3);
    expect(readFileSync(`${dir}/records.jsonl`).equals(before)).toBe(true);

    refuse.now = false;
    const resumed = await runCampaign(dir, undefined, withPreflight(refuse, calls), { budget: 10 });
    expect(resumed.proposed).toBe(10);
    expect(calls).toHaveLength(4);
  });
});

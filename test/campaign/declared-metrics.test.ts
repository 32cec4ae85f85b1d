/**
 * A trainer's own metric declared with `metrics` (`--metrics accuracy,mcuLatencyMs`) is an
 * objective and a limit of a real campaign (runCampaign, the command evaluator, the fake trainer
 * test/fixtures/trainers/mcu-trainer.mjs), and a result that breaks the declaration is a recorded
 * failure the campaign survives.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCampaign, type CampaignDeps } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import { replayRecords } from '../../lib/campaign/state.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { createProposer } from '../../lib/propose/registry.js';
import { loadSpace } from '../../lib/space/space.js';
import { ROOT } from '../helpers.js';
import { trainerCommand } from '../evaluate/trainers.js';

/** Fashion-MNIST's 32x32 space without its MAC and SRAM limits, so random proposals are valid. */
function openSpace(dir: string): string {
  const space = JSON.parse(readFileSync(`${ROOT}search-spaces/tinyml-fashion-mnist.json`, 'utf8'));
  space.name = 'fmnist-open';
  space.constraints = {};
  const path = `${dir}/fmnist-open.json`;
  writeFileSync(path, JSON.stringify(space));
  return path;
}

const deps: CampaignDeps = {
  createProposer: (name, options) => createProposer(name, options),
  createEvaluator: (spec, options) => createEvaluator(spec, options),
};

const DECLARED = ['accuracy', 'mcuLatencyMs'];
/** The limit on the trainer's metric (ms): the fake trainer's 1 ms per million MACs puts it inside the spread. */
const MAX_MS = 100;

type Evaluation = { key: string; metrics: Record<string, number> };

function keyHash(key: string): number {
  let h = 0;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

describe('declared trainer metrics in a campaign', () => {
  const dir = mkdtempSync(`${tmpdir()}/declared-metrics-`);
  const spacePath = openSpace(dir);

  it('mcuLatencyMs is an objective and a limit; the front is the feasible non-dominated set', async () => {
    const config = configFromSpace(loadSpace(spacePath), {
      space: spacePath,
      proposer: 'random',
      evaluator: `command:${trainerCommand('mcu-trainer.mjs')}`,
      evaluatorOptions: { metrics: DECLARED },
      budget: 16,
      seed: 3,
      objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'mcuLatencyMs', direction: 'min' }],
      limits: [{ name: 'mcuLatencyMs', max: MAX_MS }],
    });
    const run = `${dir}/good`;
    const summary = await runCampaign(run, config, deps);
    const { records } = readRecords(`${run}/records.jsonl`);
    expect(records[0]?.config).toMatchObject({ evaluatorOptions: { metrics: DECLARED } });
    const evaluations = records.filter((r) => r.type === 'evaluation') as unknown as Evaluation[];
    expect(records.filter((r) => r.type === 'failure')).toEqual([]);
    expect(evaluations.length).toBe(summary.valid);
    expect(evaluations.length).toBeGreaterThanOrEqual(12);
    // Each value is the fake trainer's formula applied to the recorded (cost model) MACs and params.
    for (const e of evaluations) {
      expect(e.metrics.mcuLatencyMs).toBe(Number(((e.metrics.macs as number) / 1000000).toFixed(3)));
      expect(e.metrics.accuracy).toBe(Number((0.3 + 0.6 * (1 - Math.exp(-(e.metrics.params as number) / 1000000))).toFixed(6)));
      expect(Object.keys(e.metrics).sort()).toEqual(['accuracy', 'flashBytes', 'macs', 'mcuLatencyMs', 'params', 'peakSramBytes']);
    }
    // The limit bites: some evaluated candidates are over it, some under.
    const feasible = evaluations.filter((e) => (e.metrics.mcuLatencyMs as number) <= MAX_MS);
    expect(feasible.length).toBeGreaterThan(0);
    expect(feasible.length).toBeLessThan(evaluations.length);
    // The front by hand: feasible points no other feasible point beats on both objectives.
    const beats = (a: Evaluation, b: Evaluation) =>
      a.metrics.accuracy! >= b.metrics.accuracy! && a.metrics.mcuLatencyMs! <= b.metrics.mcuLatencyMs! && (a.metrics.accuracy! > b.metrics.accuracy! || a.metrics.mcuLatencyMs! < b.metrics.mcuLatencyMs!);
    const want = feasible.filter((e) => !feasible.some((o) => beats(o, e))).map((e) => e.key).sort();
    const front = replayRecords(records).front.front().map((e) => e.id).sort();
    expect(front).toEqual(want);
    expect(summary.frontSize).toBe(want.length);
    // The fastest feasible candidate is on the front, and the most accurate one over the limit is not.
    const fastest = feasible.reduce((a, b) => (b.metrics.mcuLatencyMs! < a.metrics.mcuLatencyMs! ? b : a));
    expect(front).toContain(fastest.key);
    const over = evaluations.filter((e) => e.metrics.mcuLatencyMs! > MAX_MS);
    const bestOver = over.reduce((a, b) => (b.metrics.accuracy! > a.metrics.accuracy! ? b : a));
    expect(bestOver.metrics.accuracy).toBeGreaterThan(Math.max(...feasible.map((e) => e.metrics.accuracy!))); // on the front without the limit
    expect(front).not.toContain(bestOver.key);
  }, 60_000);

  it('a result missing a declared metric, with an undeclared one, or a null one is a recorded failure; the campaign goes on', async () => {
    const config = configFromSpace(loadSpace(spacePath), {
      space: spacePath,
      proposer: 'random',
      evaluator: `command:${trainerCommand('mcu-trainer.mjs')} flaky`,
      evaluatorOptions: { metrics: DECLARED },
      budget: 16,
      seed: 4,
      objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'mcuLatencyMs', direction: 'min' }],
    });
    const run = `${dir}/flaky`;
    const summary = await runCampaign(run, config, deps);
    expect(summary.proposed).toBe(16);
    const { records } = readRecords(`${run}/records.jsonl`);
    const outcomes = records.filter((r) => r.type === 'evaluation' || r.type === 'failure');
    const declared = '(declared: accuracy, mcuLatencyMs)';
    const want = [
      `trainer result: missing metrics: mcuLatencyMs ${declared}; the result must report each declared metric (--metrics) and no other`,
      `trainer result: undeclared metrics: loss ${declared}; the result must report each declared metric (--metrics) and no other`,
      `trainer result: metrics that are not finite numbers: mcuLatencyMs=null ${declared}`,
    ];
    const seen = new Set<number>();
    for (const r of outcomes) {
      const mode = keyHash(r.key as string) % 4;
      seen.add(mode);
      if (mode === 3) {
        expect(r.type).toBe('evaluation');
        expect(Object.keys(r.metrics as object)).toContain('mcuLatencyMs');
      } else {
        expect(r.type).toBe('failure');
        expect(r.kind).toBe('malformed');
        expect(r.message).toBe(want[mode]);
      }
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3]); // every kind happened
    // Evaluations continue after the first failure.
    const firstFailure = outcomes.findIndex((r) => r.type === 'failure');
    expect(outcomes.slice(firstFailure).some((r) => r.type === 'evaluation')).toBe(true);
    expect(records.at(-1)?.type).toBe('campaign-end');
  }, 60_000);
});

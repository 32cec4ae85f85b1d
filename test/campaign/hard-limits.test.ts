import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCampaign, type CampaignDeps } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { runLimits } from '../../lib/limits.js';
import { readRecords } from '../../lib/campaign/records.js';
import { replayRecords } from '../../lib/campaign/state.js';
import { createFastEvaluator } from '../../lib/space/fast-cost.js';
import { loadDevice } from '../../lib/device/profile.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import { cortexMLatency } from '../../lib/latency/cortex-m.js';
import { createProposer } from '../../lib/propose/registry.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { parseSpace, type SearchSpace } from '../../lib/space/space.js';
import { buildRunReport } from '../../lib/report/run-report.js';
import { compareRuns } from '../../lib/report/compare.js';

/** Fashion-MNIST scale (1x32x32): random candidates straddle MCU SRAM, flash and latency limits. */
const base = resolveSpace('tinyml-fashion-mnist');
const deps: CampaignDeps = { createProposer: (name, o) => createProposer(name, o), createEvaluator: (spec, o) => createEvaluator(spec, o) };
const dir = () => mkdtempSync(join(tmpdir(), 'hard-limits-'));

/** The closed-form fast path (lib/space/fast-cost.ts), a second implementation of the graph costs validation uses. */
const fastCosts = (space: SearchSpace) => createFastEvaluator(space, { model: 'mcunet' });
const lower = (space: SearchSpace, c: Candidate) => lowerBlockNet(c, { resolution: space.input.resolution, classes: space.classes, inputChannels: space.input.channels, dropout: space.head.dropout });

async function run(space: SearchSpace, spacePath: string, extra: Parameters<typeof configFromSpace>[1] extends infer P ? Partial<P> : never, proposer = 'random', budget = 120) {
  const out = dir();
  const config = configFromSpace(space, { space: spacePath, proposer, evaluator: 'cost', budget, seed: 3, objectives: [{ name: 'macs', direction: 'max' }, { name: 'flashBytes', direction: 'min' }], macs: { min: 1e6, max: 2e9 }, ...extra });
  const summary = await runCampaign(out, config, deps);
  const { records } = readRecords(join(out, 'records.jsonl'));
  const proposals = new Map(records.filter((r) => r.type === 'proposal').map((r) => [r.index as number, r.candidate as Candidate]));
  return { out, summary, records, proposals, config };
}

describe('limits from the space file and --constraint are hard: nothing over them is evaluated', () => {
  const spaceFile = join(dir(), 'mcu-space.json');
  const data = { ...structuredClone(base), name: 'mcu-flash', constraints: { ...base.constraints, flashBytes: { max: 600 * 1024 } } };
  writeFileSync(spaceFile, JSON.stringify(data));
  const space = parseSpace(data, spaceFile);
  const fast = fastCosts(space);

  it('a space-file flash limit and a --constraint SRAM limit tighter than the file: rejected with their reasons, never evaluated', async () => {
    const sramLimit = 200 * 1024;
    const { records, proposals, config, summary } = await run(space, spaceFile, { sramMaxBytes: 320 * 1024, limits: [{ name: 'peakSramBytes', max: sramLimit }] });
    expect(runLimits(config)).toEqual([
      { name: 'macs', min: 1e6, max: 2e9 },
      { name: 'peakSramBytes', max: sramLimit },
      { name: 'flashBytes', max: 600 * 1024 },
    ]);
    const evaluations = records.filter((r) => r.type === 'evaluation');
    const rejections = records.filter((r) => r.type === 'rejection');
    expect(evaluations.length).toBeGreaterThan(3);
    for (const e of evaluations) {
      const t = fast(proposals.get(e.index as number) as Candidate);
      expect(t.flashBytes).toBeLessThanOrEqual(600 * 1024);
      expect(t.peakSramBytes).toBeLessThanOrEqual(sramLimit);
      expect((e.metrics as Record<string, number>).flashBytes).toBe(t.flashBytes);
    }
    const flash = rejections.filter((r) => r.reason === 'flash');
    const sram = rejections.filter((r) => r.reason === 'sram');
    expect(flash.length).toBeGreaterThan(0);
    expect(sram.length).toBeGreaterThan(0);
    for (const r of flash) {
      const t = fast(proposals.get(r.index as number) as Candidate);
      expect(t.flashBytes).toBeGreaterThan(600 * 1024);
      expect(r.details).toMatchObject({ flashBytes: t.flashBytes, max: 600 * 1024 });
      expect(r.message).toMatch(/^Estimated flash is [\d.]+ KiB \(int8 weights\), above the limit of 600\.0 KiB\. Flash holds the int8 weights/);
    }
    // Before issue 15 validation used only the 320 KiB given as the space's: these were evaluated.
    for (const r of sram) expect(fast(proposals.get(r.index as number) as Candidate).peakSramBytes).toBeGreaterThan(sramLimit);
    expect(sram.some((r) => fast(proposals.get(r.index as number) as Candidate).peakSramBytes <= 320 * 1024)).toBe(true);
    expect(summary.rejected.flash).toBe(flash.length);
    expect(summary.rejected.sram).toBe(sram.length);
  });

  it('evolution screens with the same limits: its proposals are rarely rejected for flash, random ones often are', async () => {
    const wide = { sramMaxBytes: 4 * 2 ** 20 };
    const random = await run(space, spaceFile, wide, 'random', 60);
    const evolution = await run(space, spaceFile, wide, 'evolution', 60);
    const flashOf = (rs: typeof random.records) => rs.filter((r) => r.type === 'rejection' && r.reason === 'flash').length;
    expect(flashOf(random.records)).toBeGreaterThan(10);
    expect(flashOf(evolution.records)).toBe(0);
  });

  it('the same limits on replay: the state rebuilt from the records has the same front and counters', async () => {
    const { records, summary } = await run(space, spaceFile, { sramMaxBytes: 4 * 2 ** 20, limits: [{ name: 'params', max: 500_000 }] }, 'random', 60);
    const state = replayRecords(records);
    expect(state.front.size).toBe(summary.frontSize);
    expect(state.counters.rejected.params).toBe(summary.rejected.params);
    expect(summary.rejected.params).toBeGreaterThan(0);
  });
});

describe('latency is a metric of the run: objective and hard limit, from a device profile', () => {
  const device = loadDevice('stm32f746');

  it('--device sets SRAM and flash limits and the Cortex-M model; a latency limit rejects slow candidates before evaluation', async () => {
    const limit = 400;
    const { records, proposals, config, out } = await run(base, 'tinyml-fashion-mnist', { device, sramMaxBytes: 4 * 2 ** 20, limits: [{ name: 'latencyMs', max: limit }], objectives: [{ name: 'latencyMs', direction: 'min' }, { name: 'macs', direction: 'max' }] }, 'random', 80);
    expect(config.latencyModel).toBe('cortex-m');
    expect(runLimits(config)).toEqual([
      { name: 'macs', min: 1e6, max: 2e9 },
      { name: 'peakSramBytes', max: 320 * 1024 },
      { name: 'flashBytes', max: 1024 * 1024 },
      { name: 'latencyMs', max: limit },
    ]);
    const coefficients = device.cortexM as NonNullable<typeof device.cortexM>;
    const latencyOf = (i: number) => cortexMLatency(lower(base, proposals.get(i) as Candidate), coefficients, device.clockMHz as number).ms;
    const evaluations = records.filter((r) => r.type === 'evaluation');
    const slow = records.filter((r) => r.type === 'rejection' && r.reason === 'latency');
    expect(evaluations.length).toBeGreaterThan(0);
    expect(slow.length).toBeGreaterThan(0);
    for (const e of evaluations) {
      const ms = (e.metrics as Record<string, number>).latencyMs as number;
      expect(ms).toBeCloseTo(latencyOf(e.index as number), 9);
      expect(ms).toBeLessThanOrEqual(limit);
    }
    for (const r of slow) {
      expect(latencyOf(r.index as number)).toBeGreaterThan(limit);
      expect(r.message).toMatch(/^Estimated latency is [\d.]+ ms \(Cortex-M estimate \(stm32f746, 216 MHz\)\), above the limit of 400\.00 ms\./);
    }
    // The front is over the run's objectives: latencyMs (min) against MACs (max).
    const state = replayRecords(records);
    for (const e of state.front.front()) expect(e.values.latencyMs).toBeLessThanOrEqual(limit);
    // Wherever the run is shown, the latency says it is an estimate: table notes, plot axes, compare.
    const report = buildRunReport(out);
    const estimate = 'latency is a Cortex-M estimate for stm32f746 at 216 MHz (cycles from MACs and memory traffic, calibrated on published STM32 latencies), not a measurement';
    expect(report.tables.find((t) => t.id === 'pareto-front')?.notes).toContain(`L${estimate.slice(1)}.`);
    const axis = JSON.stringify(report.figures.find((f) => f.id === 'pareto-2d')?.figure.layout);
    expect(axis).toContain('latency, Cortex-M estimate (ms)');
    expect(compareRuns([out]).runs[0]?.latency).toBe(estimate);
  });

  it('a latency objective without a model picks the shipped predictor; an unknown metric is refused before anything is written', async () => {
    const config = configFromSpace(base, { space: 'tinyml-fashion-mnist', proposer: 'random', evaluator: 'cost', budget: 5, seed: 1, objectives: [{ name: 'latencyMs', direction: 'min' }] });
    expect(config.latencyModel).toBe('predictor');
    const bad = configFromSpace(base, { space: 'tinyml-fashion-mnist', proposer: 'random', evaluator: 'cost', budget: 5, seed: 1, limits: [{ name: 'mcuLatencyMs', max: 3 }] });
    await expect(runCampaign(dir(), bad, deps)).rejects.toThrow(/^constraint: got "mcuLatencyMs"; allowed: a metric of this run with the cost evaluator: .*latencyMs with a latency model; an evaluator's own with --metrics/);
  });
});

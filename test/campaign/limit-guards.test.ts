import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCampaign, type CampaignDeps } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import { calibrationPath, deviceKey, writeCalibration } from '../../lib/latency/cache.js';
import { calibrate, predictorSha256 } from '../../lib/latency/calibrate.js';
import { loadPredictor } from '../../lib/lamda/predictor.js';
import { createProposer } from '../../lib/propose/registry.js';
import { readTextBounded } from '../../lib/read-bounded.js';
import { buildRunReport } from '../../lib/report/run-report.js';
import { describeDevice } from '../../lib/runtime/device.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { Candidate } from '../../lib/space/candidate.js';

const space = resolveSpace('tinyml-fashion-mnist');
const deps: CampaignDeps = { createProposer: (name, o) => createProposer(name, o), createEvaluator: (spec, o) => createEvaluator(spec, o) };
const tmp = mkdtempSync(join(tmpdir(), 'limit-guards-'));
const lower = (c: Candidate) => lowerBlockNet(c, { resolution: space.input.resolution, classes: space.classes, inputChannels: space.input.channels, dropout: space.head.dropout });

describe('a resumed run keeps the latency scale it started with', () => {
  const saved = process.env.PARETONAS_CACHE_DIR;
  beforeAll(() => {
    process.env.PARETONAS_CACHE_DIR = join(tmp, 'cache');
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.PARETONAS_CACHE_DIR;
    else process.env.PARETONAS_CACHE_DIR = saved;
  });

  it('a calibration cached between start and resume is not mixed in: every latency is the recorded scale', async () => {
    const base = loadPredictor();
    const here = describeDevice(1);
    const seen = deviceKey(here) === deviceKey({ ...base.file.device, nchwcBlock: base.file.nchwcBlock });
    const out = join(tmp, 'run');
    const config = configFromSpace(space, { space: 'tinyml-fashion-mnist', proposer: 'evolution', evaluator: 'cost', budget: 6, seed: 2, objectives: [{ name: 'latencyMs', direction: 'min' }, { name: 'macs', direction: 'max' }] });
    const notes: string[] = [];
    await runCampaign(out, config, deps, { onNote: (l) => notes.push(l) });
    // Now a calibration with factor 3 appears in the cache (another session ran --calibrate).
    const cal = await calibrate(base, { device: here, predictorName: 'onnxruntime-cpu', measure: async (g) => ({ medianMs: 3 * base.predictMs(g), spreadPct: 1 }) });
    expect(writeCalibration(calibrationPath(join(tmp, 'cache'), deviceKey(here), 'onnxruntime-cpu', predictorSha256(base.file)), cal)).toBeUndefined();
    await runCampaign(out, undefined, deps, { budget: 12, onNote: (l) => notes.push(l) });
    const { records } = readRecords(join(out, 'records.jsonl'));
    const candidates = new Map(records.filter((r) => r.type === 'proposal').map((r) => [r.index as number, r.candidate as Candidate]));
    const evaluations = records.filter((r) => r.type === 'evaluation');
    expect(evaluations.map((e) => e.index)).toContain(11);
    // Started uncalibrated on an unseen CPU (factor 1): all 12, before and after the resume, are the bare prediction.
    for (const e of evaluations) expect((e.metrics as Record<string, number>).latencyMs).toBeCloseTo(base.predictMs(lower(candidates.get(e.index as number) as Candidate)), 9);
    if (!seen) expect(notes.some((n) => /the run keeps x1\.00/.test(n))).toBe(true);
  });
});

describe('what a trainer reports is checked before it is recorded', () => {
  it('a negative cost metric from a trainer is a malformed failure, and the run stays readable', async () => {
    const trainer = join(tmp, 'negative.mjs');
    writeFileSync(trainer, `process.stdin.resume();process.stdin.on('end',()=>{console.log(JSON.stringify({type:'result',metrics:{accuracy:0.5,macs:-5}}));});process.stdin.on('data',()=>{});\n`);
    const out = join(tmp, 'negative');
    const config = configFromSpace(space, { space: 'tinyml-fashion-mnist', proposer: 'evolution', evaluator: `command:node ${trainer}`, budget: 3, seed: 1 });
    const summary = await runCampaign(out, config, deps);
    expect(summary.failed).toBe(3);
    expect(summary.lastFailure).toMatchObject({ kind: 'malformed', message: 'metric macs is -5; a cost metric (macs, params, flashBytes, peakSramBytes) or latencyMs is never negative' });
    expect(readRecords(join(out, 'records.jsonl')).records.filter((r) => r.type === 'failure')).toHaveLength(3);
    // Without a declaration, a trainer's latencyMs never replaces the one the latency limit was checked on.
    const liar = join(tmp, 'liar.mjs');
    writeFileSync(liar, `process.stdin.resume();process.stdin.on('end',()=>{console.log(JSON.stringify({type:'result',metrics:{accuracy:0.5,latencyMs:9999}}));});process.stdin.on('data',()=>{});\n`);
    const lied = join(tmp, 'liar');
    await runCampaign(lied, configFromSpace(space, { space: 'tinyml-fashion-mnist', proposer: 'evolution', evaluator: `command:node ${liar}`, budget: 2, seed: 1, objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'latencyMs', direction: 'min' }] }), deps);
    const liedRecords = readRecords(join(lied, 'records.jsonl')).records;
    const evaluated = liedRecords.filter((r) => r.type === 'evaluation');
    expect(evaluated.length).toBeGreaterThan(0);
    for (const e of evaluated) {
      const c = liedRecords.find((r) => r.type === 'proposal' && r.index === e.index)?.candidate as Candidate;
      expect((e.metrics as Record<string, number>).latencyMs).toBeCloseTo(loadPredictor().predictMs(lower(c)), 9);
    }
    // The report shows them (not only the JSONL): one row per kind, the last message.
    const report = buildRunReport(out);
    expect(report.tables.find((t) => t.id === 'failures')?.rows).toEqual([['malformed', 3, 2, 'metric macs is -5; a cost metric (macs, params, flashBytes, peakSramBytes) or latencyMs is never negative']]);
  });
});

describe('files a user names are read bounded', () => {
  it('a FIFO, /dev/zero and a directory are refused in one line instead of blocking or filling memory', () => {
    const fifo = join(tmp, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    expect(() => readTextBounded(fifo, '--device file', 1024)).toThrow(/^--device file: .*fifo\.json is a FIFO; allowed: a regular file$/);
    expect(() => readTextBounded('/dev/zero', 'search space file', 1024)).toThrow(/^search space file: \/dev\/zero is a device or other non-regular file; allowed: a regular file$/);
    expect(() => readTextBounded(tmp, 'predictor', 1024)).toThrow(/is a directory; allowed: a regular file$/);
    const big = join(tmp, 'big.json');
    writeFileSync(big, 'x'.repeat(2048));
    expect(() => readTextBounded(big, 'predictor', 1024)).toThrow(/^predictor: .*big\.json has 2,048 bytes; allowed: a file of at most 1,024 bytes$/);
  });

  it('through the command: --device /dev/zero and --space of a FIFO exit 2 with one line', () => {
    const cli = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
    for (const args of [['--device', '/dev/zero'], ['--space', join(tmp, 'fifo.json')], ['--latency-model', 'predictor:/dev/zero', '--objectives', 'latencyMs:min']]) {
      const r = spawnSync(process.execPath, [cli, 'search', ...args, '--budget', '2', '--out', join(tmp, 'never')], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/allowed: a regular file/);
    }
    // Model files and CSVs too: estimate, export, serialize, pareto read them.
    for (const args of [['estimate', '/dev/zero'], ['serialize', '/dev/zero'], ['pareto', join(tmp, 'fifo.json'), '--objectives', 'a:min']]) {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^paretonas \w+: FILE(\.csv)?: .* is (a FIFO|a device or other non-regular file); allowed: a regular file\n$/);
    }
  });
});

describe('limits that nothing can meet, and who tells latency', () => {
  const base = { space: 'tinyml-fashion-mnist', proposer: 'evolution', evaluator: 'cost', budget: 2, seed: 1 } as const;

  it('a max at or below 0 on a cost or predicted metric is refused, from --constraint, the space file and the device', () => {
    expect(() => configFromSpace(space, { ...base, limits: [{ name: 'latencyMs', max: -1 }] })).toThrow(/^--constraint: got "latencyMs<=-1"; allowed: a max above 0 \(latency is never negative; nothing could meet it\)$/);
    expect(() => configFromSpace(space, { ...base, limits: [{ name: 'flashBytes', max: 0 }] })).toThrow(/^--constraint: got "flashBytes<=0"; allowed: a max above 0/);
    const device = { name: 'odd', kind: 'cpu' as const, latencyModel: 'predictor', limits: { params: { max: -3 } } };
    expect(() => configFromSpace(space, { ...base, device })).toThrow(/^device odd: limits: got "params<=-3"; allowed: a max above 0/);
    // An evaluated metric may be negative (a loss, a log-likelihood): not refused.
    expect(configFromSpace(space, { ...base, evaluator: 'proxy', limits: [{ name: 'naswot', min: -5 }] }).limits).toContainEqual({ name: 'naswot', min: -5 });
  });

  it('the device says how latency is told over the space file; a CPU model for an MCU device gets a note', async () => {
    const withModel = { ...space, constraints: { ...space.constraints, latencyMs: { max: 500, model: 'predictor' } } };
    const device = (await import('../../lib/device/profile.js')).loadDevice('stm32f746');
    expect(configFromSpace(withModel, { ...base, device }).latencyModel).toBe('cortex-m');
    expect(configFromSpace(withModel, { ...base }).latencyModel).toBe('predictor');
    const explicit = configFromSpace(space, { ...base, device, latencyModel: 'predictor', objectives: [{ name: 'latencyMs', direction: 'min' }] });
    const notes: string[] = [];
    await runCampaign(join(tmp, 'mcu-cpu'), explicit, deps, { onNote: (l) => notes.push(l) });
    expect(notes).toContain('latency is told by predictor (this CPU), not by the Cortex-M estimate of the stm32f746 device: its milliseconds are not the microcontroller\'s');
  });

  it('before the run: a note when no sampled candidate meets every limit at once, naming the limit that rules them out', async () => {
    const notes: string[] = [];
    const config = configFromSpace(space, { ...base, device: (await import('../../lib/device/profile.js')).loadDevice('stm32f746'), macs: { min: 1, max: 1e12 }, limits: [{ name: 'latencyMs', max: 0.5 }] });
    await runCampaign(join(tmp, 'impossible'), config, deps, { onNote: (l) => notes.push(l) });
    expect(notes.find((n) => n.startsWith('none of 2000 random candidates'))).toMatch(/rarely met: latency <= 0\.50 ms \(0\.0%\)\. The run may find nothing valid: loosen a limit or change the space\.$/);
  });
});

describe('a metric the run does not have is refused naming where it came from', () => {
  it('the space file, not a flag, for a space-file accuracy limit with the cost evaluator', async () => {
    const file = join(tmp, 'acc-space.json');
    const data = { ...structuredClone(space), constraints: { ...space.constraints, accuracy: { min: 0.8 } } };
    writeFileSync(file, JSON.stringify(data));
    const config = configFromSpace(data, { space: file, proposer: 'random', evaluator: 'cost', budget: 2, seed: 1 });
    await expect(runCampaign(join(tmp, 'acc-run'), config, deps)).rejects.toThrow(new RegExp(`^space ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: constraints\\.accuracy: got "accuracy"; allowed: a metric of this run with the cost evaluator`));
  });
});

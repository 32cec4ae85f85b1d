import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../lib/campaign/records.js';
import { graphTotals } from '../../lib/cost/estimate.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { parseGraph } from '../../lib/lamda/dsl.js';
import { loadPredictor } from '../../lib/lamda/predictor.js';
import { operatorsOf, sliceNaive, sliceOptimalFast } from '../../lib/lamda/slice.js';
import { serializeNodeLines } from '../../lib/lamda/dsl.js';
import { tokenCounter } from '../../lib/lamda/tokens.js';
import { importOnnxFile } from '../../lib/onnx/import.js';
import { joinDashedValue } from '../../lib/cli/args.js';
import { scaleWidth } from '../../lib/lamda/transform.js';
import { calibrationPath, deviceKey, writeCalibration } from '../../lib/latency/cache.js';
import { calibrate, predictorSha256 } from '../../lib/latency/calibrate.js';
import { describeDevice } from '../../lib/runtime/device.js';
import { ROOT } from '../helpers.js';

const BIN = `${ROOT}dist/cli/main.js`;
const tmp = mkdtempSync(`${tmpdir()}/lamda-cli-`);
/** Runs the CLI with its own empty calibration cache, so a calibration in the user's cache cannot change a figure. */
function paretonas(...args: string[]) {
  return paretonasWithCache(`${tmp}/empty-cache`, ...args);
}
function paretonasWithCache(cache: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PARETONAS_CACHE_DIR: cache } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('paretonas lamda generate', () => {
  it('runs the loop with width-search, records every round, writes the model and measures it', async () => {
    const out = `${tmp}/gen`;
    const r = paretonas('lamda', 'generate', '--zoo', 'resnet18', '--target-ms', '5', '--runs', '5', '--out', out, '--json');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res).toMatchObject({ base: 'resnet18', generator: 'width-search', targetMs: 5, met: true });
    expect(res.ape).toBeCloseTo(Math.abs(res.measuredMs - 5) / 5, 12);
    expect(res.success).toBe(res.ape <= 0.3);
    expect(res.predictedMs).toBeLessThanOrEqual(5);
    expect(res.predictedMs).toBeGreaterThanOrEqual(4.5);
    // The records: a start, one line per round, the result; the last round is the one that met the target.
    const { records } = readRecords(`${out}/records.jsonl`);
    expect(records.map((x) => x.type)).toEqual(['lamda-start', ...Array(res.rounds).fill('lamda-round'), 'lamda-result']);
    expect(records[res.rounds]?.met).toBe(true);
    // The written model is what was predicted: same text, same MACs through ONNX import, and it runs.
    const text = readFileSync(`${out}/model.txt`, 'utf8');
    const graph = parseGraph(text);
    expect(loadPredictor().predictMs(graph)).toBeCloseTo(res.predictedMs, 9);
    expect(graphTotals(importOnnxFile(`${out}/model.onnx`)).macs).toBe(res.macs);
    const session = await ort.InferenceSession.create(`${out}/model.onnx`);
    const y = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(3 * 224 * 224), [1, 3, 224, 224]) });
    expect(y[session.outputNames[0]!]?.dims).toEqual([1, 1000]);
  });

  it('an --out that already holds a run is refused as search does: nothing appended, nothing overwritten', () => {
    const out = `${tmp}/held`;
    mkdirSync(out, { recursive: true });
    const records = `${JSON.stringify({ type: 'lamda-start', time: '2026-11-23T00:00:00.000Z', seq: 0, base: 'resnet18' })}\n`;
    writeFileSync(`${out}/records.jsonl`, records);
    writeFileSync(`${out}/model.onnx`, 'the earlier model');
    const r = paretonas('lamda', 'generate', '--zoo', 'resnet18', '--target-ms', '5', '--runs', '2', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`paretonas lamda generate: --out: already holds a campaign; allowed: a directory that holds no run yet (lamda generate starts a new one)\n`);
    expect(readFileSync(`${out}/records.jsonl`, 'utf8')).toBe(records);
    expect(readFileSync(`${out}/model.onnx`, 'utf8')).toBe('the earlier model');
    expect(existsSync(`${out}/.lock`)).toBe(false);
  });
  it('a target below what the narrowest reachable model does is one line and exit 2, nothing written', () => {
    const out = `${tmp}/unreachable`;
    const r = paretonas('lamda', 'generate', '--zoo', 'resnet18', '--target-ms', '0.2', '--out', out);
    // Worked independently: resnet18 at width 0.05 (channels multiples of 8, at least 8), by the shipped predictor.
    const narrow = scaleWidth(buildZooModel('resnet18'), 0.05, { divisor: 8, minChannels: 8 });
    const floorMs = loadPredictor().predictMs(narrow);
    expect(floorMs).toBeGreaterThan(0.2);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
    expect(r.stderr).toContain(`paretonas lamda generate: --target-ms: 0.2 ms is below what this model can reach: the smallest model width search reaches, resnet18 at width 0.05 (${(graphTotals(narrow).macs / 1e6).toFixed(1)} M MACs), is predicted at ${floorMs.toFixed(2)} ms by predictor onnxruntime-cpu`);
    expect(r.stderr).toContain(`allowed: a target of at least ${floorMs.toFixed(2)} ms for resnet18, or a smaller base model`);
    expect(existsSync(out)).toBe(false);
  });

  it('with an LLM generator (which may remove layers) the same finding is a note and the loop runs', () => {
    const r = paretonas('lamda', 'generate', '--zoo', 'resnet18', '--target-ms', '0.2', '--generator', 'ollama:x', '--host', 'http://127.0.0.1:9', '--out', `${tmp}/llm-floor`);
    expect(r.stderr).toMatch(/^note: the target 0.2 ms is below what narrowing can reach: the smallest model width search reaches, resnet18 at width 0.05 .*; the generator must also remove layers$/m);
    expect(r.stderr).toMatch(/Ollama is not reachable at http:\/\/127.0.0.1:9/); // the loop ran and asked the LLM
  });

  it('uses the calibration cached for this CPU (no measuring) and records it', async () => {
    const cache = `${tmp}/cache-x2`;
    const base = loadPredictor();
    const here = describeDevice(1);
    const seen = deviceKey(here) === deviceKey({ ...base.file.device, nchwcBlock: base.file.nchwcBlock });
    // A calibration whose measurements are exactly twice the predictions: factor 2.
    const cal = await calibrate(base, { device: here, predictorName: 'onnxruntime-cpu', measure: async (g) => ({ medianMs: 2 * base.predictMs(g), spreadPct: 1 }) });
    expect(cal.factor).toBeCloseTo(2, 12);
    expect(writeCalibration(calibrationPath(cache, deviceKey(here), 'onnxruntime-cpu', predictorSha256(base.file)), cal)).toBeUndefined();
    const out = `${tmp}/calibrated`;
    const r = paretonasWithCache(cache, 'lamda', 'generate', '--zoo', 'resnet18', '--target-ms', '5', '--runs', '2', '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('calibrat'); // neither measured nor asked to
    const res = JSON.parse(r.stdout);
    const graph = parseGraph(readFileSync(`${out}/model.txt`, 'utf8'));
    const factor = seen ? 1 : 2;
    expect(res.predictedMs).toBeCloseTo(factor * base.predictMs(graph), 9);
    const { records } = readRecords(`${out}/records.jsonl`);
    expect(records[0]).toMatchObject({ predictorStatus: seen ? 'seen' : 'calibrated', predictorFactor: seen ? 1 : cal.factor });
  });

  it('on a CPU the predictor has not seen, without a calibration, says so and how to calibrate', () => {
    const base = loadPredictor();
    if (deviceKey(describeDevice(1)) === deviceKey({ ...base.file.device, nchwcBlock: base.file.nchwcBlock })) return; // the predictor's own CPU
    const r = paretonas('lamda', 'generate', '--zoo', 'mobilenet_v3_small', '--target-ms', '2', '--runs', '2', '--rounds', '1', '--out', `${tmp}/uncal`);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: the latency predictor onnxruntime-cpu was fit on .*; this is .*: its figures may be off\. Add --calibrate/);
    expect(r.stdout).toContain('(predictor onnxruntime-cpu, fit on AMD EPYC (NCHWc block 16), not calibrated here; base predicted');
  });

  it('says what is wrong with bad flags', () => {
    expect(paretonas('lamda', 'generate', '--zoo', 'resnet18').stderr).toMatch(/--target-ms: is missing; allowed: the latency target in ms/);
    expect(paretonas('lamda', 'generate', '--zoo', 'resnet18', '--target-ms=-1').stderr).toMatch(/--target-ms: got "-1"; allowed: a number from/);
    expect(paretonas('lamda', 'generate', '--zoo', 'resnet18', '--target-ms', '5', '--generator', 'gpt').stderr).toMatch(/generator: got "gpt"; allowed: width-search, ollama:MODEL/);
    expect(paretonas('lamda', 'generate', '--zoo', 'resnet18', '--target-ms', '5', '--predictor', `${tmp}/none.json`).stderr).toMatch(/predictor: .*none.json does not exist; run `paretonas lamda predictor train`/);
    // A bad generator in the list fails before any study measures anything.
    const r = paretonas('lamda', 'ablate', '--study', 'all', '--generators', 'width-search,olama:x', '--out', `${tmp}/never`);
    expect(r.stderr).toMatch(/generator: got "olama:x"; allowed: width-search, ollama:MODEL/);
    expect(existsSync(`${tmp}/never`)).toBe(false);
    expect(paretonas('lamda', 'bogus').stderr).toMatch(/lamda: SUBCOMMAND: got "bogus"; allowed: ablate, dataset, evaluate, generate, predictor/);
  });
});

describe('paretonas lamda evaluate and ablate', () => {
  it('evaluate: Table 3 rows whose MAPE is the mean APE of the runs', () => {
    const r = paretonas('lamda', 'evaluate', '--models', 'squeezenet1_1', '--targets', '3', '--runs', '3', '--json', '--out', `${tmp}/eval`);
    expect(r.code).toBe(0);
    const [e] = JSON.parse(r.stdout);
    expect(e.model).toBe('squeezenet1_1');
    expect(e.targetsMs).toHaveLength(3);
    // Targets spread geometrically from 10% to 80% of the measured base latency.
    expect(e.targetsMs[0]).toBeCloseTo(0.1 * e.baseMeasuredMs, 9);
    expect(e.targetsMs[2]).toBeCloseTo(0.8 * e.baseMeasuredMs, 9);
    expect(e.targetsMs[1]).toBeCloseTo(Math.sqrt(0.08) * e.baseMeasuredMs, 9);
    const apes = e.runs.map((x: { ape: number }) => x.ape);
    expect(e.mapePct).toBeCloseTo((100 * apes.reduce((a: number, b: number) => a + b, 0)) / 3, 9);
    expect(e.successPct).toBeCloseTo((100 * apes.filter((a: number) => a <= 0.3).length) / 3, 9);
    const md = readFileSync(`${tmp}/eval/lamda-table-3.md`, 'utf8');
    expect(md).toContain('| squeezenet1_1 |');
  });

  it('ablate slicing: the cuts of each strategy, as the slicers compute them', () => {
    const r = paretonas('lamda', 'ablate', '--study', 'slicing', '--models', 'googlenet', '--max-tokens', '2048', '--targets', '1', '--runs', '3', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).slicing;
    const g = buildZooModel('googlenet');
    const ops = operatorsOf(g, serializeNodeLines(g), tokenCounter('qwen2.5'));
    const dp = sliceOptimalFast(ops.tokens, ops.edges, 2048, ops);
    const naive = sliceNaive(ops.tokens, ops.edges, 2048, ops);
    expect(rows.map((x: { strategy: string; slices: number; cutEdges: number }) => [x.strategy, x.slices, x.cutEdges])).toEqual([
      ['none', 1, 0],
      ['naive', naive.slices.length, naive.cutEdges],
      ['dp', dp.slices.length, dp.cutEdges],
    ]);
    expect(dp.cutEdges).toBeLessThan(naive.cutEdges);
  });

  it('ablate verification: without the check the loop stops after one round', () => {
    const r = paretonas('lamda', 'ablate', '--study', 'verification', '--models', 'mobilenet_v3_small', '--targets', '2', '--runs', '3', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).verification;
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.without.rounds).toBe(1);
      expect(row.with.rounds).toBeGreaterThanOrEqual(1);
      expect(row.with.ape).toBeCloseTo(Math.abs(row.with.measuredMs - row.targetMs) / row.targetMs, 9);
    }
  });
});

describe('joinDashedValue', () => {
  it('joins a value that starts with a dash, but not the command\'s own next flag', () => {
    const own = ['--trainer-args', '--json'];
    expect(joinDashedValue(['--trainer-args', '--epochs 3', '--json'], '--trainer-args', own)).toEqual(['--trainer-args=--epochs 3', '--json']);
    expect(joinDashedValue(['--trainer-args', '--json'], '--trainer-args', own)).toEqual(['--trainer-args', '--json']);
    expect(joinDashedValue(['--trainer-args', 'plain', '--json'], '--trainer-args', own)).toEqual(['--trainer-args', 'plain', '--json']);
  });
});

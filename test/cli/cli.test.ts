import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createFastEvaluator } from '../../lib/space/fast-cost.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { sampleCandidate, sampleCandidates } from '../../lib/space/sample.js';
import { graphTotals } from '../../lib/cost/estimate.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import { ROOT } from '../helpers.js';

const BIN = `${ROOT}dist/cli/main.js`;
function paretonas(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tmp = mkdtempSync(`${tmpdir()}/cli-`);

describe('paretonas estimate', () => {
  it('--json gives totals, the SRAM model and per-layer rows (mcunet-in2: 332,800 B peak)', () => {
    const r = paretonas('estimate', 'search-spaces/reference-models/mcunet-256kb-1mb_imagenet.json', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // mcunet README: 67.3 M MACs, 0.73 M params, 325 kB (KiB) peak activation
    expect(out).toMatchObject({ format: 'mcunet', resolution: 160, peakSramBytes: 325 * 1024, sramModel: 'mcunet' });
    expect([Math.round(out.macs / 1e5) / 10, Math.round(out.params / 1e4) / 100]).toEqual([67.3, 0.73]);
    expect(out.flashBytes).toBeGreaterThan(out.params); // int8 weights plus 8 bytes per output channel
    const convs = out.layers.filter((l: { op: string }) => l.op === 'Conv' || l.op === 'Gemm');
    expect(convs.reduce((s: number, l: { macs: number }) => s + l.macs, 0)).toBe(out.macs);
    expect(Math.max(...out.layers.map((l: { sramBytes: number }) => l.sramBytes))).toBe(out.peakSramBytes);
  });
  it('--format, --resolution, --classes and --sram change what is estimated', () => {
    const r = paretonas('estimate', 'search-spaces/reference-models/LMaNet-Core.json', '--format', 'lmanet', '--resolution', '96', '--classes', '10', '--sram', 'liveness', '--json');
    const out = JSON.parse(r.stdout);
    expect([out.resolution, out.classes, out.sramModel]).toEqual([96, 10, 'liveness']);
    expect(out.params).toBe(453_220 - 90 * (160 + 1)); // 100 -> 10 classes: 90 fewer rows of 160 weights + bias
  });
  it('a candidate file ({blocks}) is recognised, checked against the space and matches the fast path', () => {
    const space = resolveSpace('tinyml-cifar100');
    const candidate = sampleCandidate(space, createRng(99));
    writeFileSync(`${tmp}/candidate.json`, JSON.stringify(candidate));
    for (const sram of ['mcunet', 'liveness'] as const) {
      const out = JSON.parse(paretonas('estimate', `${tmp}/candidate.json`, '--sram', sram, '--json').stdout);
      const want = createFastEvaluator(space, { model: sram })(candidate);
      expect(out.format).toBe('candidate');
      expect({ macs: out.macs, params: out.params, flashBytes: out.flashBytes, peakSramBytes: out.peakSramBytes }).toEqual(want);
    }
  });
  it('prints a readable table by default', () => {
    const r = paretonas('estimate', 'search-spaces/reference-models/QwNet-Core.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/params\s+154,749/); // the authors' model.py
    // by hand: stage 3, layer 2 expands 32 -> 128 channels (E = 4) at 40x40 and its stride-1
    // depthwise holds input and output: 2 * 128 * 40 * 40 = 409,600 bytes (no skip: identity)
    expect(2 * 128 * 40 * 40).toBe(409_600);
    expect(r.stdout).toMatch(/peak SRAM\s+409,600 bytes \(400\.0 KiB\)\s+model mcunet, int8, at stage3\.layer2\.dw_/);
  });
  it('bad input: one line naming what is wrong, exit code 2', () => {
    const cases: [string[], RegExp][] = [
      [['estimate', 'missing.json'], /FILE: got "missing\.json": no such file; allowed: a model file path/],
      [['estimate', 'search-spaces/reference-models/LMaNet-Core.json', '--sram', 'arena'], /--sram: got "arena"; allowed: mcunet, liveness/],
      [['estimate', 'search-spaces/reference-models/LMaNet-Core.json', '--resolution', 'big'], /--resolution: got "big"; allowed: an integer from 8 to 4096/],
      [['estimate', 'search-spaces/reference-models/LMaNet-Core.json', '--format', 'candidate'], /block 1 \(blocks\[0\]\) field expansion_factor: value 2 is not allowed; allowed: 3, 4, 6/],
      [['estimate', 'search-spaces/reference-models/LMaNet-Core.json', '--bogus'], /--bogus: is not a flag of paretonas estimate; allowed: --zoo, --format, --resolution/],
      [['frobnicate'], /command: got "frobnicate"; allowed: compare, correlate, dashboard, estimate, explain, export, lamda, latency, pareto, parse, reference, report, search, serialize, show, slice, space, worker/],
    ];
    writeFileSync(`${tmp}/broken.json`, '{"candidate_config": {"blocks": [{"output_channels": 16}]}}');
    cases.push([['estimate', `${tmp}/broken.json`], /candidate_config\.blocks\[0\]\.num_layers: is missing; allowed: an integer from 1 to 32/]);
    const mcunet = readFileSync(`${ROOT}search-spaces/reference-models/mcunet-10fps_imagenet.json`, 'utf8');
    writeFileSync(`${tmp}/gelu.json`, mcunet.replace('"act_func": "relu6"', '"act_func": "gelu"'));
    cases.push([['estimate', `${tmp}/gelu.json`], /first_conv\.act_func: got "gelu"; allowed: null, "relu", "relu6"/]);
    const wrongWidth = JSON.parse(mcunet);
    wrongWidth.blocks[2].mobile_inverted_conv.in_channels += 1;
    writeFileSync(`${tmp}/width.json`, JSON.stringify(wrongWidth));
    cases.push([['estimate', `${tmp}/width.json`], /blocks\[2\]\.mobile_inverted_conv\.in_channels: got \d+; allowed: \d+ \(the channels the previous layer produces\)/]);
    const deep = JSON.parse(readFileSync(`${ROOT}search-spaces/reference-models/LMaNet-Core.json`, 'utf8'));
    deep.candidate_config.blocks[0].num_layers = 100_000;
    writeFileSync(`${tmp}/deep.json`, JSON.stringify(deep));
    cases.push([['estimate', `${tmp}/deep.json`], /candidate_config\.blocks\[0\]\.num_layers: got 100000; allowed: an integer from 1 to 32/]);
    writeFileSync(`${tmp}/notjson.json`, '{oops');
    cases.push([['estimate', `${tmp}/notjson.json`], /not valid JSON/]);
    for (const [args, message] of cases) {
      const r = paretonas(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});

describe('paretonas reference and space', () => {
  it('reference --json lists the seven shipped models with computed and published figures', () => {
    const rows = JSON.parse(paretonas('reference', '--json').stdout);
    expect(rows.map((r: { model: string }) => r.model)).toEqual(['mcunet-in2', 'proxyless-w0.3', 'mbv2-w0.35', 'mcunet-in0', 'LMaNet-Core', 'LMaNet-Elite', 'QwNet-Core']);
    const in2 = rows[0];
    expect([in2.peakSramMcunetBytes, in2.publishedPeakSramKiB * 1024]).toEqual([332_800, 332_800]);
  });
  it('space --json reports the Table I size', () => {
    const out = JSON.parse(paretonas('space', '--samples', '500', '--json').stdout);
    expect(out.size.tableIPerStage[0]).toBe(17_280);
    expect(out.size.tableITotal).toBe((17_280n ** 5n).toString());
  });
  it('space --device counts samples that meet the space and the device together (checked on the graph path)', () => {
    const out = JSON.parse(paretonas('space', 'tinyml-vww-96', '--device', 'stm32f412', '--samples', '1500', '--json').stdout);
    const space = resolveSpace('tinyml-vww-96');
    // The second implementation: lower each seeded sample to a Graph and estimate it there.
    const meets = sampleCandidates(space, createRng(0), 1500).filter((c) => {
      const t = graphTotals(lowerBlockNet(c, { resolution: 96, classes: 2, inputChannels: 3 }), { model: 'mcunet' });
      return t.macs >= 5e6 && t.macs <= 60e6 && t.peakSramBytes <= 256 * 1024 && t.flashBytes <= 1024 * 1024;
    }).length;
    expect(meets).toBeGreaterThan(20);
    expect(out.feasible).toBe(meets);
  });
  it('npx paretonas runs the command from the checkout', () => {
    const r = spawnSync('npx', ['paretonas', 'reference'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/mcunet-in2\s+160px\/1000\s+67\.29 M\s+67\.3 M/);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const tmp = mkdtempSync(`${tmpdir()}/onnx-cli-`);
function paretonas(...args: string[]) {
  const r = spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('paretonas with ONNX files and zoo models', () => {
  it('estimate --zoo mobilenet_v2 --json: torchvision table figures (0.301 G MACs, 3,504,872 params)', () => {
    const out = JSON.parse(paretonas('estimate', '--zoo', 'mobilenet_v2', '--json').stdout);
    expect(out.params).toBe(3_504_872);
    expect(Math.round(out.macs / 1e6) / 1e3).toBe(0.301);
    expect(out.format).toBe('zoo');
  });
  it('export --zoo NAME -o FILE, then estimate FILE: MACs survive; params become weights + biases when BN is folded', () => {
    const r = paretonas('export', '--zoo', 'resnet18', '-o', `${tmp}/r18.onnx`, '--fold-bn');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*r18\.onnx: resnet18, .* BN folded/);
    const out = JSON.parse(paretonas('estimate', `${tmp}/r18.onnx`, '--json').stdout);
    expect(out.format).toBe('onnx');
    expect(out.macs).toBe(1_814_073_344);
    // torchvision's 11,689,512 counts BN gamma + beta; folded, each BN leaves one bias per channel.
    // BN channels by hand: stem 64 + layer1 4x64 + layer2 (4+1)x128 + layer3 (4+1)x256 + layer4 (4+1)x512 = 4,800
    expect(out.params).toBe(11_689_512 - 4_800);
  });
  it('export of a search-space candidate file and an MCUNet config', () => {
    for (const file of ['LMaNet-Elite.json', 'mcunet-10fps_imagenet.json']) {
      const r = paretonas('export', `${ROOT}search-spaces/reference-models/${file}`, '-o', `${tmp}/${file}.onnx`);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(`${tmp}/${file}.onnx`)).toBe(true);
    }
  });
  it('latency --json reports medianMs, p10Ms, p90Ms, meanMs and device, and appends to the dataset', () => {
    const dataset = `${tmp}/lat/measurements.jsonl`;
    for (let i = 0; i < 2; i++) {
      const r = paretonas('latency', '--zoo', 'squeezenet1_1', '--resolution', '96', '--runs', '5', '--warmup', '1', '--dataset', dataset, '--json');
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      for (const key of ['medianMs', 'p10Ms', 'p90Ms', 'meanMs']) expect(out[key]).toBeGreaterThan(0);
      expect(out.device).toMatchObject({ threads: 1 });
      expect(out.samplesMs).toHaveLength(5);
    }
    const lines = readFileSync(dataset, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ kind: 'latency', model: 'squeezenet1_1', source: 'zoo:squeezenet1_1', format: 'zoo', exported: true, batch: 1, classes: 1000, measurement: { runs: 5, warmup: 1 } });
    expect(lines[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lines[1].sha256).toBe(lines[0].sha256); // same seed, same bytes
  });
  it('latency --batch 4 times 4 images and records the batch beside the per-image MACs', () => {
    const dataset = `${tmp}/lat/batch.jsonl`;
    const out = JSON.parse(paretonas('latency', '--zoo', 'squeezenet1_1', '--resolution', '64', '--runs', '2', '--batch', '4', '--dataset', dataset, '--json').stdout);
    expect(out.inputShape).toEqual([4, 3, 64, 64]);
    const record = JSON.parse(readFileSync(dataset, 'utf8').trim());
    expect(record.batch).toBe(4);
    expect(record.macs).toBe(out.macsPerImage);
  });
  it('latency of an ONNX file times the file as it is; the default dataset is under reports/', () => {
    paretonas('export', '--zoo', 'squeezenet1_1', '--resolution', '64', '-o', `${tmp}/sq.onnx`);
    const r = paretonas('latency', `${tmp}/sq.onnx`, '--runs', '3');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/median \d+\.\d+ ms\s+p10/);
    expect(readFileSync(`${tmp}/reports/latency/measurements.jsonl`, 'utf8')).toContain('"source":"');
  });
  it('bad input: unknown zoo model, FILE and --zoo together, nothing, --resolution on ONNX', () => {
    const cases: [string[], RegExp][] = [
      [['estimate', '--zoo', 'lenet'], /zoo model: got "lenet"; allowed: alexnet, resnet18/],
      [['estimate', 'x.json', '--zoo', 'resnet18'], /model: got "x.json"; allowed: exactly one of FILE or --zoo NAME/],
      [['latency'], /model: got "nothing"; allowed: exactly one of FILE or --zoo NAME/],
      [['export', '--zoo', 'resnet18'], /-o: is missing; allowed: an output path ending in \.onnx/],
      [['estimate', `${tmp}/sq.onnx`, '--resolution', '96'], /--resolution\/--classes: .*use --input/],
      [['latency', '--zoo', 'resnet18', '--runs', '0'], /--runs: got "0"; allowed: an integer from 1 to 100000/],
    ];
    for (const [args, message] of cases) {
      const r = paretonas(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});

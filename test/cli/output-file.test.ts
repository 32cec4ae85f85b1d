import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/run.js';

const tmp = mkdtempSync(`${tmpdir()}/output-file-`);

describe('output files (-o)', () => {
  it('are written into folders created on the way (mkdir -p)', async () => {
    const r = await runCli(['serialize', '--zoo', 'squeezenet1_1', '-o', `${tmp}/a/b/s.txt`]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(`${tmp}/a/b/s.txt`, 'utf8')).toMatch(/^graph squeezenet1_1 input t0:1x3x224x224\n/);
    const e = await runCli(['export', '--zoo', 'squeezenet1_1', '-o', `${tmp}/c/s.onnx`]);
    expect(e.code, e.stderr).toBe(0);
    expect(readFileSync(`${tmp}/c/s.onnx`).length).toBeGreaterThan(1_000_000); // 1.24 M float32 weights
  });

  it('that cannot be written are refused in one line before any work (lamda dataset was an internal error at its end)', async () => {
    writeFileSync(`${tmp}/file`, 'x');
    mkdirSync(`${tmp}/folder`);
    const cases: [string[], RegExp][] = [
      [['lamda', 'dataset', '--count', '50', '-o', `${tmp}/file/p.jsonl`], /^paretonas lamda dataset: -o: got \".*\/file\/p\.jsonl\": cannot be written \(.*\/file is a file, not a folder\)/],
      [['export', '--zoo', 'vgg16', '-o', `${tmp}/folder`], /^paretonas export: -o: got \".*\/folder\": is a folder; allowed: a file path/],
      [['parse', `${tmp}/a/b/s.txt`, '-o', `${tmp}/file/x.onnx`], /^paretonas parse: -o: got \".*\/file\/x\.onnx\": cannot be written \(.*\/file is a file, not a folder\)/],
    ];
    for (const [args, message] of cases) {
      const started = Date.now();
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(20_000); // refused up front, not after measuring 50 pairs
    }
    expect(existsSync(`${tmp}/folder`)).toBe(true);
  });
});

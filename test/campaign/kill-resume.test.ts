import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../lib/campaign/records.js';
import { ROOT, runNode } from '../helpers.js';

const BIN = `${ROOT}dist/cli/main.js`;
const trainer = `command:node ${ROOT}test/fixtures/slow-trainer.mjs`;

function countEvaluations(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => l.includes('"type":"evaluation"')).length;
  } catch {
    return 0;
  }
}

describe('a real campaign process killed with SIGKILL and resumed', () => {
  it('loses no evaluated candidate and evaluates none twice', async () => {
    const out = `${mkdtempSync(`${tmpdir()}/kill-`)}/run`;
    const child = spawn(process.execPath, [BIN, 'search', '--proposer', 'evolution', '--evaluator', trainer, '--budget', '60', '--seed', '3', '--out', out, '--json'], { stdio: 'ignore' });
    // wait for a few evaluations, then kill it mid-run without warning
    const deadline = Date.now() + 60_000;
    while (countEvaluations(`${out}/records.jsonl`) < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = readRecords(`${out}/records.jsonl`);
    expect(before.records.some((r) => r.type === 'campaign-end')).toBe(false);
    const evaluatedBefore = before.records.filter((r) => r.type === 'evaluation').map((r) => r.key);
    expect(evaluatedBefore.length).toBeGreaterThanOrEqual(5);

    const resumed = await runNode([BIN, 'search', '--out', out, '--resume', '--evaluator', trainer, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary).toMatchObject({ resumed: true, proposed: 60, replayMismatches: [] });

    const after = readRecords(`${out}/records.jsonl`).records;
    const evaluations = after.filter((r) => r.type === 'evaluation').map((r) => r.key as string);
    expect(evaluations.slice(0, evaluatedBefore.length)).toEqual(evaluatedBefore); // nothing lost
    expect(new Set(evaluations).size).toBe(evaluations.length); // nothing evaluated twice
    const outcomes = after.filter((r) => ['rejection', 'evaluation', 'failure'].includes(r.type)).map((r) => r.index);
    expect(outcomes).toEqual(Array.from({ length: 60 }, (_, i) => i)); // every proposal settled once
    expect(after.filter((r) => r.type === 'resume')).toHaveLength(1);
    expect(summary.valid + Object.values(summary.rejected as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(60);
  }, 120_000);
});

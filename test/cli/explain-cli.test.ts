import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import { campaignProposer } from '../../lib/campaign/llm-proposer.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { startFakeOllama } from '../fixtures/fake-ollama.js';
import { REFERENCE, readJson, ROOT } from '../helpers.js';

const run = promisify(execFile);
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const elite = (readJson(`${REFERENCE}LMaNet-Elite.json`) as { candidate_config: Candidate }).candidate_config;
const ANSWER = 'Stride 2 in the first stage keeps the activations small.';

describe('paretonas explain: one writer per run', async () => {
  const fake = await startFakeOllama({ models: ['qwen2.5:3b'], script: (req) => (req.format ? { reply: JSON.stringify(elite) } : { reply: ANSWER }) });
  afterAll(() => fake.close());
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  const runDir = join(dir, 'run');
  const config = configFromSpace(resolveSpace(), { space: 'tinyml-cifar100', proposer: 'ollama:qwen2.5:3b', proposerSettings: { host: fake.host, timeoutMs: 5000, retries: 0, backoffMs: 10, temperature: 1.5, min_p: 0.1, window: 4, explain: false }, evaluator: 'cost', budget: 1, seed: 1 });
  await runCampaign(runDir, config, { createProposer: campaignProposer, createEvaluator });

  it('appends the call and the explanation after the last record, in sequence', async () => {
    const before = readRecords(join(runDir, 'records.jsonl')).records;
    const r = await cli(['explain', runDir, '0', '--ollama-host', fake.host]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(ANSWER);
    const after = readRecords(join(runDir, 'records.jsonl')).records;
    expect(after.slice(before.length).map((x) => [x.type, x.seq])).toEqual([
      ['llm-call', before.length],
      ['explanation', before.length + 1],
    ]);
    expect(after.at(-1)).toMatchObject({ index: 0, text: ANSWER, onDemand: true });
  });

  it('is refused while another live process holds the run, and writes nothing', async () => {
    const lock = join(runDir, '.lock');
    writeFileSync(lock, `${JSON.stringify({ pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00.000Z' })}\n`);
    const before = readRecords(join(runDir, 'records.jsonl')).records.length;
    const r = await cli(['explain', runDir, '0', '--ollama-host', fake.host]);
    rmSync(lock);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`is locked by pid ${process.pid}`);
    expect(readRecords(join(runDir, 'records.jsonl')).records).toHaveLength(before);
  });

  it('is refused on a run whose last record is torn, and the torn tail is left for resume', async () => {
    const torn = join(dir, 'torn');
    await runCampaign(torn, config, { createProposer: campaignProposer, createEvaluator });
    appendFileSync(join(torn, 'records.jsonl'), '{"type":"proposal","ti');
    const r = await cli(['explain', torn, '0', '--ollama-host', fake.host]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ends in a torn record .*search --resume/);
  });
});

/**
 * `paretonas explain` asks with the run's own Fig. 4 prompt: for a run recorded before issue 15
 * (limits apart in macs/sramMaxBytes) the very messages the run's own explanation call had; for a
 * run that limits flash and a score, their lines too.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeOllama } from '../fixtures/fake-ollama.js';
import { ROOT } from '../helpers.js';

const run = promisify(execFile);
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const RECORDED = join(ROOT, 'notebooks', 'data', 'llm-runs', 'qwen2.5-3b', 'records.jsonl');
type Rec = Record<string, unknown> & { type: string; index?: number; purpose?: string; messages?: { role: string; content: string }[] };

describe('paretonas explain on a recorded run', async () => {
  const fake = await startFakeOllama({ models: ['qwen2.5:3b'], script: () => ({ reply: 'Stride 2 early keeps activations small.' }) });
  const dir = mkdtempSync(join(tmpdir(), 'explain-limits-'));
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const lines = readFileSync(RECORDED, 'utf8').trim().split('\n');
  const records = lines.map((l) => JSON.parse(l) as Rec);

  it('sends exactly the messages the run itself sent for the same explanation', async () => {
    const runDir = join(dir, 'paper');
    mkdirSync(runDir);
    copyFileSync(RECORDED, join(runDir, 'records.jsonl'));
    // The explanation of proposal 0 was asked before proposal 1: its call is the record before the explanation's.
    const at = records.findIndex((r) => r.type === 'explanation' && r.index === 0);
    const recorded = records[at - 1];
    expect(recorded).toMatchObject({ type: 'llm-call', purpose: 'explanation' });
    expect(recorded?.messages?.[1]?.content).toContain('- Peak SRAM (int8 activations) must not exceed 320 KB.\n- Image size: 160x160.');
    const before = fake.chats.length;
    await run(process.execPath, [CLI, 'explain', runDir, '0', '--ollama-host', fake.host], { encoding: 'utf8' });
    expect(fake.chats.slice(before).map((c) => c.messages.map(({ role, content }) => ({ role, content })))).toEqual([recorded?.messages]);
  });

  it('names flash and an evaluated metric when the run limits them', async () => {
    const runDir = join(dir, 'device');
    mkdirSync(runDir);
    const start = records[0] as unknown as { config: Record<string, unknown> };
    const config = { ...start.config, limits: [{ name: 'flashBytes', max: 1024 * 1024 }, { name: 'naswot', min: 150 }] };
    writeFileSync(join(runDir, 'records.jsonl'), [JSON.stringify({ ...start, config }), ...lines.slice(1)].join('\n') + '\n');
    const before = fake.chats.length;
    await run(process.execPath, [CLI, 'explain', runDir, '0', '--ollama-host', fake.host], { encoding: 'utf8' });
    const user = fake.chats[before]?.messages[1]?.content ?? '';
    expect(user).toContain(
      '- Ensure total MACs are between 70M and 350M.\n- Peak SRAM (int8 activations) must not exceed 320 KB.\n- Flash (int8 weights) must not exceed 1024 KB.\n- NASWOT score must be at least 150.\n- Image size: 160x160.',
    );
  });
});

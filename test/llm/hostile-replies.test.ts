/**
 * Hostile LLM servers: a reply nested 5,000 deep, a reply of 250,000 characters, a call that
 * fails after its retries — through the real ollama client against the fake server, then the
 * run resumed against another server given with --ollama-host.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import { campaignProposer } from '../../lib/campaign/llm-proposer.js';
import { resumeCheck } from '../../lib/cli/resume-flags.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { LLM_REPLY_BOUNDS, parseReply } from '../../lib/propose/llm/proposer.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { startFakeOllama, type FakeStep } from '../fixtures/fake-ollama.js';
import { REFERENCE, readJson } from '../helpers.js';

const elite = (readJson(`${REFERENCE}LMaNet-Elite.json`) as { candidate_config: Candidate }).candidate_config;
const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const huge = `{"blocks": "${'x'.repeat(250_000)}"}`;
const deps = { createProposer: campaignProposer, createEvaluator };

describe('parseReply bounds a reply before JSON.parse sees it', () => {
  it('refuses depth past 32 and size past 200,000 characters, and still reads a candidate in prose', () => {
    expect(parseReply(deep)).toEqual({ ok: false, error: 'JSON nested more than 32 levels deep (a candidate nests 3)' });
    expect(parseReply('x'.repeat(LLM_REPLY_BOUNDS.maxChars + 1))).toEqual({ ok: false, error: 'the reply has 200001 characters, over the 200000 allowed' });
    expect(parseReply(`Here: ${JSON.stringify({ candidate_config: elite })} done`)).toEqual({ ok: true, value: elite });
  });
});

describe('a campaign against hostile replies, resumed against another server', async () => {
  const queue: FakeStep[] = [{ reply: deep }, { reply: huge }, { status: 500, error: 'boom', delayMs: 80 }, { status: 500, error: 'boom again', delayMs: 80 }, { reply: JSON.stringify(elite) }];
  const first = await startFakeOllama({ models: ['qwen2.5:3b'], script: () => queue.shift() ?? { status: 500, error: 'script ran out' } });
  const elite2 = { ...elite, blocks: elite.blocks.map((b, i) => (i === 3 ? { ...b, kernel_size: 5 } : b)) };
  const second = await startFakeOllama({ models: ['qwen2.5:3b'], script: [{ reply: JSON.stringify(elite2) }, { reply: deep }] });
  afterAll(async () => {
    await first.close();
    await second.close();
  });
  const dir = `${mkdtempSync(`${tmpdir()}/hostile-`)}/run`;
  const settings = { host: first.host, timeoutMs: 5000, retries: 1, backoffMs: 10, temperature: 1.5, min_p: 0.1, window: 4, explain: false };
  const config = configFromSpace(resolveSpace(), { space: 'tinyml-cifar100', proposer: 'ollama:qwen2.5:3b', proposerSettings: settings, evaluator: 'cost', budget: 4, seed: 1 });
  const summary = await runCampaign(dir, config, deps);
  const records = readRecords(`${dir}/records.jsonl`).records;
  const calls = records.filter((r) => r.type === 'llm-call');
  const outcome = (index: number) => records.find((r) => r.index === index && ['rejection', 'evaluation', 'failure'].includes(r.type));

  it('a reply nested 5,000 deep is a recorded parse rejection with feedback, not a crash', () => {
    expect(summary).toMatchObject({ proposed: 4, evaluated: 1 });
    expect(records.find((r) => r.type === 'proposal' && r.index === 0)).toMatchObject({ candidate: deep, note: 'not JSON: JSON nested more than 32 levels deep (a candidate nests 3)' });
    expect(outcome(0)).toMatchObject({ type: 'rejection', reason: 'parse', message: expect.stringMatching(/^Your reply was not a JSON object \(10000 characters, starting "\[\[\[\[/) });
  });
  it('a reply of 250,000 characters is recorded cut to 200,000, with its length', () => {
    expect(calls[1]).toMatchObject({ replyChars: huge.length });
    expect((calls[1]?.reply as string).length).toBe(200_000);
    expect(outcome(1)).toMatchObject({ type: 'rejection', reason: 'parse' });
  });
  it('a failed call records its real duration, not 0', () => {
    expect(calls[2]).toMatchObject({ reply: null, attempts: 2, error: expect.stringContaining('HTTP 500: boom again') });
    expect(calls[2]?.durationMs as number).toBeGreaterThanOrEqual(150); // two attempts of 80 ms each, and the backoff
    expect(outcome(2)).toMatchObject({ type: 'rejection', reason: 'no-reply' });
    expect(outcome(3)).toMatchObject({ type: 'evaluation' });
  });
  it('resume replays what it recorded without crashing, and talks to the --ollama-host given now', async () => {
    const chatsBefore = first.chats.length;
    const resumed = await runCampaign(dir, undefined, deps, { budget: 6, checkResume: resumeCheck({ 'ollama-host': second.host }) });
    expect(resumed).toMatchObject({ resumed: true, proposed: 6, evaluated: 2, replayMismatches: [] });
    expect(first.chats.length).toBe(chatsBefore); // the recorded calls were replayed, not asked again
    expect(second.chats).toHaveLength(2);
    const after = readRecords(`${dir}/records.jsonl`).records;
    expect(after.find((r) => r.type === 'resume')).toMatchObject({ ollamaHost: second.host, recordedOllamaHost: first.host });
    expect(after.find((r) => r.type === 'rejection' && r.index === 5)).toMatchObject({ reason: 'parse' });
    // and once more: the second deep reply is in the records now, and resume still reads them
    const again = await runCampaign(dir, undefined, deps, { checkResume: resumeCheck({ 'ollama-host': second.host }) });
    expect(again).toMatchObject({ stopped: 'finished-before', proposed: 6 });
  });
});

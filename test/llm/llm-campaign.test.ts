import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import { campaignProposer } from '../../lib/campaign/llm-proposer.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { startFakeOllama, type FakeChatRequest, type FakeStep } from '../fixtures/fake-ollama.js';
import { REFERENCE, readJson } from '../helpers.js';

const space = resolveSpace();
const elite = (readJson(`${REFERENCE}LMaNet-Elite.json`) as { candidate_config: Candidate }).candidate_config;
const json = (c: unknown) => JSON.stringify(c);
const qw = (readJson(`${REFERENCE}QwNet-Core.json`) as { candidate_config: Candidate }).candidate_config;
const sramHeavy = { ...qw, blocks: qw.blocks.map((b) => ({ ...b, expansion_factor: 4, use_se: false, se_ratio: 0 })) }; // 500 KiB (test/campaign/validate.test.ts)
const patch = (f: (b: Candidate['blocks'][number], i: number) => object): Candidate => ({ ...elite, blocks: elite.blocks.map((b, i) => ({ ...b, ...f(b, i) })) });

// One scripted reply per proposal, in order; explanation requests (no `format`) get prose.
const proposals: FakeStep[][] = [
  [{ reply: `Here is my design:\n${json(elite)}\nIt keeps early strides at 2.` }], // 0: prose around valid JSON
  [{ reply: '{"blocks": [{"output_channels": 16,,]}' }], // 1: broken JSON
  [{ reply: json(patch((_, i) => (i === 1 ? { kernel_size: 4 } : {}))) }], // 2: outside the space
  [{ reply: json(elite) }], // 3: a repeat
  [{ reply: json(patch(() => ({ stride: 1, expansion_factor: 6, conv_type: 'mbconv', output_channels: 160 }))) }], // 4: MACs
  [{ reply: json(sramHeavy) }], // 5: SRAM over the limit, MACs in range
  [{ reply: json(patch((_, i) => (i === 4 ? { activation: 'swish' } : {})) ), delayMs: 1500 }, { reply: json(patch((_, i) => (i === 4 ? { activation: 'swish' } : {}))) }], // 6: slow, then retried
  [{ status: 500, error: 'boom' }, { reply: json(patch((_, i) => (i === 3 ? { kernel_size: 5 } : {}))) }], // 7: a 500, then retried
  [{ drop: true }, { reply: json(patch((_, i) => (i === 2 ? { kernel_size: 3 } : {}))) }], // 8: a dropped connection, then retried
];

function script() {
  const queue = proposals.flat();
  return (request: FakeChatRequest): FakeStep => (request.format ? (queue.shift() ?? { status: 500, error: 'script ran out' }) : { reply: 'I chose stride 2 early to keep activations small.' });
}

const settings = (host: string) => ({ host, timeoutMs: 700, retries: 2, backoffMs: 20, temperature: 1.5, min_p: 0.1, window: 4, explain: true });
const config = (proposerSettings: Record<string, unknown>) =>
  configFromSpace(space, { space: 'tinyml-cifar100', proposer: 'ollama:qwen2.5:3b', proposerSettings, evaluator: 'cost', budget: proposals.length, seed: 1 });
const deps = { createProposer: campaignProposer, createEvaluator };

describe('an LLM campaign against a fake Ollama, through the real ollama client', async () => {
  const fake = await startFakeOllama({ models: ['qwen2.5:3b'], script: script() });
  afterAll(() => fake.close());
  const dir = mkdtempSync(`${tmpdir()}/llm-`);
  const summary = await runCampaign(`${dir}/live`, config(settings(fake.host)), deps);
  const records = readRecords(`${dir}/live/records.jsonl`).records;
  const chats = fake.chats.filter((c) => c.format);
  const lastUser = (c: FakeChatRequest) => c.messages.at(-1)?.content ?? '';

  it('finishes with the right counts', () => {
    expect(summary).toMatchObject({ proposed: 9, valid: 4, evaluated: 4 });
    expect(summary.rejected).toMatchObject({ parse: 1, schema: 1, duplicate: 1, macs: 1, sram: 1 });
  });
  it('sends the Fig. 4 prompt, the space schema as the structured format, and the sampling options', () => {
    expect(chats[0]!.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(lastUser(chats[0]!)).toContain('Task: Generate a lightweight neural network architecture tailored for CIFAR-100 image classification.');
    expect((chats[0]!.format as { properties: { blocks: { minItems: number } } }).properties.blocks.minItems).toBe(5);
    expect(chats[0]!.options).toMatchObject({ temperature: 1.5, min_p: 0.1, seed: 1 });
  });
  it('feeds every failure back as the next user turn', () => {
    // the request after proposal k carries the feedback on proposal k
    const feedbackOn = (k: number) => lastUser(chats.filter((c) => c.messages.length > 2)[k]!);
    expect(feedbackOn(0)).toMatch(/^evaluated: MACs 82\.0M, params 0\.498M, SRAM 200KB; joined the Pareto front/);
    expect(feedbackOn(1)).toMatch(/^Your proposal was rejected\. Your reply was not a JSON object/);
    expect(feedbackOn(2)).toContain('block 2 (blocks[1]) field kernel_size: value 4 is not allowed; allowed: 3, 5, 7');
    expect(feedbackOn(3)).toMatch(/already proposed \(the same network as proposal #0\)/);
    expect(feedbackOn(4)).toMatch(/Estimated MACs are \d+\.\d M, above the allowed range 70\.0 M to 350\.0 M/);
    expect(feedbackOn(5)).toMatch(/Estimated peak SRAM is \d+\.\d KiB .* above the 320\.0 KiB limit/);
    expect(feedbackOn(5)).toContain('Current Pareto front (1 candidates):');
    expect(feedbackOn(5)).toMatch(/Your last 4 attempts \(problem -> change -> outcome\):/);
  });
  it('the conversation stays bounded: system, prompt, the last reply and one feedback turn', () => {
    for (const c of chats.slice(1)) expect(c.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });
  it('records every call (with retries counted) and explains each candidate that joins the front', () => {
    const calls = records.filter((r) => r.type === 'llm-call');
    expect(calls.filter((r) => r.purpose === 'proposal')).toHaveLength(9);
    expect(calls.filter((r) => r.purpose === 'proposal').map((r) => r.attempts)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2]);
    expect(calls.every((r) => typeof r.promptTokens === 'number' && r.model === 'qwen2.5:3b')).toBe(true);
    const joined = records.filter((r) => r.type === 'front-change').map((r) => r.key);
    const explained = records.filter((r) => r.type === 'explanation');
    expect(explained.map((r) => r.key)).toEqual(joined);
    expect(explained[0]?.text).toBe('I chose stride 2 early to keep activations small.');
  });
  it('replays with the recorded client to the same records, without Ollama', async () => {
    const replay = await runCampaign(`${dir}/replay`, config({ ...settings('http://127.0.0.1:9'), replay: `${dir}/live` }), deps);
    expect(replay.proposed).toBe(9);
    const strip = (path: string) => readRecords(path).records.filter((r) => !['campaign-start', 'campaign-end'].includes(r.type)).map(({ time, seq, seconds, durationMs, ...rest }) => rest);
    expect(strip(`${dir}/replay/records.jsonl`)).toEqual(strip(`${dir}/live/records.jsonl`));
  });
});

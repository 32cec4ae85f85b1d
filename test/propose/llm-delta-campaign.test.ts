import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { readRecords, type CampaignRecord } from '../../lib/campaign/records.js';
import { campaignProposer } from '../../lib/campaign/llm-proposer.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { canonicalKey } from '../../lib/space/key.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { resumeCheck } from '../../lib/cli/resume-flags.js';
import { SEARCH_COMMAND, searchCommand } from '../../lib/cli/search.js';
import { InputError } from '../../lib/errors.js';
import { startFakeOllama, type FakeChatRequest, type FakeStep } from '../fixtures/fake-ollama.js';
import { REFERENCE, readJson } from '../helpers.js';

const space = resolveSpace();
const elite = (readJson(`${REFERENCE}LMaNet-Elite.json`) as { candidate_config: Candidate }).candidate_config;
const json = (c: unknown) => JSON.stringify(c);
/** The parent shown in a delta prompt, read back from its text (the line after "front members:"). */
const parentIn = (request: FakeChatRequest): Candidate => JSON.parse((request.messages.at(-1)?.content ?? '').split('front members:\n')[1]!.split('\n')[0]!) as Candidate;
const isDelta = (request: FakeChatRequest) => (request.format as { type?: string } | undefined)?.type === 'array';

/** One reply per proposal; a delta reply may depend on the parent the prompt shows. */
const replies: ((r: FakeChatRequest) => string)[] = [
  () => `My design:\n${json(elite)}`, // 0: the front is empty: a full candidate
  () => '```json\n[{"op": "replace", "path": "/blocks/3/kernel_size", "value": 5}]\n```', // 1: a valid patch of #0, fenced
  () => 'I would lower the stride of stage 2.', // 2: not JSON: parse
  () => json(elite), // 3: a whole candidate, not a patch: parse
  () => '[{"op": "replace", "path": "/blocks/0/stride", "value": 1}, {"op": "replace", "path": "/blocks/9/stride", "value": 1}]', // 4: bad path: schema
  (r) => json([{ op: 'test', path: '/blocks/0/stride', value: parentIn(r).blocks[0]!.stride === 2 ? 1 : 2 }]), // 5: a failed test: schema
  () => '[{"op": "replace", "path": "/blocks/1/kernel_size", "value": 4}]', // 6: applies, but leaves the space: schema
  () => '[{"op": "replace", "path": "/blocks/4/kernel_size", "value": 3}]', // 7: a valid patch, cheaper
];

function script(start = 0) {
  let step = start;
  return (request: FakeChatRequest): FakeStep => {
    if (!request.format) return { reply: 'explained' };
    const reply = replies[step++];
    return reply ? { reply: reply(request) } : { status: 500, error: 'script ran out' };
  };
}

const settings = (host: string) => ({ host, timeoutMs: 5000, retries: 0, backoffMs: 10, temperature: 1.5, min_p: 0.1, window: 3, explain: false, llmMode: 'delta' });
const config = (proposerSettings: Record<string, unknown>, budget = replies.length) =>
  configFromSpace(space, { space: 'tinyml-cifar100', proposer: 'ollama:qwen2.5:3b', proposerSettings, evaluator: 'cost', budget, seed: 3 });
const deps = { createProposer: campaignProposer, createEvaluator };
const of = (records: CampaignRecord[], type: string) => records.filter((r) => r.type === type);
const strip = (path: string) => readRecords(path).records.filter((r) => !['campaign-start', 'campaign-end', 'resume'].includes(r.type)).map(({ time, seq, seconds, durationMs, ...rest }) => rest);

describe('search --llm-mode delta against a fake Ollama', async () => {
  const fake = await startFakeOllama({ models: ['qwen2.5:3b'], script: script() });
  afterAll(() => fake.close());
  const dir = mkdtempSync(`${tmpdir()}/llm-delta-`);
  const summary = await runCampaign(`${dir}/live`, config(settings(fake.host)), deps);
  const records = readRecords(`${dir}/live/records.jsonl`).records;
  const proposals = of(records, 'proposal');
  const rejections = new Map(of(records, 'rejection').map((r) => [r.index as number, r]));
  const calls = of(records, 'llm-call');
  const chats = fake.chats.filter((c) => c.format);
  const key0 = canonicalKey(elite, space.input.channels);

  it('asks for a full candidate while the front is empty, then for JSON Patches against a front member', () => {
    expect(isDelta(chats[0]!)).toBe(false);
    expect(chats.slice(1).every(isDelta)).toBe(true);
    expect(calls.map((c) => c.promptVersion)).toEqual(['lmanet-fig4/1', ...Array(7).fill('nngpt-delta/1')]);
    const prompt = chats[1]!.messages.at(-1)!.content;
    expect(prompt).toContain(`The parent is proposal #0 (key ${key0}), one of the 1 front members:\n${json(elite)}\nIts metrics: MACs `);
    expect(prompt).toMatch(/Its metrics: MACs 82M, params 0\.498M, flash [\d.]+ KB, peak SRAM 200 KB\.\n/);
  });
  it('counts: the full first reply and 2 patches evaluated, 3 schema and 2 parse rejections', () => {
    expect(summary).toMatchObject({ proposed: 8, valid: 3 });
    expect(summary.rejected).toMatchObject({ parse: 2, schema: 3 });
  });
  it('records the parent key and the patch as replied; the candidate is the parent patched (checked by hand)', () => {
    expect(proposals[0]).not.toHaveProperty('parent');
    const expected1 = structuredClone(elite);
    expected1.blocks[3]!.kernel_size = 5;
    expect(proposals[1]).toMatchObject({ parent: key0, patch: [{ op: 'replace', path: '/blocks/3/kernel_size', value: 5 }], candidate: expected1, key: canonicalKey(expected1, 3) });
    expect(proposals[1]).not.toHaveProperty('patchError');
    expect(proposals[2]).toMatchObject({ parent: key0, patch: null, candidate: 'I would lower the stride of stage 2.', key: null, patchError: { reason: 'parse' } });
    expect(proposals[3]).toMatchObject({ patch: elite, patchError: { reason: 'parse' } });
    expect(proposals[4]).toMatchObject({ patch: [{ op: 'replace', path: '/blocks/0/stride', value: 1 }, { op: 'replace', path: '/blocks/9/stride', value: 1 }], patchError: { reason: 'schema' } });
    // Every delta proposal names a front member that was evaluated before it.
    const evaluated = new Set(of(records, 'evaluation').map((r) => r.key));
    for (const p of proposals.slice(1)) expect(evaluated.has(p.parent)).toBe(true);
  });
  it('rejects each broken patch with a message naming the operation, and feeds it back to the LLM', () => {
    expect(rejections.get(2)).toMatchObject({ reason: 'parse', message: expect.stringMatching(/^Your reply was not JSON/) });
    expect(rejections.get(3)).toMatchObject({ reason: 'parse', message: expect.stringMatching(/^Your reply was a whole candidate \{"blocks": \[\.\.\.\]\}, not a JSON Patch/) });
    expect(rejections.get(4)).toMatchObject({ reason: 'schema', message: expect.stringMatching(/operation 1 \(\{"op":"replace","path":"\/blocks\/9\/stride","value":1\}\): path "\/blocks\/9\/stride" does not exist in the parent \(it has 5 blocks/) });
    expect(rejections.get(5)).toMatchObject({ reason: 'schema', message: expect.stringMatching(/operation 0 .*: its test failed: the parent has 2 at "\/blocks\/0\/stride", not 1\./) });
    expect(rejections.get(6)).toMatchObject({ reason: 'schema', message: expect.stringContaining('field kernel_size: value 4 is not allowed; allowed: 3, 5, 7') });
    for (const i of [2, 3, 4, 5, 6]) expect(chats[i + 1]!.messages.at(-1)!.content).toContain(`Your proposal was rejected. ${rejections.get(i)!.message as string}`);
    // The assistant turn is the reply as given (the patch), not a patched candidate.
    expect(chats[5]!.messages.at(-2)).toEqual({ role: 'assistant', content: replies[4]!(chats[4]!) });
  });
  it('never mutates the parent: every later prompt shows #0 as it was proposed', () => {
    for (const c of chats.slice(1)) if (c.messages.at(-1)!.content.includes('The parent is proposal #0 ')) expect(parentIn(c)).toEqual(elite);
  });
  it('replays to the same records without Ollama', async () => {
    const replay = await runCampaign(`${dir}/replay`, config({ ...settings('http://127.0.0.1:9'), replay: `${dir}/live` }), deps);
    expect(replay.proposed).toBe(8);
    expect(strip(`${dir}/replay/records.jsonl`)).toEqual(strip(`${dir}/live/records.jsonl`));
  });
  it('resumes a delta run: the recorded calls re-drive the proposer, the rest asks the server, and the records equal the one-go run', async () => {
    const resumeFake = await startFakeOllama({ models: ['qwen2.5:3b'], script: script() });
    try {
      await runCampaign(`${dir}/resumed`, config(settings(resumeFake.host), 4), deps);
      expect(resumeFake.chats.length).toBe(4);
      resumeFake.setScript(script(4));
      const resumed = await runCampaign(`${dir}/resumed`, undefined, deps, { budget: 8 });
      expect(resumed).toMatchObject({ resumed: true, proposed: 8, replayMismatches: [] });
      expect(resumeFake.chats.length).toBe(8);
      expect(strip(`${dir}/resumed/records.jsonl`)).toEqual(strip(`${dir}/live/records.jsonl`));
    } finally {
      await resumeFake.close();
    }
  });
});

describe('the --llm-mode flag', async () => {
  const fake = await startFakeOllama({ models: ['qwen2.5:3b'], script: script() });
  afterAll(() => fake.close());
  const dir = mkdtempSync(`${tmpdir()}/llm-delta-cli-`);
  const thrown = async (args: string[]) => {
    try {
      await searchCommand(args);
    } catch (err) {
      return err as InputError;
    }
    throw new Error('no error');
  };

  it('is recorded as proposerSettings.llmMode delta (full, the default, is not recorded)', async () => {
    const out = await searchCommand(['--proposer', 'ollama:qwen2.5:3b', '--ollama-host', fake.host, '--llm-mode', 'delta', '--no-explain', '--budget', '2', '--seed', '3', '--out', `${dir}/run`, '--json']);
    expect(JSON.parse(out)).toMatchObject({ proposed: 2 });
    const start = readRecords(`${dir}/run/records.jsonl`).records[0]!;
    expect((start.config as { proposerSettings: Record<string, unknown> }).proposerSettings).toMatchObject({ llmMode: 'delta' });
    expect(of(readRecords(`${dir}/run/records.jsonl`).records, 'proposal')[1]).toMatchObject({ parent: canonicalKey(elite, 3) });
  });
  it('refuses another mode, and a mode without an ollama proposer (one line naming the flag)', async () => {
    const bad = await thrown(['--proposer', 'ollama:qwen2.5:3b', '--ollama-host', fake.host, '--llm-mode', 'diff', '--out', `${dir}/bad`]);
    expect(bad).toBeInstanceOf(InputError);
    expect(bad.message).toBe('--llm-mode: got "diff"; allowed: full, delta');
    const evo = await thrown(['--proposer', 'evolution', '--llm-mode', 'delta', '--out', `${dir}/evo`]);
    expect(evo.message).toBe('--llm-mode: got "delta"; allowed: with --proposer ollama:MODEL');
  });
  it('--replay-llm of a run recorded in the other mode is refused up front, naming --llm-mode (nothing written)', async () => {
    const fromDelta = await thrown(['--proposer', 'ollama:qwen2.5:3b', '--replay-llm', `${dir}/run`, '--no-explain', '--budget', '2', '--seed', '3', '--out', `${dir}/replay-full`]);
    expect(fromDelta).toBeInstanceOf(InputError);
    expect(fromDelta.message).toBe(`--llm-mode: ${dir}/run was recorded with --llm-mode delta, this run asks for full (a replay sends the recorded prompts, and delta ones ask for JSON Patches); allowed: --llm-mode delta to replay it`);
    expect(existsSync(`${dir}/replay-full/records.jsonl`)).toBe(false);
    await searchCommand(['--proposer', 'ollama:qwen2.5:3b', '--ollama-host', fake.host, '--no-explain', '--budget', '1', '--seed', '3', '--out', `${dir}/full`, '--json']);
    const fromFull = await thrown(['--proposer', 'ollama:qwen2.5:3b', '--replay-llm', `${dir}/full`, '--llm-mode', 'delta', '--no-explain', '--budget', '1', '--seed', '3', '--out', `${dir}/replay-delta`]);
    expect(fromFull.message).toBe(`--llm-mode: ${dir}/full was recorded with --llm-mode full, this run asks for delta (a replay sends the recorded prompts, and full ones ask for whole candidates); allowed: full (or no --llm-mode) to replay it`);
    // The same mode replays.
    const same = JSON.parse(await searchCommand(['--proposer', 'ollama:qwen2.5:3b', '--replay-llm', `${dir}/run`, '--llm-mode', 'delta', '--no-explain', '--budget', '2', '--seed', '3', '--out', `${dir}/replay-delta-ok`, '--json'])) as { proposed: number };
    expect(same.proposed).toBe(2);
  });
  it('search --help\'s note names the LLM flags\' range truly: every flag in it is an LLM one, refused without an ollama proposer, and every LLM flag is in it', async () => {
    const names = Object.keys(SEARCH_COMMAND.flags);
    const [, first, last] = /LLM flags \(--([\w-]+) to --([\w-]+)\) go with --proposer ollama:MODEL/.exec(SEARCH_COMMAND.notes?.[0] ?? '')!;
    const range = names.slice(names.indexOf(first!), names.indexOf(last!) + 1);
    const llm = names.filter((n) => (SEARCH_COMMAND.flags as Record<string, { help: string }>)[n]!.help.startsWith('LLM: '));
    expect(range).toEqual(llm);
    expect(range).toEqual(expect.arrayContaining(['ollama-host', 'llm-mode', 'replay-llm', 'llm-timeout']));
    for (const flag of range) {
      const err = await thrown(['--proposer', 'evolution', `--${flag}`, ...(flag === 'no-explain' ? [] : ['1']), '--out', `${dir}/evo-${flag}`]);
      expect(err.message).toBe(`--${flag}: got ${flag === 'no-explain' ? 'true' : '"1"'}; allowed: with --proposer ollama:MODEL`);
    }
  });
  it('--resume accepts the recorded mode and refuses the other one', async () => {
    const recorded = readRecords(`${dir}/run/records.jsonl`).records[0]!.config as Parameters<ReturnType<typeof resumeCheck>>[0];
    await expect(resumeCheck({ out: `${dir}/run`, 'llm-mode': 'delta' })(recorded)).resolves.toMatchObject({ config: recorded });
    await expect(resumeCheck({ out: `${dir}/run`, 'llm-mode': 'full' })(recorded)).rejects.toThrow('--llm-mode: differs from the run: recorded "delta", given "full"; allowed: the recorded value, or no --llm-mode');
    const full = { ...recorded, proposerSettings: { ...recorded.proposerSettings, llmMode: undefined } };
    await expect(resumeCheck({ out: `${dir}/run`, 'llm-mode': 'full' })(full)).resolves.toBeDefined();
  });
});

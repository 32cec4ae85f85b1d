import { rejection as failure } from '../helpers.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ollamaClient } from '../../lib/llm/ollama.js';
import { chainClients, recordedClient, sameAtPrintedPrecision } from '../../lib/llm/recorded.js';
import {
  LlmCallFailure,
  LlmSetupError,
  type ChatRequest,
  type LlmCallRecord,
  type LlmClient,
} from '../../lib/llm/types.js';
import { startFakeOllama, type FakeOllama } from '../fixtures/fake-ollama.js';

const MODEL = 'qwen2.5:7b';
const schema = { type: 'object', properties: { blocks: { type: 'array' } }, required: ['blocks'] };

function request(n: number, withFormat = true): ChatRequest {
  return {
    model: MODEL,
    messages: [
      { role: 'system', content: 'You design tiny networks.' },
      { role: 'user', content: `Propose candidate ${n}.` },
    ],
    ...(withFormat ? { format: schema } : {}),
    options: { temperature: 0.7, seed: n },
  };
}

function record(n: number, reply: string | null, extra: Partial<LlmCallRecord> = {}): LlmCallRecord {
  const r = request(n);
  return {
    model: r.model,
    options: r.options ?? {},
    messages: r.messages,
    format: true,
    reply,
    promptTokens: 100 + n,
    replyTokens: 10 + n,
    durationMs: 1000 + n,
    attempts: 1,
    purpose: 'proposal',
    ...extra,
  };
}


describe('recordedClient', () => {
  it('replays the recorded replies in order, with their token counts, durations and attempts', async () => {
    const client = recordedClient([record(1, '{"blocks":[1]}'), record(2, '{"blocks":[2]}', { attempts: 3 })]);
    await expect(client.check(MODEL)).resolves.toBeUndefined();
    expect(client.remaining).toBe(2);
    expect(await client.chat(request(1))).toEqual({
      content: '{"blocks":[1]}',
      promptTokens: 101,
      replyTokens: 11,
      durationMs: 1001,
      attempts: 1,
    });
    expect(await client.chat(request(2))).toMatchObject({ content: '{"blocks":[2]}', attempts: 3 });
    expect(client.used).toBe(2);
    expect(client.remaining).toBe(0);
  });

  it('in strict mode, names the call and the first differing message index', async () => {
    const client = recordedClient([record(1, 'a'), record(2, 'b')]);
    await client.chat(request(1));
    const error = await failure(client.chat(request(3)));
    expect(error).toBeInstanceOf(LlmSetupError);
    expect(error.message).toMatch(/^LLM call 2 does not match the recorded run: message index 1 differs/);
    expect(error.message).toContain('character 18');
  });

  it('in strict mode, checks the model, the format presence and the number of messages', async () => {
    const other = await failure(recordedClient([record(1, 'a')]).chat({ ...request(1), model: 'llama3' }));
    expect(other).toBeInstanceOf(LlmSetupError);
    expect(other.message).toMatch(/call 1 .*model differs \(recorded qwen2\.5:7b, now llama3\)/);

    const noFormat = await failure(recordedClient([record(1, 'a')]).chat(request(1, false)));
    expect(noFormat.message).toMatch(/call 1 .*had format/);

    const longer = request(1);
    longer.messages.push({ role: 'assistant', content: 'x' });
    const extra = await failure(recordedClient([record(1, 'a')]).chat(longer));
    expect(extra.message).toMatch(/message index 2 differs: the recorded call has 2 messages, this one 3/);
  });

  it('in strict mode, a printed decimal one unit in its last place away is the same prompt; anything more is not', () => {
    const at = (score: string, macs = '18062016') => `evaluated: MACs ${macs}, naswot ${score}.\nExplain why this design was chosen`;
    expect(sameAtPrintedPrecision(at('210.6311'), at('210.6310'))).toBe(true); // recorded on AVX-512, replayed on AVX2
    expect(sameAtPrintedPrecision(at('210.6311'), at('210.6312'))).toBe(true);
    expect(sameAtPrintedPrecision(at('-0.50'), at('-0.49'))).toBe(true);
    expect(sameAtPrintedPrecision(at('210.6311'), at('210.6313'))).toBe(false); // two units
    expect(sameAtPrintedPrecision(at('210.6311'), at('210.631'))).toBe(false); // another precision
    expect(sameAtPrintedPrecision(at('210.6311'), at('210.6311', '18062017'))).toBe(false); // integers exact
    expect(sameAtPrintedPrecision(at('210.6311'), `${at('210.6311')} now`)).toBe(false);
  });

  it('without strict, serves the recorded replies whatever is asked', async () => {
    const client = recordedClient([record(1, 'a')], { strict: false });
    expect((await client.chat({ model: 'other', messages: [] })).content).toBe('a');
  });

  it('throws the recorded failure again as LlmCallFailure', async () => {
    const client = recordedClient([
      record(1, null, { error: 'Ollama chat failed after 4 attempts: HTTP 500', attempts: 4 }),
      record(2, 'b'),
    ]);
    const error = await failure(client.chat(request(1)));
    expect(error).toBeInstanceOf(LlmCallFailure);
    expect(error.message).toBe('Ollama chat failed after 4 attempts: HTTP 500');
    expect((error as LlmCallFailure).attempts).toBe(4);
    expect((await client.chat(request(2))).content).toBe('b');
  });

  it('throws LlmSetupError when the recorded calls run out', async () => {
    const client = recordedClient([record(1, 'a'), record(2, 'b')]);
    await client.chat(request(1));
    await client.chat(request(2));
    const error = await failure(client.chat(request(3)));
    expect(error).toBeInstanceOf(LlmSetupError);
    expect(error.message).toBe('the recorded run has only 2 LLM calls');
  });
});

describe('chainClients', () => {
  let server: FakeOllama | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves the recorded calls, then the live client', async () => {
    server = await startFakeOllama({ models: [MODEL], script: [{ reply: 'live 3' }, { reply: 'live 4' }] });
    const live = ollamaClient({ host: server.host, timeoutMs: 5_000, retries: 1, backoffMs: 1 });
    const recorded = recordedClient([record(1, 'recorded 1'), record(2, null, { error: 'timed out' })]);
    const client: LlmClient = chainClients(recorded, live);
    expect(client.name).toContain(live.name);
    await expect(client.check(MODEL)).resolves.toBeUndefined();

    expect((await client.chat(request(1))).content).toBe('recorded 1');
    await expect(client.chat(request(2))).rejects.toBeInstanceOf(LlmCallFailure);
    expect(server.chats).toHaveLength(0); // nothing asked of the LLM for what is recorded
    expect((await client.chat(request(3))).content).toBe('live 3');
    expect((await client.chat(request(4))).content).toBe('live 4');
    expect(server.chats.map((c) => c.messages[1]?.content)).toEqual(['Propose candidate 3.', 'Propose candidate 4.']);
  });

  it('checks the live client', async () => {
    server = await startFakeOllama({ models: [] });
    const client = chainClients(recordedClient([record(1, 'a')]), ollamaClient({ host: server.host }));
    await expect(client.check(MODEL)).rejects.toThrow(/ollama pull qwen2\.5:7b/);
  });
});

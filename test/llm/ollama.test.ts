import { rejection as failure } from '../helpers.js';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ollamaClient } from '../../lib/llm/ollama.js';
import { LlmCallFailure, LlmSetupError, type ChatRequest } from '../../lib/llm/types.js';
import {
  fakePromptTokens,
  fakeReplyTokens,
  startFakeOllama,
  type FakeOllama,
  type FakeOllamaOptions,
} from '../fixtures/fake-ollama.js';

const MODEL = 'qwen2.5:7b';
const fakes: FakeOllama[] = [];

async function fake(options: FakeOllamaOptions): Promise<FakeOllama> {
  const server = await startFakeOllama({ models: [MODEL], ...options });
  fakes.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}


const schema = {
  type: 'object',
  properties: { blocks: { type: 'array', items: { type: 'string' } } },
  required: ['blocks'],
};

const request: ChatRequest = {
  model: MODEL,
  messages: [
    { role: 'system', content: 'You design tiny networks.' },
    { role: 'user', content: 'Propose a candidate as JSON.' },
  ],
  format: schema,
  options: { temperature: 0.7, min_p: 0.05, seed: 42, num_ctx: 8192 },
};

const quick = { timeoutMs: 5_000, retries: 3, backoffMs: 5 };

describe('ollamaClient against a fake Ollama', () => {
  it('returns the reply with its token counts, and sends format, options and messages as given', async () => {
    const reply = '{"blocks":["conv3x3","mbconv"]}';
    const server = await fake({ script: [{ reply }] });
    const client = ollamaClient({ host: server.host, ...quick });
    expect(client.name).toBe(`ollama@${server.host}`);

    const response = await client.chat(request);
    expect(response.content).toBe(reply);
    expect(response.promptTokens).toBe(fakePromptTokens(request.messages));
    expect(response.replyTokens).toBe(fakeReplyTokens(reply));
    expect(response.attempts).toBe(1);
    expect(response.durationMs).toBeGreaterThanOrEqual(0);

    expect(server.chats).toEqual([
      { model: MODEL, messages: request.messages, format: schema, options: request.options, stream: false },
    ]);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/chat']);
  });

  it('sends no format and no options for a free-text request', async () => {
    const server = await fake({ script: [{ reply: 'Because depthwise convolutions are cheap.' }] });
    const client = ollamaClient({ host: server.host, ...quick });
    const response = await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'Why?' }] });
    expect(response.content).toBe('Because depthwise convolutions are cheap.');
    expect(server.chats[0]).toEqual({ model: MODEL, messages: [{ role: 'user', content: 'Why?' }], stream: false });
  });

  it('aborts a reply slower than timeoutMs and succeeds on the retry', async () => {
    const server = await fake({ script: [{ delayMs: 3_000, reply: 'too late' }, { reply: 'ok' }] });
    const client = ollamaClient({ host: server.host, timeoutMs: 150, retries: 2, backoffMs: 5 });
    const response = await client.chat(request);
    expect(response.content).toBe('ok');
    expect(response.attempts).toBe(2);
    expect(server.chats).toHaveLength(2);
    // The abort really closed the first HTTP request: the server saw the connection go.
    await expect.poll(() => server.cancelled).toBe(1);
  });

  it('retries after an HTTP 500', async () => {
    const server = await fake({ script: [{ status: 500, error: 'llama runner process has terminated' }, { reply: 'ok' }] });
    const response = await ollamaClient({ host: server.host, ...quick }).chat(request);
    expect(response).toMatchObject({ content: 'ok', attempts: 2 });
  });

  it('retries after a dropped connection', async () => {
    const server = await fake({ script: [{ drop: true }, { drop: true }, { reply: 'ok' }] });
    const response = await ollamaClient({ host: server.host, ...quick }).chat(request);
    expect(response).toMatchObject({ content: 'ok', attempts: 3 });
    expect(server.chats).toHaveLength(3);
  });

  it('throws LlmCallFailure with the attempt count when every attempt fails, backing off in between', async () => {
    const server = await fake({ script: () => ({ status: 503, error: 'server busy' }) });
    const client = ollamaClient({ host: server.host, timeoutMs: 1_000, retries: 2, backoffMs: 20 });
    const started = performance.now();
    const error = await failure(client.chat(request));
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(LlmCallFailure);
    expect((error as LlmCallFailure).attempts).toBe(3);
    expect(error.message).toMatch(/failed after 3 attempts/);
    expect(error.message).toMatch(/HTTP 503: server busy/);
    expect(server.chats).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(20 + 40 - 5); // 20 ms, then 40 ms of backoff
  });

  it('names each kind of failure when they differ from attempt to attempt', async () => {
    const server = await fake({
      script: [{ status: 500, error: 'boom' }, { drop: true }, { delayMs: 2_000, reply: 'late' }],
    });
    const client = ollamaClient({ host: server.host, timeoutMs: 100, retries: 2, backoffMs: 1 });
    const error = await failure(client.chat(request));
    expect(error).toBeInstanceOf(LlmCallFailure);
    expect((error as LlmCallFailure).attempts).toBe(3);
    expect(error.message).toMatch(/attempt 1: HTTP 500: boom/);
    expect(error.message).toMatch(/attempt 2: connection failed/);
    expect(error.message).toMatch(/attempt 3: no reply within 100 ms/);
  });

  it('does not retry a 4xx other than 404 (e.g. an invalid format)', async () => {
    const server = await fake({ script: [{ status: 400, error: 'invalid JSON schema in format' }, { reply: 'ok' }] });
    const error = await failure(ollamaClient({ host: server.host, ...quick }).chat(request));
    expect(error).toBeInstanceOf(LlmCallFailure);
    expect((error as LlmCallFailure).attempts).toBe(1);
    expect(error.message).toMatch(/HTTP 400: invalid JSON schema/);
    expect(server.chats).toHaveLength(1);
  });

  it('throws LlmSetupError telling to `ollama pull` for an unknown model, without retrying', async () => {
    const server = await fake({ script: [{ reply: 'never' }] });
    const client = ollamaClient({ host: server.host, ...quick });
    const error = await failure(client.chat({ ...request, model: 'llama9:70b' }));
    expect(error).toBeInstanceOf(LlmSetupError);
    expect(error.message).toBe(
      `model llama9:70b is not pulled in the Ollama at ${server.host}: run \`ollama pull llama9:70b\``,
    );
    expect(server.chats).toHaveLength(1);
  });

  it('fails with LlmCallFailure after its retries when nothing listens', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const error = await failure(ollamaClient({ host, timeoutMs: 1_000, retries: 1, backoffMs: 1 }).chat(request));
    expect(error).toBeInstanceOf(LlmCallFailure);
    expect((error as LlmCallFailure).attempts).toBe(2);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('uses the fetch it is given', async () => {
    const server = await fake({ script: [{ reply: 'ok' }] });
    const urls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    await ollamaClient({ host: server.host, ...quick, fetch: counting }).chat(request);
    expect(urls).toEqual([`${server.host}/api/chat`]);
  });

  it('leaves no timer behind after a call', async () => {
    const server = await fake({ script: () => ({ reply: 'ok' }) });
    const client = ollamaClient({ host: server.host, timeoutMs: 60_000 });
    await client.chat(request); // warm up (keep-alive sockets, undici's own timers)
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await client.chat(request);
    await client.check(MODEL);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  const built = fileURLToPath(new URL('../../dist/llm/ollama.js', import.meta.url));
  it.skipIf(!existsSync(built))('does not keep the process alive after a call (built client, in a child process)', async () => {
    const server = await fake({ script: () => ({ reply: 'ok' }) });
    const program = `
      const { ollamaClient } = await import(${JSON.stringify(built)});
      const client = ollamaClient({ host: ${JSON.stringify(server.host)}, timeoutMs: 60000 });
      const r = await client.chat({ model: ${JSON.stringify(MODEL)}, messages: [{ role: 'user', content: 'hi' }] });
      await client.check(${JSON.stringify(MODEL)});
      console.log(r.content);`;
    // With a live 60 s timer the child would outlive the 20 s kill timeout.
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', program], { timeout: 20_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(output.trim()).toBe('ok');
  });

  it('takes its host from OLLAMA_HOST by default', () => {
    const saved = process.env['OLLAMA_HOST'];
    try {
      process.env['OLLAMA_HOST'] = 'http://10.0.0.7:11434';
      expect(ollamaClient().name).toBe('ollama@http://10.0.0.7:11434');
      delete process.env['OLLAMA_HOST'];
      expect(ollamaClient().name).toBe('ollama@http://127.0.0.1:11434');
    } finally {
      if (saved === undefined) delete process.env['OLLAMA_HOST'];
      else process.env['OLLAMA_HOST'] = saved;
    }
  });
});

describe('ollamaClient.check', () => {
  it('passes for a pulled model, also named without its :latest tag', async () => {
    const server = await fake({ models: [MODEL, 'llama3.2'] });
    const client = ollamaClient({ host: server.host, ...quick });
    await expect(client.check(MODEL)).resolves.toBeUndefined();
    await expect(client.check('llama3.2')).resolves.toBeUndefined();
    await expect(client.check('llama3.2:latest')).resolves.toBeUndefined();
  });

  it('throws LlmSetupError telling to `ollama pull` for a model that is not pulled', async () => {
    const server = await fake({});
    const error = await failure(ollamaClient({ host: server.host, ...quick }).check('phi4'));
    expect(error).toBeInstanceOf(LlmSetupError);
    expect(error.message).toBe(`model phi4 is not pulled in the Ollama at ${server.host}: run \`ollama pull phi4\``);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/tags', 'POST /api/show']);
  });

  it('throws LlmSetupError telling to `ollama serve` when nothing listens', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const error = await failure(ollamaClient({ host, ...quick }).check(MODEL));
    expect(error).toBeInstanceOf(LlmSetupError);
    expect(error.message).toBe(
      `Ollama is not reachable at ${host}: start it with \`ollama serve\` (or set --ollama-host / OLLAMA_HOST)`,
    );
  });
});

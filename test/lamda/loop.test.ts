import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphTotals } from '../../lib/cost/estimate.js';
import { buildZooModel } from '../../lib/graph/zoo/index.js';
import { ollamaClient } from '../../lib/llm/ollama.js';
import { graphsEqual, parseGraph, serializeGraph, serializeNodeLines } from '../../lib/lamda/dsl.js';
import type { Generator, RoundView } from '../../lib/lamda/generator.js';
import { generatorComparison } from '../../lib/lamda/ablate.js';
import { generatorsTable } from '../../lib/report/lamda-tables.js';
import { runLamdaLoop } from '../../lib/lamda/loop.js';
import { ordinal } from '../../lib/lamda/refine.js';
import { MAX_REPLY_CHARS, ollamaGenerator, sliceCorrections } from '../../lib/lamda/ollama-generator.js';
import { operatorsOf, sliceOptimalFast } from '../../lib/lamda/slice.js';
import { tokenCounter } from '../../lib/lamda/tokens.js';
import { scaleWidth } from '../../lib/lamda/transform.js';
import { widthSearchGenerator } from '../../lib/lamda/width-search.js';
import type { FakeOllama } from '../fixtures/fake-ollama.js';
import { startFakeOllama } from '../fixtures/fake-ollama.js';
import { MACS_ESTIMATOR, TINY } from './fixtures.js';

/** TINY with 8 conv channels: 16*16*8*27 + 8*10 = 55,376 MACs, so 0.055376 ms by the MAC estimator. */
const TINY8 = TINY.replace('out=16', 'out=8').replace('cin=16', 'cin=8');

function scripted(texts: string[]): Generator & { seen: RoundView[][] } {
  const seen: RoundView[][] = [];
  return {
    name: 'scripted',
    seen,
    async generate(_task, history) {
      seen.push([...history]);
      return { text: texts[history.length] as string };
    },
  };
}

describe('the closed loop', () => {
  it('feeds each defect back until the model is valid and meets the target, then measures it for real', async () => {
    const gen = scripted([TINY8.replace('cin=8 out=10', 'cin=16 out=10'), TINY8.replace('out=10', 'out=20'), TINY, TINY8, TINY]);
    const rounds: number[] = [];
    const result = await runLamdaLoop(parseGraph(TINY), {
      generator: gen,
      estimator: MACS_ESTIMATOR,
      requirements: { targetMs: 0.06, classes: 10 },
      measure: { runs: 5, warmup: 1 },
      onRound: (r) => rounds.push(r.round),
    });
    expect(rounds).toEqual([1, 2, 3, 4]);
    expect(result.rounds.map((r) => r.defects.map((d) => d.kind))).toEqual([['syntax'], ['task'], ['requirement'], []]);
    expect(result.rounds[0]?.refinement).toContain('modify its cin from "16" to "8"');
    expect(result.rounds[2]?.feedback[0]).toBe('Requirement Error: The latency target (at most) is "0.06 ms", but the predicted latency is "0.11 ms".');
    // The generator saw every earlier round with its defects.
    expect(gen.seen.map((h) => h.length)).toEqual([0, 1, 2, 3]);
    expect(gen.seen[3]?.[2]?.predictedMs).toBeCloseTo(0.110752, 9);
    expect(result.chosenRound).toBe(4);
    expect(result.met).toBe(true);
    const f = result.final!;
    expect(f.predictedMs).toBeCloseTo(0.055376, 9);
    expect(f.macs).toBe(55_376);
    expect(f.measuredMs).toBeGreaterThan(0);
    expect(f.ape).toBeCloseTo(Math.abs(f.measuredMs! - 0.06) / 0.06, 12);
    expect(f.predictionError).toBeCloseTo(Math.abs(0.055376 - f.measuredMs!) / f.measuredMs!, 12);
    expect(result.success).toBe(f.ape <= 0.3);
  });

  it('stops after K rounds and keeps the valid model closest to the target', async () => {
    const result = await runLamdaLoop(parseGraph(TINY), { generator: scripted([TINY, 'not a model', TINY8]), estimator: MACS_ESTIMATOR, requirements: { targetMs: 0.2, classes: 10 }, maxRounds: 3, measure: false });
    expect(result.rounds).toHaveLength(3);
    expect(result.met).toBe(false);
    expect(result.rounds[1]?.defects[0]).toMatchObject({ kind: 'syntax', line: 1 });
    // Both valid rounds are under 0.2 ms (too small); 0.110752 is the closer one.
    expect(result.chosenRound).toBe(1);
    expect(result.final?.ape).toBeCloseTo((0.2 - 0.110752) / 0.2, 9);
    expect(result.success).toBe(false); // 44.6% from the target: outside section 5.1's 30%
  });

  it('chooses within the hard MAC limit first, then the latency closest to the target both ways', async () => {
    // TINY: 0.110752 ms, 110,752 MACs; TINY8: 0.055376 ms, 55,376 MACs.
    const limited = await runLamdaLoop(parseGraph(TINY), { generator: scripted([TINY, TINY8]), estimator: MACS_ESTIMATOR, requirements: { targetMs: 0.12, classes: 10, maxMacs: 100_000 }, maxRounds: 2, measure: false });
    expect(limited.rounds.map((r) => r.defects.map((d) => d.kind === 'requirement' && d.requirement))).toEqual([['MACs'], ['latency']]);
    expect(limited.chosenRound).toBe(2);
    // Target 0.1 ms: TINY is 0.0108 over, TINY8 0.0446 under; the closer one is the result.
    const twoSided = await runLamdaLoop(parseGraph(TINY), { generator: scripted([TINY8, TINY]), estimator: MACS_ESTIMATOR, requirements: { targetMs: 0.1, classes: 10 }, maxRounds: 2, measure: false });
    expect(twoSided.chosenRound).toBe(2);
    expect(twoSided.final?.ape).toBeCloseTo(0.10752, 9);
  });

  it('has no model to show when no round is valid', async () => {
    const result = await runLamdaLoop(parseGraph(TINY), { generator: scripted(['x', 'y']), estimator: MACS_ESTIMATOR, requirements: { targetMs: 0.1, classes: 10 }, maxRounds: 2, measure: false });
    expect(result.final).toBeUndefined();
    expect(result.success).toBe(false);
  });
});

describe('sliceCorrections', () => {
  it('routes a syntax error to its slice (local line and ordinal), a task error to the last, a requirement to all by share', () => {
    const parts = ['graph g input t0:1x3x8x8\nt1 = Relu(t0)', 't2 = Relu(t1)\nt3 = Relu(t2)\nt4 = Relu(t3)', 't5 = Relu(t4)\noutput t5'];
    const syntax = { kind: 'syntax' as const, line: 4, ordinal: 3, parameter: 'op', found: 'x', expected: 'y', description: 'd' };
    const task = { kind: 'task' as const, parameter: 'output size' as const, current: 20, expected: 10, headAttribute: 'out' };
    const req = { kind: 'requirement' as const, requirement: 'latency' as const, direction: 'over' as const, required: 10, actual: 20, metric: 'predicted latency', unit: 'ms' as const };
    const work = sliceCorrections([syntax, task, req], parts, [0.5, 0.3, 0.2]);
    // Line 4 of the joined text is the second line of slice 2: its 2nd operation.
    expect(work.get(1)?.[0]).toMatchObject({ kind: 'syntax', line: 2, ordinal: 2 });
    expect(work.get(2)?.map((d) => d.kind)).toEqual(['task', 'requirement']);
    expect(work.get(0)?.[0]).toMatchObject({ kind: 'requirement', required: 5, actual: 10 });
    expect(work.get(2)?.[1]).toMatchObject({ required: 2, actual: 4 });
    // A syntax error on slice 1's header line counts as its operation 0.
    expect(sliceCorrections([{ ...syntax, line: 1 }], parts, [1, 0, 0]).get(0)?.[0]).toMatchObject({ line: 1, ordinal: 0 });
  });
});

describe('width-search', () => {
  const base = buildZooModel('mobilenet_v2');
  const basePredicted = graphTotals(base).macs / 1e6;
  const targetMs = basePredicted * 0.3;

  it('bisects the width until the prediction lands in the band under the target', async () => {
    const result = await runLamdaLoop(base, { generator: widthSearchGenerator(), estimator: MACS_ESTIMATOR, requirements: { targetMs, classes: 1000 }, maxRounds: 12, measure: false });
    expect(result.met).toBe(true);
    const widths = result.rounds.map((r) => r.meta?.width as number);
    expect(widths[0]).toBeCloseTo(Math.sqrt(0.3), 6); // the quadratic MAC rule
    // Each later width is the middle of the bracket the earlier predictions set.
    for (let k = 1; k < widths.length; k++) {
      const earlier = result.rounds.slice(0, k);
      const lo = Math.max(0.05, ...earlier.filter((r) => (r.predictedMs as number) <= targetMs).map((r) => r.meta?.width as number));
      const hi = Math.min(1, ...earlier.filter((r) => (r.predictedMs as number) > targetMs).map((r) => r.meta?.width as number));
      expect(widths[k]).toBeCloseTo((lo + hi) / 2, 6);
    }
    const last = result.rounds[result.rounds.length - 1]!;
    const expected = scaleWidth(base, last.meta?.width as number, { divisor: 8, minChannels: 8 });
    expect(result.final?.macs).toBe(graphTotals(expected).macs);
    expect(result.final!.predictedMs).toBeLessThanOrEqual(targetMs);
    expect(result.final!.predictedMs).toBeGreaterThanOrEqual(targetMs * 0.9);
  });

  it('stops once the bracket has closed: a target above the base model', async () => {
    const result = await runLamdaLoop(base, { generator: widthSearchGenerator(), estimator: MACS_ESTIMATOR, requirements: { targetMs: basePredicted * 2, classes: 1000 }, maxRounds: 8, measure: false });
    expect(result.rounds.map((r) => r.meta?.width)).toEqual([1, 1]);
    expect(result.met).toBe(false);
  });

  it('takes its first guess when latency is not verified (the Fig. 8 ablation)', async () => {
    const result = await runLamdaLoop(base, { generator: widthSearchGenerator(), estimator: MACS_ESTIMATOR, requirements: { targetMs, classes: 1000 }, verifyLatency: false, measure: false });
    expect(result.rounds).toHaveLength(1);
    expect(result.final?.macs).toBe(graphTotals(scaleWidth(base, Math.sqrt(0.3), { divisor: 8, minChannels: 8 })).macs);
  });
});

describe('the Ollama generator (scripted Ollama-protocol server, real client)', () => {
  let fake: FakeOllama;
  beforeAll(async () => {
    fake = await startFakeOllama({ models: ['qwen2.5:14b'] });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('sends the model and constraints, then the Table 2 correction with the chat log', async () => {
    const broken = TINY8.replace('cin=8 out=10', 'cin=16 out=10');
    fake.setScript([{ reply: `Here is a faster model:\n\`\`\`\n${broken}\n\`\`\`` }, { reply: TINY8 }]);
    const generator = ollamaGenerator({ client: ollamaClient({ host: fake.host, retries: 0 }), model: 'qwen2.5:14b', options: { temperature: 0, seed: 1 } });
    const result = await runLamdaLoop(parseGraph(TINY), { generator, estimator: MACS_ESTIMATOR, requirements: { targetMs: 0.06, classes: 10 }, measure: false });
    expect(result.rounds.map((r) => r.defects.length)).toEqual([1, 0]);
    expect(fake.chats).toHaveLength(2);
    const first = fake.chats[0]!.messages;
    expect(first[1]?.content).toContain('Target: inference latency at most 0.06 ms');
    expect(first[1]?.content).toContain(TINY);
    const second = fake.chats[1]!.messages;
    expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(second[2]?.content).toBe(broken);
    expect(second[3]?.content).toContain('Locate the "5th" operation in the "history" and modify its cin from "16" to "8".');
    expect(fake.chats[1]?.options).toMatchObject({ temperature: 0, seed: 1 });
    // A small model's chat fits Ollama's smallest usual window.
    expect(fake.chats[1]?.options?.num_ctx).toBe(2048);
    expect(result.rounds[0]?.calls?.[0]).toMatchObject({ purpose: 'generation', model: 'qwen2.5:14b' });
    expect(result.final?.predictedMs).toBeCloseTo(0.055376, 9);
  });

  it('refuses a prompt longer than the model\'s context instead of letting Ollama cut it', async () => {
    const small = await startFakeOllama({ models: ['qwen2.5:14b'], contextLength: 4096, script: [{ reply: 'never sent' }] });
    try {
      expect(await ollamaClient({ host: small.host }).contextLength?.('qwen2.5:14b')).toBe(4096);
      const generator = ollamaGenerator({ client: ollamaClient({ host: small.host, retries: 0 }), model: 'qwen2.5:14b' });
      const result = await runLamdaLoop(buildZooModel('googlenet'), { generator, estimator: MACS_ESTIMATOR, requirements: { targetMs: 1, classes: 1000 }, maxRounds: 4, measure: false });
      expect(small.chats).toHaveLength(0);
      expect(result.rounds).toHaveLength(2);
      expect(result.rounds[0]?.error).toMatch(/holds 4096 tokens of context, and this prompt with its reply needs about \d+: slice the model \(--max-tokens\)/);
      // Sliced within 1,500 tokens, every slice's chat fits: the server gets one chat per slice.
      small.setScript(() => ({ reply: 'no lines' }));
      const sliced = await runLamdaLoop(buildZooModel('googlenet'), { generator, estimator: MACS_ESTIMATOR, requirements: { targetMs: 1, classes: 1000 }, slicing: { strategy: 'dp', maxTokens: 1500, tokenizer: 'qwen2.5' }, maxRounds: 1, measure: false });
      expect(small.chats).toHaveLength(1);
      expect(sliced.rounds[0]?.error).toMatch(/the reply for slice 1 of \d+ holds no operator lines/);
    } finally {
      await small.close();
    }
  });

  it('records a failed LLM call as a round that is not fed back, and stops after two in a row', async () => {
    const generator = ollamaGenerator({ client: ollamaClient({ host: fake.host, retries: 0 }), model: 'qwen2.5:14b' });
    fake.setScript([{ status: 500, error: 'out of memory' }, { reply: TINY8 }]);
    let before = fake.chats.length;
    const recovered = await runLamdaLoop(parseGraph(TINY), { generator, estimator: MACS_ESTIMATOR, requirements: { targetMs: 0.06, classes: 10 }, measure: false });
    expect(recovered.rounds.map((r) => [r.round, r.error !== undefined, r.met])).toEqual([[1, true, false], [2, false, true]]);
    expect(recovered.rounds[0]?.error).toMatch(/out of memory/);
    expect(recovered.rounds[0]?.calls?.[0]?.error).toMatch(/out of memory/);
    // Round 2 is a first attempt again: no chat log, no correction.
    expect(fake.chats[before + 1]?.messages).toHaveLength(2);
    fake.setScript([{ status: 500, error: 'boom' }, { status: 500, error: 'boom' }, { reply: TINY8 }]);
    before = fake.chats.length;
    const stopped = await runLamdaLoop(parseGraph(TINY), { generator, estimator: MACS_ESTIMATOR, requirements: { targetMs: 0.06, classes: 10 }, maxRounds: 5, measure: false });
    expect(stopped.rounds).toHaveLength(2);
    expect(fake.chats.length - before).toBe(2);
    expect(stopped.final).toBeUndefined();
  });

  it('a failed call records its real duration; a reply past MAX_REPLY_CHARS is recorded cut and not parsed', async () => {
    const generator = ollamaGenerator({ client: ollamaClient({ host: fake.host, retries: 0 }), model: 'qwen2.5:14b' });
    fake.setScript([{ status: 500, error: 'slow boom', delayMs: 300 }, { reply: `${TINY8}\n${'#'.repeat(MAX_REPLY_CHARS)}` }]);
    const result = await runLamdaLoop(parseGraph(TINY), { generator, estimator: MACS_ESTIMATOR, requirements: { targetMs: 0.06, classes: 10 }, measure: false });
    const [failed, huge] = result.rounds.map((r) => r.calls?.[0]);
    expect(failed?.error).toMatch(/slow boom/);
    expect(failed?.durationMs).toBeGreaterThanOrEqual(300);
    expect(result.rounds[1]?.error).toMatch(new RegExp(`the reply has ${TINY8.length + 1 + MAX_REPLY_CHARS} characters, over the ${MAX_REPLY_CHARS}`));
    expect((huge?.reply as string).length).toBe(MAX_REPLY_CHARS);
    expect((huge as { replyChars?: number }).replyChars).toBe(TINY8.length + 1 + MAX_REPLY_CHARS);
  });

  it('compares width-search with an LLM on the same base measurement and targets', async () => {
    const base = buildZooModel('mobilenet_v3_small');
    const half = scaleWidth(base, 0.5, { divisor: 8, minChannels: 8 });
    fake.setScript(() => ({ reply: serializeGraph(half) }));
    const llm = () => ollamaGenerator({ client: ollamaClient({ host: fake.host, retries: 0 }), model: 'qwen2.5:14b' });
    const comparison = await generatorComparison({ models: [base], generators: [() => widthSearchGenerator(), llm], estimator: MACS_ESTIMATOR, targets: 2, maxRounds: 2, measure: { runs: 2, warmup: 1 } });
    const { evaluations } = comparison;
    const table = generatorsTable(comparison);
    expect(evaluations.map((e) => e.generator)).toEqual(['width-search', 'ollama:qwen2.5:14b']);
    expect(evaluations[1]!.targetsMs).toEqual(evaluations[0]!.targetsMs);
    expect(evaluations[1]!.baseMeasuredMs).toBe(evaluations[0]!.baseMeasuredMs);
    // The LLM's every reply is the half-width model, so that is what each of its runs ends with.
    for (const r of evaluations[1]!.results) expect(r.final?.macs).toBe(graphTotals(half).macs);
    expect(table.rows.map((row) => row[0])).toEqual(['width-search', 'ollama:qwen2.5:14b']);
  });

  it('sends a model too long for the context in slices and reassembles the replies', async () => {
    const base = buildZooModel('resnet18');
    const plan = { strategy: 'dp' as const, maxTokens: 1500, tokenizer: 'chars' as const };
    // The server echoes each slice back inside prose and a code fence, and ends inner slices with a
    // stray `output` line (the rules of a whole model): only the slice's own lines may be kept.
    fake.setScript((req) => {
      const slice = String(req.messages[1]?.content).split('Slice:\n')[1]!.split('\nReply with')[0]!;
      const stray = slice.includes('\noutput ') ? '' : '\noutput t999';
      return { reply: `Here is the slice:\n\`\`\`\n${slice}${stray}\n\`\`\`\nIt is faster now.` };
    });
    const before = fake.chats.length;
    const generator = ollamaGenerator({ client: ollamaClient({ host: fake.host, retries: 0 }), model: 'qwen2.5:14b' });
    const result = await runLamdaLoop(base, { generator, estimator: MACS_ESTIMATOR, requirements: { targetMs: 1e9, classes: 1000, band: 0.99999999 }, slicing: plan, maxRounds: 1, measure: false });
    const count = tokenCounter('chars');
    const ops = operatorsOf(base, serializeNodeLines(base), count);
    const slices = sliceOptimalFast(ops.tokens, ops.edges, 1500, ops).slices.length;
    expect(slices).toBeGreaterThan(2);
    expect(fake.chats.length - before).toBe(slices);
    expect(result.rounds[0]?.meta).toMatchObject({ slices });
    expect(graphsEqual(parseGraph(result.rounds[0]!.text), parseGraph(serializeGraph(base)))).toBe(true);
  });

  it('sends a correction back with the one slice the error lies in, counted within that slice', async () => {
    const base = buildZooModel('googlenet');
    const plan = { strategy: 'dp' as const, maxTokens: 1500, tokenizer: 'qwen2.5' as const };
    const sliceOfPrompt = (content: unknown) => String(content).split('Slice:\n')[1]!.split('\nReply with')[0]!;
    let corrupted = '';
    fake.setScript((req) => {
      const slice = sliceOfPrompt(req.messages[1]?.content);
      if (req.messages.length === 4) return { reply: slice }; // the correction: the slice as it was
      if (String(req.messages[1]?.content).includes('This is slice 2 of')) {
        corrupted = slice.replace(/cin=\d+/, 'cin=7');
        return { reply: corrupted };
      }
      return { reply: slice };
    });
    const before = fake.chats.length;
    const generator = ollamaGenerator({ client: ollamaClient({ host: fake.host, retries: 0 }), model: 'qwen2.5:14b' });
    const result = await runLamdaLoop(base, { generator, estimator: MACS_ESTIMATOR, requirements: { targetMs: 1e9, classes: 1000, band: 0.99999999 }, slicing: plan, maxRounds: 2, measure: false });
    const slices = result.rounds[0]?.meta?.slices as number;
    expect(slices).toBeGreaterThan(2);
    expect(result.rounds[0]?.defects[0]).toMatchObject({ kind: 'syntax', parameter: 'cin', found: '7' });
    // Round 2 sent one chat: slice 2 with its reply and the correction, the ordinal counted within slice 2.
    const round2 = fake.chats.slice(before + slices);
    expect(round2).toHaveLength(1);
    expect(round2[0]?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(round2[0]?.messages[2]?.content).toBe(corrupted);
    const localLine = corrupted.split('\n').findIndex((l) => l.includes('cin=7')) + 1;
    expect(round2[0]?.messages[3]?.content).toContain(`Locate the "${ordinal(localLine)}" operation in the "history" and modify its cin from "7" to`);
    expect(result.rounds[1]?.meta?.corrected).toEqual([2]);
    expect(result.met).toBe(true);
    expect(graphsEqual(parseGraph(result.rounds[1]!.text), parseGraph(serializeGraph(base)))).toBe(true);
  });

  it('asks for a context window that holds the whole prompt and a reply as long as the model text', async () => {
    const base = buildZooModel('googlenet');
    fake.setScript([{ reply: 'no model' }]);
    const before = fake.chats.length;
    const generator = ollamaGenerator({ client: ollamaClient({ host: fake.host, retries: 0 }), model: 'qwen2.5:14b' });
    await runLamdaLoop(base, { generator, estimator: MACS_ESTIMATOR, requirements: { targetMs: 1, classes: 1000 }, maxRounds: 1, measure: false });
    const chat = fake.chats[before]!;
    const count = tokenCounter('qwen2.5');
    const modelTokens = count(serializeGraph(base)); // 6,286 for GoogLeNet
    const promptTokens = chat.messages.reduce((sum, m) => sum + count(m.content), 0);
    const numCtx = chat.options?.num_ctx as number;
    expect(numCtx % 1024).toBe(0);
    expect(numCtx).toBeGreaterThanOrEqual(promptTokens + modelTokens);
    expect(numCtx).toBeLessThan(promptTokens + modelTokens + 2048);
  });
});

import { nodeCost } from '../cost/layer-costs.js';
import type { Graph } from '../graph/types.js';
import type { ChatMessage, ChatOptions, LlmCallRecord, LlmClient } from '../llm/types.js';
import { LlmCallFailure, recordedAnswer, recordedFailure } from '../llm/types.js';
import { SYNTAX_RULES } from './dataset.js';
import { serializeGraph, serializeNodeLines } from './dsl.js';
import type { GenerationTask, Generator } from './generator.js';
import { GenerationFailure } from './generator.js';
import { sliceTexts } from './reassemble.js';
import { classificationTask, refinementPrompt } from './refine.js';
import type { Slicing } from './slice.js';
import { operatorsOf, sliceBy } from './slice.js';
import { tokenCounter } from './tokens.js';
import type { Defect } from './verify.js';
import { extractModelText } from './verify.js';

export interface OllamaGeneratorOptions {
  client: LlmClient;
  model: string;
  options?: ChatOptions;
}

const SYSTEM_PROMPT = [
  'You are LAMDA, a generator of deep neural network architectures for edge devices.',
  'You receive a base model in a line-oriented text format and rewrite it so that it meets a latency target on the given device, keeping it as accurate as possible.',
  'Change widths (out), kernels (k), strides, the number of blocks or the operators; keep the input shape and the classifier output.',
  'Syntax rules:',
  ...SYNTAX_RULES,
].join('\n');

function sliceOf(task: GenerationTask, text: string): { slicing: Slicing; texts: string[] } | undefined {
  const plan = task.slicing;
  if (!plan || plan.strategy === 'none') return undefined;
  const count = tokenCounter(plan.tokenizer);
  if (count(text) <= plan.maxTokens) return undefined;
  const ops = operatorsOf(task.base, serializeNodeLines(task.base), count);
  const slicing = sliceBy(plan.strategy, ops, plan.maxTokens);
  return { slicing, texts: sliceTexts(task.base, slicing) };
}

/** Each slice's share of the base model's MACs (how its part of the latency budget is set). */
function macShares(base: Graph, slicing: Slicing): number[] {
  const macs = base.nodes.map((n) => nodeCost(n, base).macs);
  const total = macs.reduce((a, b) => a + b, 0) || 1;
  return slicing.slices.map((s) => macs.slice(s.start, s.end).reduce((a, b) => a + b, 0) / total);
}

const SLICE_SYSTEM_PROMPT = [
  'You are LAMDA, a generator of deep neural network architectures for edge devices.',
  'A base model in a line-oriented text format is too long for one message, so you receive it one slice (a run of operator lines) at a time.',
  'Rewrite the slice so that it meets its share of the latency budget: change widths (out), kernels (k), strides or the operators.',
  'Reply with the lines of this slice only, in the same format: `ID = Op(INPUT_IDS) attr=value ... | block=LABEL`, one operator a line.',
  'Keep the ids of the tensors that come from earlier slices and of those that later slices read, and keep their channel counts unless told otherwise.',
  'Only the first slice has the `graph ...` header line and only the last has the `output ...` line; keep them as they are.',
].join('\n');

/** The lines of one slice in a reply: operator lines, plus the header for the first slice and the output line for the last. */
export function extractSliceLines(reply: string, position: { first: boolean; last: boolean }): string {
  return reply
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((line) => /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*[A-Za-z]+\(/.test(line) || (position.first && /^\s*graph\s/.test(line)) || (position.last && /^\s*output\s/.test(line) && !/^\s*output\s*=/.test(line)))
    .join('\n');
}

/** Ids a slice reads from earlier slices, and ids it defines that later slices (or the output) read. */
function sliceInterface(texts: readonly string[], k: number): { reads: string[]; feeds: string[] } {
  const defined = (t: string) => [...t.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)].map((m) => m[1] as string);
  const used = (t: string) => new Set([...t.matchAll(/\(([^)]*)\)/g)].flatMap((m) => (m[1] as string).split(',').map((x) => x.trim())).concat([...t.matchAll(/^\s*output\s+(.*)$/gm)].flatMap((m) => (m[1] as string).split(',').map((x) => x.trim()))));
  const mine = new Set(defined(texts[k] as string));
  const header = /^\s*graph\s+\S+\s+input\s+([A-Za-z_][A-Za-z0-9_]*)/m.exec(texts[0] as string)?.[1];
  if (k === 0 && header) mine.add(header);
  const later = new Set(texts.slice(k + 1).flatMap((t) => [...used(t)]));
  return { reads: [...used(texts[k] as string)].filter((id) => id && !mine.has(id)), feeds: [...mine].filter((id) => later.has(id)) };
}

/**
 * Which slices a round's defects send back, each with its defects in the slice's own terms: a
 * syntax error goes to the slice holding its line (line and ordinal counted within the slice), a
 * task error to the last slice, a requirement to every slice with its share of the numbers.
 */
export function sliceCorrections(defects: readonly Defect[], parts: readonly string[], shares: readonly number[]): Map<number, Defect[]> {
  const work = new Map<number, Defect[]>();
  const add = (k: number, d: Defect) => work.set(k, [...(work.get(k) ?? []), d]);
  const starts: number[] = [];
  let line = 1;
  for (const part of parts) {
    starts.push(line);
    line += part.split('\n').length;
  }
  for (const d of defects) {
    if (d.kind === 'syntax') {
      let k = parts.length - 1;
      while (k > 0 && (starts[k] as number) > d.line) k--;
      const local = d.line - (starts[k] as number) + 1;
      add(k, { ...d, line: local, ordinal: k === 0 ? Math.max(0, local - 1) : local });
    } else if (d.kind === 'task') add(parts.length - 1, d);
    else parts.forEach((_, k) => add(k, { ...d, required: d.required * (shares[k] ?? 0), actual: d.actual * (shares[k] ?? 0), metric: `${d.metric} of this slice (its share)` }));
  }
  return work;
}

function targetLine(task: GenerationTask, targetMs: number): string {
  const input = task.base.tensors[task.base.inputs[0] as number]?.shape.join('x');
  return `Target: inference latency at most ${targetMs.toFixed(2)} ms on ${task.device} (the base model is predicted at ${task.basePredictedMs.toFixed(2)} ms), input ${input}, ${task.requirements.classes} classes.`;
}

/**
 * An LLM through an Ollama-protocol server (`ollama:MODEL`). Round 1 sends the serialized base
 * model with the constraints, in slices when it does not fit the plan's context budget (each slice
 * gets its share of the latency budget by MACs; the replies are concatenated). Later rounds send
 * the Table 2 refinement prompt after the previous reply (the chat log).
 */
/**
 * A context window that holds the whole prompt and a reply as long as the longest message (the
 * model text), in Qwen2.5 tokens, rounded up to 1,024. Ollama's default window (2,048–4,096 tokens)
 * would silently cut a serialized model; `options.num_ctx` overrides this.
 */
export function contextFor(messages: readonly ChatMessage[]): number {
  const count = tokenCounter('qwen2.5');
  const sizes = messages.map((m) => count(m.content) + 4);
  const prompt = sizes.reduce((a, b) => a + b, 0);
  return Math.max(2048, Math.ceil((prompt + Math.max(...sizes) + 256) / 1024) * 1024);
}

/** Longest generator reply parsed or recorded whole (characters): about 80 times the LAMDA text of GoogLeNet (12,139). */
export const MAX_REPLY_CHARS = 1_000_000;

export function ollamaGenerator(o: OllamaGeneratorOptions): Generator {
  /** The model's context length, learnt in check(): Ollama would cut a longer prompt without a word. */
  let limit: number | undefined;
  const chat = async (messages: ChatMessage[], calls: LlmCallRecord[]): Promise<string> => {
    const record: LlmCallRecord = { model: o.model, options: o.options ?? {}, messages, format: false, reply: null, promptTokens: 0, replyTokens: 0, durationMs: 0, attempts: 0, purpose: 'generation' };
    const needed = contextFor(messages);
    if (limit !== undefined && needed > limit) {
      throw new GenerationFailure(`${o.model} holds ${limit} tokens of context, and this prompt with its reply needs about ${needed}: slice the model (--max-tokens) or use a model with a longer context`, calls);
    }
    calls.push(record);
    const options = { ...o.options, num_ctx: o.options?.num_ctx ?? needed };
    record.options = options;
    const started = performance.now();
    let reply: Awaited<ReturnType<typeof o.client.chat>>;
    try {
      reply = await o.client.chat({ model: o.model, messages, options });
    } catch (err) {
      if (!(err instanceof LlmCallFailure)) throw err;
      Object.assign(record, recordedFailure(err, started));
      throw new GenerationFailure(`${o.model}: ${err.message}`, calls);
    }
    Object.assign(record, recordedAnswer(reply, MAX_REPLY_CHARS));
    // Recorded cut, never parsed: a model text this long is no answer to the prompt.
    if (record.replyChars !== undefined) throw new GenerationFailure(`${o.model}: the reply has ${reply.content.length} characters, over the ${MAX_REPLY_CHARS} a generated model may have`, calls);
    return reply.content;
  };
  return {
    name: `ollama:${o.model}`,
    async check() {
      await o.client.check(o.model);
      limit = await o.client.contextLength?.(o.model);
    },
    async generate(task, history) {
      const calls: LlmCallRecord[] = [];
      const baseText = serializeGraph(task.base);
      const last = history[history.length - 1];
      const request = (text: string, targetMs: number, extra: string[] = []) => [targetLine(task, targetMs), ...extra, 'Base model:', text.trimEnd(), 'Reply with the rewritten model in the same text format, nothing else.'].join('\n');
      const sliced = sliceOf(task, baseText);
      const shares = sliced ? macShares(task.base, sliced.slicing) : [];
      const slicePrompt = (k: number): string => {
        const { texts, slicing } = sliced as NonNullable<typeof sliced>;
        const share = shares[k] ?? 0;
        const io = sliceInterface(texts, k);
        const slice = slicing.slices[k] as { start: number; end: number };
        return [
          `Device: ${task.device}. The whole model must run in at most ${task.requirements.targetMs.toFixed(2)} ms; it is predicted at ${task.basePredictedMs.toFixed(2)} ms now, so it must become ${(task.basePredictedMs / task.requirements.targetMs).toFixed(2)}x faster.`,
          `This is slice ${k + 1} of ${texts.length} (operators ${slice.start}..${slice.end - 1}), about ${(100 * share).toFixed(0)}% of the model's MACs: about ${(task.basePredictedMs * share).toFixed(2)} ms now, at most ${(task.requirements.targetMs * share).toFixed(2)} ms after your rewrite.`,
          ...(io.reads.length ? [`It reads ${io.reads.join(', ')} from earlier slices.`] : []),
          ...(io.feeds.length ? [`Later slices read ${io.feeds.join(', ')}: keep these ids.`] : []),
          ...(k === texts.length - 1 ? [`The last operator must keep ${task.requirements.classes} outputs (the classes).`] : []),
          'Slice:',
          (texts[k] as string).trimEnd(),
          'Reply with the rewritten lines of this slice only, nothing else.',
        ].join('\n');
      };
      const askSlice = async (k: number, messages: ChatMessage[]): Promise<string> => {
        const n = (sliced as NonNullable<typeof sliced>).texts.length;
        const reply = extractSliceLines(await chat(messages, calls), { first: k === 0, last: k === n - 1 });
        if (reply.trim() === '') throw new GenerationFailure(`${o.model}: the reply for slice ${k + 1} of ${n} holds no operator lines`, calls);
        return reply;
      };
      const lastParts = last?.meta?.parts;
      if (last && sliced && Array.isArray(lastParts) && lastParts.length === sliced.texts.length) {
        // Corrections stay within the window: each defect goes back with the slice it lies in only.
        const parts = [...(lastParts as string[])];
        const work = sliceCorrections(last.defects, parts, shares);
        for (const [k, defects] of work) {
          parts[k] = await askSlice(k, [
            { role: 'system', content: SLICE_SYSTEM_PROMPT },
            { role: 'user', content: slicePrompt(k) },
            { role: 'assistant', content: parts[k] as string },
            { role: 'user', content: refinementPrompt(defects, classificationTask(task.requirements.classes)) },
          ]);
        }
        return { text: parts.join('\n'), calls, meta: { slices: parts.length, cutEdges: sliced.slicing.cutEdges, parts, corrected: [...work.keys()].map((k) => k + 1) } };
      }
      if (last) {
        const messages: ChatMessage[] = [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: request(baseText, task.requirements.targetMs) },
          { role: 'assistant', content: last.text },
          { role: 'user', content: refinementPrompt(last.defects, classificationTask(task.requirements.classes)) },
        ];
        return { text: extractModelText(await chat(messages, calls)), calls, meta: { slices: 1 } };
      }
      if (!sliced) {
        const reply = await chat([{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: request(baseText, task.requirements.targetMs) }], calls);
        return { text: extractModelText(reply), calls, meta: { slices: 1 } };
      }
      const n = sliced.texts.length;
      const parts: string[] = [];
      for (let k = 0; k < n; k++) {
        parts.push(await askSlice(k, [{ role: 'system', content: SLICE_SYSTEM_PROMPT }, { role: 'user', content: slicePrompt(k) }]));
      }
      return { text: parts.join('\n'), calls, meta: { slices: n, cutEdges: sliced.slicing.cutEdges, parts } };
    },
  };
}

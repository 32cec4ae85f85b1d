import { nodeCost } from '../cost/layer-costs.js';
import type { Graph } from '../graph/types.js';
import type { ChatMessage, ChatOptions, LlmCallRecord, LlmClient } from '../llm/types.js';
import { LlmCallFailure } from '../llm/types.js';
import { SYNTAX_RULES } from './dataset.js';
import { serializeGraph, serializeNodeLines } from './dsl.js';
import type { GenerationTask, Generator } from './generator.js';
import { sliceTexts } from './reassemble.js';
import { classificationTask, refinementPrompt } from './refine.js';
import type { Slicing } from './slice.js';
import { operatorsOf, sliceNaive, sliceNone, sliceOptimalFast } from './slice.js';
import { tokenCounter } from './tokens.js';
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
  const slicing = plan.strategy === 'naive' ? sliceNaive(ops.tokens, ops.edges, plan.maxTokens, ops) : plan.strategy === 'dp' ? sliceOptimalFast(ops.tokens, ops.edges, plan.maxTokens, ops) : sliceNone(ops.tokens, ops.edges, ops);
  return { slicing, texts: sliceTexts(task.base, slicing) };
}

/** Each slice's share of the base model's MACs (how its part of the latency budget is set). */
function macShares(base: Graph, slicing: Slicing): number[] {
  const macs = base.nodes.map((n) => nodeCost(n, base).macs);
  const total = macs.reduce((a, b) => a + b, 0) || 1;
  return slicing.slices.map((s) => macs.slice(s.start, s.end).reduce((a, b) => a + b, 0) / total);
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

export function ollamaGenerator(o: OllamaGeneratorOptions): Generator {
  const chat = async (messages: ChatMessage[], calls: LlmCallRecord[]): Promise<string> => {
    const record: LlmCallRecord = { model: o.model, options: o.options ?? {}, messages, format: false, reply: null, promptTokens: 0, replyTokens: 0, durationMs: 0, attempts: 0, purpose: 'generation' };
    calls.push(record);
    const options = { ...o.options, num_ctx: o.options?.num_ctx ?? contextFor(messages) };
    record.options = options;
    try {
      const reply = await o.client.chat({ model: o.model, messages, options });
      Object.assign(record, { reply: reply.content, promptTokens: reply.promptTokens, replyTokens: reply.replyTokens, durationMs: reply.durationMs, attempts: reply.attempts });
      return reply.content;
    } catch (err) {
      if (!(err instanceof LlmCallFailure)) throw err;
      Object.assign(record, { error: err.message, attempts: err.attempts });
      return '';
    }
  };
  return {
    name: `ollama:${o.model}`,
    check: () => o.client.check(o.model),
    async generate(task, history) {
      const calls: LlmCallRecord[] = [];
      const baseText = serializeGraph(task.base);
      const last = history[history.length - 1];
      const request = (text: string, targetMs: number, extra: string[] = []) => [targetLine(task, targetMs), ...extra, 'Base model:', text.trimEnd(), 'Reply with the rewritten model in the same text format, nothing else.'].join('\n');
      if (last) {
        const messages: ChatMessage[] = [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: request(baseText, task.requirements.targetMs) },
          { role: 'assistant', content: last.text },
          { role: 'user', content: refinementPrompt(last.defects, classificationTask(task.requirements.classes)) },
        ];
        return { text: extractModelText(await chat(messages, calls)), calls, meta: { slices: 1 } };
      }
      const sliced = sliceOf(task, baseText);
      if (!sliced) {
        const reply = await chat([{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: request(baseText, task.requirements.targetMs) }], calls);
        return { text: extractModelText(reply), calls, meta: { slices: 1 } };
      }
      const shares = macShares(task.base, sliced.slicing);
      const parts: string[] = [];
      for (const [k, text] of sliced.texts.entries()) {
        const position = `This is slice ${k + 1} of ${sliced.texts.length} of the base model (operators ${sliced.slicing.slices[k]?.start}..${(sliced.slicing.slices[k]?.end ?? 1) - 1}); keep the tensor ids that other slices use, and rewrite only these lines.`;
        const reply = await chat([{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: request(text, task.requirements.targetMs * (shares[k] ?? 0), [position]) }], calls);
        parts.push(reply.replace(/^```\w*\n?|```\s*$/gm, '').trim());
      }
      return { text: parts.join('\n'), calls, meta: { slices: sliced.texts.length, cutEdges: sliced.slicing.cutEdges } };
    },
  };
}

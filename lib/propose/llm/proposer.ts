import { type LimitFields, runLimits } from '../../limits.js';
import { jsonDepth } from '../../json-bounded.js';
import { explanationPrompt, initialPrompt, PROMPT_VERSION } from './prompts.js';
import { describeChange, describeOutcome, paretoFeedback, type Attempt, type FrontSummary } from './feedback.js';
import type { ChatMessage, ChatOptions, LlmCallRecord, LlmClient } from '../../llm/types.js';
import { LlmCallFailure, recordedAnswer, recordedFailure } from '../../llm/types.js';
import { ParetoFront } from '../../pareto/front.js';
import type { Limit, Objective } from '../../pareto/objectives.js';
import type { SearchSpace } from '../../space/space.js';
import { candidateSchema } from '../../space/validate.js';
import type { Observation, Proposal, ProposalContext, Proposer } from '../types.js';

/** What the proposer reads of a campaign's configuration (a CampaignConfig has all of it). */
export interface LlmProposerConfig extends LimitFields {
  objectives: Objective[];
  limits: Limit[];
  /** How latencyMs is told in the prompt (predictor, cortex-m, measured, ...). */
  latencyModel?: string;
}

export interface LlmProposerOptions {
  space: SearchSpace;
  config: LlmProposerConfig;
  client: LlmClient;
  model: string;
  chatOptions: ChatOptions;
  /** Improvement attempts kept in the conversation (the sliding window). */
  window: number;
  /** Ask for an explanation of each candidate that joins the front. */
  explain: boolean;
}

export const LLM_DEFAULTS = { temperature: 1.5, min_p: 0.1, window: 5 } as const;

/**
 * Bounds of an LLM reply, checked before it is parsed or recorded: a longer reply is recorded cut
 * to maxChars (with its full length) and parsed as cut; a deeper one is refused as not a
 * candidate (a candidate nests 3 levels, {blocks: [{...}]}, or 4 inside candidate_config).
 */
export const LLM_REPLY_BOUNDS = { maxChars: 200_000, maxDepth: 32 } as const;

/**
 * Pulls a JSON object out of a reply: plain JSON, a fenced block, or JSON inside prose. A reply
 * past LLM_REPLY_BOUNDS (size, nesting depth) is refused before JSON.parse sees it.
 */
export function parseReply(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.length > LLM_REPLY_BOUNDS.maxChars) return { ok: false, error: `the reply has ${text.length} characters, over the ${LLM_REPLY_BOUNDS.maxChars} allowed` };
  if (jsonDepth(text, LLM_REPLY_BOUNDS.maxDepth) > LLM_REPLY_BOUNDS.maxDepth) return { ok: false, error: `JSON nested more than ${LLM_REPLY_BOUNDS.maxDepth} levels deep (a candidate nests 3)` };
  const attempts = [text.trim(), /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1]?.trim(), text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  let error = 'no JSON object found';
  for (const t of attempts) {
    if (!t) continue;
    try {
      let value: unknown = JSON.parse(t);
      if (value && typeof value === 'object' && 'candidate_config' in value) value = (value as { candidate_config: unknown }).candidate_config;
      if (Array.isArray(value)) value = { blocks: value };
      return { ok: true, value };
    } catch (err) {
      error = (err as Error).message;
    }
  }
  return { ok: false, error };
}

/**
 * The LLM proposer of the LMaNet paper: the Fig. 4 prompt, then for every proposal the model's
 * last reply with the feedback on it (the validation message, or the evaluation and the
 * structured Pareto summary), and a sliding window of the last K attempts as (problem, change,
 * outcome) triples. Every call is recorded; explanations of new front members too (Fig. 6).
 */
export function llmProposer(o: LlmProposerOptions): Proposer & { flush(context: ProposalContext): Promise<void> } {
  const front = new ParetoFront<{ index: number }>(o.config.objectives, o.config.limits);
  const attempts: Attempt[] = [];
  const pendingExplanations: { index: number; key: string; candidate: unknown; metrics: Record<string, number> }[] = [];
  let last: { index: number; reply: string; candidate: unknown; feedback: string } | undefined;
  let previousSummary: FrontSummary | undefined;
  const format = candidateSchema(o.space);
  // Every limit of the run (old recorded configs kept the space's two apart: runLimits joins them).
  const limits = runLimits(o.config);
  const base = initialPrompt({ space: o.space, objectives: o.config.objectives, limits, latencyModel: o.config.latencyModel });

  const call = async (context: ProposalContext, purpose: LlmCallRecord['purpose'], messages: ChatMessage[], structured: boolean): Promise<string | null> => {
    const request = { model: o.model, messages, options: o.chatOptions, ...(structured ? { format } : {}) };
    const record: LlmCallRecord = { model: o.model, options: o.chatOptions, messages, format: structured, reply: null, promptTokens: 0, replyTokens: 0, durationMs: 0, attempts: 0, purpose };
    const started = performance.now();
    try {
      // Bounded before it is used or recorded: a longer reply goes on, and is recorded, cut (the same text on replay).
      const answer = recordedAnswer(await o.client.chat(request), LLM_REPLY_BOUNDS.maxChars);
      Object.assign(record, answer);
      return answer.reply;
    } catch (err) {
      if (!(err instanceof LlmCallFailure)) throw err; // a setup error stops the campaign
      Object.assign(record, recordedFailure(err, started));
      return null;
    } finally {
      context.record?.('llm-call', { index: context.index, promptVersion: PROMPT_VERSION, ...record });
    }
  };

  const explainPending = async (context: ProposalContext) => {
    while (pendingExplanations.length > 0) {
      const e = pendingExplanations.shift() as (typeof pendingExplanations)[number];
      const text = await call(context, 'explanation', [...base, explanationPrompt(JSON.stringify(e.candidate), e.metrics)], false);
      if (text !== null) context.record?.('explanation', { index: e.index, key: e.key, model: o.model, text });
    }
  };

  const conversation = (): ChatMessage[] => {
    if (!last) return base;
    const lines = [last.feedback];
    const window = attempts.slice(-o.window);
    if (window.length > 1) lines.push('', `Your last ${window.length} attempts (problem -> change -> outcome):`, ...window.map((a) => `#${a.index}: ${a.problem} -> ${a.change} -> ${a.outcome}`));
    if (front.size > 0) {
      const f = paretoFeedback(front.front(), front.best(o.config.objectives.find((x) => x.direction === 'max')?.name ?? (o.config.objectives[0]?.name as string)), o.config.objectives, limits, previousSummary);
      lines.push('', f.text);
    }
    lines.push('', 'Propose the next architecture as one JSON object {"blocks": [...]}, using only values from the search space.');
    return [...base, { role: 'assistant', content: last.reply }, { role: 'user', content: lines.join('\n') }];
  };

  return {
    name: `ollama:${o.model}`,
    async propose(context): Promise<Proposal> {
      if (o.explain) await explainPending(context);
      const reply = await call(context, 'proposal', conversation(), true);
      if (reply === null) return { candidate: null, note: 'the LLM call failed after its retries' };
      const parsed = parseReply(reply);
      return parsed.ok ? { candidate: parsed.value, note: `reply of ${reply.length} characters` } : { candidate: reply, note: `not JSON: ${parsed.error}` };
    },
    observe(observation: Observation) {
      const { outcome, proposal } = observation;
      let joined = false;
      if (outcome.kind === 'evaluated' && observation.key) {
        const summaryBefore = front.size > 0 ? paretoFeedback(front.front(), undefined, o.config.objectives, limits).summary : undefined;
        joined = front.insert({ id: observation.key, values: outcome.metrics, data: { index: observation.index } }).added;
        previousSummary = summaryBefore;
        if (joined) pendingExplanations.push({ index: observation.index, key: observation.key, candidate: proposal.candidate, metrics: { ...outcome.metrics } });
      }
      const problem = last ? (attempts.at(-1)?.outcome.startsWith('rejected') ? 'fix the rejection above' : 'improve the Pareto front') : 'first design';
      const outcomeText = describeOutcome(outcome, o.config.objectives, joined, limits);
      attempts.push({ index: observation.index, problem, change: describeChange(last?.candidate, proposal.candidate), outcome: outcomeText.length > 240 ? `${outcomeText.slice(0, 237)}...` : outcomeText });
      const reply = typeof proposal.candidate === 'string' ? proposal.candidate : JSON.stringify(proposal.candidate);
      last = { index: observation.index, reply: reply.length > 4000 ? reply.slice(0, 4000) : reply, candidate: proposal.candidate, feedback: outcome.kind === 'rejected' ? `Your proposal was rejected. ${outcome.message}` : outcomeText };
    },
    async flush(context) {
      if (o.explain) await explainPending(context);
    },
  };
}

import { type LimitFields, runLimits } from '../../limits.js';
import { jsonDepth } from '../../json-bounded.js';
import { explanationPrompt, initialPrompt, PROMPT_VERSION } from './prompts.js';
import { applyCandidatePatch, chooseParent, DELTA_PROMPT_VERSION, deltaInstruction, parsePatchReply, PATCH_FORMAT, type DeltaParent, type LlmMode } from './delta.js';
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
  /** `full` (default): a whole candidate per reply; `delta`: a JSON Patch against a front member (delta.ts). */
  mode?: LlmMode;
  /** Draws delta parents (chooseParent); default chatOptions.seed, else 0. */
  seed?: number;
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
  // Delta mode: front members' candidates by key, and what each proposal was asked and replied (rebuilt on re-drive).
  const candidates = new Map<string, unknown>();
  const issued = new Map<number, { parent: DeltaParent; reply: string | null }>();
  const seed = o.seed ?? o.chatOptions.seed ?? 0;
  const format = candidateSchema(o.space);
  // Every limit of the run (old recorded configs kept the space's two apart: runLimits joins them).
  const limits = runLimits(o.config);
  const base = initialPrompt({ space: o.space, objectives: o.config.objectives, limits, latencyModel: o.config.latencyModel });

  const call = async (context: ProposalContext, purpose: LlmCallRecord['purpose'], messages: ChatMessage[], structured: boolean, delta = false): Promise<string | null> => {
    const request = { model: o.model, messages, options: o.chatOptions, ...(structured ? { format: delta ? PATCH_FORMAT : format } : {}) };
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
      context.record?.('llm-call', { index: context.index, promptVersion: delta ? DELTA_PROMPT_VERSION : PROMPT_VERSION, ...record });
    }
  };

  const explainPending = async (context: ProposalContext) => {
    while (pendingExplanations.length > 0) {
      const e = pendingExplanations.shift() as (typeof pendingExplanations)[number];
      const text = await call(context, 'explanation', [...base, explanationPrompt(JSON.stringify(e.candidate), e.metrics)], false);
      if (text !== null) context.record?.('explanation', { index: e.index, key: e.key, model: o.model, text });
    }
  };

  /** Delta mode's parent for proposal `index` (undefined in full mode or while the front is empty: then a full candidate is asked for). */
  const parentFor = (index: number): DeltaParent | undefined => {
    if (o.mode !== 'delta') return undefined;
    const members = front.front().map((e) => ({ index: e.data?.index ?? -1, key: e.id, candidate: candidates.get(e.id), metrics: e.values }));
    return chooseParent(members, seed, index);
  };

  const conversation = (parent?: DeltaParent): ChatMessage[] => {
    if (!last) return base;
    const lines = [last.feedback];
    const window = attempts.slice(-o.window);
    if (window.length > 1) lines.push('', `Your last ${window.length} attempts (problem -> change -> outcome):`, ...window.map((a) => `#${a.index}: ${a.problem} -> ${a.change} -> ${a.outcome}`));
    if (front.size > 0) {
      const f = paretoFeedback(front.front(), front.best(o.config.objectives.find((x) => x.direction === 'max')?.name ?? (o.config.objectives[0]?.name as string)), o.config.objectives, limits, previousSummary);
      lines.push('', f.text);
    }
    lines.push('', parent ? deltaInstruction(parent, front.size) : 'Propose the next architecture as one JSON object {"blocks": [...]}, using only values from the search space.');
    return [...base, { role: 'assistant', content: last.reply }, { role: 'user', content: lines.join('\n') }];
  };

  /**
   * A delta reply as a proposal: the patched parent, or the reply text with the patch error
   * validation rejects it with (`parse`: not a JSON Patch; `schema`: does not apply). Always
   * carries the parent's key and the patch as parsed (null when there was none).
   */
  const deltaProposal = (index: number, parent: DeltaParent, reply: string | null): Proposal => {
    issued.set(index, { parent, reply });
    const base = { parent: parent.key };
    if (reply === null) return { candidate: null, note: 'the LLM call failed after its retries', ...base, patch: null };
    const parsed = parsePatchReply(reply);
    if (!parsed.ok) return { candidate: reply, note: `not a JSON Patch (parent #${parent.index})`, ...base, patch: parsed.value ?? null, patchError: { reason: 'parse', message: parsed.message } };
    const applied = applyCandidatePatch(parent.candidate, parsed.patch, parent.index);
    if (!applied.ok) return { candidate: reply, note: `a JSON Patch that does not apply to parent #${parent.index}`, ...base, patch: parsed.patch, patchError: { reason: 'schema', message: applied.message } };
    return { candidate: applied.candidate, note: `a JSON Patch of ${parsed.patch.length} operation${parsed.patch.length === 1 ? '' : 's'} on parent #${parent.index}`, ...base, patch: parsed.patch };
  };

  return {
    name: `ollama:${o.model}`,
    async propose(context): Promise<Proposal> {
      if (o.explain) await explainPending(context);
      const parent = parentFor(context.index);
      const reply = await call(context, 'proposal', conversation(parent), true, parent !== undefined);
      if (parent) return deltaProposal(context.index, parent, reply);
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
        if (joined) candidates.set(observation.key, proposal.candidate);
        previousSummary = summaryBefore;
        if (joined) pendingExplanations.push({ index: observation.index, key: observation.key, candidate: proposal.candidate, metrics: { ...outcome.metrics } });
      }
      const delta = issued.get(observation.index);
      issued.delete(observation.index);
      const problem = last ? (attempts.at(-1)?.outcome.startsWith('rejected') ? 'fix the rejection above' : delta ? `improve parent #${delta.parent.index}` : 'improve the Pareto front') : 'first design';
      const outcomeText = describeOutcome(outcome, o.config.objectives, joined, limits);
      const change = delta ? `patch of #${delta.parent.index}: ${describeChange(delta.parent.candidate, proposal.candidate)}` : describeChange(last?.candidate, proposal.candidate);
      attempts.push({ index: observation.index, problem, change, outcome: outcomeText.length > 240 ? `${outcomeText.slice(0, 237)}...` : outcomeText });
      // Delta mode: the assistant turn is the patch as replied, not the patched candidate.
      const reply = delta ? (delta.reply ?? 'null') : typeof proposal.candidate === 'string' ? proposal.candidate : JSON.stringify(proposal.candidate);
      last = { index: observation.index, reply: reply.length > 4000 ? reply.slice(0, 4000) : reply, candidate: proposal.candidate, feedback: outcome.kind === 'rejected' ? `Your proposal was rejected. ${outcome.message}` : outcomeText };
    },
    async flush(context) {
      if (o.explain) await explainPending(context);
    },
  };
}

/**
 * The prompts of the two recorded notebook runs (notebooks/data/llm-runs, replayed by notebook 04
 * and behind Table III) are rebuilt by the LLM proposer, message for message and byte for byte, from
 * the runs' own recorded outcomes: runs limited by the paper's MAC range and SRAM alone keep their text.
 */
import { describe, expect, it } from 'vitest';
import type { CampaignConfig } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import type { ChatRequest, LlmCallRecord, LlmClient } from '../../lib/llm/types.js';
import { llmProposer } from '../../lib/propose/llm/proposer.js';
import type { Outcome, Proposal } from '../../lib/propose/types.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { ROOT } from '../helpers.js';

type Rec = Record<string, unknown> & { type: string; index?: number };

/** Replays recorded calls in order, failing on the first request whose messages are not exactly the recorded ones. */
function exactClient(calls: LlmCallRecord[]): LlmClient & { used: () => number } {
  let next = 0;
  return {
    name: 'exact',
    async check() {},
    async chat(request: ChatRequest) {
      const call = calls[next++] as LlmCallRecord;
      expect(call, `call ${next} was not recorded`).toBeDefined();
      expect(request.messages, `call ${next} (${call.purpose}, proposal ${(call as unknown as { index: number }).index})`).toEqual(call.messages);
      expect(request.format !== undefined).toBe(call.format);
      return { content: call.reply as string, promptTokens: call.promptTokens, replyTokens: call.replyTokens, durationMs: call.durationMs, attempts: call.attempts };
    },
    used: () => next,
  };
}

describe.each(['qwen2.5-3b', 'llama3.2-3b'])('the recorded run %s', (run) => {
  it('gets every recorded prompt again, byte for byte, with the runs limits read by runLimits', async () => {
    const records = readRecords(`${ROOT}notebooks/data/llm-runs/${run}/records.jsonl`).records as unknown as Rec[];
    const config = (records[0] as unknown as { config: CampaignConfig }).config;
    const settings = config.proposerSettings as { temperature: number; min_p: number; window: number; explain: boolean };
    const calls = records.filter((r) => r.type === 'llm-call') as unknown as LlmCallRecord[];
    const client = exactClient(calls);
    const proposer = llmProposer({ space: resolveSpace(config.space), config, client, model: config.proposer.replace(/^ollama:/, ''), chatOptions: calls[0]!.options, window: settings.window, explain: settings.explain });
    const outcomes = new Map<number, { outcome: Outcome; key?: string }>();
    for (const r of records) {
      if (r.type === 'evaluation') outcomes.set(r.index as number, { outcome: { kind: 'evaluated', metrics: r.metrics as Record<string, number>, objectives: [], violation: 0 }, key: r.key as string });
      if (r.type === 'rejection') outcomes.set(r.index as number, { outcome: { kind: 'rejected', reason: r.reason as 'macs', message: r.message as string }, ...(r.key ? { key: r.key as string } : {}) });
      if (r.type === 'failure') outcomes.set(r.index as number, { outcome: { kind: 'failed', message: r.message as string }, key: r.key as string });
    }
    const proposals = records.filter((r) => r.type === 'proposal').length;
    expect(proposals).toBe(40);
    for (let index = 0; index < proposals; index++) {
      const proposal: Proposal = await proposer.propose({ index });
      const seen = outcomes.get(index);
      expect(seen, `outcome of proposal ${index}`).toBeDefined();
      proposer.observe({ index, proposal, ...(seen!.key ? { key: seen!.key } : {}), outcome: seen!.outcome });
    }
    await proposer.flush({ index: proposals });
    expect(client.used()).toBe(calls.length);
  });
});

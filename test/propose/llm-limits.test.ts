/**
 * The LLM proposer reads every limit of the run (runLimits(config)): the first prompt names flash and
 * latency, a flash or latency rejection reaches the model with validation's own message, and the
 * Pareto feedback names the flash limit when front members come near it.
 */
import { describe, expect, it } from 'vitest';
import { configFromSpace } from '../../lib/campaign/config.js';
import type { ChatRequest, LlmClient } from '../../lib/llm/types.js';
import { llmProposer } from '../../lib/propose/llm/proposer.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { REFERENCE, readJson } from '../helpers.js';

const space = resolveSpace();
const elite = (readJson(`${REFERENCE}LMaNet-Elite.json`) as { candidate_config: unknown }).candidate_config;

function capturingClient(): LlmClient & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    name: 'capture',
    requests,
    async check() {},
    async chat(request) {
      requests.push(request);
      return { content: JSON.stringify(elite), promptTokens: 1, replyTokens: 1, durationMs: 1, attempts: 1 };
    },
  };
}

describe('the LLM proposer on a run that limits flash and latency', () => {
  const config = configFromSpace(space, { space: 'tinyml-cifar100', proposer: 'ollama:x', evaluator: 'proxy', budget: 10, seed: 0, limits: [{ name: 'flashBytes', max: 1024 * 1024 }, { name: 'latencyMs', max: 5 }], latencyModel: 'cortex-m' });
  const lastUser = (r: ChatRequest | undefined) => r?.messages.at(-1)?.content ?? '';

  it('tells every limit in the first prompt, passes a flash rejection on verbatim, and points at the flash limit in the front summary', async () => {
    const client = capturingClient();
    const p = llmProposer({ space, config, client, model: 'x', chatOptions: {}, window: 5, explain: false });
    const first = await p.propose({ index: 0 });
    const prompt = client.requests[0]?.messages[1]?.content ?? '';
    expect(prompt).toContain('- Peak SRAM (int8 activations) must not exceed 320 KB.\n- Flash (int8 weights) must not exceed 1024 KB.\n- Latency (cortex-m) must not exceed 5 ms.\n- Image size: 160x160.');

    const message = 'Flash (int8 weights) is 1300.0 KiB, over the 1024.0 KiB limit. Use fewer num_layers in the late stages.';
    p.observe({ index: 0, proposal: first, outcome: { kind: 'rejected', reason: 'flash', message, violation: 0.27 } });
    const second = await p.propose({ index: 1 });
    expect(lastUser(client.requests[1]).startsWith(`Your proposal was rejected. ${message}\n`)).toBe(true);

    // 1_000_000 B is 977 KiB, within 10% of 1024 KiB; 4.1 ms is not within 10% of 5 ms.
    p.observe({ index: 1, proposal: second, key: 'k1', outcome: { kind: 'evaluated', metrics: { naswot: 210, macs: 95e6, params: 3e5, peakSramBytes: 200_000, flashBytes: 1_000_000, latencyMs: 4.1 }, objectives: [], violation: 0 } });
    await p.propose({ index: 2 });
    const turn = lastUser(client.requests[2]);
    expect(turn).toContain('evaluated: naswot 210, MACs 95.0M, params 0.300M, SRAM 195KB, flash 977KB, latency 4.10ms; joined the Pareto front');
    expect(turn).toContain('#0: first design -> a new design -> rejected (flash): Flash (int8 weights) is 1300.0 KiB');
    expect(turn).toContain('- 1 front members are within 10% of the flash 1024KB limit. Flash holds the int8 weights:');
    expect(turn).not.toContain('latency 5.00ms limit');
  });
});

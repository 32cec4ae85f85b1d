/**
 * Writes the two recorded LLM runs that notebook 04 compares (notebooks/data/llm-runs/). No LLM
 * weights exist here, so a fake Ollama (test/fixtures/fake-ollama.ts) plays two "models" with
 * scripted habits; the campaigns talk to it through the real ollama client, like a real run.
 * Run: npx vite-node scripts/make-llm-fixtures.ts
 */
import { rmSync } from 'node:fs';
import { runCampaign } from '../lib/campaign/campaign.js';
import { configFromSpace } from '../lib/campaign/config.js';
import { campaignProposer } from '../lib/campaign/llm-proposer.js';
import { createFastEvaluator } from '../lib/space/fast-cost.js';
import { createEvaluator } from '../lib/evaluate/registry.js';
import { createRng } from '../lib/rng.js';
import { resolveSpace } from '../lib/space/builtin.js';
import type { Candidate } from '../lib/space/candidate.js';
import { mutateCandidate, sampleCandidate } from '../lib/space/sample.js';
import { startFakeOllama, type FakeChatRequest, type FakeStep } from '../test/fixtures/fake-ollama.js';

const space = resolveSpace();
const costs = createFastEvaluator(space, { model: 'mcunet' });
const fits = (c: Candidate) => {
  const t = costs(c);
  return t.macs >= 70e6 && t.macs <= 350e6 && t.peakSramBytes <= 327_680;
};

/** A scripted model: feasible designs with habits: how often it breaks JSON, the space or the limits. */
function habits(seed: number, p: { prose: number; broken: number; outside: number; infeasible: number }) {
  const rng = createRng(seed);
  let last: Candidate | undefined;
  return (request: FakeChatRequest): FakeStep => {
    if (!request.format) return { reply: 'Stride 2 in the first two stages keeps the activations small; MBConv with expansion 3-4 in the middle stages adds capacity where the maps are small; SE only where channels are few.' };
    const roll = rng.next();
    if (roll < p.broken) return { reply: '{"blocks": [{"output_channels": 24, "kernel_size": 3,' };
    let c: Candidate;
    if (roll < p.broken + p.infeasible) c = sampleCandidate(space, rng);
    else {
      c = last && rng.next() < 0.6 ? mutateCandidate(space, last, rng).candidate : sampleCandidate(space, rng);
      for (let t = 0; t < 5000 && !fits(c); t++) c = last && t < 40 ? mutateCandidate(space, last, rng).candidate : sampleCandidate(space, rng);
      last = c;
    }
    const out: unknown = roll > 1 - p.outside ? { ...c, blocks: c.blocks.map((b, i) => (i === 2 ? { ...b, expansion_factor: 5 } : b)) } : c;
    const text = JSON.stringify(out);
    return { reply: rng.next() < p.prose ? `Here is a design for the next iteration:\n${text}` : text };
  };
}

const models = [
  { model: 'llama3.2:3b', seed: 11, habits: { prose: 0.3, broken: 0.1, outside: 0.1, infeasible: 0.25 } },
  { model: 'qwen2.5:3b', seed: 12, habits: { prose: 0.05, broken: 0.03, outside: 0.05, infeasible: 0.15 } },
];

for (const m of models) {
  const fake = await startFakeOllama({ models: [m.model], script: habits(m.seed, m.habits) });
  const out = `notebooks/data/llm-runs/${m.model.replace(':', '-')}`;
  rmSync(out, { recursive: true, force: true });
  const config = configFromSpace(space, {
    space: 'tinyml-cifar100',
    proposer: `ollama:${m.model}`,
    proposerSettings: { host: fake.host, temperature: 1.5, min_p: 0.1, window: 5, explain: true },
    evaluator: 'proxy',
    budget: 40,
    seed: 0,
  });
  const s = await runCampaign(out, config, { createProposer: campaignProposer, createEvaluator });
  console.log(`${out}: ${s.proposed} proposed, ${s.valid} valid, front ${s.frontSize}`, s.rejected);
  await fake.close();
}

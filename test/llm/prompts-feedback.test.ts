import { describe, expect, it } from 'vitest';
import { configFromSpace } from '../../lib/campaign/config.js';
import { describeChange, describeOutcome, paretoFeedback } from '../../lib/llm/feedback.js';
import { explanationPrompt, initialPrompt } from '../../lib/llm/prompts.js';
import { ParetoFront } from '../../lib/pareto/front.js';
import { parseReply } from '../../lib/propose/llm.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { REFERENCE, readJson } from '../helpers.js';

const space = resolveSpace();
const config = configFromSpace(space, { space: 'tinyml-cifar100', proposer: 'ollama:x', evaluator: 'proxy', budget: 10, seed: 0 });

describe('the Fig. 4 prompt, built from the space file and the campaign settings', () => {
  it('has the role, task, objective, constraints and the search space', () => {
    const [system, user] = initialPrompt({ space, objectives: config.objectives, macs: config.macs, sramMaxBytes: config.sramMaxBytes });
    expect(system?.content).toBe('You are a neural architecture design algorithm that exclusively outputs configurations in JSON format.');
    expect(user?.content).toContain('Task: Generate a lightweight neural network architecture tailored for CIFAR-100 image classification.');
    expect(user?.content).toContain('Objective: Maximize naswot while minimizing computational cost and memory usage.');
    expect(user?.content).toContain('- Prioritize stride=2 in early blocks for downsampling.');
    expect(user?.content).toContain('- Ensure total MACs are between 70M and 350M.');
    expect(user?.content).toContain('- Peak SRAM (int8 activations) must not exceed 320 KB.');
    expect(user?.content).toContain('- Image size: 160x160.');
    expect(user?.content).toContain('"output_channels":[16,24,32,48,64,96,128,160]');
    expect(user?.content).toContain('exactly 5 blocks');
  });
  it('the Fig. 6 question about one candidate', () => {
    const m = explanationPrompt('{"blocks":[]}', { naswot: 210.25, macs: 95_000_000 });
    expect(m.content).toContain('Explain why this design was chosen for the current iteration. Highlight the reasoning behind these choices.');
    expect(m.content).toContain('naswot 210.2500, macs 95000000');
  });
});

describe('reading replies', () => {
  const elite = (readJson(`${REFERENCE}LMaNet-Elite.json`) as { candidate_config: { blocks: unknown[] } }).candidate_config;
  it('plain JSON, a fenced block, JSON inside prose, a candidate_config wrapper, a bare block list', () => {
    const json = JSON.stringify(elite);
    for (const reply of [json, `Here you go:\n\`\`\`json\n${json}\n\`\`\``, `Sure! ${json} Hope this helps.`, JSON.stringify({ candidate_config: elite }), JSON.stringify(elite.blocks)]) {
      const r = parseReply(reply);
      expect(r.ok && (r.value as { blocks: unknown[] }).blocks).toEqual(elite.blocks);
    }
  });
  it('broken JSON is reported with the parser error', () => {
    const r = parseReply('{"blocks": [{"output_channels": 16,,]}');
    expect(r.ok).toBe(false);
  });
});

describe('feedback', () => {
  it('a change described stage by stage', () => {
    const a = { blocks: [{ output_channels: 16, kernel_size: 3 }, { output_channels: 32, kernel_size: 5 }] };
    const b = { blocks: [{ output_channels: 16, kernel_size: 3 }, { output_channels: 24, kernel_size: 7 }] };
    expect(describeChange(a, b)).toBe('stage 2: output_channels 32->24, kernel_size 5->7');
    expect(describeChange(undefined, b)).toBe('a new design');
    expect(describeChange(a, a)).toBe('no change');
  });
  it('outcomes in one line', () => {
    expect(describeOutcome({ kind: 'rejected', reason: 'macs', message: 'Estimated MACs are 400.0 M' }, config.objectives, false)).toBe('rejected (macs): Estimated MACs are 400.0 M');
    expect(describeOutcome({ kind: 'evaluated', metrics: { naswot: 210.5, macs: 95e6, params: 2.5e5, peakSramBytes: 204800 }, objectives: [], violation: 0 }, config.objectives, true)).toBe(
      'evaluated: naswot 210.500, MACs 95.0M, params 0.250M, SRAM 200KB; joined the Pareto front',
    );
  });
  it('the Pareto summary: members, averages with their trend, the best, suggestions', () => {
    const front = new ParetoFront<{ index: number }>(config.objectives);
    front.insert({ id: 'a', values: { naswot: 200, macs: 100e6, params: 1e5, peakSramBytes: 100_000 }, data: { index: 3 } });
    front.insert({ id: 'b', values: { naswot: 210, macs: 300e6, params: 3e5, peakSramBytes: 320_000 }, data: { index: 7 } });
    const { text, summary } = paretoFeedback(front.front(), front.best('naswot'), config.objectives, { macsMax: 350e6, sramMaxBytes: 327_680 }, { size: 1, averages: { naswot: 200, macs: 100e6 } });
    expect(summary.averages).toMatchObject({ naswot: 205, macs: 200e6, params: 2e5 });
    expect(text).toContain('Current Pareto front (2 candidates):');
    expect(text).toContain('- #7: naswot 210, MACs 300.0M, params 0.300M, SRAM 313KB');
    expect(text).toContain('naswot 205 (+2.5% since the last summary), MACs 200.0M (+100.0% since the last summary)');
    expect(text).toContain('Best naswot so far: #7 with naswot 210');
    expect(text).toContain('1 front members use over 80% of the MACs 350.0M budget: reduce MACs');
    expect(text).toContain('1 front members are within 10% of the SRAM limit');
  });
});

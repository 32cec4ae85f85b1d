import { describe, expect, it } from 'vitest';
import { configFromSpace } from '../../../lib/campaign/config.js';
import { runLimits } from '../../../lib/limits.js';
import { describeChange, describeOutcome, paretoFeedback } from '../../../lib/propose/llm/feedback.js';
import { explanationPrompt, initialPrompt, limitLines, PROMPT_VERSION, promptValue } from '../../../lib/propose/llm/prompts.js';
import { ParetoFront } from '../../../lib/pareto/front.js';
import { parseReply } from '../../../lib/propose/llm/proposer.js';
import { resolveSpace } from '../../../lib/space/builtin.js';
import { REFERENCE, ROOT, readJson } from '../../helpers.js';

const space = resolveSpace();
const config = configFromSpace(space, { space: 'tinyml-cifar100', proposer: 'ollama:x', evaluator: 'proxy', budget: 10, seed: 0 });

describe('the Fig. 4 prompt, built from the space file and the campaign settings', () => {
  it('has the role, task, objective, constraints and the search space', () => {
    const [system, user] = initialPrompt({ space, objectives: config.objectives, limits: runLimits(config) });
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
    const { text, summary } = paretoFeedback(front.front(), front.best('naswot'), config.objectives, [{ name: 'macs', min: 70e6, max: 350e6 }, { name: 'peakSramBytes', max: 327_680 }], { size: 1, averages: { naswot: 200, macs: 100e6 } });
    expect(summary.averages).toMatchObject({ naswot: 205, macs: 200e6, params: 2e5 });
    expect(text).toContain('Current Pareto front (2 candidates):');
    expect(text).toContain('- #7: naswot 210, MACs 300.0M, params 0.300M, SRAM 313KB');
    expect(text).toContain('naswot 205 (+2.5% since the last summary), MACs 200.0M (+100.0% since the last summary)');
    expect(text).toContain('Best naswot so far: #7 with naswot 210');
    expect(text).toContain('1 front members use over 80% of the MACs 350.0M budget: reduce MACs');
    expect(text).toContain('1 front members are within 10% of the SRAM limit');
  });
});

/** Today's text, captured from the code before issue 15 gave the LLM every limit (test/llm/fig4-golden.json). */
const golden = readJson(`${ROOT}test/llm/fig4-golden.json`) as Record<'promptCifar100' | 'promptFashionMnist' | 'system' | 'feedback' | 'feedbackNoBest' | 'outcome', string>;
const paperLimits = [{ name: 'macs', min: 70e6, max: 350e6 }, { name: 'peakSramBytes', max: 327_680 }];

describe('runs limited by the paper\'s MAC range and SRAM alone keep their text byte for byte', () => {
  it('the prompt version is unchanged', () => {
    expect(PROMPT_VERSION).toBe('lmanet-fig4/1');
  });
  it('the Fig. 4 prompt of both shipped spaces, from a new config, an old recorded one, or the limits given directly', () => {
    const recordedBefore15 = { ...config, limits: [], macs: { min: 70e6, max: 350e6 }, sramMaxBytes: 327_680 }; // as notebooks/data/llm-runs records it
    for (const limits of [runLimits(config), runLimits(recordedBefore15), paperLimits]) {
      const [system, user] = initialPrompt({ space, objectives: config.objectives, limits });
      expect(system?.content).toBe(golden.system);
      expect(user?.content).toBe(golden.promptCifar100);
    }
    const fashion = resolveSpace('tinyml-fashion-mnist');
    const fconfig = configFromSpace(fashion, { space: 'tinyml-fashion-mnist', proposer: 'ollama:x', evaluator: 'proxy', budget: 10, seed: 0 });
    expect(initialPrompt({ space: fashion, objectives: fconfig.objectives, limits: runLimits(fconfig) })[1]?.content).toBe(golden.promptFashionMnist);
  });
  it('a MAC limit with only a max keeps the paper\'s range line, from 0M', () => {
    expect(limitLines([{ name: 'macs', max: 350e6 }])).toEqual(['- Ensure total MACs are between 0M and 350M.']);
  });
  it('the Pareto feedback and an outcome line, also when members carry flash bytes the run does not limit', () => {
    const front = new ParetoFront<{ index: number }>(config.objectives);
    front.insert({ id: 'a', values: { naswot: 200, macs: 100e6, params: 1e5, peakSramBytes: 100_000, flashBytes: 900_000 }, data: { index: 3 } });
    front.insert({ id: 'b', values: { naswot: 210, macs: 300e6, params: 3e5, peakSramBytes: 320_000, flashBytes: 1_000_000 }, data: { index: 7 } });
    expect(paretoFeedback(front.front(), front.best('naswot'), config.objectives, runLimits(config), { size: 1, averages: { naswot: 200, macs: 100e6 } }).text).toBe(golden.feedback);
    expect(paretoFeedback(front.front(), undefined, config.objectives, paperLimits).text).toBe(golden.feedbackNoBest);
    const metrics = { naswot: 210.5, macs: 95e6, params: 2.5e5, peakSramBytes: 204800, flashBytes: 850 * 1024 };
    expect(describeOutcome({ kind: 'evaluated', metrics, objectives: [], violation: 0 }, config.objectives, true, runLimits(config))).toBe(golden.outcome);
  });
});

describe('the LLM is told every limit of the run', () => {
  const device = [...paperLimits, { name: 'flashBytes', max: 1024 * 1024 }, { name: 'latencyMs', max: 5 }];
  it('a flash limit in KB and a latency limit in ms (named by its model), after the paper\'s two lines', () => {
    const user = initialPrompt({ space, objectives: config.objectives, limits: device, latencyModel: 'cortex-m' })[1]?.content as string;
    const lines = user.split('\n');
    const at = lines.indexOf('- Peak SRAM (int8 activations) must not exceed 320 KB.');
    expect(lines.slice(at - 1, at + 4)).toEqual([
      '- Ensure total MACs are between 70M and 350M.',
      '- Peak SRAM (int8 activations) must not exceed 320 KB.',
      '- Flash (int8 weights) must not exceed 1024 KB.',
      '- Latency (cortex-m) must not exceed 5 ms.',
      '- Image size: 160x160.',
    ]);
    // Everything else is the paper's prompt: removing the two new lines gives today's text.
    expect(lines.filter((_, i) => i !== at + 1 && i !== at + 2).join('\n')).toBe(golden.promptCifar100);
  });
  it('the space and device limits merged with --constraint ones through runLimits (tightest wins)', () => {
    const merged = runLimits({ ...config, limits: [{ name: 'flashBytes', max: 2_000_000 }, { name: 'flashBytes', max: 512 * 1024 }, { name: 'accuracy', min: 0.7 }] });
    expect(limitLines(merged, 'predictor')).toEqual([
      '- Ensure total MACs are between 70M and 350M.',
      '- Peak SRAM (int8 activations) must not exceed 320 KB.',
      '- Flash (int8 weights) must not exceed 512 KB.',
      '- accuracy must be at least 0.7.',
    ]);
  });
  it('other limits and limit sides: params, a MAC minimum alone, a latency range, a predictor file named without its folder, an evaluator\'s own metric', () => {
    expect(limitLines([{ name: 'macs', min: 70e6 }, { name: 'params', max: 5e5 }, { name: 'latencyMs', min: 1, max: 12.5 }, { name: 'top5', min: 0.9 }], 'predictor:/home/x/runs/cal.json')).toEqual([
      '- Total MACs must be at least 70M.',
      '- Total parameters must not exceed 0.5M.',
      '- Latency (predictor:cal.json) must be between 1 ms and 12.5 ms.',
      '- top5 must be at least 0.9.',
    ]);
    expect(limitLines([{ name: 'latencyMs', max: 4.25 }])).toEqual(['- Latency must not exceed 4.25 ms.']);
  });
  it('values in the display unit, to the metrics table\'s digits', () => {
    expect(promptValue('flashBytes', 1_000_000)).toBe('976.6 KB'); // 976.5625 KiB
    expect(promptValue('flashBytes', 2 * 1024 * 1024)).toBe('2048 KB');
    expect(promptValue('latencyMs', 5)).toBe('5 ms');
    expect(promptValue('latencyMs', 0.125)).toBe('0.13 ms');
    expect(promptValue('params', 1_250_000)).toBe('1.25M');
    expect(promptValue('accuracy', 0.7)).toBe('0.7');
  });

  const front = () => {
    const f = new ParetoFront<{ index: number }>(config.objectives);
    f.insert({ id: 'a', values: { naswot: 200, macs: 100e6, params: 1e5, peakSramBytes: 100_000, flashBytes: 900_000, latencyMs: 3.2 }, data: { index: 3 } });
    f.insert({ id: 'b', values: { naswot: 210, macs: 200e6, params: 3e5, peakSramBytes: 200_000, flashBytes: 1_000_000, latencyMs: 4.61 }, data: { index: 7 } });
    return f;
  };
  it('the feedback shows flash and latency for a run that limits them, and names the limits front members come near', () => {
    const f = front();
    const { text, summary } = paretoFeedback(f.front(), f.best('naswot'), config.objectives, device);
    // 1_000_000 B = 977 KiB > 90% of 1024 KiB (921.6); 900_000 B = 879 KiB is not. 4.61 ms > 4.5 ms; 3.2 ms is not.
    expect(text).toContain('- #7: naswot 210, MACs 200.0M, params 0.300M, SRAM 195KB, flash 977KB, latency 4.61ms');
    expect(text).toContain('- #3: naswot 200, MACs 100.0M, params 0.100M, SRAM 98KB, flash 879KB, latency 3.20ms');
    expect(summary.averages.flashBytes).toBe(950_000);
    expect(summary.averages.latencyMs).toBeCloseTo(3.905, 10);
    expect(text).toContain('- 1 front members are within 10% of the flash 1024KB limit. Flash holds the int8 weights: use fewer num_layers, smaller output_channels or expansion_factor in the late stages (the widest layers hold most weights), or use_se false.');
    expect(text).toContain('- 1 front members are within 10% of the latency 5.00ms limit. Latency follows MACs and memory traffic:');
    expect(text).not.toContain('SRAM limit'); // 200_000 B is under 90% of 320 KiB (294_912 B)
    expect(text).not.toContain('80% of the'); // 200M is under 80% of 350M
  });
  it('no suggestion for a limit the front stays clear of; a minimum that members come near gets the raise hint', () => {
    const f = front();
    const far = paretoFeedback(f.front(), undefined, config.objectives, [...paperLimits, { name: 'flashBytes', max: 2 * 1024 * 1024 }, { name: 'params', min: 2.8e5 }]).text;
    expect(far).not.toContain('flash 2048KB limit');
    expect(far).toContain('- #7: naswot 210, MACs 200.0M, params 0.300M, SRAM 195KB, flash 977KB'); // flash shown: it is limited
    expect(far).not.toContain('latency'); // not an objective nor a limit
    expect(far).toContain('- 2 front members are within 10% of the params 0.280M minimum. Use more output_channels or num_layers in the late stages.'); // 0.3M and 0.1M are under 110% of it (0.308M)
  });
  it('an outcome line names flash and latency when the run limits them', () => {
    const metrics = { naswot: 210.5, macs: 95e6, params: 2.5e5, peakSramBytes: 204800, flashBytes: 850 * 1024, latencyMs: 4.2149 };
    expect(describeOutcome({ kind: 'evaluated', metrics, objectives: [], violation: 0 }, config.objectives, false, device)).toBe(
      'evaluated: naswot 210.500, MACs 95.0M, params 0.250M, SRAM 200KB, flash 850KB, latency 4.21ms; dominated by the Pareto front',
    );
  });
  it('a flash or latency rejection reaches the LLM with validation\'s own message', () => {
    const message = 'Flash is 1300.0 KiB, over the 1024.0 KiB limit. Use fewer num_layers.';
    expect(describeOutcome({ kind: 'rejected', reason: 'flash', message }, config.objectives, false, device)).toBe(`rejected (flash): ${message}`);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../lib/campaign/records.js';
import { replayRecords } from '../../lib/campaign/state.js';
import { loadRun } from '../../lib/report/campaign-report.js';
import { architectureLines, explanationCards, stageLine } from '../../lib/report/explanations.js';
import { ROOT } from '../helpers.js';
import { evaluation, proposal, writeRun } from './run-records.js';

const tmp = mkdtempSync(`${tmpdir()}/explanations-`);
const KiB = 1024;

const mbconv = { output_channels: 32, num_layers: 2, kernel_size: 5, stride: 2, expansion_factor: 4, use_se: true, se_ratio: 0.25, conv_type: 'mbconv', skip_op: 'residual', activation: 'relu6' } as const;
const depthwise = { output_channels: 16, num_layers: 1, kernel_size: 3, stride: 1, expansion_factor: 6, use_se: false, se_ratio: 0, conv_type: 'depthwise', skip_op: 'identity', activation: 'leakyrelu' } as const;

describe('explanationCards', () => {
  // objectives accuracy:max, macs:min; limit peak SRAM <= 300 KiB (hand-made, as paper-tables.test.ts)
  //   #0 evaluated: acc 70, 200 M MACs, 0.1 M params, 280 KiB SRAM, 256 KiB flash; explained
  //   #1 rejected (sram), a two-stage candidate; explained
  const dir = writeRun(tmp, 'hand', { proposer: 'ollama:llama3.2:3b', objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }], limits: [{ name: 'peakSramBytes', max: 300 * KiB }] }, [
    { ...proposal(0), candidate: { blocks: [depthwise] } },
    evaluation(0, { accuracy: 70, macs: 200e6, params: 0.1e6, peakSramBytes: 280 * KiB, flashBytes: 256 * KiB }),
    { type: 'explanation', index: 0, key: 'k0', model: 'llama3.2:3b', text: 'kernel 5 for a wider receptive field' },
    { ...proposal(1), candidate: { blocks: [depthwise, mbconv] } },
    { type: 'rejection', index: 1, key: 'k1', reason: 'sram', message: 'too much SRAM', details: { peakSramBytes: 400 * KiB }, violation: 0.25 },
    { type: 'explanation', index: 1, key: 'k1', model: 'llama3.2:3b', text: 'a wide first stage' },
  ]);

  it('each explanation joined with its candidate: metrics with units (the run\'s objectives and limits first), the architecture one stage a line', () => {
    const { records } = readRecords(`${dir}/records.jsonl`);
    expect(explanationCards(records, loadRun(dir))).toEqual([
      {
        proposal: 0,
        key: 'k0',
        model: 'llama3.2:3b',
        text: 'kernel 5 for a wider receptive field',
        metrics: { accuracy: 70, macs: 200e6, params: 0.1e6, peakSramBytes: 280 * KiB, flashBytes: 256 * KiB },
        onFront: true,
        // by hand: accuracy (integer, unitless: 0 decimals), MACs 200e6 / 1e6 = 200.0 M, SRAM 280.0 KiB, then the table's order: params 0.100 M, flash 256.0 KiB
        metricsText: ['accuracy 70', 'MACs 200.0 M', 'peak SRAM 280.0 KiB', 'params 0.100 M', 'flash 256.0 KiB'],
        architecture: ['stage 1: 1 × depthwise-separable conv 3×3, stride 1, 16 channels, LeakyReLU, no skips'],
      },
      {
        proposal: 1,
        key: 'k1',
        model: 'llama3.2:3b',
        text: 'a wide first stage',
        metrics: null,
        onFront: false,
        metricsText: [],
        architecture: ['stage 1: 1 × depthwise-separable conv 3×3, stride 1, 16 channels, LeakyReLU, no skips', 'stage 2: 2 × MBConv (expansion 4) 5×5, stride 2 then 1, 32 channels, SE 0.25, ReLU6, residual skips'],
      },
    ]);
  });

  it('a candidate that is not a block list has no architecture lines', () => {
    expect(architectureLines(null)).toEqual([]);
    expect(architectureLines({ blocks: [{ output_channels: 'wide' }] })).toEqual([]);
    expect(stageLine({ ...mbconv, num_layers: 1 }, 3)).toBe('stage 3: 1 × MBConv (expansion 4) 5×5, stride 2, 32 channels, SE 0.25, ReLU6, residual skips');
  });

  it('the recorded qwen2.5-3b run: every card\'s MACs, SRAM and flash as the records give them, one line per recorded block', () => {
    const file = `${ROOT}notebooks/data/llm-runs/qwen2.5-3b/records.jsonl`;
    const { records } = readRecords(file);
    const cards = explanationCards(records, replayRecords(records));
    expect(cards).toHaveLength(records.filter((r) => r.type === 'explanation').length);
    for (const c of cards) {
      const blocks = (records.find((r) => r.type === 'proposal' && r.index === c.proposal)!.candidate as { blocks: unknown[] }).blocks;
      expect(c.architecture).toHaveLength(blocks.length);
      const m = records.find((r) => r.type === 'evaluation' && r.index === c.proposal)?.metrics as Record<string, number> | undefined;
      if (!m) continue;
      expect(c.metricsText).toContain(`MACs ${(m.macs! / 1e6).toFixed(1)} M`);
      expect(c.metricsText).toContain(`peak SRAM ${(m.peakSramBytes! / 1024).toFixed(1)} KiB`);
      expect(c.metricsText).toContain(`flash ${(m.flashBytes! / 1024).toFixed(1)} KiB`);
      expect(c.metricsText.join(', ')).not.toMatch(/\d{5,}/); // no raw counts (issue 19: "macs 18062016")
    }
    // proposal #0 by hand from its record: 74,992,902 MACs, 307,200 B SRAM; first block 6 layers, depthwise 7×7, stride 2, 16 ch, SE 0.25, swish, residual
    expect(cards[0]!.metricsText.slice(0, 4)).toEqual(['NASWOT score 209.67', 'MACs 75.0 M', 'params 0.050 M', 'peak SRAM 300.0 KiB']);
    expect(cards[0]!.architecture[0]).toBe('stage 1: 6 × depthwise-separable conv 7×7, stride 2 then 1, 16 channels, SE 0.25, Swish, residual skips');
  });
});

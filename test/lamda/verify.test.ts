import { describe, expect, it } from 'vitest';
import { correctnessFeedback, fineTuningInstruction, ordinal, refinementPrompt } from '../../lib/lamda/refine.js';
import { extractModelText, verifyModelText } from '../../lib/lamda/verify.js';
import { thrownInputError } from '../helpers.js';
import { MACS_ESTIMATOR, TINY } from './fixtures.js';

const task = { targetMs: 0.12, classes: 10 };
const context = { taskDescription: 'recognizing 10 different object classes' };

describe('verification (LAMDA section 4.2)', () => {
  it('passes a valid model and reports its costs and predicted latency', () => {
    const v = verifyModelText(TINY, task, MACS_ESTIMATOR);
    expect(v.defects).toEqual([]);
    expect(v.macs).toBe(110_592 + 160);
    expect(v.params).toBe(3 * 16 * 9 + 16 * 10 + 10);
    expect(v.predictedMs).toBeCloseTo(0.110752, 9);
  });

  it('finds an interface mismatch and fills Tables 1 and 2 with its position and values', () => {
    const v = verifyModelText(TINY.replace('cin=16', 'cin=32'), task, MACS_ESTIMATOR);
    expect(v.graph).toBeUndefined();
    const [d] = v.defects;
    expect(d).toMatchObject({ kind: 'syntax', line: 6, ordinal: 5, parameter: 'cin', found: '32', expected: '16' });
    expect(correctnessFeedback(d!)).toMatch(/^Syntax Error: operation 5 \(line 6\): "line 6, column \d+: expected cin=16/);
    expect(fineTuningInstruction(d!, context)).toBe('Locate the "5th" operation in the "history" and modify its cin from "32" to "16".');
  });

  it('reports unknown ops and missing attributes as syntax errors', () => {
    const unknown = verifyModelText(TINY.replace('Relu(t1)', 'Mish(t1)'), task, MACS_ESTIMATOR).defects[0];
    expect(unknown).toMatchObject({ kind: 'syntax', ordinal: 2, parameter: 'op', found: 'Mish' });
    const missing = verifyModelText(TINY.replace(' k=3x3', ''), task, MACS_ESTIMATOR).defects[0];
    expect(missing).toMatchObject({ kind: 'syntax', ordinal: 1, parameter: 'k' });
    const range = verifyModelText(TINY.replace('out=16', 'out=0'), task, MACS_ESTIMATOR).defects[0];
    expect(range).toMatchObject({ kind: 'syntax', ordinal: 1, parameter: 'out', found: '0', expected: 'output channels, a positive integer' });
    expect(fineTuningInstruction(range!, context)).toBe('Locate the "1st" operation in the "history" and fix its out: it has "0", where output channels, a positive integer is expected.');
  });

  it('finds a head with the wrong number of classes (the paper\'s 20-for-10 example)', () => {
    const [d] = verifyModelText(TINY.replace('out=10', 'out=20'), task, MACS_ESTIMATOR).defects;
    expect(correctnessFeedback(d!)).toBe('Task Error: The model\'s output size is "20", which does not match the required 10.');
    expect(fineTuningInstruction(d!, context)).toBe('Since the task involves recognizing 10 different object classes, update the out of the final operation in the "history" to "10".');
  });

  it('flags a predicted latency over the target, and one far under it', () => {
    const over = verifyModelText(TINY, { ...task, targetMs: 0.08 }, MACS_ESTIMATOR).defects;
    expect(over).toHaveLength(1);
    expect(correctnessFeedback(over[0]!)).toBe('Requirement Error: The latency target (at most) is "0.08 ms", but the predicted latency is "0.11 ms".');
    expect(fineTuningInstruction(over[0]!, context)).toBe('The current predicted latency exceeds the requirement by 0.03 ms. Ensure that the model\'s latency is reduced to meet the required 0.08 ms.');
    // 0.110752 < 0.2 * (1 - 0.1): too small; with a 50% band it is fine.
    expect(verifyModelText(TINY, { ...task, targetMs: 0.2 }, MACS_ESTIMATOR).defects[0]).toMatchObject({ kind: 'requirement', direction: 'under' });
    expect(verifyModelText(TINY, { ...task, targetMs: 0.2, band: 0.5 }, MACS_ESTIMATOR).defects).toEqual([]);
    expect(verifyModelText(TINY, { ...task, targetMs: 0.08 }, MACS_ESTIMATOR, { verifyLatency: false }).defects).toEqual([]);
  });

  it('checks MAC and SRAM limits when given', () => {
    const d = verifyModelText(TINY, { ...task, maxMacs: 100_000, maxSramBytes: 4096 }, MACS_ESTIMATOR).defects;
    expect(d.map((x) => x.kind === 'requirement' && x.requirement)).toEqual(['MACs', 'peak SRAM']);
    expect(correctnessFeedback(d[0]!)).toBe('Requirement Error: The MACs limit is "0.10 M MACs", but the MACs is "0.11 M MACs".');
  });

  it('takes the model out of a chatty reply with code fences', () => {
    expect(extractModelText(`Sure! Here it is:\n\`\`\`\n${TINY}\n\`\`\`\nIt is faster.`)).toBe(TINY);
  });

  it('writes the Table 2 refinement prompt with one filled template per defect', () => {
    const defects = verifyModelText(TINY.replace('out=10', 'out=20'), task, MACS_ESTIMATOR).defects;
    const prompt = refinementPrompt(defects, context);
    expect(prompt.split('\n')[0]).toBe('Extract F_g from the chat log as "history" (your previous reply).');
    expect(prompt).toContain('1. Since the task involves recognizing 10 different object classes');
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
  });

  it('rejects bad requirements with the field named', () => {
    expect(thrownInputError(() => verifyModelText(TINY, { targetMs: 0, classes: 10 }, MACS_ESTIMATOR)).field).toBe('targetMs');
    expect(thrownInputError(() => verifyModelText(TINY, { targetMs: 1, classes: 10, band: 1 }, MACS_ESTIMATOR)).field).toBe('band');
    expect(thrownInputError(() => verifyModelText(TINY, task, undefined)).field).toBe('estimator');
  });
});

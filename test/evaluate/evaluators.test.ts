import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { InputError } from '../../lib/errors.js';
import { commandEvaluator } from '../../lib/evaluate/command.js';
import { costEvaluator } from '../../lib/evaluate/cost.js';
import { proxyEvaluator } from '../../lib/evaluate/proxy.js';
import { createEvaluator, EVALUATOR_SPECS } from '../../lib/evaluate/registry.js';
import { evaluatorContract, sampledInputs } from '../contracts/evaluator.js';
import { trainerCommand } from './trainers.js';

evaluatorContract('cost', () => costEvaluator());
evaluatorContract('proxy (NASWOT)', () => proxyEvaluator({ batch: 8 }));
evaluatorContract('command (good.mjs)', () => commandEvaluator(trainerCommand('good.mjs'), { timeoutMs: 30_000 }));

describe('cost evaluator', () => {
  const [input] = sampledInputs([4], 64);
  it("reports estimateCosts' totals", async () => {
    if (!input) throw new Error('no input');
    const costs = estimateCosts(input.graph);
    const e = await costEvaluator().evaluate(input);
    expect(e.metrics).toEqual({ macs: costs.macs, params: costs.params, flashBytes: costs.flashBytes, peakSramBytes: costs.peakSramBytes });
  });
  it('takes the SRAM model as an option', async () => {
    if (!input) throw new Error('no input');
    const e = await costEvaluator({ sram: 'liveness' }).evaluate(input);
    expect(e.metrics.peakSramBytes).toBe(estimateCosts(input.graph, { model: 'liveness' }).peakSramBytes);
    expect(e.details).toEqual({ sram: 'liveness' });
  });
});

describe('createEvaluator', () => {
  it('makes each kind by spec', () => {
    expect(createEvaluator('cost').name).toBe('cost');
    expect(createEvaluator('proxy', { batch: 4 }).metrics).toEqual(['naswot', 'macs', 'params', 'peakSramBytes']);
    const command = createEvaluator('command:python3 train.py --data a:b', { metrics: ['top1'] });
    expect(command.name).toBe('command:python3 train.py --data a:b'); // everything after the first colon
    expect(command.metrics).toEqual(['top1', 'macs', 'params', 'peakSramBytes']);
  });
  it('passes options on', async () => {
    const [input] = sampledInputs([2], 32);
    if (!input) throw new Error('no input');
    const e = await createEvaluator('cost', { sram: 'liveness' }).evaluate(input);
    expect(e.metrics.peakSramBytes).toBe(estimateCosts(input.graph, { model: 'liveness' }).peakSramBytes);
  });
  it('rejects an unknown spec or an empty command with an InputError', () => {
    for (const spec of ['accuracy', '', 'Cost', 'proxy:fast', 'command', 'command:', 'command:   ', 'torch', 'torch:', 'torch:mnist', 'torch:cifar10:long', 'torch:cifar10:proxy-1epoch:x', 'torch:./a:b', 'torch:my-data']) {
      expect(() => createEvaluator(spec), spec).toThrow(InputError);
    }
    try {
      createEvaluator('train');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).field).toBe('evaluator');
      expect((error as InputError).value).toBe('train');
      expect((error as InputError).allowed).toBe('cost, proxy, command:CMD, torch:DATASET[:PRESET] (DATASET fashion-mnist, cifar10, cifar100, or the path of an image folder or .npz file written with a / or ending in .npz; PRESET proxy-1epoch, paper-mini)');
    }
    expect(EVALUATOR_SPECS).toBe('cost, proxy, command:CMD, torch:DATASET[:PRESET] (DATASET fashion-mnist, cifar10, cifar100, or the path of an image folder or .npz file written with a / or ending in .npz; PRESET proxy-1epoch, paper-mini)');
  });
});

import { InputError } from '../errors.js';
import { commandEvaluator, type CommandEvaluatorOptions } from './command.js';
import { costEvaluator, type CostEvaluatorOptions } from './cost.js';
import { proxyEvaluator, type ProxyOptions } from './proxy.js';
import { torchEvaluator, type TorchEvaluatorOptions } from './torch.js';
import type { Evaluator } from './types.js';

/** What an --evaluator value may be. */
export const EVALUATOR_SPECS = 'cost, proxy, command:CMD, torch:DATASET[:PRESET] (fashion-mnist, cifar10, cifar100; proxy-1epoch, paper-mini)';

/** Options of every evaluator; each takes the ones that apply to it. */
export type EvaluatorOptions = CostEvaluatorOptions & ProxyOptions & TorchEvaluatorOptions;

/**
 * An evaluator by spec: `cost` (cost-model estimates only), `proxy` (the NASWOT training-free
 * score plus costs) or `command:CMD` (an external trainer; everything after the first colon is
 * the shell command, see commandEvaluator for the protocol) or `torch:DATASET[:PRESET]` (the
 * PyTorch trainer in trainers/torch, a command evaluator).
 */
export function createEvaluator(spec: string, options: EvaluatorOptions = {}): Evaluator {
  const colon = spec.indexOf(':');
  const kind = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  if (colon < 0 && kind === 'cost') return costEvaluator({ sram: options.sram });
  if (colon < 0 && kind === 'proxy') {
    return proxyEvaluator({ batch: options.batch, seed: options.seed, threads: options.threads, sram: options.sram, maxOutputBytes: options.maxOutputBytes });
  }
  if (colon >= 0 && kind === 'command') {
    const command = spec.slice(colon + 1);
    if (command.trim() === '') throw new InputError('evaluator', spec, EVALUATOR_SPECS, 'command: needs the trainer command after the colon');
    return commandEvaluator(command, options);
  }
  if (colon >= 0 && kind === 'torch') return torchEvaluator(spec, options);
  throw new InputError('evaluator', spec, EVALUATOR_SPECS);
}

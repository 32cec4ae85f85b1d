import { formatValue, InputError } from '../errors.js';
import { commandEvaluator, type CommandEvaluatorOptions } from './command.js';
import { costEvaluator, type CostEvaluatorOptions } from './cost.js';
import { proxyEvaluator, type ProxyOptions } from './proxy.js';
import { parseEvaluatorSpec } from './spec.js';
import { torchEvaluator, type TorchEvaluatorOptions } from './torch.js';
import type { Evaluator } from './types.js';

export { EVALUATOR_SPECS, parseEvaluatorSpec, parseMetricList, checkMetricList, type EvaluatorSpec } from './spec.js';

/** Options of every evaluator; each takes the ones that apply to it. */
export type EvaluatorOptions = CostEvaluatorOptions & ProxyOptions & TorchEvaluatorOptions;

/**
 * An evaluator by spec: `cost` (cost-model estimates only), `proxy` (the NASWOT training-free
 * score plus costs) or `command:CMD` (an external trainer; everything after the first colon is
 * the shell command, see commandEvaluator for the protocol) or `torch:DATASET[:PRESET]` (the
 * PyTorch trainer in trainers/torch, a command evaluator). `options.metrics` declares a trainer's
 * metrics (`--metrics`, see commandEvaluator).
 *
 * @throws InputError for an unknown spec, a bad declaration, or a declaration with cost or proxy.
 */
export function createEvaluator(spec: string, options: EvaluatorOptions = {}): Evaluator {
  const parsed = parseEvaluatorSpec(spec);
  if (options.metrics !== undefined && (parsed.kind === 'cost' || parsed.kind === 'proxy')) {
    throw new InputError('--metrics', options.metrics, 'declared metrics only with a command:CMD or torch:DATASET evaluator', `got ${formatValue(options.metrics)} with evaluator ${parsed.kind}, whose metrics are fixed`);
  }
  if (parsed.kind === 'cost') return costEvaluator({ sram: options.sram });
  if (parsed.kind === 'proxy') {
    return proxyEvaluator({ batch: options.batch, seed: options.seed, threads: options.threads, sram: options.sram, maxOutputBytes: options.maxOutputBytes });
  }
  if (parsed.kind === 'command') return commandEvaluator(parsed.rest, options);
  return torchEvaluator(spec, options);
}


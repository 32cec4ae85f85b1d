/**
 * What an evaluator spec (`--evaluator`, or `config.evaluator` in records) means, with no
 * evaluator loaded: the one reading that createEvaluator, the record schema and the resume trust
 * check share.
 */
import { InputError } from '../errors.js';

/** What an --evaluator value may be. */
export const EVALUATOR_SPECS = 'cost, proxy, command:CMD, torch:DATASET[:PRESET] (fashion-mnist, cifar10, cifar100; proxy-1epoch, paper-mini)';

export const TORCH_DATASETS = ['fashion-mnist', 'cifar10', 'cifar100'] as const;
export const TORCH_PRESETS = ['proxy-1epoch', 'paper-mini'] as const;
export type TorchDataset = (typeof TORCH_DATASETS)[number];
export type TorchPreset = (typeof TORCH_PRESETS)[number];

export function parseTorchSpec(spec: string): { dataset: TorchDataset; preset: TorchPreset } {
  const [, dataset = '', preset = 'proxy-1epoch', ...rest] = spec.split(':');
  if (!(TORCH_DATASETS as readonly string[]).includes(dataset)) throw new InputError('evaluator', spec, `torch:DATASET[:PRESET] with DATASET one of ${TORCH_DATASETS.join(', ')}`);
  if (!(TORCH_PRESETS as readonly string[]).includes(preset) || rest.length > 0) throw new InputError('evaluator', spec, `torch:${dataset}:PRESET with PRESET one of ${TORCH_PRESETS.join(', ')}`);
  return { dataset: dataset as TorchDataset, preset: preset as TorchPreset };
}

/** An evaluator spec taken apart: its kind and, for command:/torch:, what follows the first colon. */
export interface EvaluatorSpec {
  kind: 'cost' | 'proxy' | 'command' | 'torch';
  rest: string;
}

/**
 * The one reading of an evaluator spec, used by createEvaluator and by every decision about one
 * (the resume trust check, the record schema): the kind before the first colon, spaces around it
 * ignored, so ` command:x` is a command everywhere.
 *
 * @throws InputError('evaluator', ...) for an unknown kind or an empty command.
 */
export function parseEvaluatorSpec(spec: string): EvaluatorSpec {
  const colon = spec.indexOf(':');
  const kind = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  if (colon < 0 && (kind === 'cost' || kind === 'proxy')) return { kind, rest };
  if (colon >= 0 && kind === 'command') {
    if (rest.trim() === '') throw new InputError('evaluator', spec, EVALUATOR_SPECS, 'command: needs the trainer command after the colon');
    return { kind, rest };
  }
  if (colon >= 0 && kind === 'torch') {
    parseTorchSpec(spec);
    return { kind, rest };
  }
  throw new InputError('evaluator', spec, EVALUATOR_SPECS);
}

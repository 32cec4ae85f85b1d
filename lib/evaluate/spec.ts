/**
 * What an evaluator spec (`--evaluator`, or `config.evaluator` in records) means, with no
 * evaluator loaded: the one reading that createEvaluator, the record schema and the resume trust
 * check share.
 */
import { formatValue, InputError, showName } from '../errors.js';
import { METRICS, metricInfo } from '../metrics.js';

/** What an --evaluator value may be. */
export const EVALUATOR_SPECS = 'cost, proxy, command:CMD, torch:DATASET[:PRESET] (DATASET fashion-mnist, cifar10, cifar100, or the path of an image folder or .npz file written with a / or ending in .npz; PRESET proxy-1epoch, paper-mini)';

export const TORCH_DATASETS = ['fashion-mnist', 'cifar10', 'cifar100'] as const;
export const TORCH_PRESETS = ['proxy-1epoch', 'paper-mini'] as const;
export type TorchDataset = (typeof TORCH_DATASETS)[number];
export type TorchPreset = (typeof TORCH_PRESETS)[number];

/** A torch evaluator spec taken apart. */
export interface TorchSpec {
  /** A shipped dataset's name, or the dataset path as written (relative to the working directory). */
  dataset: string;
  preset: TorchPreset;
  /** The path of the user's own dataset (an image folder or .npz file), or null for a shipped dataset. */
  path: string | null;
}

const TORCH_ALLOWED = `torch:DATASET[:PRESET] with DATASET one of ${TORCH_DATASETS.join(', ')} or the path of your own dataset (an image folder or .npz file; written with a / as in ./flowers, or ending in .npz)`;

/**
 * `torch:DATASET[:PRESET]`: DATASET is a shipped dataset (TORCH_DATASETS) or the path of the
 * user's own one, an image folder or an .npz file (trainers/torch/own_data.py). A path is told
 * from a name by a `/` in it or a `.npz` ending (`torch:./flowers`, `torch:data/set.npz:paper-mini`);
 * a trailing `:PRESET` is taken off first, so a path cannot contain `:`.
 *
 * @throws InputError('evaluator', spec, ...) for an unknown name, a path with `:`, an unknown preset
 *   (`PATH:WORD` where WORD has no `/` and no .npz ending is read as a preset: `torch:d/set.npz:fast`).
 */
export function parseTorchSpec(spec: string): TorchSpec {
  const body = spec.slice(spec.indexOf(':') + 1);
  const parts = body.split(':');
  const last = parts.length > 1 ? (parts.at(-1) as string) : undefined;
  const hasPreset = last !== undefined && (TORCH_PRESETS as readonly string[]).includes(last);
  const dataset = hasPreset ? parts.slice(0, -1).join(':') : body;
  const preset = (hasPreset ? last : 'proxy-1epoch') as TorchPreset;
  const first = parts[0] ?? '';
  if ((TORCH_DATASETS as readonly string[]).includes(first) && dataset !== first) {
    throw new InputError('evaluator', spec, `torch:${first}:PRESET with PRESET one of ${TORCH_PRESETS.join(', ')}`);
  }
  if ((TORCH_DATASETS as readonly string[]).includes(dataset)) return { dataset, preset, path: null };
  const isPath = dataset.includes('/') || dataset.toLowerCase().endsWith('.npz');
  if (!isPath) throw new InputError('evaluator', spec, TORCH_ALLOWED, dataset === '' ? 'no dataset after torch:' : `${formatValue(dataset)} is neither a shipped dataset nor a path (a path has a / or ends in .npz)`);
  if (dataset.includes(':')) {
    // `PATH:WORD` with WORD no path (no /, no .npz ending): a preset misspelt, not a path with a colon.
    if (!hasPreset && last !== undefined && !last.includes('/') && !last.toLowerCase().endsWith('.npz')) {
      throw new InputError('evaluator', spec, `torch:DATASET:PRESET with PRESET one of ${TORCH_PRESETS.join(', ')}`, `unknown preset ${formatValue(last)} after the dataset path ${formatValue(parts.slice(0, -1).join(':'))} (a dataset path cannot contain ':')`);
    }
    throw new InputError('evaluator', spec, `${TORCH_ALLOWED}; PRESET one of ${TORCH_PRESETS.join(', ')}`, `the dataset path ${formatValue(dataset)} contains ':', which separates the preset (rename or link the folder)`);
  }
  return { dataset, preset, path: dataset };
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
  if (spec !== spec.trim()) throw new InputError('evaluator', spec, `${EVALUATOR_SPECS}, without surrounding spaces`);
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

/** Longest list `--metrics` may declare. */
export const MAX_DECLARED_METRICS = 32;
/** Longest declared metric name (characters). */
export const MAX_METRIC_NAME_CHARS = 64;
/** What a declared metric name may look like: a letter, then letters, digits and `_`. */
export const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A trainer's declaration when none is given (what the command evaluator always required). */
export const DEFAULT_TRAINER_METRICS: readonly string[] = ['accuracy'];
/** Metrics paretonas computes itself (cost and predicted ones, from lib/metrics.ts): never declared. */
export const COMPUTED_METRICS: readonly string[] = METRICS.filter((m) => m.source !== 'evaluated').map((m) => m.name);

const METRICS_ALLOWED = `metric names the trainer reports, separated by commas: a letter then letters, digits or _ (at most ${MAX_METRIC_NAME_CHARS} characters), each once, at most ${MAX_DECLARED_METRICS}, none of ${COMPUTED_METRICS.join(', ')} (paretonas computes those itself)`;

/**
 * A declared metric list (`evaluatorOptions.metrics`) checked: a non-empty list of distinct
 * names matching METRIC_NAME, at most MAX_DECLARED_METRICS, none of COMPUTED_METRICS.
 *
 * @param field names the input in the error (`--metrics`, or a record's field).
 * @param shown the value as the user wrote it (the flag's text), for the error line.
 * @throws InputError(field, ...) one line naming the value, the bad name and what is allowed.
 */
export function checkMetricList(value: unknown, field = '--metrics', shown: unknown = value): string[] {
  const refuse = (why: string): never => {
    throw new InputError(field, shown, METRICS_ALLOWED, `got ${formatValue(shown)}: ${why}`);
  };
  if (!Array.isArray(value)) return refuse('not a list of names');
  if (value.length === 0) return refuse('no metric named');
  if (value.length > MAX_DECLARED_METRICS) refuse(`${value.length} names, more than ${MAX_DECLARED_METRICS}`);
  const seen = new Set<string>();
  for (const name of value as unknown[]) {
    if (typeof name !== 'string') return refuse(`${formatValue(name)} is not a name`);
    if (name === '') refuse('an empty name');
    if (name.length > MAX_METRIC_NAME_CHARS) refuse(`${showName(name)} is longer than ${MAX_METRIC_NAME_CHARS} characters`);
    if (!METRIC_NAME.test(name)) refuse(`${showName(name)} is not a name (a letter, then letters, digits or _)`);
    if (COMPUTED_METRICS.includes(name)) refuse(`${name} is computed by paretonas (${metricInfo(name).source === 'cost' ? 'a cost metric' : 'a predicted metric'}), not reported by a trainer`);
    if (seen.has(name)) refuse(`${name} is named twice`);
    seen.add(name);
  }
  return [...seen];
}

/**
 * The `--metrics` flag's text (`accuracy,mcuLatencyMs`; spaces around names ignored) as the
 * declared list, checked by checkMetricList.
 *
 * @throws InputError('--metrics', text, ...) for an empty, malformed, repeated or computed name.
 */
export function parseMetricList(text: string): string[] {
  if (text.length > MAX_DECLARED_METRICS * (MAX_METRIC_NAME_CHARS + 8)) {
    throw new InputError('--metrics', text, METRICS_ALLOWED, `got ${formatValue(text)}: too long`);
  }
  return checkMetricList(text.split(',').map((s) => s.trim()), '--metrics', text);
}

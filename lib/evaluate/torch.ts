/**
 * The PyTorch trainer (trainers/torch/train.py) behind the command evaluator: `torch:DATASET` or
 * `torch:DATASET:PRESET`. The trainer rebuilds the network from the Graph JSON in the request,
 * so what a candidate means stays defined here, in TypeScript.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { splitArgs } from './argv.js';
import { commandEvaluator, type CommandEvaluatorOptions } from './command.js';
import { datasetPreflight } from './dataset-preflight.js';
import { parseTorchSpec } from './spec.js';
import type { Evaluator } from './types.js';

export { TORCH_DATASETS, TORCH_PRESETS, parseTorchSpec, type TorchDataset, type TorchPreset, type TorchSpec } from './spec.js';

/** trainers/torch/train.py of the package (two levels above lib/evaluate or dist/evaluate). */
export const TORCH_TRAINER = fileURLToPath(new URL('../../trainers/torch/train.py', import.meta.url));

/** Debian's python3 (which has python3-torch) unless PARETONAS_PYTHON says otherwise. */
export function torchPython(): string {
  return process.env.PARETONAS_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

export interface TorchEvaluatorOptions extends CommandEvaluatorOptions {
  /**
   * More trainer flags, e.g. `--subset-train 6000 --epochs 3 --device cuda --data-dir ~/data`:
   * split into words as a shell would (quotes, backslashes, a leading ~), then passed as the
   * trainer's argument vector — never through a shell.
   */
  trainerArgs?: string;
}

/** Throws a one-line error when the trainer cannot run here (no python, no torch). */
export function checkTorchTrainer(python = torchPython()): void {
  const r = spawnSync(python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop();
    throw new InputError('evaluator', 'torch', 'a python3 with torch and numpy (npm run setup installs Debian\'s python3-torch; PARETONAS_PYTHON picks another python)', `${python} cannot import torch: ${why}`);
  }
}


/**
 * Every metric name trainers/torch/train.py may report besides `accuracy` (kept in records, not
 * declared: losses are missing when they are not finite, the KD figures only with --teacher,
 * `diverged` only when training diverged). Declare one with `--metrics` to require it and make
 * it an objective or a limit. A test reads train.py to keep this list complete.
 */
export const TORCH_REPORTS: readonly string[] = [
  'test_loss', 'epochs', 'train_seconds', 'accuracy_top5', 'train_loss', 'diverged',
  'accuracy_before_kd', 'accuracy_after_kd', 'kd_epochs', 'kd_seconds', 'teacher_train_accuracy', 'accuracy_top5_before_kd', 'kd_train_loss',
];

/**
 * The command evaluator running the PyTorch trainer; declared metrics `accuracy` (top-1 on the
 * test split) unless `metrics` says otherwise, and TORCH_REPORTS accepted besides: any other name
 * in a result is 'malformed'. A dataset path (your own image folder or .npz file) is resolved
 * against the working directory when the evaluator is made. Its `preflight` runs the trainer's
 * `--describe` and checks the dataset's classes and channels against the space
 * (dataset-preflight.ts).
 */
export function torchEvaluator(spec: string, options: TorchEvaluatorOptions = {}): Evaluator {
  const { dataset, preset, path } = parseTorchSpec(spec);
  const argv = [torchPython(), TORCH_TRAINER, '--dataset', path === null ? dataset : resolve(path), '--preset', preset, ...splitArgs(options.trainerArgs ?? '', '--trainer-args')];
  const evaluator = commandEvaluator(argv, { ...options, reports: [...TORCH_REPORTS, ...(options.reports ?? [])] });
  return { ...evaluator, name: spec, preflight: (space, onNote) => datasetPreflight(argv, spec, dataset, space, onNote) };
}

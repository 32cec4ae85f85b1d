/**
 * The dataset preflight of the torch evaluator: before the first proposal, the trainer describes
 * its dataset (`train.py --describe`: classes, channels, height, width, train and test samples)
 * and the search space is checked against it, so a space whose head cannot fit the dataset is
 * refused with one line (exit 2) instead of failing every candidate.
 *
 * What is checked (the trainer's own rules, trainers/torch/data.py Split):
 * - classes: the space's `classes` must equal the dataset's (the head's outputs are the labels);
 * - channels: equal, or adapted: 1-channel images are replicated to C channels, C-channel images
 *   averaged to 1 (a note says so); anything else (3 -> 2, 1 <- 4 ...) is refused;
 * - size: H x W images other than the space's R x R input are resized by the trainer (bilinear,
 *   antialiased when shrinking; a non-square image changes aspect): a note, never a refusal.
 */
import { spawn } from 'node:child_process';
import { formatValue, InputError } from '../errors.js';
import type { SearchSpace } from '../space/space.js';

/** What `train.py --describe` prints (one JSON line); train/test are after --subset-train/--subset-test. */
export interface DatasetDescription {
  classes: number;
  channels: number;
  /** Image height and width (pixels) as stored; the trainer resizes them to the network's input. */
  height: number;
  width: number;
  /** Training and test samples a run uses. */
  train: number;
  test: number;
  /** 'builtin', 'folder' or 'npz'. */
  kind: string;
  /** Where the test split comes from, in words (e.g. "held out here: 0.2 of each class ..."). */
  split: string;
  classNames?: string[];
  /** What the loader changed or skipped (resized images, ignored files ...). */
  notes: string[];
}

const PREFIX = 'paretonas-torch: error:';

function isDescription(v: unknown): v is DatasetDescription {
  const d = v as Record<string, unknown>;
  return typeof v === 'object' && v !== null && ['classes', 'channels', 'height', 'width', 'train', 'test'].every((k) => Number.isInteger(d[k])) && Array.isArray(d.notes);
}

/**
 * Runs the trainer's `--describe` (argv: the trainer's command, e.g. [python, train.py, --dataset,
 * X, ...trainer args]) and parses its JSON line.
 *
 * @param spec the evaluator spec, named in errors.
 * @throws InputError('--evaluator', spec, ...) with the trainer's one-line reason (a missing or bad
 *   dataset: empty class folder, one class, unreadable image ...) or when it prints no description.
 */
export function describeDataset(argv: readonly string[], spec: string, timeoutMs = 300_000): Promise<DatasetDescription> {
  const [program, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args, '--describe'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new InputError('--evaluator', spec, 'a trainer that can describe its dataset', `${program}: ${err.message}`));
    });
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      const lastError = stderr.split('\n').filter((l) => l.startsWith(PREFIX)).pop();
      if (status !== 0 || lastError) {
        const why = lastError ? lastError.slice(PREFIX.length).trim() : signal ? `killed by ${signal}${signal === 'SIGKILL' ? ` after ${timeoutMs / 1000} s` : ''}` : `exit ${status}: ${stderr.trim().split('\n').pop() ?? ''}`;
        reject(new InputError('--evaluator', spec, 'a readable dataset (see trainers/torch/README.md, "Your own dataset")', `dataset check: ${why}`));
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '');
      } catch {
        parsed = undefined;
      }
      if (!isDescription(parsed)) reject(new InputError('--evaluator', spec, 'a trainer printing {classes, channels, height, width, train, test, notes}', `--describe printed ${formatValue(stdout.trim().slice(0, 200))}`));
      else resolve(parsed);
    });
  });
}

/**
 * Checks a described dataset against a space's input and classes (rules in the module comment).
 *
 * @param dataset the dataset as the user wrote it (named in the lines).
 * @returns notes for the person (adaptations, the loader's notes), each one line.
 * @throws InputError('--space', space.name, ...) naming both numbers on a class-count or
 *   channel-count mismatch; InputError('--trainer-args', ...) when a split is left empty.
 */
export function checkDatasetFits(d: DatasetDescription, space: Pick<SearchSpace, 'name' | 'input' | 'classes'>, dataset: string): string[] {
  if (d.classes !== space.classes) {
    throw new InputError('--space', space.name, `a space with ${d.classes} classes for this dataset (or a dataset of ${space.classes} classes)`, `space ${space.name} has ${space.classes} classes but dataset ${dataset} has ${d.classes}: every candidate's head would be the wrong size`);
  }
  const c = space.input.channels;
  if (c !== d.channels && c !== 1 && d.channels !== 1) {
    throw new InputError('--space', space.name, `a space with ${d.channels} input channels (or 1: the images are averaged to grey)`, `space ${space.name} takes ${c}-channel input but dataset ${dataset} has ${d.channels}-channel images (only 1 -> C and C -> 1 are adapted)`);
  }
  if (d.train < 1 || d.test < 1) {
    throw new InputError('--trainer-args', `${d.train} training and ${d.test} test samples`, 'at least one sample in each split (--subset-train, --subset-test)', `dataset ${dataset} leaves ${d.train} training and ${d.test} test samples`);
  }
  const notes: string[] = [];
  const where = `dataset ${dataset}`;
  if (c !== d.channels) notes.push(d.channels === 1 ? `${where}: 1-channel images replicated to the space's ${c} channels` : `${where}: ${d.channels}-channel images averaged to the space's 1 channel`);
  const r = space.input.resolution;
  if (d.height !== r || d.width !== r) {
    notes.push(`${where}: ${d.height}x${d.width} images (H x W, pixels) resized to the space's ${r}x${r} input (bilinear${d.height !== d.width ? '; the aspect ratio changes' : ''})`);
  }
  if (d.kind !== 'builtin') notes.push(`${where}: ${d.classes} classes, ${d.train} training and ${d.test} test images; test split: ${d.split}`);
  for (const n of d.notes) notes.push(`${where}: ${n}`);
  return notes;
}

/** describeDataset then checkDatasetFits, the notes to onNote: what an Evaluator's preflight runs. */
export async function datasetPreflight(argv: readonly string[], spec: string, dataset: string, space: SearchSpace, onNote?: (line: string) => void): Promise<void> {
  const notes = checkDatasetFits(await describeDataset(argv, spec), space, dataset);
  for (const n of notes) onNote?.(n);
}

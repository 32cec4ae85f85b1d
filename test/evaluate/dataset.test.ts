/**
 * Your own dataset for the torch evaluator (an image folder, an .npz file) and the dataset
 * preflight. The tiny datasets are written in the test by Debian's python3 (PIL, numpy), so the
 * counts the trainer describes are checked against what was written.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { checkDatasetFits, describeDataset, type DatasetDescription } from '../../lib/evaluate/dataset-preflight.js';
import { parseTorchSpec } from '../../lib/evaluate/spec.js';
import { TORCH_TRAINER, torchEvaluator } from '../../lib/evaluate/torch.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import type { SearchSpace } from '../../lib/space/space.js';
import { HAVE_TORCH, PYTHON } from '../helpers-python.js';
import { rejection, ROOT, runNode, thrownInputError } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'own-dataset-'));

/** Writes files with Debian's python3; `script` gets `out` (the target) and numpy/PIL. */
function python(script: string, out: string): void {
  const r = spawnSync(PYTHON, ['-c', `import os, sys, numpy as np\nfrom PIL import Image\nout = sys.argv[1]\nrng = np.random.default_rng(0)\n${script}`, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
}

/** An image folder: class c gets counts[c] RGB images of 8x8 pixels, brightness by class (learnable). */
function imageFolder(name: string, counts: number[], extra = ''): string {
  const root = join(tmp, name);
  python(`
for c, n in enumerate(${JSON.stringify(counts)}):
    os.makedirs(os.path.join(out, f'class{c}'), exist_ok=True)
    for i in range(n):
        a = (rng.random((8, 8, 3)) * 60 + c * 90).astype(np.uint8)
        Image.fromarray(a).save(os.path.join(out, f'class{c}', f'{i}.png'))
${extra}`, root);
  return root;
}

const DESCRIBE = (dataset: string, ...args: string[]) => [PYTHON, TORCH_TRAINER, '--dataset', dataset, ...args];

const space = (classes: number, channels: number, resolution: number): Pick<SearchSpace, 'name' | 'input' | 'classes'> => ({ name: 'test-space', classes, input: { channels, resolution } });
const described = (over: Partial<DatasetDescription> = {}): DatasetDescription => ({ classes: 10, channels: 1, height: 28, width: 28, train: 60000, test: 10000, kind: 'builtin', split: 'own', notes: [], ...over });

describe('torch:DATASET[:PRESET] with a dataset path', () => {
  it('tells shipped names from paths (a / or .npz) and takes a trailing preset off', () => {
    expect(parseTorchSpec('torch:fashion-mnist')).toEqual({ dataset: 'fashion-mnist', preset: 'proxy-1epoch', path: null });
    expect(parseTorchSpec('torch:cifar10:paper-mini')).toEqual({ dataset: 'cifar10', preset: 'paper-mini', path: null });
    expect(parseTorchSpec('torch:./data/flowers')).toEqual({ dataset: './data/flowers', preset: 'proxy-1epoch', path: './data/flowers' });
    expect(parseTorchSpec('torch:set.npz:paper-mini')).toEqual({ dataset: 'set.npz', preset: 'paper-mini', path: 'set.npz' });
    expect(parseTorchSpec('torch:/abs/x y/imgs')).toMatchObject({ path: '/abs/x y/imgs' });
  });

  it("refuses a path with ':', a bare unknown name and a bad preset, each in one line naming the value", () => {
    const colon = thrownInputError(() => parseTorchSpec('torch:./a:b/imgs'));
    expect(colon.message).toMatch(/^evaluator: the dataset path "\.\/a:b\/imgs" contains ':'/);
    expect(thrownInputError(() => parseTorchSpec('torch:./a:b:paper-mini')).message).toMatch(/"\.\/a:b" contains ':'/);
    expect(thrownInputError(() => parseTorchSpec('torch:flowers')).message).toMatch(/"flowers" is neither a shipped dataset nor a path/);
    expect(thrownInputError(() => parseTorchSpec('torch:')).message).toMatch(/no dataset after torch:/);
    expect(thrownInputError(() => parseTorchSpec('torch:fashion-mnist:fast')).message).toMatch(/PRESET one of proxy-1epoch, paper-mini/);
    for (const e of [colon]) expect(e.message).not.toContain('\n');
  });

  it('reads PATH:WORD (WORD no path) as a misspelt preset, not a path with a colon', () => {
    expect(thrownInputError(() => parseTorchSpec('torch:ds/good.npz:bogus')).message).toBe(`evaluator: unknown preset "bogus" after the dataset path "ds/good.npz" (a dataset path cannot contain ':'); allowed: torch:DATASET:PRESET with PRESET one of proxy-1epoch, paper-mini`);
    expect(thrownInputError(() => parseTorchSpec('torch:./flowers:paper_mini')).message).toMatch(/^evaluator: unknown preset "paper_mini" after the dataset path "\.\/flowers"/);
    // still a path with a colon: the last part has a / or ends in .npz
    expect(thrownInputError(() => parseTorchSpec('torch:./a:b.npz')).message).toMatch(/"\.\/a:b\.npz" contains ':'/);
    expect(thrownInputError(() => parseTorchSpec('torch:./a:b/c:paper-mini')).message).toMatch(/"\.\/a:b\/c" contains ':'/);
  });
});

describe('checkDatasetFits: the space against the described dataset', () => {
  it("refuses a class-count mismatch naming both numbers (a 2-class space on Fashion-MNIST's 10)", () => {
    const e = thrownInputError(() => checkDatasetFits(described(), space(2, 1, 32), 'fashion-mnist'));
    expect(e.message).toBe("--space: space test-space has 2 classes but dataset fashion-mnist has 10: every candidate's head would be the wrong size; allowed: a space with 10 classes for this dataset (or a dataset of 2 classes)");
  });

  it('refuses channels the trainer cannot adapt (3 -> 2), adapts 1 -> 3 and 3 -> 1 with a note', () => {
    expect(thrownInputError(() => checkDatasetFits(described({ channels: 3 }), space(10, 2, 32), 'x.npz')).message).toMatch(/takes 2-channel input but dataset x.npz has 3-channel images/);
    expect(checkDatasetFits(described(), space(10, 3, 28), 'fashion-mnist')).toEqual(["dataset fashion-mnist: 1-channel images replicated to the space's 3 channels"]);
    expect(checkDatasetFits(described({ channels: 3, height: 28 }), space(10, 1, 28), 'd/')).toEqual(["dataset d/: 3-channel images averaged to the space's 1 channel"]);
  });

  it('refuses a split left empty (--subset-train 0)', () => {
    expect(thrownInputError(() => checkDatasetFits(described({ train: 0 }), space(10, 1, 28), 'fashion-mnist')).message).toBe('--trainer-args: dataset fashion-mnist leaves 0 training and 10000 test samples; allowed: at least one sample in each split (--subset-train, --subset-test)');
  });

  it('says a differing size is resized (the aspect ratio when not square), and passes the loader notes on', () => {
    expect(checkDatasetFits(described(), space(10, 1, 32), 'fashion-mnist')).toEqual(["dataset fashion-mnist: 28x28 images (H x W, pixels) resized to the space's 32x32 input (bilinear)"]);
    const own = described({ height: 8, width: 12, kind: 'folder', train: 16, test: 4, split: 'the train/ and test/ folders', notes: ['ignored files that are not images: 1 .txt'] });
    expect(checkDatasetFits(own, space(10, 1, 8), './d')).toEqual([
      "dataset ./d: 8x12 images (H x W, pixels) resized to the space's 8x8 input (bilinear; the aspect ratio changes)",
      'dataset ./d: 10 classes, 16 training and 4 test images; test split: the train/ and test/ folders',
      'dataset ./d: ignored files that are not images: 1 .txt',
    ]);
  });
});

/** Two stages, stride 2 each: an 8x8 input ends 2x2 before the head. */
const TINY = {
  blocks: [
    { output_channels: 8, num_layers: 1, kernel_size: 3, stride: 2, expansion_factor: 3, use_se: false, se_ratio: 0, conv_type: 'mbconv', skip_op: 'identity', activation: 'relu' },
    { output_channels: 8, num_layers: 1, kernel_size: 3, stride: 2, expansion_factor: 3, use_se: false, se_ratio: 0, conv_type: 'depthwise', skip_op: 'identity', activation: 'relu' },
  ],
} as unknown as Candidate;

function evaluationInput(classes: number, channels: number) {
  const base = resolveSpace('tinyml-fashion-mnist');
  const s: SearchSpace = { ...base, classes, input: { channels, resolution: 8 } };
  return { candidate: TINY, key: 'tiny', seed: 0, space: s, graph: lowerBlockNet(TINY, { resolution: 8, classes, inputChannels: channels }) };
}
/** A few seconds of training at most: one epoch of tiny batches, no BN recalibration beyond the set. */
const QUICK = '--epochs 1 --batch-size 4 --bn-recalibrate 16 --threads 1';

describe.skipIf(!HAVE_TORCH)('the trainer on your own dataset', () => {
  it('an image folder of class folders: described (held-out split of 0.2 per class, stated) and trained one epoch', async () => {
    const root = imageFolder('folder', [7, 10, 6], "open(os.path.join(out, 'class0', 'readme.txt'), 'w').write('not an image')");
    const d = await describeDataset(DESCRIBE(root), 'torch:folder');
    // held out per class: round(7 * 0.2) = 1, round(10 * 0.2) = 2, round(6 * 0.2) = 1
    expect(d).toEqual({ classes: 3, channels: 3, height: 8, width: 8, train: 6 + 8 + 5, test: 1 + 2 + 1, kind: 'folder', split: 'held out here: 0.2 of each class (seeded by --data-seed 0)', classNames: ['class0', 'class1', 'class2'], notes: ['ignored files that are not images: 1 .txt'] });
    const half = await describeDataset(DESCRIBE(root, '--test-fraction', '0.5'), 'torch:folder');
    expect([half.train, half.test]).toEqual([3 + 5 + 3, 4 + 5 + 3]); // round(3.5) = 4 (half to even: 4), round(5) = 5, round(3) = 3
    const progress: Record<string, unknown>[] = [];
    const e = await torchEvaluator(`torch:${root}`, { trainerArgs: QUICK, onProgress: (p) => progress.push(p) }).evaluate(evaluationInput(3, 3));
    expect(progress.find((p) => p.phase === 'setup')).toMatchObject({ trainSamples: 19, testSamples: 4, classes: 3, split: d.split });
    expect(e.metrics.epochs).toBe(1);
    // 4 test images: accuracy is a multiple of 1/4
    expect([0, 0.25, 0.5, 0.75, 1]).toContain(e.metrics.accuracy);
  }, 120_000);

  it('ROOT/train + ROOT/test: the folders are the split; a test class must be a train class', async () => {
    const root = join(tmp, 'split');
    python(`
for part, n in (('train', 5), ('test', 2)):
    for c in ('a', 'b'):
        os.makedirs(os.path.join(out, part, c), exist_ok=True)
        for i in range(n):
            Image.fromarray((rng.random((6, 10)) * 255).astype(np.uint8)).save(os.path.join(out, part, c, f'{i}.png'))
`, root);
    expect(await describeDataset(DESCRIBE(root), 'x')).toMatchObject({ classes: 2, channels: 1, height: 6, width: 10, train: 10, test: 4, split: 'the train/ and test/ folders' });
    mkdirSync(join(root, 'test', 'c'));
    writeFileSync(join(root, 'test', 'c', '0.png'), readFileSync(join(root, 'test', 'a', '0.png')));
    expect((await rejection(describeDataset(DESCRIBE(root), 'torch:x'))).message).toMatch(/test: class folder 'c' is not among the train classes \(a, b\)/);
  }, 60_000);

  it('an .npz file (N x H x W x C floats in [0, 1]): described and trained one epoch', async () => {
    const file = join(tmp, 'set.npz');
    python(`
x = rng.random((24, 8, 8, 1)).astype(np.float32)
y = np.arange(24) % 2
x[y == 1] = x[y == 1] * 0.3 + 0.7
np.savez(out, x_train=x[:18], y_train=y[:18], x_test=x[18:], y_test=y[18:])
`, file);
    const d = await describeDataset(DESCRIBE(file), 'torch:set.npz');
    expect(d).toEqual({ classes: 2, channels: 1, height: 8, width: 8, train: 18, test: 6, kind: 'npz', split: 'x_test, y_test', classNames: ['0', '1'], notes: ['x_train: floats in [0, 1] scaled by 255', 'x_test: floats in [0, 1] scaled by 255'] });
    const e = await torchEvaluator(`torch:${file}`, { trainerArgs: QUICK }).evaluate(evaluationInput(2, 1));
    expect([0, 1, 2, 3, 4, 5, 6].map((k) => k / 6)).toContain(e.metrics.accuracy);
    expect(Number.isFinite(e.metrics.test_loss)).toBe(true);
  }, 120_000);

  it('an .npz file of N x C x H x W int64 pixels without test arrays: channels 3, a held-out split of 0.2 per class', async () => {
    const file = join(tmp, 'nchw.npz');
    python('np.savez(out, x_train=rng.integers(0, 256, (15, 3, 8, 12)), y_train=np.array([0] * 10 + [1] * 5))', file);
    // held out: round(10 * 0.2) = 2 of class 0, round(5 * 0.2) = 1 of class 1
    expect(await describeDataset(DESCRIBE(file), 'x')).toMatchObject({ classes: 2, channels: 3, height: 8, width: 12, train: 12, test: 3, notes: [] });
  }, 60_000);

  it('bad datasets fail the preflight with one line naming the folder or file and why', async () => {
    const bad = async (root: string) => {
      const err = await rejection(describeDataset(DESCRIBE(root), `torch:${root}`));
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).not.toContain('\n');
      return err.message;
    };
    const empty = imageFolder('empty-class', [3, 3]);
    mkdirSync(join(empty, 'class2'));
    expect(await bad(empty)).toContain(`${join(empty, 'class2')}: class folder 'class2' holds no image`);
    expect(await bad(imageFolder('one-class', [4]))).toContain('one class folder (class0); a classifier needs at least 2');
    const broken = imageFolder('unreadable', [3, 3]);
    writeFileSync(join(broken, 'class1', 'zz.png'), 'this is not a PNG');
    expect(await bad(broken)).toMatch(new RegExp(`${join(broken, 'class1', 'zz.png')}: not a readable image \\(UnidentifiedImageError`));
    expect(await bad(imageFolder('single', [1, 3]))).toContain("class folder 'class0' has 1 image(s); a held-out split needs at least 2 per class");
    const npz = join(tmp, 'bad.npz');
    python('np.savez(out, x_train=np.zeros((4, 3, 8, 3), np.uint8), y_train=np.array([0, 1, 0, 1]))', npz);
    expect(await bad(npz)).toContain('x_train has shape [4, 3, 8, 3]');
    python('np.savez(out, images=np.zeros((4, 8, 8), np.uint8))', npz);
    expect(await bad(npz)).toContain('no x_train array (it has: images)');
    python('np.savez(out, x_train=np.zeros((4, 8, 8), np.uint8), y_train=np.array([0, 2, 0, 2]))', npz);
    expect(await bad(npz)).toContain('class 1 has no training image');
    expect(await bad(join(tmp, 'missing'))).toContain('no such file or folder');
  }, 120_000);

  const refused = async (path: string) => {
    const err = await rejection(describeDataset(DESCRIBE(path), `torch:${path}`));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).not.toContain('\n');
    return err.message;
  };
  const npz = (name: string, script: string) => {
    const file = join(tmp, name);
    python(script, file);
    return file;
  };

  it('an .npz with zero images says so (not a dtype complaint), in x_train or x_test', async () => {
    const zero = npz('zero.npz', 'np.savez(out, x_train=np.zeros((0, 1, 8, 8), np.float32), y_train=np.zeros(0, np.int64))');
    expect(await refused(zero)).toContain(`${zero}: x_train holds zero images (shape [0, 1, 8, 8]): allowed at least one image`);
    const zeroTest = npz('zero-test.npz', 'np.savez(out, x_train=np.zeros((4, 8, 8), np.uint8), y_train=np.array([0, 1, 0, 1]), x_test=np.zeros((0, 8, 8), np.uint8), y_test=np.zeros(0, np.int64))');
    expect(await refused(zeroTest)).toContain('x_test holds zero images (shape [0, 1, 8, 8])');
  }, 60_000);

  it('a label not below the number of classes is named with its array (y_train, or y_test only)', async () => {
    // labels 0, 1, 99: three distinct labels, so K = 3 and 99 is out of range (class 2 has no training image)
    const big = npz('label99.npz', 'np.savez(out, x_train=rng.random((6, 8, 8)).astype(np.float32), y_train=np.array([0, 1, 99, 0, 1, 0]))');
    expect(await refused(big)).toContain(`${big}: label 99 in y_train is not below the number of classes 3 (the distinct labels of y_train): allowed labels 0..K-1 with every class in y_train (class 2 has no training image)`);
    const onlyTest = npz('label7-test.npz', 'np.savez(out, x_train=np.zeros((4, 8, 8), np.uint8), y_train=np.array([0, 1, 0, 1]), x_test=np.zeros((3, 8, 8), np.uint8), y_test=np.array([1, 7, 0]))');
    expect(await refused(onlyTest)).toContain(`${onlyTest}: label 7 in y_test is not below the number of classes 2 (the distinct labels of y_train): allowed y_test labels among y_train's 0..1`);
  }, 60_000);

  it('a FIFO (or another special file) is said to be one, never opened (it would block)', async () => {
    const fifo = join(tmp, 'fifo.npz');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(await refused(fifo)).toContain(`${fifo}: a FIFO (named pipe), not a regular file or folder`);
  }, 60_000);
});

describe.skipIf(!HAVE_TORCH)('paretonas search: the dataset preflight before the first proposal', () => {
  it('a 2-class space against a 3-class image folder exits 2 with one line naming both numbers, and writes no record; an empty class folder is one line too', async () => {
    const root = imageFolder('cli', [3, 3, 3]);
    const out = join(tmp, 'cli-run');
    const r = await runNode([`${ROOT}dist/cli/main.js`, 'search', '--evaluator', `torch:${root}`, '--space', 'tinyml-vww-96', '--budget', '2', '--out', out], { cwd: ROOT });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('note: '));
    expect(lines).toEqual([`paretonas search: --space: space tinyml-vww-96 has 2 classes but dataset ${root} has 3: every candidate's head would be the wrong size; allowed: a space with 3 classes for this dataset (or a dataset of 2 classes)`]);
    expect(spawnSync('test', ['-s', join(out, 'records.jsonl')]).status).not.toBe(0);
    mkdirSync(join(root, 'class3'));
    const empty = await runNode([`${ROOT}dist/cli/main.js`, 'search', '--evaluator', `torch:${root}`, '--space', 'tinyml-vww-96', '--budget', '2', '--out', join(tmp, 'cli-run-2')], { cwd: ROOT });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toBe(`paretonas search: --evaluator: dataset check: ${join(root, 'class3')}: class folder 'class3' holds no image (.png, .jpg, .jpeg, .bmp, .gif, .tif, .tiff, .webp, .ppm, .pgm, .pbm); allowed: a readable dataset (see trainers/torch/README.md, "Your own dataset")\n`);
  }, 120_000);
});

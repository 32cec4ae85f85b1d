#!/usr/bin/env python3
"""Your own dataset for the trainer: an image folder or an .npz file, read into uint8 [N, C, H, W] arrays.

Image folder (one subfolder per class; class index = position of the folder name in sorted order):
  ROOT/train/CLASS/*.png and ROOT/test/CLASS/*.png when both ROOT/train and ROOT/test exist (the test classes must be
  among the train classes), else ROOT/CLASS/*.png split into train and test here: a seeded, class-stratified held-out
  split, round(n_c * fraction) images of each class c to the test split (at least 1, at most n_c - 1; fraction
  --test-fraction, default 0.2, seed --data-seed). Images: .png .jpg .jpeg .bmp .gif .tif .tiff .webp .ppm .pgm .pbm
  (other files are ignored and counted in the notes, hidden ones skipped). Grayscale images give 1 channel; if any
  image has colour every image is RGB (grey replicated, alpha dropped). Images of another size than the most common one
  are resized to it (bilinear; the notes count them); the trainer then resizes every image to the network's input.

.npz file (numpy.savez): x_train, y_train and x_test, y_test (both test arrays, or neither: then the held-out split as
  above). Images N x H x W (one channel), N x H x W x C or N x C x H x W (C = 1 or 3: the axis of size 1 or 3 is the
  channel axis; both or neither of axes 1 and 3 of that size is ambiguous and refused); uint8, integers in 0..255,
  or floats: in [0, 1] (scaled by 255) or in [0, 255]; stored as uint8 (rounded); at least one image. Labels: integers
  0..K-1, one per image; K = the number of distinct labels in y_train (so every class has a training image), and
  y_test's labels are below K.

Only numpy and PIL are needed (no torch): `train.py --describe` uses this module to describe a dataset cheaply.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np

# The shipped datasets as --describe tells them (no file read): image size H x W, train and test samples.
BUILTIN = {
    'fashion-mnist': {'classes': 10, 'channels': 1, 'height': 28, 'width': 28, 'train': 60000, 'test': 10000},
    'cifar10': {'classes': 10, 'channels': 3, 'height': 32, 'width': 32, 'train': 50000, 'test': 10000},
    'cifar100': {'classes': 100, 'channels': 3, 'height': 32, 'width': 32, 'train': 50000, 'test': 10000},
}
IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.gif', '.tif', '.tiff', '.webp', '.ppm', '.pgm', '.pbm')
DEFAULT_TEST_FRACTION = 0.2


class OwnDataError(ValueError):
    """A dataset of the user's that cannot be used (the message names the file or folder and why)."""


@dataclass
class OwnData:
    x_train: np.ndarray  # uint8 [N, C, H, W]
    y_train: np.ndarray  # int64 [N]
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: List[str]
    kind: str  # 'folder' or 'npz'
    split: str  # where the test split comes from, in words
    notes: List[str] = field(default_factory=list)

    @property
    def classes(self) -> int:
        return len(self.class_names)


def held_out_split(labels: np.ndarray, classes: int, fraction: float, seed: int, where: str,
                   names: Optional[List[str]] = None) -> Tuple[np.ndarray, np.ndarray]:
    """(train indices, test indices), class-stratified: round(n_c * fraction) of class c to test, clamped to
    [1, n_c - 1], chosen by a numpy Generator seeded with `seed`. Both sorted ascending."""
    if not 0 < fraction < 1:
        raise OwnDataError(f'--test-fraction {fraction}: allowed a fraction between 0 and 1 (exclusive)')
    rng = np.random.default_rng(int(seed))
    train, test = [], []
    for c in range(classes):
        ix = np.flatnonzero(labels == c)
        if len(ix) < 2:
            name = f'folder {names[c]!r}' if names else str(c)
            raise OwnDataError(f'{where}: class {name} has {len(ix)} image(s); a held-out split needs at least 2 per class '
                               f'(or give separate train and test data)')
        ix = rng.permutation(ix)
        n_test = min(len(ix) - 1, max(1, int(round(len(ix) * fraction))))
        test.append(ix[:n_test])
        train.append(ix[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def _class_folders(folder: str) -> List[str]:
    names = sorted(e.name for e in os.scandir(folder) if e.is_dir() and not e.name.startswith('.'))
    if not names:
        raise OwnDataError(f'{folder}: no class folders (put the images of each class in a subfolder named after it)')
    return names


def _read_image(path: str):
    from PIL import Image
    try:
        with Image.open(path) as img:
            img.load()
            if img.mode in ('1', 'L', 'LA', 'I', 'I;16', 'F'):
                return img.convert('L')  # 16-bit and float values clip at 255
            return img.convert('RGB')  # palette, RGBA, CMYK, YCbCr ...: alpha dropped
    except Exception as e:  # noqa: BLE001 PIL raises many kinds
        raise OwnDataError(f'{path}: not a readable image ({type(e).__name__}: {" ".join(str(e).split())})') from e


def _read_classes(folder: str, names: List[str], notes_ignored: Counter) -> Tuple[list, List[int]]:
    images, labels = [], []
    for c, name in enumerate(names):
        sub = os.path.join(folder, name)
        files = sorted(e.name for e in os.scandir(sub) if e.is_file() and not e.name.startswith('.'))
        chosen = [f for f in files if os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS]
        for f in files:
            if f not in chosen:
                notes_ignored[os.path.splitext(f)[1].lower() or '(no extension)'] += 1
        if not chosen:
            raise OwnDataError(f'{sub}: class folder {name!r} holds no image ({", ".join(IMAGE_EXTENSIONS)})')
        for f in chosen:
            images.append(_read_image(os.path.join(sub, f)))
            labels.append(c)
    return images, labels


def _to_array(images: list, notes: List[str]) -> np.ndarray:
    """PIL images -> uint8 [N, C, H, W] at the most common size (ties: the larger area), one channel count."""
    from PIL import Image
    sizes = Counter(img.size for img in images)  # (width, height)
    top = max(sizes.values())
    width, height = max((s for s, n in sizes.items() if n == top), key=lambda s: (s[0] * s[1], s))
    colour = any(img.mode == 'RGB' for img in images)
    if colour and any(img.mode == 'L' for img in images):
        notes.append(f"{sum(img.mode == 'L' for img in images)} grayscale images made RGB (grey replicated)")
    resized = sum(n for s, n in sizes.items() if s != (width, height))
    if resized:
        notes.append(f'{resized} images of another size resized to {height}x{width} (H x W, bilinear), the most common size')
    out = np.empty((len(images), 3 if colour else 1, height, width), dtype=np.uint8)
    for i, img in enumerate(images):
        if colour and img.mode != 'RGB':
            img = img.convert('RGB')
        if img.size != (width, height):
            img = img.resize((width, height), Image.BILINEAR)
        a = np.asarray(img, dtype=np.uint8)
        out[i] = a.transpose(2, 0, 1) if a.ndim == 3 else a[None]
    return out


def load_folder(root: str, fraction: float, seed: int) -> OwnData:
    notes: List[str] = []
    ignored: Counter = Counter()
    train_dir, test_dir = os.path.join(root, 'train'), os.path.join(root, 'test')
    if os.path.isdir(train_dir) and os.path.isdir(test_dir):
        names = _class_folders(train_dir)
        test_names = _class_folders(test_dir)
        unknown = [n for n in test_names if n not in names]
        if unknown:
            raise OwnDataError(f'{test_dir}: class folder {unknown[0]!r} is not among the train classes ({", ".join(names)})')
        if len(names) < 2:
            raise OwnDataError(f'{train_dir}: one class folder ({names[0]}); a classifier needs at least 2')
        tr_img, tr_lab = _read_classes(train_dir, names, ignored)
        te_img, te_lab = _read_classes(test_dir, test_names, ignored)
        te_lab = [names.index(test_names[c]) for c in te_lab]
        x = _to_array(tr_img + te_img, notes)
        n = len(tr_img)
        x_train, x_test = x[:n], x[n:]
        y_train, y_test = np.array(tr_lab, dtype=np.int64), np.array(te_lab, dtype=np.int64)
        split = 'the train/ and test/ folders'
    else:
        if os.path.isdir(train_dir) or os.path.isdir(test_dir):
            raise OwnDataError(f'{root}: has {"train/" if os.path.isdir(train_dir) else "test/"} without '
                               f'{"test/" if os.path.isdir(train_dir) else "train/"}: give both, or class folders only')
        names = _class_folders(root)
        if len(names) < 2:
            raise OwnDataError(f'{root}: one class folder ({names[0]}); a classifier needs at least 2')
        images, labels = _read_classes(root, names, ignored)
        x, y = _to_array(images, notes), np.array(labels, dtype=np.int64)
        tr, te = held_out_split(y, len(names), fraction, seed, root, names)
        x_train, y_train, x_test, y_test = x[tr], y[tr], x[te], y[te]
        split = f'held out here: {fraction:g} of each class (seeded by --data-seed {seed})'
    if ignored:
        notes.append('ignored files that are not images: ' + ', '.join(f'{n} {ext}' for ext, n in sorted(ignored.items())))
    return OwnData(x_train, y_train, x_test, y_test, names, 'folder', split, notes)


def _images(a: np.ndarray, key: str, path: str, notes: List[str]) -> np.ndarray:
    if a.ndim == 3:
        a = a[:, None]
    elif a.ndim == 4:
        first, last = a.shape[1] in (1, 3), a.shape[3] in (1, 3)
        if first == last:
            raise OwnDataError(f'{path}: {key} has shape {list(a.shape)}: allowed N x H x W, N x H x W x C or N x C x H x W '
                               f'with C = 1 or 3 on exactly one of axes 1 and 3')
        if last:
            a = a.transpose(0, 3, 1, 2)
    else:
        raise OwnDataError(f'{path}: {key} has shape {list(a.shape)}: allowed N x H x W, N x H x W x C or N x C x H x W')
    if a.shape[0] == 0:
        raise OwnDataError(f'{path}: {key} holds zero images (shape {list(a.shape)}): allowed at least one image')
    if a.size == 0:
        raise OwnDataError(f'{path}: {key} images have no pixels (shape {list(a.shape)}, C x H x W {list(a.shape[1:])}): '
                           f'allowed images of at least 1 x 1 pixel')
    if a.dtype == np.uint8:
        return np.ascontiguousarray(a)
    if a.dtype.kind not in 'iuf':
        raise OwnDataError(f'{path}: {key} has dtype {a.dtype}: allowed uint8, integers in 0..255 or floats')
    lo, hi = float(a.min()), float(a.max())
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < 0 or hi > 255:
        raise OwnDataError(f'{path}: {key} values from {lo:g} to {hi:g}: allowed 0..255, or floats in [0, 1]')
    if a.dtype.kind == 'f' and hi <= 1.0:
        notes.append(f'{key}: floats in [0, 1] scaled by 255')
        a = a * 255.0
    return np.ascontiguousarray(np.clip(np.rint(a), 0, 255).astype(np.uint8))


def _labels(a: np.ndarray, key: str, n: int, path: str) -> np.ndarray:
    if a.ndim != 1 or len(a) != n:
        raise OwnDataError(f'{path}: {key} has shape {list(a.shape)}: allowed one integer label per image ({n})')
    if a.dtype.kind not in 'iuf' or (a.dtype.kind == 'f' and not np.all(np.isfinite(a) & (a == np.round(a)))):
        raise OwnDataError(f'{path}: {key} must hold integer class labels 0..K-1 (dtype {a.dtype})')
    if n and a.min() < 0:
        raise OwnDataError(f'{path}: {key} has the label {a.min():g}: allowed class labels 0..K-1')
    return a.astype(np.int64)


def check_label_range(y_train: np.ndarray, y_test: Optional[np.ndarray], path: str) -> int:
    """The number of classes K = the distinct labels of y_train, after checking every label is below K: y_train's
    labels are exactly 0..K-1 (no gap: every class has a training image) and y_test's are among them. Raises
    OwnDataError naming the first label out of range, the array holding it and K."""
    present = np.unique(y_train)
    classes = len(present)
    named = f'the number of classes {classes} (the distinct labels of y_train)'
    if classes and present[-1] >= classes:
        gap = int(np.flatnonzero(present != np.arange(classes))[0])  # the first class without a training image
        raise OwnDataError(f'{path}: label {int(present[-1])} in y_train is not below {named}: allowed labels 0..K-1 with '
                           f'every class in y_train (class {gap} has no training image)')
    if y_test is not None and len(y_test) and y_test.max() >= classes:
        extra = sorted(set(np.unique(y_test).tolist()) - set(present.tolist()))
        raise OwnDataError(f'{path}: label {int(extra[0])} in y_test is not below {named}: allowed y_test labels among '
                           f"y_train's 0..{classes - 1} (a class with no training image cannot be learned)")
    return classes


def load_npz(path: str, fraction: float, seed: int) -> OwnData:
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except Exception as e:  # noqa: BLE001 zipfile, ValueError, OSError
        raise OwnDataError(f'{path}: not a readable .npz file ({type(e).__name__}: {" ".join(str(e).split())})') from e
    have = ', '.join(sorted(arrays)) or 'none'
    for key in ('x_train', 'y_train'):
        if key not in arrays:
            raise OwnDataError(f'{path}: no {key} array (it has: {have}); allowed x_train, y_train[, x_test, y_test]')
    if ('x_test' in arrays) != ('y_test' in arrays):
        raise OwnDataError(f'{path}: x_test and y_test go together (it has: {have})')
    notes: List[str] = []
    x_train = _images(arrays['x_train'], 'x_train', path, notes)
    y_train = _labels(arrays['y_train'], 'y_train', len(x_train), path)
    if 'x_test' in arrays:
        x_test = _images(arrays['x_test'], 'x_test', path, notes)
        y_test = _labels(arrays['y_test'], 'y_test', len(x_test), path)
        if x_test.shape[1:] != x_train.shape[1:]:
            raise OwnDataError(f'{path}: x_test images are {list(x_test.shape[1:])} (C x H x W), x_train images {list(x_train.shape[1:])}')
        split = 'x_test, y_test'
    else:
        x_test = y_test = None
        split = ''
    classes = check_label_range(y_train, y_test, path)
    if classes < 2:
        raise OwnDataError(f'{path}: {classes} class(es) in y_train; a classifier needs at least 2')
    if x_test is None:
        tr, te = held_out_split(y_train, classes, fraction, seed, path)
        x_train, y_train, x_test, y_test = x_train[tr], y_train[tr], x_train[te], y_train[te]
        split = f'held out here: {fraction:g} of each class (seeded by --data-seed {seed})'
    return OwnData(x_train, y_train, x_test, y_test, [str(c) for c in range(classes)], 'npz', split, notes)


def _not_regular(path: str) -> str:
    """What a path that exists but is neither a regular file nor a folder is, in words (never opened: a FIFO blocks)."""
    import stat
    if not os.path.exists(path):
        return 'a symbolic link to a missing target'
    mode = os.stat(path).st_mode
    for test, words in ((stat.S_ISFIFO, 'a FIFO (named pipe)'), (stat.S_ISSOCK, 'a socket'),
                        (stat.S_ISCHR, 'a character device'), (stat.S_ISBLK, 'a block device')):
        if test(mode):
            return words
    return 'a special file'


def load_own(path: str, fraction: Optional[float] = None, seed: int = 0) -> OwnData:
    """The dataset at `path`: a folder of class folders, or an .npz file. Raises OwnDataError."""
    fraction = DEFAULT_TEST_FRACTION if fraction is None else float(fraction)
    if os.path.isdir(path):
        return load_folder(path, fraction, seed)
    if os.path.isfile(path):
        if not path.lower().endswith('.npz'):
            raise OwnDataError(f'{path}: a file that is not .npz; allowed a folder of class folders or an .npz file')
        return load_npz(path, fraction, seed)
    if os.path.lexists(path):
        raise OwnDataError(f'{path}: {_not_regular(path)}, not a regular file or folder: allowed a folder of class folders '
                           f'or an .npz file')
    raise OwnDataError(f'{path}: no such file or folder (a dataset is fashion-mnist, cifar10, cifar100, a folder of class folders or an .npz file)')


def mean_std(x: np.ndarray) -> Tuple[Tuple[float, ...], Tuple[float, ...]]:
    """Per-channel mean and std of uint8 [N, C, H, W] images, in [0, 1] units (std 1 for a constant channel)."""
    v = x.astype(np.float64) / 255.0
    mean = v.mean(axis=(0, 2, 3))
    std = v.std(axis=(0, 2, 3))
    return tuple(float(m) for m in mean), tuple(float(s) if s > 1e-6 else 1.0 for s in std)


def describe(name: str, test_fraction: Optional[float] = None, seed: int = 0,
             subset_train: Optional[int] = None, subset_test: Optional[int] = None) -> dict:
    """{classes, channels, height, width, train, test, kind, split, notes} (train/test: the samples a run uses, after
    --subset-train/--subset-test). A shipped dataset is described from BUILTIN without reading a file; an own dataset
    is read (load_own)."""
    cap = lambda n, k: n if k is None else min(n, max(0, k))  # noqa: E731
    if name in BUILTIN:
        b = BUILTIN[name]
        return {**b, 'train': cap(b['train'], subset_train), 'test': cap(b['test'], subset_test), 'kind': 'builtin',
                'split': "the dataset's own test split", 'notes': []}
    own = load_own(name, test_fraction, seed)
    _, c, h, w = own.x_train.shape
    return {'classes': own.classes, 'channels': int(c), 'height': int(h), 'width': int(w),
            'train': cap(len(own.y_train), subset_train), 'test': cap(len(own.y_test), subset_test), 'kind': own.kind,
            'split': own.split, 'classNames': own.class_names, 'notes': own.notes}

#!/usr/bin/env python3
"""Datasets for the trainer: Fashion-MNIST (idx .gz files, read directly), CIFAR-10/100 (torchvision's
on-disk layout, never downloaded) and the user's own image folder or .npz file (own_data.py), adapted to the
network's input shape.

Images stay uint8 in memory. A `Split` resizes them (bilinear) to the network's H x W and maps the channels
(1 -> C replicated, 3 -> 1 averaged) once, caching the result as uint8 when it fits `cache_mb`; otherwise (or
when the training split is augmented) each batch is resized on the fly on the training device. Batches are
normalised with the dataset's mean and std. Run with Debian's /usr/bin/python3.
"""
from __future__ import annotations

import gzip
import os
import struct
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from own_data import BUILTIN


class DataError(ValueError):
    """A dataset that is missing or unreadable (the message says where to put it)."""


FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist'

NORMALISATION = {
    'fashion-mnist': {'mean': (0.2860,), 'std': (0.3530,)},
    'cifar10': {'mean': (0.4914, 0.4822, 0.4465), 'std': (0.2470, 0.2435, 0.2616)},
    'cifar100': {'mean': (0.5071, 0.4865, 0.4409), 'std': (0.2673, 0.2564, 0.2762)},
}
# classes and channels from own_data.BUILTIN (the one table --describe reads without importing torch)
DATASETS = {name: {'classes': BUILTIN[name]['classes'], 'channels': BUILTIN[name]['channels'], **norm} for name, norm in NORMALISATION.items()}


@dataclass
class RawSplit:
    images: torch.Tensor  # uint8 [N, C, H, W]
    labels: torch.Tensor  # int64 [N]


def _read_idx(path: str) -> np.ndarray:
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    magic, = struct.unpack('>I', data[:4])
    dims = magic & 0xFF
    if magic >> 8 != 0x08 or dims < 1:
        raise DataError(f'{path}: not an idx file of unsigned bytes (magic {magic:#x})')
    shape = struct.unpack('>' + 'I' * dims, data[4:4 + 4 * dims])
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    if array.size != int(np.prod(shape)):
        raise DataError(f'{path}: {array.size} bytes of data for the shape {list(shape)}')
    return array.reshape(shape)


def _fashion_mnist(data_dir: Optional[str]) -> Tuple[RawSplit, RawSplit]:
    folder = data_dir or FASHION_MNIST_DIR

    def find(stem: str) -> str:
        for name in (f'{stem}.gz', stem):
            for base in (folder, os.path.join(folder, 'fashion-mnist'), os.path.join(folder, 'FashionMNIST', 'raw')):
                path = os.path.join(base, name)
                if os.path.isfile(path):
                    return path
        raise DataError(f'Fashion-MNIST file {stem}(.gz) not found in {folder}: install the Debian package '
                        f'(files in {FASHION_MNIST_DIR}) or put the four idx files in --data-dir')

    splits = []
    for prefix in ('train', 't10k'):
        images = _read_idx(find(f'{prefix}-images-idx3-ubyte'))
        labels = _read_idx(find(f'{prefix}-labels-idx1-ubyte'))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DataError(f'Fashion-MNIST {prefix}: images {images.shape} and labels {labels.shape} do not match')
        splits.append(RawSplit(torch.from_numpy(images.copy()).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))))
    return splits[0], splits[1]


def _cifar(name: str, data_dir: Optional[str]) -> Tuple[RawSplit, RawSplit]:
    import torchvision

    folder = {'cifar10': 'cifar-10-batches-py', 'cifar100': 'cifar-100-python'}[name]
    url = {'cifar10': 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz',
           'cifar100': 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz'}[name]
    if not data_dir:
        raise DataError(f'{name} needs --data-dir DIR, a folder holding {folder}/ (extract {url} there)')
    cls = torchvision.datasets.CIFAR10 if name == 'cifar10' else torchvision.datasets.CIFAR100
    splits = []
    for train in (True, False):
        try:
            ds = cls(root=data_dir, train=train, download=False)
        except RuntimeError as e:
            raise DataError(f'{name} not found under {data_dir}: put the extracted {folder}/ folder there '
                            f'(from {url}); torchvision says: {e}') from e
        images = torch.from_numpy(np.ascontiguousarray(ds.data)).permute(0, 3, 1, 2).contiguous()
        splits.append(RawSplit(images, torch.tensor(ds.targets, dtype=torch.int64)))
    return splits[0], splits[1]


def is_builtin(name: str) -> bool:
    """fashion-mnist, cifar10 or cifar100 (anything else is a path to the user's own dataset, see own_data.py)."""
    return name in DATASETS


def load_own_dataset(path: str, test_fraction: Optional[float], seed: int) -> Tuple[RawSplit, RawSplit, dict]:
    """(train, test, info) of an image folder or .npz file (own_data.py); info as DATASETS' entries, with the
    per-channel mean and std of the training images, plus 'own' (the OwnData, for its notes and split)."""
    from own_data import load_own, mean_std
    own = load_own(path, test_fraction, seed)
    mean, std = mean_std(own.x_train)
    info = {'classes': own.classes, 'channels': int(own.x_train.shape[1]), 'mean': mean, 'std': std, 'own': own}
    split = lambda x, y: RawSplit(torch.from_numpy(x), torch.from_numpy(y))  # noqa: E731
    return split(own.x_train, own.y_train), split(own.x_test, own.y_test), info


def load_dataset(name: str, data_dir: Optional[str] = None) -> Tuple[RawSplit, RawSplit]:
    """(train, test) as uint8 NCHW images and int64 labels."""
    if name not in DATASETS:
        raise DataError(f"unknown dataset {name!r} (known: {', '.join(DATASETS)})")
    if name == 'fashion-mnist':
        return _fashion_mnist(data_dir)
    return _cifar(name, data_dir)


def subset_indices(labels: torch.Tensor, n: Optional[int], seed: int, classes: int) -> torch.Tensor:
    """A seeded, class-stratified subset of n indices (all indices, in order, when n is None or too big)."""
    total = len(labels)
    if n is None or n >= total:
        return torch.arange(total)
    if n < 1:
        raise DataError(f'a subset must hold at least one sample, got {n}')
    gen = torch.Generator().manual_seed(int(seed))
    order = torch.randperm(total, generator=gen)
    by_class = [order[labels[order] == c] for c in range(classes)]
    counts = [len(ix) for ix in by_class]
    # proportional quotas, remainders to the classes with the largest fractional parts
    exact = [n * c / total for c in counts]
    quota = [int(e) for e in exact]
    for c in sorted(range(classes), key=lambda c: exact[c] - quota[c], reverse=True)[:n - sum(quota)]:
        quota[c] += 1
    chosen = torch.cat([ix[:q] for ix, q in zip(by_class, quota)])
    return chosen.sort().values


def batch_bounds(n: int, batch_size: int) -> List[Tuple[int, int]]:
    """[start, end) of each batch of n samples. A trailing batch of exactly one sample (n > batch_size and
    n % batch_size == 1) is merged into the previous batch, which then holds batch_size + 1 samples: BatchNorm
    in training mode fails on one value per channel ("Expected more than 1 value per channel when training")."""
    batch_size = max(1, int(batch_size))
    bounds = [(start, min(n, start + batch_size)) for start in range(0, n, batch_size)]
    if batch_size > 1 and len(bounds) >= 2 and bounds[-1][1] - bounds[-1][0] == 1:
        bounds[-2:] = [(bounds[-2][0], n)]
    return bounds


def num_batches(n: int, batch_size: int) -> int:
    """len(batch_bounds(n, batch_size)): the batches per epoch."""
    return len(batch_bounds(n, batch_size))


class Split:
    """One split adapted to an input shape [C, H, W]: uint8 cache or on-the-fly resizing."""

    def __init__(self, raw: RawSplit, indices: torch.Tensor, dataset: str, shape: Sequence[int],
                 cache_mb: float = 2048, cache: bool = True, info: Optional[dict] = None):
        info = info or DATASETS[dataset]
        self.c, self.h, self.w = int(shape[0]), int(shape[1]), int(shape[2])
        c0 = raw.images.shape[1]
        if self.c not in (1, c0) and not (c0 == 1):
            raise DataError(f'{dataset} has {c0}-channel images; the network wants {self.c} channels (only 1 -> C and 3 -> 1 are adapted)')
        self.images = raw.images[indices]
        self.labels = raw.labels[indices].clone()
        self.average = c0 != 1 and self.c == 1  # 3 -> 1
        self.repeat = self.c if c0 == 1 else 1  # 1 -> C
        mean, std = torch.tensor(info['mean']), torch.tensor(info['std'])
        if self.average:
            mean, std = mean.mean().reshape(1), std.mean().reshape(1)
        elif self.repeat > 1:
            mean, std = mean.repeat(self.repeat), std.repeat(self.repeat)
        self.mean = (mean * 255.0).reshape(1, -1, 1, 1)
        self.std = (std * 255.0).reshape(1, -1, 1, 1)
        self.cached: Optional[torch.Tensor] = None
        stored_c = 1 if (self.average or self.repeat > 1) else c0
        if cache and len(self.images) * stored_c * self.h * self.w <= cache_mb * 2 ** 20:
            self.cached = torch.cat([self._resize(self.images[i:i + 1024]).round_().clamp_(0, 255).to(torch.uint8)
                                     for i in range(0, len(self.images), 1024)])

    def __len__(self) -> int:
        return len(self.labels)

    def _resize(self, x: torch.Tensor) -> torch.Tensor:
        """uint8 [B, C0, H0, W0] -> float [B, 1 or C0, H, W] in 0..255 (channels not yet repeated)."""
        x = x.float()
        if self.average:
            x = x.mean(dim=1, keepdim=True)
        if tuple(x.shape[2:]) != (self.h, self.w):
            down = self.h < x.shape[2] or self.w < x.shape[3]
            x = F.interpolate(x, size=(self.h, self.w), mode='bilinear', align_corners=False, antialias=down)
        return x

    def batches(self, batch_size: int, device: torch.device, order: Optional[torch.Tensor] = None,
                augment=None) -> Iterator[Tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
        """(normalised float images on device, labels on device, sample indices) per batch.

        A trailing batch of one sample is merged into the previous batch (see batch_bounds): in training mode a
        BatchNorm after global pooling cannot normalise a single value per channel."""
        order = torch.arange(len(self)) if order is None else order
        mean, std = self.mean.to(device), self.std.to(device)
        for start, end in batch_bounds(len(order), batch_size):
            ix = order[start:end]
            if augment is not None:
                x = self._resize(augment(self.images[ix]).to(device))
            elif self.cached is not None:
                x = self.cached[ix].to(device, non_blocking=True).float()
            else:
                x = self._resize(self.images[ix].to(device))
            if self.repeat > 1 and x.shape[1] == 1:
                x = x.expand(-1, self.repeat, -1, -1)
            yield (x - mean) / std, self.labels[ix].to(device, non_blocking=True), ix


def make_augment(kind: str, seed: int):
    """A per-batch augmentation of uint8 NCHW images on the CPU, or None."""
    if kind == 'none':
        return None
    gen = torch.Generator().manual_seed(int(seed) + 7919)
    if kind == 'flip':
        def flip_crop(x: torch.Tensor) -> torch.Tensor:
            n, _, h, w = x.shape
            flip = torch.rand(n, generator=gen) < 0.5
            x = torch.where(flip.reshape(-1, 1, 1, 1), x.flip(3), x)
            pad = max(1, h // 8)
            padded = F.pad(x, (pad, pad, pad, pad), mode='constant', value=0)
            dy = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
            dx = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
            return torch.stack([padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n)])
        return flip_crop
    if kind == 'autoaugment':
        from torchvision.transforms import AutoAugment, AutoAugmentPolicy
        policy = AutoAugment(AutoAugmentPolicy.CIFAR10)

        def auto(x: torch.Tensor) -> torch.Tensor:
            return torch.stack([policy(img) for img in x])
        return auto
    raise DataError(f"unknown augmentation {kind!r} (none, flip, autoaugment)")

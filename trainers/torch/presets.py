#!/usr/bin/env python3
"""Training presets and their learning-rate schedules. Run with Debian's /usr/bin/python3.

paper-mini   LMaNet (paper 003, section IV-A3, "Mini-Phase Training"): 30 epochs, batch 128, SGD with
             Nesterov momentum 0.9, weight decay 1e-4, lr 0.5 reached by a linear warm-up over the first
             10 epochs, then x0.1 every 10 epochs counted from epoch 0 (timm's warm-up + step rule:
             epochs 10-19 at 0.05, 20-29 at 0.005); AutoAugment (CIFAR policy) on CIFAR.
             With --epochs E != 30 the warm-up and the steps scale to E/3 epochs each (both are fractions of the
             run's steps, so E = 1 or 2 also warms up over the first third and decays at one and two thirds).
proxy-1epoch One epoch, same optimizer (SGD Nesterov 0.9, wd 1e-4), batch 64, lr 0.2: linear warm-up over the
             first 15% of the steps, then cosine to 0. No augmentation. Chosen on Fashion-MNIST (6000 train
             images, 32x32, two tiny candidates, seeds 0/1): batch 64 beat 128 (twice the updates in one
             epoch: 0.75 vs 0.70-0.74 top-1), lr 0.2 beat 0.1 and 0.5 (0.5 was the least stable); a step
             schedule would never decay within one epoch. Test accuracy is taken after recalibrating BN
             statistics (train.py --bn-recalibrate): without it a one-epoch net scored 0.16 instead of 0.68.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Optional


@dataclass(frozen=True)
class Preset:
    name: str
    epochs: int
    batch_size: int
    lr: float
    momentum: float = 0.9
    nesterov: bool = True
    weight_decay: float = 1e-4
    schedule: str = 'warmup-step'  # or 'warmup-cosine'
    warmup: float = 1 / 3  # fraction of the run
    step: float = 1 / 3  # warmup-step: x gamma every this fraction of the run
    gamma: float = 0.1
    augment_cifar: str = 'none'


PRESETS = {
    'paper-mini': Preset('paper-mini', epochs=30, batch_size=128, lr=0.5, schedule='warmup-step', warmup=1 / 3, step=1 / 3,
                         gamma=0.1, augment_cifar='autoaugment'),
    'proxy-1epoch': Preset('proxy-1epoch', epochs=1, batch_size=64, lr=0.2, schedule='warmup-cosine', warmup=0.15),
}


def preset(name: str, epochs: Optional[int] = None, lr: Optional[float] = None, batch_size: Optional[int] = None,
           weight_decay: Optional[float] = None) -> Preset:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r} (known: {', '.join(PRESETS)})")
    p = PRESETS[name]
    changes = {k: v for k, v in (('epochs', epochs), ('lr', lr), ('batch_size', batch_size), ('weight_decay', weight_decay)) if v is not None}
    return replace(p, **changes)


def lr_at(p: Preset, step: int, total_steps: int) -> float:
    """The learning rate of optimizer step `step` (0-based) out of total_steps; updated every step."""
    if total_steps <= 0:
        return p.lr
    t = (step + 1) / total_steps  # fraction of the run done after this step
    warm = p.warmup
    if warm > 0 and t <= warm:
        return p.lr * t / warm
    if p.schedule == 'warmup-cosine':
        rest = (t - warm) / max(1e-12, 1 - warm)
        return p.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, rest)))
    if p.schedule == 'warmup-step':
        # x gamma every p.step of the run, counted (like the warm-up) on the run fraction, not in whole epochs, so
        # short runs decay too. `done` is the fraction done before this step: with E = 30 and S steps per epoch,
        # steps [10S, 20S) (epochs 10-19) get lr * gamma and [20S, 30S) lr * gamma^2, as in timm's epoch-wise rule.
        done = min(step, total_steps - 1) / total_steps
        return p.lr * p.gamma ** math.floor(done / max(1e-9, p.step) + 1e-9)
    if p.schedule == 'cosine':
        return p.lr * 0.5 * (1 + math.cos(math.pi * t))
    raise ValueError(f'unknown schedule {p.schedule!r}')

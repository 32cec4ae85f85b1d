#!/usr/bin/env python3
"""Logits knowledge distillation (paper 003, Eq. 9-12). Run with Debian's /usr/bin/python3.

p = softmax(z / T); L_KD = T^2 * KL(p_t || p_s); L = alpha * L_CE + (1 - alpha) * L_KD, with alpha updated at
the start of every epoch by alpha <- alpha + (alpha_final - alpha) * (epoch / num_epochs) (epoch 0-based, as
printed in the paper: the first epoch uses alpha itself). Defaults T = 10, alpha = 0.4, alpha_final = 0.8.
A teacher is a checkpoint saved by train.py --save-checkpoint, rebuilt through GraphModule.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import torch
import torch.nn.functional as F

from graph_module import GraphError, GraphModule

CHECKPOINT_FORMAT = 'paretonas-torch-checkpoint/1'


def kd_loss(student: torch.Tensor, teacher: torch.Tensor, labels: torch.Tensor, temperature: float,
            alpha: float) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(total, cross-entropy, T^2 * KL(p_t || p_s)), each averaged over the batch."""
    ce = F.cross_entropy(student, labels)
    t = float(temperature)
    kl = F.kl_div(F.log_softmax(student / t, dim=1), F.log_softmax(teacher / t, dim=1), reduction='batchmean', log_target=True)
    kd = kl * t * t
    return alpha * ce + (1 - alpha) * kd, ce, kd


def alpha_schedule(alpha: float, alpha_final: float, epochs: int) -> List[float]:
    """alpha of every epoch under Eq. 12."""
    out = []
    for epoch in range(epochs):
        alpha = alpha + (alpha_final - alpha) * (epoch / max(1, epochs))
        out.append(alpha)
    return out


def save_checkpoint(path: str, module: GraphModule, extra: Dict) -> None:
    torch.save({'format': CHECKPOINT_FORMAT, 'graph': module.graph,
                'state_dict': {k: v.detach().cpu() for k, v in module.state_dict().items()}, **extra}, path)


def load_checkpoint(path: str, device: torch.device) -> Tuple[GraphModule, Dict]:
    try:
        data = torch.load(path, map_location='cpu')
    except Exception as e:  # noqa: BLE001
        raise GraphError(f'cannot read checkpoint {path}: {e}') from e
    if not isinstance(data, dict) or data.get('format') != CHECKPOINT_FORMAT:
        raise GraphError(f'{path} is not a checkpoint saved by trainers/torch/train.py --save-checkpoint')
    module = GraphModule(data['graph'])
    try:
        module.load_state_dict(data['state_dict'])
    except RuntimeError as e:
        raise GraphError(f'checkpoint {path}: weights do not fit its graph: {" ".join(str(e).split())[:300]}') from e
    return module.to(device), data

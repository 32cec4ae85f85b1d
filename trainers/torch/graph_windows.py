"""The torch modules of the windowed and resampling ops: Conv, ConvTranspose, MaxPool, AveragePool, Resize.

Windows over 1 to 3 spatial axes (NCL, NCHW, NCDHW); ONNX pads (all begins, then all ends) become
F.pad's order (last axis first) when PyTorch cannot pad natively. Each module's forward takes one
tensor; shapes were checked by graph_shapes.infer_output_shape before a build.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from graph_attrs import attr, prod
from graph_shapes import window

CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
CONV_TRANSPOSE = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}
MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
INTERPOLATE_LINEAR = {3: 'linear', 4: 'bilinear', 5: 'trilinear'}


def torch_pads(begins: Sequence[int], ends: Sequence[int]) -> tuple:
    """ONNX per-axis (begins, ends) as F.pad wants them: last axis first, (begin, end) pairs."""
    out: List[int] = []
    for b, e in zip(reversed(list(begins)), reversed(list(ends))):
        out += [int(b), int(e)]
    return tuple(out)


class Conv(nn.Module):
    """nn.Conv1d/2d/3d with dilation; asymmetric pads go through F.pad first."""

    def __init__(self, cin: int, node: Dict[str, Any], x: Sequence[int]):
        super().__init__()
        a, w = node['attrs'], window(node, x)
        self.symmetric = w['begins'] == w['ends']
        self.pad = torch_pads(w['begins'], w['ends'])
        self.conv = CONV[len(x) - 2](cin, a['outChannels'], tuple(w['kernel']), tuple(w['strides']),
                                     tuple(w['begins']) if self.symmetric else 0, tuple(w['dilations']),
                                     groups=a['group'], bias=bool(a.get('bias')))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x if self.symmetric else F.pad(x, self.pad))


class ConvTranspose(nn.Module):
    """nn.ConvTranspose1d/2d/3d (weight [C_in, C_out/group, k...]); asymmetric pads crop the unpadded output."""

    def __init__(self, cin: int, node: Dict[str, Any], x: Sequence[int]):
        super().__init__()
        a, w = node['attrs'], window(node, x, transpose=True)
        self.symmetric = w['begins'] == w['ends']
        self.crop = None if self.symmetric else (w['begins'], w['ends'])
        self.conv = CONV_TRANSPOSE[len(x) - 2](cin, a['outChannels'], tuple(w['kernel']), tuple(w['strides']),
                                               tuple(w['begins']) if self.symmetric else 0, tuple(w['outputPadding']),
                                               groups=a['group'], bias=bool(a.get('bias')), dilation=tuple(w['dilations']))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        if self.crop is None:
            return y
        begins, ends = self.crop
        return y[(slice(None), slice(None)) + tuple(slice(b, y.shape[2 + i] - e) for i, (b, e) in enumerate(zip(begins, ends)))]


class Pool(nn.Module):
    """ONNX / PyTorch MaxPool and AveragePool over 1 to 3 spatial axes with asymmetric pads and ceil mode.

    Fast path: symmetric pads no larger than half the kernel map to F.max_poolNd / F.avg_poolNd (whose
    output-size rule is the Graph's). Otherwise the input is padded explicitly (-inf for max, 0 for
    average) to exactly the extent the windows cover, and an average divides by a precomputed count
    (the padded window for countIncludePad, else the real elements): PyTorch's rule, cells beyond the
    right padding that ceil mode adds never count.
    """

    def __init__(self, node: Dict[str, Any], x: Sequence[int], out: Sequence[int]):
        super().__init__()
        w = window(node, x)
        self.op, self.kernel, self.strides = node['op'], tuple(w['kernel']), tuple(w['strides'])
        self.begins, n = tuple(w['begins']), len(x) - 2
        self.ceil, self.count_include_pad = bool(attr(node, 'ceilMode', False)), attr(node, 'countIncludePad', True) is not False
        self.native = w['begins'] == w['ends'] and all(2 * b <= k for b, k in zip(w['begins'], w['kernel']))
        need = [(o - 1) * s + k for o, s, k in zip(out[2:], self.strides, self.kernel)]
        self.padding = torch_pads(w['begins'], [nd - size - b for nd, size, b in zip(need, x[2:], w['begins'])])
        self.max_pool, self.avg_pool = MAX_POOL[n], AVG_POOL[n]
        if self.op == 'AveragePool' and not self.native:
            full = torch.zeros([1, 1] + need)
            region = tuple(slice(0 if self.count_include_pad else b, min(nd, size + b + (e if self.count_include_pad else 0)))
                           for nd, size, b, e in zip(need, x[2:], w['begins'], w['ends']))
            full[(0, 0) + region] = 1.0
            count = self.avg_pool(full, self.kernel, self.strides, 0, False, True) * prod(self.kernel)
            self.register_buffer('divisor', count.clamp_min(1.0), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.native:
            if self.op == 'MaxPool':
                return self.max_pool(x, self.kernel, self.strides, self.begins, 1, self.ceil)
            return self.avg_pool(x, self.kernel, self.strides, self.begins, self.ceil, self.count_include_pad)
        if self.op == 'MaxPool':
            return self.max_pool(F.pad(x, self.padding, value=float('-inf')), self.kernel, self.strides, 0, 1, False)
        total = self.avg_pool(F.pad(x, self.padding, value=0.0), self.kernel, self.strides, 0, False, True) * prod(self.kernel)
        return total / self.divisor.to(dtype=x.dtype)


def _source_coords(mode: str, out: int, size: int) -> torch.Tensor:
    """ONNX Resize coordinate_transformation_mode: the input coordinate of each output cell (float64)."""
    x = torch.arange(out, dtype=torch.float64)
    scale = out / size
    if mode == 'asymmetric':
        return x / scale
    if mode == 'align_corners':
        return x * (size - 1) / (out - 1) if out > 1 else torch.zeros(out, dtype=torch.float64)
    if mode == 'pytorch_half_pixel' and out == 1:
        return torch.zeros(out, dtype=torch.float64)
    return (x + 0.5) / scale - 0.5  # half_pixel, pytorch_half_pixel


ROUNDING = {'round_prefer_floor': lambda c: torch.ceil(c - 0.5), 'round_prefer_ceil': lambda c: torch.floor(c + 0.5),
            'floor': torch.floor, 'ceil': torch.ceil}


class Resize(nn.Module):
    """Resize of the spatial axes to `size`: F.interpolate where PyTorch's rule is ONNX's (nearest with
    asymmetric + floor; linear with half_pixel, align_corners, pytorch_half_pixel at sizes > 1), else
    the ONNX formula itself as a separable gather (nearest: rounded source index; linear: two
    neighbours weighted, coordinates clamped to the input), exact for every mode."""

    def __init__(self, node: Dict[str, Any], x: Sequence[int]):
        super().__init__()
        a = node['attrs']
        self.size, self.mode, coord = tuple(a['size']), a['mode'], a['coordinateMode']
        nearest = a.get('nearestMode') or 'round_prefer_floor'
        rank = len(x)
        self.native: Optional[Dict[str, Any]] = None
        if rank in INTERPOLATE_LINEAR:
            if self.mode == 'nearest' and coord == 'asymmetric' and nearest == 'floor':
                self.native = {'mode': 'nearest'}
            elif self.mode == 'linear' and (coord in ('half_pixel', 'align_corners') or (coord == 'pytorch_half_pixel' and min(self.size) > 1)):
                self.native = {'mode': INTERPOLATE_LINEAR[rank], 'align_corners': coord == 'align_corners'}
        self.axes = []
        if self.native is None:
            for i, (out, size) in enumerate(zip(self.size, x[2:])):
                c = _source_coords(coord, out, size)
                if self.mode == 'nearest':
                    self.register_buffer(f'index{i}', ROUNDING[nearest](c).clamp(0, size - 1).long(), persistent=False)
                else:
                    c = c.clamp(0, size - 1)
                    low = torch.floor(c).long()
                    self.register_buffer(f'index{i}', low, persistent=False)
                    self.register_buffer(f'upper{i}', (low + 1).clamp(max=size - 1), persistent=False)
                    shape = [out] + [1] * (len(x) - 3 - i)
                    self.register_buffer(f'frac{i}', (c - low).float().reshape(shape), persistent=False)
                self.axes.append(i)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.native is not None:
            return F.interpolate(x, size=self.size, **self.native)
        for i in self.axes:
            dim, index = 2 + i, getattr(self, f'index{i}')
            if self.mode == 'nearest':
                x = x.index_select(dim, index)
            else:
                frac = getattr(self, f'frac{i}').to(x.dtype)
                x = x.index_select(dim, index) * (1 - frac) + x.index_select(dim, getattr(self, f'upper{i}')) * frac
        return x

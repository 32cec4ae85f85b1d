"""The torch module of every Graph op (lib/graph/ops/*.ts `torch` facet names them).

BUILDERS[op](node, input_shapes, output_shape) -> nn.Module; the module's forward takes the node's
input tensors in order. Shapes were checked by graph_shapes.infer_output_shape before a build, so
the builders only read attributes. The windowed and resampling modules live in graph_windows.py.
Batch: a module runs on any batch size (Reshape keeps a leading batch axis dynamic when the target
keeps the input's leading dimension).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from graph_attrs import ELEMENTWISE, GraphError, attr, clip_bounds, label, number, prod
from graph_shapes import layer_norm_axis, reduce_axes, slice_spec
from graph_windows import Conv, ConvTranspose, Pool, Resize, torch_pads

BATCH_NORM = {2: nn.BatchNorm1d, 3: nn.BatchNorm1d, 4: nn.BatchNorm2d, 5: nn.BatchNorm3d}


class PRelu(nn.Module):
    """nn.PReLU's function with a learned slope of any shape broadcast trailing-aligned (ONNX PRelu)."""

    def __init__(self, slope: Sequence[int]):
        super().__init__()
        self.weight = nn.Parameter(torch.full(tuple(slope), 0.25))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x >= 0, x, x * self.weight)


ARITHMETIC = {'Add': torch.add, 'Sub': torch.sub, 'Mul': torch.mul, 'Div': torch.div, 'Pow': torch.pow}
NEUTRAL = {'Add': 0.0, 'Sub': 0.0, 'Mul': 1.0, 'Div': 1.0, 'Pow': 1.0}


class Elementwise(nn.Module):
    """Add/Sub/Mul/Div/Pow of the inputs (left to right), then the constant operand if any: a learned
    nn.Parameter `weight` when it has more than one element, else a buffer `constant` holding `scalar`
    (the op's neutral value when the graph gives none). constantFirst: constant op x."""

    def __init__(self, op: str, weight_shape: Optional[List[int]], scalar: Optional[float], constant_first: bool):
        super().__init__()
        self.op, self.fn, self.constant_first = op, ARITHMETIC[op], constant_first
        self.weight: Optional[nn.Parameter] = None
        constant = None
        if weight_shape is not None and prod(weight_shape) > 1:
            self.weight = nn.Parameter(torch.full(tuple(weight_shape), NEUTRAL[op]))
        elif weight_shape is not None:  # one element, [] included
            constant = torch.full(tuple(weight_shape), NEUTRAL[op] if scalar is None else float(scalar))
        self.register_buffer('constant', constant)

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        y = xs[0]
        for x in xs[1:]:
            y = self.fn(y, x)
        c = self.weight if self.weight is not None else self.constant
        if c is None:
            return y
        return self.fn(c, y) if self.constant_first else self.fn(y, c)


class Function(nn.Module):
    """A parameter-free op: fn(*inputs)."""

    def __init__(self, fn: Callable[..., torch.Tensor], name: str):
        super().__init__()
        self.fn, self.name = fn, name

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return self.fn(*xs)

    def extra_repr(self) -> str:
        return self.name


class Concat(nn.Module):
    def __init__(self, axis: int):
        super().__init__()
        self.axis = axis

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return torch.cat(xs, self.axis)


class Flatten(nn.Module):
    def __init__(self, axis: int):
        super().__init__()
        self.axis = axis

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(prod(x.shape[:self.axis]), -1)


class Reshape(nn.Module):
    """x.reshape(shape); the leading axis follows the batch when the target keeps the input's leading dimension."""

    def __init__(self, shape: Sequence[int], batch_follows: bool):
        super().__init__()
        self.shape, self.batch_follows = tuple(shape), batch_follows

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape((x.shape[0],) + self.shape[1:] if self.batch_follows else self.shape)


class Slice(nn.Module):
    """x[start:end:step] along the listed axes (an axis sliced whole is left alone, so the batch may vary)."""

    def __init__(self, node: Dict[str, Any], x: Sequence[int]):
        super().__init__()
        index = [slice(None)] * len(x)
        for a, s, e, st in slice_spec(node, x):
            if (s, e, st) != (0, x[a], 1):
                index[a] = slice(s, e, st)
        self.index = tuple(index)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[self.index]


class Pad(nn.Module):
    """ONNX Pad: F.pad (constant; reflect / replicate over exactly the spatial axes of a rank 3-5
    tensor), else the reflected or clamped indices gathered axis by axis."""

    def __init__(self, pads: Sequence[int], mode: str, value: float, rank: int):
        super().__init__()
        begins, ends = list(pads[:rank]), list(pads[rank:])
        self.mode, self.value, self.begins, self.ends = mode, value, begins, ends
        self.torch_mode = {'constant': 'constant', 'reflect': 'reflect', 'edge': 'replicate'}[mode]
        spatial_only = 3 <= rank <= 5 and begins[:2] == [0, 0] and ends[:2] == [0, 0]
        self.native = mode == 'constant' or spatial_only
        self.pad = torch_pads(begins, ends) if mode == 'constant' else torch_pads(begins[2:], ends[2:])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.native:
            return F.pad(x, self.pad, mode=self.torch_mode, value=self.value) if self.mode == 'constant' else F.pad(x, self.pad, mode=self.torch_mode)
        for dim, (b, e) in enumerate(zip(self.begins, self.ends)):
            if b == 0 and e == 0:
                continue
            d = x.shape[dim]
            idx = torch.arange(-b, d + e, device=x.device)
            if self.mode == 'reflect':
                idx = idx.abs()
                idx = torch.where(idx > d - 1, 2 * (d - 1) - idx, idx)
            else:
                idx = idx.clamp(0, d - 1)
            x = x.index_select(dim, idx)
        return x


def _batch_norm(node, shapes, out):
    x = shapes[0]
    return BATCH_NORM[len(x)](x[1], eps=number(node, 'epsilon')) if len(x) in BATCH_NORM else _unsupported(node, x)


def _unsupported(node, x):
    raise GraphError(f"{label(node)}: an input of rank {len(x)} is not supported by the PyTorch interpreter (shape {list(x)})")


def _clip(node, shapes, out):
    """nn.Hardtanh (clamp with the same gradients inside) for finite bounds; torch.clamp when one is unbounded."""
    lo, hi = clip_bounds(node)
    if math.isfinite(lo) and math.isfinite(hi):
        return nn.Hardtanh(lo, hi)
    lo_, hi_ = (lo if math.isfinite(lo) else None), (hi if math.isfinite(hi) else None)
    return Function(lambda t: torch.clamp(t, lo_, hi_), f'clamp(min={lo}, max={hi})')


def _hard_sigmoid(node, shapes, out):
    alpha, beta = number(node, 'alpha'), number(node, 'beta')
    return Function(lambda t: torch.clamp(t * alpha + beta, 0.0, 1.0), f'hard_sigmoid(alpha={alpha}, beta={beta})')


def _elementwise(node, shapes, out):
    a = node.get('attrs') or {}
    return Elementwise(node['op'], list(a['weight']) if a.get('weight') is not None else None, a.get('scalar'), bool(a.get('constantFirst')))


def _global_pool(node, shapes, out):
    dims = tuple(range(2, len(shapes[0])))
    return Function(lambda t: t.mean(dim=dims, keepdim=True), 'global_average_pool')


def _reduce_mean(node, shapes, out):
    axes, keep = tuple(reduce_axes(node, len(shapes[0]))), bool(attr(node, 'keepdims', True))
    return Function(lambda t: t.mean(dim=axes, keepdim=keep), f'mean(axes={list(axes)}, keepdims={keep})')


def _softmax(node, shapes, out):
    axis = attr(node, 'axis')
    return nn.Softmax(dim=axis + len(shapes[0]) if axis < 0 else axis)



def _log_softmax(node, shapes, out):
    axis = attr(node, 'axis')
    dim = axis + len(shapes[0]) if axis < 0 else axis
    return Function(lambda t: F.log_softmax(t, dim=dim), f'log_softmax(dim={dim})')


BUILDERS: Dict[str, Callable[[Dict[str, Any], List[List[int]], List[int]], nn.Module]] = {
    'Conv': lambda node, s, out: Conv(s[0][1], node, s[0]),
    'ConvTranspose': lambda node, s, out: ConvTranspose(s[0][1], node, s[0]),
    'MaxPool': lambda node, s, out: Pool(node, s[0], out),
    'AveragePool': lambda node, s, out: Pool(node, s[0], out),
    'GlobalAveragePool': _global_pool,
    'ReduceMean': _reduce_mean,
    'Resize': lambda node, s, out: Resize(node, s[0]),
    'BatchNormalization': _batch_norm,
    'LayerNormalization': lambda node, s, out: nn.LayerNorm(s[0][layer_norm_axis(node, len(s[0])):], eps=number(node, 'epsilon')),
    'Relu': lambda node, s, out: nn.ReLU(),
    'Clip': _clip,
    'LeakyRelu': lambda node, s, out: nn.LeakyReLU(number(node, 'alpha')),
    'PRelu': lambda node, s, out: PRelu(node['attrs']['slope']),
    'Elu': lambda node, s, out: nn.ELU(number(node, 'alpha')),
    'Sigmoid': lambda node, s, out: nn.Sigmoid(),
    'Swish': lambda node, s, out: nn.SiLU(),
    'HardSigmoid': _hard_sigmoid,
    'HardSwish': lambda node, s, out: nn.Hardswish(),  # x * relu6(x + 3) / 6 == ONNX x * max(0, min(1, x/6 + 0.5))
    'Tanh': lambda node, s, out: nn.Tanh(),
    'Gelu': lambda node, s, out: nn.GELU(approximate=attr(node, 'approximate', 'none')),
    'Erf': lambda node, s, out: Function(torch.erf, 'erf'),
    'Sqrt': lambda node, s, out: Function(torch.sqrt, 'sqrt'),
    'Softmax': _softmax,
    'LogSoftmax': _log_softmax,
    'Dropout': lambda node, s, out: nn.Dropout(number(node, 'ratio', 0.0)),
    **{op: _elementwise for op in ELEMENTWISE},
    'Gemm': lambda node, s, out: nn.Linear(s[0][1], node['attrs']['outFeatures'], bias=bool(node['attrs'].get('bias'))),
    'Linear': lambda node, s, out: nn.Linear(s[0][-1], node['attrs']['outFeatures'], bias=bool(node['attrs'].get('bias'))),
    'MatMul': lambda node, s, out: Function(torch.matmul, 'matmul'),
    'Flatten': lambda node, s, out: Flatten(attr(node, 'axis') + (len(s[0]) + 1 if attr(node, 'axis') < 0 else 0)),
    'Reshape': lambda node, s, out: Reshape(out, out[0] == s[0][0]),
    'Transpose': lambda node, s, out: Function(lambda t, p=tuple(node['attrs']['perm']): t.permute(p), f"permute{tuple(node['attrs']['perm'])}"),
    'Concat': lambda node, s, out: Concat(attr(node, 'axis') + (len(s[0]) if attr(node, 'axis') < 0 else 0)),
    'Slice': lambda node, s, out: Slice(node, s[0]),
    'Pad': lambda node, s, out: Pad(node['attrs']['pads'], node['attrs']['mode'], number(node, 'value', 0.0), len(s[0])),
}


def build_layer(node: Dict[str, Any], in_shapes: List[List[int]], out_shape: List[int]) -> nn.Module:
    """The torch module of one node whose shapes are checked. Raises GraphError for an unknown op."""
    build = BUILDERS.get(node.get('op'))
    if build is None:
        raise GraphError(f"{label(node)}: unknown op {node.get('op')!r}")
    return build(node, in_shapes, out_shape)

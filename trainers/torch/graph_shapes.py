"""Shape rules and parameter counts of every Graph op (a port of lib/graph/ops/*.ts `shape` and `cost`).

Shapes include the batch axis. Each op has one entry in SHAPES (its output shape from its input
shapes, after checking the attributes the PyTorch build needs) and PARAMS (its learned elements,
by the counting rules of the README's "How costs are counted": scalars 0, PRelu slope counted,
LayerNormalization 2 x prod(normalised shape); `shares` is handled by graph_module.graph_params).
Errors are GraphError naming the node, the attribute, the value and what is allowed.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Sequence

from graph_attrs import (ARITY, ELEMENTWISE, OPS, SAME_SHAPE, GraphError, attr, axis_of, broadcast, clip_bounds,  # noqa: F401
                         integer, ints, label, min_rank, number, prod, word)

# ---------------------------------------------------------------------------------------------
# Windows: Conv, ConvTranspose, MaxPool, AveragePool (1 to 3 spatial axes, ONNX-order pads)

def window(node: Dict[str, Any], x: Sequence[int], transpose: bool = False) -> Dict[str, List[int]]:
    """kernel, strides, dilations, pads (begins, ends) of a windowed op over x's spatial axes."""
    spatial = len(x) - 2
    if spatial not in (1, 2, 3):
        raise GraphError(f"{label(node)}: input must be [N, C, ...] with 1 to 3 spatial axes, got shape {list(x)}")
    w = {'kernel': ints(node, 'kernel', spatial, 1), 'strides': ints(node, 'strides', spatial, 1),
         'dilations': ints(node, 'dilations', spatial, 1, [1] * spatial)}
    pads = ints(node, 'pads', 2 * spatial, 0)
    w['begins'], w['ends'] = pads[:spatial], pads[spatial:]
    if transpose:
        w['outputPadding'] = ints(node, 'outputPadding', spatial, 0, [0] * spatial)
    return w


def _channels(node: Dict[str, Any], cin: int) -> tuple:
    out_c, group = integer(node, 'outChannels'), integer(node, 'group')
    if cin % group or out_c % group:
        raise GraphError(f"{label(node)}: group {group} must divide input channels {cin} and output channels {out_c}")
    return out_c, group


def conv_shape(node, inputs):
    x = inputs[0]
    w = window(node, x)
    out_c, _ = _channels(node, x[1])
    out = []
    for i, size in enumerate(x[2:]):
        eff = w['dilations'][i] * (w['kernel'][i] - 1) + 1
        o = (size + w['begins'][i] + w['ends'][i] - eff) // w['strides'][i] + 1
        if o < 1:
            raise GraphError(f"{label(node)}: effective kernel {eff} is larger than the padded input along spatial axis {i} (size {size})")
        out.append(o)
    return [x[0], out_c] + out


def conv_transpose_shape(node, inputs):
    x = inputs[0]
    w = window(node, x, transpose=True)
    out_c, _ = _channels(node, x[1])
    out = []
    for i, size in enumerate(x[2:]):
        s, d, op = w['strides'][i], w['dilations'][i], w['outputPadding'][i]
        if op >= max(s, d):
            raise GraphError(f"{label(node)}: outputPadding {op} must be smaller than max(stride, dilation) = {max(s, d)}")
        o = (size - 1) * s - w['begins'][i] - w['ends'][i] + d * (w['kernel'][i] - 1) + op + 1
        if o < 1:
            raise GraphError(f"{label(node)}: pads {w['begins'][i]}, {w['ends'][i]} leave no output along spatial axis {i}")
        out.append(o)
    return [x[0], out_c] + out


def pool_out(size: int, kernel: int, stride: int, begin: int, end: int, ceil: bool) -> int:
    """PyTorch's pooling output size; with ceil mode the last window must start inside input + left pad."""
    if not ceil:
        return (size + begin + end - kernel) // stride + 1
    out = -((-(size + begin + end - kernel)) // stride) + 1
    if (out - 1) * stride >= size + begin:
        out -= 1
    return out


def pool_shape(node, inputs):
    x = inputs[0]
    w = window(node, x)
    if any(d != 1 for d in w['dilations']):
        raise GraphError(f"{label(node)}: dilated pooling is not supported, got dilations {w['dilations']}")
    ceil = bool(attr(node, 'ceilMode', False))
    out = [pool_out(size, w['kernel'][i], w['strides'][i], w['begins'][i], w['ends'][i], ceil) for i, size in enumerate(x[2:])]
    if min(out) < 1:
        raise GraphError(f"{label(node)}: kernel {w['kernel']} is larger than the padded input {list(x[2:])}")
    return list(x[:2]) + out


# ---------------------------------------------------------------------------------------------
# Reductions, resampling, matmul, data movement

def global_pool_shape(node, inputs):
    x = min_rank(node, inputs[0], 3)
    return x[:2] + [1] * (len(x) - 2)


def reduce_axes(node: Dict[str, Any], rank: int) -> List[int]:
    axes = ints(node, 'axes', None, 0)
    if sorted(set(axes)) != axes or axes[-1] >= rank:
        raise GraphError(f"{label(node)}: attribute axes must be sorted, unique axes from 0 to {rank - 1}, got {axes}")
    return axes


def reduce_mean_shape(node, inputs):
    x = list(inputs[0])
    axes = reduce_axes(node, len(x))
    keep = bool(attr(node, 'keepdims', True))
    return [1 if i in axes else d for i, d in enumerate(x)] if keep else [d for i, d in enumerate(x) if i not in axes]


RESIZE_COORDINATE_MODES = ('half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric')
RESIZE_NEAREST_MODES = ('round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil')


def resize_shape(node, inputs):
    x = min_rank(node, inputs[0], 3)
    size = ints(node, 'size', len(x) - 2, 1)
    word(node, 'mode', ('nearest', 'linear'))
    word(node, 'coordinateMode', RESIZE_COORDINATE_MODES)
    if attr(node, 'nearestMode') is not None:
        word(node, 'nearestMode', RESIZE_NEAREST_MODES)
    return x[:2] + size


def layer_norm_axis(node: Dict[str, Any], rank: int) -> int:
    return axis_of(node, attr(node, 'axis'), rank)


def gemm_shape(node, inputs):
    x = inputs[0]
    if len(x) != 2:
        raise GraphError(f"{label(node)}: input must be a tensor of rank 2, got shape {list(x)}")
    return [x[0], integer(node, 'outFeatures')]


def linear_shape(node, inputs):
    x = min_rank(node, inputs[0], 2)
    return x[:-1] + [integer(node, 'outFeatures')]


def matmul_shape(node, inputs):
    a, b = min_rank(node, inputs[0], 2), min_rank(node, inputs[1], 2)
    if a[-1] != b[-2]:
        raise GraphError(f"{label(node)}: shapes {a} and {b} do not multiply ([..., M, K] x [..., K, N])")
    return broadcast(node, [a[:-2], b[:-2]]) + [a[-2], b[-1]]


def elementwise_shape(node, inputs):
    shapes = [list(s) for s in inputs]
    out = broadcast(node, shapes)
    weight = attr(node, 'weight')  # [] is a rank-0 scalar constant
    if len(shapes) == 1 and weight is None:
        raise GraphError(f"{label(node)}: one input and no constant weight")
    scalar = attr(node, 'scalar')
    if 'scalar' in (node.get('attrs') or {}) and (not isinstance(scalar, (int, float)) or isinstance(scalar, bool) or math.isnan(scalar)):
        raise GraphError(f"{label(node)}: attribute scalar must be a number, got {scalar!r} (an infinite value does not survive JSON: it is written null)")
    if weight is not None:
        w = ints(node, 'weight', None, 1, empty=True)
        if broadcast(node, [out, w]) != out:
            raise GraphError(f"{label(node)}: constant of shape {w} does not broadcast onto {out} without growing it")
    return out


def flatten_shape(node, inputs):
    x = inputs[0]
    axis = axis_of(node, attr(node, 'axis'), len(x) + 1)
    return [prod(x[:axis]), prod(x[axis:])]


def reshape_shape(node, inputs):
    shape = ints(node, 'shape', None, 1)
    if prod(shape) != prod(inputs[0]):
        raise GraphError(f"{label(node)}: shape {shape} holds {prod(shape)} elements, the input {list(inputs[0])} {prod(inputs[0])}")
    return shape


def transpose_shape(node, inputs):
    x = inputs[0]
    perm = ints(node, 'perm', len(x), 0)
    if sorted(perm) != list(range(len(x))):
        raise GraphError(f"{label(node)}: attribute perm must be a permutation of 0..{len(x) - 1}, got {perm}")
    return [x[p] for p in perm]


def concat_shape(node, inputs):
    first = inputs[0]
    axis = axis_of(node, attr(node, 'axis'), len(first))
    for s in inputs:
        if len(s) != len(first) or any(i != axis and d != first[i] for i, d in enumerate(s)):
            raise GraphError(f"{label(node)}: input shapes {inputs} must be equal except along axis {axis}")
    return [sum(s[i] for s in inputs) if i == axis else d for i, d in enumerate(first)]


def slice_spec(node: Dict[str, Any], x: Sequence[int]) -> List[tuple]:
    """(axis, start, end, step) per sliced axis, starts and ends clamped to [0, dim]."""
    axes = [axis_of(node, a, len(x), 'axes') for a in ints(node, 'axes', None, -len(x))]
    n = len(axes)
    starts, ends, steps = ints(node, 'starts', n, 0), ints(node, 'ends', n, 0), ints(node, 'steps', n, 1)
    if len(set(axes)) != n:
        raise GraphError(f"{label(node)}: attribute axes must be unique, got {attr(node, 'axes')}")
    spec = []
    for a, s, e, st in zip(axes, starts, ends, steps):
        s, e = min(s, x[a]), min(e, x[a])
        if e <= s:
            raise GraphError(f"{label(node)}: slice {s}:{e} of axis {a} (size {x[a]}) is empty")
        spec.append((a, s, e, st))
    return spec


def slice_shape(node, inputs):
    out = list(inputs[0])
    for a, s, e, st in slice_spec(node, inputs[0]):
        out[a] = -(-(e - s) // st)
    return out


def pad_shape(node, inputs):
    x = inputs[0]
    pads = ints(node, 'pads', 2 * len(x), 0)
    mode = word(node, 'mode', ('constant', 'reflect', 'edge'))
    number(node, 'value', 0.0)
    if mode == 'reflect' and any(max(pads[i], pads[i + len(x)]) > d - 1 for i, d in enumerate(x)):
        raise GraphError(f"{label(node)}: reflect pads {pads} must be smaller than each padded dimension of {list(x)}")
    return [d + pads[i] + pads[i + len(x)] for i, d in enumerate(x)]


def same_shape(node, inputs):
    x = list(inputs[0])
    op = node['op']
    if op == 'BatchNormalization':
        min_rank(node, x, 2)
        number(node, 'epsilon')
    elif op == 'LayerNormalization':
        layer_norm_axis(node, len(x))
        number(node, 'epsilon')
    elif op in ('Softmax', 'LogSoftmax'):
        axis_of(node, attr(node, 'axis'), len(x))
    elif op == 'PRelu':
        slope = ints(node, 'slope', None, 1, empty=True)
        if broadcast(node, [x, slope]) != x:
            raise GraphError(f"{label(node)}: slope of shape {slope} does not broadcast onto {x}")
    elif op == 'Dropout':
        ratio = number(node, 'ratio', 0.0)
        if not 0.0 <= ratio < 1.0:
            raise GraphError(f"{label(node)}: attribute ratio must be in [0, 1), got {ratio}")
    elif op == 'Gelu':
        word(node, 'approximate', ('none', 'tanh'), 'none')
    elif op == 'Clip':
        lo, hi = clip_bounds(node)
        if lo > hi:
            raise GraphError(f"{label(node)}: attribute min {lo} must be at most max {hi}")
    for key in {'LeakyRelu': ('alpha',), 'Elu': ('alpha',), 'HardSigmoid': ('alpha', 'beta')}.get(op, ()):
        number(node, key)
    return x


SHAPES: Dict[str, Callable[[Dict[str, Any], List[List[int]]], List[int]]] = {
    **{op: same_shape for op in SAME_SHAPE},
    **{op: elementwise_shape for op in ELEMENTWISE},
    'Conv': conv_shape, 'ConvTranspose': conv_transpose_shape, 'MaxPool': pool_shape, 'AveragePool': pool_shape,
    'GlobalAveragePool': global_pool_shape, 'ReduceMean': reduce_mean_shape, 'Resize': resize_shape,
    'Gemm': gemm_shape, 'Linear': linear_shape, 'MatMul': matmul_shape,
    'Flatten': flatten_shape, 'Reshape': reshape_shape, 'Transpose': transpose_shape, 'Concat': concat_shape,
    'Slice': slice_shape, 'Pad': pad_shape,
}


def infer_output_shape(node: Dict[str, Any], inputs: List[List[int]]) -> List[int]:
    """The output shape of `node` from its input shapes (batch included). Raises GraphError."""
    rule = SHAPES.get(node.get('op'))
    if rule is None:
        raise GraphError(f"{label(node)}: unknown op {node.get('op')!r} (known: {', '.join(OPS)})")
    lo, hi = ARITY[node['op']]
    if not lo <= len(inputs) <= hi:
        raise GraphError(f"{label(node)}: takes {lo}{f' to {hi}' if hi != lo else ''} input tensors, got {len(inputs)}")
    return rule(node, [list(s) for s in inputs])


# ---------------------------------------------------------------------------------------------
# Learned parameters (lib/graph/ops/*.ts cost().params)

def _conv_params(node, x):
    a = node['attrs']
    return a['outChannels'] * (x[1] // a['group']) * prod(a['kernel']) + (a['outChannels'] if a.get('bias') else 0)


def _conv_transpose_params(node, x):
    a = node['attrs']
    return x[1] * (a['outChannels'] // a['group']) * prod(a['kernel']) + (a['outChannels'] if a.get('bias') else 0)


def _linear_params(node, x):
    a = node['attrs']
    return x[-1] * a['outFeatures'] + (a['outFeatures'] if a.get('bias') else 0)


def _constant_params(node, x):
    w = attr(node, 'weight')
    return prod(w) if w is not None and prod(w) > 1 else 0


PARAMS: Dict[str, Callable[[Dict[str, Any], Sequence[int]], int]] = {
    **{op: (lambda node, x: 0) for op in OPS},
    **{op: _constant_params for op in ELEMENTWISE},
    'Conv': _conv_params, 'ConvTranspose': _conv_transpose_params, 'Gemm': _linear_params, 'Linear': _linear_params,
    'BatchNormalization': lambda node, x: 2 * x[1],
    'LayerNormalization': lambda node, x: 2 * prod(x[layer_norm_axis(node, len(x)):]),
    'PRelu': lambda node, x: prod(node['attrs']['slope']),
}


def node_params(node: Dict[str, Any], input_shape: Sequence[int]) -> int:
    """Learned elements of one node as the cost model counts them (ignores `shares`: graph_params does)."""
    return PARAMS[node['op']](node, list(input_shape))

#!/usr/bin/env python3
"""A generic PyTorch interpreter of paretonas Graph JSON (lib/graph/types.ts).

The Graph says everything: this module knows the ops, never the search space. Every node becomes one
submodule; `forward` walks the nodes in order over a list of tensors. Shapes are checked against the
Graph's declared tensor shapes when the module is built (the rules of lib/graph/shapes.ts), so a broken
graph fails at construction with a message naming the node, not deep inside a forward pass.

Run with Debian's /usr/bin/python3 (it has torch).
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F


class GraphError(ValueError):
    """A Graph that cannot be built (unknown op, attributes that do not fit, shape mismatch)."""


OPS = (
    'Conv', 'BatchNormalization', 'Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Swish', 'HardSigmoid',
    'HardSwish', 'Add', 'Mul', 'GlobalAveragePool', 'AveragePool', 'MaxPool', 'Flatten', 'Gemm',
    'Concat', 'Dropout',
)
UNARY = {'BatchNormalization', 'Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Swish', 'HardSigmoid', 'HardSwish', 'Dropout'}


def _prod(values: Sequence[int]) -> int:
    n = 1
    for v in values:
        n *= int(v)
    return n


def _label(node: Dict[str, Any]) -> str:
    return f"node {node.get('name')!r} ({node.get('op')})"


def _ints(node: Dict[str, Any], key: str, count: int) -> List[int]:
    value = node.get('attrs', {}).get(key)
    if not isinstance(value, (list, tuple)) or len(value) != count or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise GraphError(f"{_label(node)}: attribute {key} must be {count} integers, got {value!r}")
    return [int(v) for v in value]


def _int(node: Dict[str, Any], key: str, minimum: int = 1, default: Optional[int] = None) -> int:
    value = node.get('attrs', {}).get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise GraphError(f"{_label(node)}: attribute {key} must be an integer >= {minimum}, got {value!r}")
    return value


def _num(node: Dict[str, Any], key: str, default: Optional[float] = None) -> float:
    value = node.get('attrs', {}).get(key, default)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise GraphError(f"{_label(node)}: attribute {key} must be a finite number, got {value!r}")
    return float(value)


# ---------------------------------------------------------------------------------------------
# Shape rules (a port of lib/graph/shapes.ts) and the parameter count (lib/cost/layer-costs.ts)

def _spatial_out(size: int, kernel: int, stride: int, pad_begin: int, pad_end: int) -> int:
    return (size + pad_begin + pad_end - kernel) // stride + 1


def _pool_out(size: int, kernel: int, stride: int, pad_begin: int, pad_end: int, ceil: bool) -> int:
    """PyTorch's pooling output size; with ceil mode the last window must start inside input + left pad."""
    if not ceil:
        return _spatial_out(size, kernel, stride, pad_begin, pad_end)
    out = -((-(size + pad_begin + pad_end - kernel)) // stride) + 1
    if (out - 1) * stride >= size + pad_begin:
        out -= 1
    return out


def _rank(node: Dict[str, Any], shape: Sequence[int], rank: int) -> List[int]:
    if len(shape) != rank:
        raise GraphError(f"{_label(node)}: input must be a tensor of rank {rank}, got shape {list(shape)}")
    return list(shape)


def _axis(node: Dict[str, Any], axis: Any, rank: int) -> int:
    if not isinstance(axis, int) or isinstance(axis, bool) or axis < -rank or axis >= rank:
        raise GraphError(f"{_label(node)}: axis must be an integer from {-rank} to {rank - 1}, got {axis!r}")
    return axis + rank if axis < 0 else axis


def _broadcast(node: Dict[str, Any], shapes: List[List[int]]) -> List[int]:
    first = shapes[0]
    out = list(first)
    for s in shapes:
        if len(s) != len(first):
            raise GraphError(f"{_label(node)}: inputs {shapes} are not of equal (or broadcastable) shapes")
        for i, d in enumerate(s):
            if d != out[i] and d != 1 and out[i] != 1:
                raise GraphError(f"{_label(node)}: inputs {shapes} are not of equal (or broadcastable) shapes")
            out[i] = max(out[i], d)
    return out


def infer_output_shape(node: Dict[str, Any], inputs: List[List[int]]) -> List[int]:
    op = node.get('op')
    a = node.get('attrs') or {}
    if op in UNARY:
        return list(inputs[0])
    if op == 'Conv':
        n, c, h, w = _rank(node, inputs[0], 4)
        out_c, group = _int(node, 'outChannels'), _int(node, 'group')
        kh, kw = _ints(node, 'kernel', 2)
        sh, sw = _ints(node, 'strides', 2)
        pt, pl, pb, pr = _ints(node, 'pads', 4)
        if min(kh, kw, sh, sw) < 1 or min(pt, pl, pb, pr) < 0:
            raise GraphError(f"{_label(node)}: kernel and strides must be >= 1 and pads >= 0")
        if c % group or out_c % group:
            raise GraphError(f"{_label(node)}: group {group} must divide input channels {c} and output channels {out_c}")
        oh, ow = _spatial_out(h, kh, sh, pt, pb), _spatial_out(w, kw, sw, pl, pr)
        if oh < 1 or ow < 1:
            raise GraphError(f"{_label(node)}: kernel {[kh, kw]} is larger than the padded input {h}x{w}")
        return [n, out_c, oh, ow]
    if op in ('MaxPool', 'AveragePool'):
        n, c, h, w = _rank(node, inputs[0], 4)
        kh, kw = _ints(node, 'kernel', 2)
        sh, sw = _ints(node, 'strides', 2)
        pt, pl, pb, pr = _ints(node, 'pads', 4)
        if min(kh, kw, sh, sw) < 1 or min(pt, pl, pb, pr) < 0:
            raise GraphError(f"{_label(node)}: kernel and strides must be >= 1 and pads >= 0")
        ceil = bool(a.get('ceilMode', False))
        oh, ow = _pool_out(h, kh, sh, pt, pb, ceil), _pool_out(w, kw, sw, pl, pr, ceil)
        if oh < 1 or ow < 1:
            raise GraphError(f"{_label(node)}: kernel {[kh, kw]} is larger than the padded input {h}x{w}")
        return [n, c, oh, ow]
    if op == 'GlobalAveragePool':
        n, c, _, _ = _rank(node, inputs[0], 4)
        return [n, c, 1, 1]
    if op == 'Flatten':
        x = inputs[0]
        axis = _axis(node, a.get('axis'), len(x) + 1)
        return [_prod(x[:axis]), _prod(x[axis:])]
    if op == 'Gemm':
        n, _ = _rank(node, inputs[0], 2)
        return [n, _int(node, 'outFeatures')]
    if op in ('Add', 'Mul'):
        shapes = [list(s) for s in inputs]
        if a.get('weight') is not None:
            shapes.append(_weight_shape(node, len(shapes[0])))
        return _broadcast(node, shapes)
    if op == 'Concat':
        first = inputs[0]
        axis = _axis(node, a.get('axis'), len(first))
        for s in inputs:
            if len(s) != len(first) or any(i != axis and d != first[i] for i, d in enumerate(s)):
                raise GraphError(f"{_label(node)}: input shapes {inputs} must be equal except along axis {axis}")
        return [sum(s[i] for s in inputs) if i == axis else d for i, d in enumerate(first)]
    raise GraphError(f"{_label(node)}: unknown op {op!r} (known: {', '.join(OPS)})")


def _weight_shape(node: Dict[str, Any], rank: int) -> List[int]:
    w = (node.get('attrs') or {}).get('weight')
    if not isinstance(w, (list, tuple)) or not all(isinstance(d, int) and d >= 1 for d in w) or len(w) > rank:
        raise GraphError(f"{_label(node)}: attribute weight must be a shape of at most rank {rank}, got {w!r}")
    # ONNX broadcasting aligns trailing dimensions: a rank-k constant is [1]*(rank-k) + w.
    return [1] * (rank - len(w)) + list(w)


def node_params(node: Dict[str, Any], input_shape: Sequence[int]) -> int:
    """Learnable weights of one node, as lib/cost/layer-costs.ts counts them."""
    op, a = node.get('op'), node.get('attrs') or {}
    if op == 'Conv':
        cin = input_shape[1]
        weights = a['outChannels'] * (cin // a['group']) * a['kernel'][0] * a['kernel'][1]
        return weights + (a['outChannels'] if a.get('bias') else 0)
    if op == 'Gemm':
        return input_shape[1] * a['outFeatures'] + (a['outFeatures'] if a.get('bias') else 0)
    if op in ('Add', 'Mul'):
        return _prod(a['weight']) if a.get('weight') else 0
    if op == 'BatchNormalization':
        return 2 * input_shape[1]
    return 0


def check_graph(graph: Dict[str, Any]) -> List[List[int]]:
    """Validates the structure and every shape; returns the computed shape of every tensor."""
    if not isinstance(graph, dict):
        raise GraphError('the network must be a Graph object')
    for key in ('tensors', 'nodes', 'inputs', 'outputs'):
        if not isinstance(graph.get(key), list):
            raise GraphError(f"graph {graph.get('name')!r}: field {key} must be a list")
    tensors, count = graph['tensors'], len(graph['tensors'])
    if len(graph['inputs']) != 1:
        raise GraphError(f"graph {graph.get('name')!r}: exactly one input is supported, got {len(graph['inputs'])}")
    if len(graph['outputs']) < 1:
        raise GraphError(f"graph {graph.get('name')!r}: no outputs")
    shapes: List[Optional[List[int]]] = [None] * count

    def index(t: Any, where: str) -> int:
        if not isinstance(t, int) or isinstance(t, bool) or t < 0 or t >= count:
            raise GraphError(f"{where}: tensor index {t!r} is not one of the graph's {count} tensors")
        return t

    for t in graph['inputs']:
        t = index(t, 'graph input')
        shape = tensors[t].get('shape')
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 1 for d in shape):
            raise GraphError(f"graph input {tensors[t].get('name')!r}: bad shape {shape!r}")
        shapes[t] = list(shape)
    for node in graph['nodes']:
        if not isinstance(node, dict) or node.get('op') not in OPS:
            op = node.get('op') if isinstance(node, dict) else None
            name = node.get('name') if isinstance(node, dict) else None
            raise GraphError(f"node {name!r}: unknown op {op!r} (known: {', '.join(OPS)})")
        ins, outs = node.get('inputs'), node.get('outputs')
        if not isinstance(ins, list) or not ins or not isinstance(outs, list) or len(outs) != 1:
            raise GraphError(f"{_label(node)}: needs at least one input and exactly one output")
        in_shapes = []
        for t in ins:
            t = index(t, _label(node))
            if shapes[t] is None:
                raise GraphError(f"{_label(node)}: input tensor {tensors[t].get('name')!r} is used before any node produces it")
            in_shapes.append(shapes[t])
        if node['op'] not in ('Add', 'Mul', 'Concat') and len(ins) != 1:
            raise GraphError(f"{_label(node)}: takes one input, got {len(ins)}")
        if node['op'] in ('Add', 'Mul') and len(ins) == 1 and not (node.get('attrs') or {}).get('weight'):
            raise GraphError(f"{_label(node)}: one input and no constant weight")
        out = index(outs[0], _label(node))
        if shapes[out] is not None:
            raise GraphError(f"{_label(node)}: output tensor {tensors[out].get('name')!r} is produced twice")
        if node['op'] == 'BatchNormalization':
            _num(node, 'epsilon')
        shape = infer_output_shape(node, in_shapes)
        declared = tensors[out].get('shape')
        if list(declared or []) != shape:
            raise GraphError(f"{_label(node)}: output shape is {shape} by the shape rules, but the graph declares {declared}")
        shapes[out] = shape
    for t in graph['outputs']:
        t = index(t, 'graph output')
        if shapes[t] is None:
            raise GraphError(f"graph output {tensors[t].get('name')!r} is not produced by any node")
    return shapes  # type: ignore[return-value]


def graph_params(graph: Dict[str, Any]) -> int:
    """The Graph's learnable parameters by the cost model's rules (BN: gamma + beta)."""
    shapes = check_graph(graph)
    return sum(node_params(node, shapes[node['inputs'][0]]) for node in graph['nodes'])


# ---------------------------------------------------------------------------------------------
# Layers

class Pool2d(nn.Module):
    """ONNX / PyTorch MaxPool and AveragePool with asymmetric pads and ceil mode.

    Fast path: symmetric pads no larger than half the kernel map to nn.MaxPool2d / nn.AvgPool2d
    (whose output-size rule is the Graph's). Otherwise the input is padded explicitly (-inf for
    max, 0 for average) to exactly the extent the windows cover, and an average divides by a
    precomputed count (the padded window for countIncludePad, else the real elements) — PyTorch's
    rule: cells beyond the right padding that ceil mode adds never count.
    """

    def __init__(self, op: str, kernel, strides, pads, ceil: bool, count_include_pad: bool, in_hw, out_hw):
        super().__init__()
        self.op, self.kernel, self.strides, self.pads = op, tuple(kernel), tuple(strides), tuple(pads)
        self.ceil, self.count_include_pad = ceil, count_include_pad
        self.in_hw, self.out_hw = tuple(in_hw), tuple(out_hw)
        pt, pl, pb, pr = pads
        self.native = pt == pb and pl == pr and pt * 2 <= kernel[0] and pl * 2 <= kernel[1]
        # Explicit path: pad to (out-1)*stride + kernel along each axis (may crop unused right pad).
        need_h = (out_hw[0] - 1) * strides[0] + kernel[0]
        need_w = (out_hw[1] - 1) * strides[1] + kernel[1]
        self.padding = (pl, need_w - in_hw[1] - pl, pt, need_h - in_hw[0] - pt)
        self._divisor: Optional[torch.Tensor] = None
        if op == 'AveragePool' and not self.native:
            h, w = in_hw
            # counted cells: the input, plus the declared pads when countIncludePad
            mask = torch.ones(1, 1, h + (pt + pb if count_include_pad else 0), w + (pl + pr if count_include_pad else 0))
            off = (0, 0) if count_include_pad else (pt, pl)
            full = torch.zeros(1, 1, need_h, need_w)
            top, left = off
            hh, ww = min(mask.shape[2], need_h - top), min(mask.shape[3], need_w - left)
            full[:, :, top:top + hh, left:left + ww] = mask[:, :, :hh, :ww]
            count = F.avg_pool2d(full, self.kernel, self.strides, 0, False, True) * (kernel[0] * kernel[1])
            self._divisor = count.clamp_min(1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pt, pl, _, _ = self.pads
        if self.native:
            if self.op == 'MaxPool':
                return F.max_pool2d(x, self.kernel, self.strides, (pt, pl), 1, self.ceil)
            return F.avg_pool2d(x, self.kernel, self.strides, (pt, pl), self.ceil, self.count_include_pad)
        if self.op == 'MaxPool':
            x = F.pad(x, self.padding, value=float('-inf'))
            return F.max_pool2d(x, self.kernel, self.strides, 0, 1, False)
        x = F.pad(x, self.padding, value=0.0)
        total = F.avg_pool2d(x, self.kernel, self.strides, 0, False, True) * (self.kernel[0] * self.kernel[1])
        divisor = self._divisor
        if divisor.device != x.device or divisor.dtype != x.dtype:
            divisor = self._divisor = divisor.to(device=x.device, dtype=x.dtype)
        return total / divisor


class Conv(nn.Module):
    def __init__(self, cin: int, a: Dict[str, Any]):
        super().__init__()
        pt, pl, pb, pr = a['pads']
        self.symmetric = pt == pb and pl == pr
        self.pad = (pl, pr, pt, pb)
        self.conv = nn.Conv2d(cin, a['outChannels'], tuple(a['kernel']), tuple(a['strides']),
                              (pt, pl) if self.symmetric else 0, groups=a['group'], bias=bool(a.get('bias')))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.symmetric:
            x = F.pad(x, self.pad)
        return self.conv(x)


class Lambda(nn.Module):
    def __init__(self, fn, name: str):
        super().__init__()
        self.fn, self.name = fn, name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x)

    def extra_repr(self) -> str:
        return self.name


class Elementwise(nn.Module):
    """Add or Mul over all inputs, plus an optional learned constant (ONNX broadcasting)."""

    def __init__(self, op: str, weight_shape: Optional[List[int]]):
        super().__init__()
        self.op = op
        self.weight = None
        if weight_shape:
            init = torch.zeros if op == 'Add' else torch.ones
            self.weight = nn.Parameter(init(*weight_shape))

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        y = xs[0]
        for x in xs[1:]:
            y = y + x if self.op == 'Add' else y * x
        if self.weight is not None:
            y = y + self.weight if self.op == 'Add' else y * self.weight
        return y


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
        head = 1
        for d in x.shape[:self.axis]:
            head *= d
        return x.reshape(head, -1)


def _hard_sigmoid(alpha: float, beta: float):
    return lambda x: torch.clamp(x * alpha + beta, 0.0, 1.0)


def build_layer(node: Dict[str, Any], in_shapes: List[List[int]], out_shape: List[int]) -> nn.Module:
    op, a = node['op'], node.get('attrs') or {}
    x = in_shapes[0]
    if op == 'Conv':
        return Conv(x[1], a)
    if op == 'BatchNormalization':
        eps = _num(node, 'epsilon')
        if len(x) == 4:
            return nn.BatchNorm2d(x[1], eps=eps)
        if len(x) in (2, 3):
            return nn.BatchNorm1d(x[1], eps=eps)
        raise GraphError(f"{_label(node)}: input of rank {len(x)} is not supported")
    if op == 'Relu':
        return nn.ReLU()
    if op == 'Clip':
        lo, hi = _num(node, 'min'), _num(node, 'max')
        return nn.Hardtanh(lo, hi)  # clamp(x, min, max) with the same gradients inside
    if op == 'LeakyRelu':
        return nn.LeakyReLU(_num(node, 'alpha'))
    if op == 'Sigmoid':
        return nn.Sigmoid()
    if op == 'Swish':
        return nn.SiLU()
    if op == 'HardSigmoid':
        alpha, beta = _num(node, 'alpha'), _num(node, 'beta')
        return Lambda(_hard_sigmoid(alpha, beta), f'alpha={alpha}, beta={beta}')
    if op == 'HardSwish':
        return nn.Hardswish()  # x * relu6(x + 3) / 6 == ONNX x * max(0, min(1, x/6 + 0.5))
    if op in ('Add', 'Mul'):
        return Elementwise(op, list(a['weight']) if a.get('weight') else None)
    if op == 'GlobalAveragePool':
        return Lambda(lambda t: t.mean(dim=(2, 3), keepdim=True), 'global')
    if op in ('AveragePool', 'MaxPool'):
        return Pool2d(op, a['kernel'], a['strides'], a['pads'], bool(a.get('ceilMode', False)),
                      a.get('countIncludePad', True) is not False, x[2:], out_shape[2:])
    if op == 'Flatten':
        return Flatten(_axis(node, a.get('axis'), len(x) + 1))
    if op == 'Gemm':
        return nn.Linear(x[1], a['outFeatures'], bias=bool(a.get('bias')))
    if op == 'Concat':
        return Concat(_axis(node, a.get('axis'), len(x)))
    if op == 'Dropout':
        ratio = _num(node, 'ratio', 0.0)
        if not 0.0 <= ratio < 1.0:
            raise GraphError(f"{_label(node)}: ratio must be in [0, 1), got {ratio}")
        return nn.Dropout(ratio)
    raise GraphError(f"{_label(node)}: unknown op {op!r} (known: {', '.join(OPS)})")


class GraphModule(nn.Module):
    """A torch module that runs a paretonas Graph. Any batch size; spatial sizes as declared."""

    def __init__(self, graph: Dict[str, Any]):
        super().__init__()
        self.graph = graph
        shapes = check_graph(graph)
        self.shapes = shapes
        nodes = graph['nodes']
        self.layers = nn.ModuleList(
            build_layer(n, [shapes[t] for t in n['inputs']], shapes[n['outputs'][0]]) for n in nodes)
        self.names = [n['name'] for n in nodes]
        self.node_inputs = [list(n['inputs']) for n in nodes]
        self.node_output = [n['outputs'][0] for n in nodes]
        self.input_index = graph['inputs'][0]
        self.output_indices = list(graph['outputs'])
        self.input_shape = list(shapes[self.input_index])
        # After node i, tensors whose last use it was are dropped (keeps eval-mode memory low).
        last: Dict[int, int] = {}
        for i, ins in enumerate(self.node_inputs):
            for t in ins:
                last[t] = i
        keep = set(self.output_indices)
        self.release = [[t for t in set(ins) if last[t] == i and t not in keep] for i, ins in enumerate(self.node_inputs)]

    def forward(self, x: torch.Tensor):
        values: List[Optional[torch.Tensor]] = [None] * len(self.graph['tensors'])
        values[self.input_index] = x
        for i, layer in enumerate(self.layers):
            values[self.node_output[i]] = layer(*[values[t] for t in self.node_inputs[i]])
            for t in self.release[i]:
                values[t] = None
        if len(self.output_indices) == 1:
            return values[self.output_indices[0]]
        return tuple(values[t] for t in self.output_indices)

    def trainable_params(self) -> int:
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def reset_parameters(self, seed: int) -> None:
        """Seeded standard init (torchvision's CNN recipe): Kaiming-normal fan-out convs, BN 1/0,
        linear N(0, 0.01) with zero bias; Add constants 0, Mul constants 1."""
        gen = torch.Generator().manual_seed(int(seed))
        with torch.no_grad():
            for layer in self.layers:
                if isinstance(layer, Conv):
                    w = layer.conv.weight
                    fan_out = w.shape[0] * w.shape[2] * w.shape[3]  # as nn.init.kaiming_normal_(mode="fan_out")
                    w.copy_(torch.randn(w.shape, generator=gen) * math.sqrt(2.0 / max(1, fan_out)))
                    if layer.conv.bias is not None:
                        layer.conv.bias.zero_()
                elif isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)):
                    layer.reset_running_stats()
                    layer.weight.fill_(1.0)
                    layer.bias.zero_()
                elif isinstance(layer, nn.Linear):
                    layer.weight.copy_(torch.randn(layer.weight.shape, generator=gen) * 0.01)
                    if layer.bias is not None:
                        layer.bias.zero_()
                elif isinstance(layer, Elementwise) and layer.weight is not None:
                    layer.weight.fill_(0.0 if layer.op == 'Add' else 1.0)


# ---------------------------------------------------------------------------------------------
# ONNX weights (lib/onnx/export.ts names them after the nodes)

def load_onnx_weights(module: GraphModule, onnx_path: str) -> int:
    """Copies every initializer of the exported ONNX into the module; returns how many tensors were
    loaded. BN running mean / variance included. Fails on a missing, extra or misshaped initializer."""
    import onnx
    from onnx import numpy_helper

    try:
        model = onnx.load(onnx_path)
    except Exception as e:  # noqa: BLE001
        raise GraphError(f"cannot read ONNX {onnx_path}: {e}") from e
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    used = set()

    def take(name: str, target: torch.Tensor) -> None:
        if name not in inits:
            hint = ' (was it exported with foldBatchNorm: true? the trainer needs BN kept)' if name.endswith(('.scale', '.mean', '.var')) else ''
            raise GraphError(f"ONNX {onnx_path}: initializer {name!r} is missing{hint}")
        value = torch.from_numpy(inits[name].copy()).to(target.dtype)
        if value.numel() != target.numel():
            raise GraphError(f"ONNX initializer {name!r} has shape {list(value.shape)}, the module expects {list(target.shape)}")
        target.copy_(value.reshape(target.shape))
        used.add(name)

    loaded = 0
    with torch.no_grad():
        for name, layer, node in zip(module.names, module.layers, module.graph['nodes']):
            if isinstance(layer, Conv):
                take(f'{name}.weight', layer.conv.weight)
                loaded += 1
                if layer.conv.bias is not None:
                    take(f'{name}.bias', layer.conv.bias)
                    loaded += 1
            elif isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)):
                for suffix, target in (('scale', layer.weight), ('bias', layer.bias), ('mean', layer.running_mean), ('var', layer.running_var)):
                    take(f'{name}.{suffix}', target)
                    loaded += 1
            elif isinstance(layer, nn.Linear):
                take(f'{name}.weight', layer.weight)
                loaded += 1
                if layer.bias is not None:
                    take(f'{name}.bias', layer.bias)
                    loaded += 1
            elif isinstance(layer, Elementwise) and layer.weight is not None:
                take(f'{name}.weight', layer.weight)
                loaded += 1
            elif node['op'] == 'Clip':
                for key in ('min', 'max'):
                    if f'{name}.{key}' in inits:
                        used.add(f'{name}.{key}')
    extra = sorted(set(inits) - used)
    if extra:
        raise GraphError(f"ONNX {onnx_path}: initializers the graph does not explain: {', '.join(extra[:5])}{' ...' if len(extra) > 5 else ''}")
    return loaded

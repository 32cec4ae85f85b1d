"""The op list of the Graph and the attribute readers the interpreter's other modules share.

OPS is lib/graph/types.ts OP_TYPES in order (test/evaluate/graph-module-ops.test.ts compares them);
ARITY the tensor inputs each op takes. The readers return an attribute checked for what the PyTorch
build needs, or raise GraphError naming the node, the attribute, the value and what is allowed.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Sequence

# lib/graph/types.ts OP_TYPES, in the same order.
OPS = (
    'Conv', 'ConvTranspose',
    'MaxPool', 'AveragePool', 'GlobalAveragePool', 'ReduceMean', 'Resize',
    'BatchNormalization', 'LayerNormalization',
    'Relu', 'Clip', 'LeakyRelu', 'PRelu', 'Elu', 'Sigmoid', 'Swish', 'HardSigmoid', 'HardSwish', 'Tanh', 'Gelu',
    'Erf', 'Sqrt', 'Softmax', 'LogSoftmax', 'Dropout',
    'Add', 'Sub', 'Mul', 'Div', 'Pow',
    'Gemm', 'Linear', 'MatMul',
    'Flatten', 'Reshape', 'Transpose', 'Concat', 'Slice', 'Pad',
)
SAME_SHAPE = ('BatchNormalization', 'LayerNormalization', 'Relu', 'Clip', 'LeakyRelu', 'PRelu', 'Elu', 'Sigmoid', 'Swish',
              'HardSigmoid', 'HardSwish', 'Tanh', 'Gelu', 'Erf', 'Sqrt', 'Softmax', 'LogSoftmax', 'Dropout')
ELEMENTWISE = ('Add', 'Sub', 'Mul', 'Div', 'Pow')
# Graph tensor inputs [min, max] (constants are attributes); Add and Mul fold any number of inputs, as before.
ARITY: Dict[str, tuple] = {op: (1, 1) for op in OPS}
ARITY.update({'Add': (1, 64), 'Mul': (1, 64), 'Sub': (1, 2), 'Div': (1, 2), 'Pow': (1, 2), 'MatMul': (2, 2), 'Concat': (1, 1024)})


class GraphError(ValueError):
    """A Graph that cannot be built (unknown op, attributes that do not fit, shape mismatch)."""


def prod(values: Sequence[int]) -> int:
    n = 1
    for v in values:
        n *= int(v)
    return n


def label(node: Dict[str, Any]) -> str:
    return f"node {node.get('name')!r} ({node.get('op')})"


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def attr(node: Dict[str, Any], key: str, default: Any = None) -> Any:
    return (node.get('attrs') or {}).get(key, default)


def ints(node: Dict[str, Any], key: str, count: int, minimum: int = 0, default: Any = None, empty: bool = False) -> List[int]:
    """`count` integers >= minimum (count None: any length >= 1, or >= 0 when `empty`)."""
    value = attr(node, key, default)
    if (not isinstance(value, (list, tuple)) or (count is not None and len(value) != count) or (count is None and not value and not empty)
            or not all(_is_int(v) and v >= minimum for v in value)):
        want = f'{count} integers' if count is not None else 'a list of integers'
        raise GraphError(f"{label(node)}: attribute {key} must be {want} >= {minimum}, got {value!r}")
    return [int(v) for v in value]


def integer(node: Dict[str, Any], key: str, minimum: int = 1, default: Any = None) -> int:
    value = attr(node, key, default)
    if not _is_int(value) or value < minimum:
        raise GraphError(f"{label(node)}: attribute {key} must be an integer >= {minimum}, got {value!r}")
    return value


def number(node: Dict[str, Any], key: str, default: Any = None) -> float:
    value = attr(node, key, default)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise GraphError(f"{label(node)}: attribute {key} must be a finite number, got {value!r}")
    return float(value)


def word(node: Dict[str, Any], key: str, words: Sequence[str], default: Any = None) -> str:
    value = attr(node, key, default)
    if value not in words:
        raise GraphError(f"{label(node)}: attribute {key} must be one of {', '.join(words)}, got {value!r}")
    return value


def axis_of(node: Dict[str, Any], axis: Any, rank: int, key: str = 'axis') -> int:
    if not _is_int(axis) or axis < -rank or axis >= rank:
        raise GraphError(f"{label(node)}: attribute {key} must be an integer from {-rank} to {rank - 1}, got {axis!r}")
    return axis + rank if axis < 0 else axis


def min_rank(node: Dict[str, Any], shape: Sequence[int], rank: int) -> List[int]:
    if len(shape) < rank:
        raise GraphError(f"{label(node)}: input must be a tensor of rank {rank} or more, got shape {list(shape)}")
    return list(shape)


def broadcast(node: Dict[str, Any], shapes: List[List[int]]) -> List[int]:
    """numpy / ONNX broadcasting: trailing-aligned, each pair equal or one of them 1."""
    rank = max(len(s) for s in shapes)
    out = [1] * rank
    for s in shapes:
        for i, d in enumerate(s):
            j = rank - len(s) + i
            if d != out[j] and d != 1 and out[j] != 1:
                raise GraphError(f"{label(node)}: inputs {shapes} are not of broadcastable shapes (trailing dimensions equal or 1)")
            out[j] = max(out[j], d)
    return out


def clip_bounds(node: Dict[str, Any]) -> tuple:
    """Clip's (min, max); either may be infinite, and null is read as unbounded (JSON writes -Infinity/Infinity as null)."""
    out = []
    for key, unbounded in (('min', -math.inf), ('max', math.inf)):
        value = attr(node, key)
        if value is None:
            out.append(unbounded)
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value):
            out.append(float(value))
        else:
            raise GraphError(f"{label(node)}: attribute {key} must be a number (or null: unbounded), got {value!r}")
    return tuple(out)

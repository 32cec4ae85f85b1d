"""Loads the weights of a Graph's ONNX export (lib/onnx/export.ts) into its GraphModule.

The exporter names every initializer after its node: `${node}.weight` / `.bias` (Conv,
ConvTranspose [C_in, C_out/group, k...], Gemm [out, K], Linear [K, out] as MatMul reads it),
`.scale` / `.bias` / `.mean` / `.var` (BatchNormalization), `.scale` / `.bias` (LayerNormalization),
`.slope` (PRelu), `.weight` (the constant operand of Add/Sub/Mul/Div/Pow; a one-element one fills
the `constant` buffer). Other initializers under a node's name (Clip's min/max, Resize sizes,
Reshape shape, Slice starts, Pad pads, decomposition constants) are structure the Graph already
holds and are not loaded. A node with `shares` loads nothing of its own (its owner's tensors are its).
"""
from __future__ import annotations

from typing import List, Tuple

import torch
import torch.nn as nn

from graph_attrs import GraphError
from graph_layers import Elementwise, PRelu
from graph_windows import Conv, ConvTranspose

# (suffixes tried in order, attribute path in the layer, optional)
Slot = Tuple[Tuple[str, ...], str, bool]


def _slots(layer: nn.Module, op: str) -> List[Slot]:
    """The learned (and BN statistics) tensors of one layer and the initializer names they load from."""
    if isinstance(layer, (Conv, ConvTranspose)):
        return [(('weight',), 'conv.weight', False)] + ([(('bias',), 'conv.bias', False)] if layer.conv.bias is not None else [])
    if isinstance(layer, nn.modules.batchnorm._BatchNorm):
        return [(('scale',), 'weight', False), (('bias',), 'bias', False), (('mean',), 'running_mean', False), (('var',), 'running_var', False)]
    if isinstance(layer, nn.LayerNorm):
        return [(('scale', 'weight'), 'weight', False), (('bias',), 'bias', False)]
    if isinstance(layer, nn.Linear):
        return [(('weight',), 'weight', False)] + ([(('bias',), 'bias', False)] if layer.bias is not None else [])
    if isinstance(layer, PRelu):
        return [(('slope', 'weight'), 'weight', False)]
    if isinstance(layer, Elementwise) and layer.weight is not None:
        return [(('weight',), 'weight', False)]
    if isinstance(layer, Elementwise) and layer.constant is not None:
        return [(('weight', 'scalar'), 'constant', True)]
    return []


def _value(name: str, array, target: torch.Tensor, op: str) -> torch.Tensor:
    """The initializer as target's shape: same element count; a Gemm / Linear weight transposed when stored [K, out]."""
    value = torch.from_numpy(array.copy()).to(target.dtype)
    if value.numel() != target.numel():
        raise GraphError(f"ONNX initializer {name!r} has shape {list(value.shape)}, the module expects {list(target.shape)}")
    if op in ('Gemm', 'Linear') and value.dim() == 2:
        square = value.shape[0] == value.shape[1]
        if (not square and tuple(value.shape) != tuple(target.shape)) or (square and op == 'Linear'):
            value = value.t()
    return value.reshape(target.shape)


def load_onnx_weights(module, onnx_path: str) -> int:
    """Copies every learned initializer of the exported ONNX into the module (BN running mean and variance
    included); returns how many tensors were loaded. Fails on a missing or misshaped initializer, and on an
    initializer no node of the graph names."""
    import onnx
    from onnx import numpy_helper

    try:
        model = onnx.load(onnx_path)
    except Exception as e:  # noqa: BLE001
        raise GraphError(f"cannot read ONNX {onnx_path}: {e}") from e
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    used = set()
    loaded = 0
    with torch.no_grad():
        for name, layer, node in zip(module.names, module.layers, module.graph['nodes']):
            used.update(k for k in inits if k.startswith(f'{name}.'))
            if node.get('shares') is not None:
                continue
            for suffixes, path, optional in _slots(layer, node['op']):
                found = next((f'{name}.{s}' for s in suffixes if f'{name}.{s}' in inits), None)
                if found is None:
                    if optional:
                        continue
                    hint = ' (was it exported with foldBatchNorm: true? the trainer needs BN kept)' if suffixes[0] in ('scale', 'mean', 'var') else ''
                    raise GraphError(f"ONNX {onnx_path}: initializer {f'{name}.{suffixes[0]}'!r} is missing{hint}")
                target = layer.get_parameter(path) if path in dict(layer.named_parameters()) else layer.get_buffer(path)
                target.copy_(_value(found, inits[found], target, node['op']))
                loaded += 1
    extra = sorted(set(inits) - used)
    if extra:
        raise GraphError(f"ONNX {onnx_path}: initializers the graph does not explain: {', '.join(extra[:5])}{' ...' if len(extra) > 5 else ''}")
    return loaded

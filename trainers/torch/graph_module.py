#!/usr/bin/env python3
"""A generic PyTorch interpreter of paretonas Graph JSON (lib/graph/types.ts).

The Graph says everything: this module knows the ops, never the search space. Every node becomes one
submodule (graph_layers.BUILDERS); `forward` walks the nodes in order over a list of tensors. Shapes
are checked against the Graph's declared tensor shapes when the module is built (the rules of
lib/graph/ops/*.ts, ported in graph_shapes.py), so a broken graph fails at construction with a
message naming the node, not deep inside a forward pass.

Shared weights: a node with `shares: <name>` runs that earlier node's module again (the same
nn.Module object; when its attributes or input shape differ, its own module whose parameters and
buffers are the owner's tensors), so module.parameters() counts them once, as graph_params does.

Run with Debian's /usr/bin/python3 (it has torch).
"""
from __future__ import annotations

import json
import math
import os
import sys
from typing import Any, Dict, List, Optional

sys.dont_write_bytecode = True  # keep the checkout clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch
import torch.nn as nn

from graph_attrs import OPS, GraphError, label  # noqa: F401 (re-exported)
from graph_layers import BUILDERS, Elementwise, PRelu, build_layer  # noqa: F401 (re-exported)
from graph_shapes import infer_output_shape, node_params  # noqa: F401 (re-exported)
from graph_weights import load_onnx_weights  # noqa: F401 (re-exported)
from graph_windows import Conv, ConvTranspose

assert set(BUILDERS) == set(OPS), 'graph_layers.BUILDERS must build every op of graph_attrs.OPS'


def check_graph(graph: Dict[str, Any]) -> List[List[int]]:
    """Validates the structure, every shape and every `shares`; returns the computed shape of every tensor."""
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
    seen: Dict[str, str] = {}
    for node in graph['nodes']:
        if not isinstance(node, dict) or node.get('op') not in OPS:
            op = node.get('op') if isinstance(node, dict) else None
            name = node.get('name') if isinstance(node, dict) else None
            raise GraphError(f"node {name!r}: unknown op {op!r} (known: {', '.join(OPS)})")
        ins, outs = node.get('inputs'), node.get('outputs')
        if not isinstance(ins, list) or not ins or not isinstance(outs, list) or len(outs) != 1:
            raise GraphError(f"{label(node)}: needs at least one input and exactly one output")
        in_shapes = []
        for t in ins:
            t = index(t, label(node))
            if shapes[t] is None:
                raise GraphError(f"{label(node)}: input tensor {tensors[t].get('name')!r} is used before any node produces it")
            in_shapes.append(shapes[t])
        out = index(outs[0], label(node))
        if shapes[out] is not None:
            raise GraphError(f"{label(node)}: output tensor {tensors[out].get('name')!r} is produced twice")
        shape = infer_output_shape(node, in_shapes)
        declared = tensors[out].get('shape')
        if list(declared or []) != shape:
            raise GraphError(f"{label(node)}: output shape is {shape} by the shape rules, but the graph declares {declared}")
        shares = node.get('shares')
        if shares is not None and seen.get(shares) != node['op']:
            raise GraphError(f"{label(node)}: shares {shares!r}, which must be an earlier {node['op']} node"
                             f"{'' if shares not in seen else f' (it is a {seen[shares]})'}")
        seen[node.get('name')] = node['op']
        shapes[out] = shape
    for t in graph['outputs']:
        t = index(t, 'graph output')
        if shapes[t] is None:
            raise GraphError(f"graph output {tensors[t].get('name')!r} is not produced by any node")
    return shapes  # type: ignore[return-value]


def graph_params(graph: Dict[str, Any]) -> int:
    """The Graph's learned parameters by the cost model's rules; a node with `shares` counts 0 (its owner counts them)."""
    shapes = check_graph(graph)
    return sum(node_params(node, shapes[node['inputs'][0]]) for node in graph['nodes'] if node.get('shares') is None)


def _tie(layer: nn.Module, owner: nn.Module, node: Dict[str, Any]) -> None:
    """Makes layer's parameters and buffers the owner's tensors (same names and shapes required)."""
    mine = dict(layer.named_parameters(recurse=True))
    theirs = dict(owner.named_parameters(recurse=True))
    if {k: tuple(v.shape) for k, v in mine.items()} != {k: tuple(v.shape) for k, v in theirs.items()}:
        raise GraphError(f"{label(node)}: shares {node['shares']!r}, but its weights "
                         f"{ {k: list(v.shape) for k, v in mine.items()} } differ from that node's { {k: list(v.shape) for k, v in theirs.items()} }")
    buffers = {k: tuple(b.shape) for k, b in layer.named_buffers()}
    for path, tensor in list(theirs.items()) + [(k, b) for k, b in owner.named_buffers() if buffers.get(k) == tuple(b.shape)]:
        *parents, leaf = path.split('.')
        holder = layer
        for p in parents:
            holder = getattr(holder, p)
        if isinstance(tensor, nn.Parameter):
            setattr(holder, leaf, tensor)
        else:
            holder._buffers[leaf] = tensor


class GraphModule(nn.Module):
    """A torch module that runs a paretonas Graph. Any batch size; spatial sizes as declared."""

    def __init__(self, graph: Dict[str, Any]):
        super().__init__()
        self.graph = graph
        shapes = check_graph(graph)
        self.shapes = shapes
        nodes = graph['nodes']
        layers: List[nn.Module] = []
        by_name: Dict[str, int] = {}
        for i, n in enumerate(nodes):
            in_shapes = [shapes[t] for t in n['inputs']]
            layer = build_layer(n, in_shapes, shapes[n['outputs'][0]])
            owner = by_name.get(n.get('shares')) if n.get('shares') is not None else None
            if owner is not None:
                root = nodes[owner]
                same = json.dumps(root.get('attrs'), sort_keys=True) == json.dumps(n.get('attrs'), sort_keys=True) \
                    and [shapes[t] for t in root['inputs']] == in_shapes
                if same:
                    layer = layers[owner]  # the same module called again
                else:
                    _tie(layer, layers[owner], n)
            by_name[n['name']] = i
            layers.append(layer)
        self.layers = nn.ModuleList(layers)
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
        """Distinct trainable tensors' elements (a shared weight once, as graph_params counts it)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def reset_parameters(self, seed: int) -> None:
        """Seeded standard init (torchvision's CNN recipe): Kaiming-normal fan-out convs (transposed too),
        BN and LN 1/0, linear N(0, 0.01) with zero bias, PRelu slope 0.25; element-wise constants their
        op's neutral value (Add/Sub 0, Mul/Div/Pow 1). A shared module is initialised once."""
        gen = torch.Generator().manual_seed(int(seed))
        done = set()
        with torch.no_grad():
            for layer in self.layers:
                params = [id(p) for p in layer.parameters()]
                if id(layer) in done or (params and all(p in done for p in params)):
                    continue  # a shared module, or one tied to an owner's tensors
                done.update([id(layer)] + params)
                if isinstance(layer, (Conv, ConvTranspose)):
                    w = layer.conv.weight
                    fan_out = w.shape[0] * math.prod(w.shape[2:])  # as nn.init.kaiming_normal_(mode="fan_out")
                    w.copy_(torch.randn(w.shape, generator=gen) * math.sqrt(2.0 / max(1, fan_out)))
                    if layer.conv.bias is not None:
                        layer.conv.bias.zero_()
                elif isinstance(layer, nn.modules.batchnorm._BatchNorm):
                    layer.reset_running_stats()
                    layer.weight.fill_(1.0)
                    layer.bias.zero_()
                elif isinstance(layer, nn.LayerNorm):
                    layer.weight.fill_(1.0)
                    layer.bias.zero_()
                elif isinstance(layer, nn.Linear):
                    layer.weight.copy_(torch.randn(layer.weight.shape, generator=gen) * 0.01)
                    if layer.bias is not None:
                        layer.bias.zero_()
                elif isinstance(layer, PRelu):
                    layer.weight.fill_(0.25)
                elif isinstance(layer, Elementwise) and layer.weight is not None:
                    layer.weight.fill_(0.0 if layer.op in ('Add', 'Sub') else 1.0)

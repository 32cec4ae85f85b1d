#!/usr/bin/python3
"""Builds and runs many Graphs through trainers/torch/graph_module.py in one process (torch imports once).

stdin: {"items": [{"graph": Graph, "batch"?: N, "onnx"?: path, "input"?: path, "output"?: path, "onnxSpec"?: spec}]}.
With `onnxSpec` ({"opset", "nodes": [{"op", "inputs", "output", "attrs"}], "inits": {name: {"dims", "values"?, "int64"?}}},
graph input "x", output "y"), the probe first writes that ONNX model to `onnx` (initializers without values drawn
seeded, `.var` ones positive) and a random input of the declared shape to `input`.
stdout: first line {"ops": [...graph_module.OPS]}, then one JSON line per item: {"outputShape", "params"
(module.trainable_params()), "graphParams", "paramTensors" (distinct trainable tensors), "finite",
"batchShape" (output shape at `batch` when given), "loaded" (initializers loaded when `onnx` is given:
the module then runs on `input` (raw float32 of the declared input shape) and writes `output`)}
or {"error": message}.
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'trainers', 'torch'))
import numpy as np  # noqa: E402
import torch  # noqa: E402
from graph_module import OPS, GraphModule, graph_params, load_onnx_weights  # noqa: E402

torch.set_num_threads(1)


def write_onnx(spec, path, input_shape):
    """A hand-written ONNX model: the reference the test runs in onnxruntime next to the interpreter."""
    import onnx
    from onnx import TensorProto, helper

    rng = np.random.default_rng(1)
    inits = []
    for name, t in spec.get('inits', {}).items():
        if 'int64' in t:
            inits.append(helper.make_tensor(name, TensorProto.INT64, t['dims'], t['int64']))
            continue
        values = t.get('values')
        if values is None:
            values = rng.standard_normal(int(np.prod(t['dims']))) * 0.5
            values = np.abs(values) + 0.5 if name.endswith('.var') else values
        inits.append(helper.make_tensor(name, TensorProto.FLOAT, t['dims'], [float(v) for v in values]))
    nodes = [helper.make_node(n['op'], n['inputs'], [n['output']], name=f'node{i}', **(n.get('attrs') or {}))
             for i, n in enumerate(spec['nodes'])]
    graph = helper.make_graph(nodes, 'probe', [helper.make_tensor_value_info('x', TensorProto.FLOAT, input_shape)],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', spec.get('opset', 17))])
    model.ir_version = 8
    onnx.save(model, path)
print(json.dumps({'ops': list(OPS)}), flush=True)
for item in json.load(sys.stdin)['items']:
    try:
        graph = item['graph']
        module = GraphModule(graph)
        module.reset_parameters(0)
        module.eval()
        shape = module.input_shape
        result = {'params': module.trainable_params(), 'graphParams': graph_params(graph),
                  'paramTensors': len([p for p in module.parameters() if p.requires_grad])}
        with torch.no_grad():
            y = module(torch.rand(shape) * 2 - 1)
            result['outputShape'], result['finite'] = list(y.shape), bool(torch.isfinite(y).all())
            if item.get('batch'):
                result['batchShape'] = list(module(torch.rand([item['batch']] + shape[1:])).shape)
            if item.get('onnxSpec'):
                write_onnx(item['onnxSpec'], item['onnx'], shape)
                (torch.rand(shape) * 2 - 1).numpy().astype('<f4').tofile(item['input'])
            if item.get('onnx'):
                result['loaded'] = load_onnx_weights(module, item['onnx'])
                x = torch.from_numpy(np.fromfile(item['input'], dtype='<f4').reshape(shape))
                module(x).numpy().astype('<f4').tofile(item['output'])
        print(json.dumps(result), flush=True)
    except Exception as e:  # noqa: BLE001 - every failure is reported for its item
        print(json.dumps({'error': f'{type(e).__name__}: {" ".join(str(e).split())}'}), flush=True)

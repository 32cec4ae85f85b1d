#!/usr/bin/env python3
"""Runs a Graph through GraphModule with the weights of its exported ONNX (eval mode), for comparing
with onnxruntime on the same model.

  /usr/bin/python3 trainers/torch/check_onnx.py --graph G.json --onnx M.onnx --input IN.bin --output OUT.bin
  /usr/bin/python3 trainers/torch/check_onnx.py --request REQ.json --input IN.bin --output OUT.bin   (REQ: a
      paretonas-trainer/1 request; '-' reads it from stdin; its `network` and `onnx` are used)

IN.bin: raw little-endian float32 of the graph's input shape, batch inferred from the file size.
OUT.bin: raw little-endian float32 of the graph's first output. stdout: one JSON line
{"type":"check", ...}. On failure: one line on stderr, exit 2.
Run with Debian's /usr/bin/python3 (it has torch).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the checkout clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PREFIX = 'paretonas-torch: error:'


class CheckError(Exception):
    pass


def run_check(graph: dict, onnx_path: str, input_path: str, output_path: str, threads: int = 2) -> dict:
    import numpy as np
    import torch
    from graph_module import GraphModule, graph_params, load_onnx_weights

    torch.set_num_threads(max(1, threads))
    module = GraphModule(graph)
    loaded = load_onnx_weights(module, onnx_path)
    module.eval()
    shape = module.input_shape
    per = 1
    for d in shape[1:]:
        per *= d
    raw = np.fromfile(input_path, dtype='<f4')
    if raw.size == 0 or raw.size % per:
        raise CheckError(f"{input_path}: {raw.size} float32 values are not a whole number of inputs of shape {shape[1:]} ({per} values each)")
    x = torch.from_numpy(raw.astype(np.float32).reshape([raw.size // per] + shape[1:]))
    with torch.no_grad():
        y = module(x)
    if isinstance(y, tuple):
        y = y[0]
    y.detach().cpu().numpy().astype('<f4').tofile(output_path)
    return {'type': 'check', 'params': module.trainable_params(), 'graphParams': graph_params(graph), 'initializers': loaded,
            'inputShape': list(x.shape), 'outputShape': list(y.shape)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--request', help="a paretonas-trainer/1 request (JSON file, '-' for stdin)")
    p.add_argument('--graph', help='a Graph JSON file')
    p.add_argument('--onnx', help='the ONNX exported from that graph (BN kept)')
    p.add_argument('--input', required=True)
    p.add_argument('--output', required=True)
    p.add_argument('--threads', type=int, default=2)
    args = p.parse_args(argv)
    try:
        if args.request:
            text = sys.stdin.read() if args.request == '-' else open(args.request).read()
            request = json.loads(text)
            graph, onnx_path = request.get('network'), args.onnx or request.get('onnx')
        elif args.graph and args.onnx:
            graph, onnx_path = json.load(open(args.graph)), args.onnx
        else:
            raise CheckError('give --request REQ.json, or --graph G.json and --onnx M.onnx')
        if not isinstance(graph, dict):
            raise CheckError('the request has no "network" Graph object')
        if not onnx_path:
            raise CheckError('the request has no "onnx" path')
        print(json.dumps(run_check(graph, onnx_path, args.input, args.output, args.threads)), flush=True)
        return 0
    except (CheckError, ValueError, OSError) as e:
        print(f'{PREFIX} {" ".join(str(e).split())}', file=sys.stderr, flush=True)
        return 2


if __name__ == '__main__':
    sys.exit(main())

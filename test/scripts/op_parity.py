#!/usr/bin/python3
"""Runs many (Graph JSON, exported ONNX, input) triples through trainers/torch/check_onnx.run_check in
one process (torch imports once). stdin: a JSON list of {"graph", "onnx", "input", "output"} paths.
stdout: one JSON line per item: run_check's result, or {"error": message}."""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'trainers', 'torch'))
from check_onnx import run_check  # noqa: E402

for item in json.load(sys.stdin):
    try:
        graph = json.load(open(item['graph']))
        print(json.dumps(run_check(graph, item['onnx'], item['input'], item['output'], 1)), flush=True)
    except Exception as e:  # noqa: BLE001 - every failure is reported for its item
        print(json.dumps({'error': f'{type(e).__name__}: {" ".join(str(e).split())}'}), flush=True)

#!/usr/bin/python3
"""Counts parameters and multiply-accumulates of torchvision reference models, independently of paretonas.

Run with Debian's Python (python3-torch, python3-torchvision; no pip, no downloads: weights=None):

    /usr/bin/python3 scripts/torchvision-counts.py              # writes test/fixtures/torchvision-counts.json
    /usr/bin/python3 scripts/torchvision-counts.py --stdout --models squeezenet1_1

Conventions (the same as paretonas's cost model, counted here the PyTorch way):
  params = sum(p.numel() for p in model.parameters())  (BN running statistics are buffers, not parameters)
  MACs   = forward hooks on nn.Conv2d (out.numel() * in_channels/groups * kh * kw)
           and nn.Linear (in_features * out_features * batch), at a 1x3xRxR input in eval mode.
  layerMacs = the same per Conv2d / Linear call, in execution order (at 224x224 only).

Besides 224x224 with 1000 classes, each model is also counted at the VARIANTS below (another
resolution and class count) where torchvision's adaptive pools reduce to an identity or to an
evenly dividing average pool, i.e. where paretonas builds the model.
"""

import argparse
import json
import os
import sys
import warnings

import torch
import torch.nn as nn
import torchvision
from torchvision import models

MODELS = [
    "alexnet",
    "resnet18",
    "resnet50",
    "mobilenet_v2",
    "mnasnet1_0",
    "googlenet",
    "vgg16",
    "squeezenet1_0",
    "squeezenet1_1",
    "mobilenet_v3_small",
]

# (resolution, classes) per model, besides (224, 1000). alexnet at 160 would end at 4x4 before its
# AdaptiveAvgPool2d((6, 6)) and vgg16 at 160 at 5x5 before its (7, 7): those upsample, so use sizes
# where the adaptive pool averages evenly (alexnet 416 -> 12x12, vgg16 448 -> 14x14).
VARIANTS = {name: [(160, 100)] for name in MODELS}
VARIANTS["alexnet"] = [(416, 100)]
VARIANTS["vgg16"] = [(448, 100)]

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torchvision-counts.json")


def build(name: str, classes: int) -> nn.Module:
    kwargs = {"weights": None, "num_classes": classes}
    if name == "googlenet":
        kwargs.update(aux_logits=False, init_weights=False)
    return getattr(models, name)(**kwargs).eval()


def count(name: str, resolution: int = 224, classes: int = 1000) -> dict:
    model = build(name, classes)
    layer_macs = []  # per Conv2d / Linear call, in execution order

    def conv_hook(module: nn.Conv2d, _inputs, output: torch.Tensor) -> None:
        kh, kw = module.kernel_size
        layer_macs.append(output.numel() * (module.in_channels // module.groups) * kh * kw)

    def linear_hook(module: nn.Linear, inputs, _output) -> None:
        batch = inputs[0].numel() // module.in_features
        layer_macs.append(module.in_features * module.out_features * batch)

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(conv_hook)
        elif isinstance(m, nn.Linear):
            m.register_forward_hook(linear_hook)
    with torch.no_grad():
        out = model(torch.zeros(1, 3, resolution, resolution))
    if tuple(out.shape) != (1, classes):
        raise SystemExit(f"{name}: output shape {tuple(out.shape)}, expected (1, {classes})")
    params = sum(p.numel() for p in model.parameters())
    return {"params": int(params), "macs": int(sum(layer_macs)), "layerMacs": [int(m) for m in layer_macs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated torchvision builder names")
    parser.add_argument("--stdout", action="store_true", help="print the JSON instead of writing the fixture")
    parser.add_argument("--no-variants", action="store_true", help="only 224x224 with 1000 classes")
    args = parser.parse_args()
    names = list(dict.fromkeys(n for n in args.models.split(",") if n))
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        parser.error(f"unknown models {unknown}; allowed: {', '.join(MODELS)}")

    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    result = {
        "_generator": {
            "script": "scripts/torchvision-counts.py",
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
            "input": "1x3xRxR zeros, eval mode; default R=224, 1000 classes",
        }
    }
    for name in names:
        entry = count(name)
        if not args.no_variants:
            entry["variants"] = []
            for r, c in VARIANTS[name]:
                v = count(name, r, c)
                del v["layerMacs"]
                entry["variants"].append({"resolution": r, "classes": c, **v})
        result[name] = entry
        print(f"{name}: {entry['params']} params, {entry['macs']} MACs", file=sys.stderr)
    # One line per layerMacs list rather than one line per number: serialize the lists separately.
    layer_macs = {}
    for name in names:
        layer_macs[name] = result[name]["layerMacs"]
        result[name]["layerMacs"] = f"@layerMacs:{name}@"
    text = json.dumps(result, indent=1) + "\n"
    for name, macs in layer_macs.items():
        text = text.replace(f'"@layerMacs:{name}@"', json.dumps(macs))
    if args.stdout:
        sys.stdout.write(text)
    else:
        with open(FIXTURE, "w") as f:
            f.write(text)
        print(f"wrote {os.path.normpath(FIXTURE)}", file=sys.stderr)


if __name__ == "__main__":
    main()

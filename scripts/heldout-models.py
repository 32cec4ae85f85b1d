#!/usr/bin/python3
"""Builds one of eight held-out models (not in paretonas's zoo), exports it to ONNX with PyTorch's own
exporter, and prints what PyTorch counts for it, as one JSON line:

  {"model", "file", "opset", "input" (shape), "output" (shape of the model's output),
   "macs"       multiply-accumulates per image, by forward hooks:
                  Conv1d/2d/3d       out_elements x (C_in / groups) x prod(kernel)   (dilation: shape only)
                  ConvTranspose1-3d  in_elements x (C_out / groups) x prod(kernel)   (fvcore / ptflops)
                  Linear             out_elements x in_features, at any input rank
                None of the eight has a MatMul of two activations (no attention), so there is none to add.
   "layerMacs"  the same per hooked call, in execution order, with the module's class and name,
   "params"     parameters of the EXPORTED FILE by paretonas's counting rules (README "How costs are
                counted"; /work/notes/issue17-plan.md): every float constant (initializer or Constant
                node) counted once however many nodes read it, as
                  Conv / ConvTranspose weight + bias; Gemm B + C; MatMul's constant operand (a Linear
                  weight) and the bias Add that follows it; BatchNormalization scale + B (not the
                  running statistics); LayerNormalization scale + B; PRelu slope;
                  Add/Sub/Mul/Div/Pow constant only when it has more than one element (a scalar of
                  arithmetic such as GELU's 0.5 and sqrt(2) or LayerNorm's eps is not a parameter);
                  any other constant (Clip bounds, Resize scales, Pad value) 0.
                With BN folded by the eval-mode export this is weights + biases; for a net without BN
                it equals torchParams.
   "paramsByOp" the same split by the ONNX op type that reads the constant (a diagnostic),
   "torchParams" sum(p.numel() for p in model.parameters()) (a shared tensor once)}

Usage: heldout-models.py NAME OUT.onnx [--opset N] [--resolution N]
Names: shufflenet_v2_x0_5 convnext_tiny lraspp_mobilenet_v3_large kws1d unet_small efficientnet_b0
       regnet_x_400mf densenet121.
Runs with Debian's python3-torch 1.13 / python3-torchvision 0.14 / python3-onnx (weights=None, no
downloads). Eval mode, constant folding on (PyTorch's default), batch 1 with static shapes."""
import argparse
import json
import sys
import warnings

import torch
import torch.nn as nn
import torchvision


class KeywordSpotting1d(nn.Module):
    """A 1-D keyword-spotting net on MFCC frames [N, 40, 98] (40 coefficients x 98 frames): a strided
    Conv1d stem, two depthwise-separable blocks (depthwise Conv1d k3 + pointwise Conv1d, BN1d, ReLU),
    MaxPool1d, AvgPool1d, AdaptiveAvgPool1d(1), Linear to 12 keywords."""

    def __init__(self, classes=12):
        super().__init__()

        def cbr(cin, cout, k, s=1, groups=1):
            return [nn.Conv1d(cin, cout, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm1d(cout), nn.ReLU()]

        self.features = nn.Sequential(
            *cbr(40, 64, 5, 2),
            *cbr(64, 64, 3, groups=64), *cbr(64, 96, 1),
            nn.MaxPool1d(2),
            *cbr(96, 96, 3, groups=96), *cbr(96, 128, 1),
            nn.AvgPool1d(2),
            nn.AdaptiveAvgPool1d(1),
        )
        self.fc = nn.Linear(128, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


class UNetSmall(nn.Module):
    """A small U-Net: two encoder levels (Conv2d 3x3 + BN + ReLU twice, MaxPool2d 2), a bottleneck,
    two decoder levels (ConvTranspose2d k2 s2 with bias, Concat with the skip, two convs) and a 1x1
    conv to one class (its bias has one element: still a parameter)."""

    def __init__(self, cin=3, classes=1, w=16):
        super().__init__()

        def double(a, b):
            return nn.Sequential(nn.Conv2d(a, b, 3, 1, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU(),
                                 nn.Conv2d(b, b, 3, 1, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU())

        self.enc1, self.enc2, self.mid = double(cin, w), double(w, 2 * w), double(2 * w, 4 * w)
        self.pool = nn.MaxPool2d(2)
        self.up2, self.dec2 = nn.ConvTranspose2d(4 * w, 2 * w, 2, 2), double(4 * w, 2 * w)
        self.up1, self.dec1 = nn.ConvTranspose2d(2 * w, w, 2, 2), double(2 * w, w)
        self.head = nn.Conv2d(w, classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        m = self.mid(self.pool(e2))
        d2 = self.dec2(torch.cat([self.up2(m), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        return self.head(d1)


class OutOnly(nn.Module):
    """torchvision's segmentation models return {'out': ...}: this returns the tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


def build(name):
    """(model, input shape) for NAME; torchvision models with weights=None (no download)."""
    tv = torchvision.models
    if name == "kws1d":
        return KeywordSpotting1d(), [1, 40, 98]
    if name == "unet_small":
        return UNetSmall(), [1, 3, 64, 64]
    if name == "lraspp_mobilenet_v3_large":
        return OutOnly(tv.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None)), [1, 3, 224, 224]
    if name == "convnext_tiny":
        return tv.convnext_tiny(weights=None), [1, 3, 224, 224]
    if name in ("shufflenet_v2_x0_5", "efficientnet_b0", "regnet_x_400mf", "densenet121"):
        return getattr(tv, name)(weights=None), [1, 3, 224, 224]
    raise SystemExit(f"model: got {name!r}; allowed: {', '.join(NAMES)}")


NAMES = ["shufflenet_v2_x0_5", "convnext_tiny", "lraspp_mobilenet_v3_large", "kws1d", "unet_small",
         "efficientnet_b0", "regnet_x_400mf", "densenet121"]

CONV = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
CONV_T = (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)


def prod(xs):
    p = 1
    for x in xs:
        p *= int(x)
    return p


def count_macs(model, x):
    """(total, per-call list) of MACs by forward hooks on conv, transposed conv and linear modules."""
    layers = []
    names = {m: n for n, m in model.named_modules()}

    def hook(m, inputs, out):
        if isinstance(m, CONV_T):
            macs = inputs[0].numel() * (m.out_channels // m.groups) * prod(m.kernel_size)
        elif isinstance(m, CONV):
            macs = out.numel() * (m.in_channels // m.groups) * prod(m.kernel_size)
        else:  # nn.Linear at any rank: every output element sums in_features products
            macs = out.numel() * m.in_features
        layers.append({"module": type(m).__name__, "name": names[m], "macs": int(macs)})

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, CONV + CONV_T + (nn.Linear,))]
    with torch.no_grad():
        out = model(x)
    for h in handles:
        h.remove()
    return sum(l["macs"] for l in layers), layers, list(out.shape)


# ONNX op -> which input positions hold parameters when constant (None: any constant input).
FULL = {"Conv": (1, 2), "ConvTranspose": (1, 2), "Gemm": (1, 2), "BatchNormalization": (1, 2),
        "LayerNormalization": (1, 2), "PRelu": (1,), "MatMul": None}
ARITH = {"Add", "Sub", "Mul", "Div", "Pow"}


def file_params(path):
    """Parameters of an ONNX file by paretonas's counting rules (module docstring), and the split by op."""
    import onnx
    from onnx import numpy_helper

    m = onnx.load(path)
    g = m.graph
    floats = {}
    for t in g.initializer:
        if t.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16):
            floats[t.name] = prod(t.dims)
    for n in g.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value" and a.t.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE):
                    floats[n.output[0]] = int(numpy_helper.to_array(a.t).size)
                elif a.name in ("value_float", "value_floats"):
                    floats[n.output[0]] = 1 if a.name == "value_float" else len(a.floats)
    producer = {o: n for n in g.node for o in n.output}
    counted = {}  # constant name -> op type that counts it
    for n in g.node:
        inputs = list(n.input)
        if n.op_type in FULL:
            slots = FULL[n.op_type] if FULL[n.op_type] is not None else range(len(inputs))
            for i in slots:
                if i < len(inputs) and inputs[i] in floats:
                    counted.setdefault(inputs[i], n.op_type)
        elif n.op_type in ARITH:
            for i, v in enumerate(inputs):
                if v not in floats:
                    continue
                other = inputs[1 - i] if len(inputs) == 2 else ""
                p = producer.get(other)
                linear_bias = (n.op_type == "Add" and p is not None and p.op_type == "MatMul"
                               and any(w in floats for w in p.input))
                if floats[v] > 1 or linear_bias:
                    counted.setdefault(v, "MatMul" if linear_bias else n.op_type)
    by_op = {}
    for name, op in counted.items():
        by_op[op] = by_op.get(op, 0) + floats[name]
    return sum(floats[n] for n in counted), dict(sorted(by_op.items())), sorted({n.op_type for n in g.node})


def conv_features(path):
    """What the file's Conv/ConvTranspose nodes use: spatial ranks, dilated and grouped counts."""
    import onnx

    ranks, dilated, grouped = set(), 0, 0
    for n in onnx.load(path).graph.node:
        if n.op_type not in ("Conv", "ConvTranspose"):
            continue
        a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
        ranks.add(len(a.get("kernel_shape", [])))
        dilated += any(d > 1 for d in a.get("dilations", []))
        grouped += a.get("group", 1) > 1
    return {"spatialRanks": sorted(ranks), "dilated": dilated, "grouped": grouped}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model", choices=NAMES)
    p.add_argument("out")
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--resolution", type=int, help="image side for the 2-D models (default: each model's own)")
    a = p.parse_args()
    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    model, shape = build(a.model)
    model.eval()
    if a.resolution is not None and len(shape) == 4:
        shape = [1, shape[1], a.resolution, a.resolution]
    # Random weights and BN statistics, as a trained model has: equal fresh tensors (zero biases,
    # unit BN scales) would be deduplicated by the exporter into one shared initializer.
    with torch.no_grad():
        for t in list(model.parameters()) + [b for b in model.buffers() if b.dtype.is_floating_point]:
            t.copy_(torch.rand_like(t) * 0.5 + 0.5)
    x = torch.randn(*shape)
    macs, layers, out_shape = count_macs(model, x)
    torch.onnx.export(model, x, a.out, opset_version=a.opset, input_names=["input"], output_names=["output"],
                      training=torch.onnx.TrainingMode.EVAL, do_constant_folding=True)
    params, by_op, ops = file_params(a.out)
    print(json.dumps({"model": a.model, "file": a.out, "opset": a.opset, "input": shape, "output": out_shape,
                      "macs": macs, "params": params, "paramsByOp": by_op,
                      "torchParams": sum(p.numel() for p in model.parameters()), "onnxOps": ops,
                      "convs": conv_features(a.out),
                      "layerMacs": layers}))


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Exports a torchvision model (weights=None, no download) or a small op-coverage net to ONNX with
PyTorch's own exporter, and prints what PyTorch counts for it, as JSON:
  {"file", "macs" (conv + linear multiply-accumulates, by forward hooks), "params" (float weight
   elements of the exported file: initializers of rank >= 1 other than BN running statistics, i.e.
   weights + biases after BN folding, or weights + BN gamma/beta when BN is kept), "torchParams"
   (sum of p.numel())}
Usage: torch-export.py MODEL OUT.onnx [--resolution N] [--opset N] [--training]
Runs with Debian's python3-torch / python3-torchvision (no pip, no downloads)."""
import argparse, json, sys
import torch
import torch.nn as nn
import torchvision


class OpCoverage(nn.Module):
    """Every op the importer names, as PyTorch writes them: Conv (+BN folded), Clip (relu6),
    Relu, Add, Mul, Concat, MaxPool, AveragePool, HardSigmoid, HardSwish, Sigmoid, ReduceMean,
    GlobalAveragePool, Flatten, Reshape, Gemm, MatMul, Dropout."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.branch_a = nn.Sequential(nn.Conv2d(8, 8, 3, 1, 1, groups=8), nn.ReLU())
        self.branch_b = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(8, 8, 1))
        self.se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(16, 4, 1), nn.ReLU(), nn.Conv2d(4, 16, 1), nn.Hardsigmoid())
        self.pool = nn.AvgPool2d(2, 2)
        self.mix = nn.Sequential(nn.Conv2d(16, 12, 1), nn.Hardswish())
        self.gate = nn.Conv2d(12, 12, 1)
        self.fc = nn.Linear(12, 10)
        self.drop = nn.Dropout(0.2)
        self.proj = nn.Parameter(torch.randn(10, 6))

    def forward(self, x):
        x = self.stem(x)
        x = x + self.branch_a(x)
        x = torch.cat([x, self.branch_b(x)], 1)
        x = x * self.se(x)
        x = self.mix(self.pool(x))
        x = x * torch.sigmoid(self.gate(x))
        a = x.mean(dim=(2, 3))
        b = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        y = self.drop(self.fc(a + b.reshape(b.shape[0], -1)))
        return y @ self.proj


def build(name):
    if name == "opcoverage":
        return OpCoverage()
    kwargs = {"weights": None}
    if name == "googlenet":
        kwargs.update(aux_logits=False, init_weights=False)
    return getattr(torchvision.models, name)(**kwargs)


def count_macs(model, x):
    macs = [0]

    def hook(m, inputs, out):
        if isinstance(m, nn.Conv2d):
            macs[0] += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            macs[0] += out.numel() // m.out_features * m.in_features * m.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    extra = 0
    if isinstance(model, OpCoverage):  # the bare matmul y @ proj
        extra = model.proj.shape[0] * model.proj.shape[1] * x.shape[0]
    return macs[0] + extra


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("out")
    p.add_argument("--resolution", type=int, default=224)
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--training", action="store_true", help="export in training mode: BN kept, Dropout written")
    a = p.parse_args()
    torch.manual_seed(0)
    model = build(a.model).eval()
    # Random weights and BN statistics, as a trained model has: fresh zero biases would be
    # deduplicated by the exporter into one shared initializer.
    with torch.no_grad():
        for t in list(model.parameters()) + [b for b in model.buffers() if b.dtype.is_floating_point]:
            t.copy_(torch.rand_like(t) * 0.5 + 0.5)
    x = torch.randn(1, 3, a.resolution, a.resolution)
    macs = count_macs(model, x)
    mode = torch.onnx.TrainingMode.TRAINING if a.training else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(model, x, a.out, opset_version=a.opset, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, training=mode,
                      do_constant_folding=not a.training)
    import onnx  # Debian's python3-onnx, only to count what the file holds
    m = onnx.load(a.out)
    # BN running statistics are not parameters (the design's convention, and PyTorch's).
    stats = {i for n in m.graph.node if n.op_type == "BatchNormalization" for i in n.input[3:5]}
    params = sum(int(torch.tensor(list(t.dims)).prod().item()) for t in m.graph.initializer
                 if len(t.dims) >= 1 and t.data_type == onnx.TensorProto.FLOAT and t.name not in stats)
    print(json.dumps({"file": a.out, "macs": macs, "params": params,
                      "torchParams": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    sys.exit(main())

"""Small PyTorch modules that write the ONNX ops the importer gained (Resize / Upsample, PRelu, Elu,
Gelu's Erf form, Tanh, Softmax, LayerNorm's decomposition, Linear on sequences, MatMul of two
tensors, Split, Conv1d / Conv3d with pools, ConvTranspose with output_padding, reflection and zero
pads, ReduceMean off the spatial axes), exported by torch.onnx.export. Prints one JSON line per
model: file, input shape, MACs by forward hooks (Conv: out x C_in/groups x prod(k); ConvTranspose:
in x C_out/groups x prod(k); Linear: out x in_features; torch.matmul of two tensors: out x K,
counted in forward) and params = sum of p.numel().

usage: python3 import-ops.py OUT_DIR
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
OUT = sys.argv[1]
EXTRA = [0]


class Upsample(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.a, self.b, self.kw = nn.Conv2d(3, 4, 3, padding=1), nn.Conv2d(4, 2, 1), kw

    def forward(self, x):
        return self.b(F.interpolate(self.a(x), **self.kw))


class Activations(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 6, 3)
        self.p = nn.PReLU(6)
        self.e = nn.ELU(0.5)
        self.q = nn.PReLU()

    def forward(self, x):
        y = torch.tanh(F.gelu(self.e(self.p(self.c(x)))))
        return torch.softmax(self.q(y), dim=1)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(32)
        self.q, self.k, self.v = nn.Linear(32, 16), nn.Linear(32, 16), nn.Linear(32, 16, bias=False)
        self.out = nn.Linear(16, 32)

    def forward(self, x):
        h = self.norm(x)
        q, k, v = self.q(h), self.k(h), self.v(h)
        att = torch.matmul(q, k.transpose(1, 2)) / 4.0
        EXTRA[0] += att.numel() * q.shape[-1]
        y = torch.matmul(torch.softmax(att, dim=-1), v)
        EXTRA[0] += y.numel() * att.shape[-1]
        return self.out(F.gelu(y)).mean(dim=-1)


class SplitBranches(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Conv2d(2, 2, 3, padding=1), nn.Conv2d(6, 4, 1)

    def forward(self, x):
        p, q = torch.split(x, [2, 6], dim=1)
        return torch.cat([self.a(p), self.b(q)], dim=1).mean([2, 3])


class Volumes(nn.Module):
    def __init__(self):
        super().__init__()
        self.c3 = nn.Conv3d(2, 4, 3, padding=1, stride=(1, 2, 2))
        self.p3 = nn.MaxPool3d(2)

    def forward(self, x):
        return self.p3(self.c3(x))


class Sequence1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv1d(4, 8, 5, padding=2, dilation=1)
        self.p = nn.MaxPool1d(3, stride=2, padding=1)
        self.d = nn.Conv1d(8, 8, 3, dilation=2, groups=2)

    def forward(self, x):
        return self.d(self.p(self.c(x)))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)
        self.pad = nn.ReflectionPad2d((1, 2, 0, 1))
        self.zero = nn.ZeroPad2d((0, 1, 0, 1))
        self.c = nn.Conv2d(3, 5, 3, stride=2)

    def forward(self, x):
        return self.c(self.zero(self.pad(self.t(x))))


class Norm17(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm, self.fc = nn.LayerNorm(32), nn.Linear(32, 8)

    def forward(self, x):
        return self.fc(self.norm(x))


MODELS = [
    ('layernorm_opset17', Norm17(), [1, 10, 32], 17),
    ('upsample_nearest', Upsample(scale_factor=2, mode='nearest'), [1, 3, 8, 8], 13),
    ('upsample_bilinear_size', Upsample(size=(12, 10), mode='bilinear', align_corners=False), [1, 3, 8, 8], 13),
    ('upsample_opset9', Upsample(scale_factor=2, mode='nearest'), [1, 3, 8, 8], 9),
    ('activations', Activations(), [1, 3, 10, 10], 13),
    ('attention', Attention(), [1, 10, 32], 13),
    ('split_branches', SplitBranches(), [1, 8, 6, 6], 13),
    ('volumes', Volumes(), [1, 2, 6, 8, 8], 13),
    ('sequence1d', Sequence1d(), [1, 4, 40], 13),
    ('decoder', Decoder(), [1, 4, 5, 5], 13),
]


def hook_macs(model, shape):
    total = [0]

    def hook(m, inputs, out):
        if isinstance(m, nn.ConvTranspose1d) or isinstance(m, nn.ConvTranspose2d) or isinstance(m, nn.ConvTranspose3d):
            total[0] += inputs[0].numel() * (m.out_channels // m.groups) * int(torch.tensor(m.kernel_size).prod())
        elif isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            total[0] += out.numel() * (m.in_channels // m.groups) * int(torch.tensor(m.kernel_size).prod())
        elif isinstance(m, nn.Linear):
            total[0] += out.numel() * m.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    EXTRA[0] = 0
    with torch.no_grad():
        y = model(torch.zeros(shape))
    for h in handles:
        h.remove()
    return total[0] + EXTRA[0], list(y.shape)


for name, model, shape, opset in MODELS:
    model.eval()
    macs, out = hook_macs(model, shape)
    path = f'{OUT}/{name}.onnx'
    torch.onnx.export(model, torch.zeros(shape), path, opset_version=opset, input_names=['input'], output_names=['output'])
    print(json.dumps({'name': name, 'file': path, 'input': shape, 'output': out, 'opset': opset, 'macs': macs, 'params': sum(p.numel() for p in model.parameters())}))

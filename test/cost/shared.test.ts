import { describe, expect, it } from 'vitest';
import { estimateCosts, graphTotals } from '../../lib/cost/estimate.js';
import { countedCost, nodeCost } from '../../lib/cost/layer-costs.js';
import { peakSram } from '../../lib/cost/sram.js';
import { GraphBuilder } from '../../lib/graph/builder.js';
import { exportWeightElements } from '../../lib/graph/export-size.js';
import { HAVE_TORCH, runPython } from '../helpers-python.js';
import { convAppliedTwice } from './conv-twice.js';

// Hand-worked: MACs 3*16*9*64 + 2 * 16*16*9*64 + 16*10 = 27,648 + 294,912 + 160 = 322,720;
// params (stored once; PyTorch's parameters() counts the shared module once) 432 + 16 + 2,304 + 16 + 160 + 10 = 2,938;
// flash (int8, + 8 bytes per output channel) 432 + 128 + 2,304 + 128 + 160 + 80 = 3,232.
describe('a conv applied twice (shares): weights counted once, MACs on every call', () => {
  it('totals: 322,720 MACs, 2,938 params, 3,232 flash bytes; without shares the second copy counts again', () => {
    const r = estimateCosts(convAppliedTwice());
    expect([r.macs, r.params, r.flashBytes]).toEqual([322_720, 2_938, 3_232]);
    const t = graphTotals(convAppliedTwice());
    expect([t.macs, t.params, t.flashBytes]).toEqual([322_720, 2_938, 3_232]);
    const unshared = estimateCosts(convAppliedTwice(false));
    expect([unshared.macs, unshared.params, unshared.flashBytes]).toEqual([322_720, 2_938 + 2_320, 3_232 + 2_432]);
  });

  it('the shared row shows its own MACs, params and flash and names the node it shares with', () => {
    const r = estimateCosts(convAppliedTwice());
    const body = r.layers.find((l) => l.node.startsWith('body'))!;
    const again = r.layers.find((l) => l.node.startsWith('again'))!;
    expect(again.sharedWith).toBe(body.node);
    expect(body.sharedWith).toBeUndefined();
    expect([again.macs, again.params, again.flashBytes]).toEqual([147_456, 2_320, 2_432]);
    expect(r.layers.filter((l) => l.sharedWith !== undefined)).toHaveLength(1);
  });

  it('nodeCost is the op\'s own count; countedCost drops params and flash of a sharing node only', () => {
    const graph = convAppliedTwice();
    const again = graph.nodes.find((n) => n.shares !== undefined)!;
    const body = graph.nodes.find((n) => n.name === again.shares)!;
    expect(nodeCost(again, graph)).toEqual({ macs: 147_456, params: 2_320, flashBytes: 2_432 });
    expect(countedCost(again, graph)).toEqual({ macs: 147_456, params: 0, flashBytes: 0 });
    expect(countedCost(body, graph)).toEqual(nodeCost(body, graph));
  });

  it('sharing changes no SRAM (activations are not shared) and the export holds the weights once', () => {
    expect(peakSram(convAppliedTwice(), { model: 'mcunet' })).toEqual(peakSram(convAppliedTwice(false), { model: 'mcunet' }));
    expect(peakSram(convAppliedTwice(), { model: 'liveness' })).toEqual(peakSram(convAppliedTwice(false), { model: 'liveness' }));
    // 448 + 2,320 + 170 float elements in the file (every conv has its bias); the unshared graph adds 2,320
    expect(exportWeightElements(convAppliedTwice())).toBe(2_938);
    expect(exportWeightElements(convAppliedTwice(false))).toBe(2_938 + 2_320);
  });

  it.skipIf(!HAVE_TORCH)('PyTorch counts the same module: parameters() 2,938, forward-hook MACs 322,720', async () => {
    // MACs per call from hooks: Conv2d out.numel() x (in / groups) x k x k; Linear out.numel() x in.
    const script = `
import torch, torch.nn as nn, json
stem, body, fc = nn.Conv2d(3, 16, 3, padding=1), nn.Conv2d(16, 16, 3, padding=1), nn.Linear(16, 10)
net = nn.ModuleList([stem, body, fc])
macs = []
def hook(m, i, o):
    if isinstance(m, nn.Conv2d): macs.append(o.numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1])
    else: macs.append(o.numel() * m.in_features)
for m in net: m.register_forward_hook(hook)
x = torch.relu(stem(torch.zeros(1, 3, 8, 8)))
x = torch.relu(body(torch.relu(body(x))))
fc(x.mean((2, 3)))
print(json.dumps({'params': sum(p.numel() for p in net.parameters()), 'macs': sum(macs)}))
`;
    const r = await runPython(['-c', script]);
    expect(r.status, r.stderr).toBe(0);
    const torchCounts = JSON.parse(r.stdout.trim()) as { params: number; macs: number };
    const ours = estimateCosts(convAppliedTwice());
    expect(torchCounts).toEqual({ params: 2_938, macs: 322_720 });
    expect([ours.params, ours.macs]).toEqual([torchCounts.params, torchCounts.macs]);
  });

  it('export size: a conv without bias counts the bias BN folding gives it (108 + 4), its BN four vectors of 4', () => {
    const g = new GraphBuilder('nobias');
    const graph = g.finish([g.bn(g.conv(g.input('x', [1, 3, 8, 8]), { out: 4, kernel: 3 }))]);
    expect(exportWeightElements(graph)).toBe(108 + 4 + 16);
  });
});

import type { CostReport } from '../cost/estimate.js';
import { estimateCosts } from '../cost/estimate.js';
import { SRAM_MODELS } from '../cost/sram.js';
import { formatInt, formatKiB, formatMillions, textTable } from '../report/text-table.js';
import { choiceFlag, parseFlags } from './args.js';
import { MODEL_FLAGS, MODEL_USAGE, modelFromFlags } from './model-flags.js';

export const ESTIMATE_USAGE = `paretonas estimate ${MODEL_USAGE}
                   [--sram mcunet|liveness] [--inplace-dw] [--json]`;

export function estimateCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, {
    ...MODEL_FLAGS,
    sram: { type: 'string' },
    'inplace-dw': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const model = modelFromFlags(values, positionals);
  const report = estimateCosts(model.graph, {
    model: choiceFlag('sram', values.sram, SRAM_MODELS, 'mcunet'),
    inplaceDepthwise: values['inplace-dw'] ?? false,
  });
  const input = model.graph.tensors[model.graph.inputs[0] as number]?.shape ?? [];
  const output = model.graph.tensors[model.graph.outputs[0] as number]?.shape ?? [];
  const out = { file: model.source, format: model.format, resolution: input[2] ?? 0, classes: output[1] ?? 0, inputShape: input, ...report };
  return values.json ? JSON.stringify(out, null, 2) : renderReport(out);
}

function renderReport(r: CostReport & { file?: string; format: string; resolution: number; classes: number }): string {
  const convs = r.layers.filter((l) => l.op === 'Conv' || l.op === 'Gemm');
  const rows = convs.map((l) => [l.block, l.node.split('.').pop() ?? l.node, l.outputShape.slice(1).join('x'), formatInt(l.macs), formatInt(l.params), formatInt(l.sramBytes)]);
  return [
    `${r.file} (${r.format}, ${r.resolution}x${r.resolution}, ${r.classes} classes)`,
    textTable(['block', 'layer', 'output', 'MACs', 'params', 'SRAM bytes'], rows),
    '',
    `MACs          ${formatInt(r.macs)} (${formatMillions(r.macs)})  conv + linear multiply-accumulates`,
    `params        ${formatInt(r.params)} (${formatMillions(r.params)})  weights + biases + BN gamma/beta`,
    `flash (int8)  ${formatInt(r.flashBytes)} bytes (${formatKiB(r.flashBytes)})  BN folded, +8 bytes per output channel`,
    `peak SRAM     ${formatInt(r.peakSramBytes)} bytes (${formatKiB(r.peakSramBytes)})  model ${r.sramModel}${r.inplaceDepthwise ? ' + in-place depthwise' : ''}, int8, at ${r.peakAt}`,
  ].join('\n');
}

import type { CostReport } from '../cost/estimate.js';
import { estimateCosts } from '../cost/estimate.js';
import { SRAM_MODELS } from '../cost/sram.js';
import { InputError } from '../errors.js';
import { formatInt, formatKiB, formatMillions, textTable } from '../report/text-table.js';
import { resolveSpace } from '../space/builtin.js';
import { loadModelFile, MODEL_FORMATS } from '../space/formats.js';
import { choiceFlag, intFlag, parseFlags } from './args.js';

export const ESTIMATE_USAGE = `paretonas estimate FILE [--format auto|candidate|lmanet|mcunet] [--resolution N] [--classes N]
                   [--sram mcunet|liveness] [--inplace-dw] [--space NAME|FILE] [--json]`;

export function estimateCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, {
    format: { type: 'string' },
    resolution: { type: 'string' },
    classes: { type: 'string' },
    sram: { type: 'string' },
    'inplace-dw': { type: 'boolean' },
    space: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new InputError('FILE', positionals, 'exactly one model file', `got ${positionals.length} files`);
  const model = loadModelFile(positionals[0] as string, {
    format: choiceFlag('format', values.format, MODEL_FORMATS, 'auto'),
    resolution: intFlag('resolution', values.resolution, 8, 4096),
    classes: intFlag('classes', values.classes, 1, 1_000_000),
    space: resolveSpace(values.space),
  });
  const report = estimateCosts(model.graph, {
    model: choiceFlag('sram', values.sram, SRAM_MODELS, 'mcunet'),
    inplaceDepthwise: values['inplace-dw'] ?? false,
  });
  const out = { file: positionals[0], format: model.format, resolution: model.resolution, classes: model.classes, ...report };
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

import type { CostReport } from '../cost/estimate.js';
import { estimateCosts } from '../cost/estimate.js';
import { SRAM_MODELS } from '../cost/sram.js';
import { InputError } from '../errors.js';
import { MAX_COUNT } from '../graph/bounds.js';
import { OPS } from '../graph/ops/index.js';
import { formatInt, formatKiB, formatMillions, textTable } from '../report/text-table.js';
import { choiceFlag, jsonOut, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { MODEL_ARGS, MODEL_FLAGS, modelFromFlags } from './model-flags.js';
import { stderrNotes } from './notes.js';

export const ESTIMATE_COMMAND = defineCommand({
  name: 'estimate',
  args: MODEL_ARGS,
  summary: 'MACs, params, flash and peak SRAM of a model, with a per-layer breakdown',
  example: 'paretonas estimate --zoo mobilenet_v2 --sram liveness --json',
  flags: {
    ...MODEL_FLAGS,
    sram: { type: 'string', value: SRAM_MODELS.join('|'), default: 'mcunet', help: 'how peak SRAM is charged (mcunet: a layer\'s input and output; liveness: every live tensor)' },
    'inplace-dw': { type: 'boolean', help: 'depthwise convolutions overwrite their input' },
    json: { type: 'boolean', help: 'print totals and per-layer rows as JSON' },
  },
});
export const ESTIMATE_USAGE = usageLine(ESTIMATE_COMMAND);

export function estimateCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, ESTIMATE_COMMAND.flags);
  const model = modelFromFlags(values, positionals, stderrNotes());
  const report = estimateCosts(model.graph, {
    model: choiceFlag('sram', values.sram, SRAM_MODELS, 'mcunet'),
    inplaceDepthwise: values['inplace-dw'] ?? false,
  });
  for (const key of ['macs', 'params', 'flashBytes', 'peakSramBytes'] as const) {
    // Each node's counts are bounded in shape inference; their sums must stay exact too.
    if (!(report[key] <= MAX_COUNT)) throw new InputError(`model ${model.graph.name} ${key}`, report[key], `a total of at most ${MAX_COUNT} (2^53 - 1), so it is exact`);
  }
  const input = model.graph.tensors[model.graph.inputs[0] as number]?.shape ?? [];
  const output = model.graph.tensors[model.graph.outputs[0] as number]?.shape ?? [];
  const space = model.space === undefined ? {} : { space: model.space.given ?? model.space.name, spaceName: model.space.name };
  const out = { file: model.source, format: model.format, ...space, resolution: input[2] ?? 0, classes: output[1] ?? 0, inputShape: input, ...report };
  return values.json ? jsonOut(out) : renderReport(out, spatialText(input), spaceText(model.space));
}

/**
 * A count in the unit that shows it: millions from 1e6 ("3.51 M"), thousands from 1e3 ("3.23 K"),
 * else the exact integer ("650"), so that a small model never reads "0.00 M".
 */
export function formatScaled(n: number): string {
  if (n >= 1e6) return formatMillions(n);
  return n >= 1e3 ? `${(n / 1e3).toFixed(2)} K` : formatInt(n);
}

/** JSON has no infinities: a non-finite number is written as the string "inf", "-inf" or "NaN", never null. */
function finiteOrString(_key: string, value: unknown): unknown {
  if (typeof value !== 'number' || Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'inf' : '-inf';
}

/** The input's spatial sizes as the header shows them: "8x8" for [1, 3, 8, 8], "128" for [1, 32, 128], "8x8x8" for 3-D; [N, K]: "K". */
function spatialText(input: readonly number[]): string {
  return (input.length > 2 ? input.slice(2) : input.slice(1)).join('x');
}

/**
 * The header's words on the space a candidate or LMaNet file was read with (its input size, classes
 * and head): "; space tinyml-cifar100, the default (--space NAME|FILE for another)",
 * "; space runs/x/space.json (my-space)"; '' for other formats, which carry their own.
 */
export function spaceText(space: { name: string; given?: string } | undefined): string {
  if (space === undefined) return '';
  if (space.given === undefined) return `; space ${space.name}, the default (--space NAME|FILE for another)`;
  return space.given === space.name ? `; space ${space.name}` : `; space ${space.given} (${space.name})`;
}

function renderReport(r: CostReport & { file?: string; format: string; classes: number }, spatial: string, space = ''): string {
  // Every layer with MACs or params (convs, linears, BN/LN, PRelu slopes, constant operands of
  // more than one element), so that the columns add up to the totals; a shared one is marked.
  const convs = r.layers.filter((l) => l.macs > 0 || l.params > 0 || OPS[l.op].sram === 'compute');
  const short = (node: string): string => node.split('.').pop() ?? node;
  const rows = convs.map((l) => [
    l.block,
    l.sharedWith === undefined ? short(l.node) : `${short(l.node)} (shares ${l.sharedWith})`,
    l.outputShape.slice(1).join('x'),
    formatInt(l.macs),
    l.sharedWith === undefined ? formatInt(l.params) : `(${formatInt(l.params)})`,
    formatInt(l.sramBytes),
  ]);
  const shared = r.layers.filter((l) => l.sharedWith !== undefined).length;
  return [
    `${r.file} (${r.format}, ${spatial}, ${r.classes} classes${space})`,
    textTable(['block', 'layer', 'output', 'MACs', 'params', 'SRAM bytes'], rows),
    ...(shared > 0 ? [`${shared} layer${shared === 1 ? '' : 's'} read${shared === 1 ? 's' : ''} the weights of an earlier layer (shares): params in parentheses are stored once, counted there; their MACs count on every call`] : []),
    '',
    `MACs          ${formatInt(r.macs)}${r.macs >= 1e3 ? ` (${formatScaled(r.macs)})` : ''}  conv + linear multiply-accumulates, per image`,
    `params        ${formatInt(r.params)}${r.params >= 1e3 ? ` (${formatScaled(r.params)})` : ''}  learned weights, biases, BN/LN gamma and beta; a shared tensor once`,
    `flash (int8)  ${formatInt(r.flashBytes)} bytes (${formatKiB(r.flashBytes)})  BN folded, +8 bytes per output channel`,
    `peak SRAM     ${formatInt(r.peakSramBytes)} bytes (${formatKiB(r.peakSramBytes)})  model ${r.sramModel}${r.inplaceDepthwise ? ' + in-place depthwise' : ''}, int8, at ${r.peakAt}`,
  ].join('\n');
}

import { referenceRows } from '../report/reference.js';
import { formatKiB, formatMillions, textTable } from '../report/text-table.js';
import { jsonOut, parseFlags } from './args.js';
import { defineCommand } from './command-spec.js';

export const REFERENCE_COMMAND = defineCommand({
  name: 'reference',
  summary: 'the shipped reference models (MCUNet, LMaNet, QwNet): computed beside published figures',
  example: 'paretonas reference --json',
  flags: { json: { type: 'boolean', help: 'print the rows as JSON' } },
});

const orDash = (v: number | null, f: (n: number) => string) => (v === null ? '—' : f(v));

export function referenceCommand(args: string[]): string {
  const { values } = parseFlags(args, REFERENCE_COMMAND.flags);
  const rows = referenceRows();
  if (values.json) return jsonOut(rows);
  const table = textTable(
    ['model', 'input', 'MACs', 'published', 'params', 'published', 'peak SRAM mcunet', 'liveness', 'published'],
    rows.map((r) => [
      r.model,
      `${r.resolution}px/${r.classes}`,
      formatMillions(r.macs),
      orDash(r.publishedMacs, (n) => formatMillions(n, 1)),
      formatMillions(r.params, 3),
      orDash(r.publishedParams, (n) => formatMillions(n, 2)),
      formatKiB(r.peakSramMcunetBytes),
      formatKiB(r.peakSramLivenessBytes),
      orDash(r.publishedPeakSramKiB, (n) => `${n} KiB`),
    ]),
  );
  return [
    'Reference models: computed by paretonas beside the figures their authors published',
    table,
    '',
    'MACs: conv + linear multiply-accumulates. params: weights, biases, BN gamma/beta. SRAM: int8 activations, batch 1.',
    'LMaNet/QwNet "published" are the paper\'s Table II / Fig. 5; the released configs build to the computed figures',
    '(checked with the authors\' model.py), so the paper and its released configs differ.',
  ].join('\n');
}

import { describeLimit, mergeLimits, spaceLimits } from '../limits.js';
import { deviceLimits, loadDevice } from '../device/profile.js';
import { checkLimitValues } from '../campaign/config.js';
import { withinLimit } from '../pareto/objectives.js';
import { formatMetric, metricInfo } from '../metrics.js';
import { formatInt, textTable } from '../report/text-table.js';
import { resolveSpace } from '../space/builtin.js';
import { spaceSize } from '../space/size.js';
import { sampleWithCosts } from '../space/stats.js';
import { median } from '../stats/summary.js';
import { intFlag, jsonOut, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';

/** Most samples `space` draws: 1,000,000 took 22 s and 1.1 GB of memory here (10,000,000 would not fit in minutes). */
export const MAX_SPACE_SAMPLES = 1_000_000;
/** From this many samples a line on stderr says the command is working and how long it may take. */
const SLOW_SAMPLES = 200_000;

export const SPACE_COMMAND = defineCommand({
  name: 'space',
  args: '[NAME|FILE]',
  summary: 'size of a search space and cost statistics of seeded samples (default space: tinyml-cifar100)',
  example: 'paretonas space tinyml-cifar100 --samples 100000 --seed 1',
  flags: {
    samples: { type: 'string', value: 'N', default: '10000', help: `uniform samples, 1 to ${MAX_SPACE_SAMPLES.toLocaleString('en-US')} (100,000 take about 4 s, 1,000,000 about 22 s and 1.1 GB)` },
    seed: { type: 'string', value: 'N', default: '0', help: 'sampling seed, 0 to 2^31-1' },
    device: { type: 'string', value: 'NAME|FILE', help: 'also count against a device profile\'s SRAM, flash and cost limits (as search --device would)' },
    json: { type: 'boolean', help: 'print the size and the feasible count as JSON' },
  },
});
export const SPACE_USAGE = usageLine(SPACE_COMMAND);

export function spaceCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, SPACE_COMMAND.flags);
  const space = resolveSpace(positionals[0]);
  const samples = intFlag('samples', values.samples, 1, MAX_SPACE_SAMPLES) ?? Number(SPACE_COMMAND.flags.samples.default);
  const seed = intFlag('seed', values.seed, 0, 2 ** 31 - 1) ?? Number(SPACE_COMMAND.flags.seed.default);
  if (samples >= SLOW_SAMPLES) process.stderr.write(`space: sampling ${formatInt(samples)} candidates, about ${Math.ceil(samples / 45_000)} s\n`);
  const size = spaceSize(space);
  const sampled = sampleWithCosts(space, samples, seed);
  const device = values.device !== undefined ? loadDevice(values.device) : undefined;
  if (device) checkLimitValues(deviceLimits(device), `device ${device.name}: limits`);
  const limits = device ? mergeLimits(spaceLimits(space), deviceLimits(device)) : spaceLimits(space);
  const costLimits = limits.filter((l) => metricInfo(l.name).source === 'cost');
  const meets = (s: (typeof sampled)[number]) => costLimits.every((l) => withinLimit(l, s[l.name as 'macs']));
  const feasible = device ? sampled.filter(meets).length : sampled.filter((s) => s.feasible).length;
  const metric = (key: 'macs' | 'params' | 'flashBytes' | 'peakSramBytes') => sampled.map((s) => s[key]).sort((a, b) => a - b);
  if (values.json) {
    return jsonOut({ space: space.name, size: { ...size, total: String(size.total), tableITotal: String(size.tableITotal) }, samples, seed, feasible });
  }
  const row = (key: 'macs' | 'params' | 'flashBytes' | 'peakSramBytes') => {
    const sorted = metric(key);
    return [metricInfo(key).label, formatMetric(key, sorted[0] as number), formatMetric(key, median(sorted)), formatMetric(key, sorted[sorted.length - 1] as number)];
  };
  const others = limits.filter((l) => metricInfo(l.name).source !== 'cost');
  return [
    `${space.name}: ${space.stages} stages, input ${space.input.channels}x${space.input.resolution}x${space.input.resolution}, ${space.classes} classes`,
    `per stage: ${formatInt(size.tableIPerStage[0] as number)} Table I configurations (${formatInt(size.configurationsPerStage[0] as number)} with the SE ratio)`,
    `architectures: ${size.tableITotal.toLocaleString('en-US')} (Table I) / ${size.total.toLocaleString('en-US')} (with SE ratio)`,
    '',
    `${formatInt(samples)} uniform samples, seed ${seed}:`,
    textTable(['metric', 'min', 'median', 'max'], [row('macs'), row('params'), row('flashBytes'), row('peakSramBytes')]),
    `meeting the cost limits${device ? ` of the space and ${device.name}` : ''} (${costLimits.map(describeLimit).join(', ') || 'none'}): ${formatInt(feasible)} (${((100 * feasible) / samples).toFixed(1)}%)`,
    ...(others.length ? [`not sampled here (known after a latency model or evaluation): ${others.map(describeLimit).join(', ')}`] : []),
  ].join('\n');
}

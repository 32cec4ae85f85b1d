import { readFileSync } from 'node:fs';
import { numericColumn, parseCsv } from '../csv.js';
import { InputError } from '../errors.js';
import { hypervolume } from '../pareto/hypervolume.js';
import { limitViolations, parseLimits, parseObjectives, toMinimization, totalViolation } from '../pareto/objectives.js';
import { nondominatedRanks, paretoFront } from '../pareto/sort.js';
import { textTable } from '../report/text-table.js';
import { parseFlags } from './args.js';

export const PARETO_USAGE = `paretonas pareto FILE.csv --objectives "acc:max,macs:min,params:min" [--constraint "sram<=327680"]
                   [--hypervolume --ref "0,400e6,2e6"] [--ranks] [--json]`;

export function paretoCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, {
    objectives: { type: 'string' },
    constraint: { type: 'string' },
    hypervolume: { type: 'boolean' },
    ref: { type: 'string' },
    ranks: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new InputError('FILE.csv', positionals, 'one CSV file');
  if (!values.objectives) throw new InputError('--objectives', undefined, 'name:min or name:max, comma-separated', 'is missing');
  const file = positionals[0] as string;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError('FILE.csv', file, 'a readable CSV file', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  const table = parseCsv(text, file);
  const objectives = parseObjectives(values.objectives);
  const limits = values.constraint ? parseLimits(values.constraint) : [];
  const columns = new Map<string, number[]>();
  for (const name of [...objectives.map((o) => o.name), ...limits.map((l) => l.name)]) columns.set(name, numericColumn(table, name, file));
  const raw = table.rows.map((_, i) => objectives.map((o) => columns.get(o.name)?.[i] as number));
  let ref: number[] | undefined;
  if (values.hypervolume) {
    if (!values.ref) throw new InputError('--ref', undefined, `a reference point with ${objectives.length} values (one per objective)`, 'is missing');
    ref = values.ref.split(',').map(Number);
    if (ref.length !== objectives.length || ref.some(Number.isNaN)) throw new InputError('--ref', values.ref, `${objectives.length} numbers, in the order of --objectives`);
  } else if (values.ref) throw new InputError('--ref', values.ref, 'with --hypervolume');

  const start = process.hrtime.bigint();
  const points = raw.map((r) => toMinimization(r, objectives));
  const violations = table.rows.map((_, i) => totalViolation(limitViolations(limits, (name) => columns.get(name)?.[i] as number)));
  const feasible = points.map((_, i) => i).filter((i) => violations[i] === 0);
  const front = limits.length === 0 ? paretoFront(points) : feasible.length > 0 ? paretoFront(feasible.map((i) => points[i] as number[])).map((k) => feasible[k] as number) : [];
  const ranks = values.ranks ? nondominatedRanks(points, limits.length > 0 ? violations : undefined) : undefined;
  const hv = ref ? hypervolume(front.map((i) => points[i] as number[]), toMinimization(ref, objectives)) : undefined;
  const computeSeconds = Number(process.hrtime.bigint() - start) / 1e9;

  if (values.json) {
    return JSON.stringify({
      file,
      objectives,
      constraints: limits,
      points: points.length,
      feasible: feasible.length,
      front: front.map((i) => ({ row: i, values: Object.fromEntries(objectives.map((o, k) => [o.name, raw[i]?.[k]])) })),
      ...(ranks ? { ranks } : {}),
      ...(hv !== undefined ? { hypervolume: hv, ref } : {}),
      computeSeconds,
    }, null, 2);
  }
  const lines = [
    `${file}: ${points.length} points, ${feasible.length} feasible${limits.length ? ` (${values.constraint})` : ''}; front of ${front.length}`,
    textTable(['row', ...objectives.map((o) => `${o.name} (${o.direction})`)], front.map((i) => [i, ...(raw[i] as number[])])),
  ];
  if (ranks) lines.push('', `ranks: ${[...new Set(ranks)].sort((a, b) => a - b).map((r) => `${r}: ${ranks.filter((x) => x === r).length}`).join(', ')} (rank: points)`);
  if (hv !== undefined) lines.push('', `hypervolume ${hv} (reference ${ref?.join(', ')})`);
  lines.push(`computed in ${(computeSeconds * 1000).toFixed(2)} ms`);
  return lines.join('\n');
}

import { readFileSync } from 'node:fs';
import { checkRegularFile } from '../read-bounded.js';
import { numericColumn, parseCsv } from '../csv.js';
import { capText, formatValue, InputError } from '../errors.js';
import { hypervolume } from '../pareto/hypervolume.js';
import { limitViolations, parseLimits, parseObjectives, toMinimization, totalViolation } from '../pareto/objectives.js';
import { nondominatedRanks, paretoFront } from '../pareto/sort.js';
import { textTable } from '../report/text-table.js';
import { checkPositionals, jsonOut, numberListFlag, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';

export const PARETO_COMMAND = defineCommand({
  name: 'pareto',
  args: 'FILE.csv',
  summary: 'the Pareto front (rows and values), non-dominated ranks and hypervolume of points in a CSV file',
  example: 'paretonas pareto test/fixtures/cases/negated_accuracy.csv --objectives "neg_acc:min,macs:min" --hypervolume --ref "-0.5,400"',
  flags: {
    objectives: { type: 'string', value: 'LIST', required: true, help: 'columns to optimise, name:min or name:max, comma-separated (e.g. "acc:max,macs:min")' },
    constraint: { type: 'string', value: 'LIST', help: 'limits a feasible row meets, name<=number or name>=number, comma-separated (e.g. "sram<=327680")' },
    hypervolume: { type: 'boolean', help: 'the hypervolume of the front against --ref' },
    ref: { type: 'string', value: 'LIST', help: 'with --hypervolume: one decimal number per objective, in its own units and direction (e.g. "-0.5,400")' },
    ranks: { type: 'boolean', help: 'the non-dominated rank of every row, from 0 (rank 0: the front; with --constraint, infeasible rows rank after feasible ones)' },
    json: { type: 'boolean', help: 'print the result as JSON (infinite values as "Infinity"/"-Infinity")' },
  },
  notes: [
    'Rows are numbered from 0 (row 0: the first line after the header); ranks from 0 (rank 0: the front).',
    'A hypervolume counts the front points better than --ref in every objective (JSON: "dominatingReference").',
  ],
});

/** Most ranks the text output lists, and most rows listed per rank (--json lists every row's rank). */
export const MAX_RANKS_SHOWN = 10;
export const MAX_ROWS_PER_RANK = 20;

/** `rank 0 (3 rows): 0, 1, 4` per rank, capped at MAX_RANKS_SHOWN ranks and MAX_ROWS_PER_RANK rows each. */
export function rankLines(ranks: readonly number[]): string[] {
  const byRank = new Map<number, number[]>();
  ranks.forEach((r, row) => byRank.set(r, [...(byRank.get(r) ?? []), row]));
  const sorted = [...byRank.entries()].sort(([a], [b]) => a - b);
  const lines = sorted.slice(0, MAX_RANKS_SHOWN).map(([r, rows]) => {
    const shown = rows.slice(0, MAX_ROWS_PER_RANK).join(', ');
    return `  rank ${r} (${rows.length} row${rows.length === 1 ? '' : 's'}): ${shown}${rows.length > MAX_ROWS_PER_RANK ? ` and ${rows.length - MAX_ROWS_PER_RANK} more` : ''}`;
  });
  if (sorted.length > MAX_RANKS_SHOWN) lines.push(`  and ${sorted.length - MAX_RANKS_SHOWN} more ranks (--json lists every row's rank)`);
  return ['ranks (from 0, rank 0: the front; rows from 0):', ...lines];
}
export const PARETO_USAGE = usageLine(PARETO_COMMAND);

export function paretoCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, PARETO_COMMAND.flags);
  checkPositionals('FILE.csv', positionals, 'one CSV file path');
  if (!values.objectives) throw new InputError('--objectives', undefined, 'name:min or name:max, comma-separated', 'is missing');
  const file = positionals[0] as string;
  let text: string;
  checkRegularFile(file, 'FILE.csv');
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // the system message repeats the whole path: the code says it without an unbounded line
    throw new InputError('FILE.csv', file, 'a readable CSV file', code === 'ENOENT' ? `got ${formatValue(file)}: no such file` : `got ${formatValue(file)}: cannot read it (${code ?? capText((err as Error).message)})`);
  }
  const table = parseCsv(text, file);
  const objectives = parseObjectives(values.objectives);
  const limits = values.constraint ? parseLimits(values.constraint) : [];
  const columns = new Map<string, number[]>();
  for (const name of [...objectives.map((o) => o.name), ...limits.map((l) => l.name)]) columns.set(name, numericColumn(table, name, file));
  const raw = table.rows.map((_, i) => objectives.map((o) => columns.get(o.name)?.[i] as number));
  let ref: number[] | undefined;
  if (values.hypervolume) {
    if (values.ref === undefined) throw new InputError('--ref', undefined, `a reference point with ${objectives.length} values (one per objective)`, 'is missing');
    ref = numberListFlag('ref', values.ref, objectives.length);
  } else if (values.ref !== undefined) throw new InputError('--ref', values.ref, 'with --hypervolume');

  const start = process.hrtime.bigint();
  const points = raw.map((r) => toMinimization(r, objectives));
  const violations = table.rows.map((_, i) => totalViolation(limitViolations(limits, (name) => columns.get(name)?.[i] as number)));
  const feasible = points.map((_, i) => i).filter((i) => violations[i] === 0);
  const front = limits.length === 0 ? paretoFront(points) : feasible.length > 0 ? paretoFront(feasible.map((i) => points[i] as number[])).map((k) => feasible[k] as number) : [];
  const ranks = values.ranks ? nondominatedRanks(points, limits.length > 0 ? violations : undefined) : undefined;
  const minRef = ref ? toMinimization(ref, objectives) : undefined;
  const hv = minRef ? hypervolume(front.map((i) => points[i] as number[]), minRef) : undefined;
  // front points strictly better than the reference in every objective: only they add volume
  const dominating = minRef ? front.filter((i) => (points[i] as number[]).every((v, k) => v < (minRef[k] as number))).length : undefined;
  const computeSeconds = Number(process.hrtime.bigint() - start) / 1e9;

  if (values.json) {
    return jsonOut({
      file,
      objectives,
      constraints: limits,
      points: points.length,
      feasible: feasible.length,
      front: front.map((i) => ({ row: i, values: Object.fromEntries(objectives.map((o, k) => [o.name, raw[i]?.[k]])) })),
      ...(ranks ? { ranks } : {}),
      ...(hv !== undefined ? { hypervolume: hv, ref, dominatingReference: dominating } : {}),
      computeSeconds,
    });
  }
  const lines = [
    `${file}: ${points.length} point${points.length === 1 ? '' : 's'}, ${feasible.length} feasible${limits.length ? ` (${values.constraint})` : ''}; front of ${front.length}`,
    textTable(['row', ...objectives.map((o) => `${o.name} (${o.direction})`)], front.map((i) => [i, ...(raw[i] as number[])])),
  ];
  if (ranks) lines.push('', ...rankLines(ranks));
  if (hv !== undefined) {
    lines.push('', `hypervolume ${hv} (reference ${ref?.join(', ')}; ${dominating} of ${front.length} front points better than it in every objective)`);
    if (dominating === 0) lines.push(`note: no front point is better than the reference in every objective, so the hypervolume is 0; choose a --ref worse than the points (larger for min objectives, smaller for max)`);
  }
  lines.push(`computed in ${(computeSeconds * 1000).toFixed(2)} ms`);
  return lines.join('\n');
}

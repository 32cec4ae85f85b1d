import { readDecimal } from '../decimal.js';
import { formatValue, InputError } from '../errors.js';
import { checkPointSet } from './check.js';

export const DIRECTIONS = ['min', 'max'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface Objective {
  name: string;
  direction: Direction;
}

/** A named limit on a value: `value <= max` (or >= min). */
export interface Limit {
  name: string;
  max?: number;
  min?: number;
}

/** Parses "acc:max,macs:min,params:min". */
export function parseObjectives(text: string): Objective[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new InputError('--objectives', text, 'name:min or name:max, comma-separated, none empty (e.g. acc:max,macs:min)', `got ${JSON.stringify(text)}: an empty item`);
  const objectives = parts.map((p) => {
    const [name, direction = 'min'] = p.split(':').map((s) => s.trim());
    if (!name) throw new InputError('--objectives', p, 'name:min or name:max');
    if (!(DIRECTIONS as readonly string[]).includes(direction)) throw new InputError(`--objectives ${name}`, direction, DIRECTIONS.join(', '));
    return { name, direction: direction as Direction };
  });
  const seen = new Set<string>();
  for (const o of objectives) {
    if (seen.has(o.name)) throw new InputError('--objectives', o.name, 'each objective once');
    seen.add(o.name);
  }
  return objectives;
}

const LIMIT_ALLOWED = 'name<=number or name>=number with a decimal number, comma-separated, none empty (e.g. "peakSramBytes<=327680,accuracy>=0.5")';

/**
 * Parses "sram<=327680" or "acc>=-0.5" (several joined by commas); an empty item, a non-decimal
 * number and one out of range (1e400 overflows, 1e-400 underflows: lib/decimal.ts) are refused.
 */
export function parseLimits(text: string): Limit[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new InputError('--constraint', text, LIMIT_ALLOWED, `got ${JSON.stringify(text)}: an empty item`);
  return parts.map((p) => {
    const m = /^([^<>=]+?)\s*(<=|>=)\s*(.+)$/.exec(p);
    if (!m) throw new InputError('--constraint', p, LIMIT_ALLOWED);
    const read = readDecimal(m[3] as string);
    if ('reason' in read) throw new InputError('--constraint', p, LIMIT_ALLOWED, `got ${formatValue(p)}: ${formatValue(m[3])} is ${read.reason}`);
    const value = read.value;
    return m[2] === '<=' ? { name: (m[1] as string).trim(), max: value } : { name: (m[1] as string).trim(), min: value };
  });
}

/** Whether a value meets a limit (at least its min, at most its max). */
export function withinLimit(limit: Pick<Limit, 'min' | 'max'>, value: number): boolean {
  return (limit.min === undefined || value >= limit.min) && (limit.max === undefined || value <= limit.max);
}

/** Constraint values in Optuna's convention (feasible when every value <= 0) from named limits. */
export function limitViolations(limits: readonly Limit[], value: (name: string) => number): number[] {
  const out: number[] = [];
  for (const l of limits) {
    const v = value(l.name);
    if (l.max !== undefined) out.push(v - l.max);
    if (l.min !== undefined) out.push(l.min - v);
  }
  return out;
}

/** Total violation: the sum of the positive constraint values (0 means feasible). */
export function totalViolation(constraints: readonly number[] | undefined): number {
  if (!constraints) return 0;
  let total = 0;
  for (const c of constraints) {
    if (Number.isNaN(c)) throw new InputError('constraint', c, 'a number (<= 0 is satisfied)');
    if (c > 0) total += c;
  }
  return total;
}

/**
 * Checks a point set and returns its number of objectives m (0 for no points): a plain array of plain
 * arrays of numbers, all of one length m >= 1, ±Infinity allowed; NaN, holes, strings, bigints, null,
 * typed arrays and [] points refused with ONE InputError naming `what[i][j]` (lib/pareto/check.ts).
 */
export function checkPoints(points: readonly (readonly number[])[], what = 'points'): number {
  return checkPointSet(points, what);
}

/** Values in minimisation form: maximised objectives are negated. */
export function toMinimization(values: readonly number[], objectives: readonly Objective[]): number[] {
  return objectives.map((o, i) => (o.direction === 'max' ? -(values[i] as number) : (values[i] as number)));
}

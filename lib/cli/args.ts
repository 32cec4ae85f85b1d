import { parseArgs } from 'node:util';
import { NOT_DECIMAL, readDecimal } from '../decimal.js';
import { capText, formatValue, InputError } from '../errors.js';
import { commandOfFlags } from './command-spec.js';

/** A flag table entry as parseFlags reads it; description keys (help, default, value) are ignored. */
type FlagOptions = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

/** The parsed values of a flag table: strings for string flags, booleans for switches, absent when not given. */
export type FlagValues<T extends FlagOptions> = { -readonly [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

export { DECIMAL } from '../decimal.js';
/**
 * An argument that starts like a negative number (`-0.5,400`, `-.5`, `-1e3`, also `-inf`, `-Infinity`,
 * `-NaN`): a flag's value, never a flag. The flag's own check then accepts it or says why not.
 */
const NEGATIVE_NUMBER_START = /^-(?:\d|\.\d|inf(?:inity)?(?![a-z])|nan(?![a-z]))/i;

/**
 * A string flag followed by a negative number or number list (`--ref -0.5,400`, `--band -.5`) takes it
 * as its value: the pair becomes `--ref=-0.5,400` (parseArgs would call it ambiguous).
 */
export function joinNegativeNumbers(args: readonly string[], options: FlagOptions): string[] {
  const shorts = new Map(Object.entries(options).filter(([, o]) => o.short).map(([name, o]) => [`-${o.short}`, name]));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : shorts.get(arg);
    if (name !== undefined && !arg.includes('=') && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER_START.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Most flag names an unknown-flag error lists; `paretonas CMD --help` lists them all. */
export const MAX_FLAGS_LISTED = 8;

/** Levenshtein distance (insertions, deletions, substitutions) between two short strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * The flag name an unknown one was probably meant to be: the only flag it starts (`bud` -> budget),
 * else the nearest by edit distance when at most a third of its length (at least 1) differs.
 */
export function closestFlag(name: string, names: readonly string[]): string | undefined {
  const prefixed = names.filter((n) => name.length >= 2 && n.startsWith(name));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const n of names) {
    const d = editDistance(name.toLowerCase(), n.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

/** `--a, --b, ... and 20 more (paretonas CMD --help lists all 28)`: MAX_FLAGS_LISTED names (all when 2 more at most). */
function flagList(names: readonly string[], command: string | undefined): string {
  const cut = names.length > MAX_FLAGS_LISTED + 2;
  const shown = names.slice(0, cut ? MAX_FLAGS_LISTED : names.length).map((n) => `--${n}`).join(', ');
  return cut ? `${shown} and ${names.length - MAX_FLAGS_LISTED} more (\`paretonas ${command ?? 'CMD'} --help\` lists all ${names.length})` : shown;
}

/** The described parts of a flag entry an error can quote (absent for a bare table). */
const described = (o: unknown): { value?: string; help?: string } => (o ?? {}) as { value?: string; help?: string };

/**
 * node:util parseArgs (positionals allowed) over a described flag table, with one-line errors that
 * name the flag: an unknown flag (`--bogus: is not a flag of paretonas search`, with the closest
 * name and a capped list), a string flag without a value (`--budget: needs a value (N)`), a switch
 * given a value, and a flag given twice (refused: which one counts would be a guess). Only `type`
 * and `short` reach parseArgs (a described `default` is documentation, not a value), and a negative
 * number after a string flag is its value.
 * @throws InputError naming the flag.
 */
export function parseFlags<T extends FlagOptions>(args: string[], options: T): { values: FlagValues<T>; positionals: string[] } {
  const plain = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]));
  const joined = joinNegativeNumbers(args, options);
  const command = commandOfFlags(options);
  const names = Object.keys(options);
  const { tokens } = parseArgs({ args: joined, options: plain, allowPositionals: true, strict: false, tokens: true });
  const given = new Map<string, string | undefined>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const flag = options[t.name];
    if (!flag) {
      const near = closestFlag(t.name, names);
      throw new InputError(t.rawName, t.rawName, flagList(names, command), `is not a flag of paretonas ${command ?? 'this command'}${near ? ` (did you mean --${near}?)` : ''}`);
    }
    const { value, help } = described(flag);
    if (flag.type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-')))) {
      const dashed = t.value === undefined ? '' : `, got ${formatValue(t.value)}${names.includes(t.value.replace(/^--?/, '').split('=')[0] as string) ? ', another flag' : `; write ${t.rawName}=${capText(t.value, 40)} for a value starting with "-"`}`;
      throw new InputError(t.rawName, t.value, help ?? 'a value', `needs a value (${value ?? 'VALUE'})${dashed}`);
    }
    if (flag.type === 'boolean' && t.value !== undefined) throw new InputError(t.rawName, t.value, `${t.rawName} alone (a switch)`, `takes no value, got ${formatValue(t.value)}`);
    if (given.has(t.name)) {
      const before = given.get(t.name);
      throw new InputError(`--${t.name}`, t.value, 'each flag once', flag.type === 'string' ? `is given twice (${formatValue(before)}, then ${formatValue(t.value)})` : 'is given twice');
    }
    given.set(t.name, t.value);
  }
  try {
    const { values, positionals } = parseArgs({ args: joined, options: plain, allowPositionals: true, strict: true });
    return { values: values as FlagValues<T>, positionals };
  } catch (err) {
    // Not reached for the cases above; parseArgs' text quotes the argument with unbalanced quotes, so only its first clause is kept.
    throw new InputError('flags', args.join(' '), flagList(names, command), (err as Error).message.split(/[.\n]/)[0]);
  }
}

/**
 * The positional arguments a command takes, `min` to `max` of them.
 * @throws InputError `FIELD: is missing; allowed: ALLOWED` or `FIELD: got 2 ("a", "b"); allowed: ...`.
 */
export function checkPositionals(field: string, positionals: readonly string[], allowed: string, min = 1, max = 1): string[] {
  if (positionals.length === 0 && min > 0) throw new InputError(field, undefined, allowed, 'is missing');
  if (positionals.length < min || positionals.length > max) {
    throw new InputError(field, positionals, allowed, `got ${positionals.length} (${capText(positionals.map((p) => formatValue(p)).join(', '))})`);
  }
  return [...positionals];
}

/**
 * `--flag VALUE` where VALUE itself starts with a dash (`--trainer-args "--epochs 3"`): parseArgs
 * calls that ambiguous, so the pair becomes `--flag=VALUE` for the flags that take such values.
 */
export function joinDashedValue(args: readonly string[], flag: string, ownFlags: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    // The command's own flag after it (`--trainer-args --json`) is a missing value, not a value.
    if (args[i] === flag && next !== undefined && next.startsWith('-') && !ownFlags.includes(next.split('=')[0] as string)) {
      out.push(`${flag}=${next}`);
      i++;
    } else out.push(args[i] as string);
  }
  return out;
}

export function choiceFlag<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(`--${flag}`, value, allowed.join(', '));
  return value as T;
}

/**
 * An integer flag, MIN to MAX (see lib/decimal.ts: decimal notation; an exponent or point is fine
 * when the value is whole, `1e3` is 1000).
 * @throws InputError naming the flag: not decimal, out of range (overflow), not whole, or outside MIN..MAX.
 */
export function intFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const allowed = `an integer from ${min} to ${max}`;
  const read = readDecimal(value.trim());
  if ('reason' in read) throw new InputError(`--${flag}`, value, allowed, read.reason === NOT_DECIMAL ? undefined : `got ${formatValue(value)}: ${read.reason}`);
  if (!Number.isInteger(read.value)) throw new InputError(`--${flag}`, value, allowed, `got ${formatValue(value)}: not an integer`);
  if (read.value < min || read.value > max) throw new InputError(`--${flag}`, value, allowed);
  return read.value;
}

/**
 * A number flag, MIN to MAX (see lib/decimal.ts).
 * @throws InputError naming the flag: not decimal, out of range (overflow or underflow), or outside MIN..MAX.
 */
export function numberFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const allowed = `a number from ${min} to ${max}`;
  const read = readDecimal(value.trim());
  if ('reason' in read) throw new InputError(`--${flag}`, value, allowed, read.reason === NOT_DECIMAL ? undefined : `got ${formatValue(value)}: ${read.reason}`);
  if (read.value < min || read.value > max) throw new InputError(`--${flag}`, value, allowed);
  return read.value;
}

/** A comma-separated list flag (`--models a,b`), each item checked by `check`. */
export function listFlag<T extends string>(flag: string, value: string | undefined, allowed: readonly T[] | undefined, fallback: readonly T[]): T[] {
  if (value === undefined) return [...fallback];
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new InputError(`--${flag}`, value, allowed ? `a comma-separated list of ${allowed.join(', ')}` : 'a comma-separated list');
  if (allowed) for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw new InputError(`--${flag}`, item, allowed.join(', '));
  return items as T[];
}

/**
 * A comma list of decimal numbers (`--ref "-0.5,400"`): every item present, decimal (no hex, no
 * Infinity, nothing empty: `--ref ,` is refused, not read as 0,0), finite and not underflowing (lib/decimal.ts); `count` items when given.
 */
export function numberListFlag(flag: string, value: string, count?: number, example = '"-0.5,400"'): number[] {
  const items = value.split(',').map((s) => s.trim());
  const allowed = `${count ?? 'one or more'} decimal numbers separated by commas, none empty (e.g. ${example})`;
  for (const item of items) {
    const read = readDecimal(item);
    if ('reason' in read) throw new InputError(`--${flag}`, value, allowed, item === '' ? `got ${formatValue(value)}: an empty item` : `got ${formatValue(item)} in ${formatValue(value)}: ${read.reason}`);
  }
  if (count !== undefined && items.length !== count) throw new InputError(`--${flag}`, value, allowed, `got ${formatValue(value)}: ${items.length} number${items.length === 1 ? '' : 's'}`);
  return items.map(Number);
}

/**
 * `--json` output: JSON with 2-space indent where a non-finite number is written as a string
 * ("Infinity", "-Infinity", "NaN") instead of JSON.stringify's null, and a bigint as its digits.
 */
export function jsonOut(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'bigint' ? v.toString() : v), 2);
}

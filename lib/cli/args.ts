import { parseArgs } from 'node:util';
import { formatValue, InputError } from '../errors.js';

/** A flag table entry as parseFlags reads it; description keys (help, default, value) are ignored. */
type FlagOptions = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

/** The parsed values of a flag table: strings for string flags, booleans for switches, absent when not given. */
export type FlagValues<T extends FlagOptions> = { -readonly [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

/** A decimal number: optional sign, digits with an optional fraction, optional exponent (no hex, no Infinity). */
export const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
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

/**
 * node:util parseArgs (strict, positionals allowed) over a described flag table, with errors that name
 * the flag, the value and what is allowed. Only `type` and `short` reach parseArgs (a described
 * `default` is documentation, not a value), and a negative number after a string flag is its value.
 */
export function parseFlags<T extends FlagOptions>(args: string[], options: T): { values: FlagValues<T>; positionals: string[] } {
  const plain = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]));
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeNumbers(args, options), options: plain, allowPositionals: true, strict: true });
    return { values: values as FlagValues<T>, positionals };
  } catch (err) {
    const allowed = Object.keys(options).map((o) => `--${o}`).join(', ');
    throw new InputError('flags', args.join(' '), allowed, (err as Error).message.split('\n')[0]);
  }
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

export function intFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!DECIMAL.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) throw new InputError(`--${flag}`, value, `an integer from ${min} to ${max}`);
  return n;
}

export function numberFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!DECIMAL.test(value.trim()) || !Number.isFinite(n) || n < min || n > max) throw new InputError(`--${flag}`, value, `a number from ${min} to ${max}`);
  return n;
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
 * Infinity, nothing empty: `--ref ,` is refused, not read as 0,0) and finite; `count` items when given.
 */
export function numberListFlag(flag: string, value: string, count?: number, example = '"-0.5,400"'): number[] {
  const items = value.split(',').map((s) => s.trim());
  const allowed = `${count ?? 'one or more'} decimal numbers separated by commas, none empty (e.g. ${example})`;
  const bad = items.find((s) => !DECIMAL.test(s) || !Number.isFinite(Number(s)));
  if (bad !== undefined) throw new InputError(`--${flag}`, value, allowed, bad === '' ? `got ${formatValue(value)}: an empty item` : `got ${formatValue(bad)} in ${formatValue(value)}: not a decimal number`);
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

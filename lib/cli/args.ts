import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../errors.js';

/** parseArgs with errors that name the flag, the value and what is allowed. */
type FlagOptions = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<T extends FlagOptions>(args: string[], options: T): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
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
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError(`--${flag}`, value, `an integer from ${min} to ${max}`);
  return n;
}

export function numberFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InputError(`--${flag}`, value, `a number from ${min} to ${max}`);
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

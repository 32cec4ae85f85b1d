/**
 * One described flag table per command: the parser reads it (parseFlags strips the description keys
 * before node:util parseArgs) and `--help`, `help CMD` and the top-level usage are rendered from it,
 * so the help cannot drift from what is parsed.
 */

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown after a string flag (N, FILE, URL, LIST). */
  value?: string;
  /** What the command uses when the flag is absent, as shown in help (documentation only). */
  default?: string;
  /** Shown without brackets in the usage line: the command refuses to run without it. */
  required?: boolean;
  /** One short line: what the flag does, its unit and its range. */
  help: string;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

export interface CommandSpec<F extends FlagTable = FlagTable> {
  /** The words after `paretonas`: 'search', 'lamda generate', 'lamda predictor train'. */
  name: string;
  /** The positional part of the usage: 'RUN_DIR [RUN_DIR...]', '(FILE | --zoo NAME)'. */
  args?: string;
  summary: string;
  /** One full command line, starting with `paretonas NAME`; a test parses its flags with `flags`. */
  example: string;
  /** Lines printed after the flags (what a default depends on, output files). */
  notes?: readonly string[];
  flags: F;
}

/** Keeps the literal flag types (so parseFlags types `values`) while checking the shape. */
export function defineCommand<const F extends FlagTable>(spec: CommandSpec<F>): CommandSpec<F> {
  COMMAND_OF_FLAGS.set(spec.flags, spec.name);
  return spec;
}

/** Which command a flag table belongs to, so a flag error can name the command and its --help. */
const COMMAND_OF_FLAGS = new WeakMap<object, string>();

/** The command name ('search', 'lamda predictor train') of a flag table made by defineCommand. */
export function commandOfFlags(flags: object): string | undefined {
  return COMMAND_OF_FLAGS.get(flags);
}

/** A group of subcommands (`lamda`, `lamda predictor`): help lists them. */
export interface CommandGroup {
  name: string;
  summary: string;
}

const WIDTH = 100;

function flagWords(name: string, f: FlagSpec, short = false): string {
  return `${short && f.short ? `-${f.short}` : `--${name}`}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
}

/** `paretonas NAME ARGS --required V [--flag V] [--switch]`, wrapped at 100 columns. */
export function usageLine(spec: CommandSpec, indent = 19): string {
  const words = [`paretonas ${spec.name}${spec.args ? ` ${spec.args}` : ''}`];
  for (const [name, f] of Object.entries(spec.flags)) {
    if (spec.args?.includes(`--${name} `)) continue; // `(FILE | --zoo NAME)` already shows it
    words.push(f.required ? flagWords(name, f, true) : `[${flagWords(name, f, true)}]`);
  }
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > WIDTH) {
      lines.push(line);
      line = `${' '.repeat(indent)}${w}`;
    } else line = line ? `${line} ${w}` : w;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Placeholders of flags whose value is a number (N, MS, KB...). */
const NUMERIC_PLACEHOLDERS = new Set(['N', 'F', 'K', 'KB', 'MS', 'P', 'S', 'T', '0|1']);

/** True for a flag that takes a number or a list of numbers: a numeric placeholder, or help that says "number". */
export function takesNumbers(f: FlagSpec): boolean {
  return f.type === 'string' && (NUMERIC_PLACEHOLDERS.has(f.value ?? '') || /\bnumbers?\b/i.test(f.help));
}

/** Printed under the help of a command with a numeric flag (lib/decimal.ts has the rule). */
export const NUMBER_NOTE = [
  'Numbers are decimal (12, -0.5, 1.5e6), finite and not rounding to 0; integer flags take 1e3 as 1000.',
  'A negative number after a flag is its value (--ref -0.5,400).',
] as const;

/** The full help of one command: summary, usage, every flag with its default, notes, one example. */
export function renderHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.flags).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : ''}${flagWords(name, f)}`;
    const right = `${f.help}${f.required ? ' (required)' : ''}${f.default !== undefined ? ` (default: ${f.default})` : ''}`;
    return [left, right] as const;
  });
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.min(30, Math.max(...rows.map(([l]) => l.length)));
  const flagLines = rows.map(([l, r]) => (l.length > width ? `  ${l}\n  ${' '.repeat(width)}  ${r}` : `  ${l.padEnd(width)}  ${r}`));
  return [
    `paretonas ${spec.name} — ${spec.summary}`,
    '',
    'Usage:',
    `  ${usageLine(spec, 4)}`,
    '',
    'Flags:',
    ...flagLines,
    ...(spec.notes?.length ? ['', ...spec.notes] : []),
    '',
    'Example:',
    `  ${spec.example}`,
    '',
    ...(Object.values(spec.flags).some(takesNumbers) ? NUMBER_NOTE : []),
    '--debug prints the stack of an internal error.',
  ].join('\n');
}

/** The help of a group: its subcommands, each with its usage line and summary. */
export function renderGroupHelp(group: CommandGroup, subcommands: readonly CommandSpec[]): string {
  return [
    `paretonas ${group.name} — ${group.summary}`,
    '',
    'Subcommands:',
    ...subcommands.flatMap((s) => [`  ${usageLine(s, 4)}`, `      ${s.summary}`]),
    '',
    `\`paretonas ${group.name} SUBCOMMAND --help\` shows a subcommand's flags, defaults and an example.`,
  ].join('\n');
}

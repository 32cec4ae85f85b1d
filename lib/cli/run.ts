import { readFileSync } from 'node:fs';
import { capText, InputError, StoppedEarly, ValidationError } from '../errors.js';
import { LlmSetupError } from '../llm/types.js';
import { type CommandGroup, type CommandSpec, renderGroupHelp, renderHelp, usageLine } from './command-spec.js';
import { COMPARE_COMMAND, compareCommand } from './compare.js';
import { CORRELATE_COMMAND, correlateCommand } from './correlate.js';
import { ESTIMATE_COMMAND, estimateCommand } from './estimate.js';
import { EXPLAIN_COMMAND, explainCommand } from './explain.js';
import { EXPORT_COMMAND, exportCommand } from './export.js';
import { LATENCY_COMMAND, latencyCommand } from './latency.js';
import { PARETO_COMMAND, paretoCommand } from './pareto.js';
import { REFERENCE_COMMAND, referenceCommand } from './reference.js';
import { DATASET_COMMAND, lamdaCommand, PARSE_COMMAND, parseCommand, SERIALIZE_COMMAND, serializeCommand, SLICE_COMMAND, sliceCommand } from './lamda.js';
import { ABLATE_COMMAND, EVALUATE_COMMAND, GENERATE_COMMAND } from './lamda-loop.js';
import { EVAL_COMMAND, TRAIN_COMMAND } from './lamda-predictor.js';
import { REPORT_COMMAND, reportCommand } from './report.js';
import { SEARCH_COMMAND, searchCommand } from './search.js';
import { SHOW_COMMAND, showCommand } from './show.js';
import { DASHBOARD_COMMAND, dashboardCommand } from './dashboard.js';
import { SPACE_COMMAND, spaceCommand } from './space.js';
import { WORKER_COMMAND, workerCommand } from './worker.js';

/** Every command and subcommand, in the order `paretonas help` lists them. */
export const COMMAND_SPECS: readonly CommandSpec[] = [
  SEARCH_COMMAND, COMPARE_COMMAND, CORRELATE_COMMAND, EXPLAIN_COMMAND, ESTIMATE_COMMAND, EXPORT_COMMAND, LATENCY_COMMAND, PARETO_COMMAND,
  REPORT_COMMAND, SHOW_COMMAND, DASHBOARD_COMMAND, SERIALIZE_COMMAND, DATASET_COMMAND, TRAIN_COMMAND, EVAL_COMMAND, GENERATE_COMMAND, EVALUATE_COMMAND,
  ABLATE_COMMAND, PARSE_COMMAND, SLICE_COMMAND, REFERENCE_COMMAND, SPACE_COMMAND, WORKER_COMMAND,
];

export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { name: 'lamda', summary: 'LAMDA: fine-tuning data, the closed generate-verify-correct loop, Table 3, ablations, the latency predictor' },
  { name: 'lamda predictor', summary: 'LAMDA\'s latency predictor: train it on measured zoo variants, evaluate it' },
];

const COMMANDS: Record<string, (args: string[]) => string | Promise<string>> = {
  compare: compareCommand,
  correlate: correlateCommand,
  dashboard: dashboardCommand,
  estimate: estimateCommand,
  explain: explainCommand,
  export: exportCommand,
  lamda: lamdaCommand,
  latency: latencyCommand,
  pareto: paretoCommand,
  parse: parseCommand,
  reference: referenceCommand,
  serialize: serializeCommand,
  slice: sliceCommand,
  report: reportCommand,
  search: searchCommand,
  show: showCommand,
  space: spaceCommand,
  worker: workerCommand,
};

/** The package.json version (dist/cli and lib/cli both sit two levels below it). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const USAGE = `paretonas — LLM-guided, hardware-aware NAS for TinyML

Commands:
${COMMAND_SPECS.map((s) => `  ${usageLine(s)}\n      ${s.summary}`).join('\n')}

A model is a JSON config (LMaNet candidate_config, a candidate {blocks}, an MCUNet config), an ONNX
file, LAMDA text, or a zoo model (--zoo NAME).

paretonas --version prints the version; paretonas CMD --help (or paretonas help CMD) shows a command's
flags, defaults and an example. --debug anywhere prints the stack of an internal error. A negative
number after a flag is its value (--ref -0.5,400). --json writes an infinite number as "Infinity".
`;

/** Longest error line printed (characters); a longer message is cut and its length given. */
export const MAX_ERROR_LINE = 600;

/** Where an internal error should be reported. */
export const REPORT_HINT = 'please report this to the paretonas maintainers (issue tracker) with the command line; --debug shows the stack';

const oneLine = (text: string): string => capText(text.replace(/\s*[\r\n]+\s*/g, ' ').trim(), MAX_ERROR_LINE);

/** The words naming a command or group at the start of argv ('lamda predictor train'), the longest known. */
function commandPath(argv: readonly string[]): { spec?: CommandSpec; group?: CommandGroup; words: number } {
  for (let n = Math.min(3, argv.length); n >= 1; n--) {
    const name = argv.slice(0, n).join(' ');
    const spec = COMMAND_SPECS.find((s) => s.name === name);
    if (spec) return { spec, words: n };
    const group = COMMAND_GROUPS.find((g) => g.name === name);
    if (group) return { group, words: n };
  }
  return { words: 0 };
}

/** True when `--help`/`-h` is a word of its own, not the value of a string flag (`--trainer-args --help`). */
function asksHelp(args: readonly string[], spec?: CommandSpec): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
    const name = a.startsWith('--') ? a.slice(2) : Object.entries(spec?.flags ?? {}).find(([, f]) => f.short && `-${f.short}` === a)?.[0];
    if (name !== undefined && !a.includes('=') && spec?.flags[name]?.type === 'string') i++; // skip its value
  }
  return false;
}

function helpFor(words: readonly string[]): { code: number; stdout: string; stderr: string } {
  if (words.length === 0) return { code: 0, stdout: USAGE, stderr: '' };
  const found = commandPath(words);
  const name = words.join(' ');
  if (found.words !== words.length || (!found.spec && !found.group)) {
    const known = [...COMMAND_SPECS.map((s) => s.name), ...COMMAND_GROUPS.map((g) => g.name)].sort().join(', ');
    return { code: 2, stdout: '', stderr: `${oneLine(`paretonas help: command: got ${JSON.stringify(capText(name))}; allowed: ${known}`)}\n` };
  }
  if (found.spec) return { code: 0, stdout: `${renderHelp(found.spec)}\n`, stderr: '' };
  const group = found.group as CommandGroup;
  const subs = COMMAND_SPECS.filter((s) => s.name.startsWith(`${group.name} `));
  return { code: 0, stdout: `${renderGroupHelp(group, subs)}\n`, stderr: '' };
}

/**
 * Runs one command line. Input errors (InputError, ValidationError, LlmSetupError) are one line and
 * exit 2; anything else is one line naming an internal error and exit 1 (`--debug`, anywhere on the
 * line, adds the stack). `--version`/`-V`, `help [CMD]` and `CMD --help`/`-h` exit 0.
 */
export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [command, ...rest] = args;
  if (command === '--version' || command === '-V') return { code: 0, stdout: `${packageVersion()}\n`, stderr: '' };
  if (!command || command === '--help' || command === '-h') return helpFor([]);
  if (command === 'help') return helpFor(rest);
  const found = commandPath(args);
  if ((found.spec || found.group) && asksHelp(args.slice(found.words), found.spec)) return helpFor(args.slice(0, found.words));
  const run = COMMANDS[command];
  if (!run) return { code: 2, stdout: '', stderr: `${oneLine(`paretonas: command: got ${JSON.stringify(capText(command))}; allowed: ${Object.keys(COMMANDS).sort().join(', ')}, help, --version`)}\n` };
  const label = found.spec?.name ?? found.group?.name ?? command;
  try {
    return { code: 0, stdout: `${await run(rest)}\n`, stderr: '' };
  } catch (err) {
    const stack = debug && err instanceof Error && err.stack ? `${err.stack}\n` : '';
    if (err instanceof StoppedEarly) return { code: err.code, stdout: `${err.output}\n`, stderr: `${oneLine(`paretonas ${label}: ${err.message}`)}\n` };
    if (err instanceof InputError || err instanceof ValidationError || err instanceof LlmSetupError) {
      return { code: 2, stdout: '', stderr: `${oneLine(`paretonas ${label}: ${err.message}`)}\n${stack}` };
    }
    return { code: 1, stdout: '', stderr: `${internalErrorLine(label, err)}\n${stack}` };
  }
}

/** `paretonas CMD: internal error: MESSAGE (please report ...)`, one line whatever was thrown. */
export function internalErrorLine(label: string, err: unknown): string {
  let message: string;
  try {
    message = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  } catch {
    message = 'an exception that cannot be shown';
  }
  return `paretonas ${label}: internal error: ${oneLine(message || '(no message)')} (${REPORT_HINT})`;
}

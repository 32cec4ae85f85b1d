import { capText, InputError, printableLine } from '../errors.js';
import { formatMetric } from '../metrics.js';
import { architectureLines } from '../report/explanations.js';
import { loadTrial, trialOnnx, trialText, type TrialView } from '../report/trial.js';
import type { Candidate } from '../space/candidate.js';
import { resolveSpace } from '../space/builtin.js';
import { formatInt } from '../report/text-table.js';
import { checkPositionals, joinNegativeNumbers, jsonOut, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { prepareOutput, writeOutput } from './output-file.js';

export const SHOW_COMMAND = defineCommand({
  name: 'show',
  args: 'RUN_DIR INDEX|KEY',
  summary: 'one trial of a run: its records, metrics with units and architecture; -o writes its candidate JSON, ONNX or LAMDA text',
  example: 'paretonas show runs/qwen 12 -o runs/qwen-12.json',
  notes: [
    'INDEX is a proposal number (0-based, as the records and reports number them); KEY a candidate key, whole or shortened "prefix…hash" as report tables print it.',
    '-o FILE.json writes the candidate as proposed: `paretonas estimate FILE.json --space SPACE --sram MODEL` with the run\'s space and SRAM model gives its recorded costs.',
    '-o FILE.onnx writes the network as `paretonas export` does (opset 14, seeded weights, seed 0); -o FILE.txt (or .dsl) as LAMDA text.',
  ],
  flags: {
    output: { type: 'string', short: 'o', value: 'FILE.json|FILE.onnx|FILE.txt', help: 'write the candidate JSON, the network as ONNX, or as LAMDA text (by the extension)' },
    json: { type: 'boolean', help: 'print the trial (records, metrics, candidate, costs with per-layer rows) as JSON' },
  },
});
export const SHOW_USAGE = usageLine(SHOW_COMMAND);

/** What -o writes, by the file's extension. */
const OUTPUT_KINDS = { '.json': 'candidate JSON', '.onnx': 'ONNX', '.txt': 'LAMDA text', '.dsl': 'LAMDA text' } as const;
type OutputExtension = keyof typeof OUTPUT_KINDS;

/** `paretonas show RUN_DIR INDEX|KEY [-o FILE] [--json]`. @throws InputError (exit 2) for a missing run, an unknown index or key, a bad extension. */
export function showCommand(args: string[]): string {
  // "-1" as INDEX is a positional (a negative number after a flag is that flag's value: parseFlags joins those)
  const negatives: string[] = [];
  const hidden = joinNegativeNumbers(args, SHOW_COMMAND.flags).map((a) => (/^-\d/.test(a) ? `\u0000${negatives.push(a) - 1}` : a));
  const { values, positionals: parsed } = parseFlags(hidden, SHOW_COMMAND.flags);
  const positionals = parsed.map((p) => (/^\u0000\d+$/.test(p) ? (negatives[Number(p.slice(1))] as string) : p));
  const [runDir, ref] = checkPositionals('RUN_DIR INDEX|KEY', positionals, 'a run directory and a proposal index or candidate key', 2, 2) as [string, string];
  const out = values.output;
  let extension: OutputExtension | undefined;
  if (out !== undefined) {
    if (values.json) throw new InputError('--json', true, 'either --json (print the trial as JSON) or -o FILE (write its candidate, ONNX or LAMDA text)', 'cannot be combined with -o');
    extension = Object.keys(OUTPUT_KINDS).find((e) => out.toLowerCase().endsWith(e)) as OutputExtension | undefined;
    if (!extension) throw new InputError('-o', out, 'a path ending in .json (the candidate), .onnx (the network) or .txt/.dsl (LAMDA text)', `got ${JSON.stringify(out)}: unknown extension`);
  }
  const view = loadTrial(runDir, ref); // the trial first: a bad INDEX|KEY creates no folder
  if (out !== undefined && extension !== undefined) {
    prepareOutput('-o', out, { runDir, refuse: 'inside' });
    return writeTrial(view, out, extension);
  }
  return values.json ? jsonOut({ ...view, graph: undefined }) : describeTrial(view);
}

function writeTrial(view: TrialView, out: string, extension: OutputExtension): string {
  const bytes = extension === '.json' ? `${JSON.stringify(view.candidate, null, 2)}\n` : extension === '.onnx' ? trialOnnx(view) : trialText(view);
  writeOutput('-o', out, bytes, { runDir: view.runDir, refuse: 'inside' });
  const line = `wrote ${out}: proposal #${view.index}'s ${OUTPUT_KINDS[extension]} (${view.status}, space ${view.space.name})`;
  if (extension !== '.json') return printableLine(line);
  if (view.candidateProblems) return printableLines(`${line}\nnot a candidate of ${view.space.name}: ${view.candidateProblems[0]}`);
  return printableLines(`${line}\n${estimateLine(view, out)}`);
}

/** Text with every line kept and each line's control bytes (escapes, BEL, ...) escaped as \\uXXXX: records hold LLM and trainer text. */
function printableLines(text: string): string {
  return text.split(/\r?\n/).map(printableLine).join('\n');
}

/** A word as a POSIX shell reads it: bare when plain, else in single quotes (a ' inside as '\\''). */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The command that gives the trial's costs again from a written candidate file. */
function estimateLine(view: TrialView, file: string): string {
  return `paretonas estimate ${shellWord(file)} --space ${shellWord(view.space.file ?? view.space.name)} --sram ${shellWord(view.sramModel)} gives its costs (MACs, params, flash, peak SRAM)`;
}

/** A cost metric with its exact count: "81.4 M (81,391,872)", "361.1 KiB (369,755 bytes)"; other metrics in their display unit. */
function shownMetric(name: string, value: number): string {
  const exact = name.endsWith('Bytes') ? ` (${formatInt(value)} bytes)` : name === 'macs' || name === 'params' ? ` (${formatInt(value)})` : '';
  return `${formatMetric(name, value)}${Number.isInteger(value) ? exact : ''}`;
}

const LABELS: Record<string, string> = { macs: 'MACs', params: 'params', flashBytes: 'flash', peakSramBytes: 'peak SRAM', latencyMs: 'latency', naswot: 'NASWOT score', accuracy: 'accuracy' };

function metricRows(metrics: Record<string, number>): string[] {
  const width = Math.max(...Object.keys(metrics).map((k) => (LABELS[k] ?? k).length));
  return Object.entries(metrics).map(([k, v]) => `  ${(LABELS[k] ?? k).padEnd(width)}  ${shownMetric(k, v)}`);
}

/** The head after the stages: "head     average pool, dropout 0.2, linear -> 100 classes". */
function headLine(candidate: Candidate, spaceName: string): string {
  const space = resolveSpaceSafe(spaceName);
  return `  head: ${candidate.pool_type ?? 'average'} pool${space ? `, dropout ${space.head.dropout}, linear -> ${space.classes} classes` : ''}`;
}

function resolveSpaceSafe(name: string): ReturnType<typeof resolveSpace> | undefined {
  try {
    return resolveSpace(name);
  } catch {
    return undefined;
  }
}

/** A record as one line without what the text already shows (candidate, key, index, time); an LLM call's messages counted, its reply cut. */
function recordLine(r: TrialView['records'][number]): string {
  const { type, seq, time: _t, index: _i, key: _k, candidate: _c, ...rest } = r as Record<string, unknown>;
  if (type === 'llm-call') {
    const reply = typeof rest.reply === 'string' ? rest.reply : '';
    rest.messages = `${(rest.messages as unknown[] | undefined)?.length ?? 0} messages`;
    rest.reply = capText(reply, 120);
  }
  if (Array.isArray(rest.removed)) rest.removed = rest.removed.map((k) => capText(String(k), 40));
  for (const [k, v] of Object.entries(rest)) if (v === null) delete rest[k];
  return `  seq ${String(seq).padEnd(5)} ${String(type).padEnd(13)} ${Object.keys(rest).length ? JSON.stringify(rest) : ''}`.trimEnd();
}

/** The trial as `paretonas show` prints it: status, key, metrics with units, architecture, costs, explanation, records. */
export function describeTrial(view: TrialView): string {
  const status = view.status === 'rejected' ? `rejected (${view.reason})` : view.status === 'proposed' ? 'proposed, no outcome recorded (in flight, or the run stopped)' : view.status;
  const lines = [`proposal #${view.index} of ${view.runDir}: ${status}`, `key    ${view.key ?? 'none (not a well-formed candidate)'}`];
  if (view.note) lines.push(`note   ${view.note}`);
  lines.push(`space  ${view.space.file ? `${view.space.file} (${view.space.name})` : view.space.name}; peak SRAM charged by the ${view.sramModel} model`);
  if (view.message) lines.push(`${view.status === 'failed' ? 'failure' : 'rejection'}: ${view.message}`);
  if (view.metrics) lines.push('', 'metrics (recorded)', ...metricRows(view.metrics));
  if (view.costs) {
    const c = view.costs;
    const cand = view.candidate as Candidate;
    const input = view.graph?.tensors[view.graph.inputs[0] as number]?.shape.slice(1).join('x');
    lines.push('', `architecture: input ${input}, ${cand.blocks.length} stages`, ...architectureLines(cand).map((l) => `  ${l}`), headLine(cand, view.space.file ?? view.space.name));
    const costs = { macs: c.macs, params: c.params, flashBytes: c.flashBytes, peakSramBytes: c.peakSramBytes };
    const how = `the run's space, ${c.sramModel} SRAM model; peak at ${c.peakAt}`;
    if (view.metrics && Object.entries(costs).every(([k, v]) => view.metrics?.[k] === v)) lines.push('', `estimated costs: the recorded ones exactly (${how})`);
    else lines.push('', `estimated costs (${how})`, ...metricRows(costs));
  } else lines.push('', `candidate (not of space ${view.space.name}: ${view.candidateProblems?.[0] ?? 'unknown'})`, `  ${JSON.stringify(view.candidate)?.slice(0, 400)}`);
  if (view.explanation) lines.push('', `explanation (${view.explanation.model}${view.explanation.onDemand ? ', asked after the run' : ''}):`, view.explanation.text);
  if (view.llmCalls.length) lines.push('', `LLM calls: ${view.llmCalls.length} (${view.llmCalls.map((c) => c.purpose ?? 'proposal').join(', ')})`);
  lines.push('', `records (${view.records.length})`, ...view.records.map(recordLine));
  if (view.costs) lines.push('', `write it: paretonas show ${shellWord(view.runDir)} ${view.index} -o FILE.json | FILE.onnx | FILE.txt; ${estimateLine(view, 'FILE.json')}`);
  return printableLines(lines.join('\n'));
}
